"""Recorded results of the full runs the book plots (chapters 8-12).

The long experiments are run once with the commands in ``benchmarks/RESULTS.md`` and their small
JSON files kept in ``benchmarks/results/``; the notebooks execute a quick setting and load the
full run's record with `load`:

    full = results.load("textgan-full-en.json")

In a clone of the repository the file is read from ``benchmarks/results``. Outside one (a pip
install, Colab) that folder does not exist, and the file is fetched from the repository on
GitHub instead (`RESULTS_URL`).
"""
from __future__ import annotations

import json
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parents[1] / "benchmarks" / "results"   # in a clone of the repository
RESULTS_URL = "https://raw.githubusercontent.com/gan4nlp/gan4nlp/main/benchmarks/results/"


def load(name: str, results_dir: str | Path | None = None) -> dict:
    """A recorded JSON result by file name, e.g. ``load("seqgan-cpu-0.8-seed0-history.json")``,
    from ``results_dir`` (default: the repository's ``benchmarks/results``, else GitHub)."""
    folder = Path(results_dir) if results_dir is not None else RESULTS_DIR
    path = folder / name
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    if results_dir is not None:
        raise ValueError(f"{path} does not exist")
    from urllib.request import urlopen

    try:
        with urlopen(RESULTS_URL + name, timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))
    except OSError as e:
        raise ValueError(f"{name} is neither in {folder} nor downloadable from {RESULTS_URL} ({e}); "
                         f"clone the repository and run the notebook there") from None
