"""Monte Carlo rollouts (chapter 6): rewards land on the right token, batched == loop, delayed copy."""
import copy

import pytest
import torch

from gan4nlp.policy import Generator
from gan4nlp.rollout import RolloutPolicy, rollout_rewards, rollout_rewards_loop


def position_reward(position, token):
    """A test discriminator: 1 if the sequence has `token` at `position`, else 0."""
    return lambda y: (y[:, position] == token).float()


def multinomial_loop(*args, **kwargs):
    """The loop as the original code runs it: torch.multinomial sampling."""
    return rollout_rewards_loop(*args, method="multinomial", **kwargs)


@pytest.mark.parametrize("impl", [rollout_rewards, rollout_rewards_loop, multinomial_loop])
def test_each_reward_lands_on_the_token_it_scores(impl):
    torch.manual_seed(0)
    gen = Generator(4, 6, 8)
    tokens = gen.generate(32, 6)
    j, a = 3, 2
    q = impl(gen, tokens, position_reward(j, a), 8, generator=torch.Generator().manual_seed(1))
    hit = (tokens[:, j] == a).float()
    assert 0 < hit.sum() < 32
    # from the prefix that contains y_j on, Q is exactly whether y_j == a, in every row
    for t in range(j, 6):
        assert torch.equal(q[:, t], hit)
    # before it, Q is a Monte Carlo estimate of the chance of drawing a at j: not the indicator
    assert not torch.equal(q[:, j - 1], hit)
    assert ((q[:, : j] > 0) & (q[:, : j] < 1)).any()


def test_last_position_is_the_discriminator_score_of_the_sequence():
    gen = Generator(5, 4, 4)
    tokens = gen.generate(10, 5)
    score = lambda y: (y.float().mean(-1) / 4)   # noqa: E731
    for impl in (rollout_rewards, rollout_rewards_loop):
        q = impl(gen, tokens, score, 3)
        torch.testing.assert_close(q[:, -1], score(tokens))


@pytest.mark.parametrize("loop", [rollout_rewards_loop, multinomial_loop])
def test_batched_and_loop_rollouts_agree_in_distribution(loop):
    """Means over 150 independent runs of each implementation agree within a few standard errors."""
    torch.manual_seed(0)
    gen = Generator(5, 8, 8)
    tokens = gen.generate(6, 5)
    reward = lambda y: (y == 2).float().mean(-1) + 0.5 * (y[:, -1] == y[:, 1]).float()   # noqa: E731
    runs = 150
    qb = torch.stack([rollout_rewards(gen, tokens, reward, 4, generator=torch.Generator().manual_seed(i))
                      for i in range(runs)])
    ql = torch.stack([loop(gen, tokens, reward, 4, generator=torch.Generator().manual_seed(10_000 + i))
                      for i in range(runs)])
    se = ((qb.var(0) + ql.var(0)) / runs).sqrt()
    diff = (qb.mean(0) - ql.mean(0))[:, :-1]
    z = diff / se[:, :-1]
    assert float(z.abs().max()) < 4.5
    assert float((z ** 2).mean()) < 2.0
    # and both match the exact expectation for the first prefix, computed by enumeration
    from gan4nlp.toy import all_sequences
    seqs = all_sequences(5, 5)
    with torch.no_grad():
        logp = gen.log_prob(seqs).sum(-1)
    for i in range(2):
        keep = seqs[:, 0] == tokens[i, 0]
        p = (logp[keep] - torch.logsumexp(logp[keep], 0)).exp()
        exact = float((p * reward(seqs[keep])).sum())
        assert abs(float(qb[:, i, 0].mean()) - exact) < 4.5 * float(qb[:, i, 0].std()) / runs ** 0.5 + 1e-6


def test_rollouts_leave_the_generator_untouched_and_return_rollouts():
    gen = Generator(6, 4, 5)
    before = copy.deepcopy(gen.state_dict())
    tokens = gen.generate(3, 4)
    q, rollouts = rollout_rewards(gen, tokens, lambda y: y[:, 0].float(), 2, return_rollouts=True)
    assert q.shape == (3, 4) and rollouts.shape == (3, 3, 2, 4)   # (T-1, B, K, T)
    for t in range(1, 4):   # every rollout of prefix t starts with the real prefix
        assert torch.equal(rollouts[t - 1, :, :, :t], tokens[:, None, :t].expand(3, 2, t))
    assert all(torch.equal(before[k], v) for k, v in gen.state_dict().items())
    assert all(p.grad is None for p in gen.parameters())


def test_rollout_policy_is_a_delayed_copy():
    torch.manual_seed(0)
    gen = Generator(6, 4, 5)
    roll = RolloutPolicy(gen, rate=0.8)
    old = {k: v.clone() for k, v in roll.policy.state_dict().items()}
    opt = torch.optim.SGD(gen.parameters(), lr=0.5)
    opt.zero_grad()
    gen.mle_loss(gen.generate(8, 4)).backward()
    opt.step()
    new_gen = gen.state_dict()
    assert not torch.equal(old["rnn.weight_hh_l0"], new_gen["rnn.weight_hh_l0"])
    roll.update()
    cur = roll.policy.state_dict()
    for k in cur:
        if k.startswith("embedding."):
            assert torch.equal(cur[k], new_gen[k])
        else:
            torch.testing.assert_close(cur[k], 0.8 * old[k] + 0.2 * new_gen[k])
            assert not torch.equal(cur[k], new_gen[k])
    live = RolloutPolicy(gen, rate=None)
    assert live.policy is gen


def test_bad_rollout_number_raises():
    gen = Generator(4, 3, 3)
    tokens = gen.generate(2, 3)
    for impl in (rollout_rewards, rollout_rewards_loop):
        with pytest.raises(ValueError, match="rollout_num"):
            impl(gen, tokens, lambda y: y[:, 0].float(), 0)
    with pytest.raises(ValueError, match="vocabulary"):
        rollout_rewards(gen, tokens + 4, lambda y: y[:, 0].float(), 2)
    with pytest.raises(ValueError, match="rate"):
        RolloutPolicy(gen, rate=1.5)


@pytest.mark.parametrize("chunk", [0, -1, 1.5])
def test_bad_chunk_raises(chunk):
    from gan4nlp.rollout import score_in_chunks
    gen = Generator(4, 3, 3)
    tokens = gen.generate(2, 3)
    with pytest.raises(ValueError, match="chunk must be a positive integer"):
        score_in_chunks(lambda y: y[:, 0].float(), tokens, chunk)
    with pytest.raises(ValueError, match="chunk must be a positive integer"):
        rollout_rewards(gen, tokens, lambda y: y[:, 0].float(), 2, chunk=chunk)


def test_score_in_chunks_equals_one_call_for_any_chunk():
    tokens = torch.arange(21).reshape(7, 3)
    whole = tokens.sum(1).float()                                 # the answer without chunks
    for chunk in (1, 2, 3, 7, 100):
        from gan4nlp.rollout import score_in_chunks
        assert torch.equal(score_in_chunks(lambda y: y.sum(1).float(), tokens, chunk), whole)
