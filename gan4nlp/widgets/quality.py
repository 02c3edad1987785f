"""Interactive figure of chapter 11: the quality-diversity curve of a generator swept over its
sampling temperature (Caccia et al. 2020, "Language GANs Falling Short").

Lowering the temperature tau makes sampling cautious: the samples get better (more of them
grammatical, more n-grams shared with real text) and less diverse (lower entropy, higher
Self-BLEU). Sweeping tau traces a curve; a model trained another way (a GAN) is better than
maximum likelihood only if its point lies above that curve, not merely above the point at tau = 1.

- `evaluation.quality_sweep` (importable from here too): every metric of `gan4nlp.evaluation` at
  each temperature of a grid, plus a few sample sentences marked grammatical or not. This is the
  expensive part (seconds); it runs once, before the widget is built.
- `recorded_curves`: the curves and points of the recorded runs (benchmarks/textgan_runs.py),
  mean and standard deviation over seeds.
- `plot_quality_diversity`: one view of a curve (any two metrics) with optional extra points
  (other models) and a highlighted temperature; the notebook also uses it for recorded runs.
- `draw_quality_diversity`: the widget's figure: grammaticality against entropy, BLEU-4 against
  1 - Self-BLEU-4, and the sample sentences at the chosen temperature. It only draws.
- `quality_explorer`: the `Explorer` with a temperature slider.

    sweep = quality_sweep(run.generator, run.vocab, run.grammar, run.heldout)
    quality_explorer(sweep, lang="th")
"""
from __future__ import annotations

import torch
from matplotlib.figure import Figure

from ..evaluation import SWEEP_TEMPERATURES as TEMPERATURES  # noqa: F401
from ..evaluation import quality_sweep  # noqa: F401  (chapter 11 calls it as quality.quality_sweep)
from .base import Explorer, control_labels, mark_kind, nearest, new_figure, one_thread, reuse_layout, slider, texts

METRICS = ("grammaticality", "entropy", "nll_heldout", "bleu4", "self_bleu4")
DIVERSITY = "1-self_bleu4"        # a derived metric: 1 - Self-BLEU-4

TEXT = {
    "en": {
        "grammaticality": "grammaticality (exact)",
        "entropy": "entropy (nats per token)",
        "nll_heldout": "NLL of held-out data (nats per token)",
        "nll_oracle": "NLL-oracle (nats per token)",
        "bleu4": "BLEU-4 (held-out references)",
        "self_bleu4": "Self-BLEU-4",
        DIVERSITY: "1 - Self-BLEU-4",
        "curve": "MLE, temperature sweep",
        "point": "τ = {t:g}",
        "title_gram": "quality: grammaticality, diversity: entropy",
        "title_bleu": "quality: BLEU-4, diversity: 1 - Self-BLEU-4",
        "summary": ("τ = {t:g}:  grammatical {grammaticality:.0%},  entropy {entropy:.2f},  "
                    "BLEU-4 {bleu4:.2f},  Self-BLEU-4 {self_bleu4:.2f}"),
        "samples": "samples (✓ grammatical, ✗ not):",
        "empty": "(empty sentence)",
    },
    "th": {
        "grammaticality": "สัดส่วนที่ถูกไวยากรณ์ (แม่นตรง)",
        "entropy": "entropy (nat ต่อ token)",
        "nll_heldout": "NLL ของข้อมูลที่กันไว้ (nat ต่อ token)",
        "nll_oracle": "NLL-oracle (nat ต่อ token)",
        "bleu4": "BLEU-4 (เทียบประโยคที่กันไว้)",
        "self_bleu4": "Self-BLEU-4",
        DIVERSITY: "1 - Self-BLEU-4",
        "curve": "MLE ที่ temperature ต่าง ๆ",
        "point": "τ = {t:g}",
        "title_gram": "คุณภาพ: ถูกไวยากรณ์, ความหลากหลาย: entropy",
        "title_bleu": "คุณภาพ: BLEU-4, ความหลากหลาย: 1 - Self-BLEU-4",
        "summary": ("τ = {t:g}:  ถูกไวยากรณ์ {grammaticality:.0%},  entropy {entropy:.2f},  "
                    "BLEU-4 {bleu4:.2f},  Self-BLEU-4 {self_bleu4:.2f}"),
        "samples": "ประโยคตัวอย่าง (✓ ถูกไวยากรณ์, ✗ ไม่ถูก):",
        "empty": "(ประโยคว่าง)",
    },
}

# Display names of the methods in the recorded runs (`recorded_curves(..., names=METHOD_NAMES[lang])`).
METHOD_NAMES = {
    "en": {"seqgan": "SeqGAN (ch. 8)", "gumbel": "Gumbel-softmax GAN (ch. 9)",
           "mle": "MLE, 75 epochs (the baseline)",
           "pretrained": "MLE, 15 epochs (every GAN's start)"},
    "th": {"seqgan": "SeqGAN (บทที่ 8)", "gumbel": "GAN แบบ Gumbel-softmax (บทที่ 9)",
           "mle": "MLE 75 epoch (baseline)",
           "pretrained": "MLE 15 epoch (จุดเริ่มของ GAN ทุกแบบ)"},
}

# Thai slider labels; the English ones are read from the draw function's docstring.
CONTROL_LABELS = {"th": {"temperature": "temperature ของการสุ่ม τ"}}

POINT_STYLES = ("s", "D", "^", "v", "P", "X")


def metric(row: dict, key: str) -> float:
    """A metric of a sweep row; ``"1-self_bleu4"`` is computed from ``self_bleu4``."""
    if key == DIVERSITY:
        return 1.0 - row["self_bleu4"]
    return row[key]


def _has(row: dict, key: str) -> bool:
    return ("self_bleu4" if key == DIVERSITY else key) in row


def spread(row: dict, key: str) -> float:
    """The standard deviation recorded beside a metric (``<key>_sd``), 0 when there is none."""
    return row.get(("self_bleu4" if key == DIVERSITY else key) + "_sd", 0.0)


# ------------------------------------------------------------------------------------------------
# Recorded runs (benchmarks/textgan_runs.py)

def mean_sd(rows: list[dict], keys=METRICS) -> dict:
    """Mean and standard deviation over `rows` (seeds) of every key they all have: ``{k, k + "_sd"}``."""
    if not rows:
        raise ValueError("no rows to average")
    out = {}
    for k in keys:
        if all(k in r for r in rows):
            values = torch.tensor([float(r[k]) for r in rows], dtype=torch.float64)
            out[k] = values.mean().item()
            out[k + "_sd"] = values.std().item() if len(rows) > 1 else 0.0
    return out


def recorded_curves(result: dict, names: dict | None = None) -> tuple[dict, dict]:
    """(curves, points) from a results file of ``benchmarks/textgan_runs.py`` (runs named
    ``<method>-seed<s>``; ``mle`` and ``pretrained`` are swept over temperature).

    ``curves`` maps each method with a ``by_temperature`` sweep to its rows, mean and standard
    deviation over seeds at each temperature; ``points`` maps every method with a ``final``
    entry, except those swept, to its mean and sd over seeds (sampled at temperature 1).
    Methods are named by ``names`` ({method: label}), e.g. ``METHOD_NAMES[lang]``."""
    runs = result.get("runs") if isinstance(result, dict) else None
    if not runs:
        raise ValueError("expected the dict written by benchmarks/textgan_runs.py, with a non-empty 'runs'")
    names = names or {}
    by_method: dict[str, list] = {}
    for key, entry in runs.items():
        method, sep, _ = key.rpartition("-seed")
        if not sep:
            raise ValueError(f"run names look like '<method>-seed<s>', got {key!r}")
        by_method.setdefault(method, []).append(entry)
    curves, points = {}, {}
    for method, entries in by_method.items():
        if all("by_temperature" in e for e in entries):
            temps = sorted(entries[0]["by_temperature"], key=float)
            curves[names.get(method, method)] = [
                {"temperature": float(t), **mean_sd([e["by_temperature"][t] for e in entries])} for t in temps]
        elif all("final" in e for e in entries):
            points[names.get(method, method)] = {"temperature": 1.0, **mean_sd([e["final"] for e in entries])}
    if not curves and not points:
        raise ValueError("the results hold neither 'by_temperature' sweeps nor 'final' metrics")
    return curves, points


# ------------------------------------------------------------------------------------------------
# Drawing

def plot_quality_diversity(ax, curve: list[dict], x: str = "entropy", y: str = "grammaticality", *,
                           points: dict | None = None, highlight: float | None = None, lang: str = "en",
                           labels: dict | None = None, annotate: bool = True, legend: bool = True,
                           color: str = "#1b6ca8", label: str | None = None):
    """Quality `y` against diversity `x`: the temperature curve (one point per row, labelled with
    its tau; error bars from ``<key>_sd`` entries; `label` defaults to "MLE, temperature sweep"),
    other models as separate markers (``points={name: row or [rows]}``; a model without one of
    the two metrics is left out), and the row whose temperature is `highlight` circled. Call it
    again on the same axes to add a second curve (another `color`, ``points=None``)."""
    t = texts(TEXT, lang, labels)
    xs = [metric(r, x) for r in curve]
    ys = [metric(r, y) for r in curve]
    if curve:                          # an empty curve: only the points
        ax.errorbar(xs, ys, xerr=[spread(r, x) for r in curve], yerr=[spread(r, y) for r in curve], fmt="o-",
                    color=color, ms=4, lw=1.5, elinewidth=0.8, capsize=0, label=label or t["curve"], zorder=2)
    if annotate:
        for r, xv, yv in zip(curve, xs, ys):
            ax.annotate(f"{r['temperature']:g}", (xv, yv), textcoords="offset points", xytext=(4, 4),
                        fontsize=8, color=color)
    for i, (name, rows) in enumerate((points or {}).items()):
        rows = rows if isinstance(rows, (list, tuple)) else [rows]
        rows = [r for r in rows if _has(r, x) and _has(r, y)]
        if not rows:                   # a model without, say, BLEU is left out of the BLEU panel
            continue
        ax.errorbar([metric(r, x) for r in rows], [metric(r, y) for r in rows],
                    xerr=[spread(r, x) for r in rows], yerr=[spread(r, y) for r in rows],
                    fmt=POINT_STYLES[i % len(POINT_STYLES)], color=f"C{(i + 1) % 10}", ms=7, elinewidth=0.8,
                    label=name, zorder=3)
    if highlight is not None and curve:
        row = min(curve, key=lambda r: abs(r["temperature"] - highlight))
        ax.plot([metric(row, x)], [metric(row, y)], "o", ms=14, mfc="none", mec="#b2182b", mew=2, zorder=4,
                label=t["point"].format(t=row["temperature"]))
    ax.set_xlabel(t[x])
    ax.set_ylabel(t[y])
    ax.grid(alpha=0.3)
    if legend:
        ax.legend(fontsize="small")
    return ax


def _layout(fig: Figure | None):
    """(figure, [grammaticality axes, BLEU axes, text axes]). A figure this module drew and
    `render_png` laid out keeps its axes (cleared) and its frozen layout: the redraw then skips
    the constrained-layout pass, as `base.panels` does. The axes' labels keep their size."""
    if reuse_layout(fig, "quality"):
        return fig, list(fig.axes)
    fig = mark_kind(new_figure(fig, (11, 6.2)), "quality")
    grid = fig.add_gridspec(2, 2, height_ratios=(3.0, 1.45))
    axes = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])]
    return fig, axes


@one_thread()
def draw_quality_diversity(sweep: list[dict], temperature: float = 1.0, *, points: dict | None = None,
                           lang: str = "en", labels: dict | None = None, fig: Figure | None = None) -> Figure:
    """The quality-diversity curve of a temperature sweep, with the point at `temperature` circled (chapter 11).

    Left: exact grammaticality against entropy. Right: BLEU-4 against held-out sentences
    against 1 - Self-BLEU-4. Below: the metrics and the sample sentences at that temperature,
    each marked grammatical or not. `sweep` comes from `quality_sweep` (computed once), so an
    update only redraws (most of its time is the PNG render); `points` adds other models
    (``{name: row}``) to both panels.

    Controls:
        temperature: sampling temperature τ
    """
    t = texts(TEXT, lang, labels)
    row = min(sweep, key=lambda r: abs(r["temperature"] - temperature))
    fig, (ax_gram, ax_bleu, ax_text) = _layout(fig)
    plot_quality_diversity(ax_gram, sweep, "entropy", "grammaticality", points=points, highlight=row["temperature"],
                           lang=lang, labels=labels)
    ax_gram.set_title(t["title_gram"])
    plot_quality_diversity(ax_bleu, sweep, DIVERSITY, "bleu4", points=points, highlight=row["temperature"],
                           lang=lang, labels=labels, legend=False)
    ax_bleu.set_title(t["title_bleu"])
    ax_text.axis("off")
    lines = [t["summary"].format(t=row["temperature"], **{k: row[k] for k in METRICS if k in row}), t["samples"]]
    for words, ok in row.get("examples", []):
        lines.append(("✓  " if ok else "✗  ") + (" ".join(words) if words else t["empty"]))
    ax_text.text(0.0, 1.0, "\n".join(lines), transform=ax_text.transAxes, va="top", ha="left", fontsize=11,
                 linespacing=1.6)
    return fig


def quality_explorer(sweep: list[dict], *, temperature: float = 1.0, points: dict | None = None, lang: str = "en",
                     labels: dict | None = None) -> Explorer:
    """Chapter 11's widget: `draw_quality_diversity` with a slider over the sweep's temperatures.
    Pass a precomputed `quality_sweep`; nothing is sampled when the slider moves."""
    if not sweep:
        raise ValueError("sweep is empty: compute it with quality_sweep(...)")
    names = control_labels(draw_quality_diversity, lang, labels, CONTROL_LABELS)
    options = [r["temperature"] for r in sweep]
    controls = {"temperature": slider("select", names["temperature"], nearest(options, temperature), options)}
    fixed = dict(sweep=sweep, points=points, lang=lang, labels=labels)
    return Explorer(draw_quality_diversity, fixed, controls, {"temperature": options})   # every row: only a redraw
