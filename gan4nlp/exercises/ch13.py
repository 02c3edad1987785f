"""Chapter 13 (from SeqGAN to RLOO and GRPO): code-checked exercises.

`check_pairwise_advantage` compares a learner's effective reward a(r) = E[A_1 | R_1 = r] of GRPO
with groups of K = 2 against `estimators.expected_advantage`, which sums over every possible
partner exactly. `check_binary_scale` does the same for a 0/1 reward (a verifier), where GRPO's
expected gradient is exactly c times the true one: c = a(1) - a(0).
"""
from __future__ import annotations

import torch

from . import check_number
from ..estimators import GroupNormalized, expected_advantage, return_distribution

LIBRARY_GIVES = {"en": "the exact value is {exact:.4f}", "th": "ค่าที่แท้จริงคือ {exact:.4f}"}


def pairwise_advantage(policy, problem, value: float, eps: float = 1e-4) -> float:
    """GRPO's effective reward a(value) for groups of two, under ``policy``: the mean advantage of
    a completion whose return is ``value`` when its partner is drawn from the policy."""
    values, probs, _ = return_distribution(policy, problem)
    matches = (values - value).abs() < 1e-9
    if not bool(matches.any()):
        raise ValueError(f"no sequence of this problem has return {value!r}; returns are {values.tolist()}")
    return float(expected_advantage(GroupNormalized(eps), values, probs, 2)[matches][0])


def check_pairwise_advantage(answer, policy, problem, value: float, lang: str = "en", tol: float = 2e-3) -> bool:
    """Exercise 1: a(value) = E[A_1 | R_1 = value] of GRPO with K = 2 on ``problem``."""
    hint = {"en": "with two completions the advantage is +1/sqrt(2) for the better one, -1/sqrt(2) for the worse, 0 for a tie.",
            "th": "เมื่อมีสองคำตอบ advantage ของตัวที่ดีกว่าคือ +1/sqrt(2) ตัวที่แย่กว่าคือ -1/sqrt(2) และเสมอกันได้ 0"}
    return check_number(answer, pairwise_advantage(policy, problem, value), tol, lang, LIBRARY_GIVES, hint)


def binary_scale(p: float, group_size: int, eps: float = 1e-4) -> float:
    """c = a(1) - a(0) for a 0/1 reward with success probability p and groups of K: GRPO's
    expected gradient on such a prompt is exactly c times the policy gradient."""
    p = float(p)
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must lie strictly between 0 and 1, got {p!r}")
    values = torch.tensor([0.0, 1.0], dtype=torch.float64)
    probs = torch.tensor([1.0 - p, p], dtype=torch.float64)
    a = expected_advantage(GroupNormalized(eps), values, probs, group_size)
    return float(a[1] - a[0])


def check_binary_scale(answer, p: float = 0.25, group_size: int = 4, lang: str = "en", tol: float = 2e-3) -> bool:
    """Exercise 2: the factor by which GRPO scales the gradient of a prompt with a 0/1 reward."""
    hint = {"en": "condition on the number m of successes among the other K-1 completions (binomial), "
                  "compute A_1 for R_1 = 1 and R_1 = 0, average, and subtract.",
            "th": "แยกกรณีตามจำนวนคำตอบที่ถูก m ในอีก K-1 คำตอบ (ทวินาม) คำนวณ A_1 เมื่อ R_1 = 1 และ R_1 = 0 "
                  "หาค่าเฉลี่ยแล้วลบกัน"}
    return check_number(answer, binary_scale(p, group_size), tol, lang, LIBRARY_GIVES, hint)
