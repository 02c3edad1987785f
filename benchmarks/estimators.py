"""Time per gradient-statistics call at the size a widget uses (chapters 4, 5, 9).

    .venv/bin/python benchmarks/estimators.py [--samples 1000] [--repeats 20] [--calls 5]

For each estimator: the median wall time of `gan4nlp.diagnostics.gradient_stats` with `samples`
sequences x `repeats` estimates on a length-4, vocabulary-4 tabular problem, and its ratio to the
fastest estimator measured in the same run. Also the same call with the per-repeat loop (one
backward pass per repeat) as the baseline the vmapped version replaces. Each row says which path
`gradient_stats` took (``vmap``, or ``loop`` where torch.func could not vmap the estimator). The last line is
``estimator statistics: X s per call (slowest estimator)``; the goal is under 0.2 s on a 2-core CPU.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from gan4nlp import diagnostics  # noqa: E402
from gan4nlp.estimators import standard_estimators  # noqa: E402
from gan4nlp.toy import TabularPolicy, TabularValue, exact_gradient, make_problem  # noqa: E402


def loop_stats(est, policy, problem, n, r):
    """The naive baseline: one backward pass per repeat on the shared graph."""
    start = time.perf_counter()
    surrogate = est.surrogate(policy, problem, n, r, generator=torch.Generator().manual_seed(0))
    params = list(policy.parameters())
    rows = [torch.cat([g.reshape(-1) for g in torch.autograd.grad(surrogate[i], params, retain_graph=True)])
            for i in range(r)]
    torch.stack(rows)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--calls", type=int, default=5, help="timed calls per estimator (median reported)")
    args = ap.parse_args()
    torch.set_num_threads(min(2, torch.get_num_threads()))
    print(describe())
    policy, problem = TabularPolicy(4, 4), make_problem("count", 4, 4, offset=2.0)
    exact = exact_gradient(policy, problem)
    print(f"problem: vocabulary 4, length 4, {sum(p.numel() for p in policy.parameters())} parameters; "
          f"{args.samples} samples x {args.repeats} repeats per call")
    times = {}
    for name, est in standard_estimators(TabularValue(4, 4)).items():
        diagnostics.gradient_stats(est, policy, problem, args.samples, args.repeats, exact=exact)  # warm-up
        runs, paths = [], set()
        for c in range(args.calls):
            s = diagnostics.gradient_stats(est, policy, problem, args.samples, args.repeats, seed=c, exact=exact)
            runs.append(s.seconds)
            paths.add(s.path)
        times[name] = statistics.median(runs)
        path = "/".join(sorted(paths))                    # "vmap", or "loop" where vmap fell back
        loop = statistics.median(loop_stats(est, policy, problem, args.samples, args.repeats) for _ in range(3))
        print(f"{name:45s} {times[name] * 1000:7.1f} ms ({path:4s})   loop baseline {loop * 1000:7.1f} ms   "
              f"speed-up over the loop {loop / times[name]:5.1f}x")
    fastest = min(times.values())
    slowest_name = max(times, key=times.get)
    print(f"slowest: {slowest_name}, {times[slowest_name] / fastest:.1f}x the fastest estimator")
    print(f"estimator statistics: {times[slowest_name]:.3f} s per call (slowest estimator)")


if __name__ == "__main__":
    main()
