"""Chapter 11 (evaluating text GANs): code-checked exercises.

`check_nll_oracle` compares a learner's NLL-oracle of a tabular generator at some temperature
with its exact value, summed over every sequence (`toy.all_sequences`). `check_matched_quality`
compares a learner's reading of a temperature curve, the quality maximum likelihood reaches at
a given diversity (the comparison of Caccia et al. 2020), with linear interpolation between the
curve's points.
"""
from __future__ import annotations

import torch

from . import as_number, check_number, not_a_number, verdict
from ..toy import all_sequences


@torch.no_grad()
def exact_nll_oracle(generator, oracle, temperature: float = 1.0) -> float:
    """E_{Y ~ G_tau}[-log O(Y)] / T: the oracle's NLL per token of the generator's samples at
    `temperature`, exactly, by summing over every sequence (tabular policies of the same size)."""
    if generator.vocab_size != oracle.vocab_size or generator.length != oracle.length:
        raise ValueError("generator and oracle must have the same vocabulary size and length")
    seqs = all_sequences(generator.vocab_size, generator.length)                     # (V^T, T)
    p_gen = generator.log_prob(seqs, temperature).sum(1).double().exp()             # (V^T,) G_tau(Y)
    log_oracle = oracle.log_prob(seqs).sum(1).double()                              # (V^T,) log O(Y)
    return -(p_gen * log_oracle).sum().item() / generator.length


def check_nll_oracle(answer, generator, oracle, temperature: float, lang: str = "en", tol: float = 0.02) -> bool:
    """Exercise 1: NLL-oracle per token of `generator` sampled at `temperature`. The tolerance
    accepts an exact sum and a Monte Carlo average of some ten thousand samples."""
    exact = exact_nll_oracle(generator, oracle, temperature)
    return check_number(answer, exact, tol, lang,
                        ok={"en": "the exact value is {exact:.4f}", "th": "ค่าที่แท้จริงคือ {exact:.4f}"},
                        hint={"en": "sample from the generator at that temperature, score the samples with "
                                    "the oracle at temperature 1, and divide by the number of tokens.",
                              "th": "สุ่มจาก generator ที่ temperature นั้น ให้ oracle ให้คะแนนที่ temperature 1 "
                                    "แล้วหารด้วยจำนวน token"})


def interpolate(x: float, xs, ys) -> float:
    """Linear interpolation of the curve (xs, ys) at x; xs need not be sorted, x must lie inside."""
    pairs = sorted(zip(map(float, xs), map(float, ys)))
    if len(pairs) < 2:
        raise ValueError("a curve needs at least two points")
    if not pairs[0][0] <= x <= pairs[-1][0]:
        raise ValueError(f"{x} lies outside the curve's range [{pairs[0][0]}, {pairs[-1][0]}]")
    for (x0, y0), (x1, y1) in zip(pairs, pairs[1:]):
        if x0 <= x <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    raise AssertionError("unreachable")


def check_matched_quality(answer, diversity, quality, target: float, lang: str = "en", tol: float = 0.01) -> bool:
    """Exercise 2: the quality on the temperature curve (points `diversity`, `quality`) at the
    diversity `target` of another model, by linear interpolation between neighbouring points."""
    value = as_number(answer)
    if value is None:
        return not_a_number(lang)
    exact = interpolate(float(target), diversity, quality)
    if abs(value - exact) <= tol:
        detail = {"en": f"{exact:.3f}, read off the curve between its two neighbouring points",
                  "th": f"{exact:.3f} อ่านจากเส้นโค้งระหว่างสองจุดที่อยู่ติดกัน"}
        return verdict(True, detail.get(lang, detail["en"]), lang)
    detail = {"en": f"off by {abs(value - exact):.3g}. Hint: find the two temperatures whose diversity brackets "
                    "the target, and interpolate the quality linearly between them.",
              "th": f"ต่างจากค่าจริง {abs(value - exact):.3g} คำใบ้: หาสอง temperature ที่ความหลากหลายคร่อมค่าเป้าหมาย "
                    "แล้วประมาณคุณภาพเชิงเส้นระหว่างสองจุดนั้น"}
    return verdict(False, detail.get(lang, detail["en"]), lang)
