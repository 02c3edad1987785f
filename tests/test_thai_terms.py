"""One term, one rendering in the Thai edition (issue 12, "a check that keeps it so").

The glossary (`book/shared/glossary-table.md`) gives each term the one form the Thai edition
uses (column 2). A form "Latin (Thai)" means: write the term in Latin script, and use the Thai
words only as its gloss, in parentheses right after it; a form "Thai (Latin)" means: write it in
Thai, and the English only in parentheses. The comment block `thai-variants` at the end of the
table adds forms seen in drafts that the edition does not use (regular expressions).

For every Thai chapter (the Markdown cells of `notebooks/th/*.ipynb`, the string literals and
comments of their code cells that contain Thai, and the pages `book/th/*.md`) this test finds
each term's renderings and fails when a chapter uses a form the glossary does not list, naming
the chapter, the term, the form and how often it occurs. Math, code spans, citations, link
targets and HTML are not prose and are skipped.

A second check: chapters 4-13 do not gloss the basic terms of chapters 1-3 again. A gloss is a
parenthesis right after the term that translates it (its glossary gloss, another known Thai word
for it, or the start of its Thai definition); a parenthesis that qualifies or comments on the term
("token (ข้อมูลที่กันไว้)" as a table column's data set) is not one. Both detectors have tests of
their own below, with texts they must flag and texts they must pass.
"""
import ast
import io
import json
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "book" / "shared" / "glossary-table.md"
CHAPTERS = sorted((ROOT / "notebooks" / "th").glob("*.ipynb")) + sorted((ROOT / "book" / "th").glob("*.md"))

THAI = re.compile(r"[\u0e00-\u0e7f]")
NOT_PROSE = [
    r"```.*?```",                                   # fenced code and directives
    r"\$\$.*?\$\$",                                 # display math
    r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}",           # amsmath environments
    r"(?<!\\)\$[^$\n]+?(?<!\\)\$",                  # inline math
    r"\{[\w:-]+\}`[^`\n]*`",                        # roles: {cite}`key`, {ref}`label`
    r"`[^`\n]*`",                                   # inline code
    r"\]\([^)\s]*\)",                               # link targets
    r"<[^>\n]+>",                                   # HTML tags and comments on one line
    r"<!--.*?-->",                                  # HTML comments
    r"(?<!\*)\*[^*\u0e00-\u0e7f\n]+\*(?!\*)",          # titles of English works, in italics
]
# Thai has no spaces between words: a gloss word can appear across a word boundary
# ("แต่ละตัว|สร้าง" is not "ตัวสร้าง"), and a longer name can contain a term's gloss (RLHF's
# expansion contains reinforcement learning's). These phrases are masked before the search.
NOT_TERMS = ["แต่ละตัว", "การเรียนรู้แบบเสริมกำลังจากผลตอบรับของมนุษย์"]
# An English word in parentheses that hold no Thai is a gloss (e.g. "เอนโทรปี (entropy)").
LATIN_GLOSS = re.compile(r"\([^()\u0e00-\u0e7f]*\)")


def _split_form(form: str) -> tuple[str, str | None]:
    """'pre-training (การฝึกล่วงหน้า)' -> ('pre-training', 'การฝึกล่วงหน้า')."""
    match = re.fullmatch(r"(.+?) \((.+)\)", form.strip())
    if not match:
        return form.strip(), None
    return match.group(1).strip(), match.group(2).strip()


def load_terms(text: str | None = None) -> list[dict]:
    """The glossary's terms with the Thai form, its gloss and the forms not to use.

    Each entry: english (column 1), form (what the Thai edition writes), gloss (the words allowed
    only in parentheses right after it, or None) and variants (compiled patterns of forms that a
    Thai chapter must not use, each with its label).
    """
    text = GLOSSARY.read_text(encoding="utf-8") if text is None else text
    terms = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if not line.startswith("| ") or len(cells) != 4 or cells[0] in ("English",) or set(cells[0]) <= {"-", "|"}:
            continue
        english, thai = cells[0], cells[1]
        form, gloss = _split_form(thai)
        variants = []
        # Only a one-term row with a plain gloss gives a rule (rows listing several terms, or a
        # gloss with math or a colon, are covered by the explicit list below).
        if gloss and "," not in thai and "$" not in gloss and ":" not in gloss:
            if THAI.search(form) and not THAI.search(gloss):
                # Thai-first: the English is only a gloss.
                variants.append((gloss, re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(gloss)}(?![A-Za-z0-9_-])", re.I)))
            elif not THAI.search(form) and THAI.search(gloss):
                # Latin-first: the Thai words are only a gloss.
                variants.append((gloss, re.compile(re.escape(gloss))))
        terms[english] = {"english": english, "form": form, "gloss": gloss, "variants": variants}
    block = re.search(r"<!-- thai-variants:(.*?)-->", text, flags=re.S)
    if block:
        for line in block.group(1).splitlines():
            if " | " not in line or line.startswith(" "):
                continue
            english, patterns = line.split(" | ", 1)
            if english not in terms:
                raise ValueError(f"thai-variants names {english!r}, which is not a glossary term")
            if patterns.strip() == "-":
                terms[english]["variants"] = []
                continue
            for pattern in patterns.split(" ; "):
                terms[english]["variants"].append((pattern.strip(), re.compile(pattern.strip(), re.I)))
    return list(terms.values())


def _code_prose(source: str) -> str:
    """The Thai string literals and comments of a code cell (f-strings: their literal parts)."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    code = "\n".join(lines)
    parts = []
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return ""
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts.append(" ".join(v.value for v in node.values if isinstance(v, ast.Constant)))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            parts.append(node.value)
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            parts.append(token.string)
    # f-string parts also appear as Constants inside the JoinedStr: count each piece once.
    seen, unique = set(), []
    for part in parts:
        if THAI.search(part) and part not in seen:
            seen.add(part)
            unique.append(part)
    return "\n".join(unique)


def chapter_prose(path: Path) -> str:
    """The Thai prose of a chapter: Markdown and the Thai text of its code cells."""
    if path.suffix == ".md":
        markdown, code = path.read_text(encoding="utf-8"), ""
    else:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        markdown = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        code = "\n\n".join(_code_prose("".join(c["source"])) for c in cells if c["cell_type"] == "code")
    for pattern in NOT_PROSE:
        markdown = re.sub(pattern, " ", markdown, flags=re.S)
    return markdown + "\n\n" + code


def findings(text: str, terms: list[dict]) -> list[tuple[str, str, int, str]]:
    """(term, form found, count, first context) for each form the glossary does not list."""
    # Another term's form or gloss that contains a variant is not that variant
    # ("โมเดลให้รางวัล" is reward model's gloss, not the figurative "ให้รางวัล").
    protected = sorted({s for t in terms for s in (t["form"], t["gloss"]) if s}, key=len, reverse=True)
    for phrase in NOT_TERMS:
        text = text.replace(phrase, " " * len(phrase))
    found = []
    for term in (t for t in terms if t["variants"]):
        body = text
        if term["gloss"]:
            # The gloss in parentheses right after the form (bold or not) is the gloss, not a rendering.
            # (replaced by blanks of the same length, so that positions still point into text)
            # An acronym may come between: "**reinforcement learning (RL)** (การเรียนรู้...".
            body = re.sub(rf"({re.escape(term['form'])}(?:\s*\([A-Z]+\))?\**\s*\(\s*){re.escape(term['gloss'])}",
                          lambda m: m.group(1) + " " * (len(m.group()) - len(m.group(1))), body)
        spans = set()
        for label, pattern in term["variants"]:
            masked = body
            for other in protected:
                if other not in (term["form"], term["gloss"]) and pattern.search(other) and not pattern.fullmatch(other):
                    masked = masked.replace(other, " " * len(other))
            if not THAI.search(label):
                masked = LATIN_GLOSS.sub(lambda m: " " * len(m.group()), masked)
            spans.update((m.start(), m.end()) for m in pattern.finditer(masked))
        # One occurrence, one finding: drop a span inside a longer one ("รางวัล" in "ให้รางวัล").
        spans = {(a, b) for a, b in spans if not any(c <= a and b <= d and (c, d) != (a, b) for c, d in spans)}
        by_form = {}
        for start, end in sorted(spans):
            by_form.setdefault(text[start:end].lower(), []).append((start, end))
        for form, hits in by_form.items():
            start, end = hits[0]
            context = text[max(0, start - 25): end + 25].replace("\n", " ")
            found.append((term["english"], form, len(hits), context))
    return found


def test_glossary_rules_parse():
    terms = {t["english"]: t for t in load_terms()}
    assert terms["pre-training"]["form"] == "pre-training"
    assert terms["entropy"]["form"] == "เอนโทรปี"
    assert terms["held-out data"]["form"] == "ข้อมูลที่กันไว้"
    assert terms["noise"]["form"] == "noise"


def test_check_finds_a_second_form():
    """The check is not vacuous: a text with a variant fails, the glossary's own forms pass."""
    terms = load_terms()
    good = "เอนโทรปี (entropy) ของ generator หลัง pre-training (การฝึกล่วงหน้า) ต่ำลง วัดบนข้อมูลที่กันไว้"
    assert findings(good, terms) == []
    bad = good + " แล้วการฝึกล่วงหน้าก็ทำให้ entropy บน held-out ลดลง และ reward model (โมเดลให้รางวัล) ให้รางวัล"
    got = {(term, form) for term, form, _, _ in findings(bad, terms)}
    assert got == {("pre-training", "การฝึกล่วงหน้า"), ("entropy", "entropy"),
                   ("held-out data", "held-out"), ("reward", "ให้รางวัล")}


def test_code_cells_give_their_thai_strings_only():
    source = '%matplotlib inline\nx = {"entropy": 1}  # เอนโทรปี ของ held-out\nsay(f"เอนโทรปี {x[\'entropy\']:.2f}")\n'
    prose = _code_prose(source)
    assert "held-out" in prose and "'entropy'" not in prose and '"entropy"' not in prose
    assert findings(prose, load_terms())[0][:3] == ("held-out data", "held-out", 1)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_one_rendering_per_term(path):
    found = findings(chapter_prose(path), load_terms())
    assert not found, f"{path.relative_to(ROOT)} uses forms the glossary does not list:\n" + "\n".join(
        f"  {term}: «{form}» x{count}  …{context}…" for term, form, count, context in found)


# Terms every reader knows after chapters 1-3: glossed where they first appear, never again.
BASIC = ["generator", "discriminator", "reward", "policy", "policy gradient", "gradient", "state", "action",
         "token", "sampling", "expectation", "episode, trajectory"]
FIRST_WITHOUT_GLOSSES = 4
# Thai words for the basic terms besides the glossary's: the competing renderings seen in Thai
# sources (/work/shared/reference/thai-style.md) and in Thai RL texts. A parenthesis that starts
# with one of them re-glosses the term even though the glossary does not use the word.
OTHER_THAI_WORDS = {
    "generator": ["ตัวก่อกำเนิด"],
    "discriminator": ["ตัวแยกแยะ"],
    "reward": ["ผลตอบแทน"],
    "state": ["สภาวะ"],
    "gradient": ["เกรเดียนท์", "ความชัน"],
    "token": ["โทเคน", "โทเค็น"],
    "sampling": ["การสุ่ม", "การชักตัวอย่าง"],
    "episode, trajectory": ["วิถี"],
}
# A parenthesis that begins like the term's Thai definition (glossary column 4) re-glosses it when
# the two agree on this many characters, or on all of a shorter parenthesis: "state
# (ข้อความที่เขียนมาแล้ว)" begins like ข้อความที่สร้างมาแล้ว; "generator (โมเดลที่ฝึกแล้ว)" shares
# only the generic โมเดลที่ with โมเดลที่สุ่มแต่งประโยค... and is a qualifier.
DEFINITION_PREFIX = 10


def _meanings(text: str | None = None) -> dict[str, str]:
    """The glossary's Thai definition (column 4) of each term."""
    text = GLOSSARY.read_text(encoding="utf-8") if text is None else text
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("| ") and len(cells) == 4:
            rows[cells[0]] = cells[3]
    return rows


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def is_gloss(name: str, inside: str, term: dict, meaning: str = "") -> bool:
    """Whether the words in parentheses right after a basic term translate it.

    A gloss gives the term's Thai words: it starts with the glossary's gloss (column 2, e.g.
    ตัวสร้าง, รางวัล, สถานะ) or another known Thai word for it (OTHER_THAI_WORDS), possibly followed
    by a definition ("ตัวสร้าง: โมเดลที่..."), or it begins like the glossary's Thai definition
    (column 4). Anything else is a remark about the term, not a gloss: a qualifier ("token
    (ข้อมูลที่กันไว้)", "discriminator (บน batch ที่ใช้ฝึก)", "token (สูง: หลากหลายกว่า)"), a default
    ("generator (ค่าตั้งต้นเป็น straight-through ...)"), a pointer ("state (ดูบทที่ 2)").
    For a term written in Thai (ค่าคาดหมาย), its English in the parentheses is the gloss.
    """
    inside = re.sub(r"\s+", " ", inside.replace("*", "")).strip()
    if not inside:
        return False
    if THAI.search(term["form"]):
        english = term["gloss"] or ""
        return bool(english) and inside.lower().startswith(english.split(",")[0].strip().lower())
    words = [w.strip() for w in re.split(r"[:,;]", term["gloss"] or "") if THAI.search(w)]
    words += OTHER_THAI_WORDS.get(name, [])
    if any(inside.startswith(word) for word in words):
        return True
    meaning = re.sub(r"\$[^$]*\$", "", meaning).strip()
    shared = _common_prefix(inside, meaning)
    return bool(meaning) and shared >= 4 and shared >= min(DEFINITION_PREFIX, len(inside))


def glosses_of_basic_terms(text: str, terms: list[dict], meanings: dict[str, str] | None = None
                           ) -> list[tuple[str, int, str]]:
    """(term, count, first context) for each basic term glossed in parentheses right after it."""
    by_name = {t["english"]: t for t in terms}
    meanings = _meanings() if meanings is None else meanings
    found = []
    for name in BASIC:
        term = by_name[name]
        forms = [term["form"]] if THAI.search(term["form"]) else term["form"].split(", ")
        for one in forms:
            # "reward (รางวัล)", "**state** (สถานะ)", "ค่าคาดหมาย (expectation": the parentheses right
            # after the term (bold or not); "policy gradient" is not "gradient".
            pattern = (rf"(?<![A-Za-z-])(?<!policy ){re.escape(one)}(?![A-Za-z-])\**\s*\(([^()]*)")
            hits = [m for m in re.finditer(pattern, text, flags=re.I)
                    if is_gloss(name, m.group(1), term, meanings.get(name, ""))]
            if hits:
                start = hits[0].start()
                found.append((one, len(hits), text[start: start + 60].replace("\n", " ")))
    return found


GLOSSES = [   # (text, the term it glosses): re-glosses the check must find
    ("reward (รางวัล) ของ state แต่ละตัว", "reward"),
    ("ทุก **state** (สถานะ) และทุก action", "state"),
    ("**discriminator** (ตัวจำแนก) อ่านประโยค", "discriminator"),
    ("generator (ตัวสร้าง: โมเดลที่สุ่มแต่งประโยคทีละ token) ไปทาง", "generator"),
    ("token (หน่วยที่ตัดออกมาจากข้อความ อาจสั้นกว่าหนึ่งคำ) ถัดไป", "token"),
    ("เขียน policy gradient (การปรับ policy ตาม gradient ของ reward ที่คาดหมาย) ได้", "policy gradient"),
    ("gradient (เกรเดียนต์) ของ loss", "gradient"),
    ("episode (การสร้างประโยคหนึ่งประโยคตั้งแต่ต้นจนจบ) หนึ่งครั้ง", "episode"),
    ("ค่าคาดหมาย (expectation, ) ของ reward", "ค่าคาดหมาย"),
    ("state (ข้อความที่เขียนมาแล้ว) ของประโยค", "state"),      # a paraphrase of the glossary's definition
    ("reward (คะแนน) ที่ได้", "reward"),                       # the start of the definition
    ("action (token ถัดไป) หนึ่งตัว", "action"),                # the whole definition
    ("discriminator (ตัวแยกแยะ) ของ GAN", "discriminator"),      # a competing Thai word
    ("sampling (การสุ่ม) จากการแจกแจง", "sampling"),
]
NOT_GLOSSES = [   # parentheses after a basic term that say something else about it
    "generator (ค่าตั้งต้นเป็น straight-through การคำนวณไปข้างหน้าจึงเห็น token แบบ one-hot)",   # a default (ch. 9)
    "ความหลากหลายของ token (สูง: หลากหลายกว่า)",                                                  # a column's reading (ch. 9)
    "NLL ต่อ token (ข้อมูลที่กันไว้)",                                                          # a table column's data set (ch. 10)
    "NLL ต่อ token (ชุดทดสอบ)",
    "ความแม่นยำของ discriminator (บน batch ที่ใช้ฝึก)",
    "discriminator (ตรวจด้วยโค้ด)",
    "token (นับดัชนีแบบบทที่ 5 ซึ่งเป็นแบบของ SeqGAN)",
    "reward ของ state (ดูบทที่ 2)",
    "ทุก token (แม่นตรง)",
    "gradient (บทที่ 5)",
    "episode (Sutton & Barto หัวข้อ 13.2)",
    "NLL ของ generator (ยิ่งต่ำ oracle ยิ่งมองว่าประโยคนั้นเป็นแบบที่พบบ่อย)",
    "generator (โมเดลที่ฝึกแล้ว)",                     # shares only the generic โมเดลที่ with the definition
    "reward (คะแนนสูง)",
    "action (token ที่ 3)",
    "policy gradient (reward ไม่มี baseline)",
    "discriminator () และ reward ()",
]


@pytest.mark.parametrize("text,term", GLOSSES, ids=[t for t, _ in GLOSSES])
def test_gloss_check_finds_a_gloss(text, term):
    found = glosses_of_basic_terms(text, load_terms())
    assert [(one, count) for one, count, _ in found] == [(term, 1)]
    assert found[0][2].startswith(term)


@pytest.mark.parametrize("text", NOT_GLOSSES)
def test_gloss_check_passes_a_remark(text):
    assert glosses_of_basic_terms(text, load_terms()) == []


def test_gloss_check_counts_each_gloss():
    text = "reward (รางวัล) แล้วก็ reward (รางวัล) อีก ส่วน token (ข้อมูลที่กันไว้) ไม่ใช่ แต่ token (โทเคน) ใช่"
    assert [(one, count) for one, count, _ in glosses_of_basic_terms(text, load_terms())] == [("reward", 2), ("token", 1)]


@pytest.mark.parametrize("path", [p for p in CHAPTERS if p.suffix == ".ipynb" and int(p.stem[:2]) >= FIRST_WITHOUT_GLOSSES],
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_basic_terms_not_glossed_after_chapter_3(path):
    found = glosses_of_basic_terms(chapter_prose(path), load_terms())
    assert not found, f"{path.relative_to(ROOT)} glosses terms explained in chapters 1-3 (issue 12):\n" + "\n".join(
        f"  {term} x{count}  …{context}…" for term, count, context in found)
