"""Interactive figure of chapter 9: the Gumbel-softmax gradient against REINFORCE and the exact
gradient, as the temperature tau moves.

On a tiny problem of `toy` (every sequence enumerated, so grad J is exact) each estimator makes
`repeats` independent estimates from `num_samples` sequences each; the figure shows, per
estimator, the relative bias |mean - grad J| / |grad J| (with the level that sampling noise alone
gives the mean, sqrt(tr Cov / R) / |grad J|), the total variance and the mean cosine to grad J.
The estimators: REINFORCE, REINFORCE with the leave-one-out baseline (Williams 1992; Kool et al.
2019; chapters 4-5), Gumbel-softmax and straight-through Gumbel (Jang et al. 2017; Maddison et
al. 2017). Gumbel-softmax is the exact gradient of the *relaxed* objective
J_tau = E[R~(y_tau)], with R~ the multilinear extension of the reward (`toy.ToyProblem.relaxed_reward`),
so its bias is grad J_tau - grad J: large for large tau, small for small tau, where the variance grows.

    explorer = gumbel_explorer(policy, problem, lang="th")
    explorer                      # in a notebook: initial figure, then the sliders

Cost of one update: the exact gradient is computed once by the builder; the REINFORCE rows do not
depend on tau and are cached per (N, seed), so moving the tau slider recomputes only the two
Gumbel rows, each one vmapped `gradient_stats` call. Denormal floats are flushed while computing:
at small tau the relaxed prefix weights (products of near-zero soft tokens) underflow into
denormals, which made one call 100 times slower. `benchmarks/widgets_gumbel.py` times an update.
"""
from __future__ import annotations

import math

import torch
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from .._checks import positive_float, positive_int
from .._fast import denormals_flushed
from ..diagnostics import gradient_stats
from ..estimators import estimator_menu
from ..toy import exact_gradient
from .base import Explorer, check_lang, control_labels, nearest, one_thread, panels, slider, texts

TEXT = {
    "en": {
        "bias_title": "relative bias |mean − ∇J| / |∇J|\n(black tick: what noise alone gives)",
        "var_title": "variance (total over parameters)",
        "cos_title": "cosine to the exact gradient",
        "suptitle": "τ = {tau:g}, N = {n} sequences per estimate, {repeats} estimates per estimator",
    },
    "th": {
        "bias_title": "ความเอนเอียงสัมพัทธ์ |ค่าเฉลี่ย − ∇J| / |∇J|\n(ขีดดำ: ค่าที่สัญญาณรบกวนอย่างเดียวให้)",
        "var_title": "ความแปรปรวน (รวมทุกพารามิเตอร์)",
        "cos_title": "cosine กับ gradient ที่แท้จริง",
        "suptitle": "τ = {tau:g}, N = {n} sequence ต่อค่าประมาณ, ตัวประมาณละ {repeats} ค่า",
    },
}

# Thai slider labels; the English ones are read from the draw function's docstring.
CONTROL_LABELS = {"th": {"tau": "temperature τ"}}

ESTIMATOR_NAMES = {
    "en": {"reinforce": "REINFORCE", "loo": "REINFORCE + leave-one-out", "soft": "Gumbel-softmax",
           "st": "straight-through Gumbel"},
    "th": {"reinforce": "REINFORCE", "loo": "REINFORCE + leave-one-out", "soft": "Gumbel-softmax",
           "st": "Gumbel แบบ straight-through"},
}

COLORS = {"reinforce": "#2166ac", "loo": "#67a9cf", "soft": "#d6604d", "st": "#f4a582"}

# the estimators the chapter compares: keys of `estimators.estimator_menu`
COMPARED = ("reinforce", "loo", "soft", "st")
TAU_OPTIONS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0)
SAMPLES_OPTIONS = (2, 4, 8, 16, 32, 64, 128)
# The static book's frames (`base.StaticFrames`): the slider values precomputed when the book is built.
STATIC = {"tau": (0.05, 0.2, 0.5, 1.0, 2.0, 5.0), "num_samples": (16, 64), "seed": (0,)}


def slider_labels(lang: str = "en", labels: dict | None = None) -> dict:
    """Slider labels of `draw_gumbel_comparison`: docstring (English) or `CONTROL_LABELS` (Thai)."""
    return control_labels(draw_gumbel_comparison, lang, labels, CONTROL_LABELS)


def _row(key: str, stats) -> dict:
    """One estimator's summary; every bias and noise number relative to |grad J|."""
    norm = max(float(stats.exact.norm()), 1e-30)
    return {"key": key, "relative_bias": stats.bias_norm / norm,
            "noise": math.sqrt(stats.total_variance / stats.repeats) / norm,
            "total_variance": stats.total_variance, "cosine": stats.cosine}


def comparison_stats(policy, problem, tau: float, num_samples: int, seed: int = 0, *, repeats: int = 50,
                     exact: torch.Tensor | None = None, cache: dict | None = None) -> list[dict]:
    """`repeats` estimates of each of the four estimators from `num_samples` sequences each, against
    the exact gradient: one dict per estimator (key, relative_bias, noise, total_variance, cosine).

    ``noise`` is sqrt(tr Cov / R) / |grad J|, the relative distance between the mean of R
    unbiased estimates and grad J that sampling noise alone gives on average (E|mean - grad J|^2 =
    tr Cov / R): a relative bias near it is no evidence of bias. ``cache`` (a dict) keeps the
    REINFORCE rows, which do not depend on tau, between calls."""
    tau = positive_float("tau", tau)
    num_samples = positive_int("num_samples", num_samples)
    repeats = positive_int("repeats", repeats)
    if num_samples < 2:
        raise ValueError(f"num_samples must be at least 2 (leave-one-out needs two samples), got {num_samples}")
    if repeats < 2:
        raise ValueError(f"repeats must be at least 2 to measure a variance, got {repeats}")
    if exact is None:
        exact = exact_gradient(policy, problem).detach()
    estimators = estimator_menu(COMPARED, tau=tau)
    rows = []
    with denormals_flushed():
        for key, est in estimators.items():
            cache_key = (key, num_samples, seed, repeats)
            if key in ("reinforce", "loo") and cache is not None and cache_key in cache:
                rows.append(cache[cache_key])
                continue
            row = _row(key, gradient_stats(est, policy, problem, num_samples, repeats, seed=seed, exact=exact))
            if key in ("reinforce", "loo") and cache is not None:
                cache[cache_key] = row
            rows.append(row)
    return rows


@one_thread()
def draw_gumbel_comparison(policy, problem, tau: float = 0.5, num_samples: int = 16, seed: int = 0, *,
                           repeats: int = 50, exact: torch.Tensor | None = None, cache: dict | None = None,
                           lang: str = "en", labels: dict | None = None, fig: Figure | None = None) -> Figure:
    """Bias, variance and cosine of Gumbel-softmax and straight-through Gumbel against REINFORCE
    (chapter 9).

    Every estimator makes `repeats` estimates of grad J from `num_samples` sequences each
    (`comparison_stats`). Panels: the relative bias |mean - grad J| / |grad J| as bars, with a black
    tick at the level sampling noise alone gives (a bar reaching far past its tick is a real bias);
    the total variance (log scale); the mean cosine between one estimate and grad J.

    Controls:
        tau: temperature τ
        num_samples: samples per estimate N
        seed: random seed
    """
    t = texts(TEXT, lang, labels)
    names = ESTIMATOR_NAMES[check_lang(lang)]
    rows = comparison_stats(policy, problem, tau, num_samples, seed, repeats=repeats, exact=exact, cache=cache)
    keys = [r["key"] for r in rows]
    fig, axes = panels(fig, (12, 3.1), "gumbel_comparison", 3, sharey=True)
    y = list(range(len(rows)))
    colors = [COLORS[k] for k in keys]
    ax_bias, ax_var, ax_cos = axes

    bias = [r["relative_bias"] for r in rows]
    noise = [r["noise"] for r in rows]
    ax_bias.barh(y, bias, color=colors)
    ax_bias.plot(noise, y, "|", color="black", ms=18, mew=2)
    ax_bias.set_xlim(0, max(1.0, 1.05 * max(bias + noise)))
    ax_bias.set_title(t["bias_title"])
    ax_bias.set_yticks(y)
    ax_bias.set_yticklabels([names[k] for k in keys])
    ax_bias.invert_yaxis()

    variance = [max(r["total_variance"], 1e-30) for r in rows]
    ax_var.barh(y, variance, color=colors)
    ax_var.set_xscale("log")
    # whole decades, so at least two labelled ticks; no minor ticks (they were half of the PNG render)
    ax_var.set_xlim(10.0 ** math.floor(math.log10(min(variance))), 10.0 ** math.ceil(math.log10(max(variance)) + 1e-9))
    ax_var.xaxis.set_minor_locator(NullLocator())
    ax_var.set_title(t["var_title"])

    cosine = [r["cosine"] for r in rows]
    ax_cos.barh(y, cosine, color=colors)
    ax_cos.set_xlim(min(0.0, min(cosine)), 1.0)
    ax_cos.set_title(t["cos_title"])
    for ax in axes:
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(t["suptitle"].format(tau=tau, n=num_samples, repeats=repeats))
    return fig


def gumbel_explorer(policy, problem, *, tau: float = 0.5, num_samples: int = 16, seed: int = 0, repeats: int = 50,
                    lang: str = "en", labels: dict | None = None) -> Explorer:
    """Chapter 9's widget: `draw_gumbel_comparison` with sliders for the temperature tau, the
    samples per estimate and the seed. The exact gradient is computed once here, and the REINFORCE
    rows (independent of tau) are cached, so a tau move recomputes only the Gumbel rows."""
    names = slider_labels(lang, labels)
    exact = exact_gradient(policy, problem).detach()
    controls = {
        "tau": slider("select", names["tau"], nearest(TAU_OPTIONS, tau), TAU_OPTIONS),
        "num_samples": slider("select", names["num_samples"], nearest(SAMPLES_OPTIONS, num_samples),
                               SAMPLES_OPTIONS),
        "seed": slider("int", names["seed"], seed, lo=0, hi=20),
    }
    fixed = dict(policy=policy, problem=problem, repeats=repeats, exact=exact, cache={}, lang=lang, labels=labels)
    return Explorer(draw_gumbel_comparison, fixed, controls, STATIC)
