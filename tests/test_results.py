"""gan4nlp.results: recorded runs ship with the package and load without any download (issue 10)."""
import json
import tomllib
from pathlib import Path

import pytest

from gan4nlp import results

ROOT = Path(__file__).resolve().parents[1]


def test_every_recorded_file_loads_in_the_clone():
    names = sorted(p.name for p in (ROOT / "benchmarks" / "results").glob("*.json"))
    assert names and results.available() == names
    for name in names:
        assert results.load(name) == json.loads((ROOT / "benchmarks" / "results" / name).read_text(encoding="utf-8"))


def test_the_installed_copy_is_read_first(tmp_path, monkeypatch):
    (tmp_path / "seqgan-grid.json").write_text(json.dumps({"from": "the installed package"}))
    monkeypatch.setattr(results, "installed_dir", lambda: tmp_path)
    assert results.load("seqgan-grid.json") == {"from": "the installed package"}
    assert results.available() == ["seqgan-grid.json"]


def test_a_missing_or_bad_name_is_one_clear_error(tmp_path):
    with pytest.raises(ValueError, match=r"no recorded result 'nope.json'.*does not exist.*recorded there: .*seqgan-grid"):
        results.load("nope.json")
    with pytest.raises(ValueError, match="recorded there: none"):
        results.load("nope.json", results_dir=tmp_path)
    for bad in ("", "../pyproject.toml", None):
        with pytest.raises(ValueError, match="name must be a file name"):
            results.load(bad)


def test_nothing_is_downloaded():
    source = Path(results.__file__).read_text(encoding="utf-8")
    assert "urlopen" not in source and "http" not in source


def test_the_package_ships_benchmarks_results_as_gan4nlp_recorded():
    """pyproject.toml maps the subpackage gan4nlp.recorded onto benchmarks/results with its JSON
    files as package data, and lists every real subpackage (an explicit list must not forget one).
    (`pip wheel --no-deps .` then holds gan4nlp/recorded/*.json: see benchmarks/RESULTS.md.)"""
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert tool["package-dir"] == {"gan4nlp.recorded": "benchmarks/results"}
    assert tool["package-data"] == {"gan4nlp.recorded": ["*.json"]}
    real = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "gan4nlp").rglob("__init__.py")}
    assert set(tool["packages"]) == real | {"gan4nlp.recorded"}
    assert not (ROOT / "gan4nlp" / "recorded").exists()     # the clone reads benchmarks/results itself
