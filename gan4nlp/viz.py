"""Matplotlib helpers shared by the notebooks: Thai-capable fonts, variance plots, reward curves,
sample tables (every chapter).

Call `setup_fonts()` once before the first plot (the notebooks do it in their first plotting
cell). It registers the OFL Sarabun font shipped by the PyPI package ``fontpkg-sarabun`` and sets
the font list to Sarabun then DejaVu Sans: Sarabun draws Thai, DejaVu Sans the Greek letters
(tau, theta) Sarabun lacks. Figures get an opaque white background so they stay readable on a
dark-mode page.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from matplotlib import font_manager

THAI_FONT = "Sarabun"


def font_files() -> list[Path]:
    """The Sarabun TTF files shipped by ``fontpkg-sarabun``."""
    import importlib.util

    spec = importlib.util.find_spec("fontpkg_sarabun")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the Thai font package is missing: pip install fontpkg-sarabun")
    folder = Path(list(spec.submodule_search_locations)[0]) / "files"
    return sorted(folder.glob("Sarabun-*.ttf"))


def setup_fonts(size: float = 12.0) -> str:
    """Registers Sarabun with matplotlib and makes it the first font; returns its family name."""
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in font_files():
        if str(path) not in known:
            font_manager.fontManager.addfont(str(path))
    matplotlib.rcParams.update({
        "font.family": [THAI_FONT, "DejaVu Sans"],
        "font.size": size,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "savefig.facecolor": "white",
        "axes.unicode_minus": False,   # Sarabun has no U+2212 minus sign
    })
    return THAI_FONT


def _axes(ax, figsize=(6, 4)):
    if ax is None:
        setup_fonts()
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_estimates(stats, index: int = 0, ax=None, *, title: str | None = None,
                   label_estimates: str = "estimates", label_exact: str = "exact gradient",
                   label_mean: str = "mean of estimates"):
    """Histogram of one gradient component over repeats, with the exact value and the mean (ch. 4)."""
    ax = _axes(ax)
    values = stats.estimates[:, index].cpu().numpy()
    ax.hist(values, bins=max(5, min(40, len(values) // 3)), color="#8fb3d9", edgecolor="white", label=label_estimates)
    ax.axvline(float(stats.exact[index]), color="black", lw=2, label=label_exact)
    ax.axvline(float(stats.mean[index]), color="#d95f02", lw=2, ls="--", label=label_mean)
    ax.set_title(title or stats.name)
    ax.legend(fontsize="small")
    return ax


def plot_variance(rows: list[dict], metric: str = "total_variance", ax=None, *, logy: bool = True,
                  xlabel: str = "samples per estimate", ylabel: str | None = None, title: str | None = None):
    """One line per estimator: ``metric`` (a key of `GradientStats.summary`) against sample size (ch. 5)."""
    ax = _axes(ax)
    names = list(dict.fromkeys(r["estimator"] for r in rows))
    for name in names:
        pts = sorted((r["samples"], r[metric]) for r in rows if r["estimator"] == name)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=name)
    ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel or metric.replace("_", " "))
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return ax


def plot_curves(history: dict, keys, ax=None, *, xlabel: str = "step", title: str | None = None, labels=None):
    """Reward or loss curves: ``history[key]`` lists of numbers, one line per key."""
    ax = _axes(ax)
    for i, key in enumerate(keys):
        ax.plot(history[key], label=(labels[i] if labels else key))
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return ax


def plot_token_heatmap(tokens, values, ax=None, *, vocab=None, cmap: str = "viridis",
                       title: str | None = None, colorbar_label: str = "Q"):
    """Sentences as rows, one cell per token coloured by its reward (ch. 6, 8, 12).

    ``tokens`` (B, T) ids, ``values`` (B, T) numbers, ``vocab`` maps ids to strings."""
    import numpy as np

    ax = _axes(ax, figsize=(1.0 + 0.9 * len(tokens[0]), 0.8 + 0.5 * len(tokens)))
    vals = np.asarray(values, dtype=float)
    im = ax.imshow(vals, cmap=cmap, aspect="auto")
    for i, row in enumerate(tokens):
        for j, tok in enumerate(row):
            text = vocab[int(tok)] if vocab is not None else str(int(tok))
            shade = (vals[i, j] - vals.min()) / max(vals.max() - vals.min(), 1e-12)
            ax.text(j, i, text, ha="center", va="center", color="white" if shade < 0.5 else "black")
    ax.set_xticks(range(vals.shape[1]))
    ax.set_xticklabels([str(t + 1) for t in range(vals.shape[1])])
    ax.set_yticks([])
    ax.figure.colorbar(im, ax=ax, label=colorbar_label)
    if title:
        ax.set_title(title)
    return ax


def sample_table(tokens, vocab=None, scores=None, header=("sample", "score"), sep: str = " ") -> str:
    """Samples as a Markdown table (display with IPython.display.Markdown); ``sep=""`` for Thai."""
    lines = [f"| # | {header[0]} |" + (f" {header[1]} |" if scores is not None else ""),
             "|---|---|" + ("---|" if scores is not None else "")]
    for i, row in enumerate(tokens):
        words = [vocab[int(t)] for t in row] if vocab is not None else [str(int(t)) for t in row]
        line = f"| {i + 1} | {sep.join(words)} |"
        if scores is not None:
            line += f" {float(scores[i]):.3f} |"
        lines.append(line)
    return "\n".join(lines)
