"""The built book in a browser: widgets answer their sliders offline, MathJax typesets, the
console stays empty, and nothing leaves the page at phone width (issue 11).

Drives the built pages (_build/html, opened from disk with file://) in headless Chromium with
the network cut off (book/tools/cdp.py: Debian's `chromium`, no driver or browser download).
For one chapter per part (4, 5, 8, 9, 10, 13), in both editions, at 1280 px and 390 px:

* every widget on the page: each control (slider, dropdown, toggle buttons) that a `jslink`
  ties to a Stack of figure frames is moved (keyboard on the slider handle: End, Home, one step
  right; a dropdown's options) and the figure shown must become the frame for that value: the
  bytes of every visible <img> in the widget equal the Image the widget state selects for the
  new control values (the Stack's `selected_index` follows the linked control; nested Stacks
  resolve in turn). A control that is linked to no frame, or a figure that does not change,
  fails;
* MathJax typeset the page: every `.math` element holds an `mjx-container`, no TeX error
  (`mjx-merror`), no raw `\\(` or `\\[` left in the text (code blocks aside), and an equation
  wider than the column scrolls inside its box instead of being cut off;
* no console errors, no uncaught exceptions and no failed requests (a 404 for a font, any
  request to the network);
* the page does not scroll sideways (`scrollWidth <= clientWidth`), every widget control lies
  inside the viewport, and every slider track is wide enough to use.

Skipped when the book is not built or no chromium is on PATH; `make test` runs it after
building the book, and prints one line instead when chromium is missing
(`apt-get install chromium`).
"""
from __future__ import annotations

import base64
import json
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
sys.path.insert(0, str(ROOT / "book" / "tools"))
from cdp import SETTLED_JS, Browser, BrowserError, find_chromium  # noqa: E402

CHAPTERS = ["04", "05", "08", "09", "10", "13"]
EDITIONS = ["en", "th"]
WIDTHS = [1280, 390]
MIN_TRACK_PX = 60          # a slider track narrower than this cannot be used with a finger
SETTLE_S = 45.0            # MathJax + widget manager on a loaded 2-core machine
FRAME_S = 8.0              # a moved control must show its frame within this time

needs_site_and_browser = [
    pytest.mark.skipif(not (SITE / "en").is_dir() or not (SITE / "th").is_dir(),
                       reason="book not built: run `make book`"),
    pytest.mark.skipif(find_chromium() is None, reason="chromium not on PATH (apt-get install chromium)"),
]

STATE_MIME = "application/vnd.jupyter.widget-state+json"
VIEW_MIME = "application/vnd.jupyter.widget-view+json"
# Control models and the CSS class of their view's root element (ipywidgets 8).
CONTROL_CLASS = {
    "IntSliderModel": "widget-slider", "FloatSliderModel": "widget-slider",
    "FloatLogSliderModel": "widget-slider", "SelectionSliderModel": "widget-slider",
    "DropdownModel": "widget-dropdown", "ToggleButtonsModel": "widget-toggle-buttons",
    "RadioButtonsModel": "widget-radio",
}
SELECTION_MODELS = {"SelectionSliderModel", "DropdownModel", "ToggleButtonsModel", "RadioButtonsModel"}
STACK_MODELS = {"StackModel", "TabModel", "AccordionModel"}
LINK_MODELS = {"LinkModel", "DirectionalLinkModel"}
REF = "IPY_MODEL_"


# --------------------------------------------------------------------------------------------
# The widget state embedded in the page
# --------------------------------------------------------------------------------------------
class _Scripts(HTMLParser):
    """The text of <script type=...> elements of the two widget MIME types, in page order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.state: list[str] = []
        self.views: list[str] = []
        self._into: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        kind = dict(attrs).get("type") if tag == "script" else None
        self._into = self.state if kind == STATE_MIME else self.views if kind == VIEW_MIME else None
        if self._into is not None:
            self._into.append("")

    def handle_data(self, data):
        if self._into is not None:
            self._into[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._into = None


def _unref(v):
    return v[len(REF):] if isinstance(v, str) and v.startswith(REF) else None


@dataclass
class WidgetState:
    models: dict[str, dict]                 # model id -> {"name", "state", "buffers"}
    views: list[str]                        # model id of each displayed widget, page order
    links: list[tuple[str, str, str, str]] = field(default_factory=list)  # src, attr, dst, attr

    @classmethod
    def from_html(cls, html: str) -> "WidgetState":
        p = _Scripts()
        p.feed(html)
        models: dict[str, dict] = {}
        for text in p.state:
            for mid, m in json.loads(text)["state"].items():
                buffers = {tuple(b["path"]): b["data"] for b in m.get("buffers", [])}
                models[mid] = {"name": m["model_name"], "state": m["state"], "buffers": buffers}
        views = [json.loads(t)["model_id"] for t in p.views]
        ws = cls(models, views)
        for mid, m in models.items():
            if m["name"] in LINK_MODELS:
                (src, sattr), (dst, dattr) = m["state"]["source"], m["state"]["target"]
                ws.links.append((_unref(src), sattr, _unref(dst), dattr))
        return ws

    def children(self, mid: str) -> list[str]:
        return [c for c in (_unref(v) for v in self.models[mid]["state"].get("children", [])) if c]

    def image_b64(self, mid: str) -> str:
        m = self.models[mid]
        if ("value",) in m["buffers"]:
            return m["buffers"][("value",)]
        value = m["state"].get("value", "")
        return value if isinstance(value, str) else ""

    def stack_index(self, stack: str, values: dict[tuple[str, str], object]) -> int | None:
        """selected_index of a Stack given the current control values (links followed)."""
        for src, sattr, dst, dattr in self.links:
            for (a, aattr, b, battr) in ((src, sattr, dst, dattr), (dst, dattr, src, sattr)):
                if b == stack and battr == "selected_index" and (a, aattr) in values:
                    return values[(a, aattr)]
        return self.models[stack]["state"].get("selected_index")

    def walk(self, root: str, values: dict | None = None, skip_hidden: bool = True):
        """Model ids under root in DOM order; a Stack contributes only its selected child."""
        out, todo = [], [root]
        while todo:
            mid = todo.pop(0)
            out.append(mid)
            kids = self.children(mid)
            if self.models[mid]["name"] in STACK_MODELS and skip_hidden:
                i = self.stack_index(mid, values or {})
                kids = [kids[i]] if i is not None and 0 <= i < len(kids) else []
            todo[0:0] = kids
        return out

    def controls(self, root: str) -> list[str]:
        return [m for m in self.walk(root) if self.models[m]["name"] in CONTROL_CLASS]

    def drives(self, control: str) -> list[tuple[str, str]]:
        """(attribute of the control, Stack id) for every link between them."""
        found = []
        for src, sattr, dst, dattr in self.links:
            for a, aattr, b, battr in ((src, sattr, dst, dattr), (dst, dattr, src, sattr)):
                if a == control and battr == "selected_index" and self.models.get(b, {}).get("name") in STACK_MODELS:
                    found.append((aattr, b))
        return found

    def visible_images(self, root: str, values: dict) -> list[str]:
        return [m for m in self.walk(root, values) if self.models[m]["name"] == "ImageModel"]


# --------------------------------------------------------------------------------------------
# In the page
# --------------------------------------------------------------------------------------------
MATH_JS = """(() => {
  const maths = [...document.querySelectorAll('span.math, div.math')];
  const untypeset = maths.filter((el) => !el.querySelector('mjx-container')).length;
  const errors = document.querySelectorAll('mjx-merror').length;
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  const raw = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('pre, code, script, style, mjx-container, .highlight, textarea')) continue;
    const m = n.textContent.match(/\\\\[(\\[]|\\\\begin\\{/);
    if (m) raw.push(n.textContent.trim().slice(0, 80));
  }
  // an equation wider than its box must scroll, not be cut off (the theme clips span.math)
  const clipped = [];
  for (const el of document.querySelectorAll('span.math, div.math, div.math mjx-container')) {
    const cs = getComputedStyle(el);
    if (el.scrollWidth > el.clientWidth + 1 && !['auto', 'scroll'].includes(cs.overflowX)
        && cs.overflowX !== 'visible')
      clipped.push((el.textContent || '').trim().slice(0, 40));
  }
  return {maths: maths.length, containers: document.querySelectorAll('mjx-container').length,
          untypeset, errors, raw: raw.slice(0, 5), clipped: clipped.slice(0, 5)};
})()"""

LAYOUT_JS = """((selector) => {
  const doc = document.documentElement;
  const vw = doc.clientWidth;
  const out = {scrollWidth: doc.scrollWidth, clientWidth: vw, outside: [], narrow: []};
  document.querySelectorAll('.widget-subarea').forEach((area, w) => {
    area.querySelectorAll(selector).forEach((el, i) => {
      const r = el.getBoundingClientRect();
      if (r.width === 0) return;
      if (r.right > vw + 1 || r.left < -1)
        out.outside.push(`widget ${w + 1} control ${i + 1}: ${Math.round(r.left)}..${Math.round(r.right)} px`);
      const track = el.querySelector('.slider-container, .noUi-target');
      if (track && track.getBoundingClientRect().width < %d)
        out.narrow.push(`widget ${w + 1} control ${i + 1}: track ${Math.round(track.getBoundingClientRect().width)} px`);
    });
  });
  return out;
})(%s)""" % (MIN_TRACK_PX, json.dumps(", ".join("." + c for c in sorted(set(CONTROL_CLASS.values())))))

# Visible images of widget w (0-based), as base64 of the bytes they show.
IMAGES_JS = """(async (w) => {
  const area = document.querySelectorAll('.widget-subarea')[w];
  const imgs = [...area.querySelectorAll('img')].filter((im) => im.getClientRects().length > 0);
  const out = [];
  for (const im of imgs) {
    if (im.src.startsWith('data:')) { out.push(im.src.split(',', 2)[1]); continue; }
    const buf = new Uint8Array(await (await fetch(im.src)).arrayBuffer());
    let s = '';
    for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode.apply(null, buf.subarray(i, i + 0x8000));
    out.push(btoa(s));
  }
  return out;
})(%d)"""

# The w-th widget's i-th control (in DOM order of the control classes): readout and focus.
CONTROL_JS = """((w, i, selector) => {
  const area = document.querySelectorAll('.widget-subarea')[w];
  return area.querySelectorAll(selector)[i];
})(%d, %d, %s)"""


def _control(w: int, i: int) -> str:
    sel = ", ".join("." + c for c in sorted(set(CONTROL_CLASS.values())))
    return CONTROL_JS % (w, i, json.dumps(sel))


def _read_control(page, w: int, i: int) -> dict:
    return page.eval(f"""(() => {{
      const el = {_control(w, i)};
      if (!el) return null;
      const readout = el.querySelector('.widget-readout');
      const select = el.querySelector('select');
      const active = el.querySelector('button.mod-active, input[type=radio]:checked');
      return {{readout: readout ? readout.textContent.trim() : null,
               selected: select ? select.selectedIndex : null,
               active: active ? [...active.parentElement.parentElement.querySelectorAll('button, input[type=radio]')].indexOf(active) : null}};
    }})()""")


def _current_value(ws: WidgetState, control: str, attr: str, seen: dict | None):
    """The control's linked attribute as the page shows it now. For a selection control that is
    its index (a Stack's selected_index is an index; a widget built from (label, index) pairs
    has value == index); for a numeric slider, the number in its readout."""
    m = ws.models[control]
    name, st = m["name"], m["state"]
    if seen is None:
        return None
    if name in SELECTION_MODELS:
        if seen.get("selected") is not None:
            return seen["selected"]
        if seen.get("active") is not None and seen["active"] >= 0:
            return seen["active"]
        labels = st.get("_options_labels", [])
        return labels.index(seen["readout"]) if seen.get("readout") in labels else None
    try:
        value = float(seen.get("readout") or "nan")
    except ValueError:
        return None
    return int(round(value)) if name == "IntSliderModel" else value


def _moves(ws: WidgetState, control: str) -> list[tuple[str, object]]:
    """Key presses (or option choices) that move the control through its range."""
    name = ws.models[control]["name"]
    if name.endswith("SliderModel"):
        return [("key", "End"), ("key", "Home"), ("key", "ArrowRight")]
    n = len(ws.models[control]["state"].get("_options_labels", []))
    return [("choose", k) for k in ([n - 1, 0, 1] if n > 2 else range(n))]


def _move(page, w: int, i: int, how: str, arg) -> None:
    if how == "key":
        page.eval(f"""(() => {{ const el = {_control(w, i)};
            const h = el.querySelector('.noUi-handle') || el.querySelector('[tabindex]');
            h.scrollIntoView({{block: 'center'}}); h.focus(); return document.activeElement === h; }})()""")
        page.press(arg)
    else:
        page.eval(f"""(() => {{ const el = {_control(w, i)};
            const select = el.querySelector('select');
            if (select) {{ select.selectedIndex = {arg}; select.dispatchEvent(new Event('change', {{bubbles: true}})); return; }}
            el.querySelectorAll('button, input[type=radio]')[{arg}].click(); }})()""")


def _initial_values(ws: WidgetState, root: str) -> dict:
    values = {}
    for c in ws.controls(root):
        st = ws.models[c]["state"]
        for attr, _ in ws.drives(c):
            # a state saved without defaults omits index 0
            values[(c, attr)] = st.get("index", 0) if ws.models[c]["name"] in SELECTION_MODELS else st.get(attr)
    return values


def check_widgets(page, ws: WidgetState) -> list[str]:
    problems = []
    n_areas = page.eval("document.querySelectorAll('.widget-subarea').length")
    if n_areas != len(ws.views):
        return [f"{len(ws.views)} widget views in the state, {n_areas} rendered"]
    for w, root in enumerate(ws.views):
        if root not in ws.models:
            problems.append(f"widget {w + 1}: model {root} missing from the saved state")
            continue
        controls = ws.controls(root)
        if not controls:
            continue
        dom_count = page.eval(f"""document.querySelectorAll('.widget-subarea')[{w}]
            .querySelectorAll({json.dumps(", ".join("." + c for c in sorted(set(CONTROL_CLASS.values()))))}).length""")
        if dom_count != len(controls):
            problems.append(f"widget {w + 1}: {len(controls)} controls in the state, {dom_count} on the page")
            continue
        values = _initial_values(ws, root)

        def expected() -> list[str]:
            return [ws.image_b64(m) for m in ws.visible_images(root, values)]

        shown = page.eval(IMAGES_JS % w, await_promise=True)
        if shown != expected():
            problems.append(f"widget {w + 1}: the initial figure is not the frame for the initial values")
        for i, control in enumerate(controls):
            label = ws.models[control]["state"].get("description") or f"control {i + 1}"
            links = ws.drives(control)
            if not links:
                problems.append(f"widget {w + 1}, {label!r}: moving it changes no figure "
                                f"(not linked to a Stack of precomputed frames)")
                continue
            for how, arg in _moves(ws, control):
                before = page.eval(IMAGES_JS % w, await_promise=True)
                _move(page, w, i, how, arg)
                page.wait_for("true", timeout=0.2)
                seen = _read_control(page, w, i)
                for attr, _stack in links:
                    values[(control, attr)] = _current_value(ws, control, attr, seen)
                want = expected()
                got = page.wait_for(f"""(async () => {{
                    const imgs = await {IMAGES_JS % w};
                    return JSON.stringify(imgs) === {json.dumps(json.dumps(want))} ? imgs : null;
                }})()""", timeout=FRAME_S, await_promise=True) if want else None
                where = f"widget {w + 1}, {label!r} -> {seen.get('readout') if seen else '?'} ({how} {arg})"
                if not want:
                    problems.append(f"{where}: no frame for these values in the widget state")
                elif got is None:
                    problems.append(f"{where}: the figure is not the frame for this value")
                elif want != before and got == before:
                    problems.append(f"{where}: the figure did not change")
    return problems


def check_page(browser: Browser, path: Path, width: int) -> list[str]:
    page = browser.new_page(width=width, height=900 if width > 500 else 844, mobile=width <= 500)
    problems: list[str] = []
    try:
        page.goto(path.resolve().as_uri(), timeout=2 * SETTLE_S)
        if page.wait_for(SETTLED_JS, timeout=SETTLE_S) is None:
            problems.append(f"MathJax or a widget did not render within {SETTLE_S:.0f} s")
        math = page.eval(MATH_JS)
        if math["maths"] and math["untypeset"]:
            problems.append(f"MathJax left {math['untypeset']} of {math['maths']} formulas untypeset")
        if math["errors"]:
            problems.append(f"{math['errors']} TeX errors (mjx-merror)")
        if math["raw"]:
            problems.append(f"raw TeX in the text: {math['raw']}")
        if math["clipped"]:
            problems.append(f"equations cut off, not scrollable: {math['clipped']}")
        layout = page.eval(LAYOUT_JS)
        if layout["scrollWidth"] > layout["clientWidth"]:
            wide = page.eval("""[...document.querySelectorAll('main *')].filter((el) =>
                el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                && !el.closest('.MathJax, mjx-container, pre, .table-wrapper, .output_area, .cell_output'))
                .slice(0, 3).map((el) => el.tagName.toLowerCase() + '.' + [...el.classList].join('.')
                + ' ' + (el.textContent || '').trim().slice(0, 50))""")
            problems.append(f"the page scrolls sideways: {layout['scrollWidth']} px wide in a "
                            f"{layout['clientWidth']} px viewport (e.g. {wide})")
        problems += [f"control outside the viewport: {o}" for o in layout["outside"]]
        problems += [f"slider track too narrow (< {MIN_TRACK_PX} px): {o}" for o in layout["narrow"]]
        ws = WidgetState.from_html(path.read_text(encoding="utf-8"))
        problems += check_widgets(page, ws)
        page.wait_for("true", timeout=0.5)
        problems += [f"console: {e}" for e in page.console_errors]
        problems += [f"failed request: {r}" for r in page.failed_requests]
    except BrowserError as e:
        problems.append(f"the page did not respond: {e}")
    finally:
        page.close()
    return problems


@pytest.fixture(scope="module")
def browser():
    with Browser() as b:
        yield b


def chapter_page(edition: str, chapter: str) -> Path:
    found = sorted((SITE / edition / "notebooks" / edition).glob(f"{chapter}_*.html"))
    assert found, f"no built page for chapter {chapter} in the {edition} edition"
    return found[0]


@needs_site_and_browser[0]
@needs_site_and_browser[1]
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_in_browser(browser, chapter, edition, width):
    path = chapter_page(edition, chapter)
    problems = check_page(browser, path, width)
    if problems:
        pytest.fail(f"{path.relative_to(SITE)} at {width} px:\n  " + "\n  ".join(problems), pytrace=False)


def test_widget_state_links_resolve_to_frames():
    """The state reader itself, on a hand-made state: a slider linked to a Stack of two Images,
    a dropdown linked to nested Stacks; the visible image follows the values."""
    def model(name, **state):
        return {"model_name": name, "model_module": "@jupyter-widgets/controls", "state": state}

    state = {
        "s": model("SelectionSliderModel", _options_labels=["1", "2"], index=0, description="n"),
        "d": model("DropdownModel", _options_labels=["a", "b"], index=1),
        "i00": {**model("ImageModel"), "buffers": [{"path": ["value"], "data": "AA==", "encoding": "base64"}]},
        "i01": {**model("ImageModel"), "buffers": [{"path": ["value"], "data": "AQ==", "encoding": "base64"}]},
        "i10": {**model("ImageModel"), "buffers": [{"path": ["value"], "data": "Ag==", "encoding": "base64"}]},
        "i11": {**model("ImageModel"), "buffers": [{"path": ["value"], "data": "Aw==", "encoding": "base64"}]},
        "in0": model("StackModel", children=["IPY_MODEL_i00", "IPY_MODEL_i01"], selected_index=1),
        "in1": model("StackModel", children=["IPY_MODEL_i10", "IPY_MODEL_i11"], selected_index=1),
        "out": model("StackModel", children=["IPY_MODEL_in0", "IPY_MODEL_in1"], selected_index=0),
        "box": model("VBoxModel", children=["IPY_MODEL_s", "IPY_MODEL_d", "IPY_MODEL_out"]),
        "l1": model("LinkModel", source=["IPY_MODEL_s", "index"], target=["IPY_MODEL_out", "selected_index"]),
        "l2": model("LinkModel", source=["IPY_MODEL_d", "index"], target=["IPY_MODEL_in0", "selected_index"]),
        "l3": model("LinkModel", source=["IPY_MODEL_d", "index"], target=["IPY_MODEL_in1", "selected_index"]),
    }
    html = (f'<script type="{STATE_MIME}">{json.dumps({"version_major": 2, "version_minor": 0, "state": state})}</script>'
            f'<script type="{VIEW_MIME}">{{"version_major": 2, "version_minor": 0, "model_id": "box"}}</script>')
    ws = WidgetState.from_html(html)
    assert ws.views == ["box"]
    assert ws.controls("box") == ["s", "d"]
    assert ws.drives("s") == [("index", "out")]
    assert sorted(ws.drives("d")) == [("index", "in0"), ("index", "in1")]
    for s_index in (0, 1):
        for d_index in (0, 1):
            values = {("s", "index"): s_index, ("d", "index"): d_index}
            (img,) = ws.visible_images("box", values)
            assert img == f"i{s_index}{d_index}"
            assert base64.b64decode(ws.image_b64(img)) == bytes([2 * s_index + d_index])
    seen = {"readout": "2", "selected": None, "active": None}
    assert _current_value(ws, "s", "index", seen) == 1
    assert _current_value(ws, "d", "index", {"readout": None, "selected": 0, "active": None}) == 0
