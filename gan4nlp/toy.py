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


# ------------------------------------------------------------------------------------------------
# Chapter 6: how much do Monte Carlo rollouts lower the variance of the gradient? Exactly.

def step_scores(policy, problem: ToyProblem) -> torch.Tensor:
    """The score of every step of every sequence, s_t(Y) = grad ln pi(y_t | Y_{1:t-1}):
    (V^T, T, P), sequences in lexicographic order, P the flat parameter count.

    One autograd call per (sequence, step), so only for tiny problems (V^T up to a few hundred)."""
    seqs = all_sequences(problem.vocab_size, problem.length, device=_device(policy))
    params = [p for p in policy.parameters() if p.requires_grad]
    rows = []
    with torch.enable_grad():
        for y in seqs:
            log_pi = policy.log_prob(y.unsqueeze(0))[0]                          # (T,)
            rows.append(torch.stack([flat(torch.autograd.grad(log_pi[t], params, retain_graph=True))
                                     for t in range(problem.length)]))        # (T, P)
    return torch.stack(rows).detach()


def rollout_gradient_variance(policy, problem: ToyProblem, rollout_nums, *, baseline: bool = False,
                              scores: torch.Tensor | None = None) -> dict:
    """Exact total variance (trace of the covariance) of one-sentence policy-gradient estimates
    (chapter 6), by enumeration:

    - ``"reinforce"``: g = sum_t G_t s_t with G_t the reward-to-go of the sentence itself (for a
      reward at the end only, G_t = R(Y) at every step: chapter 4's estimator);
    - ``"rollouts"``: g_K = sum_t Q_K(t) s_t, where for t < T the reward of step t is r_t plus the
      mean of the rewards after t over K independent rollouts of the policy from Y_{1:t}, and for
      t = T it is r_T (SeqGAN's Q with the generator as rollout policy); one entry per K in
      `rollout_nums`;
    - ``"exact_q"``: the limit K -> infinity, g = sum_t q_pi(Y_{1:t-1}, y_t) s_t.

    With ``baseline=True`` every weight has the exact state value v_pi(Y_{1:t-1}) subtracted (the
    best state baseline of chapter 5, still unbiased): G_t - v, Q_K(t) - v, q_pi - v. ``scores``:
    `step_scores(policy, problem)`, when already computed (the slow part).

    Law of total variance, over the sentence Y and then the rollouts given Y: rollouts from
    different prefixes are independent and each Q_K(t) has mean q_pi(Y_{1:t-1}, y_t) and variance
    sigma_t^2(Y_{1:t}) / K given Y, so

        Var[g_K] = Var[g_exact_q] + (1/K) E_Y[ sum_{t<T} sigma_t^2(Y_{1:t}) |s_t|^2 ].

    Only the second term, the rollouts' own noise, falls like 1/K; the first, from drawing the
    sentence, stays. Returns a dict with those entries (floats; ``"rollouts"`` a list), plus
    ``"floor"`` (the first term), ``"rollout_part"`` (the expectation multiplying 1/K) and
    ``"grad_norm_sq"`` (|grad J|^2)."""
    ks = [_checks.positive_int("rollout_nums", k) for k in rollout_nums]
    if not ks:
        raise ValueError("rollout_nums must list at least one number of rollouts")
    v, t_len = problem.vocab_size, problem.length
    seqs = all_sequences(v, t_len, device=_device(policy))
    with torch.no_grad():
        p = policy.log_prob(seqs).sum(-1).exp().double()                          # (N,)
        rewards = problem.rewards(seqs, torch.float64)                            # (N, T): r_t
        to_go = rewards.flip(-1).cumsum(-1).flip(-1)                              # (N, T): G_t
        future = to_go - rewards                                                  # (N, T): rewards after t
        q = torch.empty_like(to_go)                                               # q_pi(Y_{1:t-1}, y_t)
        sigma2 = torch.zeros_like(to_go)                                          # Var[future | Y_{1:t}]
        for t in range(t_len):
            block = p.reshape(v ** (t + 1), -1)                                   # prefix by continuation
            w = block / block.sum(-1, keepdim=True)
            mean_f = (w * future[:, t].reshape(v ** (t + 1), -1)).sum(-1, keepdim=True)
            mean_f2 = (w * future[:, t].reshape(v ** (t + 1), -1) ** 2).sum(-1, keepdim=True)
            q[:, t] = rewards[:, t] + mean_f.expand_as(block).reshape(-1)
            sigma2[:, t] = (mean_f2 - mean_f ** 2).clamp_min(0).expand_as(block).reshape(-1)
        if baseline:                                                              # v_pi(Y_{1:t-1}) = E[G_t | Y_{1:t-1}]
            value = torch.stack([(p.reshape(v ** t, -1) * to_go[:, t].reshape(v ** t, -1)).sum(-1, keepdim=True)
                                 .div(p.reshape(v ** t, -1).sum(-1, keepdim=True))
                                 .expand(v ** t, v ** (t_len - t)).reshape(-1) for t in range(t_len)], 1)
            to_go, q = to_go - value, q - value
    if scores is None:
        scores = step_scores(policy, problem)
    if tuple(scores.shape[:2]) != (v ** t_len, t_len):
        raise ValueError(f"scores must be step_scores(policy, problem), shape ({v ** t_len}, {t_len}, P); "
                         f"got {tuple(scores.shape)}")
    scores = scores.double()                                                      # (N, T, P)
    grad = (p[:, None] * (q[:, :, None] * scores).sum(1)).sum(0)                  # grad J = E[sum_t q_t s_t]
    norm_sq = float(grad @ grad)

    def second_moment(weights):                                                   # E |sum_t w_t s_t|^2
        return float((p * ((weights[:, :, None] * scores).sum(1) ** 2).sum(-1)).sum())

    reinforce = second_moment(to_go) - norm_sq
    floor = second_moment(q) - norm_sq
    part = float((p * (sigma2 * (scores ** 2).sum(-1)).sum(-1)).sum())             # sigma2 is 0 at t = T
    return {"reinforce": reinforce, "exact_q": floor, "rollouts": [floor + part / k for k in ks],
            "rollout_nums": ks, "floor": floor, "rollout_part": part, "grad_norm_sq": norm_sq}


def hotelling_p_value(d2: float, dims: int, repeats: int) -> float:
    """P-value of Hotelling's test that the mean of `repeats` estimates equals the exact value,
    from ``d2, dims = GradientStats.bias_chi2()`` (chapters 4, 7, 8).

    With the covariance estimated from the same R estimates, d^2 is Hotelling's T^2:
    (R - k) / (k (R - 1)) d^2 has the F(k, R - k) distribution for normal estimates, and
    E[d^2 / k] = (R - 1) / (R - k - 2), about R / (R - k), not 1 (1.38 for k = 26, R = 100). For R
    much larger than k this tends to the chi-square test with k degrees of freedom (SciPy's F
    distribution gives the tail)."""
    k = _checks.positive_int("dims", dims)
    r = _checks.positive_int("repeats", repeats)
    if r <= k:
        raise ValueError(f"repeats must exceed dims for Hotelling's test, got repeats={r}, dims={k}")
    if not d2 >= 0:
        raise ValueError(f"d2 must be a non-negative number, got {d2}")
    f = (r - k) / (k * (r - 1)) * d2
    from scipy.stats import f as f_distribution

    return float(f_distribution.sf(f, k, r - k))                              # P(F(k, R - k) > f)


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
