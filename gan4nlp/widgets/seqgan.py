"""Chapter 8's widget: SeqGAN's two knobs, the rollouts per prefix K and the discriminator's update
ratio (discriminator rounds per generator step), on recorded short runs.

The runs are recorded once by ``benchmarks/seqgan_grid.py`` (the ``quick`` preset of
`gan4nlp.seqgan` over a grid of K x ratio x seeds; see that script for the exact settings) into
``benchmarks/results/seqgan-grid.json``; training them again on every slider move would take
seconds to minutes, so the widget only draws. Three panels for the chosen cell, every seed a thin
line and their mean a thick one:

- NLL-oracle of SeqGAN against the MLE-only baseline trained over the same iterations (lower is
  better), both starting from the pre-trained generator (iteration 0);
- the discriminator's mean reward D(Y) for the generator's batch at each generator step;
- the discriminator's training accuracy in its last round of each iteration.

    from gan4nlp.widgets import seqgan as seqgan_widgets
    seqgan_widgets.seqgan_grid_explorer(lang="th")       # in a notebook: the figure, then sliders
    grid = seqgan_widgets.load_grid()                    # the recorded JSON as a dict

`load_result(name)` reads any recorded file of ``benchmarks/results`` (the chapter's `cpu` runs
too); outside a clone of the repository it fetches the file from GitHub.

Conventions as in `widgets.base`: a pure ``draw_seqgan_grid`` returning a Figure, a builder returning an
`Explorer`; English slider labels from the ``Controls:`` docstring section, Thai ones from
`CONTROL_LABELS`, figure texts from `TEXT`.
"""
from __future__ import annotations

import json
from pathlib import Path

from matplotlib.figure import Figure

from .. import results
from ..results import RESULTS_DIR  # noqa: F401  (re-exported)
from .base import Explorer, control_labels, one_thread, panels, slider, texts

GRID_NAME = "seqgan-grid.json"

TEXT = {
    "en": {
        "nll_title": "NLL-oracle (lower is better)",
        "reward_title": "mean reward D(Y) of the generator's batch",
        "acc_title": "discriminator accuracy (training)",
        "iteration": "adversarial iteration",
        "seqgan": "SeqGAN",
        "mle": "MLE only",
        "other_cells": "other settings (SeqGAN mean)",
        "suptitle": "K = {k} rollouts per prefix, {d} discriminator round(s) per generator step; "
                    "{seeds} seeds (thin: each seed, thick: mean)",
    },
    "th": {
        "nll_title": "NLL-oracle (ยิ่งต่ำยิ่งดี)",
        "reward_title": "reward เฉลี่ย D(Y) ของ batch จาก generator",
        "acc_title": "ความแม่นยำของ discriminator (ขณะฝึก)",
        "iteration": "รอบของการฝึกแบบแข่งขัน",
        "seqgan": "SeqGAN",
        "mle": "MLE อย่างเดียว",
        "other_cells": "ค่าตั้งอื่น (ค่าเฉลี่ยของ SeqGAN)",
        "suptitle": "rollout K = {k} ครั้งต่อ prefix, ฝึก discriminator {d} รอบต่อการปรับ generator หนึ่งครั้ง; "
                    "{seeds} seed (เส้นบาง: แต่ละ seed, เส้นหนา: ค่าเฉลี่ย)",
    },
}

# Thai slider labels; the English ones are read from the draw function's docstring.
CONTROL_LABELS = {"th": {"d_steps": "รอบการฝึก discriminator ต่อการปรับ generator หนึ่งครั้ง"}}

SEQGAN_COLOR, MLE_COLOR = "#d95f02", "#1b6ca8"


def load_result(name: str, results_dir: str | Path | None = None) -> dict:
    """A recorded JSON result of ``benchmarks/`` by file name (`gan4nlp.results.load`)."""
    return results.load(name, results_dir)


def load_grid(path: str | Path | None = None) -> dict:
    """The recorded grid of ``benchmarks/seqgan_grid.py`` (default: the book's copy), checked."""
    if path is None:
        grid = load_result(GRID_NAME)
    else:
        path = Path(path)
        if not path.exists():
            raise ValueError(f"{path} does not exist; make it with: "
                             f".venv/bin/python benchmarks/seqgan_grid.py --threads 1 --out {path}")
        grid = json.loads(path.read_text())
    for key in ("rollout_nums", "d_steps", "seeds", "runs"):
        if key not in grid:
            raise ValueError(f"not a seqgan_grid.py result: no {key!r}")
    return grid


def cell_runs(grid: dict, rollout_num: int, d_steps: int) -> list[dict]:
    """The recorded runs (one per seed) with this K and discriminator ratio; ValueError if none."""
    runs = [r for r in grid["runs"] if r["rollout_num"] == rollout_num and r["d_steps"] == d_steps]
    if not runs:
        raise ValueError(f"no recorded run with rollout_num={rollout_num!r} and d_steps={d_steps!r}; "
                         f"the grid has K in {grid['rollout_nums']} and d_steps in {grid['d_steps']}")
    return runs


def _mean(rows):
    return [sum(col) / len(col) for col in zip(*rows)]


@one_thread()
def draw_seqgan_grid(grid: dict, rollout_num: int = 16, d_steps: int = 5, *, lang: str = "en",
                     labels: dict | None = None, fig: Figure | None = None) -> Figure:
    """Recorded short SeqGAN runs for one number of rollouts K and one discriminator ratio (chapter 8).

    Left: NLL-oracle of SeqGAN and of the MLE-only baseline over the adversarial iterations
    (iteration 0 is the pre-trained generator both start from), with the SeqGAN means of every
    other cell of the grid in light grey for comparison. Middle: the discriminator's mean reward of
    the generator's batch at each generator step. Right: the discriminator's training accuracy.
    Every seed is a thin line, the mean over seeds a thick one.

    Controls:
        rollout_num: rollouts per prefix K
        d_steps: discriminator rounds per generator step
    """
    t = texts(TEXT, lang, labels)
    runs = cell_runs(grid, rollout_num, d_steps)
    fig, (ax_nll, ax_reward, ax_acc) = panels(fig, (13, 3.9), "seqgan_grid", 3)

    others = sorted({(r["rollout_num"], r["d_steps"]) for r in grid["runs"]} - {(rollout_num, d_steps)})
    for i, other in enumerate(others):
        rows = cell_runs(grid, *other)
        ax_nll.plot([0] + rows[0]["eval_steps"], _mean([[r["pretrained_nll_oracle"]] + r["nll_oracle"] for r in rows]),
                    color="0.8", lw=1, zorder=1, label=t["other_cells"] if i == 0 else None)
    steps = [0] + runs[0]["eval_steps"]
    seqgan = [[r["pretrained_nll_oracle"]] + r["nll_oracle"] for r in runs]
    mle = [[r["pretrained_nll_oracle"]] + r["mle_nll_oracle"] for r in runs]
    for curves, color, name in ((mle, MLE_COLOR, t["mle"]), (seqgan, SEQGAN_COLOR, t["seqgan"])):
        for c in curves:
            ax_nll.plot(steps, c, color=color, lw=0.8, alpha=0.45, zorder=2)
        ax_nll.plot(steps, _mean(curves), color=color, lw=2.4, label=name, zorder=3)
    ax_nll.set_title(t["nll_title"])
    ax_nll.legend(fontsize="small", framealpha=0.9)

    iterations = list(range(1, len(runs[0]["mean_reward"]) + 1))
    for ax, key, title in ((ax_reward, "mean_reward", t["reward_title"]), (ax_acc, "d_accuracy", t["acc_title"])):
        for r in runs:
            ax.plot(iterations, r[key], color=SEQGAN_COLOR, lw=0.8, alpha=0.45)
        ax.plot(iterations, _mean([r[key] for r in runs]), color=SEQGAN_COLOR, lw=2.4)
        ax.set_ylim(0.0, 1.0)
        ax.set_title(title)
    ax_acc.axhline(0.5, color="black", lw=1, ls="--")
    for ax in (ax_nll, ax_reward, ax_acc):
        ax.set_xlabel(t["iteration"])
        ax.grid(alpha=0.3)
    fig.suptitle(t["suptitle"].format(k=rollout_num, d=d_steps, seeds=len(runs)))
    return fig


def seqgan_grid_explorer(grid: dict | str | Path | None = None, *, rollout_num: int = 16, d_steps: int = 5,
                         lang: str = "en", labels: dict | None = None) -> Explorer:
    """Chapter 8's widget: `draw_seqgan_grid` with sliders for K and the discriminator ratio, over
    the values recorded in the grid (a loaded dict, a path, or None for the book's copy)."""
    if not isinstance(grid, dict):
        grid = load_grid(grid)
    names = control_labels(draw_seqgan_grid, lang, labels, CONTROL_LABELS)
    cell_runs(grid, rollout_num, d_steps)                      # a clear error for a value not recorded
    controls = {
        "rollout_num": slider("select", names["rollout_num"], rollout_num, grid["rollout_nums"]),
        "d_steps": slider("select", names["d_steps"], d_steps, grid["d_steps"]),
    }
    static = {"rollout_num": grid["rollout_nums"], "d_steps": grid["d_steps"]}      # every recorded cell
    return Explorer(draw_seqgan_grid, dict(grid=grid, lang=lang, labels=labels), controls, static)
