"""SeqGAN on the synthetic oracle: MLE pre-training, discriminator pre-training, adversarial
training with Monte Carlo rollouts, and an MLE-only baseline (chapter 8; Yu et al. 2017).

    config = SeqGANConfig.preset("quick")
    history = train(config, out_dir="runs/quick")       # resumes from out_dir/checkpoint.pt if present

The generator step of an adversarial iteration follows the original code: sample a batch of 64,
compute Q for every token with `rollout.rollout_rewards`, minimise

    loss = - sum_{batch, t} log G_theta(y_t | Y_{1:t-1}) * Q(Y_{1:t-1}, y_t)      (summed, no baseline)

then clip the gradient norm to 5 and take an Adam step; the rollout policy then moves towards the
generator. The discriminator then trains on fresh negatives. Every `eval_every` iterations the
NLL-oracle of `eval_samples` generated sequences is recorded, for SeqGAN and for the MLE-only
baseline (which continues maximum-likelihood training from the same pre-trained generator, one
epoch over the real data per iteration).

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

from . import _checks
from .discriminator import Discriminator, DiscriminatorConfig
from .oracle import OracleConfig, make_oracle, nll, oracle_data
from .policy import Generator
from .rollout import RolloutPolicy, rollout_rewards

PHASES = ("mle", "d_pretrain", "adversarial", "baseline")


@dataclass
class SeqGANConfig:
    """Every setting of the synthetic experiment; defaults are the paper's code (``preset("paper")``)."""

    seed: int = 0                      # seeds the oracle, its data and all training randomness
    oracle: OracleConfig = field(default_factory=OracleConfig)  # the "real world" LSTM and its data
    heldout_sequences: int = 2000      # extra oracle samples never trained on (NLL of held-out real data)
    embed_dim: int = 32                # generator embedding size
    hidden_dim: int = 32               # generator LSTM size
    gen_init_std: float = 0.1          # generator parameters ~ N(0, gen_init_std^2)
    gen_lr: float = 0.01               # Adam learning rate of the generator (MLE and adversarial)
    grad_clip: float = 5.0             # gradient-norm clip of the generator
    batch_size: int = 64               # generator batch (MLE and adversarial step), discriminator batch
    pretrain_epochs: int = 120         # MLE pre-training epochs over the real data
    discriminator: DiscriminatorConfig = field(default_factory=DiscriminatorConfig)  # CNN settings, lr, L2
    d_pretrain_rounds: int = 50        # discriminator pre-training: rounds of fresh negatives ...
    d_epochs: int = 3                  # ... each trained for this many epochs (also in adversarial d-steps)
    num_negatives: int = 10_000        # generated sequences per round (paired with all real data)
    adv_iterations: int = 800          # adversarial iterations (TOTAL_BATCH in the original code)
    g_steps: int = 1                   # generator steps per iteration
    d_steps: int = 5                   # discriminator rounds per iteration
    rollout_num: int = 16              # K, Monte Carlo rollouts per prefix
    rollout_update_rate: float | None = 0.8  # delayed copy rate; None = rollouts from the live generator
    eval_every: int = 5                # iterations (and pre-training epochs) between NLL-oracle evaluations
    eval_samples: int = 10_000         # generated sequences per NLL-oracle evaluation
    baseline: bool = True              # also train the MLE-only baseline over the same iterations
    checkpoint_every: int = 5          # iterations / epochs / rounds between checkpoints

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("seed", "g_steps", "d_steps", "pretrain_epochs", "d_pretrain_rounds", "adv_iterations"):
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"{f.name} must be a non-negative integer, got {value!r}")
            elif f.name in ("heldout_sequences", "embed_dim", "hidden_dim", "batch_size", "d_epochs", "num_negatives",
                            "rollout_num", "eval_every", "eval_samples", "checkpoint_every"):
                _checks.positive_int(f.name, value)
        for name in ("gen_init_std", "gen_lr", "grad_clip"):
            _checks.positive_float(name, getattr(self, name))
        if self.rollout_update_rate is not None:
            _checks.unit_interval("rollout_update_rate", self.rollout_update_rate)
        if isinstance(self.oracle, dict):
            self.oracle = OracleConfig(**self.oracle)
        if isinstance(self.discriminator, dict):
            self.discriminator = DiscriminatorConfig(**self.discriminator)
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
                       rollout_num=4, eval_every=2, eval_samples=500, checkpoint_every=2)
        else:
            raise ValueError(f"unknown preset {name!r}; choose paper, cpu or quick")
        return dataclasses.replace(base, **overrides)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        return json.loads(json.dumps(d))   # tuples -> lists: plain types only


@dataclass
class Models:
    """Everything that trains, with its optimiser; `phase`/`step` say where the run is."""

    generator: Generator
    g_opt: torch.optim.Optimizer
    discriminator: Discriminator
    d_opt: torch.optim.Optimizer
    rollout: RolloutPolicy
    baseline: Generator
    b_opt: torch.optim.Optimizer
    rng: torch.Generator
    phase: int = 0
    step: int = 0
    history: dict = field(default_factory=lambda: {"mle": [], "d_pretrain": [], "adversarial": [], "baseline": [],
                                                   "samples": [], "final": {}})


def build(config: SeqGANConfig) -> Models:
    torch.manual_seed(config.seed)
    gen = Generator(config.oracle.vocab_size, config.embed_dim, config.hidden_dim, start_token=0)
    with torch.no_grad():
        for p in gen.parameters():
            p.normal_(0.0, config.gen_init_std)
    disc = Discriminator(config.discriminator)
    baseline = copy.deepcopy(gen)
    return Models(gen, torch.optim.Adam(gen.parameters(), lr=config.gen_lr), disc, disc.make_optimizer(),
                  RolloutPolicy(gen, config.rollout_update_rate), baseline,
                  torch.optim.Adam(baseline.parameters(), lr=config.gen_lr),
                  torch.Generator().manual_seed(config.seed + 1))


def world(config: SeqGANConfig):
    """The oracle, its training data and held-out data: deterministic from the seed."""
    oracle = make_oracle(config.oracle, seed=config.seed)
    data = oracle_data(oracle, config.oracle.num_sequences, config.oracle.length, seed=config.seed + 100)
    heldout = oracle_data(oracle, config.heldout_sequences, config.oracle.length, seed=config.seed + 200)
    return oracle, data, heldout


# ----- the steps --------------------------------------------------------------------------------
def mle_epoch(gen: Generator, opt, data: torch.Tensor, config: SeqGANConfig, rng: torch.Generator) -> float:
    """One epoch of teacher-forced maximum likelihood, shuffled batches; returns the mean loss."""
    order = torch.randperm(data.shape[0], generator=rng)
    total, count = 0.0, 0
    for i in range(0, data.shape[0], config.batch_size):
        batch = data[order[i: i + config.batch_size]]
        opt.zero_grad()
        loss = gen.mle_loss(batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(gen.parameters(), config.grad_clip)
        opt.step()
        total, count = total + loss.item() * batch.shape[0], count + batch.shape[0]
    return total / count


def discriminator_round(m: Models, data: torch.Tensor, config: SeqGANConfig) -> dict:
    """Fresh negatives from the generator, then `d_epochs` epochs on real + generated."""
    return train_discriminator(m.generator, m.discriminator, m.d_opt, data, num_negatives=config.num_negatives,
                               d_epochs=config.d_epochs, batch_size=config.batch_size, rng=m.rng)


def train_discriminator(gen: Generator, disc, d_opt, data: torch.Tensor, *, num_negatives: int, d_epochs: int,
                        batch_size: int, rng: torch.Generator) -> dict:
    """One discriminator round for any generator and token corpus `data` (N, T): `num_negatives`
    fresh generated sequences, then `d_epochs` epochs on real + generated. Returns the last epoch's
    loss and accuracy."""
    fake = gen.generate(num_negatives, data.shape[1], generator=rng)                        # (M, T)
    stats = {}
    for _ in range(d_epochs):
        stats = disc.train_epoch(data, fake, d_opt, batch_size=batch_size, generator=rng)
    return stats


def generator_step(m: Models, config: SeqGANConfig) -> dict:
    """One adversarial generator step: sample, rollout rewards Q, policy-gradient loss, clip, Adam."""
    return policy_gradient_step(m.generator, m.g_opt, m.rollout, m.discriminator.reward, batch_size=config.batch_size,
                                length=config.oracle.length, rollout_num=config.rollout_num,
                                grad_clip=config.grad_clip, rng=m.rng)


def policy_gradient_step(gen: Generator, g_opt, rollout: RolloutPolicy, reward_fn, *, batch_size: int, length: int,
                         rollout_num: int, grad_clip: float, rng: torch.Generator,
                         rollout_fn=rollout_rewards) -> dict:
    """SeqGAN's generator update (chapter 8): B sequences, Q of every token from `rollout_num`
    rollouts of the rollout policy scored by `reward_fn` (the discriminator's D(Y)), the loss
    -sum_{b,t} log G(y_t | Y_{1:t-1}) Q (summed over batch and time, as the original code), clip, step,
    then the rollout policy moves towards the generator. ``rollout_fn`` estimates Q (the batched
    `rollout.rollout_rewards`; benchmarks/rollout.py times the loop version through it too)."""
    sample = gen.sample(batch_size, length, generator=rng)                                   # (B, T)
    q = rollout_fn(rollout.policy, sample.tokens, reward_fn, rollout_num, generator=rng)  # (B, T)
    loss = -(sample.log_prob * q).sum()
    g_opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(gen.parameters(), grad_clip)
    g_opt.step()
    rollout.update()
    return {"g_loss": loss.item(), "mean_reward": float(q[:, -1].mean()), "mean_q": float(q.mean())}


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


# ----- checkpoints ------------------------------------------------------------------------------
def save_checkpoint(m: Models, config: SeqGANConfig, path: Path) -> None:
    state = {
        "config": config.to_dict(), "phase": m.phase, "step": m.step, "history": m.history,
        "generator": m.generator.state_dict(), "g_opt": m.g_opt.state_dict(),
        "discriminator": m.discriminator.state_dict(), "d_opt": m.d_opt.state_dict(),
        "rollout": m.rollout.state_dict(), "baseline": m.baseline.state_dict(), "b_opt": m.b_opt.state_dict(),
        "rng": m.rng.get_state(), "torch_rng": torch.get_rng_state(),
    }
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)      # atomic: an interruption never leaves a half-written checkpoint


def load_checkpoint(m: Models, config: SeqGANConfig, path: Path) -> None:
    state = torch.load(path, weights_only=True)
    if state["config"] != config.to_dict():
        raise ValueError(f"{path} was written with a different configuration; use another output folder")
    m.generator.load_state_dict(state["generator"])
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
    eval_rng = lambda step: torch.Generator().manual_seed(config.seed * 1_000_003 + step)  # noqa: E731

    while m.phase < len(PHASES):
        name = PHASES[m.phase]
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
                row["loss"] = mle_epoch(m.generator, m.g_opt, data, config, m.rng)
                if m.step % config.eval_every == 0 or m.step == units[name]:
                    row.update(evaluate(m.generator, oracle, config.eval_samples, length, eval_rng(m.step)))
                if m.step == units[name]:
                    m.baseline.load_state_dict(m.generator.state_dict())   # the baseline starts here
                    m.rollout.load_state_dict(m.generator.state_dict())
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
                        4, length, generator=eval_rng(-m.step)).tolist()})
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
        m.history["final"] = {
            "seqgan": evaluate(m.generator, oracle, config.eval_samples, length, eval_rng(10**7), heldout),
            "mle": evaluate(m.baseline, oracle, config.eval_samples, length, eval_rng(10**7), heldout)
            if config.baseline else None,
            "oracle_entropy": nll(oracle, heldout),
        }
    if out is not None:
        save_checkpoint(m, config, out / "checkpoint.pt")
        (out / "history.json").write_text(json.dumps(m.history, indent=1))
    return m.history


def load_models(out_dir: str | Path) -> tuple[SeqGANConfig, Models]:
    """The config and trained models of a finished (or interrupted) run folder."""
    out = Path(out_dir)
    config = SeqGANConfig(**json.loads((out / "config.json").read_text()))
    m = build(config)
    load_checkpoint(m, config, out / "checkpoint.pt")
    return config, m
