"""Chapter 7's widget: the rewards a discriminator gives as it trains, real against generated.

A discriminator's reward D(Y) = P(real | Y) is only useful to a generator while it still varies
between generated sentences. This widget shows, epoch by epoch, the histogram of D on held-out
real and generated sentences, the held-out accuracy and the mean reward, and the norm of the
generator's REINFORCE gradient: it rises while the discriminator learns something and falls again
once every generated sentence gets D close to 0 (chapter 7; Yu et al. 2017; Goodfellow et al.
2014, sec. 3, on the saturating log(1 - D)).

Training is the expensive part, so it happens once, in `record_training`, which keeps the rewards
of every epoch (a snapshot); the drawing function only histograms stored numbers:

    history = record_training(disc, opt, real, fake, heldout_real, heldout_fake, epochs=12,
                              measure=gradient_norms)         # measure(disc) -> {name: float}
    explorer = reward_explorer(history, epoch=3, lang="th")
    explorer                                                   # in a notebook: figure, then sliders

Conventions (figures, sliders, Thai labels) follow `widgets.core`.
"""
from __future__ import annotations

import math
from typing import Callable

import torch
from matplotlib.figure import Figure

from .. import _checks
from .core import Explorer, _check_lang, _panels, _slider, control_labels, one_thread

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
CONTROL_LABELS_TH = {
    "epoch": "จำนวน epoch ที่ฝึก discriminator",
    "scale": "แกนนอน",
}

COLORS = {"real": "#1b6ca8", "generated": "#c0392b", "accuracy": "black"}
LOG_FLOOR = -30.0   # log D below this is drawn in the leftmost bin (D < 1e-13: "zero")


def texts(lang: str = "en", labels: dict | None = None) -> dict:
    """The figure texts for ``lang``, with ``labels`` overriding any of them."""
    out = dict(TEXT[_check_lang(lang)])
    out.update({k: v for k, v in (labels or {}).items() if k in out})
    return out


# ------------------------------------------------------------------------------------------------
# The expensive part, done once: train and keep every epoch's rewards.

def _held_out_accuracy(real_rewards: torch.Tensor, fake_rewards: torch.Tensor) -> float:
    """Fraction of held-out sentences on the right side of 1/2: real with D > 1/2, generated with D < 1/2."""
    right = int((real_rewards > 0.5).sum()) + int((fake_rewards < 0.5).sum())
    return right / (real_rewards.numel() + fake_rewards.numel())


def record_training(disc, optimizer, real: torch.Tensor, fake: torch.Tensor, heldout_real: torch.Tensor,
                    heldout_fake: torch.Tensor, epochs: int, *, measure: Callable | None = None,
                    batch_size: int | None = None, generator: torch.Generator | None = None) -> dict:
    """Trains ``disc`` for `epochs` epochs on real (N, T) and generated (M, T) token ids
    (`Discriminator.train_epoch`), keeping a snapshot before training (epoch 0) and after every epoch.

    A snapshot holds D(Y) of every held-out real and generated sentence (`reward`: eval mode, no
    dropout), the held-out accuracy, the epoch's training loss and accuracy (nan at epoch 0), and
    ``measure(disc)`` -- a dict of numbers, e.g. gradient norms -- when given. Returns a dict of
    lists over epochs 0..epochs; ``real_rewards`` and ``fake_rewards`` are (E + 1, N) and
    (E + 1, M) tensors."""
    epochs = _checks.positive_int("epochs", epochs)
    for name, x in (("heldout_real", heldout_real), ("heldout_fake", heldout_fake)):
        _checks.token_batch(x, disc.vocab_size, name)
    if measure is not None and not callable(measure):
        raise ValueError(f"measure must be a function disc -> dict of numbers, got {type(measure).__name__}")
    history = {"epoch": [], "train_loss": [], "train_accuracy": [], "heldout_accuracy": [],
               "real_rewards": [], "fake_rewards": [], "measures": {}}
    for epoch in range(epochs + 1):
        stats = {"loss": math.nan, "accuracy": math.nan}
        if epoch:
            stats = disc.train_epoch(real, fake, optimizer, batch_size=batch_size, generator=generator)
        r_real, r_fake = disc.reward(heldout_real), disc.reward(heldout_fake)      # (N,), (M,)
        history["epoch"].append(epoch)
        history["train_loss"].append(stats["loss"])
        history["train_accuracy"].append(stats["accuracy"])
        history["heldout_accuracy"].append(_held_out_accuracy(r_real, r_fake))
        history["real_rewards"].append(r_real.cpu())
        history["fake_rewards"].append(r_fake.cpu())
        if measure is not None:
            values = measure(disc)
            if not isinstance(values, dict):
                raise ValueError(f"measure must return a dict of numbers, got {type(values).__name__}")
            for key, value in values.items():
                history["measures"].setdefault(key, []).append(float(value))
    history["real_rewards"] = torch.stack(history["real_rewards"])                  # (E + 1, N)
    history["fake_rewards"] = torch.stack(history["fake_rewards"])                  # (E + 1, M)
    return history


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
    t = texts(lang, labels)
    last = _check_history(history)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or not 0 <= epoch <= last:
        raise ValueError(f"epoch must be an integer in [0, {last}] (the recorded epochs), got {epoch!r}")
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    _checks.positive_int("bins", bins)
    measures = history.get("measures") or {}
    fig, axes = _panels(fig, (14, 3.9), f"reward_histograms/{bool(measures)}", 3 if measures else 2)
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
    thai = CONTROL_LABELS_TH if _check_lang(lang) == "th" else {}
    names = control_labels(draw_reward_histograms, lang, {**thai, **(labels or {})})
    controls = {
        "epoch": _slider("int", names["epoch"], min(max(int(epoch), 0), last), lo=0, hi=last),
        "scale": _slider("select", names["scale"], scale if scale in SCALES else "D", SCALES),
    }
    fixed = dict(history=history, log_low=_log_range(history), lang=lang, labels=labels)
    return Explorer(draw_reward_histograms, fixed, controls)
