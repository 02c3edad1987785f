"""Keeps the oracle fast: its N(0, 1) weights saturate the LSTM, whose gates then produce float32
denormals (numbers below 1.2e-38), which x86 CPUs process about 100x slower. Flushing them to
zero changes results by less than 1e-38. The flag is per thread, and torch's worker threads do not
inherit it, so the block runs on one thread (the oracle's batches are small).
"""
from contextlib import contextmanager

import torch


@contextmanager
def denormals_flushed():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(False)
        torch.set_num_threads(threads)
