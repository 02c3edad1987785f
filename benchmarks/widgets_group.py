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
from _widget_timing import main  # noqa: E402  (first: it puts the repository on sys.path)
import time  # noqa: E402

import torch  # noqa: E402

from gan4nlp.toy import TabularPolicy, exact_gradient, make_problem  # noqa: E402
from gan4nlp.widgets import group  # noqa: E402


def cases(args):
    """Every K of the slider, each update a new seed; the builder's one-off work timed once."""
    policy = TabularPolicy(4, 4, init_std=0.5, seed=0, dtype=torch.float64)
    problem = make_problem("count", 4, 4, offset=2.0)
    start = time.perf_counter()
    exact = exact_gradient(policy, problem).detach()
    expected = group.exact_expectations(policy, problem)
    var_range = group.variance_range(policy, problem, exact, expected)
    print(f"builder (exact gradient, exact expectations for K in {group.GROUP_SIZE_OPTIONS}, variance axis): "
          f"{time.perf_counter() - start:.2f} s, once")
    fixed = dict(policy=policy, problem=problem, exact=exact, expected=expected, var_range=var_range, lang="th")
    for k in group.GROUP_SIZE_OPTIONS:
        yield (f"group_explorer (ch. 13), K = {k:2d}", group.draw_group_comparison, fixed,
               [dict(group_size=k, seed=c) for c in range(1, args.calls + 1)], dict(group_size=k, seed=0))


if __name__ == "__main__":
    main(__doc__, cases, threads=1)
