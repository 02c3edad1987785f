"""The synthetic oracle of SeqGAN's experiment (chapter 8; Yu et al. 2017, sec. "Synthetic Data
Experiments").

A randomly initialised LSTM plays the real world: vocabulary 5,000, embedding and hidden 32, every
parameter drawn from N(0, 1), start token 0. Its samples are the "real" data, and because its
probabilities are known, a generator's samples can be scored exactly:

    NLL_oracle = -E_{Y ~ G_theta} [ 1/T sum_t log G_oracle(y_t | Y_{1:t-1}) ]

Everything is deterministic from the seed. The metric itself, `evaluation.nll`, lives with the other
metrics (chapter 11); `paper_oracle` loads the SeqGAN authors' own oracle weights instead.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from . import _checks
from ._fast import denormals_flushed
from .policy import Generator


@dataclass(frozen=True)
class OracleConfig:
    vocab_size: int = 5000     # tokens, the start token 0 included
    embed_dim: int = 32        # embedding size
    hidden_dim: int = 32       # LSTM hidden size
    length: int = 20           # sequence length T
    num_sequences: int = 10_000  # "real" training sequences sampled from the oracle
    init_std: float = 1.0      # parameters ~ N(0, init_std^2)

    def __post_init__(self):
        for name in ("vocab_size", "embed_dim", "hidden_dim", "length", "num_sequences"):
            _checks.positive_int(name, getattr(self, name))
        _checks.positive_float("init_std", self.init_std)


def make_oracle(config: OracleConfig = OracleConfig(), seed: int = 0) -> Generator:
    """The oracle LSTM with every parameter drawn from N(0, init_std^2), frozen."""
    oracle = Generator(config.vocab_size, config.embed_dim, config.hidden_dim, start_token=0)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in oracle.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * config.init_std)
    return oracle.requires_grad_(False).eval()


def oracle_data(oracle: Generator, num_sequences: int, length: int, seed: int = 0, batch: int = 1000) -> torch.Tensor:
    """Samples (num_sequences, length) tokens from the oracle, deterministic from the seed."""
    num_sequences = _checks.positive_int("num_sequences", num_sequences)
    g = torch.Generator(device=oracle.device).manual_seed(seed)
    with denormals_flushed():
        parts = [oracle.generate(min(batch, num_sequences - i), length, generator=g)
                 for i in range(0, num_sequences, batch)]
    return torch.cat(parts)
