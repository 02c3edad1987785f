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
from _widget_timing import main  # noqa: E402  (first: it puts the repository on sys.path)
import torch  # noqa: E402

from gan4nlp.toy import TabularPolicy, exact_gradient, make_problem  # noqa: E402
from gan4nlp.widgets import gumbel  # noqa: E402


def cases(args):
    policy = TabularPolicy(4, 4, init_std=0.5, seed=0, dtype=torch.float64)
    problem = make_problem("count", 4, 4)
    exact = exact_gradient(policy, problem).detach()
    taus = [gumbel.TAU_OPTIONS[i % len(gumbel.TAU_OPTIONS)] for i in range(args.calls)]
    initial = dict(tau=1.0, num_samples=16, seed=0)
    for n in (16, 128):
        cache = {}      # the REINFORCE rows cached once, as the builder's first figure does
        gumbel.comparison_stats(policy, problem, 1.0, n, 0, exact=exact, cache=cache)
        yield (f"tau slider, N = {n}", gumbel.draw_gumbel_comparison,
               dict(policy=policy, problem=problem, exact=exact, lang="th", cache=cache),
               [dict(tau=t, num_samples=n, seed=0) for t in taus], initial)
    yield ("seed slider, N = 16", gumbel.draw_gumbel_comparison,
           dict(policy=policy, problem=problem, exact=exact, lang="th", cache={}),
           [dict(tau=0.5, num_samples=16, seed=s) for s in range(1, args.calls + 1)], initial)


if __name__ == "__main__":
    main(__doc__, cases, threads=1)
