"""Interactive figures of chapters 4-6: REINFORCE histograms, the variance of each baseline, and
Monte Carlo rollout rewards token by token.

Conventions (``draw_*`` functions, builders returning an `Explorer`, texts, slider labels) are
those of `widgets.base`. Keep each redraw cheap: the exact gradient (or exact Q) is computed once
by the builder and passed in, and every statistic comes from one vmapped `gradient_stats` call.

    explorer = widgets.reinforce_histogram(policy, problem, lang="th")
    explorer                      # in a notebook: initial figure, then the sliders
"""
from __future__ import annotations

import torch
from matplotlib.figure import Figure

from .. import viz
from ..diagnostics import gradient_stats
from ..estimators import BatchMean, LearnedValue, MovingAverage, Reinforce, estimator_menu
from ..rollout import exact_rollout_values, rollout_rewards
from ..toy import TabularValue, exact_gradient, shifted_problem
from .base import Explorer, check_lang, control_labels, nearest, new_figure, one_thread, panels, slider, texts

TEXT = {
    "en": {
        "hist_title": "one component: {repeats} estimates, N = {n} each",
        "hist_xlabel": "estimate of ∂J/∂θ[{index}]",
        "hist_ylabel": "count",
        "estimates": "estimates",
        "exact": "exact gradient",
        "mean": "mean of estimates",
        "scatter_title": "every component: mean ± 2 SE against the exact value",
        "scatter_xlabel": "exact gradient",
        "scatter_ylabel": "mean of the estimates",
        "within": "{pct:.0f}% of components within 2 SE",
        "var_title": "variance (total over parameters)",
        "cos_title": "cosine to the exact gradient",
        "scale_title": "mean scale along the exact gradient",
        "scale_note": "(red dashes: (N-1)/N = {value:.2f})",
        "suptitle_variance": "N = {n} samples per estimate, reward offset c = {offset:g}, {repeats} repeats",
        "rollout_title": "Q from K = {k} rollouts",
        "exact_title": "exact Q (every continuation)",
        "position": "position t",
        "q_label": "Q",
    },
    "th": {
        "hist_title": "องค์ประกอบเดียว: ค่าประมาณ {repeats} ค่า แต่ละค่าใช้ N = {n}",
        "hist_xlabel": "ค่าประมาณของ ∂J/∂θ[{index}]",
        "hist_ylabel": "จำนวนครั้ง",
        "estimates": "ค่าประมาณ",
        "exact": "gradient ที่แท้จริง",
        "mean": "ค่าเฉลี่ยของค่าประมาณ",
        "scatter_title": "ทุกองค์ประกอบ: ค่าเฉลี่ย ± 2 SE เทียบกับค่าจริง",
        "scatter_xlabel": "gradient ที่แท้จริง",
        "scatter_ylabel": "ค่าเฉลี่ยของค่าประมาณ",
        "within": "{pct:.0f}% ขององค์ประกอบอยู่ในช่วง 2 SE",
        "var_title": "ความแปรปรวน (รวมทุกพารามิเตอร์)",
        "cos_title": "cosine กับ gradient ที่แท้จริง",
        "scale_title": "ขนาดเฉลี่ยตามทิศของ gradient จริง",
        "scale_note": "(เส้นประสีแดง: (N-1)/N = {value:.2f})",
        "suptitle_variance": "N = {n} ต่อค่าประมาณ, ค่าคงที่ใน reward c = {offset:g}, ทำซ้ำ {repeats} ครั้ง",
        "rollout_title": "Q จาก rollout K = {k} ครั้ง",
        "exact_title": "Q ที่แท้จริง (ทุกทางที่ประโยคจะจบได้)",
        "position": "ตำแหน่ง t",
        "q_label": "Q",
    },
}

# Thai slider labels beyond the shared ones of `base.CONTROL_LABELS`
CONTROL_LABELS = {"th": {"offset": "ค่าคงที่ c ที่บวกเข้าไปใน reward"}}

# chapter 5's comparison: keys of `estimators.estimator_menu`, with display names
VARIANCE_ESTIMATORS = ("reinforce", "to_go", "moving", "loo", "learned", "batch")
ESTIMATOR_NAMES = {
    "en": {"reinforce": "REINFORCE", "to_go": "reward-to-go", "moving": "moving average",
           "loo": "leave-one-out", "learned": "learned value", "batch": "batch mean (biased)"},
    "th": {"reinforce": "REINFORCE", "to_go": "reward-to-go", "moving": "ค่าเฉลี่ยเคลื่อนที่",
           "loo": "leave-one-out", "learned": "value ที่เรียนรู้", "batch": "ค่าเฉลี่ยทั้งชุด (เอนเอียง)"},
}

NUM_SAMPLES_OPTIONS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
BASELINE_SAMPLES_OPTIONS = (2, 4, 8, 16, 32, 64, 128, 256, 512)
ROLLOUT_OPTIONS = (1, 2, 4, 8, 16, 32, 64, 128)
# The static book's frames (`base.StaticFrames`): the slider values precomputed when the book is built.
STATIC_HISTOGRAM = {"num_samples": (2, 10, 50, 200), "seed": (0, 1)}
STATIC_VARIANCE = {"num_samples": (4, 16, 64, 256), "offset": (0.0, 2.0, 10.0), "seed": (0,)}
STATIC_ROLLOUT = {"rollout_num": (1, 4, 16, 64), "seed": (0, 1)}
WARMUP_SEED = 1_000_003    # the stateful baselines' warm-up batches: a stream apart from the estimates' seeds

# ------------------------------------------------------------------------------------------------
# Chapter 4: REINFORCE estimates against the exact gradient

@one_thread()
def draw_reinforce_histogram(policy, problem, num_samples: int = 10, seed: int = 0, *, repeats: int = 300,
                             index: int | None = None, estimator=None, exact: torch.Tensor | None = None,
                             lang: str = "en", labels: dict | None = None, fig: Figure | None = None) -> Figure:
    """REINFORCE estimates against the exact gradient (chapter 4).

    Left: a histogram of `repeats` independent estimates of one component dJ/dtheta[index] (by
    default the largest one), each from `num_samples` sequences, with the exact value and the mean
    of the estimates. Right: for every parameter, the mean of the estimates (+- 2 standard errors)
    against the exact value: an unbiased estimator puts the points on the diagonal.

    Controls:
        num_samples: samples per estimate N
        seed: random seed
    """
    t = texts(TEXT, lang, labels)
    if exact is None:
        exact = exact_gradient(policy, problem).detach()
    stats = gradient_stats(estimator if estimator is not None else Reinforce(), policy, problem, num_samples,
                           repeats, seed=seed, exact=exact)
    if index is None:
        index = int(exact.abs().argmax())
    fig = new_figure(fig, (11, 4.2))              # fresh layout: the count axis changes width with N
    ax_hist, ax_all = fig.subplots(1, 2)
    viz.plot_estimates(stats, index, ax=ax_hist, title=t["hist_title"].format(repeats=repeats, n=num_samples),
                       label_estimates=t["estimates"], label_exact=t["exact"], label_mean=t["mean"])
    ax_hist.set_xlabel(t["hist_xlabel"].format(index=index))
    ax_hist.set_ylabel(t["hist_ylabel"])

    ex, mean, se = stats.exact.cpu(), stats.mean.cpu(), stats.standard_errors.cpu()
    lo, hi = float(ex.min()), float(ex.max())
    pad = 0.1 * (hi - lo + 1e-12)
    ax_all.plot([lo - pad, hi + pad], [lo - pad, hi + pad], color="black", lw=1)
    ax_all.errorbar(ex.numpy(), mean.numpy(), yerr=2 * se.numpy(), fmt="o", ms=3, color="#1b6ca8",
                    ecolor="#8fb3d9", elinewidth=1, alpha=0.8)
    moving = se > 1e-12 * (1 + float(ex.abs().max()))
    within = float(((mean - ex).abs()[moving] <= 2 * se[moving]).double().mean()) if bool(moving.any()) else 1.0
    ax_all.text(0.03, 0.95, t["within"].format(pct=100 * within), transform=ax_all.transAxes, va="top")
    ax_all.set_title(t["scatter_title"])
    ax_all.set_xlabel(t["scatter_xlabel"])
    ax_all.set_ylabel(t["scatter_ylabel"])
    ax_all.grid(alpha=0.3)
    return fig


# ------------------------------------------------------------------------------------------------
# Chapter 5: baselines and variance

def comparison_estimators(problem, lang: str = "en", *, decay: float = 0.9, value_lr: float = 0.3,
                          value_steps: int = 50) -> dict:
    """Chapter 5's REINFORCE variants (`VARIANCE_ESTIMATORS` of `estimators.estimator_menu`), fresh,
    by display name. The learned value is a `TabularValue` (one number per prefix) that takes
    `value_steps` Adam steps on the returns of each call's batches, after scoring them."""
    names = ESTIMATOR_NAMES[check_lang(lang)]
    menu = estimator_menu(VARIANCE_ESTIMATORS, decay=decay, value_model=TabularValue(problem.vocab_size, problem.length),
                          value_lr=value_lr, value_steps=value_steps)
    return {names[k]: est for k, est in menu.items()}


def _stateful(estimator) -> bool:
    return isinstance(getattr(estimator, "baseline", None), (MovingAverage, LearnedValue))


@one_thread()
def draw_variance_comparison(policy, problem, num_samples: int = 16, offset: float = 2.0, seed: int = 0, *,
                             repeats: int = 100, warmup: int = 50, estimators: dict | None = None,
                             exact: torch.Tensor | None = None, lang: str = "en", labels: dict | None = None,
                             fig: Figure | None = None) -> Figure:
    """Variance, cosine to the truth and mean scale of each REINFORCE variant (chapter 5).

    Every estimator makes `repeats` estimates from `num_samples` sequences each on the problem
    with reward R(Y) + offset. Stateful baselines (moving average, learned value) are reset, then
    see `warmup` earlier batches of `num_samples` sequences (drawn in one call). Panels: total
    variance (log scale); mean cosine between an estimate and the exact gradient; the mean of
    (estimate . exact) / |exact|^2 with +- 2 standard errors, which is 1 for an unbiased estimator
    and (N-1)/N for the batch mean.

    Controls:
        num_samples: samples per estimate N
        offset: constant c added to every reward
        seed: random seed
    """
    t = texts(TEXT, lang, labels)
    if exact is None:
        exact = exact_gradient(policy, problem).detach()
    shifted = shifted_problem(problem, offset)
    if estimators is None:
        estimators = comparison_estimators(problem, lang)
    names, variance, cosine, scale, scale_se, biased = [], [], [], [], [], []
    norm2 = float(exact @ exact)
    for name, est in estimators.items():
        baseline = getattr(est, "baseline", None)
        if baseline is not None:
            baseline.reset()
        if warmup and _stateful(est):   # `warmup` earlier batches, drawn in one call (cheaper than a loop)
            est.prepare(policy, shifted, num_samples, warmup, generator=torch.Generator().manual_seed(WARMUP_SEED + seed))
        stats = gradient_stats(est, policy, shifted, num_samples, repeats, seed=seed, exact=exact, name=name)
        proj = stats.estimates @ stats.exact / max(norm2, 1e-30)              # (R,)
        names.append(name)
        biased.append(isinstance(baseline, BatchMean))
        variance.append(stats.total_variance)
        cosine.append(stats.cosine)
        scale.append(float(proj.mean()))
        scale_se.append(float(proj.std()) / max(stats.repeats, 1) ** 0.5 if stats.repeats > 1 else 0.0)

    fig, axes = panels(fig, (12, 0.9 + 0.45 * len(names)), f"variance_comparison/{len(names)}", 3, sharey=True)
    y = list(range(len(names)))
    colors = ["#b2182b" if b else "#2166ac" for b in biased]
    axes[0].barh(y, variance, color=colors)
    axes[0].set_xscale("log")
    axes[0].set_title(t["var_title"])
    axes[0].set_yticks(y)
    axes[0].set_yticklabels(names)
    axes[0].invert_yaxis()
    axes[1].barh(y, cosine, color=colors)
    axes[1].set_xlim(min(0.0, min(cosine)), 1.0)
    axes[1].set_title(t["cos_title"])
    axes[2].barh(y, scale, xerr=[2 * s for s in scale_se], color=colors, ecolor="black", capsize=3)
    axes[2].axvline(1.0, color="black", lw=1)
    ratio = (num_samples - 1) / num_samples
    axes[2].axvline(ratio, color="#b2182b", lw=1, ls="--")
    axes[2].set_title(t["scale_title"] + "\n" + t["scale_note"].format(value=ratio))
    for ax in axes:
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(t["suptitle_variance"].format(n=num_samples, offset=offset, repeats=repeats))
    return fig


# ------------------------------------------------------------------------------------------------
# Chapter 6: Monte Carlo rollouts

@one_thread()
def draw_rollout_heatmap(policy, tokens: torch.Tensor, reward_fn, rollout_num: int = 4, seed: int = 0, *,
                         vocab=None, exact: torch.Tensor | None = None, vmin: float = 0.0, vmax: float = 1.0,
                         lang: str = "en", labels: dict | None = None, fig: Figure | None = None) -> Figure:
    """Token-by-token rewards Q of a few sentences from K Monte Carlo rollouts (chapter 6).

    Left: Q(Y_{1:t-1}, y_t) = 1/K sum_k D(Y^k) for t < T and D(Y) at t = T, from
    `rollout.rollout_rewards` with the policy itself as rollout policy. Right (when ``exact`` is
    given): the exact expectation, the limit of many rollouts. Both share the colour scale
    [vmin, vmax].

    Controls:
        rollout_num: rollouts per prefix K
        seed: random seed
    """
    t = texts(TEXT, lang, labels)
    q = rollout_rewards(policy, tokens, reward_fn, rollout_num, generator=torch.Generator().manual_seed(seed))
    shown = [(q, t["rollout_title"].format(k=rollout_num))]
    if exact is not None:
        shown.append((exact, t["exact_title"]))
    b, length = tokens.shape
    fig = new_figure(fig, (2.0 + 0.95 * length * len(shown) + 1.2 * (len(shown) - 1), 1.3 + 0.5 * b))
    axes = fig.subplots(1, len(shown), squeeze=False)[0]
    for ax, (values, title) in zip(axes, shown):
        viz.plot_token_heatmap(tokens.cpu(), values.detach().cpu(), ax=ax, vocab=vocab, title=title,
                               colorbar_label=t["q_label"])
        ax.images[0].set_clim(vmin, vmax)
        ax.set_xlabel(t["position"])
    return fig


# ------------------------------------------------------------------------------------------------
# Builders

def reinforce_histogram(policy, problem, *, num_samples: int = 10, seed: int = 0, repeats: int = 300,
                        index: int | None = None, lang: str = "en", labels: dict | None = None) -> Explorer:
    """Chapter 4's widget: `draw_reinforce_histogram` with sliders for the samples per estimate
    and the seed. The exact gradient is computed once here."""
    names = control_labels(draw_reinforce_histogram, lang, labels, CONTROL_LABELS)
    exact = exact_gradient(policy, problem).detach()
    controls = {
        "num_samples": slider("select", names["num_samples"], nearest(NUM_SAMPLES_OPTIONS, num_samples),
                               NUM_SAMPLES_OPTIONS),
        "seed": slider("int", names["seed"], seed, lo=0, hi=20),
    }
    fixed = dict(policy=policy, problem=problem, repeats=repeats, index=index, exact=exact, lang=lang, labels=labels)
    return Explorer(draw_reinforce_histogram, fixed, controls, STATIC_HISTOGRAM)


def variance_explorer(policy, problem, *, num_samples: int = 16, offset: float = 2.0, seed: int = 0,
                      repeats: int = 100, warmup: int = 50, lang: str = "en", labels: dict | None = None) -> Explorer:
    """Chapter 5's widget: `draw_variance_comparison` with sliders for the samples per estimate,
    the reward offset and the seed. The exact gradient (the same for every offset) is computed once."""
    names = control_labels(draw_variance_comparison, lang, labels, CONTROL_LABELS)
    exact = exact_gradient(policy, problem).detach()
    controls = {
        "num_samples": slider("select", names["num_samples"], nearest(BASELINE_SAMPLES_OPTIONS, num_samples),
                               BASELINE_SAMPLES_OPTIONS),
        "offset": slider("float", names["offset"], offset, lo=0.0, hi=10.0, step=0.5),
        "seed": slider("int", names["seed"], seed, lo=0, hi=20),
    }
    fixed = dict(policy=policy, problem=problem, repeats=repeats, warmup=warmup, exact=exact, lang=lang,
                 labels=labels)
    return Explorer(draw_variance_comparison, fixed, controls, STATIC_VARIANCE)


def rollout_explorer(policy, tokens: torch.Tensor, reward_fn, *, rollout_num: int = 4, seed: int = 0, vocab=None,
                     exact: bool | torch.Tensor = True, lang: str = "en", labels: dict | None = None) -> Explorer:
    """Chapter 6's widget: `draw_rollout_heatmap` with sliders for the number of rollouts K and the
    seed. With ``exact=True`` the exact Q is computed once by enumeration (tiny vocabularies only)."""
    names = control_labels(draw_rollout_heatmap, lang, labels, CONTROL_LABELS)
    if exact is True:
        with one_thread():
            exact = exact_rollout_values(policy, tokens, reward_fn)
    elif exact is False:
        exact = None
    controls = {
        "rollout_num": slider("select", names["rollout_num"], nearest(ROLLOUT_OPTIONS, rollout_num), ROLLOUT_OPTIONS),
        "seed": slider("int", names["seed"], seed, lo=0, hi=20),
    }
    fixed = dict(policy=policy, tokens=tokens, reward_fn=reward_fn, vocab=vocab, exact=exact, lang=lang, labels=labels)
    return Explorer(draw_rollout_heatmap, fixed, controls, STATIC_ROLLOUT)
