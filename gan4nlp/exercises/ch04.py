"""Chapter 4 (REINFORCE): code-checked exercises.

The exercises use a one-step problem (a "bandit"): a vocabulary of three tokens, sentences of
length one, policy pi = softmax(theta) with the logits `BANDIT_LOGITS`, and the rewards
`BANDIT_REWARDS` of the three tokens. Every answer is compared with the library's exact value.
"""
from __future__ import annotations

import torch

from . import verdict
from ..estimators import Reinforce
from ..toy import TabularPolicy, ToyProblem, exact_gradient

BANDIT_LOGITS = (0.0, 0.5, 1.0)
BANDIT_REWARDS = (1.0, 0.0, 2.0)


def bandit():
    """The exercises' one-step problem: (policy, problem), in float64."""
    policy = TabularPolicy(3, 1, dtype=torch.float64)
    with torch.no_grad():
        policy.logits.copy_(torch.tensor([BANDIT_LOGITS], dtype=torch.float64))
    problem = ToyProblem.terminal(3, 1, torch.tensor(BANDIT_REWARDS, dtype=torch.float64), name="bandit")
    return policy, problem


def _vector(answer, size: int):
    try:
        vec = torch.as_tensor(answer, dtype=torch.float64).reshape(-1)
    except (TypeError, ValueError, RuntimeError):
        return None
    return vec if vec.numel() == size else None


def _compare(answer, exact: torch.Tensor, lang: str, tol: float, hint: dict) -> bool:
    vec = _vector(answer, exact.numel())
    if vec is None:
        detail = {"en": f"expected {exact.numel()} numbers", "th": f"ต้องเป็นตัวเลข {exact.numel()} ตัว"}
        return verdict(False, detail.get(lang, detail["en"]), lang)
    gap = float((vec - exact).abs().max())
    if gap <= tol:
        detail = {"en": "matches the exact value by enumeration", "th": "ตรงกับค่าที่คำนวณได้แม่นตรงจากการแจกแจงทุกกรณี"}
        return verdict(True, detail.get(lang, detail["en"]), lang)
    detail = {"en": f"off by up to {gap:.3g}. Hint: {hint['en']}", "th": f"ต่างจากค่าจริงได้ถึง {gap:.3g} คำใบ้: {hint['th']}"}
    return verdict(False, detail.get(lang, detail["en"]), lang)


def check_bandit_gradient(answer, lang: str = "en", tol: float = 1e-3) -> bool:
    """Exercise 1: the exact gradient dJ/dtheta (three numbers) of the bandit."""
    policy, problem = bandit()
    exact = exact_gradient(policy, problem)
    hint = {"en": "dJ/dtheta_b = pi_b (r_b - J), with J = sum_a pi_a r_a.",
            "th": "dJ/dtheta_b = pi_b (r_b - J) โดยที่ J = sum_a pi_a r_a"}
    return _compare(answer, exact, lang, tol, hint)


def single_sample_estimate(action: int) -> torch.Tensor:
    """The REINFORCE estimate from one episode of the bandit that drew ``action``: (3,)."""
    policy, problem = bandit()
    tokens = torch.tensor([[action]])
    advantage = problem.rewards(tokens, torch.float64)                     # G = R, no baseline
    out = Reinforce().objective(policy, problem, tokens, advantage)
    return torch.autograd.grad(out, [policy.logits])[0].reshape(-1)


def check_single_sample_estimate(answer, action: int = 2, lang: str = "en", tol: float = 1e-3) -> bool:
    """Exercise 2: the one-episode REINFORCE estimate G grad ln pi(A | theta) when the bandit
    draws ``action`` (three numbers)."""
    if action not in (0, 1, 2):
        raise ValueError(f"action must be 0, 1 or 2, got {action!r}")
    hint = {"en": "grad_theta ln pi(a) = onehot(a) - pi; multiply by the reward of a.",
            "th": "grad_theta ln pi(a) = onehot(a) - pi แล้วคูณด้วย reward ของ a"}
    return _compare(answer, single_sample_estimate(action).detach(), lang, tol, hint)
