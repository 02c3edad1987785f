"""Chapter 9 (the Gumbel-softmax road): code-checked exercises.

Both use the three-token bandit of chapters 4 and 5 (`ch04.bandit`: logits theta = (0, 0.5, 1),
rewards r = (1, 0, 2), one token per sentence).

`check_max_probability` compares a learner's P(max_j (theta_j + G_j) <= x), G_j i.i.d. Gumbel(0, 1),
with the exact value exp(-Z e^{-x}), Z = sum_j e^{theta_j} (the maximum of Gumbel-perturbed logits
is itself Gumbel, with location ln Z). `check_relaxed_objective` compares a learner's relaxed
objective J_tau = E[r . softmax((theta + G) / tau)] with the library's value: the mean relaxed
reward (`ToyProblem.relaxed_reward`) of a million Gumbel-softmax samples (`relaxed_sample`).
"""
from __future__ import annotations

import functools
import math

import torch

from . import check_number
from .._checks import positive_float, positive_int
from .ch04 import BANDIT_LOGITS, bandit

EXACT_IS = {"en": "the exact value is {exact:.4f}", "th": "ค่าที่แท้จริงคือ {exact:.4f}"}
LIBRARY_GIVES = {"en": "the library gives {exact:.4f}", "th": "ไลบรารีคำนวณได้ {exact:.4f}"}


def max_probability(x: float, logits=BANDIT_LOGITS) -> float:
    """P(max_j (logits_j + G_j) <= x) = prod_j F(x - logits_j) = exp(-sum_j e^{logits_j - x}),
    with F(g) = exp(-e^{-g}) the Gumbel(0, 1) CDF and the G_j independent."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"x must be a finite number, got {x!r}")
    return math.exp(-sum(math.exp(l - x) for l in logits))


def check_max_probability(answer, x: float = 2.0, lang: str = "en", tol: float = 0.01) -> bool:
    """Exercise 1: P(max_j (theta_j + G_j) <= x) for the bandit's logits. The default tolerance
    accepts a Monte Carlo answer from 100,000 draws as well as the exact one."""
    hint = {"en": "the maximum is <= x exactly when every theta_j + G_j is; the G_j are independent.",
            "th": "ค่ามากสุดไม่เกิน x ก็ต่อเมื่อ theta_j + G_j ทุกตัวไม่เกิน x และ G_j เป็นอิสระต่อกัน"}
    return check_number(answer, max_probability(x), tol, lang, EXACT_IS, hint)


def relaxed_objective(tau: float, num_samples: int = 1_000_000, seed: int = 0) -> float:
    """J_tau for the bandit: the mean relaxed reward r . y of `num_samples` Gumbel-softmax
    samples y = softmax((theta + g) / tau), in float64 (standard error below 0.001). Cached: the
    same arguments give the same number without recomputing."""
    return _relaxed_objective(positive_float("tau", tau), positive_int("num_samples", num_samples), int(seed))


@functools.lru_cache(maxsize=32)
def _relaxed_objective(tau: float, num_samples: int, seed: int) -> float:
    policy, problem = bandit()
    with torch.no_grad():
        soft = policy.relaxed_sample(num_samples, 1, tau, generator=torch.Generator().manual_seed(seed))  # (M, 1, 3)
        return problem.relaxed_reward(soft).mean().item()


def check_relaxed_objective(answer, tau: float = 0.7, lang: str = "en", tol: float = 0.01) -> bool:
    """Exercise 2: the bandit's relaxed objective J_tau = E[r . y_tau] at temperature `tau`. The
    default tolerance accepts a Monte Carlo answer from 100,000 draws."""
    hint = {"en": "average r . softmax((theta + g) / tau) over many Gumbel draws g; it is not r . softmax(theta).",
            "th": "เฉลี่ย r . softmax((theta + g) / tau) จากการสุ่ม g แบบ Gumbel หลาย ๆ ครั้ง ซึ่งไม่เท่ากับ r . softmax(theta)"}
    return check_number(answer, relaxed_objective(tau), tol, lang, LIBRARY_GIVES, hint)
