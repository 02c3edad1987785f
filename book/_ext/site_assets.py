"""Page assets of the GAN4NLP book: one shared vendor folder, a quiet console, lighter pages.

Both editions (``_build/html/en/`` and ``_build/html/th/``) are separate Sphinx builds of the
same sources. This extension trims and fixes what every page loads:

* **One copy of the vendored libraries.** MathJax 3 and the ipywidgets page manager
  (book/tools/vendor_assets.py) live once, at the site root in ``_build/html/vendor/``, not in
  each edition's ``_static``. A script whose configured path starts with ``vendor/`` (the
  ``mathjax_path`` and ``nb_ipywidgets_js`` settings) is pointed at ``<site>/vendor/`` from
  every page. The Makefile copies the folder there; the editions are only served together.
* **The widget manager only where there are widgets.** myst-nb adds the manager to a page only
  when the notebook saved widget state; a page whose body shows no widget view (a progress bar
  closed before saving, say) does not get it either. The configs use the manager's plain bundle
  ``embed.js`` (1.9 MB), which renders the built-in controls without require.js, instead of
  myst-nb's default AMD bundle ``embed-amd.js`` (3.6 MB) plus require.js.
* **Widget fonts from the vendor folder.** ``embed.js`` finds its icon fonts next to itself. (The
  AMD bundle asked for them next to the page, ``notebooks/en/@jupyter-widgets/...``: six 404s;
  should a config go back to it, ``window.__jupyter_widgets_assets_path__`` is set to the
  vendor folder before require.js loads.)
* **MathJax 2 calls on a MathJax 3 page.** The widget labels call ``MathJax.Hub.Queue(
  ["Typeset", MathJax.Hub, el])`` (the MathJax 2 API) whenever ``window.MathJax`` exists; a
  small shim answers that call with MathJax 3's ``typesetPromise([el])``, queued until MathJax
  has started.
* **Thebe off means no thebe scripts.** sphinx-thebe adds its configuration script (twice after
  an incremental build: ``SyntaxError: Identifier 'THEBE_JS_URL' has already been declared``)
  and ``sphinx-thebe.js`` to every page even with ``launch_buttons.thebe: false``; both go, and
  an inline script that appears twice is kept once.
* **No Font Awesome JavaScript.** The theme loads ``fontawesome.js`` (1.5 MB), which only swaps
  ``<i class="fa-...">`` icons for inline SVG; the theme's stylesheet already draws the same
  icons with the Font Awesome web fonts (about 300 kB, loaded on demand), so the script is
  dropped from the page (``templates/layout.html`` applies the ``site_assets_css`` filter) and
  from the output.
* **No search index on every page.** The theme loads ``searchtools.js``, ``language_data.js``
  and ``searchindex.js`` (0.15 MB in English, 0.25 MB in Thai) on every page for its
  search-as-you-type feature, which is off; the search box sends the reader to search.html,
  which loads them itself. They are dropped from other pages (``site_assets_head`` filter).
* **Layout hooks.** The glossary's table gets the class ``glossary-table`` and pages with cell
  outputs a three-line script (tap a figure to see it at full size on a phone); the rules are in
  ``book/_static/layout.css``.

Config: ``site_vendor_prefix`` (default ``"vendor/"``): configured asset paths with this prefix
are served from the shared folder ``site_vendor_url`` (default ``"../vendor/"``, relative to the
edition's root).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from markupsafe import Markup
from sphinx.builders.html._assets import _JavaScript

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_TYPE = "application/vnd.jupyter.widget-state+json"
_FONTAWESOME_TAG = re.compile(r'\s*<script[^>]*src="[^"]*fontawesome\.js[^"]*"[^>]*>\s*</script>')
_SEARCH_TAGS = re.compile(r'\s*<script[^>]*src="[^"]*(?:searchtools\.js|language_data\.js|searchindex\.js)[^"]*"[^>]*>\s*</script>')

# Runs before MathJax 3 loads (MathJax is deferred) and before the widget manager renders:
# MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]) -> MathJax.typesetPromise([element]).
MATHJAX2_SHIM = r"""
(function () {
  var pending = [];
  function typeset(el) {
    var mj = window.MathJax;
    if (mj && mj.typesetPromise && mj.startup && mj.startup.document) {
      mj.typesetPromise(el ? [el] : undefined).catch(function (err) { console.warn("MathJax:", err); });
    } else {
      pending.push(el);
    }
  }
  var Hub = {
    Queue: function () {
      for (var i = 0; i < arguments.length; i++) {
        var job = arguments[i];
        if (Array.isArray(job) && job[0] === "Typeset") typeset(job[2]);
        else if (typeof job === "function") job();
      }
    }
  };
  var config = window.MathJax = window.MathJax || {};
  config.Hub = Hub;
  config.startup = config.startup || {};
  var ready = config.startup.ready;
  config.startup.ready = function () {
    if (ready) ready(); else MathJax.startup.defaultReady();
    MathJax.Hub = Hub;
    MathJax.startup.promise.then(function () {
      var els = pending.splice(0);
      if (els.length) MathJax.typesetPromise(els.indexOf(undefined) >= 0 ? undefined : els);
    });
  };
})();
"""


# On a phone a figure fits the column; a tap shows it at its own size, scrolling (layout.css).
ZOOM_JS = r"""
document.addEventListener("click", function (event) {
  var img = event.target.closest && event.target.closest(".cell_output img, .widget-subarea img");
  if (img && window.matchMedia("(max-width: 40rem)").matches) img.classList.toggle("zoomed");
});
"""


def _mark_glossary(app: Any, doctree: nodes.document, docname: str) -> None:
    """Class the glossary's table (book/shared/glossary-table.md) for layout.css."""
    if docname.rsplit("/", 1)[-1] == "glossary":
        for table in doctree.findall(nodes.table):
            table["classes"].append("glossary-table")


def _page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    prefix = "_static/" + app.config.site_vendor_prefix
    vendor_url = app.config.site_vendor_url
    thebe = (app.config.html_theme_options.get("launch_buttons") or {}).get("thebe", False)
    has_widgets = any(js.attributes.get("type") == WIDGET_STATE_TYPE for js in scripts if not js.filename)
    if has_widgets:
        body = context.get("body", "")
        has_widgets = WIDGET_VIEW_MIME in body
    kept = []
    seen_bodies = set()
    mathjax_at = None
    for js in scripts:
        name = str(js.filename or "")
        body = js.attributes.get("body", "")
        if not thebe and ("THEBE_JS_URL" in body or name.endswith("sphinx-thebe.js")):
            continue
        if not name and body:
            if body in seen_bodies:  # the same inline script twice
                continue
            seen_bodies.add(body)
        if not has_widgets and (js.attributes.get("type") == WIDGET_STATE_TYPE
                                or name.endswith(("require.js", "embed-amd.js"))):
            continue
        if name.startswith(prefix):
            js = _JavaScript(vendor_url + name[len(prefix):], priority=js.priority, **js.attributes)
            name = str(js.filename)
            if "mathjax" in name:
                mathjax_at = len(kept)
            elif name.endswith("require.js"):
                # the manager's icon fonts and any AMD module it loads come from the vendor folder
                rel = context["pathto"](vendor_url + "html-manager/", 1)
                kept.append(_JavaScript("", priority=js.priority,
                                     body="window.__jupyter_widgets_assets_path__ = new URL("
                                          + json.dumps(rel) + ", location.href).href;"))
        kept.append(js)
    if "cell_output" in context.get("body", ""):
        kept.append(_JavaScript("", body=ZOOM_JS.strip()))
    if mathjax_at is not None:
        # the shim goes right before MathJax (after Sphinx's `window.MathJax = {...}` config)
        mj = kept[mathjax_at]
        kept.insert(mathjax_at, _JavaScript("", priority=mj.priority, body=MATHJAX2_SHIM.strip()))
    scripts[:] = kept


def _css_filter(html: str) -> Markup:
    """Drop the theme's fontawesome.js <script> from the head (icons come from its CSS fonts)."""
    return Markup(_FONTAWESOME_TAG.sub("", str(html)))


def _head_filter(html: str, pagename: str, search_as_you_type: Any) -> Markup:
    """Drop the search code and index from a page's head unless it searches as you type (the
    search page loads its own copies)."""
    if pagename == "search" or str(search_as_you_type).strip().lower() in ("true", "1", "yes"):
        return Markup(html)
    return Markup(_SEARCH_TAGS.sub("", str(html)))


def _builder_inited(app: Any) -> None:
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        templates.environment.filters["site_assets_css"] = _css_filter
        templates.environment.filters["site_assets_head"] = _head_filter


def _build_finished(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for name in ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt"):
        path = Path(app.outdir) / "_static" / "scripts" / name
        if path.exists():
            path.unlink()


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("site_vendor_prefix", "vendor/", "html")
    app.add_config_value("site_vendor_url", "../vendor/", "html")
    templates = str(Path(__file__).resolve().parent / "templates")
    if templates not in app.config.templates_path:
        app.config.templates_path.append(templates)
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-resolved", _mark_glossary)
    # after sphinx.ext.mathjax and myst-nb have added their scripts for the page
    app.connect("html-page-context", _page_context, priority=900)
    app.connect("build-finished", _build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
