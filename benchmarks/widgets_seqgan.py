"""Seconds per update of chapter 8's widget (SeqGAN's K and discriminator ratio on recorded runs).

    .venv/bin/python benchmarks/widgets_seqgan.py [--calls 7] [--threads 2]

The widget is built as chapter 8 builds it (`widgets.seqgan.seqgan_grid_explorer`, the recorded
grid of ``benchmarks/seqgan_grid.py``, Thai labels). One update is one call of
`draw_seqgan_grid` with the next (K, ratio) of the grid, redrawing the figure in place, plus
rendering it to PNG as the widget displays it (`widgets.render_png`, Agg). Nothing is trained:
the curves are read from the JSON. The median of `calls` timed updates after one warm-up is
reported, with the compute and render parts. The last line is
``widget update: X s (slowest widget)``; the goal is under 0.3 s on a 2-core CPU.
"""
import argparse
import itertools
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from _widget_timing import time_redraws  # noqa: E402
from gan4nlp.widgets import render_png  # noqa: E402
from gan4nlp.widgets.seqgan import draw_seqgan_grid, load_grid  # noqa: E402


def time_updates(grid, calls, lang="th"):
    cells = itertools.cycle(itertools.product(grid["rollout_nums"], grid["d_steps"]))
    initial = dict(zip(("rollout_num", "d_steps"), next(cells)))
    settings = [dict(zip(("rollout_num", "d_steps"), next(cells))) for _ in range(calls)]
    return time_redraws(draw_seqgan_grid, dict(grid=grid, lang=lang), settings, initial=initial)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=7, help="timed updates (median reported)")
    ap.add_argument("--threads", type=int, default=2, help="torch threads (the notebooks' machine has 2 cores)")
    ap.add_argument("--grid", default=None, help="grid JSON (default: benchmarks/results/seqgan-grid.json)")
    args = ap.parse_args()
    torch.set_num_threads(max(1, min(args.threads, torch.get_num_threads())))
    print(describe())
    grid = load_grid(args.grid)
    print(f"recorded grid: K {grid['rollout_nums']} x ratio {grid['d_steps']} x seeds {grid['seeds']}; "
          f"Thai labels, {args.calls} timed updates (median); update = redraw + PNG render")
    total, compute, render = time_updates(grid, args.calls)
    name = "seqgan_grid_explorer (ch. 8)"
    print(f"{name:30s} {total:6.3f} s   (compute {compute:6.3f} s, PNG render {render:6.3f} s)")
    print(f"slowest: {name}")
    print(f"widget update: {total:.3f} s (slowest widget)")


if __name__ == "__main__":
    main()
