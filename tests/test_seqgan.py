"""The synthetic oracle and the SeqGAN loop (chapter 8)."""
import json

import pytest
import torch

from gan4nlp.__main__ import main as cli
from gan4nlp.discriminator import Discriminator, DiscriminatorConfig
from gan4nlp.evaluation import nll
from gan4nlp.oracle import OracleConfig, make_oracle, oracle_data
from gan4nlp.rollout import rollout_rewards
from gan4nlp.seqgan import SeqGANConfig, load_models, train, world


def small_oracle():
    return OracleConfig(vocab_size=200, length=8, num_sequences=300)


def test_oracle_is_deterministic_and_prefers_its_own_samples():
    cfg = small_oracle()
    a, b = make_oracle(cfg, seed=3), make_oracle(cfg, seed=3)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))
    da, db = oracle_data(a, 300, 8, seed=1), oracle_data(b, 300, 8, seed=1)
    assert torch.equal(da, db)
    assert not torch.equal(da, oracle_data(a, 300, 8, seed=2))
    uniform = torch.randint(200, (300, 8), generator=torch.Generator().manual_seed(0))
    assert nll(a, da) < nll(a, uniform) - 1.0
    assert nll(a, uniform) > 5.0   # about log(200) = 5.3 or more for random sequences


def test_paper_oracle_settings():
    cfg = OracleConfig()
    assert (cfg.vocab_size, cfg.embed_dim, cfg.hidden_dim, cfg.length, cfg.num_sequences) == (5000, 32, 32, 20, 10000)
    oracle = make_oracle(cfg, seed=0)
    w = oracle.out.weight
    assert abs(float(w.std()) - 1.0) < 0.02 and oracle.bos == 0


def test_rewards_inside_rollouts_are_scored_without_dropout():
    cfg = DiscriminatorConfig(vocab_size=50, seq_len=6, embed_dim=8, filter_sizes=(1, 2, 3), num_filters=(4, 4, 4),
                              dropout=0.5)
    disc = Discriminator(cfg).train()
    from gan4nlp.policy import Generator
    gen = Generator(50, 8, 8)
    tokens = gen.generate(5, 6)
    q1 = rollout_rewards(gen, tokens, disc.reward, 3, generator=torch.Generator().manual_seed(0))
    q2 = rollout_rewards(gen, tokens, disc.reward, 3, generator=torch.Generator().manual_seed(0))
    assert torch.equal(q1, q2)   # dropout would make the two differ
    assert disc.training         # and the discriminator's mode is restored


def test_bad_configs_raise_clear_errors():
    with pytest.raises(ValueError, match="rollout_num"):
        SeqGANConfig.preset("quick", rollout_num=0)
    with pytest.raises(ValueError, match="length"):
        SeqGANConfig.preset("quick", oracle=OracleConfig(vocab_size=500, length=0))
    with pytest.raises(ValueError, match="vocabulary mismatch"):
        SeqGANConfig.preset("quick", oracle=OracleConfig(vocab_size=400, length=10, num_sequences=1000))
    with pytest.raises(ValueError, match="unknown preset"):
        SeqGANConfig.preset("huge")
    with pytest.raises(ValueError, match="rollout_update_rate"):
        SeqGANConfig.preset("quick", rollout_update_rate=2.0)
    assert cli(["seqgan", "--preset", "quick", "--set", "rollout_num=0"]) == 2


def tiny(**kw):
    return SeqGANConfig.preset("quick", pretrain_epochs=3, d_pretrain_rounds=1, adv_iterations=4, eval_every=2,
                               checkpoint_every=1, **kw)


def test_checkpoint_resume_reproduces_the_uninterrupted_run(tmp_path, one_thread):
    full = train(tiny(), tmp_path / "full", progress=False)
    # stop after 6 units (inside the adversarial phase), then resume in a fresh call
    part = train(tiny(), tmp_path / "resumed", progress=False, stop_after=6)
    assert len(part["adversarial"]) < 4
    resumed = train(tiny(), tmp_path / "resumed", progress=False)
    assert json.loads(json.dumps(resumed)) == json.loads(json.dumps(full))
    _, a = load_models(tmp_path / "full")
    _, b = load_models(tmp_path / "resumed")
    for x, y in zip(a.generator.state_dict().values(), b.generator.state_dict().values()):
        assert torch.equal(x, y)
    state = torch.load(tmp_path / "full" / "checkpoint.pt", weights_only=True)
    assert state["phase"] == 4
    with pytest.raises(ValueError, match="different configuration .*seed"):
        train(tiny(seed=5), tmp_path / "full", progress=False)


def test_quick_preset_runs_end_to_end_from_the_command_line(tmp_path, one_thread):
    out = tmp_path / "quick"
    assert cli(["seqgan", "--preset", "quick", "--out", str(out), "--no-progress", "--threads", "1"]) == 0
    history = json.loads((out / "history.json").read_text())
    config = SeqGANConfig.preset("quick")
    assert len(history["mle"]) == config.pretrain_epochs
    assert len(history["adversarial"]) == config.adv_iterations == len(history["baseline"])
    evals = [r for r in history["adversarial"] if "nll_oracle" in r]
    assert len(evals) == config.adv_iterations // config.eval_every
    final = history["final"]
    for model in ("seqgan", "mle"):
        assert set(final[model]) == {"nll_oracle", "entropy", "nll_heldout"}
    # MLE pre-training learns: NLL-oracle after it is far below that of uniformly random tokens
    oracle, _, _ = world(config)
    uniform = torch.randint(500, (2000, 10), generator=torch.Generator().manual_seed(0))
    assert history["mle"][-1]["nll_oracle"] < nll(oracle, uniform) - 1.5   # uniform about 9.0, after pre-training about 6.8
    assert history["mle"][-1]["nll_oracle"] < history["mle"][1]["nll_oracle"]
    assert history["oracle"] == final["oracle"] == "random"
    for key in ("mle_continued", "mle_at_seqgan_entropy", "mle_temperature"):
        assert key in final
    assert all(0.0 <= r["mean_reward"] <= 1.0 for r in history["adversarial"])
    assert (out / "samples.txt").read_text().count("\n") == 4 * len(evals)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["preset"] == "quick" and summary["oracle"] == "random"


def test_nll_refuses_a_non_positive_batch():
    oracle = make_oracle(small_oracle(), seed=0)
    tokens = torch.zeros(3, 8, dtype=torch.long)
    with pytest.raises(ValueError, match="batch must be a positive integer"):
        nll(oracle, tokens, batch=0)
    with pytest.raises(ValueError, match="temperature"):
        nll(oracle, tokens, temperature=0.0)
