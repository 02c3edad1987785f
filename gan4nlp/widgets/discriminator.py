"""Chapter 7's widget: the rewards a discriminator gives as it trains, real against generated.

A discriminator's reward D(Y) = P(real | Y) is only useful to a generator while it still varies
between generated sentences. This widget shows, epoch by epoch, the histogram of D on held-out
real and generated sentences, the held-out accuracy and the mean reward, and the norm of the
generator's REINFORCE gradient: it rises while the discriminator learns something and falls again
once every generated sentence gets D close to 0 (chapter 7; Yu et al. 2017; Goodfellow et al.
2014, sec. 3, on the saturating log(1 - D)).

Training is the expensive part, so it happens once, in `gan4nlp.discriminator.record_training`
(importable from here too), which keeps the rewards of every epoch (a snapshot); the drawing
function only histograms stored numbers:

    history = record_training(disc, opt, real, fake, heldout_real, heldout_fake, epochs=12,
                              measure=gradient_norms)         # measure(disc) -> {name: float}
    explorer = reward_explorer(history, epoch=3, lang="th")
    explorer                                                   # in a notebook: figure, then sliders

Conventions (figures, sliders, Thai labels) follow `widgets.base`.
"""
from __future__ import annotations

import math

import torch
from matplotlib.figure import Figure

from .. import _checks
from ..discriminator import record_training  # noqa: F401  (chapter 7 imports it from here)
from .base import Explorer, control_labels, one_thread, panels, slider, texts

SCALES = ("D", "log D")

TEXT = {
    "en": {
        "hist_title": "epoch {epoch}: held-out accuracy {acc:.0%}",
        "real": "real (held out)",
        "generated": "generated (held out)",
        "xlabel_D": "reward D(Y) = P(real | Y)",
        "xlabel_log D": "log D(Y)",
        "ylabel": "fraction of sentences",
        "curve_title": "as the discriminator trains",
        "epochs": "discriminator training epochs",
        "accuracy": "held-out accuracy",
        "mean_real": "mean D, real",
        "mean_fake": "mean D, generated",
        "norm_title": "norm of the REINFORCE gradient",
        "norm_ylabel": "|g|",
    },
    "th": {
        "hist_title": "epoch ที่ {epoch}: ความแม่นยำบนชุดที่กันไว้ {acc:.0%}",
        "real": "ประโยคจริง (ชุดที่กันไว้)",
        "generated": "ประโยคที่สร้าง (ชุดที่กันไว้)",
        "xlabel_D": "reward D(Y) = P(จริง | Y)",
        "xlabel_log D": "log D(Y)",
        "ylabel": "สัดส่วนของประโยค",
        "curve_title": "ระหว่างที่ discriminator ฝึก",
        "epochs": "จำนวน epoch ที่ฝึก discriminator",
        "accuracy": "ความแม่นยำบนชุดที่กันไว้",
        "mean_real": "D เฉลี่ย ประโยคจริง",
        "mean_fake": "D เฉลี่ย ประโยคที่สร้าง",
        "norm_title": "ขนาดของ gradient จาก REINFORCE",
        "norm_ylabel": "|g|",
    },
}

# Thai slider labels; the English ones are read from the draw function's docstring.
CONTROL_LABELS = {"th": {"epoch": "จำนวน epoch ที่ฝึก discriminator", "scale": "แกนนอน"}}

# The static book's frames (`base.StaticFrames`): the slider values precomputed when the book is built.
STATIC = {"epoch": (0, 1, 2, 3, 4, 6, 8, 12), "scale": SCALES}

COLORS = {"real": "#1b6ca8", "generated": "#c0392b", "accuracy": "black"}
LOG_FLOOR = -30.0   # log D below this is drawn in the leftmost bin (D < 1e-13: "zero")


def _check_history(history) -> int:
    if not isinstance(history, dict) or "real_rewards" not in history or "fake_rewards" not in history:
        raise ValueError("history must be the dict that record_training returns")
    return len(history["epoch"]) - 1


def _log_range(history) -> float:
    """Left edge of the log D axis: the 0.5% quantile of every stored log D, floored at LOG_FLOOR."""
    everything = torch.cat([history["real_rewards"].reshape(-1), history["fake_rewards"].reshape(-1)]).double()
    low = float(everything.clamp_min(math.exp(LOG_FLOOR)).log().quantile(0.005))
    return max(LOG_FLOOR, math.floor(low) - 0.5)


# ------------------------------------------------------------------------------------------------
@one_thread()
def draw_reward_histograms(history: dict, epoch: int = 0, scale: str = "D", *, bins: int = 25,
                           log_low: float | None = None, lang: str = "en", labels: dict | None = None,
                           fig: Figure | None = None) -> Figure:
    """The discriminator's rewards on held-out real and generated sentences after `epoch` epochs
    (chapter 7).

    Left: histograms of D(Y) (``scale="D"``) or log D(Y) (``scale="log D"``) for both sets, as
    fractions of each set. Middle: held-out accuracy and the mean reward of each set over all the
    recorded epochs. Right: every measure recorded by `record_training` (e.g. the norm of the
    REINFORCE gradient for each reward), log scale. A vertical line marks `epoch`.

    Controls:
        epoch: discriminator training epochs
        scale: horizontal axis
    """
    t = texts(TEXT, lang, labels)
    last = _check_history(history)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or not 0 <= epoch <= last:
        raise ValueError(f"epoch must be an integer in [0, {last}] (the recorded epochs), got {epoch!r}")
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    _checks.positive_int("bins", bins)
    measures = history.get("measures") or {}
    fig, axes = panels(fig, (14, 3.9), f"reward_histograms/{bool(measures)}", 3 if measures else 2)
    ax_hist, ax_curve = axes[0], axes[1]

    real, fake = history["real_rewards"][epoch].double(), history["fake_rewards"][epoch].double()
    if scale == "D":
        edges = torch.linspace(0.0, 1.0, bins + 1, dtype=torch.float64)
        values = {"real": real, "generated": fake}
    else:
        low = _log_range(history) if log_low is None else float(log_low)
        edges = torch.linspace(low, 0.0, bins + 1, dtype=torch.float64)
        values = {k: v.clamp_min(math.exp(low)).log().clamp(low, 0.0) for k, v in (("real", real), ("generated", fake))}
    for key, v in values.items():
        counts = torch.histogram(v, edges).hist / v.numel()                       # fraction per bin
        ax_hist.stairs(counts.numpy(), edges.numpy(), fill=True, alpha=0.45, color=COLORS[key], label=t[key])
        ax_hist.stairs(counts.numpy(), edges.numpy(), color=COLORS[key], lw=1.2)
    ax_hist.set_ylim(0.0, 1.0)
    ax_hist.set_xlim(float(edges[0]), float(edges[-1]))
    ax_hist.set_xlabel(t[f"xlabel_{scale}"])
    ax_hist.set_ylabel(t["ylabel"])
    ax_hist.set_title(t["hist_title"].format(epoch=epoch, acc=history["heldout_accuracy"][epoch]))
    ax_hist.legend(fontsize="small", loc="upper center")
    ax_hist.grid(alpha=0.3)

    epochs = history["epoch"]
    ax_curve.plot(epochs, history["heldout_accuracy"], "o-", ms=3, color=COLORS["accuracy"], label=t["accuracy"])
    ax_curve.plot(epochs, history["real_rewards"].mean(1).tolist(), "o-", ms=3, color=COLORS["real"],
                  label=t["mean_real"])
    ax_curve.plot(epochs, history["fake_rewards"].mean(1).tolist(), "o-", ms=3, color=COLORS["generated"],
                  label=t["mean_fake"])
    ax_curve.axvline(epoch, color="grey", lw=1, ls="--")
    ax_curve.set_ylim(0.0, 1.0)
    ax_curve.set_xlabel(t["epochs"])
    ax_curve.set_title(t["curve_title"])
    ax_curve.legend(fontsize="small", loc="center right")
    ax_curve.grid(alpha=0.3)

    if measures:
        ax_norm = axes[2]
        for name, series in measures.items():
            ax_norm.semilogy(epochs[: len(series)], series, "o-", ms=3, label=name)
        ax_norm.axvline(epoch, color="grey", lw=1, ls="--")
        ax_norm.set_xlabel(t["epochs"])
        ax_norm.set_ylabel(t["norm_ylabel"])
        ax_norm.set_title(t["norm_title"])
        ax_norm.legend(fontsize="small")
        ax_norm.grid(alpha=0.3)
    return fig


def reward_explorer(history: dict, *, epoch: int = 0, scale: str = "D", lang: str = "en",
                    labels: dict | None = None) -> Explorer:
    """Chapter 7's widget: `draw_reward_histograms` with sliders for the epoch and the axis (D or
    log D). Every epoch was recorded beforehand by `record_training`, so an update only draws."""
    last = _check_history(history)
    names = control_labels(draw_reward_histograms, lang, labels, CONTROL_LABELS)
    controls = {
        "epoch": slider("int", names["epoch"], min(max(int(epoch), 0), last), lo=0, hi=last),
        "scale": slider("select", names["scale"], scale if scale in SCALES else "D", SCALES),
    }
    fixed = dict(history=history, log_low=_log_range(history), lang=lang, labels=labels)
    static = {**STATIC, "epoch": tuple(e for e in STATIC["epoch"] if e <= last)}
    return Explorer(draw_reward_histograms, fixed, controls, static)
