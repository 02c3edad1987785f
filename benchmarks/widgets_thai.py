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
import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from _widget_timing import time_redraws  # noqa: E402
from gan4nlp import grammar, widgets  # noqa: E402
from gan4nlp.widgets import thai  # noqa: E402


def chapter12_sentences():
    """The sentences chapter 12 gives the explorer: those newmm does not segment back into their words."""
    sentences, _, _ = grammar.corpus("th", 1000, seed=0)
    return [s for s in sentences if grammar.segment_thai(grammar.join_thai(s)) != s]


def time_updates(sentences, calls):
    settings = [dict(index=c % len(sentences), engine=thai.ENGINES[c % len(thai.ENGINES)]) for c in range(1, calls + 1)]
    return time_redraws(thai.draw_segmentations, dict(sentences=sentences, lang="th"), settings,
                        initial=dict(index=0, engine="newmm"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=7, help="timed updates (median reported)")
    ap.add_argument("--threads", type=int, default=2, help="torch threads (the notebooks' machine has 2 cores)")
    args = ap.parse_args()
    torch.set_num_threads(max(1, min(args.threads, torch.get_num_threads())))
    print(describe())
    print(f"Thai labels, {args.calls} timed updates (median); update = segment + redraw + PNG render")
    sentences = chapter12_sentences()
    name = "segmentation_explorer (ch. 12)"
    total, compute, render = time_updates(sentences, args.calls)
    print(f"{name:32s} {total:6.3f} s   (compute {compute:6.3f} s, PNG render {render:6.3f} s)")
    print(f"slowest: {name}")
    print(f"widget update: {total:.3f} s (slowest widget)")


if __name__ == "__main__":
    main()
