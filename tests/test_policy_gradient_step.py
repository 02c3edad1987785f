"""gan_steps.policy_gradient_step's loss against the sum written out: -sum_{b,t} log G(y_t | Y_{1:t-1}) Q_t.

The reward is D(Y) = 1 if the first token is 0: every rollout continues a prefix that holds the
first token, so Q(Y_{1:t-1}, y_t) = D(Y) exactly at every t, and the loss is known in closed form."""
import copy

import pytest
import torch

from gan4nlp.policy import Generator
from gan4nlp.rollout import RolloutPolicy
from gan4nlp.gan_steps import policy_gradient_step

from test_evaluation import lstm_log_probs_by_hand

pytestmark = pytest.mark.usefixtures("one_thread")     # fixture in conftest.py


def test_loss_is_minus_the_sum_over_batch_and_time_of_log_g_times_q():
    torch.manual_seed(0)
    gen = Generator(3, embed_dim=4, hidden_dim=5)
    before = copy.deepcopy(gen)
    reward = lambda y: (y[:, 0] == 0).float()  # noqa: E731
    opt = torch.optim.SGD(gen.parameters(), lr=0.1)
    out = policy_gradient_step(gen, opt, RolloutPolicy(gen, rate=0.8), reward, batch_size=12, length=4,
                               rollout_num=3, grad_clip=5.0, rng=torch.Generator().manual_seed(5))
    # the same first draw of the same seed gives the same sequences
    tokens = before.sample(12, 4, generator=torch.Generator().manual_seed(5)).tokens     # (B, T)
    d = (tokens[:, 0] == 0).double()                                                   # (B,)
    assert 0 < d.sum() < 12                                                            # both cases occur
    with torch.no_grad():
        log_g = lstm_log_probs_by_hand(before, tokens, 1.0)                            # (B, T)
    by_hand = -(log_g * d.unsqueeze(1)).sum().item()
    assert out["g_loss"] == pytest.approx(by_hand, rel=1e-5)
    assert out["mean_reward"] == pytest.approx(d.mean().item())
    assert out["mean_q"] == pytest.approx(d.mean().item())
    assert any(not torch.equal(p, q) for p, q in zip(gen.parameters(), before.parameters()))   # it stepped
