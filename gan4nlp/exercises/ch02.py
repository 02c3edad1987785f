"""Code-checked exercises of chapter 2, "Text generation as reinforcement learning".

    from gan4nlp.exercises import ch02
    ch02.check_sequence_probability(my_probability, gen, [1, 3, 5, 0, 6], lang="th")
    ch02.check_temperature(my_probs, logits=[2.0, 1.0, 0.0], temperature=0.5, lang="th")
    ch02.check_num_states(my_count, vocab_size=8, length=5, lang="th")
"""
from __future__ import annotations

import torch

from . import as_number, localized, not_a_number, verdict
from ..toy import num_states

_TEXT = {
    "en": {
        "prob_ok": "p(Y) = {want:.6g}, the exponential of the summed log_prob",
        "prob_wrong": "p(Y) = {want:.6g} (exp of gen.log_prob summed over the tokens), you gave {have:.6g}",
        "temp_shape": "expected {v} probabilities, got shape {got}",
        "temp_ok": "softmax(z / {tau:g}) = {want}",
        "temp_wrong": "softmax(z / {tau:g}) = {want}, you gave {have}",
        "states_ok": "{want} states: the prefixes of length 0 to {last}",
        "states_wrong": "not {have}: count the prefixes of every length 0 to {last}",
    },
    "th": {
        "prob_ok": "p(Y) = {want:.6g} เท่ากับ exp ของผลรวม log_prob",
        "prob_wrong": "p(Y) = {want:.6g} (exp ของผลรวม gen.log_prob ทุก token) แต่คำตอบคือ {have:.6g}",
        "temp_shape": "ต้องมีความน่าจะเป็น {v} ค่า แต่ได้ขนาด {got}",
        "temp_ok": "softmax(z / {tau:g}) = {want}",
        "temp_wrong": "softmax(z / {tau:g}) = {want} แต่คำตอบคือ {have}",
        "states_ok": "มี {want} state คือ prefix ที่ยาว 0 ถึง {last} token",
        "states_wrong": "ไม่ใช่ {have} ลองนับ prefix ทุกความยาวตั้งแต่ 0 ถึง {last}",
    },
}


def _fmt(t: torch.Tensor) -> str:
    return "[" + ", ".join(f"{v:.4f}" for v in t.tolist()) + "]"


def check_sequence_probability(answer, policy, tokens, lang: str = "en", rtol: float = 1e-4) -> bool:
    """Checks p(Y) of one sequence ``tokens`` (T,) under ``policy`` (a `Generator` or anything
    with ``log_prob``) against exp(sum_t log pi(y_t | Y_{1:t-1}))."""
    text = localized(_TEXT, lang)
    tokens = torch.as_tensor(tokens, dtype=torch.long).reshape(1, -1)
    with torch.no_grad():
        want = policy.log_prob(tokens).double().sum().exp().item()
    have = as_number(answer)
    if have is None:
        return not_a_number(lang)
    ok = abs(have - want) <= rtol * abs(want) + 1e-30
    return verdict(ok, text["prob_ok" if ok else "prob_wrong"].format(want=want, have=have), lang)


def check_temperature(answer, logits, temperature: float, lang: str = "en", atol: float = 1e-4) -> bool:
    """Checks the distribution softmax(logits / temperature) given as ``answer`` (V,)."""
    text = localized(_TEXT, lang)
    z = torch.as_tensor(logits, dtype=torch.float64).reshape(-1)
    want = torch.softmax(z / temperature, dim=-1)
    ans = torch.as_tensor(answer.detach() if isinstance(answer, torch.Tensor) else answer, dtype=torch.float64)
    if ans.shape != want.shape:
        return verdict(False, text["temp_shape"].format(v=want.numel(), got=tuple(ans.shape)), lang)
    ok = bool((ans - want).abs().max() <= atol)
    key = "temp_ok" if ok else "temp_wrong"
    return verdict(ok, text[key].format(tau=temperature, want=_fmt(want), have=_fmt(ans)), lang)


def check_num_states(answer, vocab_size: int, length: int, lang: str = "en") -> bool:
    """Checks the number of states (prefixes of length 0..T-1) of sequences of ``length`` tokens
    from ``vocab_size`` tokens, against `gan4nlp.toy.num_states`."""
    text = localized(_TEXT, lang)
    want = num_states(vocab_size, length)
    have = as_number(answer)
    if have is None:
        return not_a_number(lang)
    ok = have == want
    return verdict(ok, text["states_ok" if ok else "states_wrong"].format(want=want, have=answer, last=length - 1), lang)
