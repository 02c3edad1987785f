"""Search results that read as text: no raw TeX, no snippet that starts inside a Thai syllable.

Sphinx's search shows, for each result, the title of the matching section and a snippet of
about 240 characters cut from the page around the first match. Two things went wrong on the
GAN4NLP pages:

* **Raw TeX.** The index and the snippets are made from the page source, where an equation is
  still ``\\(D_\\phi(Y)\\)`` (MathJax typesets it only in the reader's browser). At build time,
  this extension keeps math out of the index words and writes section and page titles with their
  math turned into plain text (``$J(\\theta)$`` -> ``J(θ)``, see `tex_to_text`): it replaces
  Sphinx 7's ``IndexBuilder._word_collector`` and wraps ``IndexBuilder.feed``. In the browser,
  ``search-snippets.js`` does the same to the math in a snippet.
* **Cuts inside a Thai cluster.** The snippet was cut at a fixed character offset, which in Thai
  can land between a consonant and its vowel or tone mark, so the snippet began with an orphaned
  mark. ``search-snippets.js`` cuts at a word boundary (``Intl.Segmenter`` of the page's
  language, ``granularity: "word"``; a word boundary is always a character-cluster boundary),
  falling back to grapheme clusters, then to whitespace.

Both editions use it (``local_extensions`` in each config). tests/test_book_search.py checks the
built index and runs the snippet code against Thai text.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.search import IndexBuilder, WordStore, _is_meta_keywords

MATH_NODES = (nodes.math, nodes.math_block)

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
SYMBOLS = {
    "nabla": "∇", "partial": "∂", "sum": "Σ", "prod": "Π", "infty": "∞", "cdot": "·",
    "times": "×", "approx": "≈", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠",
    "in": "∈", "to": "→", "rightarrow": "→", "leftarrow": "←", "mid": "|", "ldots": "…",
    "dots": "…", "cdots": "…", "pm": "±", "sim": "~", "propto": "∝", "log": "log", "exp": "exp",
    "max": "max", "min": "min", "arg": "arg", "E": "E",
}
_WRAPPERS = re.compile(r"\\(?:mathbb|mathrm|mathbf|mathcal|mathit|operatorname|text|textrm|textbf|boldsymbol|hat|tilde|bar|left|right|big|Big|bigg|Bigg)\b")
_COMMAND = re.compile(r"\\([A-Za-z]+)")


def tex_to_text(tex: str) -> str:
    """A readable plain-text version of a short TeX formula (for titles and snippets)."""
    s = tex.strip()
    s = re.sub(r"^\\\(|\\\)$|^\\\[|\\\]$|^\$+|\$+$", "", s).strip()
    s = re.sub(r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", r"(\1)/(\2)", s)
    s = _WRAPPERS.sub("", s)
    s = re.sub(r"\\[,;:! ]", " ", s)
    s = _COMMAND.sub(lambda m: GREEK.get(m.group(1), SYMBOLS.get(m.group(1), m.group(1))), s)
    s = s.replace("\\{", "{").replace("\\}", "}")
    s = re.sub(r"[{}]", "", s)
    s = re.sub(r"[_^]", "", s)
    s = s.replace("\\", "")
    return re.sub(r"\s+", " ", s).strip()


def plain_text(node: nodes.Node) -> str:
    """The text of a node with every math element replaced by `tex_to_text` of its source."""
    if isinstance(node, MATH_NODES):
        return tex_to_text(node.astext())
    if isinstance(node, nodes.Text):
        return node.astext()
    return "".join(plain_text(child) for child in node.children)


_MATH_SPAN = re.compile(r'<span class="math[^"]*">(.*?)</span>', re.S)


def _word_collector(self: IndexBuilder, doctree: nodes.document) -> WordStore:
    """Sphinx 7's IndexBuilder._word_collector, except that math adds no words and section
    titles keep their math as plain text (`plain_text`)."""
    word_store = WordStore()
    split = self.lang.split
    language = self.lang.lang

    def visit(node: nodes.Node) -> None:
        if isinstance(node, (nodes.comment, *MATH_NODES)):
            return
        if isinstance(node, nodes.raw):
            if "html" in node.get("format", "").split():
                text = re.sub(r"<style.*?</style>", "", node.astext(), flags=re.I | re.S)
                text = re.sub(r"<script.*?</script>", "", text, flags=re.I | re.S)
                word_store.words.extend(split(re.sub(r"<[^<]+?>", "", text)))
            return
        if isinstance(node, nodes.meta) and _is_meta_keywords(node, language):
            word_store.words.extend(k.strip() for k in node["content"].split(","))
        elif isinstance(node, nodes.Text):
            word_store.words.extend(split(node.astext()))
        elif isinstance(node, nodes.title):
            title, is_main_title = plain_text(node), len(word_store.titles) == 0
            ids = node.parent["ids"]
            word_store.titles.append((title, None if is_main_title else ids[0] if ids else None))
            word_store.title_words.extend(split(title))
        for child in node.children:
            visit(child)

    visit(doctree)
    return word_store


_original_feed = IndexBuilder.feed


def _feed(self: IndexBuilder, docname: str, filename: str, title: str, doctree: nodes.document) -> None:
    # the page title arrives as HTML: <span class="math ...">\(...\)</span> -> plain text
    title = _MATH_SPAN.sub(lambda m: html.escape(tex_to_text(html.unescape(m.group(1)))), title)
    _original_feed(self, docname, filename, title, doctree)


def _page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if pagename == "search":
        app.add_js_file("search-snippets.js", priority=600, defer="defer")


def _copy_js(app: Any, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        src = Path(__file__).resolve().parent / "search-snippets.js"
        dst = Path(app.outdir) / "_static" / "search-snippets.js"
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(src.read_bytes())


def setup(app: Any) -> dict[str, Any]:
    IndexBuilder._word_collector = _word_collector  # type: ignore[method-assign]
    IndexBuilder.feed = _feed  # type: ignore[method-assign]
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _copy_js)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
