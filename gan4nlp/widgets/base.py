"""The widget framework every chapter's widget uses (chapters 4-13): figure texts in both
languages, slider labels, pyplot-free figures that a redraw reuses, one torch thread, PNG
rendering, and `Explorer`, a figure with sliders.

Every widget has two layers:

- a pure drawing function ``draw_*(..., **params) -> matplotlib.figure.Figure`` that computes what
  it shows and draws it (no pyplot, no display; ``fig=`` reuses an existing figure). Tests and
  ``benchmarks/widgets.py`` call these directly;
- a builder that returns an `Explorer`. Displaying it (the last line of a cell) shows the figure
  for the default settings as an ordinary image output, then the sliders. A slider change redraws
  into an ``ipywidgets.Output`` below them, which needs a live kernel (JupyterLab via ``make lab``,
  Colab or Binder).

Texts: each widget module keeps a table ``TEXT = {"en": {...}, "th": {...}}`` read through
`texts`; slider labels come from the ``Controls:`` section of the drawing function's docstring
(English), from `CONTROL_LABELS` plus the module's own ``CONTROL_LABELS`` for ``lang="th"``, or
from ``labels={name: text}`` (`control_labels`).
"""
from __future__ import annotations

import io
import re
import weakref
from contextlib import contextmanager
from typing import Callable

import torch
from matplotlib.figure import Figure

from .. import viz

LANGS = ("en", "th")

# Thai slider labels shared by several widgets; a module's own CONTROL_LABELS adds to them.
CONTROL_LABELS = {
    "th": {
        "num_samples": "จำนวน sequence ต่อค่าประมาณ N",
        "seed": "seed ของการสุ่ม",
        "rollout_num": "จำนวน rollout ต่อ prefix K",
    },
}

_FONTS_READY = False
# Figures whose layout `render_png` has fixed, with the kind of figure `panels` drew there.
# Kept beside the figures (weakly), not as attributes set on them.
_KIND: "weakref.WeakKeyDictionary[Figure, str]" = weakref.WeakKeyDictionary()
_LAID_OUT: "weakref.WeakSet[Figure]" = weakref.WeakSet()


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def texts(table: dict, lang: str = "en", labels: dict | None = None) -> dict:
    """The texts of ``table`` ({"en": {...}, "th": {...}}) for ``lang``, with ``labels`` overriding
    any of them (keys the table does not have are ignored)."""
    out = dict(table[check_lang(lang)])
    out.update({k: v for k, v in (labels or {}).items() if k in out})
    return out


def control_labels(draw: Callable, lang: str = "en", labels: dict | None = None,
                   translations: dict | None = None) -> dict:
    """Slider labels of a drawing function: the ``Controls:`` lines of its docstring
    (``name: label``); in Thai (``lang="th"``) from `CONTROL_LABELS` and the module's
    ``translations`` ({"th": {name: label}}); overridden by ``labels``."""
    doc = draw.__doc__ or ""
    found, inside = {}, False
    for line in doc.splitlines():
        if line.strip() == "Controls:":
            inside = True
            continue
        if inside:
            m = re.match(r"\s+(\w+): (.+)$", line)
            if not m:
                break
            found[m.group(1)] = m.group(2).strip()
    if not found:
        raise ValueError(f"{draw.__name__} has no 'Controls:' section in its docstring")
    check_lang(lang)
    translated = {**CONTROL_LABELS.get(lang, {}), **(translations or {}).get(lang, {})}
    out = {k: translated.get(k, v) for k, v in found.items()}
    out.update({k: v for k, v in (labels or {}).items() if k in out})
    return out


def new_figure(fig: Figure | None, figsize) -> Figure:
    """A fresh pyplot-free figure (never shown twice by the inline backend), or ``fig`` cleared."""
    global _FONTS_READY
    if not _FONTS_READY:
        viz.setup_fonts()
        _FONTS_READY = True
    if fig is None:
        return Figure(figsize=figsize, layout="constrained")
    fig.clear()
    _LAID_OUT.discard(fig)
    _KIND.pop(fig, None)
    fig.set_layout_engine("constrained")
    return fig


def reuse_layout(fig: Figure | None, kind: str) -> bool:
    """True when ``fig`` is a figure of this `kind` that `render_png` already laid out: its axes are
    then cleared and its layout frozen, so a redraw skips creating axes and the constrained-layout
    pass (about a fifth of an update). Only for figures whose labels keep their size from one
    update to the next."""
    if fig is None or _KIND.get(fig) != kind or fig not in _LAID_OUT:
        return False
    fig.set_layout_engine("none")
    for ax in fig.axes:
        ax.clear()
    return True


def mark_kind(fig: Figure, kind: str) -> Figure:
    """Records that ``fig`` holds a figure of this `kind` (see `reuse_layout`)."""
    _KIND[fig] = kind
    return fig


def panels(fig: Figure | None, figsize, kind: str, ncols: int, **subplot_kw):
    """(figure, axes) for a figure of `ncols` panels in one row drawn by the function `kind`:
    the laid-out figure reused (`reuse_layout`), otherwise a fresh or cleared figure with new axes."""
    if reuse_layout(fig, kind) and len(fig.axes) == ncols:
        return fig, list(fig.axes)
    fig = new_figure(fig, figsize)
    axes = list(fig.subplots(1, ncols, squeeze=False, **subplot_kw)[0])
    mark_kind(fig, kind)
    return fig, axes


@contextmanager
def one_thread():
    """Runs the widgets' statistics on one torch thread, then restores the caller's setting (a
    context manager, and the decorator of every drawing function).

    The tensors are tiny, so intra-op threads only add synchronisation; on a busy 2-core machine
    (a shared CPU, a book build running other notebooks) two threads made one update 20-60 times
    slower than one thread in `benchmarks/widgets.py`."""
    before = torch.get_num_threads()
    if before != 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if before != 1:
            torch.set_num_threads(before)


def render_png(fig: Figure, dpi: float = 100) -> bytes:
    """The figure as PNG bytes, as the widgets display it (this also fixes its layout for reuse)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    _LAID_OUT.add(fig)
    return buf.getvalue()


def slider(kind: str, label: str, value, options=None, lo=None, hi=None, step=None):
    """An ipywidgets slider that updates on release: ``"select"`` (SelectionSlider over `options`),
    ``"int"`` or ``"float"`` (from `lo` to `hi` by `step`)."""
    import ipywidgets

    common = dict(description=label, continuous_update=False, style={"description_width": "initial"},
                  layout=ipywidgets.Layout(width="auto", min_width="320px"))
    if kind == "select":
        return ipywidgets.SelectionSlider(options=list(options), value=value, **common)
    if kind == "int":
        return ipywidgets.IntSlider(value=value, min=lo, max=hi, step=step or 1, **common)
    return ipywidgets.FloatSlider(value=value, min=lo, max=hi, step=step, **common)


def nearest(options, value):
    """The option closest to `value` (a slider's starting point)."""
    return min(options, key=lambda o: abs(o - value))


class Explorer:
    """A figure with sliders. Displaying it shows the current figure as an ordinary output, then
    the sliders and an ``Output`` that a slider change redraws into (live kernels only).

    ``controls`` maps parameter names to sliders; ``update(**params)`` redraws (what a slider
    change does) and returns the figure; ``figure`` is the figure drawn last."""

    def __init__(self, draw: Callable, fixed: dict, controls: dict):
        import ipywidgets

        self.draw, self.fixed, self.controls = draw, fixed, controls
        self.figure = draw(**fixed, **self.values)
        self.redraws = 0
        self._skip_first = True
        self.output = ipywidgets.interactive_output(self._on_change, controls)
        self.box = ipywidgets.VBox([ipywidgets.HBox(list(controls.values())), self.output])

    @property
    def values(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    def update(self, **params) -> Figure:
        kwargs = {**self.values, **params}
        self.figure = self.draw(**self.fixed, **kwargs, fig=self.figure)
        self.redraws += 1
        return self.figure

    def image(self):
        """The current figure as an ``IPython.display.Image`` (one PNG render: the figures lay
        themselves out, so the inline backend's extra "tight bounding box" pass is not needed)."""
        from IPython.display import Image

        return Image(data=render_png(self.figure), format="png")

    def _on_change(self, **params):
        from IPython.display import display

        if self._skip_first:        # interactive_output calls once at creation: the image above shows that state
            self._skip_first = False
            return
        self.update(**params)
        display(self.image())

    def _ipython_display_(self):
        from IPython.display import display

        display(self.image())
        display(self.box)
