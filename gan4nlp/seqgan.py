"""SeqGAN on the synthetic oracle: MLE pre-training, discriminator pre-training, adversarial
training with Monte Carlo rollouts, and an MLE-only baseline (chapter 8; Yu et al. 2017).

    config = SeqGANConfig.preset("quick")
    history = train(config, out_dir="runs/quick")       # resumes from out_dir/checkpoint.pt if present

The generator step of an adversarial iteration follows the original code: sample a batch of 64,
compute Q for every token with `rollout.rollout_rewards`, minimise

    loss = - sum_{batch, t} log G_theta(y_t | Y_{1:t-1}) * Q(Y_{1:t-1}, y_t)      (summed, no baseline)

then clip the gradient norm to 5 and take an Adam step; the rollout policy then moves towards the
generator. The discriminator then trains on fresh negatives. As in the original code (and unlike
this project before issue 9): every discriminator round, in pre-training and in the adversarial
loop, sees as many real sequences as fresh generated ones (`gan_steps.train_discriminator`), and
the adversarial generator steps use their own Adam (``Models.g_opt``, fresh moment estimates),
separate from the one of MLE pre-training (``Models.pretrain_opt``); the original's ``g_opt`` and
``pretrain_opt``.

Every `eval_every` iterations the NLL-oracle of `eval_samples` generated sequences is recorded,
for SeqGAN and for the MLE-only baseline (which continues maximum-likelihood training from the
same pre-trained generator and optimiser state, one epoch over the real data per iteration, as
the paper's MLE curve continues on the same epoch axis). At the end (``history["final"]``, also
``summary.json`` from the command line) every model is measured on `final_samples` sequences:
NLL-oracle, entropy (the NLL of its own samples) and NLL of held-out real data, for (a) the MLE
model at the end of pre-training, (b) the continued MLE baseline, (c) SeqGAN at its last
iteration (the end value, never the best point: picking the best needs the oracle); plus the
temperature curves of both MLE models and their NLL-oracle interpolated at SeqGAN's entropy.

The oracle (``oracle_source``) is a random LSTM drawn from the seed (``"random"``, `oracle`) or
the SeqGAN authors' own weights (``"paper"``, `paper_oracle`, from ``oracle_path``).

Checkpoints (``checkpoint.pt``, written atomically) hold every model, optimiser and random-number
state, so a resumed run continues exactly as the uninterrupted one; they load with
``torch.load(..., weights_only=True)``.
"""
from __future__ import annotations

import copy
import dataclasses
import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

import torch
from tqdm.auto import tqdm

from . import _checks, paper_oracle
from .discriminator import Discriminator, DiscriminatorConfig
from .evaluation import nll
from .gan_steps import ADVANTAGES, REWARDS, mle_epoch, policy_gradient_step, train_discriminator  # noqa: F401  (chapters 8, 12 read them here)
from .oracle import OracleConfig, make_oracle, oracle_data
from .policy import Generator
from .rollout import RolloutPolicy

PHASES = ("mle", "d_pretrain", "adversarial", "baseline")
ORACLES = ("random", "paper")
TEMPERATURES = (0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1)   # the MLE models' temperature curves

# The evaluation random streams: evaluation k of a run samples with the seed
# seed * EVAL_SEED_STRIDE + k, a prime stride so that no two (seed, k) pairs share a stream;
# the few sequences shown in samples.txt use k = -step (disjoint from the evaluations), and the
# final measurements k = FINAL_EVAL_STEP (beyond any step of any preset).
EVAL_SEED_STRIDE = 1_000_003
FINAL_EVAL_STEP = 10**7


@dataclass
class SeqGANConfig:
    """Every setting of the synthetic experiment; defaults are the paper's code (``preset("paper")``)."""

    seed: int = 0                      # seeds the oracle, its data and all training randomness
    oracle: OracleConfig = field(default_factory=OracleConfig)  # the "real world" LSTM and its data
    oracle_source: str = "random"      # "random": an LSTM drawn from the seed; "paper": the authors' weights
    oracle_path: str | None = None     # the authors' target_params_py3.pkl (None: paper_oracle.cached_path())
    heldout_sequences: int = 2000      # extra oracle samples never trained on (NLL of held-out real data)
    embed_dim: int = 32                # generator embedding size
    hidden_dim: int = 32               # generator LSTM size
    gen_init_std: float = 0.1          # generator parameters ~ N(0, gen_init_std^2)
    gen_lr: float = 0.01               # Adam learning rate of MLE pre-training (the original's pretrain_opt)
    adv_lr: float = 0.01               # learning rate of the adversarial phase's own Adam (the original's g_opt)
    grad_clip: float = 5.0             # gradient-norm clip of the generator
    batch_size: int = 64               # generator batch (MLE and adversarial step), discriminator batch
    pretrain_epochs: int = 120         # MLE pre-training epochs over the real data
    discriminator: DiscriminatorConfig = field(default_factory=DiscriminatorConfig)  # CNN settings, lr, L2
    d_pretrain_rounds: int = 50        # discriminator pre-training: rounds of fresh negatives ...
    d_epochs: int = 3                  # ... each trained for this many epochs (also in adversarial d-steps)
    num_negatives: int = 10_000        # generated sequences per round, and as many real ones (balanced)
    adv_iterations: int = 800          # adversarial iterations (TOTAL_BATCH in the original code)
    g_steps: int = 1                   # generator steps per iteration
    d_steps: int = 5                   # discriminator rounds per iteration
    rollout_num: int = 16              # K, Monte Carlo rollouts per prefix
    rollout_update_rate: float | None = 0.8  # delayed copy rate; None = rollouts from the live generator
    reward: str = "prob"               # remedies (chapter 8): the reward D, "log" D or "logit" D
    advantage: str = "none"            # ... raw Q, or Q minus a "prefix" or leave-one-out ("loo") baseline
    entropy_bonus: float = 0.0         # ... plus this times the generator's entropy per step (0: the paper)
    eval_every: int = 5                # iterations (and pre-training epochs) between NLL-oracle evaluations
    eval_samples: int = 10_000         # generated sequences per NLL-oracle evaluation during training
    final_samples: int = 10_000        # sequences per final measurement (each model, each temperature)
    baseline: bool = True              # also train the MLE-only baseline over the same iterations
    checkpoint_every: int = 5          # iterations / epochs / rounds between checkpoints

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("seed", "g_steps", "d_steps", "pretrain_epochs", "d_pretrain_rounds", "adv_iterations"):
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"{f.name} must be a non-negative integer, got {value!r}")
            elif f.name in ("heldout_sequences", "embed_dim", "hidden_dim", "batch_size", "d_epochs", "num_negatives",
                            "rollout_num", "eval_every", "eval_samples", "final_samples", "checkpoint_every"):
                _checks.positive_int(f.name, value)
        for name in ("gen_init_std", "gen_lr", "adv_lr", "grad_clip"):
            _checks.positive_float(name, getattr(self, name))
        if self.rollout_update_rate is not None:
            _checks.unit_interval("rollout_update_rate", self.rollout_update_rate)
        if self.reward not in REWARDS:
            raise ValueError(f"reward must be one of {', '.join(REWARDS)}, got {self.reward!r}")
        if self.advantage not in ADVANTAGES:
            raise ValueError(f"advantage must be one of {', '.join(ADVANTAGES)}, got {self.advantage!r}")
        _checks.non_negative_float("entropy_bonus", self.entropy_bonus)
        if not isinstance(self.baseline, bool):
            raise ValueError(f"baseline must be true or false, got {self.baseline!r}")
        if self.oracle_source not in ORACLES:
            raise ValueError(f"oracle_source must be one of {', '.join(ORACLES)}, got {self.oracle_source!r}")
        if self.oracle_path is not None and not isinstance(self.oracle_path, str):
            raise ValueError(f"oracle_path must be a path (a string), got {self.oracle_path!r}")
        self.oracle = _sub_config("oracle", OracleConfig, self.oracle)
        self.discriminator = _sub_config("discriminator", DiscriminatorConfig, self.discriminator)
        if self.num_negatives > self.oracle.num_sequences:
            raise ValueError(f"num_negatives ({self.num_negatives}) exceeds the {self.oracle.num_sequences} real "
                             f"sequences: a discriminator round pairs as many real sequences as generated ones")
        if self.discriminator.vocab_size != self.oracle.vocab_size:
            raise ValueError(f"vocabulary mismatch: the discriminator has {self.discriminator.vocab_size} tokens, "
                             f"the generator and oracle {self.oracle.vocab_size}")
        if self.discriminator.seq_len != self.oracle.length:
            raise ValueError(f"sequence length mismatch: the discriminator expects {self.discriminator.seq_len}, "
                             f"the oracle generates {self.oracle.length}")

    @classmethod
    def preset(cls, name: str, **overrides) -> "SeqGANConfig":
        """``paper`` (the original code's schedule), ``cpu`` (paper models, a reduced discriminator
        budget, under 20 minutes on a 2-core CPU) or ``quick`` (tiny, about a minute; for tests and
        notebooks)."""
        if name == "paper":
            base = cls()
        elif name == "cpu":
            base = cls(pretrain_epochs=30, d_pretrain_rounds=3, d_epochs=1, num_negatives=5000, adv_iterations=30,
                       d_steps=1, eval_samples=2000, checkpoint_every=5)
        elif name == "quick":
            oracle = OracleConfig(vocab_size=500, length=10, num_sequences=1000)
            disc = DiscriminatorConfig(vocab_size=500, seq_len=10, embed_dim=32, filter_sizes=(1, 2, 3, 5, 10),
                                       num_filters=(20, 20, 20, 20, 20))
            base = cls(oracle=oracle, discriminator=disc, heldout_sequences=500, pretrain_epochs=8,
                       d_pretrain_rounds=2, d_epochs=1, num_negatives=1000, adv_iterations=10, d_steps=1,
                       rollout_num=4, eval_every=2, eval_samples=500, final_samples=500, checkpoint_every=2)
        else:
            raise ValueError(f"unknown preset {name!r}; choose paper, cpu or quick")
        return dataclasses.replace(base, **overrides)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        return json.loads(json.dumps(d))   # tuples -> lists: plain types only


def config_differences(old: dict, config: SeqGANConfig) -> list[str]:
    """The fields in which a saved configuration (a dict) differs from `config`. A field the saved
    one lacks (added to the class later) counts as equal when `config` has its default value."""
    new = config.to_dict()
    defaults = {f.name: f.default for f in fields(SeqGANConfig) if f.default is not dataclasses.MISSING}
    return sorted(k for k in set(old) | set(new)
                  if old.get(k, defaults.get(k, dataclasses.MISSING)) != new.get(k))


def _sub_config(name: str, cls, value):
    """A nested config given as itself or as a dict of its fields (config.json, --set)."""
    if isinstance(value, cls):
        return value
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be a {cls.__name__} or a dict of its fields, got {value!r}")
    unknown = sorted(set(value) - {f.name for f in fields(cls)})
    if unknown:
        raise ValueError(f"{name} has no field {', '.join(unknown)}; its fields are "
                         f"{', '.join(f.name for f in fields(cls))}")
    if "filter_sizes" in value or "num_filters" in value:   # JSON lists back to the tuples the class keeps
        value = {k: tuple(v) if isinstance(v, list) else v for k, v in value.items()}
    return cls(**value)


@dataclass
class Models:
    """Everything that trains, with its optimisers; `phase`/`step` say where the run is. The generator
    has two Adams, as the original code: `pretrain_opt` for MLE pre-training, `g_opt` for the
    adversarial steps (untouched, so with empty moment estimates, until the adversarial phase)."""

    generator: Generator
    pretrain_opt: torch.optim.Optimizer
    g_opt: torch.optim.Optimizer
    discriminator: Discriminator
    d_opt: torch.optim.Optimizer
    rollout: RolloutPolicy
    baseline: Generator
    b_opt: torch.optim.Optimizer
    rng: torch.Generator
    phase: int = 0
    step: int = 0
    history: dict = field(default_factory=lambda: {"oracle": None, "mle": [], "d_pretrain": [], "adversarial": [],
                                                   "baseline": [], "samples": [], "pretrained": {}, "final": {}})


def build(config: SeqGANConfig) -> Models:
    torch.manual_seed(config.seed)
    gen = Generator(config.oracle.vocab_size, config.embed_dim, config.hidden_dim, start_token=0)
    with torch.no_grad():
        for p in gen.parameters():
            p.normal_(0.0, config.gen_init_std)
    disc = Discriminator(config.discriminator)
    baseline = copy.deepcopy(gen)
    m = Models(gen, torch.optim.Adam(gen.parameters(), lr=config.gen_lr),
               torch.optim.Adam(gen.parameters(), lr=config.adv_lr), disc, disc.make_optimizer(),
               RolloutPolicy(gen, config.rollout_update_rate), baseline,
               torch.optim.Adam(baseline.parameters(), lr=config.gen_lr),
               torch.Generator().manual_seed(config.seed + 1))
    m.history["oracle"] = config.oracle_source
    return m


def make_world_oracle(config: SeqGANConfig) -> Generator:
    """The oracle of `config`: drawn from the seed, or the authors' weights (checked against `config.oracle`)."""
    if config.oracle_source == "random":
        return make_oracle(config.oracle, seed=config.seed)
    path = config.oracle_path or paper_oracle.cached_path()
    if not Path(path).exists():
        raise ValueError(f"the paper's oracle file {path} does not exist: give its path (--oracle-path) or allow "
                         f"the download of that one file (--download-oracle)")
    oracle = paper_oracle.load(path)
    got = (oracle.vocab_size, oracle.embedding.embedding_dim, oracle.rnn.hidden_size)
    want = (config.oracle.vocab_size, config.oracle.embed_dim, config.oracle.hidden_dim)
    if got != want:
        raise ValueError(f"the paper's oracle has vocabulary, embedding and hidden sizes {got} but the configuration "
                         f"asks for {want}; use the cpu or paper preset")
    return oracle


def world(config: SeqGANConfig):
    """The oracle, its training data and held-out data: deterministic from the seed."""
    oracle = make_world_oracle(config)
    data = oracle_data(oracle, config.oracle.num_sequences, config.oracle.length, seed=config.seed + 100)
    heldout = oracle_data(oracle, config.heldout_sequences, config.oracle.length, seed=config.seed + 200)
    return oracle, data, heldout


# ----- the steps --------------------------------------------------------------------------------
def discriminator_round(m: Models, data: torch.Tensor, config: SeqGANConfig) -> dict:
    """Balanced: ``num_negatives`` fresh negatives against as many real sequences, ``d_epochs`` epochs."""
    return train_discriminator(m.generator, m.discriminator, m.d_opt, data, num_negatives=config.num_negatives,
                               d_epochs=config.d_epochs, batch_size=config.batch_size, rng=m.rng)


def generator_step(m: Models, config: SeqGANConfig) -> dict:
    """One adversarial generator step with the adversarial phase's own Adam (``m.g_opt``)."""
    return policy_gradient_step(m.generator, m.g_opt, m.rollout, m.discriminator.reward, batch_size=config.batch_size,
                                length=config.oracle.length, rollout_num=config.rollout_num,
                                grad_clip=config.grad_clip, rng=m.rng, reward=config.reward,
                                advantage=config.advantage, entropy_bonus=config.entropy_bonus)


def evaluate(gen: Generator, oracle: Generator, n: int, length: int, rng: torch.Generator,
             heldout: torch.Tensor | None = None, temperature: float = 1.0) -> dict:
    """NLL-oracle of n samples; with ``heldout``, also the generator's entropy estimate (NLL of its
    own samples) and the NLL of held-out real data."""
    samples = gen.generate(n, length, temperature, generator=rng)
    out = {"nll_oracle": nll(oracle, samples)}
    if heldout is not None:
        out["entropy"] = nll(gen, samples, temperature=temperature)
        out["nll_heldout"] = nll(gen, heldout, temperature=temperature)
    return out


def temperature_curve(gen: Generator, oracle: Generator, n: int, length: int, seed: int, heldout: torch.Tensor,
                      temperatures=TEMPERATURES) -> list[dict]:
    """`evaluate` at each temperature (n samples each, the same random stream for every temperature)."""
    return [{"temperature": t, **evaluate(gen, oracle, n, length, torch.Generator().manual_seed(seed), heldout, t)}
            for t in temperatures]


def at_entropy(curve: list[dict], entropy: float, keys: tuple = ("nll_oracle",)) -> dict:
    """The temperature and NLL-oracle (or the other measures named in ``keys``, e.g. ``"nll_heldout"``)
    at which a temperature curve reaches `entropy`, interpolated linearly between the two
    neighbouring temperatures; None (with the reason) outside the curve."""
    for a, b in zip(curve, curve[1:]):
        lo, hi = sorted((a["entropy"], b["entropy"]))
        if lo <= entropy <= hi and hi > lo:
            w = (entropy - a["entropy"]) / (b["entropy"] - a["entropy"])
            return {"temperature": a["temperature"] + w * (b["temperature"] - a["temperature"]),
                    **{k: a[k] + w * (b[k] - a[k]) for k in keys}}
    return {"temperature": None, **{k: None for k in keys},
            "note": f"entropy {entropy:.4f} is outside the curve's range "
                    f"{min(r['entropy'] for r in curve):.4f}-{max(r['entropy'] for r in curve):.4f}"}


def _point(row: dict) -> dict:
    return {k: row[k] for k in ("nll_oracle", "entropy", "nll_heldout")}


# ----- checkpoints ------------------------------------------------------------------------------
def save_checkpoint(m: Models, config: SeqGANConfig, path: Path) -> None:
    state = {
        "config": config.to_dict(), "phase": m.phase, "step": m.step, "history": m.history,
        "generator": m.generator.state_dict(), "pretrain_opt": m.pretrain_opt.state_dict(), "g_opt": m.g_opt.state_dict(),
        "discriminator": m.discriminator.state_dict(), "d_opt": m.d_opt.state_dict(),
        "rollout": m.rollout.state_dict(), "baseline": m.baseline.state_dict(), "b_opt": m.b_opt.state_dict(),
        "rng": m.rng.get_state(), "torch_rng": torch.get_rng_state(),
    }
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)      # atomic: an interruption never leaves a half-written checkpoint


def load_checkpoint(m: Models, config: SeqGANConfig, path: Path) -> None:
    state = torch.load(path, weights_only=True)
    diff = config_differences(state["config"], config)
    if diff:
        raise ValueError(f"{path} was written with a different configuration (differs in {', '.join(diff)}); "
                         f"use another output folder")
    m.generator.load_state_dict(state["generator"])
    m.pretrain_opt.load_state_dict(state["pretrain_opt"])
    m.g_opt.load_state_dict(state["g_opt"])
    m.discriminator.load_state_dict(state["discriminator"])
    m.d_opt.load_state_dict(state["d_opt"])
    m.rollout.load_state_dict(state["rollout"])
    m.baseline.load_state_dict(state["baseline"])
    m.b_opt.load_state_dict(state["b_opt"])
    m.rng.set_state(state["rng"])
    torch.set_rng_state(state["torch_rng"])
    m.phase, m.step, m.history = state["phase"], state["step"], state["history"]


# ----- the whole run ----------------------------------------------------------------------------
def train(config: SeqGANConfig, out_dir: str | Path | None = None, *, progress: bool = True,
          resume: bool = True, stop_after: int | None = None) -> dict:
    """Runs (or resumes) the whole experiment; returns the history. With ``out_dir``, writes
    ``checkpoint.pt``, ``history.json`` and ``config.json`` there. ``stop_after`` stops after that
    many units of work (epochs, rounds, iterations; for testing interruption)."""
    out = Path(out_dir) if out_dir is not None else None
    m = build(config)
    oracle, data, heldout = world(config)    # before loading: building the oracle uses the global RNG
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        if resume and (out / "checkpoint.pt").exists():
            load_checkpoint(m, config, out / "checkpoint.pt")
        (out / "config.json").write_text(json.dumps(config.to_dict(), indent=1))
    length = config.oracle.length
    units = {"mle": config.pretrain_epochs, "d_pretrain": config.d_pretrain_rounds,
             "adversarial": config.adv_iterations, "baseline": config.adv_iterations if config.baseline else 0}
    done = 0
    eval_seed = lambda step: config.seed * EVAL_SEED_STRIDE + step  # noqa: E731
    eval_rng = lambda step: torch.Generator().manual_seed(eval_seed(step))  # noqa: E731

    def end_of_pretraining():
        m.baseline.load_state_dict(m.generator.state_dict())   # the baseline continues from here,
        m.b_opt.load_state_dict(m.pretrain_opt.state_dict())   # optimiser state included
        m.rollout.load_state_dict(m.generator.state_dict())
        m.history["pretrained"] = {"mle_temperature": temperature_curve(
            m.generator, oracle, config.final_samples, length, eval_seed(FINAL_EVAL_STEP), heldout)}

    while m.phase < len(PHASES):
        name = PHASES[m.phase]
        if name == "mle" and units["mle"] == 0 and not m.history["pretrained"]:
            end_of_pretraining()
        bar = tqdm(total=units[name], initial=m.step, desc=name, disable=not progress, leave=False)
        while m.step < units[name]:
            if stop_after is not None and done >= stop_after:
                bar.close()
                if out is not None:
                    save_checkpoint(m, config, out / "checkpoint.pt")
                return m.history
            m.step += 1
            row = {"step": m.step}
            if name == "mle":
                row["loss"] = mle_epoch(m.generator, m.pretrain_opt, data, config, m.rng)
                if m.step % config.eval_every == 0 or m.step == units[name]:
                    row.update(evaluate(m.generator, oracle, config.eval_samples, length, eval_rng(m.step)))
                if m.step == units[name]:
                    end_of_pretraining()
            elif name == "d_pretrain":
                row.update(discriminator_round(m, data, config))
            elif name == "adversarial":
                for _ in range(config.g_steps):
                    row.update(generator_step(m, config))
                for _ in range(config.d_steps):
                    row.update({f"d_{k}": v for k, v in discriminator_round(m, data, config).items()})
                if m.step % config.eval_every == 0 or m.step == units[name]:
                    row.update(evaluate(m.generator, oracle, config.eval_samples, length, eval_rng(m.step)))
                    m.history["samples"].append({"step": m.step, "tokens": m.generator.generate(
                        4, length, generator=eval_rng(-m.step)).tolist()})   # -step: the shown samples' stream
            else:  # baseline: one more MLE epoch per adversarial iteration
                row["loss"] = mle_epoch(m.baseline, m.b_opt, data, config, m.rng)
                if m.step % config.eval_every == 0 or m.step == units[name]:
                    row.update(evaluate(m.baseline, oracle, config.eval_samples, length, eval_rng(m.step)))
            m.history[name].append(row)
            bar.update(1)
            bar.set_postfix({k: round(v, 3) for k, v in row.items() if k in ("loss", "nll_oracle", "mean_reward")})
            done += 1
            if out is not None and (m.step % config.checkpoint_every == 0 or m.step == units[name]):
                save_checkpoint(m, config, out / "checkpoint.pt")
        bar.close()
        m.phase, m.step = m.phase + 1, 0

    if not m.history["final"]:
        m.history["final"] = final_summary(m, config, oracle, heldout, eval_seed(FINAL_EVAL_STEP))
    if out is not None:
        save_checkpoint(m, config, out / "checkpoint.pt")
        (out / "history.json").write_text(json.dumps(m.history, indent=1))
    return m.history


def final_summary(m: Models, config: SeqGANConfig, oracle: Generator, heldout: torch.Tensor, seed: int) -> dict:
    """The end-of-run measurements (see the module docstring); every model on the same random stream."""
    n, length = config.final_samples, config.oracle.length
    curve = m.history["pretrained"]["mle_temperature"]
    mle = next(r for r in curve if r["temperature"] == 1.0)
    seqgan = evaluate(m.generator, oracle, n, length, torch.Generator().manual_seed(seed), heldout)
    out = {"oracle": config.oracle_source, "samples": n, "oracle_entropy": nll(oracle, heldout),
           "mle": _point(mle), "seqgan": seqgan, "mle_temperature": curve,
           "mle_at_seqgan_entropy": at_entropy(curve, seqgan["entropy"])}
    if config.baseline and m.phase >= len(PHASES):     # the baseline phase finished
        continued = temperature_curve(m.baseline, oracle, n, length, seed, heldout)
        out["mle_continued"] = _point(next(r for r in continued if r["temperature"] == 1.0))
        out["mle_continued_temperature"] = continued
        out["mle_continued_at_seqgan_entropy"] = at_entropy(continued, seqgan["entropy"])
    return out


def summary_from_checkpoint(out_dir: str | Path) -> dict:
    """`final_summary` of a run folder whose adversarial phase has finished but whose baseline phase
    has not (an interrupted run): everything except the continued MLE model, marked ``"partial"``."""
    config, m = load_models(out_dir)
    if len(m.history["adversarial"]) < config.adv_iterations:
        raise ValueError(f"{out_dir}: the adversarial phase has not finished "
                         f"({len(m.history['adversarial'])} of {config.adv_iterations} iterations)")
    oracle, _, heldout = world(config)
    summary = final_summary(m, config, oracle, heldout, config.seed * EVAL_SEED_STRIDE + FINAL_EVAL_STEP)
    return {**summary, "partial": "the continued-MLE baseline phase did not finish; no mle_continued"}


def load_models(out_dir: str | Path) -> tuple[SeqGANConfig, Models]:
    """The config and trained models of a finished (or interrupted) run folder."""
    out = Path(out_dir)
    config = SeqGANConfig(**json.loads((out / "config.json").read_text()))   # fields added later take defaults
    m = build(config)
    load_checkpoint(m, config, out / "checkpoint.pt")
    return config, m
