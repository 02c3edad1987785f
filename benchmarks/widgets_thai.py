"""Seconds per widget update of chapter 12's segmentation explorer: what a learner waits for after
moving a slider.

    .venv/bin/python benchmarks/widgets_thai.py [--calls 7] [--threads 2]

The explorer is built as chapter 12 builds it: the sentences of the Thai corpus (1000 sentences,
seed 0) that newmm segments differently from the grammar's words. One update is one call of
`widgets.thai.draw_segmentations` for another sentence and engine (every segmentation
enumerated, the engine run, the figure redrawn in place) plus rendering the figure to PNG as the
widget displays it (`widgets.render_png`, Agg). The median of `calls` timed updates after one
warm-up is reported, with the compute and render parts. The last line is
``widget update: X s (slowest widget)``; the goal is under 0.3 s on a 2-core CPU.
"""
from _widget_timing import main  # noqa: E402  (first: it puts the repository on sys.path)

from gan4nlp import grammar  # noqa: E402
from gan4nlp.widgets import thai  # noqa: E402


def chapter12_sentences():
    """The sentences chapter 12 gives the explorer: those newmm does not segment back into their words."""
    sentences, _, _ = grammar.corpus("th", 1000, seed=0)
    return [s for s in sentences if grammar.segment_thai(grammar.join_thai(s)) != s]


def cases(args):
    sentences = chapter12_sentences()
    settings = [dict(index=c % len(sentences), engine=thai.ENGINES[c % len(thai.ENGINES)])
                for c in range(1, args.calls + 1)]
    yield ("segmentation_explorer (ch. 12)", thai.draw_segmentations, dict(sentences=sentences, lang="th"), settings,
           dict(index=0, engine="newmm"))


if __name__ == "__main__":
    main(__doc__, cases, what="segment + redraw + PNG render")
