"""Gradient estimators for sequence policies (chapters 4, 5, 9 and 13).

Every estimator has one calling convention:

    surrogate = estimator.surrogate(policy, problem, num_samples, groups=G, generator=g)   # (G,)

draws G independent batches of `num_samples` sequences and returns one scalar per batch whose
gradient with respect to the policy's parameters is that batch's estimate of grad J(theta).
Training maximises it (minimise ``-surrogate.mean()``); `diagnostics.gradient_stats` takes the G
gradients at once to measure bias and variance against the exact gradient.

`policy` has ``sample``, ``log_prob`` and (for Gumbel-softmax) ``relaxed_sample``;
`problem` has ``length``, ``rewards(tokens) -> (N, T)`` and (for Gumbel-softmax)
``relaxed_reward(soft) -> (N,)`` (see `toy.ToyProblem`).

REINFORCE (Williams 1992; Sutton & Barto 2018, sec. 13.3-13.4):

    grad J ~= 1/N sum_i sum_t (G_t^i - b_t^i) grad log pi(y_t^i | Y_{1:t-1}^i)

with G_t the whole return R (``reward_to_go=False``) or the reward-to-go sum_{k>=t} r_k, and b a
baseline that must not depend on sample i's own action. Gumbel-softmax (Jang et al. 2017;
Maddison et al. 2017): back-propagate the reward of relaxed samples; biased for tau > 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from . import _checks
from .sampling import gumbel_noise


# ------------------------------------------------------------------------------------------------
# Returns and baselines. Shapes: (G, N, T) = groups, samples per group, time steps.

def returns_from_rewards(rewards: torch.Tensor, reward_to_go: bool) -> torch.Tensor:
    """(…, T) per-step rewards -> (…, T) returns: reward-to-go G_t, or the whole return R at every t."""
    if reward_to_go:
        return rewards.flip(-1).cumsum(-1).flip(-1)
    return rewards.sum(-1, keepdim=True).expand_as(rewards)


class Baseline:
    """b(s_t) subtracted from the return. ``__call__(returns, tokens)`` takes (G, N, T) tensors and
    returns b of the same shape, computed without sample i's own return (so no bias)."""

    name = "none"

    def __call__(self, returns: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        return torch.zeros_like(returns)

    def reset(self) -> None:
        """Forgets any state (moving averages, learned values)."""


NoBaseline = Baseline


class MovingAverage(Baseline):
    """b_t = exponential moving average of the mean return at step t over *earlier* batches.

    Each batch uses the average from before it, then updates it: within a call of G groups,
    group g sees the average of groups < g (and of earlier calls)."""

    name = "moving average"

    def __init__(self, decay: float = 0.9):
        self.decay = _checks.unit_interval("decay", decay)
        self.value = None  # (T,)

    def reset(self):
        self.value = None

    def __call__(self, returns, tokens):
        out = torch.empty_like(returns)
        for g in range(returns.shape[0]):
            out[g] = 0.0 if self.value is None else self.value
            batch_mean = returns[g].mean(0).detach()                   # (T,)
            self.value = batch_mean if self.value is None else self.decay * self.value + (1 - self.decay) * batch_mean
        return out


class LeaveOneOut(Baseline):
    """b_i = mean return of the *other* N-1 samples of the same batch (Kool et al. 2019; RLOO)."""

    name = "leave-one-out"

    def __call__(self, returns, tokens):
        n = returns.shape[1]
        if n < 2:
            raise ValueError("the leave-one-out baseline needs at least 2 samples per batch")
        total = returns.sum(1, keepdim=True)                            # (G, 1, T)
        return (total - returns) / (n - 1)


class BatchMean(Baseline):
    """b = mean return of the batch *including* sample i: what a careless implementation (or GRPO's
    group mean) does. It scales the gradient by (N-1)/N: biased, kept to show it (chapter 13)."""

    name = "batch mean (biased)"

    def __call__(self, returns, tokens):
        return returns.mean(1, keepdim=True).expand_as(returns)


class LearnedValue(Baseline):
    """b_t = V_w(Y_{1:t-1}), a learned state-value function (Sutton & Barto 2018, sec. 13.4).

    ``model(tokens (M, T)) -> (M, T)`` gives the value of the state before each token. All groups
    of a call are scored with the model as it stands, then the model takes ``steps`` Adam steps
    towards their returns, so no batch's baseline has seen that batch."""

    name = "learned value"

    def __init__(self, model: nn.Module, lr: float = 0.1, steps: int = 1):
        self.model = model
        self.lr = _checks.positive_float("lr", lr)
        self.steps = _checks.positive_int("steps", steps)
        self.initial = {k: v.clone() for k, v in model.state_dict().items()}
        self.optimizer = torch.optim.Adam(model.parameters(), lr=self.lr)

    def reset(self):
        self.model.load_state_dict(self.initial)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=self.lr)

    def __call__(self, returns, tokens):
        g, n, t = returns.shape
        flat_tokens, flat_returns = tokens.reshape(g * n, t), returns.reshape(g * n, t).detach()
        with torch.no_grad():
            out = self.model(flat_tokens).reshape(g, n, t).to(returns.dtype)
        with torch.enable_grad():
            for _ in range(self.steps):
                self.optimizer.zero_grad()
                loss = ((self.model(flat_tokens) - flat_returns) ** 2).mean()
                loss.backward()
                self.optimizer.step()
        return out


class RecurrentValue(nn.Module):
    """A small GRU value function for any vocabulary: V(Y_{1:t-1}) for every t, (M, T)."""

    def __init__(self, vocab_size: int, embed_dim: int = 16, hidden_dim: int = 32):
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size + 1, embed_dim)   # row V = start symbol
        self.rnn = nn.GRU(embed_dim, hidden_dim, batch_first=True)
        self.head = nn.Linear(hidden_dim, 1)

    def forward(self, tokens):
        bos = torch.full_like(tokens[:, :1], self.vocab_size)
        h, _ = self.rnn(self.embedding(torch.cat([bos, tokens[:, :-1]], 1)))   # (M, T, H)
        return self.head(h).squeeze(-1)                                       # (M, T)


# ------------------------------------------------------------------------------------------------
def policy_gradient_surrogate(log_prob: torch.Tensor, returns: torch.Tensor,
                              baseline: torch.Tensor | float = 0.0) -> torch.Tensor:
    """sum_t (G_t - b_t) log pi(y_t | .) averaged over samples: (…, N, T) -> (…).

    Its gradient is the REINFORCE estimate; G and b are constants (detached)."""
    _checks.same_shape("log_prob", log_prob, "returns", returns)
    advantage = (returns - baseline).detach()
    return (log_prob * advantage).sum(-1).mean(-1)


def _check_sizes(num_samples, groups):
    return _checks.positive_int("num_samples", num_samples), _checks.positive_int("groups", groups)


class Estimator:
    """Two steps: ``prepare`` samples everything random (no gradient) for G groups of N samples and
    returns tensors with leading dims (G, N); ``objective(policy, problem, *data)`` is a
    deterministic function of theta whose gradient is one group's estimate. Keeping the randomness
    out of ``objective`` lets `diagnostics` take all G gradients with one ``torch.func.vmap``."""

    def prepare(self, policy, problem, num_samples: int, groups: int = 1, *, generator=None) -> tuple:
        raise NotImplementedError

    def objective(self, policy, problem, *data) -> torch.Tensor:
        raise NotImplementedError

    def surrogate(self, policy, problem, num_samples: int, groups: int = 1, *, generator=None) -> torch.Tensor:
        """(G,) one differentiable scalar per group: maximise it to follow the estimated gradient."""
        data = self.prepare(policy, problem, num_samples, groups, generator=generator)
        g, n = data[0].shape[:2]
        flat = [d.reshape(g * n, *d.shape[2:]) for d in data]
        return self.objective(policy, problem, *flat, per_sample=True).reshape(g, n).mean(-1)


@dataclass
class Reinforce(Estimator):
    """REINFORCE with the whole return or reward-to-go, and an optional baseline (chapters 4-5)."""

    baseline: Baseline = field(default_factory=Baseline)
    reward_to_go: bool = False

    @property
    def name(self) -> str:
        name = "REINFORCE" + (" + reward-to-go" if self.reward_to_go else "")
        return name if self.baseline.name == "none" else f"{name} + {self.baseline.name}"

    def prepare(self, policy, problem, num_samples, groups=1, *, generator=None):
        n, g = _check_sizes(num_samples, groups)
        t = problem.length
        with torch.no_grad():
            tokens = policy.sample(g * n, t, generator=generator).tokens          # (G*N, T)
            rewards = problem.rewards(tokens)                                      # (G*N, T)
            returns = returns_from_rewards(rewards, self.reward_to_go).reshape(g, n, t)
            tokens = tokens.reshape(g, n, t)
            advantage = returns - self.baseline(returns, tokens)                   # (G, N, T)
        return tokens, advantage

    def objective(self, policy, problem, tokens, advantage, per_sample=False):
        """sum_t A_t log pi(y_t | Y_{1:t-1}), averaged over the N samples (or per sample)."""
        log_prob = policy.log_prob(tokens)                                         # (N, T)
        terms = (log_prob * advantage.to(log_prob.dtype)).sum(-1)                 # (N,)
        return terms if per_sample else terms.mean()


@dataclass
class GumbelSoftmax(Estimator):
    """Gumbel-softmax (soft) or straight-through Gumbel (``straight_through=True``) gradient of the
    relaxed reward (chapter 9). Biased for tau > 0; the bias shrinks as tau -> 0, the variance grows."""

    tau: float = 1.0
    straight_through: bool = False

    def __post_init__(self):
        _checks.positive_float("tau", self.tau)

    @property
    def name(self) -> str:
        return f"{'straight-through ' if self.straight_through else ''}Gumbel-softmax (tau={self.tau:g})"

    def prepare(self, policy, problem, num_samples, groups=1, *, generator=None):
        n, g = _check_sizes(num_samples, groups)
        shape = (g, n, problem.length, problem.vocab_size)
        dtype = next(policy.parameters()).dtype
        return (gumbel_noise(shape, generator=generator, device=next(policy.parameters()).device, dtype=dtype),)

    def objective(self, policy, problem, noise, per_sample=False):
        """Relaxed reward of the reparameterised sample y = softmax((logits + noise) / tau)."""
        soft = policy.relaxed_sample(noise.shape[0], problem.length, self.tau, hard=self.straight_through,
                                     noise=noise)                                  # (N, T, V)
        reward = problem.relaxed_reward(soft)                                      # (N,)
        return reward if per_sample else reward.mean()


def estimate_gradient(estimator, policy, problem, num_samples: int, *, generator=None) -> torch.Tensor:
    """One gradient estimate as a flat vector over the policy's parameters."""
    params = [p for p in policy.parameters() if p.requires_grad]
    with torch.enable_grad():
        s = estimator.surrogate(policy, problem, num_samples, 1, generator=generator)[0]
        return torch.cat([g.reshape(-1) for g in torch.autograd.grad(s, params)])


def standard_estimators(value_model: nn.Module | None = None) -> dict:
    """The estimators the book compares, by display name (fresh baseline state each call)."""
    ests = [Reinforce(), Reinforce(reward_to_go=True), Reinforce(MovingAverage(0.9)),
            Reinforce(LeaveOneOut()), Reinforce(LeaveOneOut(), reward_to_go=True)]
    if value_model is not None:
        ests.append(Reinforce(LearnedValue(value_model), reward_to_go=True))
    ests += [GumbelSoftmax(0.5), GumbelSoftmax(0.5, straight_through=True)]
    return {e.name: e for e in ests}
