"""Input checks shared by the library: each raises a ValueError that says what was wrong.

Learners call these functions from notebooks and widgets, so a bad argument should produce one
clear sentence, not a stack trace from deep inside an LSTM.
"""
from __future__ import annotations

import torch


def positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value


def positive_float(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not v > 0 or v != v or v == float("inf"):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return v


def non_negative_float(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a non-negative number, got {value!r}") from None
    if not 0.0 <= v < float("inf"):
        raise ValueError(f"{name} must be a non-negative finite number, got {value!r}")
    return v


def unit_interval(name: str, value, *, closed: bool = True) -> float:
    v = float(value)
    ok = 0.0 <= v <= 1.0 if closed else 0.0 < v < 1.0
    if not ok:
        raise ValueError(f"{name} must lie in {'[0, 1]' if closed else '(0, 1)'}, got {value!r}")
    return v


def token_batch(tokens, vocab_size: int, name: str = "tokens") -> torch.Tensor:
    """Checks a (B, T) integer tensor of token ids in [0, vocab_size)."""
    if not isinstance(tokens, torch.Tensor):
        raise ValueError(f"{name} must be a torch.Tensor of token ids, got {type(tokens).__name__}")
    if tokens.dim() != 2:
        raise ValueError(f"{name} must have shape (batch, length), got shape {tuple(tokens.shape)}")
    if tokens.dtype.is_floating_point or tokens.dtype == torch.bool:
        raise ValueError(f"{name} must hold integer token ids, got dtype {tokens.dtype}")
    if tokens.shape[0] == 0:
        raise ValueError(f"{name} is an empty batch (shape {tuple(tokens.shape)})")
    if torch._C._functorch.is_functorch_wrapped_tensor(tokens):
        return tokens.long()  # inside torch.func.vmap: values were checked when they were sampled
    if tokens.numel() and (tokens.min() < 0 or tokens.max() >= vocab_size):
        raise ValueError(
            f"{name} holds ids outside the vocabulary [0, {vocab_size}): "
            f"min {int(tokens.min())}, max {int(tokens.max())}"
        )
    return tokens.long()


def same_shape(name_a: str, a: torch.Tensor, name_b: str, b: torch.Tensor) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{name_a} has shape {tuple(a.shape)} but {name_b} has shape {tuple(b.shape)}")
