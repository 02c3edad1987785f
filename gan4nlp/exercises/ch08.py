"""Chapter 8 (SeqGAN end to end): code-checked exercises.

`check_discriminator_workload` compares a learner's count of the sequences the discriminator
trains on in one adversarial iteration with the count computed from a `SeqGANConfig` preset.
`check_bias_gradient` compares a learner's dJ/db_a (b = the generator's output-layer bias) with
the exact gradient of J(theta) = E[D(Y)], by enumerating every sequence of a tiny problem
(`toy.exact_objective`).
"""
from __future__ import annotations

import torch

from . import check_number
from ..seqgan import SeqGANConfig
from ..toy import exact_objective


def discriminator_workload(config: SeqGANConfig) -> int:
    """Sequences (counted once per epoch) the discriminator trains on in one adversarial iteration:
    ``d_steps`` rounds of ``num_negatives`` fresh generated sequences plus as many real ones (a
    balanced round, `gan_steps.train_discriminator`), each round trained for ``d_epochs`` epochs."""
    return config.d_steps * config.d_epochs * 2 * config.num_negatives


def check_discriminator_workload(answer, preset: str = "paper", lang: str = "en") -> bool:
    """Exercise 1: the discriminator's training sequences per adversarial iteration of a preset."""
    exact = discriminator_workload(SeqGANConfig.preset(preset))
    return check_number(answer, exact, 0, lang,
                        ok={"en": "{exact:,} sequences, against 64 sentences for the generator's step",
                            "th": "{exact:,} sequence เทียบกับ 64 ประโยคในการปรับ generator หนึ่งครั้ง"},
                        hint={"en": "count the rounds per iteration, the epochs per round, and the real plus "
                                    "generated sequences in one epoch.",
                              "th": "นับจำนวนรอบต่อหนึ่งรอบการฝึก จำนวน epoch ต่อรอบ "
                                    "และจำนวน sequence จริงรวมกับที่สร้างขึ้นในหนึ่ง epoch"})


def exact_bias_gradient(policy, problem, token: int) -> float:
    """dJ/db_token for the output-layer bias of a `Generator`, by enumeration."""
    if not 0 <= token < policy.vocab_size:
        raise ValueError(f"token must be in [0, {policy.vocab_size}), got {token!r}")
    with torch.enable_grad():
        grad, = torch.autograd.grad(exact_objective(policy, problem), [policy.out.bias])
    return float(grad[token])


def check_bias_gradient(answer, policy, problem, token: int, lang: str = "en", tol: float | None = None) -> bool:
    """Exercise 2: dJ/db_token, J = E[D(Y)] under ``policy`` on the tiny ``problem``.

    The default tolerance is 2% of the largest |dJ/db_a| (plus 1e-6): it accepts an answer from
    the exact tables, and rejects one that forgets the -G(a | prefix) term of the score."""
    exact = exact_bias_gradient(policy, problem, token)
    if tol is None:
        with torch.enable_grad():
            grad, = torch.autograd.grad(exact_objective(policy, problem), [policy.out.bias])
        tol = 0.02 * float(grad.abs().max()) + 1e-6
    return check_number(answer, exact, tol, lang,
                        ok={"en": "the exact value is {exact:.6f}", "th": "ค่าที่แท้จริงคือ {exact:.6f}"},
                        hint={"en": "the score of the bias is 1[y_t = a] - G(a | Y_{1:t-1}); weight it by "
                                    "p(Y) and Q at every position.",
                              "th": "score ของ bias คือ 1[y_t = a] - G(a | Y_{1:t-1}) ถ่วงด้วย p(Y) และ Q "
                                    "ที่ทุกตำแหน่ง"})
