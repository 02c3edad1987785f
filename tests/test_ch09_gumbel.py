"""Chapter 9 (the Gumbel-softmax road): the claims the chapter makes, checked against exact answers,
its widget (`widgets.gumbel`) and its exercises (`exercises.ch09`). No timing assertions:
`benchmarks/widgets_gumbel.py` measures the redraw time."""
import math

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from gan4nlp import GumbelSoftmax, TabularPolicy, exact_gradient, gradient_stats, make_problem  # noqa: E402
from gan4nlp.exercises import ch09  # noqa: E402
from gan4nlp.policy import relax  # noqa: E402
from gan4nlp.sampling import gumbel_noise  # noqa: E402
from gan4nlp.toy import all_sequences  # noqa: E402
from gan4nlp.widgets import Explorer, gumbel, render_png  # noqa: E402
from _text import has_thai  # noqa: E402

THETA = torch.tensor([0.0, 0.5, 1.0, -1.0], dtype=torch.float64)


pytestmark = pytest.mark.usefixtures("one_thread")     # fixture in conftest.py


@pytest.fixture(scope="module")
def toy():
    policy = TabularPolicy(3, 3, init_std=0.5, seed=0, dtype=torch.float64)
    problem = make_problem("count", 3, 3)
    return policy, problem, exact_gradient(policy, problem).detach()


# ----- the Gumbel-max trick and the relaxation ------------------------------------------------
def test_gumbel_max_integral_is_the_softmax():
    """Line 2 of the chapter's derivation, integrated numerically with the library's noise: the
    empirical CDF of `sampling.gumbel_noise` is exp(-exp(-x)) (Kolmogorov-Smirnov, below the 0.1%
    critical value 1.95 / sqrt(n)), and the integral over that density equals softmax(theta)."""
    n = 200_000
    noise = gumbel_noise((n,), generator=torch.Generator().manual_seed(3), dtype=torch.float64).sort().values
    cdf = lambda x: torch.exp(-torch.exp(-x))  # noqa: E731
    steps = torch.arange(1, n + 1, dtype=torch.float64) / n
    ks = torch.maximum((steps - cdf(noise)).abs(), (steps - 1 / n - cdf(noise)).abs()).max().item()
    assert ks < 1.95 / math.sqrt(n)
    g = torch.linspace(-10.0, 40.0, 200_001, dtype=torch.float64)
    pdf = torch.exp(-g - torch.exp(-g))
    p = torch.softmax(THETA, 0)
    for k in range(len(THETA)):
        others = torch.stack([cdf(g + THETA[k] - THETA[j]) for j in range(len(THETA)) if j != k]).prod(0)
        assert torch.trapezoid(pdf * others, g).item() == pytest.approx(p[k].item(), abs=1e-9)


def test_gumbel_max_frequencies_match_the_softmax():
    """Pearson's chi-square (3 degrees of freedom) below its 0.1% point, 16.27, with a fixed seed."""
    n = 200_000
    draws = (THETA + gumbel_noise((n, 4), generator=torch.Generator().manual_seed(0), dtype=torch.float64)).argmax(-1)
    freq = torch.bincount(draws, minlength=4).double() / n
    p = torch.softmax(THETA, 0)
    assert (n * (freq - p) ** 2 / p).sum().item() < 16.27


def test_max_of_gumbel_perturbed_logits_is_gumbel():
    """Exercise 1's formula against 200,000 draws (3 standard errors)."""
    n, x = 200_000, 2.0
    noise = gumbel_noise((n, 3), generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    frac = ((THETA[:3] + noise).max(-1).values <= x).double().mean().item()
    exact = ch09.max_probability(x, THETA[:3].tolist())
    assert abs(frac - exact) < 3 * math.sqrt(exact * (1 - exact) / n)


def test_relaxed_sample_limits():
    """The library's `relax`: as tau -> 0 the one-hot of argmax(theta + g), as tau -> inf uniform,
    and at tau = 1 exactly exp(theta + g) normalised (written out here)."""
    g = gumbel_noise((50, 4), generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    logits = THETA.expand(50, 4)
    cold, hot, one = relax(logits, 1e-3, noise=g), relax(logits, 1e4, noise=g), relax(logits, 1.0, noise=g)
    torch.testing.assert_close(cold, F.one_hot((THETA + g).argmax(-1), 4).double(), atol=1e-6, rtol=0)
    torch.testing.assert_close(hot, torch.full_like(hot, 0.25), atol=1e-3, rtol=0)
    e = (THETA + g).exp()
    torch.testing.assert_close(one, e / e.sum(-1, keepdim=True))


def test_straight_through_value_is_the_gumbel_max_sample_and_gradient_is_soft():
    g = gumbel_noise((20, 4), generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    r = torch.tensor([1.0, 0.0, 2.0, -1.0], dtype=torch.float64)
    logits = THETA.expand(20, 4).clone().requires_grad_()
    hard = relax(logits, 0.5, hard=True, noise=g)
    soft = relax(logits, 0.5, noise=g)
    torch.testing.assert_close(hard.detach(), F.one_hot((THETA + g).argmax(-1), 4).double(), atol=1e-12, rtol=0)
    g_hard, = torch.autograd.grad((hard @ r).sum(), logits)
    g_soft, = torch.autograd.grad((soft @ r).sum(), logits)
    torch.testing.assert_close(g_hard, g_soft)


@pytest.mark.parametrize("kind", ["count", "random", "per_step"])
def test_relaxed_reward_is_the_reward_on_one_hot_sentences(kind):
    problem = make_problem(kind, 3, 3)
    seqs = all_sequences(3, 3)
    torch.testing.assert_close(problem.relaxed_reward(F.one_hot(seqs, 3).double()), problem.reward(seqs, torch.float64))


def test_gumbel_softmax_is_unbiased_for_the_relaxed_objective_not_for_j(toy):
    """The chapter's table: along d = grad J / |grad J|, the mean Gumbel-softmax estimate equals the
    finite-difference slope of J_tau (independent noise) within 4 standard errors, and at tau = 2 it
    is far below the slope of J."""
    policy, problem, exact = toy
    d = exact / exact.norm()
    tau, m, eps = 2.0, 20_000, 1e-4
    noise = gumbel_noise((m, 3, 3), generator=torch.Generator().manual_seed(4), dtype=torch.float64)

    def rewards(shift):
        moved = TabularPolicy(3, 3, dtype=torch.float64)
        with torch.no_grad():
            moved.logits.copy_(policy.logits + shift * d.reshape(policy.logits.shape))
            return problem.relaxed_reward(moved.relaxed_sample(m, 3, tau, noise=noise))

    slopes = (rewards(eps) - rewards(-eps)) / (2 * eps)
    stats = gradient_stats(GumbelSoftmax(tau), policy, problem, 100, repeats=200, seed=5, exact=exact)
    along = stats.estimates @ d
    se = math.hypot(slopes.std().item() / math.sqrt(m), along.std().item() / math.sqrt(200))
    assert abs(along.mean().item() - slopes.mean().item()) < 4 * se
    assert exact.norm().item() - along.mean().item() > 20 * se


# ----- the widget's statistics ----------------------------------------------------------------
def test_comparison_stats_reinforce_unbiased_gumbel_biased_at_high_tau(toy):
    policy, problem, exact = toy
    rows = {r["key"]: r for r in gumbel.comparison_stats(policy, problem, 5.0, 16, repeats=200, exact=exact)}
    assert list(rows) == ["reinforce", "loo", "soft", "st"]
    for key in ("reinforce", "loo"):            # E|mean - grad J|^2 = tr Cov / R for an unbiased estimator
        assert rows[key]["relative_bias"] < 2 * rows[key]["noise"]
    for key in ("soft", "st"):
        assert rows[key]["relative_bias"] > 10 * rows[key]["noise"]
    assert rows["soft"]["total_variance"] < rows["loo"]["total_variance"]
    assert all(-1 <= r["cosine"] <= 1 for r in rows.values())


def test_comparison_stats_caches_only_the_reinforce_rows(toy):
    policy, problem, exact = toy
    cache = {}
    first = gumbel.comparison_stats(policy, problem, 1.0, 8, repeats=10, exact=exact, cache=cache)
    second = gumbel.comparison_stats(policy, problem, 0.5, 8, repeats=10, exact=exact, cache=cache)
    assert len(cache) == 2
    assert first[0] is second[0] and first[1] is second[1]
    assert first[2]["total_variance"] != second[2]["total_variance"]


@pytest.mark.parametrize("bad, message", [(dict(tau=0.0), "tau must be a positive"),
                                          (dict(tau=-1.0), "tau must be a positive"),
                                          (dict(num_samples=1), "leave-one-out needs two samples"),
                                          (dict(num_samples=0), "num_samples must be a positive integer"),
                                          (dict(repeats=1), "repeats must be at least 2"),
                                          (dict(num_samples=2.5), "num_samples must be a positive integer")])
def test_comparison_stats_bad_input_raises(toy, bad, message):
    policy, problem, exact = toy
    kwargs = {**dict(tau=0.5, num_samples=4, repeats=5), **bad}
    with pytest.raises(ValueError, match=message):
        gumbel.comparison_stats(policy, problem, exact=exact, **kwargs)


def test_draw_returns_a_labelled_figure_in_both_languages(toy):
    policy, problem, exact = toy
    fig = gumbel.draw_gumbel_comparison(policy, problem, tau=0.3, num_samples=8, repeats=10, exact=exact)
    assert isinstance(fig, Figure)
    ax_bias, ax_var, ax_cos = fig.axes
    assert "bias" in ax_bias.get_title() and ax_var.get_xscale() == "log"
    assert [t.get_text() for t in ax_bias.get_yticklabels()] == list(gumbel.ESTIMATOR_NAMES["en"].values())
    assert "τ = 0.3" in fig._suptitle.get_text() and "N = 8" in fig._suptitle.get_text()
    assert ax_var.get_xlim()[0] > 0
    render_png(fig)                                      # lays the figure out: the next draw reuses its axes
    again = gumbel.draw_gumbel_comparison(policy, problem, tau=1.0, num_samples=8, repeats=10, exact=exact, fig=fig,
                                          lang="th")
    assert again is fig and len(fig.axes) == 3
    assert has_thai(fig.axes[0].get_title()) and has_thai(fig._suptitle.get_text())
    assert "Gumbel แบบ straight-through" in [t.get_text() for t in fig.axes[0].get_yticklabels()]
    with pytest.raises(ValueError, match="lang"):
        gumbel.draw_gumbel_comparison(policy, problem, repeats=5, exact=exact, lang="fr")


def test_slider_labels_and_explorer(toy):
    policy, problem, _ = toy
    assert gumbel.slider_labels("en") == {"tau": "temperature τ", "num_samples": "samples per estimate N",
                                          "seed": "random seed"}
    thai = gumbel.slider_labels("th")
    assert has_thai(thai["num_samples"]) and has_thai(thai["seed"])
    assert gumbel.slider_labels("th", {"seed": "my seed"})["seed"] == "my seed"
    explorer = gumbel.gumbel_explorer(policy, problem, tau=0.4, num_samples=10, repeats=5, lang="th")
    assert isinstance(explorer, Explorer)
    assert explorer.values == {"tau": 0.5, "num_samples": 8, "seed": 0}        # nearest slider options
    assert isinstance(explorer.update(tau=2.0), Figure)
    assert len(explorer.fixed["cache"]) == 2                                   # REINFORCE rows kept


# ----- exercises ------------------------------------------------------------------------------
def test_exercise_max_probability(capsys):
    exact = math.exp(-sum(math.exp(t - 2.0) for t in (0.0, 0.5, 1.0)))
    assert ch09.max_probability(2.0) == pytest.approx(exact)
    assert ch09.check_max_probability(exact) is True
    assert ch09.check_max_probability(exact + 0.005) is True
    assert ch09.check_max_probability(0.6, lang="th") is False
    out = capsys.readouterr().out
    assert "Correct" in out and "ยังไม่ถูก" in out
    assert ch09.check_max_probability("a lot") is False
    with pytest.raises(ValueError, match="x must be a finite number"):
        ch09.max_probability(float("inf"))
    with pytest.raises(ValueError, match="lang"):
        ch09.check_max_probability(exact, lang="fr")


def test_exercise_relaxed_objective(capsys):
    value = ch09.relaxed_objective(0.7)
    assert 1.14 < value < 1.17                       # below J = 1.199: the mean relaxed sample is flatter
    assert ch09.check_relaxed_objective(value, tau=0.7) is True
    j = (torch.softmax(torch.tensor([0.0, 0.5, 1.0]), 0) @ torch.tensor([1.0, 0.0, 2.0])).item()
    assert ch09.check_relaxed_objective(j, tau=0.7, lang="th") is False
    assert "ยังไม่ถูก" in capsys.readouterr().out
    with pytest.raises(ValueError, match="tau must be a positive"):
        ch09.relaxed_objective(0.0)
    with pytest.raises(ValueError, match="num_samples must be a positive integer"):
        ch09.relaxed_objective(0.7, num_samples=0)
