"""environment.yml (conda) and pyproject.toml (pip, `make venv`) describe the same install.

environment.yml's pip section lists every package of pyproject.toml's dependencies and extras
explicitly, with the same version ranges (torch is pinned to the CPU build the Makefile
installs, which must satisfy pyproject's range), and ends with `-e .[extras]` naming every
extra. A package added to one file and not the other fails here.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _env() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def _pyproject_requirements() -> dict[str, Requirement]:
    project = _pyproject()["project"]
    reqs: dict[str, Requirement] = {}
    for line in project.get("dependencies", []) + [
        r for extra in project.get("optional-dependencies", {}).values() for r in extra
    ]:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        if name in reqs:  # the same package in two extras: the ranges must agree
            assert reqs[name].specifier == req.specifier, f"{name}: two ranges in pyproject.toml"
        reqs[name] = req
    return reqs


def _env_pip_lines() -> list[str]:
    pip_sections = [d["pip"] for d in _env()["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip: section"
    return [str(line).strip() for line in pip_sections[0]]


def _env_pip_requirements() -> dict[str, Requirement]:
    reqs = {}
    for line in _env_pip_lines():
        if line.startswith("-"):  # options: --extra-index-url, -e .[...]
            continue
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name not in reqs, f"{name} listed twice in environment.yml"
        reqs[name] = req
    return reqs


def test_same_package_names():
    ours, theirs = set(_pyproject_requirements()), set(_env_pip_requirements())
    assert ours - theirs == set(), "in pyproject.toml but not in environment.yml"
    assert theirs - ours == set(), "in environment.yml but not in pyproject.toml"


def test_same_version_ranges():
    env = _env_pip_requirements()
    for name, req in _pyproject_requirements().items():
        spec = env[name].specifier
        pins = [s for s in spec if s.operator == "=="]
        if pins:  # a pin must satisfy pyproject's range
            assert req.specifier.contains(Version(pins[0].version), prereleases=True), (
                f"{name}: environment.yml pins {pins[0]}, outside pyproject's {req.specifier}"
            )
        else:
            assert spec == req.specifier, f"{name}: {spec} in environment.yml, {req.specifier} in pyproject.toml"


def test_editable_install_names_every_extra():
    editable = [l for l in _env_pip_lines() if l.startswith("-e ")]
    assert len(editable) == 1, "environment.yml must install the library with `-e .[...]`"
    m = re.fullmatch(r"-e\s+\.\[([^\]]*)\]", editable[0])
    assert m, editable[0]
    extras = {canonicalize_name(e) for e in m.group(1).split(",") if e.strip()}
    declared = {canonicalize_name(e) for e in _pyproject()["project"].get("optional-dependencies", {})}
    assert extras == declared


def test_python_and_torch_pins_match_project():
    conda = [d for d in _env()["dependencies"] if isinstance(d, str)]
    pythons = [d for d in conda if re.match(r"python\s*=", d)]
    assert len(pythons) == 1
    py = Version(pythons[0].split("=", 1)[1].strip())
    assert SpecifierSet(_pyproject()["project"]["requires-python"]).contains(py)
    assert any(d.startswith("pip") for d in conda) and any(d.startswith("nodejs") for d in conda)
    # The Makefile installs the same torch as environment.yml pins.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    m = re.search(r"^TORCH_VERSION\s*:?=\s*(\S+)", makefile, flags=re.M)
    assert m, "Makefile has no TORCH_VERSION"
    torch = _env_pip_requirements()["torch"]
    assert str(torch.specifier) == f"=={m.group(1)}"
