"""The Thai edition's search index holds Thai words (book/_ext/thai_search.py).

Builds nothing: skipped unless the book has been built (`make book`; `make test` builds it
and then runs this file again, so CI checks it for real).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TH_SITE = ROOT / "_build" / "html" / "th"
INDEX = TH_SITE / "searchindex.js"

pytestmark = pytest.mark.skipif(not INDEX.exists(), reason="book not built: run `make book`")

# Words that must be findable on the Thai edition's landing page. newmm and the browser's
# Intl.Segmenter do not always agree, so keep to words both segment alone.
LANDING_WORDS = ["รางวัล", "นโยบาย", "ประโยค"]


def _load_index() -> dict:
    text = INDEX.read_text(encoding="utf-8")
    m = re.fullmatch(r"\s*Search\.setIndex\((.*)\)\s*;?\s*", text, flags=re.S)
    assert m, "searchindex.js is not a Search.setIndex(...) call"
    return json.loads(m.group(1))


def _landing_docname() -> str:
    # _build/html/th/index.html redirects to the edition's root page.
    redirect = (TH_SITE / "index.html").read_text(encoding="utf-8")
    m = re.search(r'url=([^"\s]+)\.html', redirect)
    assert m, "th/index.html does not redirect to the root page"
    return m.group(1)


def _docs_for(index: dict, word: str) -> set[str]:
    hits = index["terms"].get(word)
    if hits is None:
        return set()
    if isinstance(hits, int):
        hits = [hits]
    return {index["docnames"][i] for i in hits}


@pytest.mark.parametrize("word", LANDING_WORDS)
def test_thai_word_maps_to_landing_page(word):
    index = _load_index()
    landing = _landing_docname()
    assert landing.endswith("th/intro"), landing
    assert landing in _docs_for(index, word), f"{word!r} is not indexed for {landing}"


def test_thai_is_indexed_as_words_not_fragments():
    index = _load_index()
    thai_terms = [t for t in index["terms"] if re.search(r"[\u0E00-\u0E7F]", t)]
    assert len(thai_terms) > 50
    # Sphinx's default splitter (\w+) drops Thai vowel and tone marks and cuts words at
    # them (รางวัล -> รางว, ล), so a term that contains a mark proves the Thai splitter ran.
    marks = re.compile(r"[\u0E31\u0E34-\u0E3A\u0E47-\u0E4E]")
    assert sum(bool(marks.search(t)) for t in thai_terms) > 20
    assert "รางว" not in index["terms"]


def test_thai_query_splitter_is_shipped():
    language_data = (TH_SITE / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "function splitQuery" in language_data
    assert 'Intl.Segmenter("th"' in language_data


def test_thai_word_finds_the_chapters_that_use_it():
    """Searching รางวัล (reward) in the Thai edition returns every Thai chapter whose text has it."""
    index = _load_index()
    docs = _docs_for(index, "รางวัล")
    chapters = sorted(p for p in (ROOT / "notebooks" / "th").glob("*.ipynb") if "รางวัล" in p.read_text(encoding="utf-8"))
    assert len(chapters) >= 3
    for path in chapters:
        assert f"notebooks/th/{path.stem}" in docs, f"รางวัล not indexed for {path.stem}"
