"""Chapter titles agree everywhere the book names a chapter (issue 12).

A chapter's title is the first heading (`# ...`) of its notebook; the book's sidebar takes it
from there. The course map (`book/<lang>/course-map.md`, the table of chapters) and the table of
roads in chapter 1 name chapters too: each name must be the heading itself or the heading's part
before its colon ("REINFORCE" for "REINFORCE: from the theorem to one sample"). The two tables of
contents list every chapter once, in order, and give no title of their own unless it is the
heading's.
"""
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("en", "th")
TOCS = {"en": ROOT / "_toc.yml", "th": ROOT / "book" / "th" / "_toc.yml"}


def notebooks(lang: str) -> list[Path]:
    return sorted((ROOT / "notebooks" / lang).glob("[0-9][0-9]_*.ipynb"))


def heading(path: Path) -> str:
    """The first level-1 heading of a notebook."""
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise AssertionError(f"{path.relative_to(ROOT)} has no '# ' heading")


def accepted(title: str) -> set[str]:
    """The names a table may give a chapter: its heading, or the heading before the colon."""
    return {title, title.split(": ", 1)[0]}


def course_map_titles(lang: str) -> dict[int, str]:
    """Chapter number -> name from the course map's table of chapters."""
    text = (ROOT / "book" / lang / "course-map.md").read_text(encoding="utf-8")
    return {int(m.group(1)): m.group(2).strip() for m in re.finditer(r"^\| (\d+) \| ([^|]+?) \|", text, re.M)}


def chapter1_titles(lang: str) -> dict[int, str]:
    """Chapter number -> name from chapter 1's table of roads ("2 *Text generation as RL*")."""
    cells = json.loads(notebooks(lang)[0].read_text(encoding="utf-8"))["cells"]
    names = {}
    for cell in cells:
        for line in "".join(cell["source"]).splitlines():
            if cell["cell_type"] == "markdown" and line.startswith("| ") and "*" in line:
                names.update({int(n): t.strip() for n, t in re.findall(r"(?<![\w.])(\d+) \*([^*]+)\*", line)})
    return names


def mismatches(names: dict[int, str], lang: str) -> list[str]:
    titles = {i + 1: heading(p) for i, p in enumerate(notebooks(lang))}
    return [f"chapter {n}: «{name}», heading «{titles[n]}»" for n, name in sorted(names.items())
            if n in titles and name not in accepted(titles[n])]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_course_map_names_each_chapter_by_its_heading(lang):
    names = course_map_titles(lang)
    assert sorted(names) == list(range(1, len(notebooks(lang)) + 1)), "the course map lists every chapter once"
    found = mismatches(names, lang)
    assert not found, f"book/{lang}/course-map.md disagrees with the headings:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_chapter1_table_names_chapters_by_their_headings(lang):
    names = chapter1_titles(lang)
    assert len(names) >= 9, "chapter 1's table of roads names the chapters of each road"
    found = mismatches(names, lang)
    assert not found, f"notebooks/{lang}/01 (table of roads) disagrees with the headings:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_toc_lists_every_chapter_in_order_without_another_title(lang):
    toc = yaml.safe_load(TOCS[lang].read_text(encoding="utf-8"))
    entries = [c for part in toc["parts"] for c in part["chapters"] if c["file"].startswith("notebooks/")]
    assert [e["file"] for e in entries] == [f"notebooks/{lang}/{p.stem}" for p in notebooks(lang)]
    found = [f"{e['file']}: «{e['title']}»" for e in entries
             if "title" in e and e["title"] not in accepted(heading(ROOT / (e["file"] + ".ipynb")))]
    assert not found, f"{TOCS[lang].relative_to(ROOT)} titles disagree with the headings: {found}"


def test_mismatch_is_found():
    """The comparison is not vacuous: a wrong name is reported, the heading and its short form pass."""
    title = heading(notebooks("en")[3])
    assert mismatches({4: title}, "en") == [] and mismatches({4: title.split(": ")[0]}, "en") == []
    assert mismatches({4: "REINFORCE with baselines"}, "en") == [f"chapter 4: «REINFORCE with baselines», heading «{title}»"]
