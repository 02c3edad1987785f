"""Recorded results of the full runs the book plots (chapters 8-12).

The long experiments are run once with the commands in ``benchmarks/RESULTS.md`` and their small
JSON files kept in ``benchmarks/results/``; the notebooks execute a quick setting and load the
full run's record with `load`:

    full = results.load("textgan-full-en.json")

The files ship with the package: ``pip install`` (and the first cell of a chapter on Colab)
installs ``benchmarks/results/*.json`` as ``gan4nlp/recorded/*.json`` (``pyproject.toml`` maps
that subpackage onto the folder), and `load` reads them from there first. In a clone of the
repository (or an editable install) there is no ``gan4nlp/recorded``, and `load` reads
``benchmarks/results/`` itself. Nothing is downloaded.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parents[1] / "benchmarks" / "results"   # in a clone of the repository


def installed_dir():
    """The recorded runs shipped with an installed package (a Traversable), or None in a clone."""
    folder = resources.files(__package__).joinpath("recorded")
    return folder if folder.is_dir() else None


def available(results_dir: str | Path | None = None) -> list[str]:
    """File names `load` can read: from ``results_dir``, else the installed package, else the clone."""
    folder = _folder(results_dir)
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".json")) if folder.is_dir() else []


def _folder(results_dir):
    if results_dir is not None:
        return Path(results_dir)
    installed = installed_dir()
    return installed if installed is not None else RESULTS_DIR


def load(name: str, results_dir: str | Path | None = None) -> dict:
    """A recorded JSON result by file name, e.g. ``load("seqgan-cpu-0.8-seed0-history.json")``,
    from ``results_dir`` if given, else from the installed package (``gan4nlp/recorded``), else
    from the repository's ``benchmarks/results``."""
    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        raise ValueError(f"name must be a file name such as 'textgan-full-en.json', got {name!r}")
    folder = _folder(results_dir)
    path = folder.joinpath(name)
    if not path.is_file():
        names = available(results_dir)
        raise ValueError(f"no recorded result {name!r}: {path} does not exist; recorded there: "
                         f"{', '.join(names) or 'none'} (benchmarks/RESULTS.md has the command that records each)")
    return json.loads(path.read_text(encoding="utf-8"))
