"""The generic steps of a text GAN that `seqgan` (chapter 8) and `textgan` (chapters 9, 11, 12) share.

- `mle_epoch`: one epoch of teacher-forced maximum likelihood (mean loss per token), clip, Adam.
- `train_discriminator`: one discriminator round, as the original SeqGAN code (Yu et al. 2017,
  ``sequence_gan.py``): ``num_negatives`` fresh generated sequences against **as many** real ones
  (a fresh random subset of the real data when it holds more), ``d_epochs`` epochs. Balanced
  classes: a discriminator that answers "real" to everything scores only 50% (chapter 7).
- `policy_gradient_step`: SeqGAN's generator update (and, as options, the remedies of chapter 8:
  `transformed_reward` log D or logit D, `advantages` with a prefix or leave-one-out baseline, an
  entropy bonus): B sampled sequences, Q of every token from
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


REWARDS = ("prob", "log", "logit")        # the reward: D(Y), log D(Y), or logit D = log D - log(1 - D)
ADVANTAGES = ("none", "prefix", "loo")     # what multiplies log G: raw Q, Q minus a baseline (see `advantages`)
REWARD_EPS = 1e-6                          # D is clamped to [eps, 1 - eps] before a log


def transformed_reward(reward_fn, kind: str = "prob"):
    """`reward_fn` (D(Y) in (0, 1)) as the reward of the remedies of chapter 8: ``"prob"`` D itself
    (the paper), ``"log"`` log D, ``"logit"`` log D - log(1 - D) (with the optimal discriminator,
    log p_data - log p_G)."""
    if kind not in REWARDS:
        raise ValueError(f"reward must be one of {', '.join(REWARDS)}, got {kind!r}")
    if kind == "prob":
        return reward_fn

    def reward(tokens):
        d = reward_fn(tokens).clamp(REWARD_EPS, 1 - REWARD_EPS)
        return d.log() if kind == "log" else d.log() - (-d).log1p()
    return reward


def advantages(q: torch.Tensor, kind: str = "none") -> torch.Tensor:
    """What multiplies log G(y_t | Y_{1:t-1}) in the generator's loss, from Q (B, T):

    - ``"none"``: Q itself (the paper, no baseline);
    - ``"prefix"``: Q_t - Q_{t-1}: Q_{t-1} averages the K rollouts from the prefix Y_{1:t-1}, an
      estimate of V(Y_{1:t-1}) drawn independently of y_t, so subtracting it leaves the gradient
      unbiased; for t = 1 the baseline is the mean of Q_1 over the *other* sequences of the batch;
    - ``"loo"``: Q_{b,t} minus the mean of Q_{b',t} over the other sequences b' of the batch
      (leave-one-out; independent of sequence b, so unbiased too).
    """
    if kind not in ADVANTAGES:
        raise ValueError(f"advantage must be one of {', '.join(ADVANTAGES)}, got {kind!r}")
    if kind == "none":
        return q
    b = q.shape[0]
    if b < 2:
        raise ValueError(f"advantage {kind!r} needs a batch of at least 2 sequences, got {b}")
    loo = (q.sum(0, keepdim=True) - q) / (b - 1)                                             # (B, T)
    if kind == "loo":
        return q - loo
    baseline = torch.cat([loo[:, :1], q[:, :-1]], dim=1)                                     # (B, T)
    return q - baseline


def policy_gradient_loss(gen: Generator, rollout_policy, reward_fn, *, batch_size: int, length: int,
                         rollout_num: int, rng: torch.Generator, reward: str = "prob", advantage: str = "none",
                         entropy_bonus: float = 0.0, rollout_fn=rollout_rewards):
    """The generator's loss of one SeqGAN step and its statistics (no optimiser step):

        loss = - sum_{b,t} log G(y_t | Y_{1:t-1}) A_{b,t}  -  entropy_bonus * sum_{b,t} H(G(. | Y_{1:t-1}))

    with A = `advantages` of the rollout values Q of the (`transformed_reward`) reward."""
    sample = gen.sample(batch_size, length, generator=rng)                                   # (B, T)
    q = rollout_fn(rollout_policy, sample.tokens, transformed_reward(reward_fn, reward), rollout_num,
                   generator=rng)                                                       # (B, T)
    loss = -(sample.log_prob * advantages(q, advantage)).sum()
    if entropy_bonus:
        log_p = torch.log_softmax(gen(sample.tokens), -1)                                    # (B, T, V)
        loss = loss - entropy_bonus * -(log_p.exp() * log_p).sum()
    with torch.no_grad():
        d = q[:, -1] if reward == "prob" else reward_fn(sample.tokens)                       # (B,) D(Y)
    return loss, {"mean_reward": float(d.mean()), "mean_q": float(q.mean())}


def policy_gradient_step(gen: Generator, g_opt, rollout: RolloutPolicy, reward_fn, *, batch_size: int, length: int,
                         rollout_num: int, grad_clip: float, rng: torch.Generator, reward: str = "prob",
                         advantage: str = "none", entropy_bonus: float = 0.0,
                         rollout_fn=rollout_rewards) -> dict:
    """SeqGAN's generator update (chapter 8): B sequences, Q of every token from `rollout_num`
    rollouts of the rollout policy scored by `reward_fn` (the discriminator's D(Y)), the loss
    -sum_{b,t} log G(y_t | Y_{1:t-1}) Q (summed over batch and time, as the original code), clip, step,
    then the rollout policy moves towards the generator. ``reward``, ``advantage`` and
    ``entropy_bonus`` select the remedies of chapter 8 (`policy_gradient_loss`); the defaults are
    the paper's update. ``mean_reward`` is always the mean D(Y) of the batch's full sequences.
    ``rollout_fn`` estimates Q (the batched `rollout.rollout_rewards`; benchmarks/rollout.py times
    the loop version through it too)."""
    loss, stats = policy_gradient_loss(gen, rollout.policy, reward_fn, batch_size=batch_size, length=length,
                                       rollout_num=rollout_num, rng=rng, reward=reward, advantage=advantage,
                                       entropy_bonus=entropy_bonus, rollout_fn=rollout_fn)
    g_opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(gen.parameters(), grad_clip)
    g_opt.step()
    rollout.update()
    return {"g_loss": loss.item(), **stats}
