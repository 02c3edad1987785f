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

Static book: when the book is built (the environment variable `STATIC_ENV`,
``GAN4NLP_STATIC_WIDGETS=1``, set by ``make book``), an `Explorer` precomputes, with the same
``draw_*`` function, the figure for every combination of a reduced grid of slider values (the
builder's ``static=``) and shows them in an ``ipywidgets.Stack`` of ``Image`` widgets whose
``selected_index`` is linked in the browser (``jslink``) to each slider's ``index``: the page
answers its sliders with no kernel. A note below the sliders names the precomputed values and
says that any other value needs a running kernel. In a live kernel nothing is precomputed.

Texts: each widget module keeps a table ``TEXT = {"en": {...}, "th": {...}}`` read through
`texts`; slider labels come from the ``Controls:`` section of the drawing function's docstring
(English), from `CONTROL_LABELS` plus the module's own ``CONTROL_LABELS`` for ``lang="th"``, or
from ``labels={name: text}`` (`control_labels`).
"""
from __future__ import annotations

import html
import io
import itertools
import os
import re
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
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

STATIC_ENV = "GAN4NLP_STATIC_WIDGETS"   # "1" while the book is built: precompute the frames
STATIC_DPI = 80                          # frames: about 900 px wide for the book's 11-14 inch figures
STATIC_NOTE = {
    "en": ("<small>This page has no running kernel: the figure is precomputed for {values}. "
           "Any other value needs a running kernel (Colab, Binder or <code>make lab</code>).</small>"),
    "th": ("<small>หน้านี้ไม่มี kernel ทำงานอยู่ ภาพจึงคำนวณไว้ล่วงหน้าเฉพาะ {values} "
           "ค่าอื่นต้องใช้ kernel ที่ทำงานอยู่ (Colab, Binder หรือ <code>make lab</code>)</small>"),
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


def static_mode() -> bool:
    """True while the book is built (`STATIC_ENV` set to anything but "" or "0")."""
    return os.environ.get(STATIC_ENV, "") not in ("", "0")


def compact_png(png: bytes) -> bytes:
    """A PNG re-encoded with at most 256 colours (a palette, no dithering) and zlib at its best:
    the widgets' flat-coloured plots look the same at a fraction of the bytes."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    palette.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def frame_png(draw: Callable, fixed: dict, params: dict, dpi: float = STATIC_DPI) -> bytes:
    """One frame of the static book: a fresh figure ``draw(**fixed, **params)`` as a compact PNG."""
    return compact_png(render_png(draw(**fixed, **params), dpi))


def _label(control, value) -> str:
    """How a slider shows `value`: its own label for a selection slider, else the number."""
    labels = dict(zip(getattr(control, "_options_values", ()), getattr(control, "_options_labels", ())))
    if value in labels:
        return labels[value]
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass
class StaticFrames:
    """The precomputed figures of an `Explorer` for the static book: ``options`` maps each control
    to the values precomputed for it (in slider order), ``frames`` maps each combination (a tuple
    in the order of ``options``) to its PNG."""

    options: dict
    frames: dict
    labels: dict

    @classmethod
    def compute(cls, draw: Callable, fixed: dict, controls: dict, static: dict | None, dpi: float = STATIC_DPI):
        """Every combination of ``static`` values ({name: values}; a control not named keeps only its
        current value; the current value is always included), drawn with `frame_png`. A ``cache``
        dict among the fixed arguments is replaced by a fresh one for the frames."""
        static = static or {}
        unknown = set(static) - set(controls)
        if unknown:
            raise ValueError(f"static names controls that do not exist: {sorted(unknown)}")
        options, labels = {}, {}
        for name, control in controls.items():
            values = list(static.get(name, ()))
            if control.value not in values:
                values.append(control.value)
            order = list(getattr(control, "_options_values", ()))
            bad = [v for v in values if ((v not in order) if order else not control.min <= v <= control.max)]
            if bad:
                raise ValueError(f"static values {bad} of {name!r} are not on its slider")
            values = sorted(values, key=order.index) if order else sorted(values)
            options[name] = tuple(values)
            labels[name] = tuple(_label(control, v) for v in values)
        if isinstance(fixed.get("cache"), dict):      # the frames' own cache: the live widget's keeps only its moves
            fixed = {**fixed, "cache": {}}
        frames = {combo: frame_png(draw, fixed, dict(zip(options, combo)), dpi)
                  for combo in itertools.product(*options.values())}
        return cls(options, frames, labels)

    def widget(self, controls: dict, lang: str = "en"):
        """Sliders over the precomputed values, a nested ``Stack`` of ``Image`` widgets (one level
        per slider) linked to them in the browser, and the note naming the values."""
        import ipywidgets

        names = list(self.options)
        sliders, groups = {}, []
        for name in names:          # the label above its slider: on a phone the track keeps its width
            sliders[name] = ipywidgets.SelectionSlider(
                options=list(self.labels[name]), index=self.options[name].index(controls[name].value),
                continuous_update=True, layout=ipywidgets.Layout(width="100%"))
            label = ipywidgets.HTML(html.escape(controls[name].description))
            groups.append(ipywidgets.VBox([label, sliders[name]],
                                          layout=ipywidgets.Layout(flex="1 1 260px", min_width="0", max_width="460px")))
        links = []

        def level(depth: int, prefix: tuple):
            if depth == len(names):
                return ipywidgets.Image(value=self.frames[prefix], format="png",
                                        layout=ipywidgets.Layout(max_width="100%", height="auto"))
            name = names[depth]
            stack = ipywidgets.Stack([level(depth + 1, prefix + (v,)) for v in self.options[name]],
                                     selected_index=sliders[name].index, layout=ipywidgets.Layout(width="100%"))
            links.append(ipywidgets.jslink((sliders[name], "index"), (stack, "selected_index")))
            return stack

        stack = level(0, ())
        values = "; ".join(html.escape(f"{controls[n].description} ∈ {{{', '.join(self.labels[n])}}}") for n in names)
        note = ipywidgets.HTML(STATIC_NOTE[check_lang(lang)].format(values=values))
        row = ipywidgets.HBox(groups, layout=ipywidgets.Layout(flex_flow="row wrap", width="100%"))
        box = ipywidgets.VBox([row, note, stack], layout=ipywidgets.Layout(width="100%"))
        return box, sliders, stack, links


class Explorer:
    """A figure with sliders. Displaying it shows the current figure as an ordinary output, then
    the sliders and an ``Output`` that a slider change redraws into (live kernels only).

    ``controls`` maps parameter names to sliders; ``update(**params)`` redraws (what a slider
    change does) and returns the figure; ``figure`` is the figure drawn last. While the book is
    built (`static_mode`), the figures for the ``static`` values ({name: values}) are precomputed
    instead (`StaticFrames`, in ``self.static``) and displaying shows them behind linked sliders."""

    def __init__(self, draw: Callable, fixed: dict, controls: dict, static: dict | None = None):
        import ipywidgets

        self.draw, self.fixed, self.controls = draw, fixed, controls
        self.figure = draw(**fixed, **self.values)
        self.redraws = 0
        self._skip_first = True
        self.static = StaticFrames.compute(draw, fixed, controls, static) if static_mode() else None
        self.output = ipywidgets.interactive_output(self._on_change, controls)     # live sliders, in both modes
        row = ipywidgets.HBox(list(controls.values()), layout=ipywidgets.Layout(flex_flow="row wrap"))
        self.box = ipywidgets.VBox([row, self.output])

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

        if self.static is not None:
            display(self.static.widget(self.controls, self.fixed.get("lang", "en"))[0])
            return
        display(self.image())
        display(self.box)
