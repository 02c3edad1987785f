"""Chapter 12's widget: the ways to write one Thai sentence as dictionary words.

The algorithms (`count_segmentations`, `fewest_words`, `segmentations`, `spans`) live in
`gan4nlp.thai_segmentation` and are importable from here too. The widget draws, for one sentence,
its own words, the segmentation an engine returns and the other segmentations pythainlp's
dictionary allows, as rows of boxes as wide as their characters.

    thai.segmentations("แมวกินข้าว")          # [['แมว', 'กินข้าว'], ['แมว', 'กิน', 'ข้าว']]
    thai.segmentation_explorer(sentences, lang="th")   # in a notebook: the figure, then sliders
"""
from __future__ import annotations

import unicodedata

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..thai_segmentation import (MAX_SEGMENTATIONS, THAI_ENGINES, _trie, count_segmentations,  # noqa: F401
                                 fewest_words, join_thai, segment_thai, segmentations, spans)
from .base import Explorer, control_labels, new_figure, one_thread, slider, texts

ENGINES = ("newmm", "longest", "mm")     # the explorer's choices: offline engines that differ here

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

# The static book's frames (`base.StaticFrames`): the slider values precomputed when the book is built.
STATIC_SENTENCES = 5                     # the starting sentence and the next ones, every engine

OWN_COLOUR, OTHER_COLOUR = "#a6d9a0", "#f4b183"


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
    t = texts(TEXT, lang, labels)
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
    fig = new_figure(fig, (13, 1.3 + 0.55 * (max_rows + 1)))      # fresh layout: the row labels change width
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
    names = control_labels(draw_segmentations, lang, labels, CONTROL_LABELS)
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)} in the explorer, got {engine!r}")
    sentences = [list(s) for s in sentences]
    if not sentences:
        raise ValueError("sentences is empty: pass at least one sentence (a list of words)")
    _trie(None)
    controls = {
        "index": slider("int", names["index"], index, lo=0, hi=len(sentences) - 1),
        "engine": slider("select", names["engine"], engine, ENGINES),
    }
    fixed = dict(sentences=sentences, max_rows=max_rows, lang=lang, labels=labels)
    static = {"index": tuple(range(index, min(index + STATIC_SENTENCES, len(sentences)))), "engine": ENGINES}
    return Explorer(draw_segmentations, fixed, controls, static)
