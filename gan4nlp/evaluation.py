"""Evaluating text generators (chapter 11): held-out NLL, entropy, BLEU and Self-BLEU, exact
grammaticality, and sweeps over the sampling temperature.

- `nll`: mean negative log-likelihood per token of given sequences under a model. On held-out
  real data (never the training set) it measures how well the model covers the data; on the
  model's own samples it estimates the model's entropy (`entropy`).
- `bleu`: mean sentence BLEU of each generated sentence against a set of references
  (Papineni et al. 2002), computed by sacrebleu, the maintained reference implementation.
- `self_bleu`: mean BLEU of each sample against all *other* samples (Zhu et al. 2018, Texygen):
  high means the samples repeat each other (low diversity). A sample is never its own reference
  (`leave_one_out`).
- `grammaticality`: the exact fraction of samples the grammar derives (`grammar.is_grammatical`).
- `temperature_sweep`: every metric at several sampling temperatures: the quality-diversity curve
  of Caccia et al. (2020), "Language GANs Falling Short".

Sentences are lists of words (or strings); a tensor of token ids (N, T) is read as sentences of
ids. BLEU runs on whitespace-joined words with sacrebleu's ``tokenize="none"`` (Thai words are
already segmented), sentence-level with exponential smoothing and effective order, as Texygen's
sentence-level BLEU averaged over samples.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator, Sequence

import torch
from sacrebleu.metrics import BLEU

from . import _checks
from ._fast import denormals_flushed
from .grammar import PCFG, Vocabulary, grammaticality_rate


# ----- likelihood ------------------------------------------------------------------------------
@torch.no_grad()
def nll(model, tokens: torch.Tensor, temperature: float = 1.0, batch: int = 1000) -> float:
    """Mean negative log-likelihood per token of `tokens` (N, T) under `model` sampled at `temperature`.

    NLL-oracle is ``nll(oracle, generator samples)``; the NLL of held-out real data is
    ``nll(generator, oracle samples)``; the generator's entropy estimate is ``nll(generator, its own samples)``
    (chapters 8 and 11)."""
    temperature = _checks.positive_float("temperature", temperature)
    batch = _checks.positive_int("batch", batch)
    tokens = _checks.token_batch(tokens, model.vocab_size)
    total = 0.0
    with denormals_flushed():
        for i in range(0, tokens.shape[0], batch):
            total += (-model.log_prob(tokens[i: i + batch], temperature).sum()).item()
    return total / tokens.numel()


@torch.no_grad()
def entropy(model, num_samples: int, length: int, temperature: float = 1.0, *,
            generator: torch.Generator | None = None) -> float:
    """Monte Carlo estimate of the model's entropy per token: the NLL of its own samples."""
    samples = draw(model, num_samples, length, temperature, generator=generator)              # (N, T)
    return nll(model, samples, temperature=temperature)


@torch.no_grad()
def draw(model, num_samples: int, length: int, temperature: float = 1.0, *,
         generator: torch.Generator | None = None) -> torch.Tensor:
    """(N, T) token ids sampled at `temperature`: `Generator.generate` (the fast path), or
    ``sample(...).tokens`` for models without it (e.g. `toy.TabularPolicy`)."""
    if hasattr(model, "generate"):
        return model.generate(num_samples, length, temperature, generator=generator)
    return model.sample(num_samples, length, temperature, generator=generator).tokens


# ----- n-gram metrics ---------------------------------------------------------------------------
def as_text(sentences) -> list[str]:
    """Sentences as whitespace-joined strings: lists of words, strings, or an (N, T) id tensor."""
    if isinstance(sentences, torch.Tensor):
        if sentences.dim() != 2:
            raise ValueError(f"token ids must have shape (N, T), got {tuple(sentences.shape)}")
        sentences = sentences.tolist()
    if isinstance(sentences, str):
        raise ValueError("expected a list of sentences, got one string")
    out = []
    for i, s in enumerate(sentences):
        if isinstance(s, str):
            out.append(s)
        else:
            try:
                out.append(" ".join(str(w) for w in s))
            except TypeError:
                raise ValueError(f"sentence {i} is neither a string nor a list of words: {s!r}") from None
    if not out:
        raise ValueError("no sentences: pass at least one")
    return out


def _scorer(max_n: int) -> BLEU:
    max_n = _checks.positive_int("max_n", max_n)
    return BLEU(tokenize="none", max_ngram_order=max_n, effective_order=True, smooth_method="exp")


def sentence_bleu(hypothesis: str, references: Sequence[str], max_n: int = 4, scorer: BLEU | None = None) -> float:
    """BLEU-n of one sentence against references, in [0, 1] (sacrebleu's score / 100)."""
    if not references:
        raise ValueError("BLEU needs at least one reference")
    return (scorer or _scorer(max_n)).sentence_score(hypothesis, list(references)).score / 100


def bleu(hypotheses, references, max_n: int = 4) -> float:
    """Mean sentence BLEU-n of every hypothesis against the whole reference set, in [0, 1].

    Use held-out references, never the training sentences the model was fitted to."""
    hyps, refs = as_text(hypotheses), as_text(references)
    scorer = _scorer(max_n)
    return sum(sentence_bleu(h, refs, scorer=scorer) for h in hyps) / len(hyps)


def leave_one_out(samples: Sequence[str]) -> Iterator[tuple[str, list[str]]]:
    """(sample i, every other sample) for each i: the references Self-BLEU uses. Positions, not
    values, are left out, so a sample's duplicates elsewhere in the set do count."""
    for i, s in enumerate(samples):
        yield s, list(samples[:i]) + list(samples[i + 1:])


def self_bleu(samples, max_n: int = 4) -> float:
    """Mean BLEU-n of each sample against all the others, in [0, 1]: 1 for identical samples,
    near 0 for samples that share no n-gram. Needs at least two samples."""
    texts = as_text(samples)
    if len(texts) < 2:
        raise ValueError("Self-BLEU needs at least two samples")
    scorer = _scorer(max_n)
    return sum(sentence_bleu(h, refs, scorer=scorer) for h, refs in leave_one_out(texts)) / len(texts)


# ----- grammar ----------------------------------------------------------------------------------
def grammaticality(samples, grammar: PCFG, vocab: Vocabulary | None = None) -> float:
    """Fraction of samples the grammar derives exactly; id tensors are decoded with `vocab`."""
    return grammaticality_rate(samples, grammar, vocab)


# ----- temperature ------------------------------------------------------------------------------
def temperature_sweep(model, temperatures: Iterable[float], num_samples: int, length: int,
                      metrics: Callable[[torch.Tensor, float], dict], *, seed: int = 0) -> list[dict]:
    """For each temperature: draw `num_samples` sequences (N, length) from the model at that
    temperature (the same seed for each) and record ``{"temperature": t, **metrics(samples, t)}``.

        sweep = temperature_sweep(gen, [0.7, 0.8, 1.0], 500, 16,
                                  lambda s, t: {"entropy": nll(gen, s, t), "nll_heldout": nll(gen, heldout, t)})
    """
    temperatures = [_checks.positive_float("temperature", t) for t in temperatures]
    if not temperatures:
        raise ValueError("temperatures is empty: give at least one")
    rows = []
    for t in temperatures:
        samples = draw(model, num_samples, length, t, generator=torch.Generator().manual_seed(seed))   # (N, T)
        rows.append({"temperature": t, **metrics(samples, t)})
    return rows


# ----- the quality-diversity curve of one generator (chapter 11's widget draws it) --------------
SWEEP_TEMPERATURES = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5)


def quality_sweep(generator, vocab: Vocabulary, grammar: PCFG, heldout: torch.Tensor,
                  temperatures=SWEEP_TEMPERATURES, *, num_samples: int = 200, bleu_samples: int = 100,
                  num_references: int = 200, examples: int = 4, seed: int = 0) -> list[dict]:
    """Every chapter-11 metric of `generator` at each temperature: a list of rows
    ``{"temperature", "grammaticality", "entropy", "nll_heldout", "bleu4", "self_bleu4", "examples"}``.

    `num_samples` sentences (the same seed at every temperature, so the same random numbers)
    give the exact grammaticality and the entropy (their own NLL per token); the first
    `bleu_samples` give BLEU-4 against the first `num_references` held-out sentences (never
    trained on) and Self-BLEU-4 among themselves; `examples` of them are kept as
    ``(words, grammatical)`` pairs. The NLL of all of `heldout` (N, T) is computed at each temperature."""
    from .grammar import is_grammatical

    for name, value in (("bleu_samples", bleu_samples), ("examples", examples)):
        if value > num_samples:
            raise ValueError(f"{name}={value} exceeds num_samples={num_samples}")
    references = vocab.decode(heldout[:num_references])

    def metrics(samples: torch.Tensor, t: float) -> dict:               # samples: (N, T)
        words = vocab.decode(samples)
        return {"grammaticality": grammaticality(words, grammar),
                "entropy": nll(generator, samples, t),
                "nll_heldout": nll(generator, heldout, t),
                "bleu4": bleu(words[:bleu_samples], references),
                "self_bleu4": self_bleu(words[:bleu_samples]),
                "examples": [(w, is_grammatical(w, grammar)) for w in words[:examples]]}

    return temperature_sweep(generator, temperatures, num_samples, heldout.shape[1], metrics, seed=seed)
