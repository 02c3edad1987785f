"""The SeqGAN authors' own oracle (chapter 8; Yu et al. 2017): their file ``save/target_params_py3.pkl``
loaded into the project's oracle LSTM, so the synthetic experiment can run on the very "real world"
of the paper's Table 1 (``--oracle paper``).

The weights are not part of this project (the authors' repository, github.com/LantaoYu/SeqGAN,
carries no licence): give the path to your own copy, or let `download` fetch that one file into a
cache folder when you say so (``--download-oracle``). The file is a pickle, and unpickling can run
arbitrary code; `load_params` therefore uses a restricted unpickler that admits only numpy arrays
(``numpy.ndarray``, ``numpy.dtype`` and ``_reconstruct``) and refuses anything else with one clear
error.

The file's layout: a list of 15 float32 arrays

    g_embeddings (V, E), Wi, Ui, bi, Wf, Uf, bf, Wog, Uog, bog, Wc, Uc, bc, Wo (H, V), bo (V,)

with V = 5000, E = H = 32. The oracle is a standard LSTM, inputs used as row vectors:

    i = sigmoid(x Wi + h Ui + bi),  f = sigmoid(x Wf + h Uf + bf),  o = sigmoid(x Wog + h Uog + bog)
    c~ = tanh(x Wc + h Uc + bc),    c' = f * c + i * c~,             h' = o * tanh(c')
    p(y_t | Y_{1:t-1}) = softmax(h' Wo + bo)

from h0 = c0 = 0, with the start token 0 embedded as the first input. PyTorch's ``nn.LSTM`` computes
``x W_ih^T + b_ih + h W_hh^T + b_hh`` with its gates stacked in the order (i, f, g, o), g the
candidate; so W_ih = [Wi Wf Wc Wog]^T, W_hh = [Ui Uf Uc Uog]^T, b_ih = [bi bf bc bog], b_hh = 0,
and the output layer is Wo^T, bo (`to_generator`). Its samples have about 5.75 nats per token under
itself.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
from pathlib import Path

import numpy as np
import torch

from .policy import Generator

URL = "https://raw.githubusercontent.com/LantaoYu/SeqGAN/master/save/target_params_py3.pkl"
FILE_NAME = "target_params_py3.pkl"
NAMES = ("g_embeddings", "Wi", "Ui", "bi", "Wf", "Uf", "bf", "Wog", "Uog", "bog", "Wc", "Uc", "bc", "Wo", "bo")
GATES = ("i", "f", "c", "og")     # nn.LSTM's stacking order (input, forget, candidate, output)


def cache_dir() -> Path:
    """Where `download` puts the file: $GAN4NLP_CACHE, else $XDG_CACHE_HOME/gan4nlp, else ~/.cache/gan4nlp."""
    if os.environ.get("GAN4NLP_CACHE"):
        return Path(os.environ["GAN4NLP_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gan4nlp"


def cached_path() -> Path:
    return cache_dir() / "seqgan" / FILE_NAME


def download(dest: str | Path | None = None) -> Path:
    """Downloads the authors' oracle file (only this one file, from `URL`) to ``dest`` (default
    `cached_path()`) unless it is already there; returns the path. Call it only with the user's consent."""
    from urllib.request import urlopen

    path = Path(dest) if dest is not None else cached_path()
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urlopen(URL, timeout=60) as response:
            payload = response.read()
    except OSError as e:
        raise ValueError(f"could not download the SeqGAN oracle from {URL} ({e}); download it yourself and "
                         f"pass its path") from None
    load_params(io.BytesIO(payload))            # refuse to cache anything that is not the expected arrays
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(payload)
    os.replace(tmp, path)
    return path


class _Refused(pickle.UnpicklingError):
    """The file asks for something other than numpy arrays."""


class _ArraysOnly(pickle.Unpickler):
    """Admits numpy arrays and dtypes and nothing else: no function can be called while loading."""

    ALLOWED = {("numpy", "ndarray"), ("numpy", "dtype"),
               ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct")}

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise _Refused(f"{module}.{name}")
        if name == "_reconstruct":
            try:
                from numpy._core.multiarray import _reconstruct          # numpy >= 2
            except ImportError:                                          # pragma: no cover (numpy 1.x)
                from numpy.core.multiarray import _reconstruct
            return _reconstruct
        return getattr(np, name)


def load_params(source) -> list[np.ndarray]:
    """The 15 arrays of the authors' file (a path or a binary file object), checked for layout.
    Raises ValueError with one sentence for anything else (a pickle that would run code included)."""
    label = str(source) if isinstance(source, (str, Path)) else "the oracle file"
    try:
        if isinstance(source, (str, Path)):
            with open(source, "rb") as f:
                params = _ArraysOnly(f).load()
        else:
            params = _ArraysOnly(source).load()
    except FileNotFoundError:
        raise ValueError(f"oracle file {label} does not exist") from None
    except _Refused as e:
        raise ValueError(f"{label} is not a plain list of numpy arrays (it asks for {e}); refusing to load it") from None
    except Exception as e:  # noqa: BLE001  (truncated or foreign files fail in many ways)
        raise ValueError(f"{label} could not be read as the SeqGAN oracle's pickle ({type(e).__name__}: {e})") from None
    if not isinstance(params, list) or len(params) != len(NAMES) or \
            not all(isinstance(p, np.ndarray) for p in params):
        raise ValueError(f"{label} must hold a list of {len(NAMES)} numpy arrays ({', '.join(NAMES)})")
    emb, ui = params[0], params[2]
    if emb.ndim != 2 or ui.ndim != 2:
        raise ValueError(f"{label}: g_embeddings and Ui must be matrices, got shapes {emb.shape} and {ui.shape}")
    (v, e), h = emb.shape, ui.shape[0]
    expected = {"g_embeddings": (v, e), "Wo": (h, v), "bo": (v,)}
    for gate in GATES:
        expected.update({f"W{gate}": (e, h), f"U{gate}": (h, h), f"b{gate}": (h,)})
    for name, p in zip(NAMES, params):
        if p.shape != expected[name]:
            raise ValueError(f"{label}: {name} has shape {p.shape}, expected {expected[name]}")
    return [np.asarray(p, dtype=np.float32) for p in params]


def to_generator(params: list[np.ndarray]) -> Generator:
    """The project's `Generator` (LSTM, start token 0) computing exactly the authors' oracle, frozen."""
    p = {name: torch.from_numpy(np.ascontiguousarray(a)) for name, a in zip(NAMES, params)}
    vocab, embed = p["g_embeddings"].shape
    hidden = p["Wo"].shape[0]
    gen = Generator(vocab, embed, hidden, start_token=0)
    with torch.no_grad():
        gen.embedding.weight.copy_(p["g_embeddings"])
        gen.rnn.weight_ih_l0.copy_(torch.cat([p[f"W{g}"].T for g in GATES]))                # (4H, E)
        gen.rnn.weight_hh_l0.copy_(torch.cat([p[f"U{g}"].T for g in GATES]))                # (4H, H)
        gen.rnn.bias_ih_l0.copy_(torch.cat([p[f"b{g}"] for g in GATES]))                    # (4H,)
        gen.rnn.bias_hh_l0.zero_()
        gen.out.weight.copy_(p["Wo"].T)                                                      # (V, H)
        gen.out.bias.copy_(p["bo"])                                                          # (V,)
    return gen.requires_grad_(False).eval()


def load(path: str | Path) -> Generator:
    """The authors' oracle from their pickle at ``path``, as a frozen `Generator`."""
    return to_generator(load_params(path))


def sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
