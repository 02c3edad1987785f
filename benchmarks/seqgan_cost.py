"""What one `python -m gan4nlp seqgan` run costs, phase by phase, without running all of it (chapter 8; issue 9).

    PYTHONPATH=. .venv/bin/python benchmarks/seqgan_cost.py [--preset cpu] [--threads 2] [--oracle random]

Times a few units of every phase of the preset's pipeline (`gan4nlp.seqgan.train`) alone on this
machine -- building the oracle and its data, MLE epochs, discriminator rounds, adversarial
iterations, the evaluations during training, one point of a final temperature curve -- and
multiplies each by how many the preset runs, so a reader can see where a run's time goes and
whether it fits a budget. Checkpoints and Python start-up are left out (a few seconds). A
prediction, not a run: `benchmarks/RESULTS.md` sets it beside the wall time of full runs.
"""
import argparse
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from gan4nlp import seqgan  # noqa: E402
from gan4nlp.gan_steps import mle_epoch  # noqa: E402


def timed(fn, repeats: int) -> float:
    """Mean seconds of ``fn()`` over ``repeats`` calls (the first call included: no warm-up is free in a run)."""
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) / repeats


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="cpu", choices=["quick", "cpu", "paper"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--oracle", default="random", choices=["random", "paper"])
    ap.add_argument("--oracle-path", help="the authors' target_params_py3.pkl (with --oracle paper)")
    ap.add_argument("--repeats", type=int, default=2, help="units timed per phase")
    ap.add_argument("--budget-min", type=float, default=20.0, help="the budget to compare with (minutes)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(describe())
    c = seqgan.SeqGANConfig.preset(args.preset, oracle_source=args.oracle, oracle_path=args.oracle_path)
    start = time.perf_counter()
    oracle, data, heldout = seqgan.world(c)
    world_s = time.perf_counter() - start
    m = seqgan.build(c)
    length, r = c.oracle.length, args.repeats
    rng = lambda: torch.Generator().manual_seed(1)  # noqa: E731
    mle_s = timed(lambda: mle_epoch(m.generator, m.pretrain_opt, data, c, m.rng), r)
    eval_s = timed(lambda: seqgan.evaluate(m.generator, oracle, c.eval_samples, length, rng()), r)
    point_s = timed(lambda: seqgan.evaluate(m.generator, oracle, c.final_samples, length, rng(), heldout, 0.9), 1)
    d_round_s = timed(lambda: seqgan.discriminator_round(m, data, c), r)
    adv_s = timed(lambda: ([seqgan.generator_step(m, c) for _ in range(c.g_steps)],
                           [seqgan.discriminator_round(m, data, c) for _ in range(c.d_steps)]), r)
    curve = len(seqgan.TEMPERATURES)
    evals = c.pretrain_epochs // c.eval_every + (1 + c.baseline) * (c.adv_iterations // c.eval_every)
    rows = [
        ("oracle and its data", 1, world_s),
        ("MLE pre-training epochs", c.pretrain_epochs, mle_s),
        ("discriminator pre-training rounds", c.d_pretrain_rounds, d_round_s),
        (f"adversarial iterations ({c.g_steps} G step, {c.d_steps} D round)", c.adv_iterations, adv_s),
        ("continued-MLE baseline epochs", c.adv_iterations if c.baseline else 0, mle_s),
        (f"evaluations during training ({c.eval_samples:,} samples)", evals, eval_s),
        (f"final measurements ({c.final_samples:,} samples: {curve} temperatures x {1 + c.baseline} curves + SeqGAN)",
         curve * (1 + c.baseline) + 1, point_s),
    ]
    total = sum(n * s for _, n, s in rows)
    print(f"\npreset {args.preset}, {args.oracle} oracle, {args.threads} threads, {r} units timed per phase\n")
    print("| phase | units | seconds per unit | seconds | share |")
    print("|---|---|---|---|---|")
    for name, n, s in rows:
        print(f"| {name} | {n} | {s:.2f} | {n * s:.0f} | {n * s / total:.0%} |")
    print(f"| **total (predicted)** | | | **{total:.0f}** ({total / 60:.1f} min) | |")
    if c.baseline:          # what `--set baseline=false` saves: the baseline's epochs, evaluations and curve
        without = total - c.adv_iterations * mle_s - (c.adv_iterations // c.eval_every) * eval_s - curve * point_s
        print(f"| without the continued-MLE baseline (`--set baseline=false`) | | | {without:.0f} ({without / 60:.1f} min) | |")
    print(f"\nbudget {args.budget_min:g} min: predicted / budget = {total / 60 / args.budget_min:.2f}")


if __name__ == "__main__":
    main()
