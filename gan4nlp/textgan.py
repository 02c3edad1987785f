"""Text GANs on the grammar corpora (chapters 9, 11, 12): one loop, three ways to train the
generator after maximum-likelihood pre-training, on the same data with the same budget.

- ``method="seqgan"``: REINFORCE with Monte Carlo rollouts, the discriminator's D(Y) as reward
  (Yu et al. 2017; `gan_steps.policy_gradient_step`, chapter 8).
- ``method="gumbel"``: the Gumbel-softmax road (chapter 9; Jang et al. 2017, Maddison et al.
  2017; RelGAN, Nie et al. 2019, feeds such vectors to the discriminator). The generator writes
  relaxed one-hot vectors y_t = softmax((logits_t + g_t) / tau) (straight-through: exact one-hot
  forward, soft backward, by default), the discriminator reads them through its embedding
  (y_t @ E), and the generator minimises -log D(y) by backpropagating through the discriminator.
- ``method="mle"``: the baseline: one more epoch of maximum likelihood per iteration.

Each adversarial iteration is ``g_steps`` generator steps, then ``d_steps`` discriminator
rounds: ``num_negatives`` fresh generated sentences against as many real ones drawn from the
training set (balanced classes, so a discriminator that answers "real" to everything scores only
50%), ``d_epochs`` epochs each. Every ``eval_every`` iterations the history
records the exact grammaticality of fresh samples, the NLL of held-out grammar sentences
(never trained on), the generator's entropy (NLL of its own samples), and the mean reward.

    run = train(TextGANConfig.preset("quick", language="th", method="gumbel"), progress=False)
    run.history["adversarial"][-1]      # {"step": ..., "grammaticality": ..., "nll_heldout": ...}
    run.vocab.decode(run.generator.generate(5, run.config.length))

Runs take seconds (quick) to minutes (full) and are not checkpointed; ``out_dir`` saves the
config, the history and the generator's weights (``generator.pt``, loads with
``torch.load(..., weights_only=True)``) at the end.
"""
from __future__ import annotations

import dataclasses
import json
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from . import _checks
from .discriminator import REAL, Discriminator, DiscriminatorConfig
from .evaluation import nll
from .grammar import LENGTH, PCFG, Vocabulary, corpus, grammaticality_rate
from .policy import Generator
from .rollout import RolloutPolicy
from .gan_steps import mle_epoch, policy_gradient_step, train_discriminator

METHODS = ("seqgan", "gumbel", "mle")


@dataclass
class TextGANConfig:
    """Settings of a text-GAN run on a grammar corpus; defaults are the ``full`` preset."""

    language: str = "en"            # grammar corpus: "en" (English) or "th" (Thai, pre-segmented words)
    method: str = "seqgan"          # generator training after MLE: "seqgan", "gumbel" or "mle"
    seed: int = 0                   # seeds the corpus sample and all training randomness
    num_sentences: int = 5000       # training sentences sampled from the grammar
    heldout_sentences: int = 1000   # held-out sentences (another seed), never trained on
    length: int = LENGTH            # tokens per sequence: the words, then <eos> padding
    embed_dim: int = 32             # generator embedding size
    hidden_dim: int = 64            # generator LSTM size
    gen_lr: float = 0.01            # Adam learning rate of maximum-likelihood training
    adv_lr: float = 0.001           # Adam learning rate of the adversarial generator steps
    grad_clip: float = 5.0          # gradient-norm clip of the generator
    batch_size: int = 64            # generator and discriminator batch
    pretrain_epochs: int = 15       # MLE pre-training epochs (shared by every method)
    d_pretrain_rounds: int = 3      # discriminator pre-training rounds (skipped for "mle")
    d_epochs: int = 1               # epochs per discriminator round
    num_negatives: int = 2000       # generated (and as many real) sequences per discriminator round
    adv_iterations: int = 60        # adversarial iterations (MLE epochs for "mle")
    g_steps: int = 1                # generator steps per iteration
    d_steps: int = 1                # discriminator rounds per iteration
    rollout_num: int = 8            # K, rollouts per prefix ("seqgan")
    rollout_update_rate: float | None = 0.8  # delayed-copy rate of the rollout policy; None = live generator
    tau: float = 1.0                # Gumbel-softmax temperature ("gumbel")
    straight_through: bool = True   # "gumbel": one-hot forward, soft backward
    disc_embed_dim: int = 32        # discriminator embedding size
    disc_lr: float = 0.001          # discriminator Adam learning rate (10x the paper's: it must learn in few rounds)
    filter_sizes: tuple = (2, 3, 4, 5)          # discriminator convolution widths
    num_filters: tuple = (32, 32, 32, 32)       # filters per width
    eval_every: int = 5             # iterations between evaluations
    eval_samples: int = 500         # generated sentences per evaluation

    # counts that may be zero (skip a phase); every other int must be positive
    _MAY_BE_ZERO = ("seed", "pretrain_epochs", "d_pretrain_rounds", "adv_iterations", "g_steps", "d_steps")

    def __post_init__(self):
        if self.language not in ("en", "th"):
            raise ValueError(f"language must be 'en' or 'th', got {self.language!r}")
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        # the annotations are strings (from __future__ import annotations): resolve them to types
        hints = typing.get_type_hints(type(self))
        for f in fields(self):
            value, kind = getattr(self, f.name), hints[f.name]
            if f.name in self._MAY_BE_ZERO:
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise ValueError(f"{f.name} must be a non-negative integer, got {value!r}")
            elif kind is int:
                _checks.positive_int(f.name, value)
            elif kind is float:
                _checks.positive_float(f.name, value)
            elif kind is bool:
                if not isinstance(value, bool):
                    raise ValueError(f"{f.name} must be True or False, got {value!r}")
            elif f.name == "rollout_update_rate":
                if value is not None:
                    _checks.unit_interval(f.name, value)
            elif kind is tuple:
                if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)) or not value:
                    raise ValueError(f"{f.name} must be a non-empty tuple of positive integers, got {value!r}")
                for v in value:
                    _checks.positive_int(f"each of {f.name}", v)
                setattr(self, f.name, tuple(value))
            elif kind is not str:                        # language and method are checked above
                raise TypeError(f"TextGANConfig.__post_init__ does not know how to check {f.name}: {kind}")
        if len(self.filter_sizes) != len(self.num_filters):
            raise ValueError(f"filter_sizes ({len(self.filter_sizes)} widths) and num_filters "
                             f"({len(self.num_filters)} counts) must have the same length")
        if max(self.filter_sizes) > self.length:
            raise ValueError(f"the widest filter ({max(self.filter_sizes)}) exceeds length={self.length}")

    @classmethod
    def preset(cls, name: str, **overrides) -> "TextGANConfig":
        """``full`` (the defaults: a few minutes per method on a 2-core CPU) or ``quick`` (seconds;
        notebooks and tests)."""
        if name == "full":
            base = cls()
        elif name == "quick":
            base = cls(num_sentences=1000, heldout_sentences=300, hidden_dim=32, pretrain_epochs=6,
                       d_pretrain_rounds=1, num_negatives=500, adv_iterations=8, rollout_num=4,
                       num_filters=(16, 16, 16, 16), eval_every=4, eval_samples=200)
        else:
            raise ValueError(f"unknown preset {name!r}; choose full or quick")
        return dataclasses.replace(base, **overrides)

    def to_dict(self) -> dict:
        return json.loads(json.dumps(dataclasses.asdict(self)))


@dataclass
class TextGANRun:
    """A finished run: its config, models, corpus and history."""

    config: TextGANConfig
    generator: Generator
    discriminator: Discriminator | None
    vocab: Vocabulary
    grammar: PCFG
    data: torch.Tensor               # (N, T) training ids
    heldout: torch.Tensor            # (M, T) held-out ids
    history: dict = field(default_factory=dict)


def make_corpus(config: TextGANConfig):
    """(training ids, held-out ids, vocabulary, grammar): deterministic from the seed."""
    sentences, vocab, grammar = corpus(config.language, config.num_sentences, seed=config.seed)
    heldout, _, _ = corpus(config.language, config.heldout_sentences, seed=config.seed + 10_000)
    return vocab.encode(sentences, config.length), vocab.encode(heldout, config.length), vocab, grammar


def gumbel_step(gen: Generator, g_opt, disc: Discriminator, *, batch_size: int, length: int, tau: float,
                straight_through: bool, grad_clip: float, rng: torch.Generator) -> dict:
    """One Gumbel-softmax generator step: relaxed sequences (B, T, V) into the discriminator,
    loss = -mean log D(y), gradient through D into the generator (D's weights are not updated)."""
    soft = gen.relaxed_sample(batch_size, length, tau, hard=straight_through, generator=rng)   # (B, T, V)
    was_training = disc.training
    disc.eval()                                    # no dropout noise in the generator's signal
    try:
        log_d = F.log_softmax(disc(soft), dim=-1)[:, REAL]                                   # (B,)
    finally:
        disc.train(was_training)
    loss = -log_d.mean()
    g_opt.zero_grad()
    loss.backward()
    disc.zero_grad(set_to_none=True)
    torch.nn.utils.clip_grad_norm_(gen.parameters(), grad_clip)
    g_opt.step()
    return {"g_loss": loss.item(), "mean_reward": log_d.detach().exp().mean().item()}


def evaluate(gen: Generator, heldout: torch.Tensor, vocab: Vocabulary, grammar: PCFG, num_samples: int,
             rng: torch.Generator, temperature: float = 1.0) -> dict:
    """Grammaticality of fresh samples, NLL of held-out data, entropy (NLL of own samples), per token."""
    samples = gen.generate(num_samples, heldout.shape[1], temperature, generator=rng)          # (N, T)
    return {"grammaticality": grammaticality_rate(samples, grammar, vocab),
            "nll_heldout": nll(gen, heldout, temperature), "entropy": nll(gen, samples, temperature)}


def train(config: TextGANConfig, out_dir: str | Path | None = None, *, progress: bool = True) -> TextGANRun:
    """MLE pre-training, discriminator pre-training, then `adv_iterations` of the chosen method."""
    data, heldout, vocab, grammar = make_corpus(config)
    torch.manual_seed(config.seed)
    rng = torch.Generator().manual_seed(config.seed + 1)
    eval_rng = lambda step: torch.Generator().manual_seed(config.seed * 1_000_003 + step)  # noqa: E731
    gen = Generator(len(vocab), config.embed_dim, config.hidden_dim)
    g_opt = torch.optim.Adam(gen.parameters(), lr=config.gen_lr)
    history = {"mle": [], "d_pretrain": [], "adversarial": [], "samples": []}
    length = config.length

    def record(name, row, step, force=False):
        if step % config.eval_every == 0 or force:
            row.update(evaluate(gen, heldout, vocab, grammar, config.eval_samples, eval_rng(step)))
        history[name].append(row)

    for epoch in tqdm(range(1, config.pretrain_epochs + 1), desc="mle", disable=not progress, leave=False):
        record("mle", {"step": epoch, "loss": mle_epoch(gen, g_opt, data, config, rng)}, epoch,
               epoch == config.pretrain_epochs)

    disc = None
    if config.method != "mle":
        disc = Discriminator(DiscriminatorConfig(vocab_size=len(vocab), seq_len=length, embed_dim=config.disc_embed_dim,
                                                 filter_sizes=config.filter_sizes, num_filters=config.num_filters,
                                                 lr=config.disc_lr))
        d_opt = disc.make_optimizer()

        def d_round() -> dict:       # balanced: as many real sentences as fresh negatives
            real = data[torch.randperm(data.shape[0], generator=rng)[: config.num_negatives]]
            return train_discriminator(gen, disc, d_opt, real, num_negatives=config.num_negatives,
                                       d_epochs=config.d_epochs, batch_size=config.batch_size, rng=rng)

        for r in tqdm(range(1, config.d_pretrain_rounds + 1), desc="d_pretrain", disable=not progress, leave=False):
            history["d_pretrain"].append({"step": r, **d_round()})
        g_opt = torch.optim.Adam(gen.parameters(), lr=config.adv_lr)
        rollout = RolloutPolicy(gen, config.rollout_update_rate)

    for it in tqdm(range(1, config.adv_iterations + 1), desc=config.method, disable=not progress, leave=False):
        row = {"step": it}
        if config.method == "mle":
            row["loss"] = mle_epoch(gen, g_opt, data, config, rng)
        else:
            for _ in range(config.g_steps):
                if config.method == "seqgan":
                    row.update(policy_gradient_step(gen, g_opt, rollout, disc.reward, batch_size=config.batch_size,
                                                    length=length, rollout_num=config.rollout_num,
                                                    grad_clip=config.grad_clip, rng=rng))
                else:
                    row.update(gumbel_step(gen, g_opt, disc, batch_size=config.batch_size, length=length,
                                           tau=config.tau, straight_through=config.straight_through,
                                           grad_clip=config.grad_clip, rng=rng))
            for _ in range(config.d_steps):
                row.update({f"d_{k}": v for k, v in d_round().items()})
        record("adversarial", row, it, it == config.adv_iterations)
        if it % config.eval_every == 0 or it == config.adv_iterations:
            history["samples"].append({"step": it, "sentences": vocab.decode(gen.generate(
                4, length, generator=eval_rng(-it)))})

    run = TextGANRun(config, gen, disc, vocab, grammar, data, heldout, history)
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "config.json").write_text(json.dumps(config.to_dict(), indent=1))
        (out / "history.json").write_text(json.dumps(history, indent=1, ensure_ascii=False))
        torch.save(gen.state_dict(), out / "generator.pt")
    return run
