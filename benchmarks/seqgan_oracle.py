"""The synthetic-oracle experiment over several seeds: runs and collects (chapters 8, 11; issue 9).

    .venv/bin/python benchmarks/seqgan_oracle.py --preset cpu --seeds 0 1 2 3 4 [--rollout 0.8|live]
        [--oracle random|paper] [--oracle-path FILE] [--threads 2] [--runs DIR] [--collect-only]

For each seed: runs (or resumes) ``python -m gan4nlp seqgan`` into RUNS/seqgan-PRESET-ORACLE-ROLLOUT-seedN
(skipped with ``--collect-only``: then only finished run folders are read), then copies the run's
``history.json`` to ``benchmarks/results/seqgan-PRESET-ORACLE-ROLLOUT-seedN-history.json`` and
gathers every finished seed's ``summary.json`` into ONE table,
``benchmarks/results/seqgan-PRESET-ORACLE-summary.json`` (one file per oracle and preset; a
rollout other than 0.8 goes to ``...-ORACLE-ROLLOUT-summary.json``):

    {"command": ..., "machine": ..., "oracle": "random"|"paper", "preset": ..., "rollout": ...,
     "samples": ...,                      # sequences per measurement
     "seeds": {"0": {"mle": {"nll_oracle", "entropy", "nll_heldout"},       # end of MLE pre-training, T = 1
                     "mle_continued": {...},   # MLE continued one epoch per adversarial iteration, T = 1
                     "seqgan": {...},          # SeqGAN at its LAST iteration (never the best point)
                     "mle_temperature": [{"temperature", "nll_oracle", "entropy", "nll_heldout"}, ...],
                     "mle_at_seqgan_entropy": {"temperature", "nll_oracle"},   # interpolated on that curve
                     "mle_continued_temperature": [...], "mle_continued_at_seqgan_entropy": {...},
                     "oracle_entropy": ..., "wall_seconds": ...}, ...},
     "mean": {"mle": {...}, "mle_continued": {...}, "seqgan": {...}, "mle_at_seqgan_entropy": {"nll_oracle"},
              "mle_continued_at_seqgan_entropy": {"nll_oracle"}}}

"mle_temperature" is the curve of the pre-trained MLE model (SeqGAN's starting point): what
sharpening alone, with no training, gives. Prints a Markdown table for benchmarks/RESULTS.md.
"""
import argparse
import json
import shlex
import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from gan4nlp.__main__ import main as cli  # noqa: E402
from gan4nlp.seqgan import load_models, summary_from_checkpoint  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
POINTS = ("mle", "mle_continued", "seqgan")
KEYS = ("nll_oracle", "entropy", "nll_heldout")


def run_name(preset: str, oracle: str, rollout: str, seed: int) -> str:
    return f"seqgan-{preset}-{oracle}-{rollout}-seed{seed}"


def summary_name(preset: str, oracle: str, rollout: str) -> str:
    return f"seqgan-{preset}-{oracle}-summary.json" if rollout == "0.8" else \
        f"seqgan-{preset}-{oracle}-{rollout}-summary.json"


def seed_row(summary: dict) -> dict:
    keep = POINTS + ("mle_temperature", "mle_at_seqgan_entropy", "mle_continued_temperature",
                     "mle_continued_at_seqgan_entropy", "oracle_entropy")
    row = {k: summary[k] for k in keep if k in summary}
    row["wall_seconds"] = summary.get("wall_seconds_this_invocation")
    if "partial" in summary:
        row["partial"] = summary["partial"]
    return row


def mean_table(seeds: dict) -> dict:
    rows = list(seeds.values())
    out = {p: {k: statistics.mean(r[p][k] for r in rows) for k in KEYS} for p in POINTS if all(p in r for r in rows)}
    for key in ("mle_at_seqgan_entropy", "mle_continued_at_seqgan_entropy"):
        values = [r[key]["nll_oracle"] for r in rows if key in r and r[key]["nll_oracle"] is not None]
        out[key] = {"nll_oracle": statistics.mean(values) if values else None, "seeds": len(values)}
    return out


def fmt(values):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    return f"{values[0]:.3f}" if len(values) == 1 else f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="cpu", choices=["quick", "cpu", "paper"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--rollout", default="0.8", help="delayed-copy rate or 'live'")
    ap.add_argument("--oracle", default="random", choices=["random", "paper"])
    ap.add_argument("--oracle-path", help="the authors' target_params_py3.pkl (with --oracle paper)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", default=str(ROOT / "runs"), help="folder of the run folders")
    ap.add_argument("--collect-only", action="store_true", help="only read finished run folders")
    ap.add_argument("--partial", action="store_true",
                    help="for a run whose adversarial phase finished but not its baseline phase, summarise its "
                         "checkpoint (no mle_continued)")
    ap.add_argument("--command", help="the command to record (default: this one)")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)          # the machine line reports the runs' thread count
    machine = describe()
    print(machine, flush=True)
    seeds = {}
    for seed in args.seeds:
        out = Path(args.runs) / run_name(args.preset, args.oracle, args.rollout, seed)
        if not args.collect_only:
            extra = ["--oracle-path", args.oracle_path] if args.oracle_path else []
            code = cli(["seqgan", "--preset", args.preset, "--seed", str(seed), "--out", str(out), "--oracle",
                        args.oracle, *extra, "--rollout", args.rollout, "--threads", str(args.threads),
                        "--no-progress"])
            if code:
                raise SystemExit(code)
        if (out / "summary.json").exists():
            summary = json.loads((out / "summary.json").read_text())
        elif args.partial and (out / "checkpoint.pt").exists():
            summary = {"oracle": json.loads((out / "config.json").read_text())["oracle_source"],
                       **summary_from_checkpoint(out)}
            (out / "history.json").write_text(json.dumps({**json.loads(json.dumps(
                load_models(out)[1].history)), "final": summary}, indent=1))
            (out / "summary-partial.json").write_text(json.dumps(summary, indent=1))
        else:
            print(f"seed {seed}: {out} has no finished run, left out", flush=True)
            continue
        if summary["oracle"] != args.oracle:
            raise SystemExit(f"{out} ran on the {summary['oracle']} oracle, not {args.oracle}")
        shutil.copyfile(out / "history.json", RESULTS / f"{run_name(args.preset, args.oracle, args.rollout, seed)}"
                                                         f"-history.json")
        seeds[str(seed)] = seed_row(summary)
        samples = summary["samples"]
    if not seeds:
        raise SystemExit("no finished run to collect")
    table = {"command": args.command or shlex.join(["python", "benchmarks/seqgan_oracle.py", *sys.argv[1:]]),
             "machine": machine, "oracle": args.oracle, "preset": args.preset, "rollout": args.rollout,
             "samples": samples,
             "seeds": seeds, "mean": mean_table(seeds)}
    path = RESULTS / summary_name(args.preset, args.oracle, args.rollout)
    path.write_text(json.dumps(table, indent=1) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")

    def col(get):
        return fmt([get(r) for r in seeds.values()])

    print(f"\n{len(seeds)} seeds {list(seeds)}, preset {args.preset}, {args.oracle} oracle, rollout {args.rollout}\n")
    print("| seed | MLE (T = 1) | continued MLE (T = 1) | SeqGAN (end) | MLE at SeqGAN's entropy | SeqGAN entropy |")
    print("|---|---|---|---|---|---|")
    for s, r in seeds.items():
        at = r["mle_at_seqgan_entropy"]["nll_oracle"]
        cont = f"{r['mle_continued']['nll_oracle']:.3f}" if "mle_continued" in r else "n/a"
        print(f"| {s} | {r['mle']['nll_oracle']:.3f} | {cont} | "
              f"{r['seqgan']['nll_oracle']:.3f} | {'n/a' if at is None else f'{at:.3f}'} | "
              f"{r['seqgan']['entropy']:.3f} |")
    print(f"| mean ± sd | {col(lambda r: r['mle']['nll_oracle'])} | {col(lambda r: r.get('mle_continued', {}).get('nll_oracle'))} | "
          f"{col(lambda r: r['seqgan']['nll_oracle'])} | {col(lambda r: r['mle_at_seqgan_entropy']['nll_oracle'])} | "
          f"{col(lambda r: r['seqgan']['entropy'])} |")
    print(f"\nwall time per seed (s): {[r['wall_seconds'] for r in seeds.values()]}")


if __name__ == "__main__":
    main()
