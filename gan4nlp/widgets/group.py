"""Chapter 13's widget: RLOO, the group mean and GRPO's normalised advantage as the group size K
moves, on a tiny problem with an exact answer.

For one K, every estimator draws the same `repeats` groups of K sequences (one seed), so their
per-group estimates differ only by a positive factor each: the group mean is (K-1)/K times RLOO,
GRPO is the group mean divided by the group's standard deviation. Four panels:

- the scale of the mean estimate along the exact gradient, E[g] . grad J / |grad J|^2 (bars:
  exact, from `estimators.expected_estimate`; dots: measured +- 2 standard errors);
- the angle between E[g] and grad J in degrees (exact): zero for an estimator that is unbiased up
  to a scale factor, the direction bias otherwise;
- the variance of one estimate divided by the squared scale (measured), so that estimators of
  different lengths are compared at the length of the true gradient;
- the mean cosine between one estimate and grad J (measured): equal for all three, because within
  one group they point the same way.

The exact gradient and the exact expectations for every K of the slider are computed once by the
builder (`group_explorer`); an update then costs one vmapped `gradient_stats` per estimator.
"""
from __future__ import annotations

import math

import torch
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

from ..diagnostics import gradient_stats
from ..estimators import expected_estimate, group_estimators
from ..toy import exact_gradient
from .base import Explorer, check_lang, control_labels, nearest, one_thread, panels, slider, texts

GROUP_SIZE_OPTIONS = (2, 3, 4, 6, 8, 12, 16, 24, 32)

TEXT = {
    "en": {
        "scale_title": "scale of E[ĝ] along ∇J\n(bars exact, dots measured ± 2 SE)",
        "angle_title": "angle between E[ĝ] and ∇J\n(degrees, exact)",
        "var_title": "variance ÷ scale²\n(one estimate, measured)",
        "cos_title": "cosine of one estimate with ∇J\n(measured)",
        "suptitle": "K = {k} completions per group, {repeats} groups, the same samples for every estimator",
    },
    "th": {
        "scale_title": "ขนาดของ E[ĝ] ตามทิศของ ∇J\n(แท่ง: ค่าจริง, จุด: วัดได้ ± 2 SE)",
        "angle_title": "มุมระหว่าง E[ĝ] กับ ∇J\n(องศา, ค่าจริง)",
        "var_title": "ความแปรปรวน ÷ ขนาด²\n(ค่าประมาณหนึ่งค่า, วัดได้)",
        "cos_title": "cosine ของค่าประมาณหนึ่งค่ากับ ∇J\n(วัดได้)",
        "suptitle": "K = {k} คำตอบต่อกลุ่ม, {repeats} กลุ่ม, ทุกตัวประมาณค่าใช้ตัวอย่างชุดเดียวกัน",
    },
}

# Thai slider labels; the English ones are read from the draw function's docstring.
CONTROL_LABELS = {"th": {"group_size": "จำนวนคำตอบต่อกลุ่ม K"}}

ESTIMATOR_NAMES = {
    "en": {"RLOO": "RLOO", "group mean": "group mean", "GRPO": "GRPO (÷ std)"},
    "th": {"RLOO": "RLOO", "group mean": "ค่าเฉลี่ยกลุ่ม", "GRPO": "GRPO (หาร std)"},
}

# The static book's frames (`base.StaticFrames`): the slider values precomputed when the book is built.
STATIC = {"group_size": (2, 4, 8, 16, 32), "seed": (0, 1)}

COLORS = {"RLOO": "#2166ac", "group mean": "#67a9cf", "GRPO": "#b2182b"}


def scale_and_angle(mean: torch.Tensor, exact: torch.Tensor) -> tuple[float, float]:
    """(scale, angle): mean . exact / |exact|^2, and the angle between them in degrees."""
    scale = float(mean @ exact / (exact @ exact))
    cos = float(mean @ exact / (mean.norm() * exact.norm()).clamp_min(1e-300))
    return scale, math.degrees(math.acos(max(-1.0, min(1.0, cos))))


@one_thread()
def exact_expectations(policy, problem, group_sizes=GROUP_SIZE_OPTIONS, eps: float = 1e-4) -> dict:
    """{K: {name: E[g_hat]}} for the three group estimators and each group size, exactly."""
    return {k: {name: expected_estimate(est, policy, problem, k).detach() for name, est in group_estimators(eps).items()}
            for k in group_sizes}


@one_thread()
def draw_group_comparison(policy, problem, group_size: int = 8, seed: int = 0, *, repeats: int = 200,
                          eps: float = 1e-4, exact: torch.Tensor | None = None, expected: dict | None = None,
                          var_range: tuple | None = None, lang: str = "en", labels: dict | None = None,
                          fig: Figure | None = None) -> Figure:
    """Bias, variance and cosine of RLOO, the group mean and GRPO for groups of K sequences (chapter 13).

    Each estimator makes `repeats` estimates from groups of `group_size` sequences drawn with the
    same seed. ``exact`` is grad J and ``expected`` maps K to {name: E[g_hat]} (from
    `exact_expectations`); both are computed here when missing. ``var_range`` fixes the variance
    axis (the builder sets it for the whole slider, so that the fall with K shows).

    Controls:
        group_size: completions per group K
        seed: random seed
    """
    t = texts(TEXT, lang, labels)
    names = ESTIMATOR_NAMES[check_lang(lang)]
    if exact is None:
        exact = exact_gradient(policy, problem).detach()
    means = (expected or {}).get(group_size)
    if means is None:
        means = exact_expectations(policy, problem, (group_size,), eps)[group_size]
    keys, scale, angle, scale_mc, scale_se, variance, cosine = [], [], [], [], [], [], []
    norm2 = exact @ exact
    for key, est in group_estimators(eps).items():
        stats = gradient_stats(est, policy, problem, group_size, repeats, seed=seed, exact=exact)
        c, a = scale_and_angle(means[key].to(exact), exact)
        proj = stats.estimates @ exact / norm2                                  # (R,) scale of each estimate
        keys.append(key)
        scale.append(c)
        angle.append(a)
        scale_mc.append(float(proj.mean()))
        scale_se.append(float(proj.std()) / repeats ** 0.5 if repeats > 1 else 0.0)
        variance.append(stats.total_variance / c ** 2)
        cosine.append(stats.cosine)

    fig, axes = panels(fig, (13, 2.9), "group_comparison", 4, sharey=True)
    y = list(range(len(keys)))
    colors = [COLORS[k] for k in keys]
    ax_scale, ax_angle, ax_var, ax_cos = axes
    ax_scale.barh(y, scale, color=colors, alpha=0.8)
    ax_scale.errorbar(scale_mc, y, xerr=[2 * s for s in scale_se], fmt="o", color="black", ms=4, capsize=3)
    ax_scale.axvline(1.0, color="black", lw=1)
    ax_scale.set_xlim(0, max(max(scale), max(m + 2 * s for m, s in zip(scale_mc, scale_se))) * 1.15)
    ax_angle.barh(y, angle, color=colors)
    ax_angle.set_xlim(0, max(8.0, 1.15 * max(angle)))
    for yi, a in zip(y, angle):
        ax_angle.text(a, yi, f" {a:.1f}°", va="center", fontsize="small")
    ax_var.barh(y, variance, color=colors)
    ax_var.set_xscale("log")
    ax_var.set_xlim(*(var_range or (min(variance) / 2, max(variance) * 2)))
    ax_var.xaxis.set_minor_formatter(NullFormatter())
    ax_cos.barh(y, cosine, color=colors)
    ax_cos.set_xlim(min(0.0, min(cosine)), 1.0)
    for ax, title in zip(axes, ("scale_title", "angle_title", "var_title", "cos_title")):
        ax.set_title(t[title], fontsize="medium")
        ax.grid(alpha=0.3, axis="x")
    ax_scale.set_yticks(y)
    ax_scale.set_yticklabels([names[k] for k in keys])
    ax_scale.invert_yaxis()
    fig.suptitle(t["suptitle"].format(k=group_size, repeats=repeats))
    return fig


@one_thread()
def variance_range(policy, problem, exact, expected, group_sizes=GROUP_SIZE_OPTIONS, repeats: int = 100) -> tuple:
    """A variance axis for the whole slider: RLOO's variance at the smallest and largest K, widened
    by a factor 4 each way (the rescaled variances of the three estimators stay close to it)."""
    lo, hi = min(group_sizes), max(group_sizes)
    var = [gradient_stats(group_estimators()["RLOO"], policy, problem, k, repeats, seed=0, exact=exact).total_variance
           for k in (lo, hi)]
    return min(var) / 4, max(var) * 4


def group_explorer(policy, problem, *, group_size: int = 8, seed: int = 0, repeats: int = 200, eps: float = 1e-4,
                   lang: str = "en", labels: dict | None = None) -> Explorer:
    """Chapter 13's widget: `draw_group_comparison` with sliders for the group size K and the seed.
    The exact gradient and the exact expectation of every estimator for every K are computed once."""
    names = control_labels(draw_group_comparison, lang, labels, CONTROL_LABELS)
    exact = exact_gradient(policy, problem).detach()
    expected = exact_expectations(policy, problem, GROUP_SIZE_OPTIONS, eps)
    var_range = variance_range(policy, problem, exact, expected)
    controls = {
        "group_size": slider("select", names["group_size"], nearest(GROUP_SIZE_OPTIONS, group_size),
                              GROUP_SIZE_OPTIONS),
        "seed": slider("int", names["seed"], seed, lo=0, hi=20),
    }
    fixed = dict(policy=policy, problem=problem, repeats=repeats, eps=eps, exact=exact, expected=expected,
                 var_range=var_range, lang=lang, labels=labels)
    return Explorer(draw_group_comparison, fixed, controls, STATIC)
