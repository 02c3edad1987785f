"""ARAE on the English and Thai grammar corpora: the results chapter 10 shows for the full preset.

    .venv/bin/python benchmarks/arae_run.py --preset full --languages en th [--seed 0] [--threads 1]

For each language: samples a training corpus (``--n`` sentences, seed 0) and a held-out one (500
sentences, seed 1) from the course grammar, trains `gan4nlp.arae.train` with the preset, then
measures on the held-out sentences the teacher-forced reconstruction accuracy and the exact-match
rate of greedy reconstructions, and on ``--samples`` sentences decoded from the code generator the
grammaticality rate, the distinct fraction and the fraction not in the training corpus, next to
the same numbers for codes drawn uniformly on the unit sphere (a baseline that ignores where the
real codes lie). Writes ``benchmarks/results/arae-PRESET-LANG.json`` (history thinned to at most
300 points per curve, example reconstructions, samples and interpolations as words) and prints a
summary line per language.
"""
import argparse
import json
import math
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from gan4nlp import arae, grammar  # noqa: E402


def thin(values, keep=300):
    """Every k-th value (k chosen so at most `keep` remain), NaN as None (JSON)."""
    step = max(1, math.ceil(len(values) / keep))
    return [None if isinstance(v, float) and math.isnan(v) else v for v in values[::step]], step


def words(vocab, ids):
    return [" ".join(s) for s in vocab.decode(ids)]


def run(language: str, preset: str, seed: int, n: int, samples: int, command: str) -> dict:
    sentences, vocab, gram = grammar.corpus(language, n=n, seed=0)
    heldout_sentences, _, _ = grammar.corpus(language, n=500, seed=1)
    ids, heldout = vocab.encode(sentences), vocab.encode(heldout_sentences)
    config = arae.ARAEConfig.preset(preset, seed=seed)
    result = arae.train(config, ids, vocab=vocab, grammar=gram, heldout=heldout)
    model = result.model

    loss, acc = arae.reconstruction_loss(model, heldout)
    rec = arae.reconstruct(model, heldout)
    rng = torch.Generator().manual_seed(12345)
    fake, fake_codes = arae.sample(model, samples, generator=rng, return_codes=True)
    sphere_codes = torch.randn(samples, config.code_dim, generator=rng)
    sphere_codes = sphere_codes / sphere_codes.norm(dim=1, keepdim=True)
    sphere = arae.decode(model, sphere_codes)
    real_codes = arae.encode(model, heldout)
    code_w1 = {name: arae.fit_critic(real_codes, codes, steps=300, seed=0)[1]
               for name, codes in (("arae", fake_codes), ("random_sphere", sphere_codes))}
    train_set = {tuple(s) for s in sentences}

    def lengths(tokens):
        return torch.bincount((tokens != 0).sum(1), minlength=tokens.shape[1] + 1).tolist()

    def quality(tokens):
        decoded = vocab.decode(tokens)
        return {"grammaticality": grammar.grammaticality_rate(decoded, gram),
                "distinct": len({tuple(s) for s in decoded}) / len(decoded),
                "novel": sum(tuple(s) not in train_set for s in decoded) / len(decoded),
                "mean_length": sum(map(len, decoded)) / len(decoded)}

    pairs = [(0, 1), (2, 3), (4, 5)]
    history = {}
    for key in ("rec_loss", "rec_acc", "critic_gap", "g_loss", "enc_loss", "iteration"):
        history[key], stride = thin(result.history[key])
    return {
        "command": command, "machine": describe(), "language": language, "preset": preset, "seed": seed,
        "corpus_sentences": n, "heldout_sentences": len(heldout_sentences), "seconds": round(result.seconds, 1),
        "config": config.to_dict(),
        "final": {"heldout_rec_loss": loss.item(), "heldout_rec_acc": acc,
                  "heldout_exact_match": (rec == heldout).all(1).float().mean().item(),
                  "samples": samples, "arae": quality(fake), "random_sphere": quality(sphere),
                  "heldout": {"mean_length": sum(map(len, heldout_sentences)) / len(heldout_sentences),
                              "novel": sum(tuple(s) not in train_set for s in heldout_sentences) / len(heldout_sentences)},
                  "code_w1_to_real": code_w1,
                  "length_counts": {"heldout": lengths(heldout), "arae": lengths(fake), "random_sphere": lengths(sphere)},
                  "fake_code_norm": result.history["eval"][-1]["fake_code_norm"]},
        "history": history, "history_stride": stride, "eval": result.history["eval"],
        "reconstructions": [{"input": a, "output": b} for a, b in zip(words(vocab, heldout[:10]), words(vocab, rec[:10]))],
        "samples": words(vocab, fake[:12]),
        "interpolations": [{"a": " ".join(heldout_sentences[i]), "b": " ".join(heldout_sentences[j]),
                            "path": words(vocab, arae.interpolate(model, heldout[i], heldout[j], 7))}
                           for i, j in pairs],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="full", choices=list(arae.PRESETS))
    ap.add_argument("--languages", nargs="+", default=["en", "th"], choices=["en", "th"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n", type=int, default=10_000, help="training sentences per language")
    ap.add_argument("--samples", type=int, default=1000, help="sentences decoded from the code generator")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    command = "python benchmarks/arae_run.py " + " ".join(sys.argv[1:])
    print(describe(), flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for language in args.languages:
        start = time.perf_counter()
        row = run(language, args.preset, args.seed, args.n, args.samples, command.strip())
        path = out / f"arae-{args.preset}-{language}.json"
        path.write_text(json.dumps(row, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        f = row["final"]
        print(f"{language}: {time.perf_counter() - start:.0f} s; held-out reconstruction accuracy "
              f"{f['heldout_rec_acc']:.3f}, exact match {f['heldout_exact_match']:.3f}; samples grammatical "
              f"{f['arae']['grammaticality']:.3f} (random sphere codes {f['random_sphere']['grammaticality']:.3f}), "
              f"distinct {f['arae']['distinct']:.3f}, novel {f['arae']['novel']:.3f} -> {path}",
              flush=True)


if __name__ == "__main__":
    main()
