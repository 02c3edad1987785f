"""Chapter 8's remedies and SeqGAN's other knobs on the synthetic oracle, several seeds each (issue 9, items 1 and 4b).

    .venv/bin/python benchmarks/seqgan_variants.py --threads 1 [--seeds 0 1 2] [--variants NAME ...]
    .venv/bin/python benchmarks/seqgan_variants.py --table [FILE]     # the Markdown table of a recorded file

Every variant is ``SeqGANConfig.preset("quick")`` (random oracle: vocabulary 500, length 10, 1,000
real sequences; 8 MLE epochs, 2 discriminator pre-training rounds, K = 4 rollouts, a delayed rollout
copy of rate 0.8) with ``adv_iterations`` = 30 (instead of 10: long enough for the discriminator to
win) and one change, listed in `VARIANTS` -- fixed before any of these runs was looked at. Nothing
was tuned: each changed value is the one the chapter's exact toy uses, or the default divided or
multiplied by a round factor. For one seed, pre-training is identical in every variant, so the
variants differ only in the adversarial phase; the MLE-only baseline (MLE continued one epoch per
iteration) is trained once per seed, in the ``paper`` variant.

SeqGAN's value is its end value at iteration 30 (never the best point, which needs the oracle to
pick). Each run records its NLL-oracle every 5 iterations, the mean reward D(Y) of the
generator's batch and the discriminator's training accuracy at every iteration, and the final
measurements of ``history["final"]`` on 500 samples: SeqGAN's NLL-oracle, entropy and held-out
NLL, the pre-trained MLE model at T = 1 and at SeqGAN's entropy (its temperature curve).

Writes ``--out`` (default benchmarks/results/seqgan-variants-quick.json):

    {"command", "machine", "preset": "quick", "common": {...}, "variants": {NAME: {"overrides", "why"}},
     "seeds": [...], "runs": [{"variant", "seed", "seconds", "pretrained_nll_oracle",
                               "eval_steps", "nll_oracle", "mean_reward", "d_accuracy",
                               "final": {"seqgan": {...}, "mle": {...}, "mle_at_seqgan_entropy": {...},
                                         "mle_continued": {...} (paper variant only)}}, ...]}
"""
import argparse
import json
import shlex
import statistics
import sys
import time
from pathlib import Path

import torch
from tqdm.auto import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from gan4nlp.seqgan import SeqGANConfig, train  # noqa: E402

DIGITS = 4
COMMON = {"adv_iterations": 30, "eval_every": 5}
KEYS = ("nll_oracle", "entropy", "nll_heldout")

# name -> (overrides, why); the first is the paper's update, the reference for the others
VARIANTS = {
    "paper": ({}, "the paper's update: reward D(Y), raw Q, no entropy term"),
    "log D": ({"reward": "log"}, "reward log D(Y) (remedy: does not saturate as D -> 0)"),
    "logit D": ({"reward": "logit"}, "reward log D - log(1 - D) (remedy; the reverse-KL reward, chapter 8)"),
    "prefix baseline": ({"advantage": "prefix"}, "Q_t - Q_{t-1}: the rollouts of the same prefix as baseline"),
    "leave-one-out": ({"advantage": "loo"}, "Q minus the mean Q of the batch's other sequences"),
    "entropy bonus": ({"entropy_bonus": 0.05}, "plus 0.05 x the generator's entropy per step (as the exact toy)"),
    "live rollouts": ({"rollout_update_rate": None}, "rollouts from the current generator, not a delayed copy"),
    "adv lr / 10": ({"adv_lr": 0.001}, "the adversarial Adam's learning rate 0.001 instead of 0.01"),
    "adv lr x 3": ({"adv_lr": 0.03}, "the adversarial Adam's learning rate 0.03 instead of 0.01"),
    "no D pre-training": ({"d_pretrain_rounds": 0}, "the discriminator starts untrained"),
    "D pre-training x 5": ({"d_pretrain_rounds": 10}, "10 discriminator pre-training rounds instead of 2"),
}


def rounded(values):
    return [round(float(v), DIGITS) for v in values]


def point(row: dict) -> dict:
    return {k: round(row[k], DIGITS) for k in KEYS if k in row}


def run_variant(name: str, seed: int) -> dict:
    overrides, _ = VARIANTS[name]
    config = SeqGANConfig.preset("quick", seed=seed, baseline=(name == "paper"), **COMMON, **overrides)
    start = time.perf_counter()
    history = train(config, progress=False)
    seconds = time.perf_counter() - start
    adv, final = history["adversarial"], history["final"]
    evaluated = [row for row in adv if "nll_oracle" in row]
    matched = final["mle_at_seqgan_entropy"]
    out = {
        "variant": name, "seed": seed, "seconds": round(seconds, 1),
        "pretrained_nll_oracle": round(history["mle"][-1]["nll_oracle"], DIGITS),
        "eval_steps": [row["step"] for row in evaluated],
        "nll_oracle": rounded(row["nll_oracle"] for row in evaluated),
        "mean_reward": rounded(row["mean_reward"] for row in adv),
        "d_accuracy": rounded(row["d_accuracy"] for row in adv),
        "final": {"seqgan": point(final["seqgan"]), "mle": point(final["mle"]),
                  "mle_at_seqgan_entropy": {k: round(v, DIGITS) if isinstance(v, float) else v
                                            for k, v in matched.items()}},      # None outside the curve
    }
    if "mle_continued" in final:
        out["final"]["mle_continued"] = point(final["mle_continued"])
    return out


def mean_sd(values) -> str:
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    return f"{values[0]:+.3f}" if len(values) == 1 else f"{statistics.mean(values):+.3f} ± {statistics.stdev(values):.3f}"


def table(data: dict) -> str:
    """Per variant, over seeds: SeqGAN's end NLL-oracle, its gaps to MLE at T = 1 and at SeqGAN's
    entropy (< 0: SeqGAN better), SeqGAN's entropy, the mean reward of the first and last five
    iterations, the discriminator's accuracy over the last five."""
    lines = ["| variant | SeqGAN NLL-oracle (it. 30) | − MLE, T = 1 | − MLE at its entropy | entropy | "
             "reward, first 5 → last 5 it. | D accuracy, last 5 | seeds below matched MLE |",
             "|---|---|---|---|---|---|---|---|"]
    for name in data["variants"]:
        runs = [r for r in data["runs"] if r["variant"] == name]
        end = [r["final"]["seqgan"]["nll_oracle"] for r in runs]
        gap_t1 = [e - r["final"]["mle"]["nll_oracle"] for e, r in zip(end, runs)]
        gap_m = [None if r["final"]["mle_at_seqgan_entropy"]["nll_oracle"] is None
                 else e - r["final"]["mle_at_seqgan_entropy"]["nll_oracle"] for e, r in zip(end, runs)]
        first = statistics.mean(statistics.mean(r["mean_reward"][:5]) for r in runs)
        last = statistics.mean(statistics.mean(r["mean_reward"][-5:]) for r in runs)
        acc = statistics.mean(statistics.mean(r["d_accuracy"][-5:]) for r in runs)
        below = sum(g is not None and g < 0 for g in gap_m)
        lines.append(f"| {name} | {mean_sd(end).lstrip('+')} | {mean_sd(gap_t1)} | {mean_sd(gap_m)} | "
                     f"{statistics.mean(r['final']['seqgan']['entropy'] for r in runs):.3f} | {first:.3f} → {last:.3f} | "
                     f"{acc:.3f} | {below} of {sum(g is not None for g in gap_m)} |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--table", nargs="?", const=str(ROOT / "benchmarks" / "results" / "seqgan-variants-quick.json"),
                    metavar="FILE", help="print the Markdown table of a recorded file and stop")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS), metavar="NAME")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "seqgan-variants-quick.json"))
    args = ap.parse_args(argv)
    if args.table:
        print(table(json.loads(Path(args.table).read_text())))
        return
    torch.set_num_threads(args.threads)
    machine = describe()
    print(machine, flush=True)
    path = Path(args.out)
    runs = []
    total = time.perf_counter()
    jobs = [(v, s) for s in args.seeds for v in args.variants]
    for name, seed in tqdm(jobs, desc="runs"):
        row = run_variant(name, seed)
        runs.append(row)
        f = row["final"]
        tqdm.write(f"{name:>18} seed {seed}: {row['seconds']:5.1f} s; NLL-oracle {row['pretrained_nll_oracle']:.3f} -> "
                   f"{f['seqgan']['nll_oracle']:.3f} (MLE at its entropy {f['mle_at_seqgan_entropy'].get('nll_oracle')}); "
                   f"reward {row['mean_reward'][0]:.3f} -> {row['mean_reward'][-1]:.3f}; "
                   f"D accuracy {row['d_accuracy'][-1]:.3f}")
        command = ".venv/bin/python benchmarks/seqgan_variants.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
        out = {"command": command.strip(), "machine": machine, "preset": "quick", "common": COMMON,
               "variants": {v: {"overrides": VARIANTS[v][0], "why": VARIANTS[v][1]} for v in args.variants},
               "seeds": args.seeds, "seconds": round(time.perf_counter() - total, 1), "runs": runs,
               "complete": len(runs) == len(jobs)}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(out, separators=(",", ":")) + "\n")       # after every run: nothing lost
        tmp.replace(path)
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB) in {out['seconds']:.0f} s\n")
    print(table(out))


if __name__ == "__main__":
    main()
