"""Exact samplers for a categorical distribution given by logits (chapters 2 and 9).

`sample_categorical` draws one token per row. Two exact methods:

- ``"inverse_cdf"`` (default): u ~ U(0, 1), return the first index whose cumulative probability
  exceeds u. Done in two levels to keep large vocabularies fast: unnormalised probabilities
  exp(logit - max) in place, cumulative sums over blocks of 128 tokens, pick the block, then the
  token inside it. Nothing is normalised (u is scaled by the total instead).
- ``"gumbel_max"``: argmax(logits + g) with g ~ Gumbel(0, 1) i.i.d. (the Gumbel-max trick of
  chapter 9; Maddison et al. 2014, Jang et al. 2017).

Both are exact: tests compare many draws with the softmax at sampling-noise level.
"""
from __future__ import annotations

import torch

from . import _checks

METHODS = ("inverse_cdf", "gumbel_max", "multinomial")
BLOCK = 128          # tokens per block of the two-level inverse CDF


def gumbel_noise(shape, *, generator=None, device=None, dtype=torch.float32) -> torch.Tensor:
    """Standard Gumbel(0, 1) noise, g = -log(-log u), with u kept away from 0 and 1."""
    u = torch.rand(shape, generator=generator, device=device, dtype=dtype)
    tiny = torch.finfo(dtype).tiny
    return -torch.log(-torch.log(u.clamp(tiny, 1.0 - 1e-7)))


def sample_categorical(logits: torch.Tensor, *, generator=None, method: str = "inverse_cdf") -> torch.Tensor:
    """Draws one index per row of ``logits`` (..., V) from softmax(logits); returns (...) long."""
    if method == "inverse_cdf":
        shape = logits.shape[:-1]
        return _inverse_cdf(logits.reshape(-1, logits.shape[-1]), generator).reshape(shape)
    if method == "gumbel_max":
        g = gumbel_noise(logits.shape, generator=generator, device=logits.device)
        return (logits.float() + g).argmax(dim=-1)
    if method == "multinomial":
        probs = torch.softmax(logits.float(), dim=-1)
        flat = probs.reshape(-1, probs.shape[-1])
        return torch.multinomial(flat, 1, generator=generator).reshape(probs.shape[:-1])
    raise ValueError(f"unknown sampling method {method!r}; choose one of {METHODS}")


def sample_linear(h: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, *, temperature: float = 1.0,
                  generator=None, chunk: int = 512) -> torch.Tensor:
    """Samples from softmax((h @ weight.T + bias) / temperature) without materialising all logits:
    rows go through the output layer and the sampler ``chunk`` at a time, so each chunk's logits
    stay in cache. (N, H) -> (N,) long. Same distribution as `sample_categorical`."""
    chunk = _checks.positive_int("chunk", chunk)
    temperature = _checks.positive_float("temperature", temperature)
    out = torch.empty(h.shape[0], dtype=torch.long, device=h.device)
    v = weight.shape[0]
    pad = -v % BLOCK
    if pad:
        # the output layer padded to whole blocks of the sampler: zero weights and a -inf bias
        # give columns V.. that the sampler zeroes after exp. The logits come out of the matmul
        # already padded, so the sampler does not copy every chunk into a padded buffer (the same
        # numbers as padding after the fact: each logit is the same dot product)
        weight = torch.cat([weight, weight.new_zeros(pad, weight.shape[1])])
        bias = torch.cat([bias, bias.new_full((pad,), float("-inf"))])
    for i in range(0, h.shape[0], chunk):
        logits = torch.addmm(bias, h[i: i + chunk], weight.T)          # (chunk, V + pad), fresh
        if temperature != 1.0:
            logits.div_(temperature)
        out[i: i + chunk] = _inverse_cdf(logits, generator, inplace=True, valid=v)
    return out


def _inverse_cdf(logits: torch.Tensor, generator, block: int = BLOCK, inplace: bool = False,
                 valid: int | None = None) -> torch.Tensor:
    """(N, V) logits -> (N,) draws; two-level inverse CDF (see the module docstring).
    With ``inplace`` the logits tensor is overwritten. ``valid``: only the first ``valid`` columns
    are tokens (the rest is padding, logits -inf or anything: never chosen)."""
    n, width = logits.shape
    v = width if valid is None else valid
    nb = -(-width // block)
    x = logits if inplace else logits.float().clone()
    x.sub_(x.amax(-1, keepdim=True))                                   # values only: no argmax indices
    # exp of anything below -87 is a float32 denormal, which is ~50x slower on x86; raising such
    # log-ratios to -80 adds at most V * e^-80 (about 1e-31) of probability: exact for any purpose.
    x.clamp_(min=-80.0).exp_()                                          # unnormalised probabilities
    if v < width:
        x[:, v:] = 0.0                                                  # padding: never chosen
    if nb * block != width:
        x = torch.nn.functional.pad(x, (0, nb * block - width))        # zeros: never chosen
    xb = x.view(n, nb, block)                                           # (N, nb, block)
    cum_blocks = xb.sum(-1).cumsum_(-1)                                 # (N, nb)
    u = torch.rand(n, 1, generator=generator, device=x.device) * cum_blocks[:, -1:]   # (N, 1)
    j = torch.searchsorted(cum_blocks, u, right=True).clamp_max(nb - 1)               # block index
    before = torch.where(j > 0, cum_blocks.gather(1, (j - 1).clamp_min(0)), torch.zeros_like(u))
    inner = xb.gather(1, j.unsqueeze(-1).expand(n, 1, block)).squeeze(1).cumsum_(-1)  # (N, block)
    i = torch.searchsorted(inner, u - before, right=True).clamp_max(block - 1)
    return (j * block + i).squeeze(-1).clamp_max(v - 1)
