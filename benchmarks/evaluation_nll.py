"""NLL of many sequences without gradients (NLL-oracle, entropy, held-out NLL; chapters 8, 11):
`Generator.log_prob`'s chunked output layer against the full (B, T, V) log-softmax, same run.

    PYTHONPATH=. .venv/bin/python benchmarks/evaluation_nll.py [--vocab 5000] [--length 20] [--n 10000]

Both paths score the same sequences under the `cpu` preset's oracle shape (vocabulary 5,000,
length 20, LSTM 32) inside `evaluation.nll` (one thread, denormals flushed); prints the seconds of
each, their ratio and the largest difference of the per-token NLL.
"""
import argparse
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from gan4nlp import policy  # noqa: E402
from gan4nlp.evaluation import nll  # noqa: E402
from gan4nlp.oracle import OracleConfig, make_oracle  # noqa: E402


def full_log_prob(model, tokens, temperature=1.0):
    """The path with the whole (B, T, V) tensor (the one used with gradients)."""
    logits = model(tokens) / temperature                                 # (B, T, V)
    return torch.log_softmax(logits, -1).gather(-1, tokens.long().unsqueeze(-1)).squeeze(-1)


def timed(fn, repeats=3):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vocab", type=int, default=5000)
    ap.add_argument("--length", type=int, default=20)
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args()
    print(describe())
    oracle = make_oracle(OracleConfig(vocab_size=args.vocab, length=args.length), seed=0)
    tokens = oracle.generate(args.n, args.length, generator=torch.Generator().manual_seed(1))   # (N, T)
    t_chunk, v_chunk = timed(lambda: nll(oracle, tokens))
    original = policy.Generator.log_prob
    policy.Generator.log_prob = full_log_prob
    try:
        t_full, v_full = timed(lambda: nll(oracle, tokens))
    finally:
        policy.Generator.log_prob = original
    with torch.no_grad():
        diff = (oracle._log_prob_chunked(tokens[:1000], 1.0) - full_log_prob(oracle, tokens[:1000])).abs().max().item()
    print(f"nll of {args.n:,} sequences x {args.length} tokens, V = {args.vocab:,}: full log-softmax {t_full:.2f} s "
          f"({v_full:.6f}), chunked {t_chunk:.2f} s ({v_chunk:.6f}); ratio {t_full / t_chunk:.2f}x; "
          f"max |difference| per token {diff:.1e}")


if __name__ == "__main__":
    main()
