"""SeqGAN's remedies measured against the exact gradient on a tiny problem (chapter 8).

The generator step of SeqGAN multiplies each score grad ln G(y_t | Y_{1:t-1}) by Q-hat_t, the
mean verdict of K rollouts that finish Y_{1:t} (Yu et al. 2017, eq. 7). Chapter 8 lists remedies
for its variance and for a reward that vanishes; this module computes each on a tabular policy
(`toy.TabularPolicy`), where the exact gradient of every objective is known by enumeration:

- ``baseline="none"``: raw Q-hat (SeqGAN);
- ``baseline="prefix"``: the advantage Q-hat(Y_{1:t}) - V-hat(Y_{1:t-1}), where V-hat is the mean
  of K rollouts of the *same prefix* Y_{1:t-1}: the rollouts that already gave Q-hat_{t-1} (for
  t = 1, K fresh sequences). They were drawn independently of the token y_t, so no bias;
- ``baseline="loo"``: leave-one-out across the batch, b_t^i = mean_{j != i} Q-hat_t^j;
- ``reward="log_D"`` or ``"logit_D"``: the discriminator's verdict through ln or logit, so the
  estimator is unbiased for a *different* objective, E[ln D] or E[logit D];
- ``entropy_bonus=lam``: adds lam * H(G) to the objective, estimated with the weight
  -sum_{t' >= t} ln G(y_t' | Y_{1:t'-1}) (reward-to-go of the surprise), unbiased for grad H.

`target_gradient` is the exact gradient each estimator should match on average; `rollout_num=0`
is plain REINFORCE (the final reward at every position). Everything random happens in
``prepare`` so that `diagnostics.gradient_stats` can measure bias and variance in one vmap.

`make_judge` builds the problem: a fixed "discriminator" D(Y) in (0, 1) whose verdict on the first
token is decided only by the last one (D is high when y_T = y_1 and when the sentence counts up),
so a prefix's worth depends on the rest and per-step credit matters.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from . import _checks
from .estimators import Estimator
from .toy import ToyProblem, all_sequences, exact_gradient, prefix_index

__all__ = ["make_judge", "transform_reward", "target_gradient", "RolloutEstimator", "continue_tabular"]

REWARDS = ("D", "log_D", "logit_D")
BASELINES = ("none", "prefix", "loo")


def make_judge(vocab_size: int = 3, length: int = 4, *, match: float = 2.0, count: float = 1.0,
               bias: float = -1.5) -> ToyProblem:
    """A fixed discriminator D(Y) = sigmoid(match [y_T = y_1] + count * #ups + bias), as a terminal
    reward; #ups counts the steps with y_{t+1} = y_t + 1 (mod V)."""
    seqs = all_sequences(vocab_size, length)
    ups = ((seqs[:, 1:] - seqs[:, :-1]) % vocab_size == 1).double().sum(1)
    score = match * (seqs[:, -1] == seqs[:, 0]).double() + count * ups + bias
    return ToyProblem.terminal(vocab_size, length, torch.sigmoid(score), name="judge")


def transform_reward(verdict: torch.Tensor, reward: str) -> torch.Tensor:
    """D itself, ln D, or logit D = ln D - ln(1 - D)."""
    if reward not in REWARDS:
        raise ValueError(f"reward must be one of {', '.join(REWARDS)}, got {reward!r}")
    if reward == "D":
        return verdict
    if reward == "log_D":
        return verdict.log()
    return verdict.log() - (-verdict).log1p()


def _verdict_table(problem: ToyProblem) -> torch.Tensor:
    if not problem.terminal_only:
        raise ValueError("problem must have its reward only at the end (a discriminator's verdict D(Y))")
    table = problem.step_rewards[-1]
    if not bool(((table > 0) & (table < 1)).all()):
        raise ValueError("problem's final reward must be a verdict D(Y) strictly between 0 and 1")
    return table


def target_gradient(policy, problem: ToyProblem, reward: str = "D", entropy_bonus: float = 0.0) -> torch.Tensor:
    """Exact grad ( E[f(D(Y))] + entropy_bonus * H(G) ), f the chosen reward: a flat vector."""
    table = transform_reward(_verdict_table(problem), reward)
    transformed = ToyProblem.terminal(problem.vocab_size, problem.length, table, name=f"{problem.name}-{reward}")
    grad = exact_gradient(policy, transformed)
    if entropy_bonus:
        seqs = all_sequences(problem.vocab_size, problem.length, device=policy.logits.device)
        params = [p for p in policy.parameters() if p.requires_grad]
        with torch.enable_grad():
            log_p = policy.log_prob(seqs).sum(-1)
            h = -(log_p.exp() * log_p).sum()
            grad = grad + entropy_bonus * torch.cat([g.reshape(-1) for g in torch.autograd.grad(h, params)])
    return grad


def continue_tabular(policy, prefixes: torch.Tensor, length: int, *, generator=None) -> torch.Tensor:
    """Finish each prefix (M, t) with the tabular policy to `length` tokens: (M, length).

    Inverse-CDF sampling from each state's row of probabilities (computed once)."""
    m, t0 = prefixes.shape
    out = torch.empty(m, length, dtype=torch.long, device=prefixes.device)
    out[:, :t0] = prefixes
    value = prefix_index(prefixes, policy.vocab_size) if t0 else torch.zeros(m, dtype=torch.long, device=prefixes.device)
    with torch.no_grad():
        cdf = torch.softmax(policy.logits, -1).cumsum(-1)[:, :-1]          # (states, V-1)
        for t in range(t0, length):
            u = torch.rand(m, 1, generator=generator, dtype=cdf.dtype, device=cdf.device)
            token = (u > cdf[policy.offsets[t] + value]).sum(-1)            # (M,): first index with cdf >= u
            out[:, t] = token
            value = value * policy.vocab_size + token
    return out


@dataclass
class RolloutEstimator(Estimator):
    """SeqGAN's estimator on a tabular policy, with the remedies as options (see the module docstring).

    rollout_num = K (0: REINFORCE, the final reward at every position)."""

    rollout_num: int = 4
    baseline: str = "none"
    reward: str = "D"
    entropy_bonus: float = 0.0

    def __post_init__(self):
        if isinstance(self.rollout_num, bool) or not isinstance(self.rollout_num, int) or self.rollout_num < 0:
            raise ValueError(f"rollout_num must be a non-negative integer, got {self.rollout_num!r}")
        if self.baseline not in BASELINES:
            raise ValueError(f"baseline must be one of {', '.join(BASELINES)}, got {self.baseline!r}")
        if self.baseline == "prefix" and self.rollout_num == 0:
            raise ValueError("baseline='prefix' needs rollouts: rollout_num must be at least 1")
        transform_reward(torch.tensor([0.5]), self.reward)
        if not self.entropy_bonus >= 0:
            raise ValueError(f"entropy_bonus must be >= 0, got {self.entropy_bonus!r}")

    @property
    def name(self) -> str:
        parts = [f"K = {self.rollout_num}" if self.rollout_num else "REINFORCE"]
        if self.baseline != "none":
            parts.append({"prefix": "prefix advantage", "loo": "leave-one-out"}[self.baseline])
        if self.reward != "D":
            parts.append(self.reward.replace("_", " "))
        if self.entropy_bonus:
            parts.append(f"entropy bonus {self.entropy_bonus:g}")
        return ", ".join(parts)

    def q_hat(self, policy, problem, tokens, *, generator=None):
        """(Q-hat, V-hat): (B, T) each. Q-hat_t averages K rollouts finishing Y_{1:t}; V-hat_t
        averages K rollouts finishing Y_{1:t-1} (the same ones as Q-hat_{t-1}; fresh for t = 1)."""
        table = transform_reward(_verdict_table(problem), self.reward).to(policy.logits)
        score = lambda seqs: table[prefix_index(seqs, problem.vocab_size)]    # noqa: E731
        b, t_len = tokens.shape
        final = score(tokens)                                                 # (B,)
        if self.rollout_num == 0:
            q = final.unsqueeze(1).expand(b, t_len).clone()
            return q, torch.zeros_like(q)
        k = self.rollout_num
        means = []                                                            # means[t]: rollouts of Y_{1:t}
        for t in range(t_len):                                                # prefixes of length 0..T-1
            prefixes = tokens[:, :t].repeat_interleave(k, 0)                  # (B*K, t)
            finished = continue_tabular(policy, prefixes, t_len, generator=generator)
            means.append(score(finished).reshape(b, k).mean(1))              # (B,)
        q = torch.stack(means[1:] + [final], 1)                               # (B, T): Q-hat(Y_{1:t-1}, y_t)
        v = torch.stack(means, 1)                                             # (B, T): V-hat(Y_{1:t-1})
        return q, v

    def prepare(self, policy, problem, num_samples, groups=1, *, generator=None):
        n = _checks.positive_int("num_samples", num_samples)
        g = _checks.positive_int("groups", groups)
        if self.baseline == "loo" and n < 2:
            raise ValueError("baseline='loo' needs num_samples >= 2")
        t_len = problem.length
        with torch.no_grad():
            tokens = policy.sample(g * n, t_len, generator=generator).tokens            # (G*N, T)
            q, v = self.q_hat(policy, problem, tokens, generator=generator)
            q, v = q.reshape(g, n, t_len), v.reshape(g, n, t_len)
            if self.baseline == "prefix":
                weight = q - v
            elif self.baseline == "loo":
                weight = q - (q.sum(1, keepdim=True) - q) / (n - 1)
            else:
                weight = q
            if self.entropy_bonus:
                surprise = -policy.log_prob(tokens).reshape(g, n, t_len)                # -ln G(y_t | .)
                weight = weight + self.entropy_bonus * surprise.flip(-1).cumsum(-1).flip(-1)
        return tokens.reshape(g, n, t_len), weight

    def objective(self, policy, problem, tokens, weight, per_sample=False):
        """sum_t weight_t ln G(y_t | Y_{1:t-1}), averaged over the N sentences."""
        log_prob = policy.log_prob(tokens)                                               # (N, T)
        terms = (log_prob * weight.to(log_prob.dtype)).sum(-1)
        return terms if per_sample else terms.mean()
