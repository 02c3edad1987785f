"""Chapter 7 (the discriminator as reward): code-checked exercises.

All three use the chapter's tiny problem, where every sequence can be listed: a "real world"
p_data and a generator p_G, both tabular policies over V^T sequences.

- `check_optimal_discriminator`: D*(Y) = p_data(Y) / (p_data(Y) + p_G(Y)) for one sequence
  (Goodfellow et al. 2014, proposition 1);
- `check_optimal_accuracy`: the accuracy of D* on balanced real and generated sequences,
  sum_Y max(p_data(Y), p_G(Y)) / 2;
- `check_empirical_zeros`: how many of a finite sample's generated sequences the discriminator
  that minimises the *empirical* loss scores exactly 0 (those never seen among the real ones).
"""
from __future__ import annotations

import torch

from . import check_number
from ..toy import all_sequences, prefix_index

EXACT_IS = {"en": "the exact value is {exact:.6f}", "th": "ค่าที่แท้จริงคือ {exact:.6f}"}


def sequence_probs(policy, vocab_size: int, length: int) -> torch.Tensor:
    """p(Y) of every sequence of `length` tokens, in lexicographic order (`toy.all_sequences`): (V^T,)."""
    seqs = all_sequences(vocab_size, length)
    with torch.no_grad():
        return policy.log_prob(seqs).sum(-1).exp().double()


def _probs(data_policy, gen_policy):
    for name, p in (("data_policy", data_policy), ("gen_policy", gen_policy)):
        if not (hasattr(p, "log_prob") and hasattr(p, "vocab_size") and hasattr(p, "length")):
            raise ValueError(f"{name} must be a toy.TabularPolicy (log_prob, vocab_size, length), "
                             f"got {type(p).__name__}")
    if (data_policy.vocab_size, data_policy.length) != (gen_policy.vocab_size, gen_policy.length):
        raise ValueError(f"the two policies must share vocabulary and length, got (V, T) = "
                         f"{(data_policy.vocab_size, data_policy.length)} and "
                         f"{(gen_policy.vocab_size, gen_policy.length)}")
    v, t = data_policy.vocab_size, data_policy.length
    return sequence_probs(data_policy, v, t), sequence_probs(gen_policy, v, t), v, t


def optimal_discriminator(data_policy, gen_policy) -> torch.Tensor:
    """D*(Y) = p_data(Y) / (p_data(Y) + p_G(Y)) for every sequence, lexicographic: (V^T,)."""
    p_data, p_gen, _, _ = _probs(data_policy, gen_policy)
    return p_data / (p_data + p_gen)


def check_optimal_discriminator(answer, data_policy, gen_policy, sequence, lang: str = "en",
                                tol: float = 1e-6) -> bool:
    """Exercise 1: D*(Y) of one sequence (a tuple of token ids)."""
    d_star = optimal_discriminator(data_policy, gen_policy)
    v, t = data_policy.vocab_size, data_policy.length
    seq = torch.as_tensor(sequence, dtype=torch.long).reshape(1, -1)
    if seq.shape[1] != t or bool((seq < 0).any()) or bool((seq >= v).any()):
        raise ValueError(f"sequence must be {t} token ids in [0, {v}), got {sequence!r}")
    exact = float(d_star[prefix_index(seq, v)])
    hint = {"en": "set the derivative of p_data log D + p_G log(1 - D) with respect to D to zero.",
            "th": "ตั้งอนุพันธ์ของ p_data log D + p_G log(1 - D) เทียบกับ D ให้เท่ากับศูนย์"}
    return check_number(answer, exact, tol, lang, EXACT_IS, hint)


def optimal_accuracy(data_policy, gen_policy) -> float:
    """Accuracy of D* on equally many real and generated sequences: 1/2 sum_Y max(p_data, p_G)."""
    p_data, p_gen, _, _ = _probs(data_policy, gen_policy)
    return float(torch.maximum(p_data, p_gen).sum() / 2)


def check_optimal_accuracy(answer, data_policy, gen_policy, lang: str = "en", tol: float = 1e-6) -> bool:
    """Exercise 2: the best possible accuracy, that of D* thresholded at 1/2."""
    hint = {"en": "D* > 1/2 exactly where p_data > p_G; add the probability of being right for each Y.",
            "th": "D* > 1/2 ตรงที่ p_data > p_G พอดี ลองรวมความน่าจะเป็นที่ทายถูกของแต่ละ Y"}
    return check_number(answer, optimal_accuracy(data_policy, gen_policy), tol, lang, EXACT_IS, hint)


def empirical_discriminator(real: torch.Tensor, fake: torch.Tensor, vocab_size: int) -> torch.Tensor:
    """The minimiser of the cross-entropy on the samples themselves, one value per sequence of the
    lexicographic list: n_real(Y) / (n_real(Y) + n_fake(Y)), nan where Y appears in neither."""
    if not (isinstance(real, torch.Tensor) and isinstance(fake, torch.Tensor)) or real.dim() != 2 or fake.dim() != 2:
        raise ValueError("real and fake must be (N, T) tensors of token ids")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"real sequences have length {real.shape[1]} but generated ones {fake.shape[1]}")
    size = vocab_size ** real.shape[1]
    n_real = torch.bincount(prefix_index(real, vocab_size), minlength=size).double()
    n_fake = torch.bincount(prefix_index(fake, vocab_size), minlength=size).double()
    return n_real / (n_real + n_fake)


def empirical_zeros(real: torch.Tensor, fake: torch.Tensor, vocab_size: int) -> int:
    """How many of the generated samples (rows of `fake`, repeats counted) get D = 0 from the
    empirical minimiser: those whose sequence never occurs among the real samples."""
    d_hat = empirical_discriminator(real, fake, vocab_size)
    return int((d_hat[prefix_index(fake, vocab_size)] == 0).sum())


def check_empirical_zeros(answer, real: torch.Tensor, fake: torch.Tensor, vocab_size: int, lang: str = "en") -> bool:
    """Exercise 3: generated samples that the empirically optimal discriminator scores exactly 0."""
    exact = empirical_zeros(real, fake, vocab_size)
    n = fake.shape[0]
    return check_number(answer, exact, 0, lang,
                        ok={"en": f"{{exact}} of the {n} generated samples get reward 0",
                            "th": f"ประโยคที่สร้าง {{exact}} จาก {n} ประโยคได้ reward เป็น 0"},
                        hint={"en": "count the generated rows whose sequence never occurs among the real rows "
                                    "(repeats count).",
                              "th": "นับแถวของประโยคที่สร้างซึ่งไม่เคยปรากฏในประโยคจริงเลย (แถวซ้ำก็นับ)"})
