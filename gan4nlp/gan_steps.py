"""The generic steps of a text GAN that `seqgan` (chapter 8) and `textgan` (chapters 9, 11, 12) share.

- `mle_epoch`: one epoch of teacher-forced maximum likelihood (mean loss per token), clip, Adam.
- `train_discriminator`: one discriminator round, as the original SeqGAN code (Yu et al. 2017,
  ``sequence_gan.py``): ``num_negatives`` fresh generated sequences against **as many** real ones
  (a fresh random subset of the real data when it holds more), ``d_epochs`` epochs. Balanced
  classes: a discriminator that answers "real" to everything scores only 50% (chapter 7).
- `policy_gradient_step`: SeqGAN's generator update: B sampled sequences, Q of every token from
  Monte Carlo rollouts scored by the discriminator, the loss
  ``-sum_{b,t} log G(y_t | Y_{1:t-1}) Q`` (summed over batch and time, as the original code), clip,
  an optimiser step, then the rollout policy moves towards the generator.

The optimiser passed to `policy_gradient_step` should be the adversarial phase's own (the original
code's ``g_opt``), not the one of MLE pre-training (``pretrain_opt``): Adam's moment estimates from
MLE would scale the first adversarial steps (issue 9).
"""
from __future__ import annotations

import torch

from . import _checks
from .policy import Generator
from .rollout import RolloutPolicy, rollout_rewards


def mle_epoch(gen: Generator, opt, data: torch.Tensor, config, rng: torch.Generator) -> float:
    """One epoch of teacher-forced maximum likelihood over `data` (N, T) in shuffled batches of
    ``config.batch_size``, gradient norm clipped to ``config.grad_clip``; returns the mean loss."""
    order = torch.randperm(data.shape[0], generator=rng)
    total, count = 0.0, 0
    for i in range(0, data.shape[0], config.batch_size):
        batch = data[order[i: i + config.batch_size]]                                        # (b, T)
        opt.zero_grad()
        loss = gen.mle_loss(batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(gen.parameters(), config.grad_clip)
        opt.step()
        total, count = total + loss.item() * batch.shape[0], count + batch.shape[0]
    return total / count


def train_discriminator(gen: Generator, disc, d_opt, data: torch.Tensor, *, num_negatives: int, d_epochs: int,
                        batch_size: int, rng: torch.Generator) -> dict:
    """One balanced discriminator round: ``num_negatives`` real sequences (all of `data` (N, T) when
    N equals it, else a fresh random subset) and ``num_negatives`` fresh generated ones, then
    ``d_epochs`` epochs on the two. Returns the last epoch's loss and accuracy."""
    num_negatives = _checks.positive_int("num_negatives", num_negatives)
    if data.shape[0] < num_negatives:
        raise ValueError(f"num_negatives ({num_negatives}) exceeds the {data.shape[0]} real sequences: "
                         f"a discriminator round needs as many real sequences as generated ones")
    real = data if data.shape[0] == num_negatives else \
        data[torch.randperm(data.shape[0], generator=rng)[:num_negatives]]                   # (M, T)
    fake = gen.generate(num_negatives, data.shape[1], generator=rng)                         # (M, T)
    stats = {}
    for _ in range(d_epochs):
        stats = disc.train_epoch(real, fake, d_opt, batch_size=batch_size, generator=rng)
    return stats


def policy_gradient_step(gen: Generator, g_opt, rollout: RolloutPolicy, reward_fn, *, batch_size: int, length: int,
                         rollout_num: int, grad_clip: float, rng: torch.Generator,
                         rollout_fn=rollout_rewards) -> dict:
    """SeqGAN's generator update (chapter 8): B sequences, Q of every token from `rollout_num`
    rollouts of the rollout policy scored by `reward_fn` (the discriminator's D(Y)), the loss
    -sum_{b,t} log G(y_t | Y_{1:t-1}) Q (summed over batch and time, as the original code), clip, step,
    then the rollout policy moves towards the generator. ``rollout_fn`` estimates Q (the batched
    `rollout.rollout_rewards`; benchmarks/rollout.py times the loop version through it too)."""
    sample = gen.sample(batch_size, length, generator=rng)                                   # (B, T)
    q = rollout_fn(rollout.policy, sample.tokens, reward_fn, rollout_num, generator=rng)  # (B, T)
    loss = -(sample.log_prob * q).sum()
    g_opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(gen.parameters(), grad_clip)
    g_opt.step()
    rollout.update()
    return {"g_loss": loss.item(), "mean_reward": float(q[:, -1].mean()), "mean_q": float(q.mean())}
