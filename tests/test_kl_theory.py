"""The KL view of SeqGAN and RLHF, checked exactly by enumeration (chapters 8 and 13, gan4nlp.kl).

Ground truth is autograd through the exact sums over all V^T sequences; every identity is checked
to float64 rounding, relative to the size of the quantities compared."""
import pytest
import torch

from gan4nlp import kl, toy

V, T = 3, 3


def tabular(seed, std):
    return toy.TabularPolicy(V, T, init_std=std, seed=seed, dtype=torch.float64)


def grad_of(value, policy):
    return toy.flat(torch.autograd.grad(value, [p for p in policy.parameters()]))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_logit_reward_reinforce_is_minus_reverse_kl_gradient(seed):
    """E_G[(ln p_data - ln p_G) grad ln p_G] = grad(-KL(p_G || p_data)), reward held fixed."""
    data, generator = tabular(100 + seed, 1.5), tabular(seed, 0.7)
    log_p_data = kl.sequence_log_probs(data, V, T).detach()
    reward = kl.logit_reward(log_p_data, kl.sequence_log_probs(generator, V, T))
    left = kl.reinforce_expectation(generator, reward, V, T)
    right = -grad_of(kl.reverse_kl(generator, log_p_data, V, T), generator)
    assert right.abs().max() > 0.05                                         # a real gradient, not zero
    torch.testing.assert_close(left, right, atol=1e-12 * right.abs().max().item() + 1e-14, rtol=0)
    # and it is not the forward KL's (maximum likelihood's) gradient
    forward = -grad_of(kl.kl(log_p_data, kl.sequence_log_probs(generator, V, T)), generator)
    assert (forward - right).norm() > 0.1 * right.norm()


def test_optimal_discriminator_and_its_logit():
    log_p_data = torch.log(torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64))
    log_p_g = torch.log(torch.tensor([0.25, 0.25, 0.5], dtype=torch.float64))
    torch.testing.assert_close(kl.optimal_discriminator(log_p_data, log_p_g),
                               torch.tensor([0.5 / 0.75, 0.3 / 0.55, 0.2 / 0.7], dtype=torch.float64))
    torch.testing.assert_close(kl.logit_reward(log_p_data, log_p_g), log_p_data - log_p_g)


def test_reverse_kl_fit_seeks_a_mode_and_forward_kl_covers():
    """A factorised policy fitted to a two-mode p_data: reverse KL collapses onto a mode (entropy far
    below the data's, NLL-oracle low), forward KL (maximum likelihood) spreads over both."""
    seqs = toy.all_sequences(V, T)
    weights = torch.full((V ** T,), 1e-3, dtype=torch.float64)
    weights[(seqs == seqs[:, :1]).all(1)] = 1.0                              # modes: 000, 111, 222
    log_p_data = (weights / weights.sum()).log()
    fits = {}
    for name, loss in [("forward", lambda m: kl.kl(log_p_data, kl.sequence_log_probs(m, V, T))),
                       ("reverse", lambda m: kl.kl(kl.sequence_log_probs(m, V, T), log_p_data))]:
        model = kl.fit(kl.FactorisedPolicy(V, T, init_std=0.1, seed=0), loss, steps=800, lr=0.05)
        fits[name] = kl.sequence_log_probs(model, V, T).detach()
    h_data = kl.entropy(log_p_data)
    assert kl.entropy(fits["reverse"]) < 0.5 * h_data < h_data < kl.entropy(fits["forward"])
    nll_oracle = {k: -(v.exp() * log_p_data).sum() for k, v in fits.items()}   # quality
    nll_test = {k: -(log_p_data.exp() * v).sum() for k, v in fits.items()}      # coverage
    assert nll_oracle["reverse"] < nll_oracle["forward"] and nll_test["reverse"] > nll_test["forward"]


@pytest.mark.parametrize("beta", [0.2, 1.0, 5.0])
def test_kl_regularised_optimum(beta):
    """pi* = pi_ref exp(r/beta)/Z maximises E[r] - beta KL(pi||pi_ref): zero gradient there, value
    beta ln Z, and E[r] - beta KL(pi||pi_ref) = beta ln Z - beta KL(pi||pi*) for any pi."""
    ref = tabular(0, 0.8)
    log_ref = kl.sequence_log_probs(ref, V, T).detach()
    reward = torch.randn(V ** T, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    log_star, log_z = kl.kl_regularised_optimum(reward, log_ref, beta)
    policy = kl.policy_from_distribution(toy.TabularPolicy(V, T, dtype=torch.float64), log_star)
    log_pi = kl.sequence_log_probs(policy, V, T)
    torch.testing.assert_close(log_pi.detach(), log_star, atol=1e-12, rtol=0)
    value = kl.kl_regularised_objective(log_pi, reward, log_ref, beta)
    assert value.item() == pytest.approx(beta * log_z, abs=1e-12)
    gradient = torch.autograd.grad(value, [policy.logits])[0]
    assert gradient.abs().max() < 1e-12
    for seed in (1, 2):                                                       # any other policy scores less
        other = kl.sequence_log_probs(tabular(seed, 1.0), V, T).detach()
        lhs = kl.kl_regularised_objective(other, reward, log_ref, beta).item()
        assert lhs == pytest.approx(beta * log_z - beta * kl.kl(other, log_star).item(), abs=1e-12)
        assert lhs < beta * log_z


def test_rlhf_with_log_ratio_reward_recovers_the_data():
    """beta = 1 and r = ln p_data - ln pi_ref: the RLHF optimum is p_data (a fixed reverse-KL target)."""
    log_data = kl.sequence_log_probs(tabular(5, 1.5), V, T).detach()
    log_ref = kl.sequence_log_probs(tabular(6, 0.5), V, T).detach()
    log_star, log_z = kl.kl_regularised_optimum(log_data - log_ref, log_ref, 1.0)
    torch.testing.assert_close(log_star, log_data, atol=1e-12, rtol=0)
    assert log_z == pytest.approx(0.0, abs=1e-12)


def test_policy_from_distribution_handles_unreachable_prefixes():
    log_p = torch.full((V ** T,), float("-inf"), dtype=torch.float64)
    log_p[0] = 0.0                                                             # all mass on 0 0 0
    policy = kl.policy_from_distribution(toy.TabularPolicy(V, T, dtype=torch.float64), log_p)
    assert torch.isfinite(policy.logits).all()
    assert kl.sequence_log_probs(policy, V, T)[0].item() == pytest.approx(0.0, abs=1e-12)


def test_bad_input_is_one_clear_error():
    good = torch.log(torch.full((4,), 0.25, dtype=torch.float64))
    with pytest.raises(ValueError, match="must sum to 1"):
        kl.kl(good + 1.0, good)
    with pytest.raises(ValueError, match="same shape"):
        kl.kl(good, torch.log(torch.full((2,), 0.5, dtype=torch.float64)))
    with pytest.raises(ValueError, match="beta must be a positive"):
        kl.kl_regularised_optimum(torch.zeros(4), good, 0.0)
    with pytest.raises(ValueError, match="V\\^T"):
        kl.policy_from_distribution(toy.TabularPolicy(V, T, dtype=torch.float64), good)
    with pytest.raises(ValueError, match="one value per sequence"):
        kl.reinforce_expectation(tabular(0, 0.5), torch.zeros(5), V, T)
