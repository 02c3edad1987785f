"""The Thai edition's search index holds Thai words (book/_ext/thai_search.py).

Also: search titles and snippets hold no raw TeX, and snippets are cut on Thai character-cluster
boundaries (book/_ext/search_text.py, book/_ext/search-snippets.js).

Builds nothing: the index tests are skipped unless the book has been built (`make book`;
`make test` builds it and then runs this file, so CI checks it for real).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[1]
TH_SITE = ROOT / "_build" / "html" / "th"
INDEX = TH_SITE / "searchindex.js"

needs_book = pytest.mark.skipif(not INDEX.exists() or not (ROOT / "_build" / "html" / "en" / "searchindex.js").exists(),
                                reason="book not built: run `make book`")

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
    """Pages the search finds for `word`: Sphinx keeps a word that is in a page's section titles
    under "titleterms" only (not again under "terms"), and its search reads both."""
    docs = set()
    for table in ("terms", "titleterms"):
        hits = index.get(table, {}).get(word)
        if hits is None:
            continue
        docs |= {index["docnames"][i] for i in ([hits] if isinstance(hits, int) else hits)}
    return docs


@needs_book
@pytest.mark.parametrize("word", LANDING_WORDS)
def test_thai_word_maps_to_landing_page(word):
    index = _load_index()
    landing = _landing_docname()
    assert landing.endswith("th/intro"), landing
    assert landing in _docs_for(index, word), f"{word!r} is not indexed for {landing}"


@needs_book
def test_thai_is_indexed_as_words_not_fragments():
    index = _load_index()
    thai_terms = [t for t in index["terms"] if re.search(r"[\u0E00-\u0E7F]", t)]
    assert len(thai_terms) > 50
    # Sphinx's default splitter (\w+) drops Thai vowel and tone marks and cuts words at
    # them (รางวัล -> รางว, ล), so a term that contains a mark proves the Thai splitter ran.
    marks = re.compile(r"[\u0E31\u0E34-\u0E3A\u0E47-\u0E4E]")
    assert sum(bool(marks.search(t)) for t in thai_terms) > 20
    assert "รางว" not in index["terms"]


@needs_book
def test_thai_query_splitter_is_shipped():
    language_data = (TH_SITE / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "function splitQuery" in language_data
    assert 'Intl.Segmenter("th"' in language_data


@needs_book
def _prose(path: Path) -> str:
    """The Markdown cells of a notebook (code cells are not indexed for search)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


@pytest.mark.parametrize("word", ["ประโยค", "เอนโทรปี"])     # sentence, entropy: Thai words used across the book
def test_thai_word_finds_the_chapters_that_use_it(word):
    """Searching a Thai word in the Thai edition returns every Thai chapter whose prose has it.
    (Terms such as reward are written in Latin script, as the glossary says, so the words tested are Thai ones.)"""
    index = _load_index()
    docs = _docs_for(index, word)
    chapters = sorted(p for p in (ROOT / "notebooks" / "th").glob("*.ipynb") if word in _prose(p))
    assert len(chapters) >= 5
    for path in chapters:
        assert f"notebooks/th/{path.stem}" in docs, f"{word} not indexed for {path.stem}"


# --------------------------------------------------------------------------------------------
# Search results read as text (book/_ext/search_text.py, book/_ext/search-snippets.js)
# --------------------------------------------------------------------------------------------
EN_INDEX = ROOT / "_build" / "html" / "en" / "searchindex.js"
SNIPPETS_JS = ROOT / "book" / "_ext" / "search-snippets.js"
# A Thai character that cannot begin a character cluster: above/below vowels, tone marks and
# other combining marks, and the following vowels that attach to the consonant before them.
THAI_NON_STARTER = re.compile(r"[\u0E30-\u0E3A\u0E45\u0E47-\u0E4E]")
TEX_LEFTOVER = re.compile(r"\\[A-Za-z]+|\\[()\[\]]|\$")


def _index_at(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    m = re.fullmatch(r"\s*Search\.setIndex\((.*)\)\s*;?\s*", text, flags=re.S)
    assert m, f"{path} is not a Search.setIndex(...) call"
    return json.loads(m.group(1))


@needs_book
@pytest.mark.parametrize("index_path", [INDEX, EN_INDEX], ids=["th", "en"])
def test_index_titles_and_terms_hold_no_tex(index_path):
    index = _index_at(index_path)
    titles = list(index["titles"]) + list(index["alltitles"])
    assert len(titles) > 50
    assert [t for t in titles if TEX_LEFTOVER.search(t)] == []
    # LaTeX command names never become search terms
    assert {"mathbb", "frac", "mathrm", "nabla", "mathcal"} & set(index["terms"]) == set()


@needs_book
def test_en_section_title_math_becomes_text():
    """Chapter 3's "What we want to maximise: $J(\\theta)$" is indexed as "... J(θ)"."""
    index = _index_at(EN_INDEX)
    assert any(t.endswith("J(θ)") for t in index["alltitles"]), "no title ends in J(θ)"


def test_tex_to_text():
    sys.path.insert(0, str(ROOT / "book" / "_ext"))
    from search_text import tex_to_text

    assert tex_to_text(r"\(D_\phi(Y)\)") == "Dφ(Y)"
    assert tex_to_text(r"J(\theta)") == "J(θ)"
    assert tex_to_text(r"\nabla_\theta J(\theta) = \mathbb{E}[G]") == "∇θ J(θ) = E[G]"
    assert tex_to_text(r"\frac{K-1}{K}") == "(K-1)/(K)"
    assert not TEX_LEFTOVER.search(tex_to_text(r"\operatorname{softmax}(z/\tau)_{i}"))


NODE_CHECK = r"""
const m = require(process.argv[1]);
const text = process.argv[2];
const out = {tex: m.texToText("\\(D_\\phi(Y) = \\sum_t \\log \\pi_\\theta\\)"), starts: [], ends: []};
for (let s = 0; s < text.length; s += 1) {
  const [a, b] = m.cutAtBoundaries(text, s, s + 40, "th");
  out.starts.push(a); out.ends.push(b);
}
console.log(JSON.stringify(out));
"""


def _thai_chapter_text() -> str:
    nb = json.loads(next((ROOT / "notebooks" / "th").glob("04_*.ipynb")).read_text(encoding="utf-8"))
    text = " ".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return re.sub(r"\s+", " ", text)[:1500]


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_snippets_start_and_end_on_thai_cluster_boundaries():
    """From every start offset of a Thai chapter's text, the snippet is cut where no Thai
    vowel or tone mark is left orphaned (Intl.Segmenter word boundaries)."""
    text = _thai_chapter_text()
    assert len(re.findall(r"[\u0E00-\u0E7F]", text)) > 600
    run = subprocess.run(["node", "-e", NODE_CHECK, str(SNIPPETS_JS), text],
                         capture_output=True, text=True, check=True, timeout=120)
    out = json.loads(run.stdout)
    assert out["tex"] == "Dφ(Y) = Σt log πθ"
    bad_starts = [a for a in out["starts"] if 0 < a < len(text) and THAI_NON_STARTER.match(text[a])]
    bad_ends = [b for b in out["ends"] if 0 < b < len(text) and THAI_NON_STARTER.match(text[b])]
    assert bad_starts == [] and bad_ends == [], (bad_starts[:5], bad_ends[:5])
    # the cut moves inwards by at most a word or so
    assert all(0 <= a - s <= 30 for s, a in enumerate(out["starts"]))


# --------------------------------------------------------------------------------------------
# The search page itself, in headless Chromium (skipped without chromium)
# --------------------------------------------------------------------------------------------
sys.path.insert(0, str(ROOT / "book" / "tools"))
from cdp import Browser, find_chromium  # noqa: E402

SITE = ROOT / "_build" / "html"
RAW_TEX = re.compile(r"\\[A-Za-z]+|\\[()\[\]]")
RESULTS_DONE_JS = """(() => {
  const items = document.querySelectorAll('#search-results li');
  const summary = document.querySelector('#search-results .search-summary');
  const done = summary && summary.textContent.trim();   // written when the search has finished
  const snippets = [...document.querySelectorAll('#search-results li p.context')].map((p) => p.textContent);
  return done && items.length && snippets.length === items.length ? snippets : null;
})()"""


@contextmanager
def _serve(directory: Path):
    """The built site over HTTP on 127.0.0.1 (search fetches pages: file:// cannot)."""
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@needs_book
@pytest.mark.skipif(find_chromium() is None, reason="chromium not on PATH (apt-get install chromium)")
@pytest.mark.parametrize("edition, query", [("th", "รางวัล"), ("en", "discriminator")])
def test_search_snippets_read_as_text(edition, query):
    """The search page's snippets: no raw TeX, and no Thai snippet starts with an orphaned mark."""
    with _serve(SITE) as base, Browser() as browser:
        page = browser.new_page(1280, 900)
        page.goto(f"{base}/{edition}/search.html?q={quote(query)}")
        snippets = page.wait_for(RESULTS_DONE_JS, timeout=90)
        # over HTTP the browser asks the server root for /favicon.ico, which the site has not
        errors = [e for e in page.console_errors if "favicon.ico" not in e]
    assert snippets, f"no search results with snippets for {query!r}"
    assert len(snippets) >= 3
    assert [s for s in snippets if RAW_TEX.search(s)] == []
    starts = [s.lstrip("…").lstrip()[:1] for s in snippets]
    assert [s for s in starts if THAI_NON_STARTER.match(s)] == []
    assert errors == []
