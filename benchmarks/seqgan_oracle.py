"""The synthetic-oracle experiment over several seeds, with an honest evaluation (chapter 8, 11).

    .venv/bin/python benchmarks/seqgan_oracle.py --preset cpu --seeds 0 1 2 [--rollout 0.8|live] [--threads 2]

For each seed: runs (or resumes) ``python -m gan4nlp seqgan`` into runs/seqgan-PRESET-ROLLOUT-seedN,
then evaluates SeqGAN and the MLE-only baseline on NLL-oracle, the generator's entropy (its own
NLL on its samples) and the NLL of held-out real data, and sweeps the MLE model's sampling
temperature over 0.75-1.0. Writes runs/seqgan-PRESET-ROLLOUT-summary.json and prints a Markdown
table (mean and spread over seeds) for benchmarks/RESULTS.md.
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
from gan4nlp.__main__ import main as cli  # noqa: E402
from gan4nlp.seqgan import evaluate, load_models, world  # noqa: E402

TEMPERATURES = (0.75, 0.8, 0.85, 0.9, 0.95, 1.0)


def evaluate_run(out: Path, samples: int) -> dict:
    config, m = load_models(out)
    oracle, _, heldout = world(config)
    rng = lambda: torch.Generator().manual_seed(12345)  # noqa: E731
    length = config.oracle.length
    result = {"seqgan": evaluate(m.generator, oracle, samples, length, rng(), heldout),
              "oracle_entropy": float(-oracle.log_prob(heldout).mean())}
    result["mle_by_temperature"] = {t: evaluate(m.baseline, oracle, samples, length, rng(), heldout, temperature=t)
                                    for t in TEMPERATURES}
    result["mle"] = result["mle_by_temperature"][1.0]
    result["mle_pretrained_nll_oracle"] = m.history["mle"][-1].get("nll_oracle")
    return result


def fmt(values):
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="cpu", choices=["quick", "cpu", "paper"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--rollout", default="0.8", help="delayed-copy rate or 'live'")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--eval-samples", type=int, default=5000)
    ap.add_argument("--evaluate-only", action="store_true", help="skip training (runs must exist)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(describe())
    rows = {}
    for seed in args.seeds:
        out = ROOT / "runs" / f"seqgan-{args.preset}-{args.rollout}-seed{seed}"
        start = time.perf_counter()
        if not args.evaluate_only:
            code = cli(["seqgan", "--preset", args.preset, "--seed", str(seed), "--out", str(out),
                        "--rollout", args.rollout, "--threads", str(args.threads), "--no-progress"])
            if code:
                raise SystemExit(code)
        rows[seed] = evaluate_run(out, args.eval_samples)
        rows[seed]["wall_seconds"] = round(time.perf_counter() - start, 1)
        print(f"seed {seed}: {json.dumps(rows[seed])}", flush=True)
    summary = ROOT / "runs" / f"seqgan-{args.preset}-{args.rollout}-summary.json"
    summary.write_text(json.dumps(rows, indent=1))

    def col(get):
        return fmt([get(r) for r in rows.values()])

    print(f"\n{len(rows)} seeds {args.seeds}, preset {args.preset}, rollout {args.rollout}; "
          f"{args.eval_samples} samples per evaluation; oracle entropy {col(lambda r: r['oracle_entropy'])}\n")
    print("| model | NLL-oracle | entropy (own NLL) | NLL held-out real |")
    print("|---|---|---|---|")
    print(f"| SeqGAN | {col(lambda r: r['seqgan']['nll_oracle'])} | {col(lambda r: r['seqgan']['entropy'])} | "
          f"{col(lambda r: r['seqgan']['nll_heldout'])} |")
    for t in TEMPERATURES:
        print(f"| MLE, temperature {t} | {col(lambda r: r['mle_by_temperature'][t]['nll_oracle'])} | "
              f"{col(lambda r: r['mle_by_temperature'][t]['entropy'])} | "
              f"{col(lambda r: r['mle_by_temperature'][t]['nll_heldout'])} |")
    print(f"\nwall time per seed (s): {[r['wall_seconds'] for r in rows.values()]}")


if __name__ == "__main__":
    main()
