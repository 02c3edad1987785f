"""estimators.standard_estimators (the book's menu) and RecurrentValue (a GRU value function)."""
import pytest
import torch

from gan4nlp.diagnostics import gradient_stats
from gan4nlp.estimators import (GumbelSoftmax, LearnedValue, LeaveOneOut, MovingAverage, RecurrentValue, Reinforce,
                                standard_estimators)
from gan4nlp.toy import TabularPolicy, TabularValue, make_problem

from _stats import assert_unbiased

pytestmark = pytest.mark.usefixtures("one_thread")     # fixture in conftest.py


def test_standard_estimators_lists_the_books_menu_by_name():
    menu = standard_estimators()
    assert list(menu) == ["REINFORCE", "REINFORCE + reward-to-go", "REINFORCE + moving average",
                          "REINFORCE + leave-one-out", "REINFORCE + reward-to-go + leave-one-out",
                          "Gumbel-softmax (tau=0.5)", "straight-through Gumbel-softmax (tau=0.5)"]
    assert all(name == est.name for name, est in menu.items())
    assert isinstance(menu["REINFORCE + moving average"].baseline, MovingAverage)
    assert menu["REINFORCE + reward-to-go + leave-one-out"].reward_to_go
    assert isinstance(menu["REINFORCE + leave-one-out"].baseline, LeaveOneOut)
    assert [type(e) for e in menu.values()][-2:] == [GumbelSoftmax, GumbelSoftmax]
    assert [getattr(e, "straight_through", None) for e in menu.values()][-2:] == [False, True]
    with_value = standard_estimators(TabularValue(3, 3))
    assert len(with_value) == len(menu) + 1
    learned = [e for e in with_value.values() if isinstance(getattr(e, "baseline", None), LearnedValue)]
    assert len(learned) == 1 and learned[0].reward_to_go


def test_standard_estimators_are_fresh_each_call():
    a, b = standard_estimators(), standard_estimators()
    for name in a:
        assert a[name] is not b[name]
    ma_a, ma_b = a["REINFORCE + moving average"].baseline, b["REINFORCE + moving average"].baseline
    assert ma_a is not ma_b


def test_every_standard_estimator_runs_vmapped_on_the_tabular_policy():
    problem, policy = make_problem("count", 3, 3, offset=1.0), TabularPolicy(3, 3, seed=1)
    for name, est in standard_estimators(TabularValue(3, 3)).items():
        stats = gradient_stats(est, policy, problem, 8, repeats=3)
        assert stats.path == "vmap", name
        assert torch.isfinite(stats.estimates).all(), name


def test_recurrent_value_reads_only_the_prefix():
    """V(Y_{1:t-1}) at position t must not depend on y_t or anything after it."""
    torch.manual_seed(0)
    value = RecurrentValue(4, embed_dim=5, hidden_dim=6)
    tokens = torch.randint(0, 4, (6, 5))
    v = value(tokens)
    assert v.shape == (6, 5)
    # position 0 has read only the start symbol: one value for every sequence
    torch.testing.assert_close(v[:, 0], v[:1, 0].expand(6))
    for t in range(5):
        changed = tokens.clone()
        changed[:, t:] = (changed[:, t:] + 1) % 4                      # rewrite y_t, ..., y_T
        w = value(changed)
        torch.testing.assert_close(w[:, : t + 1], v[:, : t + 1])      # V at positions <= t unchanged
        if t + 1 < 5:
            assert not torch.allclose(w[:, t + 1:], v[:, t + 1:])     # later positions see the change


def test_recurrent_value_learns_a_prefix_statistic():
    """Regressed on the number of 0 tokens before position t (a function of the prefix alone), its
    error falls far below the target's variance."""
    torch.manual_seed(1)
    value = RecurrentValue(3, embed_dim=8, hidden_dim=16)
    tokens = torch.randint(0, 3, (256, 4))
    target = torch.cat([torch.zeros(256, 1), (tokens[:, :-1] == 0).float().cumsum(1)], 1)   # (N, T)
    opt = torch.optim.Adam(value.parameters(), lr=0.03)
    for _ in range(300):
        opt.zero_grad()
        loss = ((value(tokens) - target) ** 2).mean()
        loss.backward()
        opt.step()
    assert float(loss.detach()) < 0.05 * float(target.var())


def test_recurrent_value_as_a_baseline_keeps_reinforce_unbiased():
    problem = make_problem("per_step", 3, 3, offset=2.0, seed=4)
    policy = TabularPolicy(3, 3, init_std=1.0, seed=1, dtype=torch.float64)
    est = Reinforce(LearnedValue(RecurrentValue(3).double(), lr=0.05), reward_to_go=True)
    stats = gradient_stats(est, policy, problem, num_samples=16, repeats=1500, seed=11, warmup=5)
    assert_unbiased(stats)
