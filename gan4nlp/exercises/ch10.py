"""Chapter 10 (the continuous road, ARAE): code-checked exercises.

`check_wasserstein` compares a learner's Wasserstein-1 distance between two small 1-D samples
with `arae.wasserstein_1d` (sorting). `check_sentence_nll` compares -log p_psi(x | enc(x)) of one
sentence, summed over its words and its <eos>, with the teacher-forced decoder's value.
`check_midpoint_norm` compares the norm of the midpoint of the straight line between two unit
codes with its exact value cos(omega / 2), omega the angle between them, and says how much
shorter than a unit code the midpoint is (1 - cos(omega / 2); chapter 10's exercise 3 reads it).
"""
from __future__ import annotations

import math

import torch

from . import check_number
from .. import arae


def check_wasserstein(answer, x, y, lang: str = "en", tol: float = 1e-6) -> bool:
    """Exercise 1: W1 between the empirical distributions of the equal-size samples x and y."""
    exact = arae.wasserstein_1d(x, y)
    return check_number(answer, exact, tol, lang,
                        ok={"en": "W1 = {exact:.4f}", "th": "W1 = {exact:.4f}"},
                        hint={"en": "sort both samples and average the distances between the i-th smallest values.",
                              "th": "เรียงทั้งสองชุดจากน้อยไปมาก แล้วเฉลี่ยระยะห่างระหว่างค่าที่อยู่ลำดับเดียวกัน"})


@torch.no_grad()
def sentence_nll(model, ids: torch.Tensor) -> float:
    """-log p_psi(x | enc_phi(x)) of one sentence ids (T,): the sum over its words and first <eos>."""
    x = ids.reshape(1, -1)
    loss, _ = arae.reconstruction_loss(model, x)
    tokens = int(arae.token_mask(x).sum())
    return loss.item() * tokens


def check_sentence_nll(answer, model, ids: torch.Tensor, lang: str = "en", tol: float = 1e-3) -> bool:
    """Exercise 2: the reconstruction loss of one sentence as a sum over its tokens (nats)."""
    exact = sentence_nll(model, ids)
    return check_number(answer, exact, tol * max(1.0, abs(exact)), lang,
                        ok={"en": "-log p(x | c) = {exact:.4f} nats", "th": "-log p(x | c) = {exact:.4f} nat"},
                        hint={"en": "sum -log p over the positions up to and including the first <eos> "
                                    "(the library's loss is the mean over those positions).",
                              "th": "รวม -log p ทุกตำแหน่งจนถึง <eos> ตัวแรก (รวมตัวมันด้วย) ส่วน loss ของไลบรารีคือค่าเฉลี่ยของตำแหน่งเหล่านั้น"})


def check_midpoint_norm(answer, model, a: torch.Tensor, b: torch.Tensor, lang: str = "en", tol: float = 1e-4) -> bool:
    """Exercise 3: ||(c_a + c_b) / 2|| for the unit codes of sentences a and b; exact: cos(omega / 2)."""
    ca, cb = arae.encode(model, a)[0], arae.encode(model, b)[0]
    omega = math.acos(max(-1.0, min(1.0, (ca @ cb).item())))
    exact = math.cos(omega / 2)
    degrees, shorter = math.degrees(omega), 1 - exact       # how much shorter than a unit code the midpoint is
    return check_number(answer, exact, tol, lang,
                        ok={"en": f"cos(omega / 2) = {{exact:.4f}}: omega = {degrees:.1f} degrees, so the midpoint is "
                                  f"{shorter:.0%} shorter than a unit code",
                            "th": f"cos(omega / 2) = {{exact:.4f}}: omega = {degrees:.1f} องศา จุดกึ่งกลางจึงสั้นกว่ารหัสหนึ่งหน่วย "
                                  f"{shorter:.0%}"},
                        hint={"en": "||c_a + c_b||^2 = 2 + 2 cos(omega) for unit vectors; halve the norm.",
                              "th": "สำหรับเวกเตอร์หนึ่งหน่วย ||c_a + c_b||^2 = 2 + 2 cos(omega) แล้วหารขนาดด้วย 2"})
