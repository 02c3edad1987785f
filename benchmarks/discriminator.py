"""Seconds per discriminator training epoch, straightforward vs fast, against the compute floor (ch. 7, 8).

    .venv/bin/python benchmarks/discriminator.py [--quick] [--threads 2] [--sequences 10000] [--repeats 2]

Paper sizes: the paper's CNN discriminator (embedding 64, 12 filter widths, 1,720 filters, highway,
dropout 0.25), vocabulary 5,000, length 20, batch 64; one epoch = 10,000 real + 10,000 generated
(here: uniformly random) sequences, shuffled. SeqGAN's adversarial loop trains the discriminator
for 15 such epochs per iteration, so this epoch dominates its run time.

- straightforward: `Discriminator(impl="reference")` (one conv2d per width, autograd backward)
  with the default ``torch.optim.Adam``;
- fast: `Discriminator()` (one im2col copy, one matmul per width, sparse max-pool backward) with
  `make_optimizer` (fused Adam). Both start from the same weights and see the same batches.

Floor = counted multiply-adds of the epoch (convolutions + highway + output layer, a training
step counted as three forward passes) x 2 FLOP / this machine's float32 matmul rate (2048 x 2048,
best of several measurements spread over this run). Epoch times are the best of ``--repeats``
runs, the two versions interleaved. The last line is ``d-epoch A s, floor F s, d/floor Rx`` for the
fast version; above it, ``outside matmul: X s`` (epoch minus floor, the time the counted matrix
products do not explain, comparable across CPU kinds), and the straightforward version's line.
"""
import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _floor import discriminator_macs, matmul_flops  # noqa: E402
from _machine import describe  # noqa: E402
from gan4nlp.discriminator import Discriminator, DiscriminatorConfig, make_optimizer  # noqa: E402


def cpu_pressure() -> str:
    """Linux's CPU pressure (share of the last 60 s some task waited for a CPU): other jobs on the machine."""
    try:
        with open("/proc/pressure/cpu") as f:
            return next(part.split("=")[1] for part in f.readline().split() if part.startswith("avg60")) + "%"
    except (OSError, StopIteration, IndexError):
        return "n/a"


def timed_epoch(disc, opt, real, fake, batch, seed):
    start = time.perf_counter()
    stats = disc.train_epoch(real, fake, opt, batch_size=batch, generator=torch.Generator().manual_seed(seed))
    return time.perf_counter() - start, stats


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1,000 + 1,000 sequences, one run each (smoke test)")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--sequences", type=int, default=10_000, help="real sequences = generated sequences per epoch")
    ap.add_argument("--repeats", type=int, default=2, help="timed epochs per version (best reported)")
    ap.add_argument("--batch", type=int, default=64)
    args = ap.parse_args()
    if args.quick:
        args.sequences, args.repeats = 1000, 1
    torch.set_num_threads(args.threads)
    print(describe())
    print(f"CPU pressure from other jobs (avg60) at start: {cpu_pressure()}")
    config = DiscriminatorConfig()          # the paper's discriminator
    V, T, n = config.vocab_size, config.seq_len, args.sequences
    g = torch.Generator().manual_seed(0)
    real = torch.randint(V, (n, T), generator=g)
    fake = torch.randint(V, (n, T), generator=g)
    torch.manual_seed(0)
    fast = Discriminator(config)
    slow = Discriminator(config, impl="reference")
    slow.load_state_dict(fast.state_dict())
    versions = {"straightforward": (slow, torch.optim.Adam(slow.parameters(), lr=config.lr)),
                "fast": (fast, make_optimizer(fast))}

    macs = 3 * 2 * n * discriminator_macs(config, T)
    rates = [matmul_flops()]
    print(f"paper discriminator: {config.num_features} filters, "
          f"{sum(p.numel() for p in fast.parameters()):,} parameters; {n:,} real + {n:,} generated sequences, "
          f"length {T}, vocabulary {V:,}, batch {args.batch}; {macs / 1e9:.0f} G multiply-adds per epoch counted")

    # warm-up: a few batches each (allocator, thread pool, MKL kernels)
    for disc, opt in versions.values():
        timed_epoch(disc, opt, real[:4 * args.batch], fake[:4 * args.batch], args.batch, seed=99)
    times = {name: [] for name in versions}
    for r in range(args.repeats):
        for name, (disc, opt) in (versions.items() if r % 2 == 0 else reversed(versions.items())):
            seconds, stats = timed_epoch(disc, opt, real, fake, args.batch, seed=r)
            times[name].append(seconds)
            print(f"  run {r + 1} {name:15s} {seconds:6.2f} s  ({seconds / -(-2 * n // args.batch) * 1e3:5.1f} ms/step)"
                  f"  loss {stats['loss']:.4f}  accuracy {stats['accuracy']:.3f}")
        rates.append(matmul_flops())
    flops = max(rates)
    floor = 2 * macs / flops
    print(f"CPU pressure (avg60) at end: {cpu_pressure()}; timings are only meaningful near 0%")
    print(f"matmul rate {flops / 1e9:.0f} GFLOP/s (best of {len(rates)}: "
          f"{', '.join(f'{r / 1e9:.0f}' for r in rates)}); floor {floor:.2f} s per epoch")
    best = {name: min(t) for name, t in times.items()}
    print(f"fast is {best['straightforward'] / best['fast']:.2f}x faster than straightforward")
    s, f = best["straightforward"], best["fast"]
    print(f"straightforward: d-epoch {s:.2f} s, floor {floor:.2f} s, d/floor {s / floor:.2f}x")
    # the time the counted multiply-adds do not explain (embedding gathers, im2col copy, max-pool,
    # ReLU, dropout, highway gates, softmax, Adam, Python): the same figure on every CPU kind
    print(f"outside matmul: {f - floor:.2f} s per fast epoch ({(f - floor) / f:.0%} of it); "
          f"straightforward: {s - floor:.2f} s")
    print(f"d-epoch {f:.2f} s, floor {floor:.2f} s, d/floor {f / floor:.2f}x")


if __name__ == "__main__":
    main()
