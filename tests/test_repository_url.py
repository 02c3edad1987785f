"""The repository's address is written once, in pyproject.toml's [project.urls] (issue 10); every
other mention must agree with it: the README, the book pages of both editions, the landing page,
the first code cell of every notebook (the Colab install), and the book configs whose
``repository.url`` the launch buttons (Colab, Binder) and the repository button use."""
import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# github.com/OWNER/NAME, raw.githubusercontent.com/OWNER/NAME, colab...com/github/OWNER/NAME
MENTION = re.compile(r"(?:github\.com|githubusercontent\.com|colab\.research\.google\.com/github)/"
                     r"([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?(?=[/\s`\"'<>)\]#,;:]|\.(?:\s|$)|$)")


def canonical() -> tuple[str, str]:
    url = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]["Repository"]
    m = re.fullmatch(r"https://github\.com/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)", url)
    assert m, f"[project.urls] Repository should be https://github.com/OWNER/NAME, got {url!r}"
    return m.group(1), m.group(2)


def mentions(text: str) -> list[tuple[str, str]]:
    return MENTION.findall(text)


def pages() -> list[Path]:
    return ([ROOT / "README.md", ROOT / "book" / "landing" / "index.html"]
            + sorted((ROOT / "book" / "en").glob("*.md")) + sorted((ROOT / "book" / "th").glob("*.md")))


def notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*/*.ipynb"))


def test_the_mention_pattern_finds_each_form():
    text = ("see https://github.com/a/b, `pip install git+https://github.com/c/d.git` and "
            "https://colab.research.google.com/github/e/f/blob/main/x.ipynb <https://raw.githubusercontent.com/g/h/main>")
    assert mentions(text) == [("a", "b"), ("c", "d"), ("e", "f"), ("g", "h")]


@pytest.mark.parametrize("path", pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_name_the_one_repository(path):
    found = mentions(path.read_text(encoding="utf-8"))
    wrong = [f"{o}/{n}" for o, n in found if (o, n) != canonical()]
    assert not wrong, f"{path.name} names {wrong}; pyproject.toml says {'/'.join(canonical())}"


def test_the_readme_and_landing_page_link_the_repository():
    for path in (ROOT / "README.md", ROOT / "book" / "landing" / "index.html"):
        assert canonical() in mentions(path.read_text(encoding="utf-8")), path.name


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_first_code_cell_installs_from_the_repository(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    source = "".join(first["source"])
    owner, name = canonical()
    assert f"git+https://github.com/{owner}/{name}" in source, f"{path.name}: the Colab install cell"
    wrong = [f"{o}/{n}" for o, n in mentions("".join("".join(c["source"]) for c in nb["cells"]))
             if (o, n) != (owner, name)]
    assert not wrong, f"{path.name} names {wrong}"


@pytest.mark.parametrize("config", ["_config.yml", "book/th/_config.yml"])
def test_book_configs_point_the_launch_buttons_at_the_repository(config):
    data = yaml.safe_load((ROOT / config).read_text(encoding="utf-8"))
    owner, name = canonical()
    assert data["repository"]["url"].rstrip("/") == f"https://github.com/{owner}/{name}"
    assert data["html"]["use_repository_button"]
    assert set(data.get("launch_buttons", {})) >= {"colab_url", "binderhub_url"}
    assert not [m for m in mentions((ROOT / config).read_text(encoding="utf-8")) if m != (owner, name)]
