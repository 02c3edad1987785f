"""SeqGAN, Gumbel-softmax GAN and MLE on the grammar corpora, same data and budget (chapters 9, 11, 12).

    .venv/bin/python benchmarks/textgan_runs.py --language en th --seeds 0 1 2 [--preset full] [--threads 1]

For each language and seed, trains `gan4nlp.textgan` with method mle, seqgan and gumbel (the same
MLE pre-training, then the same number of iterations), and evaluates every final model on
fresh samples: exact grammaticality, NLL of held-out sentences, entropy (NLL of own samples),
BLEU-4 against held-out references and Self-BLEU-4 (`gan4nlp.evaluation`). The MLE model is also
swept over sampling temperature (the quality-diversity curve of Caccia et al. 2020). Writes
benchmarks/results/textgan-PRESET-LANG.json (histories and final metrics; the command and machine
inside) and prints a Markdown table per language.

``--methods pretrained`` adds (merging into an existing file) the model every method starts
from: MLE pre-training only (``adv_iterations=0``), swept over temperature too. Continued MLE
over-fits the 5,000 training sentences (its held-out NLL rises), so this early-stopped MLE is the
fairer maximum-likelihood reference.
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from gan4nlp import evaluation  # noqa: E402
from gan4nlp.textgan import METHODS, TextGANConfig, train  # noqa: E402

TEMPERATURES = (0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2)


def final_metrics(run, temperature: float, samples: int, bleu_samples: int, seed: int = 12345) -> dict:
    gen, cfg = run.generator, run.config
    tokens = gen.generate(samples, cfg.length, temperature, generator=torch.Generator().manual_seed(seed))
    words = run.vocab.decode(tokens[:bleu_samples])
    refs = run.vocab.decode(run.heldout[:500])
    return {"grammaticality": evaluation.grammaticality(tokens, run.grammar, run.vocab),
            "nll_heldout": evaluation.nll(gen, run.heldout, temperature),
            "entropy": evaluation.nll(gen, tokens, temperature),
            "bleu4": evaluation.bleu(words, refs), "self_bleu4": evaluation.self_bleu(words),
            "examples": [" ".join(s) for s in run.vocab.decode(tokens[:5])]}


def fmt(values):
    return f"{values[0]:.3f}" if len(values) == 1 else f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--language", nargs="+", default=["en", "th"], choices=["en", "th"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--preset", default="full", choices=["full", "quick"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--methods", nargs="+", default=list(METHODS), choices=[*METHODS, "pretrained"])
    ap.add_argument("--samples", type=int, default=2000, help="samples for grammaticality and entropy")
    ap.add_argument("--bleu-samples", type=int, default=300, help="samples for BLEU and Self-BLEU")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    command = "python " + " ".join(sys.argv)
    machine = describe()
    print(machine)
    for lang in args.language:
        out = ROOT / "benchmarks" / "results" / f"textgan-{args.preset}-{lang}.json"
        result = {"command": command, "machine": machine, "runs": {}}
        if out.exists() and set(args.methods) < {*METHODS, "pretrained"}:     # add to the recorded runs
            result = json.loads(out.read_text())
            result["command"] = result["command"] + "; " + command if command not in result["command"] else result["command"]
            result["machine"] = result["machine"] if machine == result["machine"] else result["machine"] + "; " + machine
        for seed in args.seeds:
            for method in args.methods:
                extra = dict(method="mle", adv_iterations=0) if method == "pretrained" else dict(method=method)
                config = TextGANConfig.preset(args.preset, language=lang, seed=seed, **extra)
                start = time.perf_counter()
                run = train(config, ROOT / "runs" / f"textgan-{args.preset}-{lang}-{method}-seed{seed}", progress=False)
                seconds = round(time.perf_counter() - start, 1)
                entry = {"config": config.to_dict(), "history": run.history, "train_seconds": seconds,
                         "final": final_metrics(run, 1.0, args.samples, args.bleu_samples)}
                if method in ("mle", "pretrained"):
                    entry["by_temperature"] = {str(t): final_metrics(run, t, args.samples, args.bleu_samples)
                                               for t in TEMPERATURES}
                result["runs"][f"{method}-seed{seed}"] = entry
                f = entry["final"]
                print(f"{lang} seed {seed} {method:6s} {seconds:6.1f} s  gram {f['grammaticality']:.3f}  "
                      f"nll_heldout {f['nll_heldout']:.3f}  entropy {f['entropy']:.3f}  "
                      f"bleu4 {f['bleu4']:.3f}  self_bleu4 {f['self_bleu4']:.3f}", flush=True)
        out.write_text(json.dumps(result, ensure_ascii=False))   # compact: the files are read by code
        print(f"\n{lang}: {len(args.seeds)} seeds {args.seeds}, preset {args.preset} -> {out.relative_to(ROOT)}\n")
        print("| model | grammaticality | NLL held-out | entropy | BLEU-4 | Self-BLEU-4 |")
        print("|---|---|---|---|---|---|")
        keys = ("grammaticality", "nll_heldout", "entropy", "bleu4", "self_bleu4")
        recorded = [m for m in (*METHODS, "pretrained") if all(f"{m}-seed{s}" in result["runs"] for s in args.seeds)]
        for method in recorded:
            finals = [result["runs"][f"{method}-seed{s}"]["final"] for s in args.seeds]
            print(f"| {method} | " + " | ".join(fmt([f[k] for f in finals]) for k in keys) + " |")
        for method in (m for m in ("mle", "pretrained") if m in recorded):
            for t in TEMPERATURES:
                finals = [result["runs"][f"{method}-seed{s}"]["by_temperature"][str(t)] for s in args.seeds]
                print(f"| {method}, temperature {t} | " + " | ".join(fmt([f[k] for f in finals]) for k in keys) + " |")


if __name__ == "__main__":
    main()
