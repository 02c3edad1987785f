"""Search results that read as text: no raw TeX, no snippet that starts inside a Thai syllable.

Sphinx's search shows, for each result, the title of the matching section and a snippet of
about 240 characters cut from the page around the first match. Two things went wrong on the
GAN4NLP pages:

* **Raw TeX.** The index and the snippets are made from the page source, where an equation is
  still ``\\(D_\\phi(Y)\\)`` (MathJax typesets it only in the reader's browser). At build time,
  this extension keeps math out of the index words and writes section titles with their math
  turned into plain text (``$J(\\theta)$`` -> ``J(θ)``, see `tex_to_text`); in the browser,
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

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.search import WordCollector

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


_original_dispatch_visit = WordCollector.dispatch_visit


def _dispatch_visit(self: WordCollector, node: nodes.Node) -> None:
    if isinstance(node, MATH_NODES):
        raise nodes.SkipNode
    if isinstance(node, nodes.title):
        title = plain_text(node)
        ids = node.parent["ids"]
        self.found_titles.append((title, ids[0] if ids else None))
        self.found_title_words.extend(self.lang.split(title))
        return
    _original_dispatch_visit(self, node)


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
    WordCollector.dispatch_visit = _dispatch_visit  # type: ignore[method-assign]
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _copy_js)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
