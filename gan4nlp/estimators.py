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

Group estimators (chapter 13): the baselines act on a group of N = K samples, the K completions
of one prompt in language-model training. ``Baseline.advantage`` gives what multiplies the score,
A = G - b by default. RLOO is REINFORCE with `LeaveOneOut` (Kool et al. 2019; Ahmadian et al.
2024); `BatchMean` is the group mean including the sample itself, (K-1)/K times RLOO; and
`GroupNormalized` is GRPO's advantage (R_i - mean R) / (std R + eps) (Shao et al. 2024), which is
not a baseline at all: its divisor depends on R_i. `expected_estimate` computes the exact
expectation of any of them on a tiny problem, so their bias can be measured without noise.
"""
from __future__ import annotations

import functools
import itertools
import math
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

    def advantage(self, returns: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        """A = G - b, what multiplies each score in REINFORCE: (G, N, T). Subclasses that do more
        than subtract (`GroupNormalized`) override this."""
        return returns - self(returns, tokens)

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


class GroupNormalized(Baseline):
    """GRPO's group-normalised advantage (Shao et al. 2024, eq. for outcome supervision):

        A_i = (R_i - mean_j R_j) / (std_j R_j + eps)     over the N = K samples of a group.

    Not a baseline: the divisor depends on R_i itself, so the estimate is biased, and not just by
    a scale factor (chapter 13 measures it). It makes the update invariant to the reward's scale
    in each group (prompt). ``unbiased_std=True`` divides the sum of squares by K - 1, as
    ``torch.std`` and TRL's GRPOTrainer do; False divides by K. ``eps > 0`` (TRL: 1e-4) keeps a
    group whose returns are all equal at advantage ~0 instead of 0 / 0.
    ``__call__`` returns the equivalent subtraction R - A, so ``R - b`` is still the advantage."""

    name = "group-normalised (GRPO)"

    def __init__(self, eps: float = 1e-4, unbiased_std: bool = True):
        self.eps = _checks.positive_float("eps", eps)
        if not isinstance(unbiased_std, bool):
            raise ValueError(f"unbiased_std must be True or False, got {unbiased_std!r}")
        self.unbiased_std = unbiased_std

    def advantage(self, returns, tokens):
        n = returns.shape[1]
        if n < 2:
            raise ValueError("the group-normalised advantage needs at least 2 samples per group (a standard deviation)")
        centred = returns - returns.mean(1, keepdim=True)                           # (G, N, T)
        std = returns.std(1, keepdim=True, correction=1 if self.unbiased_std else 0)  # (G, 1, T)
        return centred / (std + self.eps)

    def __call__(self, returns, tokens):
        return returns - self.advantage(returns, tokens)


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
            advantage = self.baseline.advantage(returns, tokens)                   # (G, N, T)
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


def rloo(reward_to_go: bool = False) -> Reinforce:
    """RLOO: REINFORCE with the leave-one-out baseline over the K samples of a group (Kool et al.
    2019; Ahmadian et al. 2024). Unbiased for K >= 2."""
    return Reinforce(LeaveOneOut(), reward_to_go=reward_to_go)


def grpo(eps: float = 1e-4, unbiased_std: bool = True) -> Reinforce:
    """REINFORCE with GRPO's group-normalised advantage (Shao et al. 2024). Only the advantage:
    GRPO's PPO-style ratio clipping has gradient A grad log pi at the sampling policy, the first
    update of each batch, and its KL penalty is left out (chapter 13)."""
    return Reinforce(GroupNormalized(eps, unbiased_std))


def group_estimators(eps: float = 1e-4, unbiased_std: bool = True) -> dict:
    """The three group estimators chapter 13 compares, by short name: RLOO, the group mean
    (including the sample itself) and GRPO's normalised advantage."""
    return {"RLOO": rloo(), "group mean": Reinforce(BatchMean()), "GRPO": grpo(eps, unbiased_std)}


# ------------------------------------------------------------------------------------------------
# Exact expectations of group estimators on tiny problems (chapter 13)

MAX_GROUPINGS = 2_000_000


@functools.lru_cache(maxsize=32)
def _compositions(total: int, parts: int) -> torch.Tensor:
    """Every way to write `total` as an ordered sum of `parts` non-negative integers: (C, parts),
    by stars and bars (C = binom(total + parts - 1, parts - 1)). Cached: do not modify it."""
    if parts == 1:
        return torch.tensor([[total]], dtype=torch.long)
    bars = torch.tensor(list(itertools.combinations(range(total + parts - 1), parts - 1)), dtype=torch.long)
    bars = bars.reshape(-1, parts - 1)
    edges = torch.cat([torch.full((bars.shape[0], 1), -1), bars, torch.full((bars.shape[0], 1), total + parts - 1)], 1)
    return edges.diff(dim=1) - 1


def expected_advantage(baseline: Baseline, values: torch.Tensor, probs: torch.Tensor, group_size: int,
                       *, chunk: int = 20_000) -> torch.Tensor:
    """a(v) = E[A_1 | R_1 = v] for each value v, exactly: (M,).

    A group holds R_1 = v and K - 1 = ``group_size - 1`` other returns drawn independently from the
    distribution ``probs`` (M,) over ``values`` (M,). The sum runs over every multiset of the
    others, weighted by its multinomial probability. A REINFORCE estimate with this baseline then
    has expectation sum_Y grad p(Y) a(R(Y)): the exact policy gradient of the *effective reward*
    a(R) (see `expected_estimate`). The baseline must be stateless and look only at the returns."""
    k = _checks.positive_int("group_size", group_size)
    if k < 2:
        raise ValueError(f"group_size must be at least 2 for a group estimator, got {group_size}")
    if isinstance(baseline, (MovingAverage, LearnedValue)):
        raise ValueError(f"expected_advantage needs a stateless baseline, got {type(baseline).__name__}")
    values = torch.as_tensor(values, dtype=torch.float64).reshape(-1)
    probs = torch.as_tensor(probs, dtype=torch.float64).reshape(-1)
    _checks.same_shape("values", values, "probs", probs)
    if bool((probs < 0).any()) or abs(float(probs.sum()) - 1) > 1e-6:
        raise ValueError(f"probs must be non-negative and sum to 1, got sum {float(probs.sum()):.6g}")
    probs = probs / probs.sum()                                  # exactly 1 (float32 input sums to 1 +- 1e-7)
    m = values.numel()
    count = math.comb(k - 1 + m - 1, m - 1)
    if count > MAX_GROUPINGS:
        raise ValueError(f"{count} groupings of {k - 1} returns over {m} values is too many to enumerate "
                         f"(max {MAX_GROUPINGS}); use fewer distinct rewards or a smaller group")
    counts = _compositions(k - 1, m)                                                 # (C, M)
    log_w = (math.lgamma(k) - torch.lgamma(counts.double() + 1).sum(1)
             + torch.where(counts > 0, counts * probs.clamp_min(1e-300).log(), torch.zeros(())).sum(1))
    weights = log_w.exp()                                                            # (C,)
    out = torch.zeros(m, dtype=torch.float64)
    steps = torch.arange(k - 1)
    for start in range(0, counts.shape[0], chunk):
        c = counts[start: start + chunk]
        idx = torch.searchsorted(c.cumsum(1), steps.expand(c.shape[0], -1).contiguous(), right=True)
        groups = torch.empty(m, c.shape[0], k, dtype=torch.float64)                  # (M, c, K)
        groups[:, :, 0] = values.unsqueeze(1)                                        # R_1 = v
        groups[:, :, 1:] = values[idx]                                               # the K-1 others
        returns = groups.reshape(m * c.shape[0], k, 1)                               # (G, N, T=1)
        adv = baseline.advantage(returns, None)[:, 0, 0].reshape(m, c.shape[0])      # A_1 of each group
        out += adv @ weights[start: start + chunk]
    return out


def return_distribution(policy, problem) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The distinct returns R(Y) of a tiny problem, their probabilities under the policy, and the
    index of each sequence's return: (values (M,), probs (M,), index (V^T,))."""
    from .toy import all_sequences, sequence_probs

    with torch.no_grad():
        seqs = all_sequences(problem.vocab_size, problem.length, device=next(policy.parameters()).device)
        p = sequence_probs(policy, problem).double().cpu()
        returns = problem.reward(seqs, torch.float64).cpu()
    values, index = torch.unique(returns, return_inverse=True)
    probs = torch.zeros_like(values).index_add_(0, index, p)
    return values, probs / probs.sum(), index


def expected_estimate(estimator: Reinforce, policy, problem, num_samples: int) -> torch.Tensor:
    """E[g_hat] exactly, for REINFORCE with a stateless group baseline and the whole return: a flat
    vector over the policy's parameters (compare it with `toy.exact_gradient`).

    By symmetry E[g_hat] = E[A_1 grad log p(Y_1)] = sum_Y grad p(Y) a(R(Y)), with a = the
    `expected_advantage` of each return: the exact gradient of a problem whose reward is a(R)."""
    from .toy import ToyProblem, exact_gradient

    if not isinstance(estimator, Reinforce):
        raise ValueError(f"expected_estimate needs a Reinforce estimator, got {type(estimator).__name__}")
    if estimator.reward_to_go and not problem.terminal_only:
        raise ValueError("expected_estimate needs the whole return (reward_to_go=False) when rewards come at every step")
    n = _checks.positive_int("num_samples", num_samples)
    values, probs, index = return_distribution(policy, problem)
    if n == 1 or type(estimator.baseline) is Baseline:
        if type(estimator.baseline) is not Baseline:
            raise ValueError(f"a group baseline needs num_samples >= 2, got {num_samples}")
        effective = values
    else:
        effective = expected_advantage(estimator.baseline, values, probs, n)
    table = effective[index]                                                         # (V^T,)
    return exact_gradient(policy, ToyProblem.terminal(problem.vocab_size, problem.length, table))


def estimate_gradient(estimator, policy, problem, num_samples: int, *, generator=None) -> torch.Tensor:
    """One gradient estimate as a flat vector over the policy's parameters."""
    params = [p for p in policy.parameters() if p.requires_grad]
    with torch.enable_grad():
        s = estimator.surrogate(policy, problem, num_samples, 1, generator=generator)[0]
        return torch.cat([g.reshape(-1) for g in torch.autograd.grad(s, params)])


ESTIMATOR_KEYS = ("reinforce", "to_go", "moving", "loo", "loo_to_go", "learned", "batch", "soft", "st")
STANDARD_KEYS = ("reinforce", "to_go", "moving", "loo", "loo_to_go", "learned", "soft", "st")


def estimator_menu(keys=STANDARD_KEYS, *, tau: float = 0.5, decay: float = 0.9, value_model: nn.Module | None = None,
                   value_lr: float = 0.1, value_steps: int = 1) -> dict:
    """The book's estimators by short key, fresh (no baseline state), in the order of `keys`:

    - ``reinforce``: REINFORCE with the whole return; ``to_go``: with the reward-to-go (chapter 4);
    - ``moving``: moving-average baseline (`decay`); ``loo`` / ``loo_to_go``: leave-one-out;
      ``learned``: a learned value `value_model` (Adam, `value_lr`, `value_steps` steps per call) on
      the reward-to-go; ``batch``: the biased batch mean (chapter 5);
    - ``soft`` / ``st``: Gumbel-softmax and straight-through Gumbel at temperature `tau` (chapter 9).

    Every chapter's comparison is a choice of keys from this one menu (chapter 5's widget:
    reinforce, to_go, moving, loo, learned, batch; chapter 9's: reinforce, loo, soft, st)."""
    keys = tuple(keys)
    unknown = [k for k in keys if k not in ESTIMATOR_KEYS]
    if unknown:
        raise ValueError(f"keys must be among {ESTIMATOR_KEYS}, got {unknown}")
    if "learned" in keys and value_model is None:
        raise ValueError("the 'learned' estimator needs value_model= (e.g. toy.TabularValue(V, T))")
    recipes = {
        "reinforce": lambda: Reinforce(),
        "to_go": lambda: Reinforce(reward_to_go=True),
        "moving": lambda: Reinforce(MovingAverage(decay)),
        "loo": lambda: Reinforce(LeaveOneOut()),
        "loo_to_go": lambda: Reinforce(LeaveOneOut(), reward_to_go=True),
        "learned": lambda: Reinforce(LearnedValue(value_model, lr=value_lr, steps=value_steps), reward_to_go=True),
        "batch": lambda: Reinforce(BatchMean()),
        "soft": lambda: GumbelSoftmax(tau),
        "st": lambda: GumbelSoftmax(tau, straight_through=True),
    }
    return {k: recipes[k]() for k in keys}


def standard_estimators(value_model: nn.Module | None = None) -> dict:
    """The estimators the book compares, by display name (fresh baseline state each call): the
    `STANDARD_KEYS` of `estimator_menu`, the learned value only when `value_model` is given."""
    keys = [k for k in STANDARD_KEYS if k != "learned" or value_model is not None]
    return {e.name: e for e in estimator_menu(keys, value_model=value_model).values()}
