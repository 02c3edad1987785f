"""Chapter 12 (Thai text lab): code-checked exercises that change the corpus or the segmenter.

`check_agreement` compares a learner's agreement rate (the fraction of sentences an engine
segments back into the grammar's words) with `grammar.segmentation_agreement` on a Thai corpus
sampled with the given size and seed. `check_new_tokens` compares a learner's count of the
distinct tokens an engine produces on such a corpus that are not words of the grammar (the
vocabulary a model trained on the engine's tokens would have to add) with `new_tokens`.
"""
from __future__ import annotations

from . import as_number, check_number, verdict
from ..grammar import THAI_ENGINES, corpus, join_thai, segment_thai, segmentation_agreement


def _engine(engine: str) -> str:
    if engine not in THAI_ENGINES:
        raise ValueError(f"engine must be one of {', '.join(THAI_ENGINES)}, got {engine!r}")
    return engine


def new_tokens(sentences, engine: str = "newmm", words=None) -> set[str]:
    """The tokens `engine` cuts from the written sentences (joined words) that are not among
    `words` (by default the words of the sentences themselves)."""
    sentences = [list(s) for s in sentences]
    known = set(words) if words is not None else {w for s in sentences for w in s}
    return {w for s in sentences for w in segment_thai(join_thai(s), engine=_engine(engine)) if w not in known}


def check_agreement(answer, n: int = 500, seed: int = 1, engine: str = "longest", lang: str = "en",
                    tol: float = 1e-9) -> bool:
    """Exercise 1: the agreement of `engine` with the grammar's words on ``corpus("th", n, seed)``."""
    sentences, _, _ = corpus("th", n, seed=seed)
    exact = segmentation_agreement(sentences, engine=_engine(engine))
    return check_number(answer, exact, tol, lang,
                        ok={"en": f"{engine} gives back {{exact:.1%}} of the {n} sentences",
                            "th": f"{engine} ตัดได้ตรงกับคำของไวยากรณ์ {{exact:.1%}} ของ {n} ประโยค"},
                        hint={"en": f"sample corpus('th', {n}, seed={seed}) and pass engine='{engine}' "
                                    "to grammar.segmentation_agreement.",
                              "th": f"สุ่ม corpus('th', {n}, seed={seed}) แล้วส่ง engine='{engine}' "
                                    "ให้ grammar.segmentation_agreement"})


def check_new_tokens(answer, n: int = 3000, seed: int = 1, engine: str = "newmm", lang: str = "en") -> bool:
    """Exercise 2: how many distinct tokens `engine` cuts from ``corpus("th", n, seed)`` that are
    not words of the Thai grammar."""
    sentences, vocab, grammar = corpus("th", n, seed=seed)
    exact = len(new_tokens(sentences, engine, grammar.terminals))
    value = as_number(answer)
    if value is not None and value == exact:
        detail = {"en": f"{exact} tokens that are not words of the grammar",
                  "th": f"token ที่ไม่ใช่คำของไวยากรณ์ {exact} ตัว"}
        return verdict(True, detail.get(lang, detail["en"]), lang)
    detail = {"en": "segment every joined sentence, collect the tokens in a set, and keep those not in the grammar's "
                    "words (thai.terminals).",
              "th": "ตัดคำทุกประโยคที่เขียนติดกันแล้ว เก็บ token ไว้ในเซต แล้วเลือกเฉพาะตัวที่ไม่อยู่ในคำของไวยากรณ์ "
                    "(thai.terminals)"}
    return verdict(False, detail.get(lang, detail["en"]), lang)
