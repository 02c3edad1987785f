"""Every chapter notebook, in both languages, runs top to bottom with no error and nothing on stderr.

Run one chapter:  .venv/bin/python -m pytest -q tests/test_notebooks.py -k 04_
Each executed notebook is stored in the book's execution cache (``_build/.jupyter_cache``, the
``execute.cache`` of ``_config.yml``), keyed by its code, so the book build that follows in
``make test`` reuses these results instead of running every notebook a second time.
"""
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[a-z][a-z]/*.ipynb"))
CACHE = ROOT / "_build" / ".jupyter_cache"


def store_in_book_cache(path: Path, nb) -> None:
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    get_cache(CACHE).cache_notebook_bundle(
        CacheBundleIn(nb, str(path), data={"execution_seconds": nb.metadata.get("execution_seconds")}),
        check_validity=False, overwrite=True)


@pytest.mark.skipif(not NOTEBOOKS, reason="no chapter notebooks yet")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_runs_top_to_bottom(path):
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,   # timing metadata would change the cache key
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata["execution_seconds"] = round(time.perf_counter() - start, 1)
    stderr = [(i, "".join(out.get("text", ""))) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.get("output_type") == "stream" and out.get("name") == "stderr"]
    assert not stderr, f"{path.name} wrote to stderr (the book build fails on it): {stderr[:2]}"
    store_in_book_cache(path, nb)
