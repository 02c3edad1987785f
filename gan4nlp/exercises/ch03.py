"""Code-checked exercises of chapter 3, "The policy gradient theorem".

    from gan4nlp.exercises import ch03
    ch03.check_action_value(my_q, policy, problem, prefix=[], action=0, lang="th")
    ch03.check_proportionality_constant(my_c, policy, problem, lang="th")
"""
from __future__ import annotations

import torch

from . import as_number, localized, not_a_number, verdict
from .. import toy

_TEXT = {
    "en": {
        "prefix": "the prefix must have 0 to {last} tokens, each in 0..{vmax}; got {prefix}",
        "q_ok": "q_pi(s, a) = {want:.6f} for s = {prefix}, a = {action}",
        "q_wrong": "q_pi(s, a) = {want:.6f} for s = {prefix}, a = {action}; you gave {have:.6f}",
        "c_ok": "grad J = {want:.6g} x (the theorem's sum), the mean episode length",
        "c_wrong": "grad J / (the theorem's sum) = {want:.6g}, you gave {have:.6g}",
    },
    "th": {
        "prefix": "prefix ต้องมี 0 ถึง {last} token แต่ละตัวอยู่ในช่วง 0..{vmax} แต่ได้ {prefix}",
        "q_ok": "q_pi(s, a) = {want:.6f} เมื่อ s = {prefix}, a = {action}",
        "q_wrong": "q_pi(s, a) = {want:.6f} เมื่อ s = {prefix}, a = {action} แต่คำตอบคือ {have:.6f}",
        "c_ok": "grad J = {want:.6g} x (ผลรวมในทฤษฎีบท) คือความยาวเฉลี่ยของ episode",
        "c_wrong": "grad J / (ผลรวมในทฤษฎีบท) = {want:.6g} แต่คำตอบคือ {have:.6g}",
    },
}


def action_value(policy, problem, prefix, action: int) -> float:
    """q_pi(s, a) for the state s = ``prefix`` (a list of token ids) and the next token ``action``."""
    t = len(prefix)
    q = toy.action_values(policy, problem)[t]                                  # (V^t, V)
    row = toy.prefix_index(torch.as_tensor(list(prefix), dtype=torch.long).reshape(1, t), problem.vocab_size)
    return q[int(row)][action].item()


def check_action_value(answer, policy, problem, prefix, action: int, lang: str = "en", atol: float = 1e-6) -> bool:
    """Checks q_pi(s, a), the expected return after token ``action`` in state ``prefix``, against
    `gan4nlp.toy.action_values` (exact, by enumeration)."""
    text = localized(_TEXT, lang)
    prefix = [int(a) for a in prefix]
    v = problem.vocab_size
    if len(prefix) >= problem.length or any(not 0 <= a < v for a in prefix + [int(action)]):
        return verdict(False, text["prefix"].format(last=problem.length - 1, vmax=v - 1, prefix=prefix), lang)
    want = action_value(policy, problem, prefix, int(action))
    have = as_number(answer)
    if have is None:
        return not_a_number(lang)
    ok = abs(have - want) <= atol
    return verdict(ok, text["q_ok" if ok else "q_wrong"].format(want=want, have=have, prefix=prefix, action=action), lang)


def proportionality_constant(policy, problem) -> float:
    """c with grad J = c * (sum_s mu(s) sum_a q_pi(s, a) grad pi(a | s)), by least squares."""
    exact = toy.exact_gradient(policy, problem).double()
    theorem = toy.policy_gradient_theorem(policy, problem).double()
    return (exact @ theorem / (theorem @ theorem)).item()


def check_proportionality_constant(answer, policy, problem, lang: str = "en", rtol: float = 1e-4) -> bool:
    """Checks the constant c in grad J = c * (the theorem's sum) against the ratio of the exact
    gradient (`toy.exact_gradient`) to `toy.policy_gradient_theorem`."""
    text = localized(_TEXT, lang)
    want = proportionality_constant(policy, problem)
    have = as_number(answer)
    if have is None:
        return not_a_number(lang)
    ok = abs(have - want) <= rtol * abs(want)
    return verdict(ok, text["c_ok" if ok else "c_wrong"].format(want=want, have=have), lang)
