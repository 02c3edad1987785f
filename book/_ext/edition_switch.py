"""Link each page of one edition of the book to the same page in the other edition.

The English and Thai editions are two Sphinx builds of the same source tree, published
side by side as ``_build/html/en/`` and ``_build/html/th/``. Their documents differ only
in one path segment (``book/en/intro`` <-> ``book/th/intro``, ``notebooks/en/01_x`` <->
``notebooks/th/01_x``), so the counterpart of every page is known without a table:

* every page gets a small link at the top of its body to the same page in the other
  edition, plus ``<link rel="alternate" hreflang=...>`` in its head;
* a document whose counterpart source file is missing raises a warning, which fails the
  ``-W`` book build: the two editions keep the same pages.

Config: ``edition_language`` ("en"), ``edition_other_language`` ("th"),
``edition_switch_label`` (the link text, written in the other language).
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from sphinx.util import logging

logger = logging.getLogger(__name__)


def counterpart(docname: str, lang: str, other: str) -> str | None:
    parts = docname.split("/")
    if lang not in parts:
        return None
    parts[parts.index(lang)] = other
    return "/".join(parts)


def _check_counterparts(app: Any, env: Any) -> None:
    lang, other = app.config.edition_language, app.config.edition_other_language
    srcdir = Path(app.srcdir)
    for docname in sorted(env.found_docs):
        twin = counterpart(docname, lang, other)
        if twin is None:
            continue
        if not any((srcdir / f"{twin}{suffix}").is_file() for suffix in app.config.source_suffix):
            logger.warning(
                "edition_switch: %s has no counterpart in the %r edition (expected %s.*)",
                docname, other, twin, location=docname,
            )


def _add_switch(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    lang, other = app.config.edition_language, app.config.edition_other_language
    twin = counterpart(pagename, lang, other) or pagename  # genindex, search, ...
    # From <site>/<lang>/<pagename>.html up to <site>/, then down into the other edition.
    up = "../" * (pagename.count("/") + 1)
    href = f"{up}{other}/{app.builder.get_target_uri(twin)}"
    label = html.escape(app.config.edition_switch_label)
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{other}" href="{html.escape(href)}" />'
    )
    if context.get("body"):
        context["body"] = (
            f'<p class="edition-switch" lang="{other}">'
            f'<a class="reference external" href="{html.escape(href)}" hreflang="{other}">{label}</a></p>\n'
            + context["body"]
        )


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("edition_language", "en", "html")
    app.add_config_value("edition_other_language", "th", "html")
    app.add_config_value("edition_switch_label", "อ่านฉบับภาษาไทย", "html")
    app.connect("env-check-consistency", _check_counterparts)
    app.connect("html-page-context", _add_switch)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
