"""Group estimators of chapter 13 (RLOO, the group mean, GRPO's normalised advantage) against exact
answers on tiny enumerable problems.

Exact identities are checked to float precision. Statistical checks follow tests/test_estimators.py:
with R independent estimates, d^2 = bias^T (Cov / R)^+ bias is about chi-square with k = rank(Cov)
degrees of freedom for an unbiased estimator, so we require d^2 / k < 1 + 4 sqrt(2 / k) and every
|z| < 4.5 (false alarm below 0.1%), and a biased one must exceed 1 + 8 sqrt(2 / k). "Unbiased up to
scale" is tested the same way on the estimates projected orthogonally to the exact gradient, whose
mean must then be zero. Seeds are fixed, so the tests are deterministic.
"""
import io
import math
import warnings

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from gan4nlp.diagnostics import GradientStats, gradient_stats, group_gradients  # noqa: E402
from gan4nlp.estimators import (BatchMean, Baseline, GroupNormalized, LeaveOneOut, MovingAverage, Reinforce,  # noqa: E402
                                expected_advantage, expected_estimate, group_estimators, grpo, return_distribution,
                                rloo)
from gan4nlp.exercises import ch13  # noqa: E402
from gan4nlp.toy import TabularPolicy, exact_gradient, make_problem  # noqa: E402
from gan4nlp.widgets import group as group_widgets  # noqa: E402
from _stats import assert_biased, assert_unbiased  # noqa: E402
from _text import has_thai  # noqa: E402


def orthogonal_part(stats, direction):
    """The estimates with their component along `direction` removed, compared with 0: unbiased
    exactly when the estimator's mean is a multiple of `direction`."""
    u = direction / direction.norm()
    proj = stats.estimates - torch.outer(stats.estimates @ u, u)
    return GradientStats(stats.name + " (orthogonal part)", stats.num_samples, proj, torch.zeros_like(u), 0.0)


def small():
    """Vocabulary 3, length 3, reward = fraction of zeros + 2 (four distinct returns), 39 parameters."""
    return TabularPolicy(3, 3, init_std=1.0, seed=1, dtype=torch.float64), make_problem("count", 3, 3, offset=2.0)


def part_one():
    """Chapters 4-5's problem: vocabulary 4, length 4, five distinct returns, 340 parameters."""
    return TabularPolicy(4, 4, init_std=0.5, seed=0, dtype=torch.float64), make_problem("count", 4, 4, offset=2.0)


def same_sample_gradients(estimator, policy, problem, k, groups=50, seed=3):
    data = estimator.prepare(policy, problem, k, groups, generator=torch.Generator().manual_seed(seed))
    return data, group_gradients(estimator, policy, problem, data)


# ------------------------------------------------------------------------------------------------
# (a) the group mean is (K-1)/K times leave-one-out, sample by sample

@pytest.mark.parametrize("k", [2, 3, 5, 8])
def test_group_mean_is_scaled_leave_one_out_on_the_same_samples(k):
    policy, problem = small()
    (tok_loo, adv_loo), g_loo = same_sample_gradients(Reinforce(LeaveOneOut()), policy, problem, k)
    (tok_mean, adv_mean), g_mean = same_sample_gradients(Reinforce(BatchMean()), policy, problem, k)
    assert torch.equal(tok_loo, tok_mean)                                      # the same samples
    scale = float(adv_loo.abs().max())
    torch.testing.assert_close(adv_mean, (k - 1) / k * adv_loo, rtol=0, atol=1e-6 * scale)   # float32 returns
    torch.testing.assert_close(g_mean, (k - 1) / k * g_loo, rtol=0, atol=1e-6 * float(g_loo.abs().max()))


def test_grpo_is_the_group_mean_divided_by_the_spread_on_the_same_samples():
    policy, problem = small()
    k, eps = 6, 1e-4
    (tokens, adv_mean), g_mean = same_sample_gradients(Reinforce(BatchMean()), policy, problem, k)
    (tokens2, adv_grpo), g_grpo = same_sample_gradients(grpo(eps), policy, problem, k)
    assert torch.equal(tokens, tokens2)
    returns = problem.reward(tokens.reshape(-1, problem.length)).reshape(tokens.shape[:2]).double()   # (G, K)
    spread = returns.std(1) + eps                                                                   # (G,)
    torch.testing.assert_close(g_grpo, g_mean / spread.unsqueeze(1), rtol=1e-5, atol=1e-7)
    # hence the cosine of every single estimate with any vector is the same for both
    exact = exact_gradient(policy, problem)
    cos = [torch.nn.functional.cosine_similarity(g, exact.unsqueeze(0), dim=1) for g in (g_mean, g_grpo)]
    nonzero = spread > 2 * eps
    torch.testing.assert_close(cos[0][nonzero], cos[1][nonzero])


# ------------------------------------------------------------------------------------------------
# (b), (c): exact expectations, then the statistical tests

@pytest.mark.parametrize("kind", ["count", "per_step", "random"])
def test_exact_expectation_of_rloo_is_the_gradient_and_of_the_group_mean_a_fraction(kind):
    policy = TabularPolicy(3, 2, init_std=1.0, seed=2, dtype=torch.float64)
    problem = make_problem(kind, 3, 2, offset=1.0, seed=3)
    exact = exact_gradient(policy, problem)
    for k in (2, 3, 4, 7):
        torch.testing.assert_close(expected_estimate(rloo(), policy, problem, k), exact, rtol=1e-10, atol=1e-12)
        torch.testing.assert_close(expected_estimate(Reinforce(BatchMean()), policy, problem, k), (k - 1) / k * exact,
                                   rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(expected_estimate(Reinforce(), policy, problem, 5), exact, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("k", [2, 4])
def test_group_mean_expectation_is_the_fraction_of_the_gradient_statistically(k):
    policy, problem = small()
    exact = exact_gradient(policy, problem)
    stats = gradient_stats(Reinforce(BatchMean()), policy, problem, k, repeats=4000, seed=11, exact=(k - 1) / k * exact)
    assert_unbiased(stats)                                                     # unbiased after rescaling by K/(K-1)
    against_truth = gradient_stats(Reinforce(BatchMean()), policy, problem, k, repeats=4000, seed=11, exact=exact)
    assert_biased(against_truth)                                               # ... and detectably not the gradient
    assert_unbiased(orthogonal_part(against_truth, exact))                     # the direction is right


@pytest.mark.parametrize("k", [2, 4, 8])
def test_rloo_is_unbiased(k):
    policy, problem = small()
    stats = gradient_stats(rloo(), policy, problem, k, repeats=4000, seed=12)
    assert_unbiased(stats)


# ------------------------------------------------------------------------------------------------
# (d) dividing by the group's standard deviation: biased in direction, less so as K grows

@pytest.mark.parametrize("k", [2, 4, 8])
def test_grpo_mean_is_the_exact_gradient_of_the_effective_reward(k):
    """Monte Carlo agrees with `expected_estimate`: the formula for E[g_hat] is right."""
    policy, problem = small()
    expected = expected_estimate(grpo(), policy, problem, k)
    stats = gradient_stats(grpo(), policy, problem, k, repeats=4000, seed=13, exact=expected)
    assert_unbiased(stats)


def test_grpo_direction_bias_is_detectable_where_rloo_has_none():
    policy, problem = small()
    k = 4
    exact = exact_gradient(policy, problem)
    expected = expected_estimate(grpo(), policy, problem, k)
    c = float(expected @ exact / (exact @ exact))
    off = expected - c * exact                                                 # the exact direction bias
    assert float(off.norm() / expected.norm()) > 0.02
    runs = {name: gradient_stats(est, policy, problem, k, repeats=12000, seed=14, exact=exact)
            for name, est in group_estimators().items()}                      # the same samples for all three
    # the full orthogonal test (26 degrees of freedom): rejects GRPO, accepts the other two
    assert_biased(orthogonal_part(runs["GRPO"], exact))
    assert_unbiased(orthogonal_part(runs["RLOO"], exact))
    assert_unbiased(orthogonal_part(runs["group mean"], exact))
    # one degree of freedom, along the exact bias direction fixed in advance
    u = off / off.norm()
    for name, stats in runs.items():
        along = stats.estimates @ u
        z = float(along.mean() / (along.std() / math.sqrt(stats.repeats)))
        if name == "GRPO":
            assert z > 6, z                                                    # about 11 expected
            assert abs(float(along.mean()) - float(off.norm())) < 4.5 * float(along.std()) / math.sqrt(stats.repeats)
        else:
            assert abs(z) < 4.5, (name, z)


def test_grpo_direction_bias_shrinks_like_one_over_k():
    policy, problem = part_one()
    exact = exact_gradient(policy, problem)
    values, probs, _ = return_distribution(policy, problem)
    sigma = float(((values - (probs * values).sum()) ** 2 @ probs).sqrt())
    rel, scales = {}, {}
    for k in (2, 4, 8, 16, 32):
        m = expected_estimate(grpo(), policy, problem, k)
        scales[k] = float(m @ exact / (exact @ exact))
        rel[k] = float((m - scales[k] * exact).norm() / m.norm())
    assert all(r > 0.01 for r in rel.values()), rel                            # never unbiased in direction
    assert rel[4] > rel[8] > rel[16] > rel[32], rel
    assert 1.6 < rel[16] / rel[32] < 2.4 and 1.6 < rel[8] / rel[16] < 2.4, rel  # about 1/K for large K
    # the scale tends to 1 / sigma: (R - mu) / sigma is an affine reward, hence no direction bias
    assert abs(scales[32] - 1 / sigma) < abs(scales[8] - 1 / sigma) < abs(scales[2] - 1 / sigma)


def test_grpo_has_no_direction_bias_with_a_binary_reward():
    """A 0/1 reward takes two values, so any effective reward a(R) is affine in R: E[g_hat] = c grad J
    with c = a(1) - a(0), which depends on the success probability p (the prompt's difficulty)."""
    policy = TabularPolicy(3, 2, init_std=1.0, seed=0, dtype=torch.float64)
    problem = make_problem("target", 3, 2, seed=1)
    exact = exact_gradient(policy, problem)
    values, probs, _ = return_distribution(policy, problem)
    assert values.tolist() == [0.0, 1.0]
    p = float(probs[1])
    for k in (2, 4, 8):
        m = expected_estimate(grpo(), policy, problem, k)
        c = ch13.binary_scale(p, k)
        torch.testing.assert_close(m, c * exact, rtol=1e-9, atol=1e-12)
    assert abs(ch13.binary_scale(p, 2) - 0.5 / (2 ** -0.5 + 1e-4)) < 1e-12    # K = 2: 1/sqrt(2), for every p
    assert ch13.binary_scale(0.05, 16) > 1.5 * ch13.binary_scale(0.5, 16)      # rare successes are weighted up
    assert abs(ch13.binary_scale(0.25, 64) / (0.25 * 0.75) ** -0.5 - 1) < 0.05  # ... towards 1 / sigma as K grows


def test_expected_advantage_closed_forms():
    values = torch.tensor([0.0, 1.0, 3.0], dtype=torch.float64)
    probs = torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64)
    mu = float(probs @ values)
    torch.testing.assert_close(expected_advantage(LeaveOneOut(), values, probs, 5), values - mu)
    torch.testing.assert_close(expected_advantage(BatchMean(), values, probs, 5), 0.8 * (values - mu))
    torch.testing.assert_close(expected_advantage(Baseline(), values, probs, 3), values)
    # K = 2 with the unbiased std: A_1 = (d / 2) / (|d| / sqrt(2) + eps), d = R_1 - R_2
    eps = 1e-4
    d = values.unsqueeze(1) - values.unsqueeze(0)                              # (M, M): R_1 - R_2
    pair = (d / 2 / (d.abs() / 2 ** 0.5 + eps)) @ probs
    torch.testing.assert_close(expected_advantage(GroupNormalized(eps), values, probs, 2), pair)
    ties = torch.where(d == 0, torch.zeros_like(d), torch.sign(d))
    wins_minus_losses = ties @ probs
    assert float((expected_advantage(GroupNormalized(1e-12), values, probs, 2) - wins_minus_losses / 2 ** 0.5)
                 .abs().max()) < 1e-9
    assert float((expected_advantage(GroupNormalized(1e-12, unbiased_std=False), values, probs, 2)
                  - wins_minus_losses).abs().max()) < 1e-9
    # an advantage's expectation over R_1 is zero for all of them (the others are exchangeable)
    for baseline in (LeaveOneOut(), BatchMean(), GroupNormalized()):
        assert abs(float(expected_advantage(baseline, values, probs, 4) @ probs)) < 1e-12


def test_advantage_is_returns_minus_baseline_and_reinforce_uses_it():
    returns = torch.tensor([[[1.0], [2.0], [6.0]], [[3.0], [3.0], [3.0]]])     # (G=2, N=3, T=1)
    for baseline in (Baseline(), LeaveOneOut(), BatchMean(), GroupNormalized()):
        torch.testing.assert_close(baseline.advantage(returns, None), returns - baseline(returns, None))
    adv = GroupNormalized(eps=1e-4).advantage(returns, None)
    torch.testing.assert_close(adv[0, :, 0], torch.tensor([-2.0, -1.0, 3.0]) / (7 ** 0.5 + 1e-4))   # mean 3, std sqrt(7)
    assert float(adv[1].abs().max()) == 0.0                                    # all equal: no update, no 0/0
    pop = GroupNormalized(eps=1e-12, unbiased_std=False).advantage(returns, None)
    torch.testing.assert_close(pop[0, :, 0], (returns[0, :, 0] - 3.0) / returns[0, :, 0].std(correction=0))
    policy, problem = small()
    tokens, advantage = grpo().prepare(policy, problem, 4, 3, generator=torch.Generator().manual_seed(0))
    r = problem.reward(tokens.reshape(-1, 3)).reshape(3, 4, 1).expand(3, 4, 3)
    torch.testing.assert_close(advantage, GroupNormalized().advantage(r, tokens))


# ------------------------------------------------------------------------------------------------
def test_bad_input_raises_value_error():
    policy, problem = small()
    with pytest.raises(ValueError, match="at least 2"):
        rloo().surrogate(policy, problem, 1)
    with pytest.raises(ValueError, match="at least 2"):
        grpo().surrogate(policy, problem, 1)
    with pytest.raises(ValueError, match="eps"):
        GroupNormalized(eps=0.0)
    with pytest.raises(ValueError, match="eps"):
        GroupNormalized(eps=-1e-4)
    with pytest.raises(ValueError, match="unbiased_std"):
        GroupNormalized(unbiased_std="yes")
    values, probs = torch.tensor([0.0, 1.0]), torch.tensor([0.5, 0.5])
    for baseline in (LeaveOneOut(), GroupNormalized()):
        with pytest.raises(ValueError, match="group_size"):
            expected_advantage(baseline, values, probs, 1)
        with pytest.raises(ValueError, match="num_samples"):
            expected_estimate(Reinforce(baseline), policy, problem, 1)
    with pytest.raises(ValueError, match="stateless"):
        expected_advantage(MovingAverage(0.9), values, probs, 3)
    with pytest.raises(ValueError, match="sum to 1"):
        expected_advantage(LeaveOneOut(), values, torch.tensor([0.5, 0.6]), 3)
    with pytest.raises(ValueError, match="too many"):
        expected_estimate(grpo(), TabularPolicy(4, 4, dtype=torch.float64), make_problem("random", 4, 4), 16)
    with pytest.raises(ValueError, match="reward_to_go"):
        expected_estimate(Reinforce(LeaveOneOut(), reward_to_go=True), policy, make_problem("per_step", 3, 3), 4)
    with pytest.raises(ValueError, match="p must"):
        ch13.binary_scale(1.0, 4)
    with pytest.raises(ValueError, match="no sequence"):
        ch13.pairwise_advantage(policy, problem, 7.5)


# ------------------------------------------------------------------------------------------------
# The widget and the exercises

def test_group_widget_draws_a_labelled_figure_in_both_languages():
    policy = TabularPolicy(3, 2, init_std=1.0, seed=0, dtype=torch.float64)
    problem = make_problem("count", 3, 2, offset=2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # matplotlib warns "Glyph ... missing from font(s)"
        for lang in ("en", "th"):
            fig = group_widgets.draw_group_comparison(policy, problem, group_size=4, seed=1, repeats=30, lang=lang)
            assert isinstance(fig, Figure) and len(fig.axes) == 4
            fig.savefig(io.BytesIO(), format="png")
            titles = [ax.get_title() for ax in fig.axes] + [fig._suptitle.get_text()]
            assert "K = 4" in titles[-1]
            assert any(has_thai(s) for s in titles) == (lang == "th")
    # the bars: RLOO has scale 1 and no angle; the group mean 3/4; GRPO a non-zero angle
    scale_bars = [p.get_width() for p in fig.axes[0].patches]
    angle_bars = [p.get_width() for p in fig.axes[1].patches]
    assert abs(scale_bars[0] - 1) < 1e-9 and abs(scale_bars[1] - 0.75) < 1e-9
    assert angle_bars[0] < 1e-3 and angle_bars[1] < 1e-3 and angle_bars[2] > 0.1


def test_group_explorer_builds_and_redraws_in_place():
    policy = TabularPolicy(3, 2, init_std=1.0, seed=0, dtype=torch.float64)
    problem = make_problem("count", 3, 2, offset=2.0)
    explorer = group_widgets.group_explorer(policy, problem, repeats=20, lang="th")
    assert set(explorer.controls) == {"group_size", "seed"}
    assert all(has_thai(c.description) for c in explorer.controls.values())
    assert set(explorer.fixed["expected"]) == set(group_widgets.GROUP_SIZE_OPTIONS)
    first = explorer.figure
    explorer.controls["group_size"].value = 16
    assert explorer.redraws == 1 and explorer.figure is first


def test_exercise_checks_accept_right_and_reject_wrong_answers(capsys):
    policy, problem = part_one()
    values, probs, _ = return_distribution(policy, problem)
    top = float(values[-1])
    pairwise = float((probs[values < top].sum() - probs[values > top].sum()) / 2 ** 0.5)
    assert ch13.check_pairwise_advantage(pairwise, policy, problem, value=top)
    assert not ch13.check_pairwise_advantage(top - float(probs @ values), policy, problem, value=top, lang="th")
    p, k = 0.25, 4
    a = {}
    for r in (0.0, 1.0):
        total = 0.0
        for m in range(k):
            group = torch.tensor([r] + [1.0] * m + [0.0] * (k - 1 - m), dtype=torch.float64)
            total += math.comb(k - 1, m) * p ** m * (1 - p) ** (k - 1 - m) * float((r - group.mean()) / (group.std() + 1e-4))
        a[r] = total
    assert ch13.check_binary_scale(a[1.0] - a[0.0], p=p, group_size=k)
    assert not ch13.check_binary_scale(1 / math.sqrt(p * (1 - p)), p=p, group_size=k, lang="th")
    out = capsys.readouterr().out
    assert "Correct" in out and "ยังไม่ถูก" in out
