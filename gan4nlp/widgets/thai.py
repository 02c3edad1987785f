"""Every way to spell a Thai text with dictionary words, and the segmentation explorer (chapter 12).

Thai is written without spaces between words, so a text x = x_1 ... x_n (characters) can usually
be cut into dictionary words D in several ways, its segmentations S(x). With N(i) the number of
segmentations of the first i characters and c(i) the fewest words any of them uses,

    N(0) = 1,  N(i) = sum over j < i with x_{j+1:i} in D of N(j)          (`count_segmentations`)
    c(0) = 0,  c(i) = min over j < i with x_{j+1:i} in D of c(j) + 1      (`fewest_words`)

(the last word of a segmentation of x_{1:i} is some dictionary word x_{j+1:i}). `segmentations`
lists S(x) itself. Maximal matching picks a segmentation with c(n) words; pythainlp's ``newmm``
does that over a graph of dictionary words whose ends fall on Thai Character Cluster boundaries
(Phatthiyaphaibun et al. 2023, PyThaiNLP; Haruechaiyasak et al. 2008 compare dictionary-based
segmenters). Chapter 12 checks on the Thai grammar corpus that newmm's word count is c(n) and
that the grammar's own words spell each sentence in exactly one way.

The widget draws, for one sentence, its own words, the segmentation an engine returns and the
other segmentations pythainlp's dictionary allows, as rows of boxes as wide as their characters.

    thai.segmentations("แมวกินข้าว")          # [['แมว', 'กินข้าว'], ['แมว', 'กิน', 'ข้าว']]
    thai.segmentation_explorer(sentences, lang="th")   # in a notebook: the figure, then sliders
"""
from __future__ import annotations

import unicodedata
from typing import Iterable

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..grammar import THAI_ENGINES, join_thai, segment_thai
from .core import Explorer, _check_lang, _figure, _slider, control_labels, one_thread

ENGINES = ("newmm", "longest", "mm")     # the explorer's choices: offline engines that differ here
MAX_SEGMENTATIONS = 100_000              # `segmentations` refuses to list more than this

TEXT = {
    "en": {
        "title": "{count} segmentations with pythainlp's dictionary; the fewest use {fewest} words",
        "own": "grammar ({n} words)",
        "engine": "{engine} ({n} words)",
        "other": "other ({n} words)",
        "more": "... {more} more not shown",
        "legend_own": "one of the sentence's words",
        "legend_other": "merges or splits its words",
    },
    "th": {
        "title": "ตัดด้วยพจนานุกรมของ pythainlp ได้ {count} แบบ แบบที่ใช้คำน้อยที่สุดมี {fewest} คำ",
        "own": "ไวยากรณ์ ({n} คำ)",
        "engine": "{engine} ({n} คำ)",
        "other": "แบบอื่น ({n} คำ)",
        "more": "... อีก {more} แบบที่ไม่ได้แสดง",
        "legend_own": "ตรงกับคำของประโยค",
        "legend_other": "รวมหรือแยกคำของประโยค",
    },
}

# Thai slider labels; the English ones are read from the draw function's docstring.
CONTROL_LABELS = {"th": {"index": "ประโยคที่", "engine": "ตัวตัดคำ"}}

OWN_COLOUR, OTHER_COLOUR = "#a6d9a0", "#f4b183"


# ------------------------------------------------------------------------------------------------
# Segmentations

_TRIES: dict = {}


def _trie(words: Iterable[str] | None):
    """pythainlp's default dictionary (a trie, loaded once), or a trie of `words`."""
    if words is None:
        from pythainlp.tokenize import word_dict_trie
        return word_dict_trie()
    if isinstance(words, str):
        raise ValueError(f"words must be a list of words, got the string {words[:30]!r}")
    key = frozenset(words)
    if not key or not all(isinstance(w, str) and w for w in key):
        raise ValueError("words must be a non-empty list of non-empty strings")
    if key not in _TRIES:
        from pythainlp.util import dict_trie
        _TRIES[key] = dict_trie(sorted(key))
    return _TRIES[key]


def _check_text(text) -> str:
    if not isinstance(text, str) or not text:
        raise ValueError(f"text must be a non-empty string of Thai (join words with join_thai), got {text!r}")
    return text


def _ends(text: str, trie) -> list[list[int]]:
    """ends[i]: the positions j > i such that text[i:j] is a dictionary word."""
    return [[i + len(w) for w in trie.prefixes(text, i)] for i in range(len(text))]


def count_segmentations(text: str, words: Iterable[str] | None = None) -> int:
    """|S(x)|: the number of ways to write `text` as dictionary words, by the recursion N(i)."""
    text = _check_text(text)
    ends = _ends(text, _trie(words))
    n = [1] + [0] * len(text)                      # n[i] = N(i), read left to right
    for i in range(len(text)):
        if n[i]:
            for j in ends[i]:
                n[j] += n[i]
    return n[len(text)]


def fewest_words(text: str, words: Iterable[str] | None = None) -> int | None:
    """c(n): the fewest dictionary words that spell `text` (maximal matching); None if none do."""
    text = _check_text(text)
    ends = _ends(text, _trie(words))
    inf = len(text) + 1
    c = [0] + [inf] * len(text)
    for i in range(len(text)):
        if c[i] < inf:
            for j in ends[i]:
                c[j] = min(c[j], c[i] + 1)
    return c[len(text)] if c[len(text)] < inf else None


def segmentations(text: str, words: Iterable[str] | None = None, limit: int = MAX_SEGMENTATIONS) -> list[list[str]]:
    """S(x): every way to write `text` as a sequence of dictionary words (pythainlp's dictionary, or
    `words`), fewest words first; [] if no way exists. Raises ValueError beyond `limit` ways."""
    text = _check_text(text)
    trie = _trie(words)
    total = count_segmentations(text, words)
    if total > limit:
        raise ValueError(f"{text!r} has {total} segmentations, more than limit={limit}")
    ends = _ends(text, trie)
    memo: dict[int, list[list[str]]] = {len(text): [[]]}

    def tails(i: int) -> list[list[str]]:          # segmentations of text[i:]
        if i not in memo:
            memo[i] = [[text[i:j]] + rest for j in ends[i] for rest in tails(j)]
        return memo[i]

    return sorted(tails(0), key=len)


def spans(tokens: list[str]) -> list[tuple[int, int]]:
    """(start, end) character offsets of each token in the joined text."""
    out, pos = [], 0
    for w in tokens:
        out.append((pos, pos + len(w)))
        pos += len(w)
    return out


def _advance(text: str) -> list[float]:
    """x position of each character boundary: combining marks (vowels and tone marks above or
    below a consonant) take no width."""
    x = [0.0]
    for ch in text:
        x.append(x[-1] + (0.0 if unicodedata.category(ch) in ("Mn", "Me") else 1.0))
    return x


# ------------------------------------------------------------------------------------------------
# The widget

@one_thread()
def draw_segmentations(sentences, index: int = 0, engine: str = "newmm", *, max_rows: int = 7,
                       lang: str = "en", labels: dict | None = None, fig: Figure | None = None) -> Figure:
    """Ways to write one Thai sentence as dictionary words (chapter 12).

    Rows, top to bottom: the grammar's own words; the segmentation `engine` returns; then the
    other segmentations into pythainlp's dictionary, fewest words first (`max_rows` rows in all).
    One box per word, as wide as its characters; green boxes are words of the sentence (same
    characters, same place), orange boxes merge or split them.

    Controls:
        index: sentence
        engine: segmenter
    """
    t = dict(TEXT[_check_lang(lang)])
    t.update({k: v for k, v in (labels or {}).items() if k in t})
    if engine not in THAI_ENGINES:
        raise ValueError(f"engine must be one of {', '.join(THAI_ENGINES)}, got {engine!r}")
    if not 0 <= index < len(sentences):
        raise ValueError(f"index must lie in [0, {len(sentences)}), got {index!r}")
    own = list(sentences[index])
    text = join_thai(own)
    chosen = segment_thai(text, engine=engine)
    every = segmentations(text)
    others = [s for s in every if s != own and s != chosen]
    rows = [(t["own"].format(n=len(own)), own), (t["engine"].format(engine=engine, n=len(chosen)), chosen)]
    rows += [(t["other"].format(n=len(s)), s) for s in others[: max(0, max_rows - 2)]]
    more = len(others) - max(0, max_rows - 2)

    x = _advance(text)
    width = max(x[-1], 1.0)
    own_spans = set(spans(own))
    fig = _figure(fig, (13, 1.3 + 0.55 * (max_rows + 1)))      # fresh layout: the row labels change width
    ax = fig.subplots()
    for r, (_, tokens) in enumerate(rows):
        for (a, b), word in zip(spans(tokens), tokens):
            colour = OWN_COLOUR if (a, b) in own_spans else OTHER_COLOUR
            ax.add_patch(Rectangle((x[a] / width, r - 0.4), (x[b] - x[a]) / width, 0.8, facecolor=colour,
                                   edgecolor="black", lw=0.8))
            ax.text((x[a] + x[b]) / 2 / width, r, word, ha="center", va="center", fontsize=12)
    ax.set_xlim(-0.005, 1.005)
    ax.set_ylim(max_rows + 0.6, -0.6)                 # one row below the boxes for the note and legend
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([name for name, _ in rows])
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    if more > 0:
        ax.text(0, max_rows, t["more"].format(more=more), va="center", fontsize=11, color="#555555")
    ax.legend(handles=[Rectangle((0, 0), 1, 1, facecolor=OWN_COLOUR, edgecolor="black", label=t["legend_own"]),
                       Rectangle((0, 0), 1, 1, facecolor=OTHER_COLOUR, edgecolor="black", label=t["legend_other"])],
              loc="lower right", fontsize="small", ncols=2, frameon=False)
    ax.set_title(text + "\n" + t["title"].format(count=len(every), fewest=len(every[0]) if every else "-"),
                 fontsize=13)
    return fig


def segmentation_explorer(sentences, *, index: int = 0, engine: str = "newmm", max_rows: int = 7,
                          lang: str = "en", labels: dict | None = None) -> Explorer:
    """Chapter 12's widget: `draw_segmentations` with a slider over `sentences` (lists of the
    grammar's words) and a choice of segmenter. pythainlp's dictionary is loaded once here."""
    names = control_labels(draw_segmentations, lang, {**CONTROL_LABELS.get(_check_lang(lang), {}), **(labels or {})})
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)} in the explorer, got {engine!r}")
    sentences = [list(s) for s in sentences]
    if not sentences:
        raise ValueError("sentences is empty: pass at least one sentence (a list of words)")
    _trie(None)
    controls = {
        "index": _slider("int", names["index"], index, lo=0, hi=len(sentences) - 1),
        "engine": _slider("select", names["engine"], engine, ENGINES),
    }
    fixed = dict(sentences=sentences, max_rows=max_rows, lang=lang, labels=labels)
    return Explorer(draw_segmentations, fixed, controls)
