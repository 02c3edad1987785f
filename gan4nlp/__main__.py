"""Command line: ``python -m gan4nlp seqgan --preset quick|cpu|paper [--seed N] [--out DIR] ...``

Runs the synthetic-oracle experiment of chapter 8 (SeqGAN and the MLE-only baseline under the
same schedule), resuming from ``DIR/checkpoint.pt`` when it exists, and writes ``history.json``,
``config.json``, ``samples.txt`` and ``summary.json`` to DIR.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def _parse_set(items):
    out = {}
    for item in items:
        if "=" not in item:
            raise SystemExit(f"--set expects key=value, got {item!r}")
        key, value = item.split("=", 1)
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def seqgan_main(args) -> int:
    import torch

    from .seqgan import SeqGANConfig, train

    overrides = _parse_set(args.set)
    if args.rollout is not None:
        overrides["rollout_update_rate"] = None if args.rollout == "live" else float(args.rollout)
    try:
        config = SeqGANConfig.preset(args.preset, seed=args.seed, **overrides)
    except (TypeError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)
    out = Path(args.out or f"runs/seqgan-{args.preset}-seed{args.seed}")
    if args.fresh and (out / "checkpoint.pt").exists():
        (out / "checkpoint.pt").unlink()
    start = time.perf_counter()
    history = train(config, out, progress=not args.no_progress)
    seconds = time.perf_counter() - start
    final = history["final"]
    summary = {"preset": args.preset, "seed": args.seed, "rollout_update_rate": config.rollout_update_rate,
               "wall_seconds_this_invocation": round(seconds, 1), **{k: v for k, v in final.items()}}
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    with open(out / "samples.txt", "w") as f:
        for entry in history["samples"]:
            for row in entry["tokens"]:
                f.write(f"{entry['step']}\t{' '.join(map(str, row))}\n")
    print(json.dumps(summary, indent=1))
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gan4nlp", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seqgan", help="SeqGAN on the synthetic oracle, with the MLE-only baseline")
    s.add_argument("--preset", choices=["quick", "cpu", "paper"], default="quick")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--out", help="output folder (default runs/seqgan-PRESET-seedN)")
    s.add_argument("--rollout", help="rollout policy: a delayed-copy rate such as 0.8, or 'live' (current generator)")
    s.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override config fields (JSON values)")
    s.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    s.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint")
    s.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = ap.parse_args(argv)
    if args.command == "seqgan":
        return seqgan_main(args)
    return 1


if __name__ == "__main__":
    sys.exit(main())
