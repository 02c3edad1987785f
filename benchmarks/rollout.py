"""Seconds per adversarial generator step, batched vs loop rollouts, against the compute floor (ch. 6, 8).

    .venv/bin/python benchmarks/rollout.py [--repeats 2] [--loop-repeats 1] [--threads 2]

Paper sizes: batch 64, length 20, vocabulary 5,000, hidden 32, 16 rollouts, the paper's CNN
discriminator. One step = sample a batch with log-probabilities, Q for every token by Monte Carlo
rollouts scored by the discriminator, the policy-gradient loss, backward, clip, Adam.

Floor = counted multiply-adds (rollout generation + scoring every rollout and the batch + the
training pass counted as three forward passes) / this machine's matmul rate measured in this run.
Sampling from the 5,000-way softmax is elementwise work the count misses.

"loop" is the original code's way (SeqGAN, TextGAN-PyTorch): a Python loop over rollouts k and
prefixes t that re-reads every prefix and samples with ``torch.multinomial``. The same loop with
this library's exact inverse-CDF sampler is timed too, so the two sources of the speed-up
(sampler, batching) can be told apart. Last line:
``batched A s, loop B s, speed-up Cx, floor F s, batched/floor Rx``; the line above it,
``outside matmul: X s``, is batched minus floor: the time the counted matrix products do not
explain, comparable across CPU kinds (a faster matmul lowers the floor, not this).
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _floor import discriminator_macs, generator_token_macs, matmul_flops  # noqa: E402
from _machine import describe  # noqa: E402
from functools import partial  # noqa: E402

from gan4nlp.discriminator import Discriminator, DiscriminatorConfig  # noqa: E402
from gan4nlp.policy import Generator  # noqa: E402
from gan4nlp.rollout import RolloutPolicy, rollout_rewards, rollout_rewards_loop  # noqa: E402
from gan4nlp.gan_steps import policy_gradient_step  # noqa: E402

B, T, V, E, H, K = 64, 20, 5000, 32, 32, 16


def step(gen, opt, disc, impl, rng):
    """One generator step of the library (`gan_steps.policy_gradient_step`), rollouts by ``impl``; the
    rollout policy is the live generator (``rate=None``), as in the original code."""
    start = time.perf_counter()
    policy_gradient_step(gen, opt, RolloutPolicy(gen, rate=None), disc.reward, batch_size=B, length=T,
                         rollout_num=K, grad_clip=5.0, rng=rng, rollout_fn=impl)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--loop-repeats", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(describe())
    torch.manual_seed(0)
    gen = Generator(V, E, H, start_token=0)
    opt = torch.optim.Adam(gen.parameters(), lr=0.01)
    dcfg = DiscriminatorConfig(vocab_size=V, seq_len=T)
    disc = Discriminator(dcfg)
    rng = torch.Generator().manual_seed(0)
    flops = matmul_flops()
    rollout_tokens = B * K * sum(T - t for t in range(1, T))
    scored = B * K * (T - 1) + B
    macs = (rollout_tokens * generator_token_macs(V, E, H) + scored * discriminator_macs(dcfg, T)
            + 3 * B * T * generator_token_macs(V, E, H))
    floor = 2 * macs / flops
    print(f"matmul rate {flops / 1e9:.0f} GFLOP/s; rollout tokens {rollout_tokens:,}, sequences scored {scored:,}; "
          f"counted {macs / 1e9:.1f} G multiply-adds")
    step(gen, opt, disc, rollout_rewards, rng)   # warm-up
    batched = statistics.median(step(gen, opt, disc, rollout_rewards, rng) for _ in range(args.repeats))
    original = partial(rollout_rewards_loop, method="multinomial")
    loop = statistics.median(step(gen, opt, disc, original, rng) for _ in range(args.loop_repeats))
    loop_fast = statistics.median(step(gen, opt, disc, rollout_rewards_loop, rng) for _ in range(args.loop_repeats))
    print(f"batched: {batched:.2f} s per step (median of {args.repeats}); loop with torch.multinomial (original "
          f"code): {loop:.2f} s; loop with the inverse-CDF sampler: {loop_fast:.2f} s (medians of {args.loop_repeats}); "
          f"batching alone: {loop_fast / batched:.1f}x, sampler alone: {loop / loop_fast:.1f}x")
    # the time the counted multiply-adds do not explain (sampling's exp/sum, gathers, the LSTM's
    # elementwise gates, pooling, the optimizer, Python): the same figure on every CPU kind
    print(f"outside matmul: {batched - floor:.2f} s per batched step ({(batched - floor) / batched:.0%} of it)")
    print(f"batched {batched:.2f} s, loop {loop:.2f} s, speed-up {loop / batched:.1f}x, floor {floor:.2f} s, "
          f"batched/floor {batched / floor:.1f}x")


if __name__ == "__main__":
    main()
