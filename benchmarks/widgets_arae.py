"""Seconds per update of chapter 10's widget (ARAE interpolation): what a learner waits for after
moving a slider.

    .venv/bin/python benchmarks/widgets_arae.py [--calls 7] [--threads 1]

Trains the quick preset on the English grammar corpus as the chapter does (not timed), builds the
widget with Thai labels on the Thai-free English model and on a Thai model, then times updates:
one call of `draw_interpolation` (decode the points of the path, check each with the grammar,
redraw in place) plus the PNG render, for each setting of the sliders in turn. The median of
`calls` updates per case is reported; the last line is ``widget update: X s (slowest widget)``
(goal: under 0.3 s).
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from gan4nlp import arae, grammar, widgets  # noqa: E402
from gan4nlp.widgets import arae as arae_widgets  # noqa: E402


def explorer_for(language: str):
    sentences, vocab, gram = grammar.corpus(language, n=4000, seed=0)
    heldout, _, _ = grammar.corpus(language, n=500, seed=1)
    result = arae.train(arae.ARAEConfig.preset("quick"), vocab.encode(sentences), vocab=vocab)
    return arae_widgets.interpolation_explorer(result.model, vocab, vocab.encode(heldout), grammar=gram, lang="th")


def time_updates(explorer, settings, calls):
    explorer.image()                                              # warm-up: the initial figure, fonts
    totals, compute, render = [], [], []
    for c in range(calls):
        params = settings[c % len(settings)]
        start = time.perf_counter()
        explorer.update(**params)
        middle = time.perf_counter()
        widgets.render_png(explorer.figure)
        end = time.perf_counter()
        totals.append(end - start)
        compute.append(middle - start)
        render.append(end - middle)
    return statistics.median(totals), statistics.median(compute), statistics.median(render)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=7, help="timed updates per case (median reported)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads while training (updates use one)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(describe())
    print(f"Thai labels, {args.calls} timed updates per case (median); update = decode + grammar + redraw + PNG")
    cases = {
        "pair slider": [dict(pair=p) for p in (1, 2, 3, 4, 5, 0)],
        "steps slider (11 points)": [dict(steps=11, pair=p) for p in (1, 2, 3)],
        "path: straight line": [dict(path="line", steps=11, pair=p) for p in (1, 2, 3)],
    }
    results = {}
    for language in ("en", "th"):
        explorer = explorer_for(language)
        for name, settings in cases.items():
            total, compute, render = time_updates(explorer, settings, args.calls)
            key = f"interpolation ({language}), {name}"
            results[key] = total
            print(f"{key:45s} {total:6.3f} s   (compute {compute:6.3f} s, PNG render {render:6.3f} s)")
    slowest = max(results, key=results.get)
    print(f"slowest: {slowest}")
    print(f"widget update: {results[slowest]:.3f} s (slowest widget)")


if __name__ == "__main__":
    main()
