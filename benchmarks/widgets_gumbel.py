"""Seconds per update of chapter 9's widget (the Gumbel-softmax temperature explorer): what a
learner waits for after moving a slider.

    .venv/bin/python benchmarks/widgets_gumbel.py [--calls 7] [--threads 1]

The widget is built as the chapter builds it (`widgets.gumbel.gumbel_explorer` on the `count`
problem, V = 4, T = 4, a tabular policy, Thai labels, 50 estimates per estimator). One update is
one call of `draw_gumbel_comparison` (the statistics recomputed, the figure redrawn in place)
plus rendering the figure to PNG as the widget displays it (`widgets.render_png`, Agg). Three
cases, each the median of `calls` timed updates after one warm-up:

- moving the tau slider at the default N = 16 (the REINFORCE rows come from the builder's cache,
  so only the two Gumbel rows are recomputed);
- moving the tau slider at the largest N = 128;
- moving the seed (or N) slider: all four estimators recomputed, at N = 16.

The tau values cycle through the slider's options, the smallest (slowest) included. The last
line is ``widget update: X s (slowest widget)`` (the slowest case); the goal is under 0.3 s on a
2-core CPU.
"""
import argparse
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from _widget_timing import time_redraws  # noqa: E402
from gan4nlp.toy import TabularPolicy, exact_gradient, make_problem  # noqa: E402
from gan4nlp.widgets import gumbel, render_png  # noqa: E402


def time_updates(fixed: dict, settings: list[dict]) -> tuple[float, float, float]:
    """Median (total, compute, render) seconds over the updates to each of `settings`."""
    return time_redraws(gumbel.draw_gumbel_comparison, fixed, settings, initial=dict(tau=1.0, num_samples=16, seed=0))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=7, help="timed updates per case (median reported)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (the widget itself always uses one)")
    args = ap.parse_args()
    torch.set_num_threads(max(1, min(args.threads, torch.get_num_threads())))
    print(describe())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"Thai labels, 50 estimates per estimator, {args.calls} timed updates per case (median); "
          f"update = recompute + redraw + PNG render")
    policy = TabularPolicy(4, 4, init_std=0.5, seed=0, dtype=torch.float64)
    problem = make_problem("count", 4, 4)
    exact = exact_gradient(policy, problem).detach()
    taus = [gumbel.TAU_OPTIONS[i % len(gumbel.TAU_OPTIONS)] for i in range(args.calls)]
    cache_16, cache_128 = {}, {}
    cases = {
        "tau slider, N = 16": (dict(cache=cache_16), [dict(tau=t, num_samples=16, seed=0) for t in taus]),
        "tau slider, N = 128": (dict(cache=cache_128), [dict(tau=t, num_samples=128, seed=0) for t in taus]),
        "seed slider, N = 16": (dict(cache={}), [dict(tau=0.5, num_samples=16, seed=s)
                                                 for s in range(1, args.calls + 1)]),
    }
    # the tau cases' REINFORCE rows are cached once, as the builder's first figure does
    for cache, n in ((cache_16, 16), (cache_128, 128)):
        gumbel.comparison_stats(policy, problem, 1.0, n, 0, exact=exact, cache=cache)
    results = {}
    for name, (extra, settings) in cases.items():
        fixed = dict(policy=policy, problem=problem, exact=exact, lang="th", **extra)
        total, compute, render = time_updates(fixed, settings)
        results[name] = total
        print(f"{name:22s} {total:6.3f} s   (compute {compute:6.3f} s, PNG render {render:6.3f} s)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    slowest = max(results, key=results.get)
    print(f"slowest: gumbel_explorer (ch. 9), {slowest}")
    print(f"widget update: {results[slowest]:.3f} s (slowest widget)")


if __name__ == "__main__":
    main()
