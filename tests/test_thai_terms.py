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
# Parentheses that are not glosses: a pointer to a chapter or section, an example, "exact".
NOT_A_GLOSS = r"(?!\s*(?:บทที่|หัวข้อ|ดู|เช่น|แม่นตรง))"
FIRST_WITHOUT_GLOSSES = 4


def glosses_of_basic_terms(text: str, terms: list[dict]) -> list[tuple[str, int, str]]:
    """(term, count, first context) for each basic term glossed in parentheses."""
    by_name = {t["english"]: t for t in terms}
    found = []
    for name in BASIC:
        form = by_name[name]["form"]
        latin = not THAI.search(form)
        for one in form.split(", "):
            if latin:   # "reward (รางวัล...)", "**state** (สถานะ)": Thai in the parentheses right after it
                pattern = (rf"(?<![A-Za-z-])(?<!policy ){re.escape(one)}(?![A-Za-z-])\**\s*\("
                           rf"{NOT_A_GLOSS}(?=\s*[\u0e00-\u0e7f])")
            else:       # "ค่าคาดหมาย (expectation": its English in the parentheses right after it
                pattern = rf"{re.escape(one)}\**\s*\(\s*{re.escape(by_name[name]['gloss'] or '')}"
            hits = list(re.finditer(pattern, text, flags=re.I))
            if hits:
                start = hits[0].start()
                found.append((one, len(hits), text[start: start + 60].replace("\n", " ")))
    return found


def test_gloss_check_finds_a_gloss():
    terms = load_terms()
    assert glosses_of_basic_terms("reward (รางวัล) ของ state แต่ละตัว", terms) == [("reward", 1, "reward (รางวัล) ของ state แต่ละตัว")]
    assert glosses_of_basic_terms("reward ของ state (ดูบทที่ 2) และ token (แม่นตรง) ของค่าคาดหมาย", terms) == []


@pytest.mark.parametrize("path", [p for p in CHAPTERS if p.suffix == ".ipynb" and int(p.stem[:2]) >= FIRST_WITHOUT_GLOSSES],
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_basic_terms_not_glossed_after_chapter_3(path):
    found = glosses_of_basic_terms(chapter_prose(path), load_terms())
    assert not found, f"{path.relative_to(ROOT)} glosses terms explained in chapters 1-3 (issue 12):\n" + "\n".join(
        f"  {term} x{count}  …{context}…" for term, count, context in found)
