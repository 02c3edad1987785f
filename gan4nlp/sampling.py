"""Exact samplers for a categorical distribution given by logits (chapters 2 and 9).

`sample_categorical` draws one token per row. Two exact methods:

- ``"inverse_cdf"`` (default): u ~ U(0, 1), return the first index whose cumulative probability
  exceeds u. One softmax, one cumulative sum and a binary search per row.
- ``"gumbel_max"``: argmax(logits + g) with g ~ Gumbel(0, 1) i.i.d. (the Gumbel-max trick of
  chapter 9; Maddison et al. 2014, Jang et al. 2017).

Both are exact: tests compare many draws with the softmax at sampling-noise level.
"""
from __future__ import annotations

import torch

METHODS = ("inverse_cdf", "gumbel_max", "multinomial")


def gumbel_noise(shape, *, generator=None, device=None, dtype=torch.float32) -> torch.Tensor:
    """Standard Gumbel(0, 1) noise, g = -log(-log u), with u kept away from 0 and 1."""
    u = torch.rand(shape, generator=generator, device=device, dtype=dtype)
    tiny = torch.finfo(dtype).tiny
    return -torch.log(-torch.log(u.clamp(tiny, 1.0 - 1e-7)))


def sample_categorical(logits: torch.Tensor, *, generator=None, method: str = "inverse_cdf") -> torch.Tensor:
    """Draws one index per row of ``logits`` (..., V) from softmax(logits); returns (...) long."""
    if method == "inverse_cdf":
        probs = torch.softmax(logits.float(), dim=-1)                       # (..., V)
        cdf = probs.cumsum(dim=-1)                                          # (..., V)
        u = torch.rand(cdf.shape[:-1] + (1,), generator=generator, device=cdf.device)
        u = u * cdf[..., -1:]                          # the total is 1 up to rounding: scale u to it
        idx = torch.searchsorted(cdf, u, right=True)                        # (..., 1)
        return idx.clamp_max(logits.shape[-1] - 1).squeeze(-1)
    if method == "gumbel_max":
        g = gumbel_noise(logits.shape, generator=generator, device=logits.device)
        return (logits.float() + g).argmax(dim=-1)
    if method == "multinomial":
        probs = torch.softmax(logits.float(), dim=-1)
        flat = probs.reshape(-1, probs.shape[-1])
        return torch.multinomial(flat, 1, generator=generator).reshape(probs.shape[:-1])
    raise ValueError(f"unknown sampling method {method!r}; choose one of {METHODS}")
