"""Chapter 5 (baselines and variance): code-checked exercises.

`check_batch_mean_factor` measures, with the library's estimators on the same samples, how much
the batch-mean baseline (which includes the sample itself) shrinks the leave-one-out estimate.
`check_optimal_baseline` uses chapter 4's bandit (`ch04.bandit`) and computes the best constant
baseline exactly, by enumerating its three actions.
"""
from __future__ import annotations

import torch

from . import check_number, verdict
from .ch04 import bandit
from ..diagnostics import gradient_stats
from ..estimators import BatchMean, LeaveOneOut, Reinforce
from ..toy import TabularPolicy, make_problem


def batch_mean_factor(num_samples: int, repeats: int = 50, seed: int = 0) -> float:
    """(batch-mean estimate . leave-one-out estimate) / |leave-one-out estimate|^2 over the same
    samples: the factor by which including the sample itself in the baseline scales the gradient."""
    problem = make_problem("random", 3, 3, offset=2.0, seed=4)
    policy = TabularPolicy(3, 3, init_std=1.0, seed=1, dtype=torch.float64)
    loo = gradient_stats(Reinforce(LeaveOneOut()), policy, problem, num_samples, repeats, seed=seed).estimates
    mean = gradient_stats(Reinforce(BatchMean()), policy, problem, num_samples, repeats, seed=seed).estimates
    return float((mean * loo).sum() / (loo * loo).sum())


LIBRARY_GIVES = {"en": "the library gives {exact:.4f}", "th": "ไลบรารีคำนวณได้ {exact:.4f}"}


def check_batch_mean_factor(answer, num_samples: int = 5, lang: str = "en", tol: float = 1e-3) -> bool:
    """Exercise 1: the factor by which the batch-mean baseline scales the gradient, for N samples."""
    if not isinstance(num_samples, int) or num_samples < 2:
        raise ValueError(f"num_samples must be an integer >= 2, got {num_samples!r}")
    hint = {"en": "write the batch mean as R_i / N plus (N-1)/N times the mean of the others.",
            "th": "เขียนค่าเฉลี่ยทั้งชุดเป็น R_i / N บวก (N-1)/N คูณค่าเฉลี่ยของตัวอื่น"}
    return check_number(answer, batch_mean_factor(num_samples), tol, lang, LIBRARY_GIVES, hint)


def optimal_constant_baseline() -> float:
    """The constant b minimising the total variance of (r_A - b) grad ln pi(A) for the bandit:
    b* = E[r_A |grad ln pi(A)|^2] / E[|grad ln pi(A)|^2], by enumerating the actions."""
    policy, problem = bandit()
    actions = torch.arange(3).reshape(3, 1)
    log_prob = policy.log_prob(actions)[:, 0]                                # (3,)
    probs = log_prob.exp().detach()
    rewards = problem.reward(actions, torch.float64)
    sq = torch.stack([torch.autograd.grad(log_prob[a], [policy.logits], retain_graph=True)[0].pow(2).sum()
                      for a in range(3)])
    return float((probs * rewards * sq).sum() / (probs * sq).sum())


def check_optimal_baseline(answer, lang: str = "en", tol: float = 1e-3) -> bool:
    """Exercise 2: the variance-minimising constant baseline b* of chapter 4's bandit."""
    hint = {"en": "expand E[(r_A - b)^2 |g_A|^2] in b and set the derivative to zero; g_a = onehot(a) - pi.",
            "th": "กระจาย E[(r_A - b)^2 |g_A|^2] เป็นพหุนามของ b แล้วตั้งอนุพันธ์เท่ากับศูนย์ โดย g_a = onehot(a) - pi"}
    return check_number(answer, optimal_constant_baseline(), tol, lang, LIBRARY_GIVES, hint)
