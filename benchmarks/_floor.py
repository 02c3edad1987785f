"""Compute floors: counted multiply-adds divided by this machine's measured matmul rate."""
import time

import torch


def matmul_flops(n: int = 2048, repeats: int = 5) -> float:
    """FLOP/s of a large float32 matmul on this machine now (1 multiply-add = 2 FLOP)."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 / best


def discriminator_macs(config, length: int) -> int:
    """Multiply-adds of one forward pass of SeqGAN's CNN discriminator on one sequence."""
    conv = sum(n * w * config.embed_dim * (length - w + 1) for w, n in zip(config.filter_sizes, config.num_filters))
    total = sum(config.num_filters)
    return conv + 2 * total * total + 2 * total     # convolutions + highway (transform, gate) + output


def generator_token_macs(vocab: int, embed: int, hidden: int) -> int:
    """Multiply-adds to produce one token's logits with an LSTM generator (one step)."""
    return 4 * hidden * (embed + hidden) + hidden * vocab
