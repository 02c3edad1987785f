"""Chapter 6: the exact variance of the policy gradient with K rollouts (`toy.rollout_gradient_variance`)
against brute-force enumeration of every sentence and every set of rollouts, and Hotelling's
p-value (`toy.hotelling_p_value`, chapter 7) against printed F tables and its uniformity under the null.
"""
import itertools
import math

import pytest
import torch

from gan4nlp import Generator, toy
from gan4nlp.exercises import ch06

pytestmark = pytest.mark.usefixtures("one_thread")     # tiny models; fixture in conftest.py
V, T = 2, 3


def random_problem(seed=0):
    """Random rewards at every step: the general case (terminal rewards are a special case)."""
    g = torch.Generator().manual_seed(seed)
    return toy.ToyProblem(V, T, [torch.randn(V ** (t + 1), generator=g, dtype=torch.float64) for t in range(T)])


def policies():
    gen = Generator(V, embed_dim=3, hidden_dim=4)
    torch.manual_seed(0)
    for p in gen.parameters():                      # a non-tabular policy: steps share parameters
        p.data.normal_(0, 0.8)
    gen = gen.double()
    return {"tabular": toy.TabularPolicy(V, T, init_std=0.8, seed=3, dtype=torch.float64), "lstm": gen}


def brute_force(policy, problem, k, baseline=False):
    """Mean and total variance of g_K by listing every sentence and every K-tuple of rollouts."""
    seqs = toy.all_sequences(V, T)
    params = [p for p in policy.parameters() if p.requires_grad]
    with torch.no_grad():
        prob = {tuple(y.tolist()): float(policy.log_prob(y[None].to(torch.long)).sum().exp()) for y in seqs}
    rew = {y: problem.rewards(torch.tensor([y]), torch.float64)[0].tolist() for y in prob}

    def p_prefix(prefix):
        return sum(pr for y, pr in prob.items() if y[: len(prefix)] == prefix)

    def value(prefix):                       # v(Y_{1:t}) = E[G_{t+1} | prefix]
        return sum(pr * sum(rew[y][len(prefix):]) for y, pr in prob.items() if y[: len(prefix)] == prefix) / p_prefix(prefix)

    total_mean, total_sq = 0.0, 0.0
    for y, py in prob.items():
        log_pi = policy.log_prob(torch.tensor([y]))[0]
        scores = [torch.cat([g.reshape(-1) for g in torch.autograd.grad(log_pi[t], params, retain_graph=True)])
                  for t in range(T)]
        options = []                         # per step t: list of (probability, weight)
        for t in range(T):
            prefix = y[: t + 1]
            b = value(y[:t]) if baseline else 0.0
            if t == T - 1:
                options.append([(1.0, rew[y][t] - b)])
                continue
            conts = [c for c in prob if c[: t + 1] == prefix]
            single = [(prob[c] / p_prefix(prefix), sum(rew[c][t + 1:])) for c in conts]
            combos = []
            for tup in itertools.product(single, repeat=k):
                combos.append((math.prod(pc for pc, _ in tup), rew[y][t] + sum(f for _, f in tup) / k - b))
            options.append(combos)
        for choice in itertools.product(*options):
            pc = py * math.prod(c[0] for c in choice)
            g = sum(w * s for (_, w), s in zip(choice, scores))
            total_mean = total_mean + pc * g
            total_sq += pc * float(g @ g)
    return total_mean, total_sq - float(total_mean @ total_mean)


@pytest.mark.parametrize("kind", ["tabular", "lstm"])
@pytest.mark.parametrize("baseline", [False, True])
def test_exact_variance_matches_enumeration_of_rollouts(kind, baseline):
    policy, problem = policies()[kind], random_problem()
    exact = toy.rollout_gradient_variance(policy, problem, [1, 2], baseline=baseline)
    grad = toy.exact_gradient(policy, problem)
    assert exact["grad_norm_sq"] == pytest.approx(float(grad @ grad), rel=1e-10)
    for i, k in enumerate((1, 2)):
        mean, variance = brute_force(policy, problem, k, baseline)
        torch.testing.assert_close(mean, grad, atol=1e-10, rtol=0)          # unbiased for every K
        assert exact["rollouts"][i] == pytest.approx(variance, rel=1e-9)
    # the rollout part falls like 1/K, the floor stays
    assert exact["rollouts"][0] - exact["rollouts"][1] == pytest.approx(exact["rollout_part"] / 2, rel=1e-9)
    assert exact["exact_q"] == exact["floor"] < exact["rollouts"][1]


def test_reinforce_is_one_rollout_on_a_tabular_policy_but_not_in_general():
    """Tabular: the steps' scores live in different rows, so only the per-step variances count and
    one rollout per prefix is exactly as noisy as the sentence's own ending (REINFORCE)."""
    pols, problem = policies(), random_problem(1)
    tab = toy.rollout_gradient_variance(pols["tabular"], problem, [1])
    assert tab["rollouts"][0] == pytest.approx(tab["reinforce"], rel=1e-10)
    lstm = toy.rollout_gradient_variance(pols["lstm"], problem, [1])
    assert abs(lstm["rollouts"][0] - lstm["reinforce"]) > 1e-3 * lstm["reinforce"]
    _, brute = brute_force(pols["lstm"], problem, 1)
    assert lstm["rollouts"][0] == pytest.approx(brute, rel=1e-9)


def test_chapter_six_problem_rollouts_and_a_baseline_cut_the_variance():
    """The chapter's claims on chapter 5's problem: rollouts alone leave a floor, a baseline lowers it."""
    policy = toy.TabularPolicy(4, 4, init_std=0.5, seed=0, dtype=torch.float64)
    problem = toy.make_problem("count", 4, 4, offset=2.0)
    plain = toy.rollout_gradient_variance(policy, problem, [1, 16])
    based = toy.rollout_gradient_variance(policy, problem, [1, 16], baseline=True)
    assert plain["rollout_part"] == pytest.approx(based["rollout_part"], rel=1e-12)   # a baseline cannot touch it
    assert plain["floor"] > 0.5 * plain["reinforce"]                                  # rollouts alone: little gain
    assert based["rollouts"][1] < 0.6 * based["reinforce"]                            # with a baseline: large


def test_rollout_variance_rejects_bad_input():
    policy = toy.TabularPolicy(V, T, dtype=torch.float64)
    with pytest.raises(ValueError, match="rollout_nums"):
        toy.rollout_gradient_variance(policy, random_problem(), [0])
    with pytest.raises(ValueError, match="rollout_nums"):
        toy.rollout_gradient_variance(policy, random_problem(), [])


# Critical values of the F distribution from printed tables (e.g. NIST/SEMATECH e-Handbook,
# section 1.3.6.7.3): P(F(k, m) > f) = alpha. d^2 = f k (R - 1) / (R - k) with R = m + k.
@pytest.mark.parametrize("f, k, m, alpha", [(4.103, 2, 10, 0.05), (4.103, 5, 20, 0.01), (2.743, 4, 26, 0.05),
                                           (1.0, 1, 1, 0.5)])
def test_hotelling_p_value_matches_f_tables(f, k, m, alpha):
    r = m + k
    d2 = f * k * (r - 1) / (r - k)
    assert toy.hotelling_p_value(d2, k, r) == pytest.approx(alpha, abs=2e-4)
    assert toy.hotelling_p_value(0.0, k, r) == 1.0


def test_hotelling_p_value_is_uniform_under_the_null():
    """Unbiased normal estimates with an estimated covariance: p-values spread evenly on [0, 1]."""
    g = torch.Generator().manual_seed(0)
    ps = []
    for _ in range(400):
        x = torch.randn(30, 4, generator=g, dtype=torch.float64)
        mean = x.mean(0)
        cov = torch.cov(x.T) / 30
        d2 = float(mean @ torch.linalg.solve(cov, mean))
        ps.append(toy.hotelling_p_value(d2, 4, 30))
    ps = torch.tensor(ps)
    # the fraction below 0.1 and below 0.5: binomial standard errors 0.015 and 0.025, four of them
    assert abs(float((ps < 0.1).double().mean()) - 0.1) < 4 * 0.015
    assert abs(float((ps < 0.5).double().mean()) - 0.5) < 4 * 0.025


def test_hotelling_p_value_rejects_bad_input():
    with pytest.raises(ValueError, match="repeats must exceed dims"):
        toy.hotelling_p_value(1.0, 10, 10)
    with pytest.raises(ValueError, match="d2"):
        toy.hotelling_p_value(float("nan"), 2, 10)
    with pytest.raises(ValueError, match="dims"):
        toy.hotelling_p_value(1.0, 0, 10)


def test_exercise_variance_limit_check(capsys):
    policy = toy.TabularPolicy(4, 4, init_std=0.5, seed=0, dtype=torch.float64)
    problem = toy.make_problem("count", 4, 4, offset=2.0)
    exact = toy.rollout_gradient_variance(policy, problem, [1, 2])
    v1, v2 = exact["rollouts"]
    assert ch06.check_variance_limit(2 * v2 - v1, policy, problem)
    assert not ch06.check_variance_limit(v2 / 2, policy, problem, lang="th")
    out = capsys.readouterr().out
    assert "Correct" in out and "ยังไม่ถูก" in out


def test_precomputed_scores_give_the_same_answer_and_wrong_ones_are_refused():
    policy, problem = policies()["tabular"], random_problem()
    scores = toy.step_scores(policy, problem)
    assert scores.shape == (V ** T, T, sum(p.numel() for p in policy.parameters()))
    a = toy.rollout_gradient_variance(policy, problem, [3], baseline=True)
    b = toy.rollout_gradient_variance(policy, problem, [3], baseline=True, scores=scores)
    assert a == b
    with pytest.raises(ValueError, match="scores must be"):
        toy.rollout_gradient_variance(policy, problem, [3], scores=scores[:, :2])


def test_exercise_variance_limit_check_with_a_baseline():
    policy = toy.TabularPolicy(4, 4, init_std=0.5, seed=0, dtype=torch.float64)
    problem = toy.make_problem("count", 4, 4, offset=2.0)
    v1, v2 = toy.rollout_gradient_variance(policy, problem, [1, 2], baseline=True)["rollouts"]
    assert ch06.check_variance_limit(2 * v2 - v1, policy, problem, baseline=True)
    assert not ch06.check_variance_limit(2 * v2 - v1, policy, problem)          # the floor without a baseline differs
    assert not ch06.check_variance_limit("floor", policy, problem, baseline=True)
