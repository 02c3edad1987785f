"""Estimators against the exact gradient (chapters 4, 5, 9, 13).

Unbiasedness is asserted statistically, with tolerances from the estimates' own spread: with R
independent estimates, the mean's covariance is Cov / R. For an unbiased estimator the Mahalanobis
distance d^2 = bias^T (Cov / R)^+ bias is about chi-square with k = rank(Cov) degrees of freedom
(Hotelling's T^2 for large R), so d^2 / k has mean 1 and standard deviation sqrt(2 / k). We require
d^2 / k < 1 + 4 sqrt(2 / k) (a false alarm has probability below 0.1%), and every parameter's
z = (mean - exact) / (std / sqrt(R)) within 4.5. Seeds are fixed, so the tests are deterministic.
A biased estimator must exceed 1 + 8 sqrt(2 / k).
"""
import pytest
import torch

from gan4nlp.diagnostics import gradient_stats, group_gradients
from gan4nlp.estimators import (BatchMean, GumbelSoftmax, LeaveOneOut, LearnedValue, MovingAverage, RecurrentValue,
                                Reinforce, estimate_gradient, policy_gradient_surrogate, returns_from_rewards)
from gan4nlp.policy import Generator
from gan4nlp.toy import TabularPolicy, TabularValue, make_problem

from _stats import assert_biased, assert_unbiased


def tabular(v=3, t=3, seed=1):
    return TabularPolicy(v, t, init_std=1.0, seed=seed, dtype=torch.float64)


VARIANTS = {
    "plain": lambda v, t: Reinforce(),
    "reward-to-go": lambda v, t: Reinforce(reward_to_go=True),
    "moving-average": lambda v, t: Reinforce(MovingAverage(0.8)),
    "leave-one-out": lambda v, t: Reinforce(LeaveOneOut()),
    "leave-one-out + reward-to-go": lambda v, t: Reinforce(LeaveOneOut(), reward_to_go=True),
    "learned value": lambda v, t: Reinforce(LearnedValue(TabularValue(v, t).double(), lr=0.2), reward_to_go=True),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("kind", ["random", "per_step"])
def test_reinforce_variants_are_unbiased(variant, kind):
    problem = make_problem(kind, 3, 3, offset=2.0, seed=4)
    policy = tabular()
    est = VARIANTS[variant](3, 3)
    stats = gradient_stats(est, policy, problem, num_samples=16, repeats=3000, seed=11, warmup=5)
    assert_unbiased(stats)


def test_reinforce_unbiased_for_neural_policy():
    problem = make_problem("random", 3, 3, offset=1.0, seed=5)
    policy = Generator(3, embed_dim=4, hidden_dim=4).double()
    stats = gradient_stats(Reinforce(LeaveOneOut()), policy, problem, num_samples=8, repeats=1500, seed=3)
    assert_unbiased(stats)


def test_the_unbiasedness_test_can_fail():
    """A baseline that includes the sample's own reward scales the gradient by (N-1)/N: with N=2,
    half the gradient. The same test must reject it, and the mean must be close to half the truth."""
    problem = make_problem("random", 3, 3, offset=2.0, seed=4)
    stats = gradient_stats(Reinforce(BatchMean()), tabular(), problem, num_samples=2, repeats=6000, seed=11)
    assert_biased(stats)
    ratio = float(stats.mean @ stats.exact / (stats.exact @ stats.exact))
    assert abs(ratio - 0.5) < 0.05


def test_baselines_reduce_variance_where_they_must():
    """With a large constant in the reward, plain REINFORCE's variance is dominated by it; every
    baseline removes most of it. Variance estimates from 800 repeats have ~5% relative error, far
    below the ratios asserted here."""
    problem = make_problem("random", 3, 3, offset=10.0, seed=4)
    policy = tabular()
    var = {}
    for name in ["plain", "moving-average", "leave-one-out", "learned value"]:
        est = VARIANTS[name](3, 3)
        var[name] = gradient_stats(est, policy, problem, 32, 800, seed=5, warmup=200).total_variance
    assert var["leave-one-out"] < 0.05 * var["plain"]
    assert var["moving-average"] < 0.05 * var["plain"]
    assert var["learned value"] < 0.1 * var["plain"]


def test_reward_to_go_reduces_variance_with_per_step_rewards():
    problem = make_problem("per_step", 3, 4, seed=0)
    policy = tabular(3, 4)
    whole = gradient_stats(Reinforce(), policy, problem, 32, 800, seed=2).total_variance
    to_go = gradient_stats(Reinforce(reward_to_go=True), policy, problem, 32, 800, seed=2).total_variance
    assert to_go < 0.8 * whole


def test_reward_to_go_changes_nothing_when_the_reward_comes_at_the_end():
    rewards = torch.tensor([[0.0, 0.0, 3.0], [0.0, 0.0, -1.0]])
    torch.testing.assert_close(returns_from_rewards(rewards, True), returns_from_rewards(rewards, False))
    torch.testing.assert_close(returns_from_rewards(torch.tensor([[1.0, 2.0, 3.0]]), True), torch.tensor([[6.0, 5.0, 3.0]]))


def test_leave_one_out_excludes_self():
    returns = torch.tensor([[[1.0], [2.0], [6.0]]])
    b = LeaveOneOut()(returns, None)
    torch.testing.assert_close(b, torch.tensor([[[4.0], [3.5], [1.5]]]))


def test_moving_average_uses_only_earlier_batches():
    ma = MovingAverage(0.5)
    returns = torch.tensor([[[1.0]], [[3.0]], [[5.0]]])   # three groups of one sample
    b = ma(returns, None)
    assert b.flatten().tolist() == [0.0, 1.0, 2.0]


def test_gumbel_softmax_is_biased_and_bias_shrinks_with_temperature():
    problem = make_problem("random", 3, 3, seed=1)
    policy = tabular()
    for hard in (False, True):
        biases = []
        for tau in (2.0, 1.0, 0.5, 0.25):
            stats = gradient_stats(GumbelSoftmax(tau, straight_through=hard), policy, problem, 2000, 30, seed=0)
            assert_biased(stats)
            biases.append(stats.bias_norm)
        assert all(a > b for a, b in zip(biases, biases[1:])), biases
        assert biases[-1] < 0.3 * biases[0]


def test_straight_through_shapes_forward_hard_backward_soft():
    torch.manual_seed(0)
    logits = torch.randn(5, 4, 6, requires_grad=True)
    from gan4nlp.policy import relax
    from gan4nlp.sampling import gumbel_noise
    noise = gumbel_noise(logits.shape)
    hard = relax(logits, 0.7, hard=True, noise=noise)
    soft = relax(logits, 0.7, hard=False, noise=noise)
    assert hard.shape == soft.shape == (5, 4, 6)
    assert set(hard.detach().unique().tolist()) == {0.0, 1.0}
    torch.testing.assert_close(hard.sum(-1), torch.ones(5, 4))
    torch.testing.assert_close(hard.argmax(-1), soft.argmax(-1))
    weights = torch.randn(6)
    g_hard, = torch.autograd.grad((hard * weights).sum(), logits)
    g_soft, = torch.autograd.grad((soft * weights).sum(), logits)
    torch.testing.assert_close(g_hard, g_soft)
    # relaxed sequences from both policies have the same shape and sum to one per step
    for policy in (tabular(3, 3), Generator(3, 4, 4).double()):
        y = policy.relaxed_sample(7, 3, 0.5, hard=True)
        assert y.shape == (7, 3, 3)
        torch.testing.assert_close(y.sum(-1), torch.ones(7, 3, dtype=y.dtype))


def test_batched_gradients_equal_one_backward_per_group():
    problem = make_problem("per_step", 3, 3, offset=1.0)
    for policy in (tabular(), Generator(3, 4, 4).double()):
        for est in (Reinforce(LeaveOneOut(), reward_to_go=True), GumbelSoftmax(0.5)):
            data = est.prepare(policy, problem, 10, 4, generator=torch.Generator().manual_seed(1))
            # the tabular policy must take the vmapped path (no silent fallback to the loop)
            batched = group_gradients(est, policy, problem, data, allow_loop=isinstance(policy, Generator))
            params = list(policy.parameters())
            for g in range(4):
                out = est.objective(policy, problem, *(d[g] for d in data))
                single = torch.cat([x.reshape(-1) for x in torch.autograd.grad(out, params)])
                torch.testing.assert_close(batched[g], single)


def test_estimate_gradient_and_training_step_improve_objective():
    problem = make_problem("count", 3, 3)
    policy = TabularPolicy(3, 3, seed=0)
    from gan4nlp.toy import exact_objective
    before = float(exact_objective(policy, problem).detach())
    opt = torch.optim.SGD(policy.parameters(), lr=1.0)
    est = Reinforce(LeaveOneOut())
    gen = torch.Generator().manual_seed(0)
    for _ in range(30):
        opt.zero_grad()
        (-est.surrogate(policy, problem, 64, generator=gen).mean()).backward()
        opt.step()
    assert float(exact_objective(policy, problem).detach()) > before + 0.2
    g = estimate_gradient(est, policy, problem, 8, generator=gen)
    assert g.shape == (sum(p.numel() for p in policy.parameters()),)


def test_bad_input_raises_value_error():
    problem = make_problem("count", 3, 3)
    policy = tabular()
    with pytest.raises(ValueError, match="num_samples"):
        Reinforce().surrogate(policy, problem, 0)
    with pytest.raises(ValueError, match="at least 2"):
        Reinforce(LeaveOneOut()).surrogate(policy, problem, 1)
    with pytest.raises(ValueError, match="tau"):
        GumbelSoftmax(0.0)
    with pytest.raises(ValueError, match="shape"):
        policy_gradient_surrogate(torch.zeros(4, 3), torch.zeros(4, 2))
    with pytest.raises(ValueError, match="decay"):
        MovingAverage(1.5)
    with pytest.raises(ValueError, match="repeats"):
        gradient_stats(Reinforce(), policy, problem, 10, repeats=0)
    assert RecurrentValue(3)(torch.zeros(2, 3, dtype=torch.long)).shape == (2, 3)
