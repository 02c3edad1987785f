"""Seconds per update of chapter 13's widget (RLOO, group mean and GRPO as K moves).

    .venv/bin/python benchmarks/widgets_group.py [--calls 7] [--threads 1]

The widget is built as chapter 13 builds it (part I's problem: vocabulary 4, length 4, reward =
fraction of zeros + 2, tabular policy seed 0; Thai labels). The builder's one-off work (exact
gradient, exact expectations of the three estimators for every K of the slider, the variance
axis) is timed once. One update is one call of `draw_group_comparison` with a new seed and the
figure redrawn in place, plus rendering it to PNG as the widget displays it. For each K of the
slider the median of `calls` timed updates after one warm-up is reported; the last line is
``widget update: X s (slowest widget)`` for the slowest K, the goal being under 0.3 s on a 2-core CPU.
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
from gan4nlp.toy import TabularPolicy, exact_gradient, make_problem  # noqa: E402
from gan4nlp.widgets import render_png  # noqa: E402
from gan4nlp.widgets import group  # noqa: E402


def time_updates(fixed, group_size, calls):
    fig = group.draw_group_comparison(**fixed, group_size=group_size, seed=0)
    render_png(fig)                                                     # warm-up: fonts, caches, layout
    compute, render = [], []
    for c in range(1, calls + 1):
        start = time.perf_counter()
        fig = group.draw_group_comparison(**fixed, group_size=group_size, seed=c, fig=fig)
        middle = time.perf_counter()
        render_png(fig)
        end = time.perf_counter()
        compute.append(middle - start)
        render.append(end - middle)
    return statistics.median([a + b for a, b in zip(compute, render)]), statistics.median(compute), statistics.median(render)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=7, help="timed updates per group size (median reported)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (the widget itself runs on one)")
    args = ap.parse_args()
    torch.set_num_threads(max(1, min(args.threads, torch.get_num_threads())))
    print(describe())
    policy = TabularPolicy(4, 4, init_std=0.5, seed=0, dtype=torch.float64)
    problem = make_problem("count", 4, 4, offset=2.0)
    start = time.perf_counter()
    exact = exact_gradient(policy, problem).detach()
    expected = group.exact_expectations(policy, problem)
    var_range = group.variance_range(policy, problem, exact, expected)
    print(f"builder (exact gradient, exact expectations for K in {group.GROUP_SIZE_OPTIONS}, variance axis): "
          f"{time.perf_counter() - start:.2f} s, once")
    fixed = dict(policy=policy, problem=problem, exact=exact, expected=expected, var_range=var_range, lang="th")
    print(f"default repeats (200), Thai labels, {args.calls} timed updates per K (median); "
          f"update = recompute + redraw + PNG render")
    results = {}
    for k in group.GROUP_SIZE_OPTIONS:
        total, compute, render = time_updates(fixed, k, args.calls)
        results[k] = total
        print(f"group_explorer (ch. 13), K = {k:2d}   {total:6.3f} s   (compute {compute:6.3f} s, PNG render {render:6.3f} s)")
    slowest = max(results, key=results.get)
    print(f"slowest: group_explorer (ch. 13), K = {slowest}")
    print(f"widget update: {results[slowest]:.3f} s (slowest widget)")


if __name__ == "__main__":
    main()
