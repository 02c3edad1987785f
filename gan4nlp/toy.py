"""Tiny sequence problems solved exactly by enumeration: the ground truth of chapters 3-5, 9 and 13.

With a vocabulary of V tokens and length T (V^T at most a few thousand) we can list every
sequence, so the objective

    J(theta) = E_{Y ~ pi_theta}[R(Y)] = sum_Y p_theta(Y) R(Y)

its gradient (autograd through the exact sum), the state-visit probabilities mu(s) and the action
values q_pi(s, a) are all computed exactly. A state is a prefix Y_{1:t} (t = 0..T-1), an action
the next token. Every episode visits exactly T states, so the policy gradient theorem of
Sutton & Barto (2018, sec. 13.2) reads

    grad J = sum_s eta(s) sum_a q_pi(s, a) grad pi(a | s) = T * sum_s mu(s) sum_a q_pi(s, a) grad pi(a | s)

with eta(s) the probability of visiting s and mu(s) = eta(s) / T: the "proportional to" of the
notes is the constant T, the mean episode length.

Sequences are listed in lexicographic order (the first token most significant), so a
probability vector over all V^T sequences reshapes to (V^t, V^(T-t)): prefix by continuation.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from . import _checks
from .policy import Sample, relax
from .sampling import sample_categorical

MAX_SEQUENCES = 1 << 16


def all_sequences(vocab_size: int, length: int, device=None) -> torch.Tensor:
    """Every sequence of `length` tokens from `vocab_size`, lexicographic: (V^T, T) long."""
    _checks.positive_int("vocab_size", vocab_size)
    if length == 0:
        return torch.zeros(1, 0, dtype=torch.long, device=device)
    _checks.positive_int("length", length)
    if vocab_size ** length > MAX_SEQUENCES:
        raise ValueError(f"{vocab_size}^{length} sequences is too many to enumerate (max {MAX_SEQUENCES})")
    grids = torch.meshgrid(*[torch.arange(vocab_size, device=device)] * length, indexing="ij")
    return torch.stack([g.reshape(-1) for g in grids], dim=1)


def prefix_index(tokens: torch.Tensor, vocab_size: int) -> torch.Tensor:
    """Base-V value of each row, first token most significant: (N, t) -> (N,)."""
    powers = vocab_size ** torch.arange(tokens.shape[1] - 1, -1, -1, device=tokens.device)
    return (tokens * powers).sum(-1)


def state_index(tokens: torch.Tensor, vocab_size: int) -> torch.Tensor:
    """Number of the state (prefix Y_{1:t-1}) before each token: (N, T) long.

    States are numbered by length, then lexicographically: the empty prefix is 0, the V prefixes
    of length 1 are 1..V, and so on."""
    columns, value, offset = [], torch.zeros_like(tokens[:, 0]), 0
    for t in range(tokens.shape[1]):
        columns.append(offset + value)
        value = value * vocab_size + tokens[:, t]
        offset += vocab_size ** t
    return torch.stack(columns, 1)


def num_states(vocab_size: int, length: int) -> int:
    """Prefixes of length 0..T-1: sum_t V^t."""
    return sum(vocab_size ** t for t in range(length))


# ------------------------------------------------------------------------------------------------
class TabularPolicy(nn.Module):
    """A softmax policy with its own row of logits for every state (prefix): theta[s, a].

    The most expressive policy there is for a tiny problem: any distribution over sequences can be
    represented. Parameters: sum_{t<T} V^t states times V actions.
    """

    def __init__(self, vocab_size: int, length: int, init_std: float = 0.5, seed: int = 0,
                 dtype: torch.dtype = torch.float32):
        super().__init__()
        self.vocab_size = _checks.positive_int("vocab_size", vocab_size)
        self.length = _checks.positive_int("length", length)
        if vocab_size ** length > MAX_SEQUENCES:
            raise ValueError(f"{vocab_size}^{length} states is too many for a tabular policy")
        self.offsets = [sum(vocab_size ** k for k in range(t)) for t in range(length + 1)]
        g = torch.Generator().manual_seed(seed)
        self.logits = nn.Parameter(init_std * torch.randn(self.offsets[-1], vocab_size, generator=g, dtype=dtype))

    def state_index(self, tokens: torch.Tensor) -> torch.Tensor:
        """Row of theta for the state before each token: (N, T) long."""
        return state_index(tokens, self.vocab_size)

    def _check_length(self, length: int) -> int:
        length = _checks.positive_int("length", length)
        if length > self.length:
            raise ValueError(f"this tabular policy has states for length <= {self.length}, got {length}")
        return length

    def log_prob(self, tokens: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
        """log pi(y_t | Y_{1:t-1}) for every position: (N, T)."""
        tokens = _checks.token_batch(tokens, self.vocab_size)
        self._check_length(tokens.shape[1])
        temperature = _checks.positive_float("temperature", temperature)
        logits = self.logits[self.state_index(tokens)] / temperature          # (N, T, V)
        return torch.log_softmax(logits, -1).gather(-1, tokens.unsqueeze(-1)).squeeze(-1)

    def sample(self, batch: int, length: int | None = None, temperature: float = 1.0, *,
               generator: torch.Generator | None = None, method: str = "inverse_cdf") -> Sample:
        batch = _checks.positive_int("batch", batch)
        length = self._check_length(self.length if length is None else length)
        temperature = _checks.positive_float("temperature", temperature)
        tokens = torch.empty(batch, length, dtype=torch.long, device=self.logits.device)
        log_probs, value = [], torch.zeros(batch, dtype=torch.long, device=self.logits.device)
        for t in range(length):
            logits = self.logits[self.offsets[t] + value] / temperature      # (B, V)
            token = sample_categorical(logits.detach(), generator=generator, method=method)
            tokens[:, t] = token
            log_probs.append(torch.log_softmax(logits, -1).gather(-1, token.unsqueeze(-1)).squeeze(-1))
            value = value * self.vocab_size + token
        return Sample(tokens, torch.stack(log_probs, 1))

    def relaxed_sample(self, batch: int, length: int | None = None, tau: float = 1.0, *, hard: bool = False,
                       generator: torch.Generator | None = None, noise: torch.Tensor | None = None) -> torch.Tensor:
        """Gumbel-softmax sequence (B, T, V). A soft prefix is a mixture of prefixes: its weight
        vector w_t (B, V^t) is the outer product of the soft tokens so far, and the logits it reads
        are w_t @ theta[states of length t]. One-hot tokens give exactly the tabular policy."""
        batch = _checks.positive_int("batch", batch)
        length = self._check_length(self.length if length is None else length)
        tau = _checks.positive_float("tau", tau)
        w = self.logits.new_ones(batch, 1)                               # (B, V^0)
        ys = []
        for t in range(length):
            logits = w @ self.logits[self.offsets[t]: self.offsets[t + 1]]   # (B, V)
            y = relax(logits, tau, hard=hard, generator=generator,
                      noise=None if noise is None else noise[:, t])           # (B, V)
            ys.append(y)
            w = (w.unsqueeze(2) * y.unsqueeze(1)).reshape(batch, -1)          # (B, V^(t+1))
        return torch.stack(ys, 1)


class TabularValue(nn.Module):
    """A state-value table V(s) for every prefix, the learned baseline of chapter 5: (N, T) values."""

    def __init__(self, vocab_size: int, length: int):
        super().__init__()
        self.vocab_size = vocab_size
        self.values = nn.Parameter(torch.zeros(num_states(vocab_size, length)))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.values[state_index(tokens, self.vocab_size)]


# ------------------------------------------------------------------------------------------------
@dataclass
class ToyProblem:
    """Rewards for every prefix: ``step_rewards[t]`` (V^(t+1),) is r_{t+1}(Y_{1:t+1}).

    The return of a whole sequence is R(Y) = sum_t r_t; a problem whose reward comes only at the
    end (like a discriminator's verdict) has zeros everywhere but the last table.
    """

    vocab_size: int
    length: int
    step_rewards: list = field(repr=False)
    name: str = "custom"

    def __post_init__(self):
        _checks.positive_int("vocab_size", self.vocab_size)
        _checks.positive_int("length", self.length)
        if len(self.step_rewards) != self.length:
            raise ValueError(f"need {self.length} reward tables, got {len(self.step_rewards)}")
        for t, r in enumerate(self.step_rewards):
            if tuple(r.shape) != (self.vocab_size ** (t + 1),):
                raise ValueError(f"step_rewards[{t}] must have shape ({self.vocab_size ** (t + 1)},), got {tuple(r.shape)}")

    @classmethod
    def terminal(cls, vocab_size: int, length: int, table: torch.Tensor, name: str = "custom") -> "ToyProblem":
        """A problem with one reward at the end: ``table`` (V^T,) or shape [V]*T."""
        table = torch.as_tensor(table, dtype=torch.float64).reshape(-1)
        zeros = [torch.zeros(vocab_size ** (t + 1), dtype=torch.float64) for t in range(length - 1)]
        return cls(vocab_size, length, zeros + [table], name)

    @property
    def terminal_only(self) -> bool:
        return all(bool((r == 0).all()) for r in self.step_rewards[:-1])

    def rewards(self, tokens: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """Per-step rewards r_t for each sampled sequence: (N, T)."""
        tokens = _checks.token_batch(tokens, self.vocab_size)
        if tokens.shape[1] != self.length:
            raise ValueError(f"this problem scores sequences of length {self.length}, got {tokens.shape[1]}")
        out = [r.to(tokens.device)[prefix_index(tokens[:, : t + 1], self.vocab_size)]
               for t, r in enumerate(self.step_rewards)]
        return torch.stack(out, 1).to(dtype)

    def reward(self, tokens: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """Return of each whole sequence, R(Y) = sum_t r_t: (N,)."""
        return self.rewards(tokens, dtype).sum(-1)

    def relaxed_reward(self, soft: torch.Tensor) -> torch.Tensor:
        """The multilinear extension of R to soft one-hot sequences (N, T, V) -> (N,).

        Equal to R(Y) when every row is one-hot, differentiable everywhere: the reward a
        Gumbel-softmax estimator back-propagates through (chapter 9)."""
        n = soft.shape[0]
        w = torch.ones(n, 1, dtype=soft.dtype, device=soft.device)
        total = torch.zeros(n, dtype=soft.dtype, device=soft.device)
        for t, r in enumerate(self.step_rewards):
            w = (w.unsqueeze(2) * soft[:, t].unsqueeze(1)).reshape(n, -1)   # (N, V^(t+1))
            total = total + w @ r.to(soft)
        return total


def make_problem(kind: str = "count", vocab_size: int = 4, length: int = 4, *, offset: float = 0.0,
                 seed: int = 0) -> ToyProblem:
    """Ready-made tiny problems.

    - ``"count"``: R = fraction of tokens equal to 0 (a smooth, easy reward);
    - ``"target"``: R = 1 only for one target sequence (sparse: the hard case for REINFORCE);
    - ``"random"``: R ~ N(0, 1) independently for every sequence;
    - ``"per_step"``: r_t = 1 when y_t repeats y_{t-1} (a reward at every step, where
      reward-to-go helps).
    ``offset`` is added to the final reward: a large offset makes a baseline matter.
    """
    seqs = all_sequences(vocab_size, length)
    g = torch.Generator().manual_seed(seed)
    if kind == "per_step":
        tables = [torch.zeros(vocab_size, dtype=torch.float64)]
        for t in range(1, length):
            s = all_sequences(vocab_size, t + 1)
            tables.append((s[:, t] == s[:, t - 1]).double())
        tables[-1] = tables[-1] + offset
        return ToyProblem(vocab_size, length, tables, kind)
    if kind == "count":
        table = (seqs == 0).double().mean(-1)
    elif kind == "target":
        target = torch.randint(vocab_size, (length,), generator=g)
        table = (seqs == target).all(-1).double()
    elif kind == "random":
        table = torch.randn(len(seqs), generator=g, dtype=torch.float64)
    else:
        raise ValueError(f"unknown problem kind {kind!r}; choose count, target, random or per_step")
    return ToyProblem.terminal(vocab_size, length, table + offset, kind)


# ------------------------------------------------------------------------------------------------
# Exact quantities by enumeration. `policy` is anything with .log_prob(tokens) -> (N, T).

def flat(tensors) -> torch.Tensor:
    return torch.cat([t.reshape(-1) for t in tensors])


def sequence_probs(policy, problem: ToyProblem) -> torch.Tensor:
    """p_theta(Y) for every sequence, lexicographic: (V^T,), differentiable."""
    seqs = all_sequences(problem.vocab_size, problem.length, device=_device(policy))
    return policy.log_prob(seqs).sum(-1).exp()


def exact_objective(policy, problem: ToyProblem) -> torch.Tensor:
    """J(theta) = sum_Y p_theta(Y) R(Y), differentiable."""
    seqs = all_sequences(problem.vocab_size, problem.length, device=_device(policy))
    p = policy.log_prob(seqs).sum(-1).exp()
    return (p * problem.reward(seqs, p.dtype)).sum()


def exact_gradient(policy, problem: ToyProblem) -> torch.Tensor:
    """grad J by autograd through the exact sum: a flat vector over policy.parameters()."""
    params = [p for p in policy.parameters() if p.requires_grad]
    with torch.enable_grad():
        return flat(torch.autograd.grad(exact_objective(policy, problem), params, allow_unused=False))


def state_visits(policy, problem: ToyProblem) -> list[torch.Tensor]:
    """eta(s): probability that an episode passes through each prefix; entry t is (V^t,).

    mu(s) = eta(s) / T, since every episode visits T states."""
    with torch.no_grad():
        p = sequence_probs(policy, problem)
        v, t_len = problem.vocab_size, problem.length
        return [p.reshape(v ** t, -1).sum(-1) for t in range(t_len)]


def action_values(policy, problem: ToyProblem) -> list[torch.Tensor]:
    """q_pi(s, a) = E[G_t | S_t = s, A_t = a], the expected reward-to-go; entry t is (V^t, V)."""
    with torch.no_grad():
        seqs = all_sequences(problem.vocab_size, problem.length, device=_device(policy))
        p = policy.log_prob(seqs).sum(-1).exp()                              # (N,)
        returns = problem.rewards(seqs, p.dtype).flip(-1).cumsum(-1).flip(-1)   # (N, T): G_t
        v, out = problem.vocab_size, []
        for t in range(problem.length):
            num = (p * returns[:, t]).reshape(v ** (t + 1), -1).sum(-1)
            den = p.reshape(v ** (t + 1), -1).sum(-1)
            out.append((num / den).reshape(v ** t, v))
        return out


def action_probs(policy, problem: ToyProblem, t: int) -> torch.Tensor:
    """pi(a | s) for every prefix s of length t: (V^t, V), differentiable."""
    v = problem.vocab_size
    seqs = all_sequences(v, t + 1, device=_device(policy))
    return policy.log_prob(seqs)[:, t].exp().reshape(v ** t, v)


def policy_gradient_theorem(policy, problem: ToyProblem) -> torch.Tensor:
    """The theorem's sum, sum_s mu(s) sum_a q_pi(s, a) grad pi(a | s), as a flat vector.

    mu and q_pi are held fixed (they are numbers, not functions of theta, in the theorem);
    grad J equals this times T (see the module docstring)."""
    eta, q = state_visits(policy, problem), action_values(policy, problem)
    params = [p for p in policy.parameters() if p.requires_grad]
    with torch.enable_grad():
        total = 0.0
        for t in range(problem.length):
            pi = action_probs(policy, problem, t)                            # (V^t, V)
            mu = eta[t] / problem.length                                     # (V^t,)
            total = total + (mu.unsqueeze(1) * q[t].to(pi) * pi).sum()
        return flat(torch.autograd.grad(total, params))


def _device(policy):
    return next(policy.parameters()).device


def shifted_problem(problem: ToyProblem, offset: float) -> ToyProblem:
    """The same problem with ``offset`` added to the final reward: R(Y) + c for every sequence
    (chapter 5).

    The exact gradient does not change (sum_Y grad p(Y) c = c grad 1 = 0); the variance of
    REINFORCE without a baseline does."""
    if offset == 0:
        return problem
    tables = list(problem.step_rewards)
    tables[-1] = tables[-1] + offset
    return ToyProblem(problem.vocab_size, problem.length, tables, problem.name)
