"""Checks shared by the grammar code and the Thai segmentation (chapter 12): a sentence is a list
of words, and a list of sentences is not empty."""
from __future__ import annotations

import torch


def as_words(tokens, name: str = "tokens") -> list[str]:
    if isinstance(tokens, str):
        raise ValueError(f"{name} must be a list of words, got the string {tokens[:30]!r}; split it first "
                         "(text.split() for English, segment_thai(text) for Thai)")
    if isinstance(tokens, torch.Tensor):
        raise ValueError(f"{name} must be a list of words, got a tensor; decode it with Vocabulary.decode")
    words = list(tokens)
    if not all(isinstance(w, str) for w in words):
        raise ValueError(f"{name} must hold only strings (words), got {words[:5]!r}")
    return words


def nonempty(sentences) -> list:
    if isinstance(sentences, str):
        raise ValueError("sentences must be a list of sentences (lists of words), got a string")
    sentences = list(sentences)
    if not sentences:
        raise ValueError("sentences is empty: pass at least one sentence")
    return sentences
