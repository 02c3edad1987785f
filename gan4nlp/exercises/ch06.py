"""Chapter 6 (Monte Carlo rollouts): code-checked exercises.

`check_rollout_cost` counts, by running `rollout.rollout_rewards` with a counting reward
function, how many sequences the discriminator scores for one batch. `check_q_value` compares a
learner's Q(Y_{1:t-1}, y_t) with the exact expectation over every continuation
(`rollout.exact_rollout_values`). `check_variance_limit` compares a prediction of the rollout
estimator's variance floor (K -> infinity) with `toy.rollout_gradient_variance`.
"""
from __future__ import annotations

import torch

from . import as_number, check_number, verdict
from ..policy import Generator
from ..rollout import exact_rollout_values, rollout_rewards


def scored_sequences(batch: int, length: int, rollout_num: int) -> int:
    """How many sequences the reward function scores when `rollout_rewards` gives a reward to
    every token of `batch` sequences of `length` tokens with `rollout_num` rollouts per prefix."""
    count = [0]

    def reward_fn(tokens):
        count[0] += tokens.shape[0]
        return torch.zeros(tokens.shape[0])

    gen = Generator(3, embed_dim=4, hidden_dim=4)
    tokens = torch.zeros(batch, length, dtype=torch.long)
    rollout_rewards(gen, tokens, reward_fn, rollout_num, generator=torch.Generator().manual_seed(0))
    return count[0]


def check_rollout_cost(answer, batch: int = 64, length: int = 20, rollout_num: int = 16, lang: str = "en") -> bool:
    """Exercise 1: sequences scored by the discriminator for one batch (SeqGAN's sizes by default)."""
    exact = scored_sequences(batch, length, rollout_num)
    value = as_number(answer)
    if value is not None and value == exact:
        detail = {"en": f"{exact} sequences", "th": f"{exact} sequence"}
        return verdict(True, detail.get(lang, detail["en"]), lang)
    detail = {"en": "count the prefixes that need rollouts, the rollouts per prefix, and the finished sentences.",
              "th": "นับจำนวน prefix ที่ต้องทำ rollout จำนวน rollout ต่อ prefix และประโยคที่จบแล้ว"}
    return verdict(False, detail.get(lang, detail["en"]), lang)


def check_q_value(answer, policy, tokens: torch.Tensor, reward_fn, row: int, column: int, lang: str = "en",
                  tol: float = 0.03) -> bool:
    """Exercise 2: Q of token ``column`` (0-based) of sentence ``row`` of ``tokens``, i.e.
    E[D(Y) | Y_{1:column+1}] under ``policy``. The default tolerance accepts a Monte Carlo answer
    from a few thousand rollouts as well as an exact one."""
    exact = float(exact_rollout_values(policy, tokens[row: row + 1], reward_fn)[0, column])
    return check_number(answer, exact, tol, lang,
                        ok={"en": "the exact value is {exact:.4f}", "th": "ค่าที่แท้จริงคือ {exact:.4f}"},
                        hint={"en": "average D over many rollouts from that prefix.",
                              "th": "ลองเฉลี่ย D จาก rollout จำนวนมากที่เริ่มจาก prefix นั้น"})


def check_variance_limit(answer, policy, problem, baseline: bool = False, lang: str = "en",
                         rel_tol: float = 1e-6) -> bool:
    """Exercise 3: the total variance of the rollout estimator as K -> infinity (the exact-Q floor,
    `toy.rollout_gradient_variance`, with or without the state-value baseline), predicted from its
    values at K = 1 and K = 2."""
    from ..toy import rollout_gradient_variance

    exact = rollout_gradient_variance(policy, problem, [1], baseline=baseline)["floor"]
    return check_number(answer, exact, rel_tol * abs(exact), lang,
                        ok={"en": "the floor is {exact:.5f}", "th": "ค่าต่ำสุดที่เข้าใกล้คือ {exact:.5f}"},
                        hint={"en": "write Var_K = floor + part / K for K = 1 and K = 2 and solve for the floor.",
                              "th": "เขียน Var_K = floor + part / K สำหรับ K = 1 และ K = 2 แล้วแก้หา floor"})
