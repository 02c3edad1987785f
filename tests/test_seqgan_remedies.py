"""The remedies of chapter 8 as options of SeqGAN's generator step (issue 9, item 4): log D and
logit D rewards, a prefix or leave-one-out baseline, an entropy bonus. Checked against exact
answers: hand-computed values and the gradient by enumeration of every sequence."""
import itertools
import math

import pytest
import torch

from gan4nlp.gan_steps import advantages, policy_gradient_loss, policy_gradient_step, transformed_reward
from gan4nlp.policy import Generator
from gan4nlp.rollout import RolloutPolicy
from gan4nlp.seqgan import SeqGANConfig, config_differences

V, T = 3, 3


def table_reward():
    """A fixed D(Y) in (0, 1) for each of the V^T sequences."""
    g = torch.Generator().manual_seed(5)
    table = torch.rand((V,) * T, generator=g) * 0.9 + 0.05

    def reward(tokens):                                                   # (N, T) -> (N,)
        return table[tuple(tokens.T)]
    return reward, table


def exact_gradient(gen, reward):
    """grad of J = sum_Y p(Y) r(Y) by enumerating all V^T sequences."""
    seqs = torch.tensor(list(itertools.product(range(V), repeat=T)))      # (27, T)
    gen.zero_grad()
    j = (gen.log_prob(seqs).sum(-1).exp() * reward(seqs)).sum()
    grads = torch.autograd.grad(j, list(gen.parameters()))
    return torch.cat([g.flatten() for g in grads])


def test_advantages_by_hand():
    q = torch.tensor([[0.2, 0.4, 1.0], [0.6, 0.2, 0.0], [0.4, 0.6, 0.5]])
    assert torch.equal(advantages(q, "none"), q)
    loo = torch.tensor([[0.5, 0.4, 0.25], [0.3, 0.5, 0.75], [0.4, 0.3, 0.5]])
    torch.testing.assert_close(advantages(q, "loo"), q - loo)
    prefix = q - torch.tensor([[0.5, 0.2, 0.4], [0.3, 0.6, 0.2], [0.4, 0.4, 0.6]])
    torch.testing.assert_close(advantages(q, "prefix"), prefix)
    with pytest.raises(ValueError, match="advantage must be one of"):
        advantages(q, "mean")
    with pytest.raises(ValueError, match="at least 2"):
        advantages(q[:1], "loo")


def test_transformed_rewards_by_hand():
    d = lambda tokens: torch.tensor([0.2, 0.5, 0.9, 1.0, 0.0])            # noqa: E731
    tokens = torch.zeros(5, 2, dtype=torch.long)
    log, logit = transformed_reward(d, "log")(tokens), transformed_reward(d, "logit")(tokens)
    torch.testing.assert_close(log[:3], torch.tensor([math.log(0.2), math.log(0.5), math.log(0.9)]))
    torch.testing.assert_close(logit[:3], torch.tensor([math.log(0.25), 0.0, math.log(9.0)]))
    # D = 1 and D = 0 are clamped to [1e-6, 1 - 1e-6]: finite, about -+13.8 for the logit
    assert torch.isfinite(log).all() and torch.isfinite(logit).all()
    assert abs(float(logit[3]) - math.log(1e6)) < 0.05 and abs(float(logit[4]) + math.log(1e6)) < 0.05
    assert transformed_reward(d, "prob") is d
    with pytest.raises(ValueError, match="reward must be one of"):
        transformed_reward(d, "exp")


@pytest.mark.parametrize("advantage", ["none", "prefix", "loo"])
@pytest.mark.parametrize("reward", ["prob", "logit"])
def test_every_advantage_is_unbiased_against_the_enumerated_gradient(advantage, reward, one_thread):
    torch.manual_seed(0)
    gen = Generator(V, 4, 5, start_token=0)
    d, _ = table_reward()
    exact = exact_gradient(gen, transformed_reward(d, reward))                # grad of E[r]
    batch, repeats = 8, 400
    rng = torch.Generator().manual_seed(1)
    estimates = []
    for _ in range(repeats):
        gen.zero_grad()
        loss, _ = policy_gradient_loss(gen, gen, d, batch_size=batch, length=T, rollout_num=2, rng=rng,
                                       reward=reward, advantage=advantage)
        loss.backward()
        estimates.append(torch.cat([-p.grad.flatten() / batch for p in gen.parameters()]))
    est = torch.stack(estimates)                                              # (repeats, P)
    for u in (exact / exact.norm(), torch.randn(exact.shape, generator=torch.Generator().manual_seed(2))):
        proj = est @ u                                                        # (repeats,)
        z = (proj.mean() - exact @ u) / (proj.std() / repeats ** 0.5)
        assert abs(float(z)) < 4.5, (advantage, reward, float(z))


def test_a_baseline_lowers_the_variance_here(one_thread):
    torch.manual_seed(0)
    gen = Generator(V, 4, 5, start_token=0)
    d, _ = table_reward()
    spread = {}
    for advantage in ("none", "prefix"):
        rng = torch.Generator().manual_seed(3)
        rows = []
        for _ in range(200):
            gen.zero_grad()
            loss, _ = policy_gradient_loss(gen, gen, d, batch_size=8, length=T, rollout_num=2, rng=rng,
                                           advantage=advantage)
            loss.backward()
            rows.append(torch.cat([p.grad.flatten() for p in gen.parameters()]))
        spread[advantage] = float(torch.stack(rows).var(0).sum())
    assert spread["prefix"] < 0.8 * spread["none"]


def sequence_entropy(gen):
    seqs = torch.tensor(list(itertools.product(range(V), repeat=T)))
    with torch.no_grad():
        lp = gen.log_prob(seqs).sum(-1)
    return float(-(lp.exp() * lp).sum())


def test_the_entropy_bonus_raises_the_entropy(one_thread):
    torch.manual_seed(0)
    gen = Generator(V, 4, 5, start_token=0)
    with torch.no_grad():
        gen.out.bias.copy_(torch.tensor([3.0, 0.0, -3.0]))                  # a peaked start
    before = sequence_entropy(gen)
    flat = lambda tokens: torch.full((tokens.shape[0],), 0.5)              # noqa: E731  (A = 0 with "loo")
    opt = torch.optim.Adam(gen.parameters(), lr=0.05)
    rng = torch.Generator().manual_seed(4)
    for _ in range(10):
        stats = policy_gradient_step(gen, opt, RolloutPolicy(gen, None), flat, batch_size=16, length=T, rollout_num=2,
                                     grad_clip=5.0, rng=rng, advantage="loo", entropy_bonus=0.1)
    assert sequence_entropy(gen) > before + 0.3
    assert stats["mean_reward"] == pytest.approx(0.5)


def test_config_options_and_old_run_folders():
    with pytest.raises(ValueError, match="reward must be one of"):
        SeqGANConfig.preset("quick", reward="exp")
    with pytest.raises(ValueError, match="advantage must be one of"):
        SeqGANConfig.preset("quick", advantage="mean")
    with pytest.raises(ValueError, match="entropy_bonus"):
        SeqGANConfig.preset("quick", entropy_bonus=-0.1)
    config = SeqGANConfig.preset("quick")
    old = config.to_dict()
    for added in ("reward", "advantage", "entropy_bonus"):
        del old[added]                              # a run folder written before these fields existed
    assert config_differences(old, config) == []
    assert config_differences(old, SeqGANConfig.preset("quick", reward="log")) == ["reward"]
