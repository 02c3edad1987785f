"""The objectives behind SeqGAN and RLHF, computed exactly on enumerable toys (chapters 8 and 13).

Chapter 8: with the logit of the *optimal* discriminator as the reward,

    D*(Y) = p_data(Y) / (p_data(Y) + p_G(Y)),      r(Y) = logit D*(Y) = ln p_data(Y) - ln p_G(Y),

REINFORCE with the generator's own samples and the reward held fixed follows, on average,

    E_{Y~p_G}[ r(Y) grad ln p_G(Y) ] = grad( -KL(p_G || p_data) ),

the gradient of the *reverse* KL: mode-seeking, the opposite of maximum likelihood, which minimises
KL(p_data || p_G). `reinforce_expectation` computes the left side and `reverse_kl` the right side
by listing every sequence; tests/test_kl_theory.py checks that they agree.

Chapter 13: RLHF maximises E_pi[r] - beta KL(pi || pi_ref). Its maximiser is

    pi*(Y) = pi_ref(Y) exp(r(Y) / beta) / Z,      Z = sum_Y pi_ref(Y) exp(r(Y) / beta),

because E_pi[r] - beta KL(pi || pi_ref) = beta ln Z - beta KL(pi || pi*) (Rafailov et al. 2023,
eq. 4; Korbak et al. 2022). `kl_regularised_optimum` builds pi*, `policy_from_distribution` writes
any distribution over sequences into a `TabularPolicy`, so the gradient at pi* can be checked to
be zero. With beta = 1 and r = ln p_data - ln pi_ref the optimum is p_data itself: RLHF's objective
is a reverse KL to a *fixed* target, SeqGAN's (with a perfect discriminator) to a target whose
reward moves with the generator.

`FactorisedPolicy` (every position independent) cannot represent a correlated p_data; fitting it
by forward KL (maximum likelihood) and by reverse KL shows what "mode-seeking" does to entropy.

References: Goodfellow et al. (2014), prop. 1 (the optimal discriminator); Yu et al. (2017);
Nowozin et al. (2016), f-GAN; Husz\u00e1r (2015), "How (not) to train your generative model";
Ziegler et al. (2019); Korbak, Perez & Buckley (2022), "RL with KL penalties is better viewed as
Bayesian inference"; Rafailov et al. (2023), DPO, appendix A.1.
"""
from __future__ import annotations

import torch
from torch import nn

from . import _checks
from .toy import all_sequences, flat

__all__ = ["sequence_log_probs", "kl", "entropy", "optimal_discriminator", "logit_reward",
           "reverse_kl", "reinforce_expectation", "kl_regularised_objective", "kl_regularised_optimum",
           "policy_from_distribution", "FactorisedPolicy", "fit"]


def _params(policy):
    return [p for p in policy.parameters() if p.requires_grad]


def sequence_log_probs(policy, vocab_size: int, length: int) -> torch.Tensor:
    """ln p(Y) for every sequence, lexicographic: (V^T,), differentiable."""
    seqs = all_sequences(vocab_size, length, device=next(policy.parameters()).device)
    return policy.log_prob(seqs).sum(-1)


def _check_log_probs(name: str, log_p: torch.Tensor) -> torch.Tensor:
    log_p = torch.as_tensor(log_p)
    if log_p.dim() != 1:
        raise ValueError(f"{name} must be a vector of log-probabilities over all sequences, got shape {tuple(log_p.shape)}")
    total = float(torch.logsumexp(log_p.detach().double(), 0))
    if abs(total) > 1e-6:
        raise ValueError(f"{name} must sum to 1 as probabilities (its log-sum-exp is {total:.3g}, not 0)")
    return log_p


def kl(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
    """KL(p || q) = sum_Y p(Y) (ln p(Y) - ln q(Y)) for two log-probability vectors (same length)."""
    log_p, log_q = _check_log_probs("log_p", log_p), _check_log_probs("log_q", log_q)
    if log_p.shape != log_q.shape:
        raise ValueError(f"log_p and log_q must have the same shape, got {tuple(log_p.shape)} and {tuple(log_q.shape)}")
    return (log_p.exp() * (log_p - log_q)).sum()


def entropy(log_p: torch.Tensor) -> torch.Tensor:
    """H(p) = -sum_Y p(Y) ln p(Y)."""
    log_p = _check_log_probs("log_p", log_p)
    return -(log_p.exp() * log_p).sum()


def optimal_discriminator(log_p_data: torch.Tensor, log_p_g: torch.Tensor) -> torch.Tensor:
    """D*(Y) = p_data / (p_data + p_G), the best discriminator for a fixed generator (Goodfellow et al. 2014)."""
    return torch.sigmoid(logit_reward(log_p_data, log_p_g))


def logit_reward(log_p_data: torch.Tensor, log_p_g: torch.Tensor) -> torch.Tensor:
    """logit D*(Y) = ln p_data(Y) - ln p_G(Y), detached: the reward held fixed during a generator step."""
    return (torch.as_tensor(log_p_data) - torch.as_tensor(log_p_g)).detach()


def reverse_kl(policy, log_p_data: torch.Tensor, vocab_size: int, length: int) -> torch.Tensor:
    """KL(p_G || p_data), differentiable in the policy's parameters."""
    log_p_g = sequence_log_probs(policy, vocab_size, length)
    return kl(log_p_g, log_p_data.to(log_p_g))


def reinforce_expectation(policy, reward: torch.Tensor, vocab_size: int, length: int) -> torch.Tensor:
    """E_{Y~p_G}[ r(Y) grad ln p_G(Y) ] exactly, r held fixed: a flat vector over the parameters.

    What REINFORCE with the generator's own samples follows on average (chapter 4)."""
    reward = torch.as_tensor(reward).detach()
    with torch.enable_grad():
        log_p = sequence_log_probs(policy, vocab_size, length)
        if reward.shape != log_p.shape:
            raise ValueError(f"reward must have one value per sequence, shape {tuple(log_p.shape)}, got {tuple(reward.shape)}")
        surrogate = (log_p.exp().detach() * log_p * reward.to(log_p)).sum()       # sum_Y p(Y) r(Y) ln p(Y), p fixed
        return flat(torch.autograd.grad(surrogate, _params(policy)))


def kl_regularised_objective(log_pi: torch.Tensor, reward: torch.Tensor, log_pi_ref: torch.Tensor,
                             beta: float) -> torch.Tensor:
    """E_pi[r] - beta KL(pi || pi_ref), exactly (differentiable in log_pi)."""
    beta = _checks.positive_float("beta", beta)
    reward = torch.as_tensor(reward).to(log_pi)
    return (log_pi.exp() * reward).sum() - beta * kl(log_pi, log_pi_ref.to(log_pi))


def kl_regularised_optimum(reward: torch.Tensor, log_pi_ref: torch.Tensor, beta: float) -> tuple[torch.Tensor, float]:
    """(ln pi*, ln Z) with pi* = pi_ref exp(r / beta) / Z, the maximiser of E[r] - beta KL(pi || pi_ref).

    The maximum itself is beta ln Z."""
    beta = _checks.positive_float("beta", beta)
    log_pi_ref = _check_log_probs("log_pi_ref", log_pi_ref)
    reward = torch.as_tensor(reward).to(log_pi_ref)
    if reward.shape != log_pi_ref.shape:
        raise ValueError(f"reward must have the shape of log_pi_ref {tuple(log_pi_ref.shape)}, got {tuple(reward.shape)}")
    unnormalised = log_pi_ref + reward / beta
    log_z = torch.logsumexp(unnormalised, 0)
    return unnormalised - log_z, float(log_z)


def policy_from_distribution(policy, log_p: torch.Tensor):
    """Writes the distribution ln p over all V^T sequences into a `TabularPolicy` (in place) and
    returns it: each state's logits become ln p(y_t | Y_{1:t-1}), the conditional of p.
    A prefix that p never reaches gets uniform logits."""
    v, t_len = policy.vocab_size, policy.length
    log_p = _check_log_probs("log_p", log_p).detach().to(policy.logits)
    if log_p.numel() != v ** t_len:
        raise ValueError(f"log_p must have {v ** t_len} entries (V^T), got {log_p.numel()}")
    with torch.no_grad():
        for t in range(t_len):
            block = log_p.reshape(v ** (t + 1), -1)                                # (V^(t+1), V^(T-t-1))
            log_prefix = torch.logsumexp(block, 1).reshape(v ** t, v)              # ln p(Y_{1:t}, y_{t+1})
            conditional = log_prefix - torch.logsumexp(log_prefix, 1, keepdim=True)
            conditional = torch.nan_to_num(conditional, nan=0.0)                   # unreachable prefix: uniform
            policy.logits[policy.offsets[t]: policy.offsets[t + 1]] = conditional
    return policy


class FactorisedPolicy(nn.Module):
    """p(Y) = prod_t softmax(theta_t)[y_t]: each position independent of the others.

    Too simple for a correlated p_data, which is the point: the best fit then depends on which KL
    is minimised. ``log_prob(tokens)`` -> (N, T), like the other policies."""

    def __init__(self, vocab_size: int, length: int, init_std: float = 0.0, seed: int = 0,
                 dtype: torch.dtype = torch.float64):
        super().__init__()
        self.vocab_size = _checks.positive_int("vocab_size", vocab_size)
        self.length = _checks.positive_int("length", length)
        g = torch.Generator().manual_seed(seed)
        self.logits = nn.Parameter(init_std * torch.randn(length, vocab_size, generator=g, dtype=dtype))

    def log_prob(self, tokens: torch.Tensor) -> torch.Tensor:
        tokens = _checks.token_batch(tokens, self.vocab_size)
        log_p = torch.log_softmax(self.logits[: tokens.shape[1]], -1)              # (T, V)
        return log_p.gather(1, tokens.T).T                                         # (N, T)


def fit(policy, loss_fn, steps: int = 500, lr: float = 0.1):
    """Minimise ``loss_fn(policy)`` (an exact, enumerated loss) with Adam; returns the policy."""
    steps = _checks.positive_int("steps", steps)
    optimizer = torch.optim.Adam(_params(policy), lr=_checks.positive_float("lr", lr))
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(policy).backward()
        optimizer.step()
    return policy
