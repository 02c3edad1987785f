"""gan4nlp.textgan: SeqGAN, Gumbel-softmax GAN and MLE on the grammar corpora."""
import copy

import pytest
import torch

from gan4nlp.discriminator import Discriminator
from gan4nlp.policy import Generator
from gan4nlp.textgan import TextGANConfig, gumbel_step, make_corpus, train


pytestmark = pytest.mark.usefixtures("one_thread")     # fixture in conftest.py


@pytest.mark.parametrize("bad, message", [
    (dict(language="fr"), "language must be"), (dict(method="wgan"), "method must be one of"),
    (dict(rollout_num=0), "rollout_num must be a positive integer"), (dict(tau=0.0), "tau must be a positive"),
    (dict(length=0), "length must be a positive integer"), (dict(batch_size=-1), "batch_size must be a positive"),
    (dict(adv_iterations=-1), "adv_iterations must be a non-negative integer"),
    (dict(rollout_update_rate=1.5), r"rollout_update_rate must lie in \[0, 1\]"),
    (dict(length=4), r"the widest filter \(5\) exceeds length=4"),
    # fields the old check missed (string annotations): floats, bools, tuples, every int
    (dict(gen_lr=0.0), "gen_lr must be a positive"), (dict(adv_lr=float("nan")), "adv_lr must be a positive"),
    (dict(grad_clip=-1.0), "grad_clip must be a positive"), (dict(disc_lr="fast"), "disc_lr must be a positive"),
    (dict(straight_through=1), "straight_through must be True or False"),
    (dict(eval_samples=0), "eval_samples must be a positive integer"),
    (dict(eval_every=2.0), "eval_every must be a positive integer"),
    (dict(num_negatives=True), "num_negatives must be a positive integer"),
    (dict(seed=-1), "seed must be a non-negative integer"),
    (dict(filter_sizes=()), "filter_sizes must be a non-empty tuple"),
    (dict(filter_sizes="2345"), "filter_sizes must be a non-empty tuple"),
    (dict(num_filters=(16, 0, 16, 16)), "each of num_filters must be a positive integer"),
    (dict(filter_sizes=(2, 3)), "must have the same length"),
])
def test_bad_config_raises(bad, message):
    with pytest.raises(ValueError, match=message):
        TextGANConfig.preset("quick", **bad)


def test_every_config_field_is_checked():
    """Each field of TextGANConfig rejects a value of the wrong kind (no field slips through)."""
    import dataclasses
    wrong = {int: -5, float: -1.0, bool: "yes", str: "??", tuple: ()}
    import typing
    hints = typing.get_type_hints(TextGANConfig)
    for f in dataclasses.fields(TextGANConfig):
        kind = hints[f.name]
        value = wrong.get(kind, 7.5)                      # float | None: outside [0, 1]
        with pytest.raises(ValueError, match=f.name):
            TextGANConfig.preset("quick", **{f.name: value})


def test_config_accepts_lists_for_tuples_and_none_rate():
    config = TextGANConfig.preset("quick", filter_sizes=[2, 3], num_filters=[8, 8], rollout_update_rate=None)
    assert config.filter_sizes == (2, 3) and config.num_filters == (8, 8) and config.rollout_update_rate is None


def test_unknown_preset():
    with pytest.raises(ValueError, match="unknown preset"):
        TextGANConfig.preset("huge")


def test_corpus_is_deterministic_and_heldout_differs():
    config = TextGANConfig.preset("quick", language="th")
    data, heldout, vocab, _ = make_corpus(config)
    again, _, _, _ = make_corpus(config)
    assert torch.equal(data, again)
    assert data.shape == (config.num_sentences, config.length)
    assert not torch.equal(data[: heldout.shape[0]], heldout)
    assert int(data.max()) < len(vocab)


def _disc(vocab_size, length, impl="fast"):
    torch.manual_seed(3)
    return Discriminator(vocab_size=vocab_size, seq_len=length, embed_dim=8, filter_sizes=(2, 3),
                         num_filters=(4, 4), impl=impl)


def test_soft_input_gradient_same_in_fast_and_reference_discriminator():
    disc = _disc(7, 5)
    ref = copy.deepcopy(disc)
    ref.impl = "reference"
    soft = torch.softmax(torch.randn(6, 5, 7, dtype=torch.float32), -1).requires_grad_()
    soft2 = soft.detach().clone().requires_grad_()
    disc.eval(), ref.eval()
    disc(soft)[:, 1].sum().backward()
    ref(soft2)[:, 1].sum().backward()
    torch.testing.assert_close(soft.grad, soft2.grad, rtol=1e-4, atol=1e-5)


def test_gumbel_step_moves_generator_not_discriminator():
    torch.manual_seed(0)
    gen, disc = Generator(7, 8, 8), _disc(7, 5)
    disc.train()
    before_g = [p.detach().clone() for p in gen.parameters()]
    before_d = [p.detach().clone() for p in disc.parameters()]
    opt = torch.optim.Adam(gen.parameters(), lr=0.01)
    out = gumbel_step(gen, opt, disc, batch_size=16, length=5, tau=1.0, straight_through=True, grad_clip=5.0,
                      rng=torch.Generator().manual_seed(0))
    assert 0.0 < out["mean_reward"] < 1.0
    assert any(not torch.equal(a, b) for a, b in zip(before_g, gen.parameters()))
    assert all(torch.equal(a, b) for a, b in zip(before_d, disc.parameters()))
    assert all(p.grad is None for p in disc.parameters())
    assert disc.training                      # mode restored


def test_straight_through_forward_is_one_hot_with_soft_gradient():
    torch.manual_seed(0)
    gen = Generator(7, 8, 8)
    y = gen.relaxed_sample(4, 5, 0.7, hard=True, generator=torch.Generator().manual_seed(1))   # (4, 5, 7)
    assert torch.equal(y.detach().sum(-1), torch.ones(4, 5))
    assert set(y.detach().unique().tolist()) <= {0.0, 1.0}
    (y * torch.arange(7.0)).sum().backward()
    assert gen.out.weight.grad.abs().sum() > 0


@pytest.mark.parametrize("method", ["mle", "seqgan", "gumbel"])
def test_quick_runs_are_deterministic_and_record_history(method):
    config = TextGANConfig.preset("quick", method=method, adv_iterations=4, eval_every=2, pretrain_epochs=3)
    a = train(config, progress=False)
    b = train(config, progress=False)
    assert a.history == b.history
    rows = a.history["adversarial"]
    assert [r["step"] for r in rows] == [1, 2, 3, 4]
    assert {"grammaticality", "nll_heldout", "entropy"} <= set(rows[-1])
    if method != "mle":
        assert 0.0 <= rows[-1]["mean_reward"] <= 1.0 and "d_accuracy" in rows[-1]
        assert a.discriminator is not None
    assert len(a.history["samples"][-1]["sentences"]) == 4


def test_mle_training_improves_grammaticality():
    run = train(TextGANConfig.preset("quick", method="mle", pretrain_epochs=1, adv_iterations=8), progress=False)
    first, last = run.history["mle"][-1], run.history["adversarial"][-1]
    assert last["grammaticality"] > first["grammaticality"] + 0.1
    assert last["nll_heldout"] < first["nll_heldout"]


def test_out_dir_saves_history_and_weights(tmp_path):
    config = TextGANConfig.preset("quick", method="gumbel", adv_iterations=2, pretrain_epochs=1)
    run = train(config, tmp_path, progress=False)
    state = torch.load(tmp_path / "generator.pt", weights_only=True)
    assert all(torch.equal(state[k], v) for k, v in run.generator.state_dict().items())
    assert (tmp_path / "history.json").exists() and (tmp_path / "config.json").exists()
