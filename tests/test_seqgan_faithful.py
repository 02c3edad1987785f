"""SeqGAN as the original code runs it (issue 9): balanced discriminator rounds, and a separate
Adam for the adversarial generator updates (chapter 8)."""
import pytest
import torch

from gan4nlp import discriminator as discriminator_module
from gan4nlp.gan_steps import train_discriminator
from gan4nlp.policy import Generator
from gan4nlp.seqgan import SeqGANConfig, at_entropy, load_models, train, world
from gan4nlp.textgan import TextGANConfig
from gan4nlp.textgan import train as train_textgan


def tiny(**kw):
    kw = {"pretrain_epochs": 2, "d_pretrain_rounds": 2, "adv_iterations": 2, "eval_every": 2, "checkpoint_every": 1,
          **kw}
    return SeqGANConfig.preset("quick", **kw)


@pytest.fixture
def d_calls(monkeypatch):
    """Records the real and generated batches every discriminator epoch is given."""
    calls = []
    original = discriminator_module.Discriminator.train_epoch

    def spy(self, real, fake, *args, **kwargs):
        calls.append((real.clone(), fake.clone()))
        return original(self, real, fake, *args, **kwargs)

    monkeypatch.setattr(discriminator_module.Discriminator, "train_epoch", spy)
    return calls


def test_every_seqgan_discriminator_round_has_as_many_real_as_generated(d_calls, one_thread):
    config = tiny(num_negatives=300, d_steps=2)     # 300 of the 1,000 real sequences per round
    train(config, progress=False)
    _, data, _ = world(config)
    rounds = config.d_pretrain_rounds + config.adv_iterations * config.d_steps
    assert len(d_calls) == rounds * config.d_epochs
    real_rows = {tuple(r) for r in data.tolist()}
    for real, fake in d_calls:
        assert real.shape[0] == fake.shape[0] == 300
        assert all(tuple(r) in real_rows for r in real.tolist())       # the real ones come from the data
    # each round draws a fresh subset of the real data and fresh negatives
    assert not torch.equal(d_calls[0][0], d_calls[1][0])
    assert not torch.equal(d_calls[0][1], d_calls[1][1])


def test_textgan_discriminator_rounds_are_balanced_too(d_calls, one_thread):
    config = TextGANConfig.preset("quick", language="en", method="seqgan", adv_iterations=2, pretrain_epochs=1)
    train_textgan(config, progress=False)
    assert d_calls
    for real, fake in d_calls:
        assert real.shape[0] == fake.shape[0] == config.num_negatives


def test_train_discriminator_refuses_more_negatives_than_real_data():
    gen = Generator(20, 4, 4, start_token=0)
    data = torch.randint(20, (10, 5))
    with pytest.raises(ValueError, match="num_negatives"):
        train_discriminator(gen, None, None, data, num_negatives=11, d_epochs=1, batch_size=4,
                            rng=torch.Generator().manual_seed(0))
    with pytest.raises(ValueError, match="num_negatives"):
        SeqGANConfig.preset("quick", num_negatives=1001)


def test_the_adversarial_phase_has_its_own_fresh_adam(tmp_path, one_thread):
    config = tiny(adv_lr=0.003)
    pre = config.pretrain_epochs + config.d_pretrain_rounds
    train(config, tmp_path / "run", progress=False, stop_after=pre)           # stops at the adversarial phase's start
    _, before = load_models(tmp_path / "run")
    assert before.phase == 2 and before.step == 0
    assert before.g_opt is not before.pretrain_opt
    assert len(before.g_opt.state) == 0                                        # no moment estimates yet
    mle_steps = {int(s["step"]) for s in before.pretrain_opt.state.values()}
    batches = -(-config.oracle.num_sequences // config.batch_size)
    assert mle_steps == {config.pretrain_epochs * batches}
    assert before.g_opt.param_groups[0]["lr"] == 0.003 and before.pretrain_opt.param_groups[0]["lr"] == 0.01

    train(config, tmp_path / "run", progress=False, stop_after=1)             # one adversarial iteration
    _, after = load_models(tmp_path / "run")
    assert {int(s["step"]) for s in after.g_opt.state.values()} == {1}
    assert {int(s["step"]) for s in after.pretrain_opt.state.values()} == mle_steps   # MLE's Adam untouched
    # Adam's first step from empty moments moves every parameter with a gradient by lr * sign(g)
    # (m_hat = g, v_hat = g^2); moments carried over from MLE would give other step sizes.
    delta = torch.cat([(a - b).flatten() for a, b in zip(after.generator.state_dict().values(),
                                                         before.generator.state_dict().values())])
    moved = delta[delta != 0].abs()
    assert moved.numel() > 100
    assert float(moved.max()) <= 0.003 * (1 + 1e-4)
    assert float(((moved / 0.003 - 1).abs() < 0.01).float().mean()) > 0.9


def test_resume_is_exact_with_two_optimisers(tmp_path, one_thread):
    import json
    config = tiny()
    full = train(config, tmp_path / "full", progress=False)
    for stop in (1, 3, 1, 2):         # interrupt in MLE, D pre-training, the adversarial and baseline phases
        train(config, tmp_path / "resumed", progress=False, stop_after=stop)
    resumed = train(config, tmp_path / "resumed", progress=False)
    assert json.loads(json.dumps(resumed)) == json.loads(json.dumps(full))
    _, a = load_models(tmp_path / "full")
    _, b = load_models(tmp_path / "resumed")
    for opt in ("pretrain_opt", "g_opt", "b_opt"):
        sa, sb = getattr(a, opt).state_dict()["state"], getattr(b, opt).state_dict()["state"]
        assert sa.keys() == sb.keys()
        for k in sa:
            assert torch.equal(sa[k]["exp_avg"], sb[k]["exp_avg"])


def test_final_summary_has_every_measurement(tmp_path, one_thread):
    config = tiny()
    final = train(config, progress=False)["final"]
    assert final["oracle"] == "random"
    for key in ("mle", "mle_continued", "seqgan"):
        assert set(final[key]) >= {"nll_oracle", "entropy", "nll_heldout"}
    temps = [r["temperature"] for r in final["mle_temperature"]]
    assert temps == sorted(temps) and 1.0 in temps
    t1 = next(r for r in final["mle_temperature"] if r["temperature"] == 1.0)
    assert final["mle"]["nll_oracle"] == t1["nll_oracle"]
    # sharper sampling: lower entropy at lower temperature (the ends of the curve differ by far
    # more than the Monte Carlo error of 500 samples)
    curve = final["mle_temperature"]
    assert curve[0]["entropy"] < curve[-1]["entropy"] - 0.3
    point = final["mle_at_seqgan_entropy"]
    assert set(point) >= {"temperature", "nll_oracle"}


def test_at_entropy_interpolates_linearly_and_says_when_outside():
    curve = [{"temperature": 0.8, "entropy": 4.0, "nll_oracle": 9.0},
             {"temperature": 0.9, "entropy": 5.0, "nll_oracle": 8.0},
             {"temperature": 1.0, "entropy": 6.0, "nll_oracle": 8.5}]
    assert at_entropy(curve, 4.5) == pytest.approx({"temperature": 0.85, "nll_oracle": 8.5})
    assert at_entropy(curve, 5.75) == pytest.approx({"temperature": 0.975, "nll_oracle": 8.375})
    out = at_entropy(curve, 6.5)
    assert out["temperature"] is None and out["nll_oracle"] is None and "outside" in out["note"]
    for row, held in zip(curve, (7.0, 7.5, 8.5)):            # any other measure of the curve, the same way
        row["nll_heldout"] = held
    assert at_entropy(curve, 5.5, keys=("nll_heldout",)) == pytest.approx({"temperature": 0.95, "nll_heldout": 8.0})
    assert at_entropy(curve, 3.0, keys=("nll_oracle", "nll_heldout"))["nll_heldout"] is None


def test_an_interrupted_baseline_phase_still_gives_the_seqgan_summary(tmp_path, one_thread):
    from gan4nlp.seqgan import summary_from_checkpoint
    config = tiny()
    full = train(config, progress=False)["final"]
    units = config.pretrain_epochs + config.d_pretrain_rounds + config.adv_iterations
    train(config, tmp_path / "run", progress=False, stop_after=units - 1)
    with pytest.raises(ValueError, match="adversarial phase has not finished"):
        summary_from_checkpoint(tmp_path / "run")
    train(config, tmp_path / "run", progress=False, stop_after=2)           # into the baseline phase
    partial = summary_from_checkpoint(tmp_path / "run")
    assert "mle_continued" not in partial and "partial" in partial
    for key in ("mle", "seqgan", "mle_at_seqgan_entropy"):
        assert partial[key] == pytest.approx(full[key])                    # the same as the finished run's
