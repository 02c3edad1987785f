"""Command line: ``python -m gan4nlp seqgan --preset quick|cpu|paper [--seed N] [--out DIR] ...``

Runs the synthetic-oracle experiment of chapter 8 (SeqGAN and the MLE-only baseline under the
same schedule), resuming from ``DIR/checkpoint.pt`` when it exists, and writes ``history.json``,
``config.json``, ``samples.txt`` and ``summary.json`` to DIR.

``--oracle paper`` runs on the SeqGAN authors' own oracle weights: ``--oracle-path FILE`` names your
copy of their ``save/target_params_py3.pkl``; ``--download-oracle`` allows downloading that one
file into a cache folder (see `gan4nlp.paper_oracle`). The weights are never part of this project.

Bad input (an unknown option value, a configuration that does not match an existing run folder,
...) ends with one sentence on stderr and exit code 2; an existing run folder is never overwritten
by a different configuration.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


class UsageError(Exception):
    """Bad command-line input: printed as one sentence, exit code 2."""


def _parse_set(items) -> dict:
    out = {}
    for item in items:
        if "=" not in item:
            raise UsageError(f"--set expects key=value, got {item!r}")
        key, value = item.split("=", 1)
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def _rollout_rate(text: str):
    if text == "live":
        return None
    try:
        return float(text)
    except ValueError:
        raise UsageError(f"--rollout must be a delayed-copy rate in [0, 1] such as 0.8, or 'live'; got {text!r}") from None


def _slug(value) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":")) if not isinstance(value, str) else value
    return "".join(c if c.isalnum() or c in ".-_" else "_" for c in text)[:60]


def default_out(preset: str, seed: int, oracle: str, rollout: str | None, overrides: dict) -> Path:
    """runs/seqgan-PRESET-ORACLE-ROLLOUT[-KEY=VALUE...]-seedN: distinct settings never share a folder."""
    parts = [f"seqgan-{preset}-{oracle}-{rollout if rollout is not None else 'default'}"]
    parts += [f"{_slug(k)}={_slug(v)}" for k, v in sorted(overrides.items())]
    return Path("runs") / ("-".join(parts) + f"-seed{seed}")


def seqgan_config(args):
    from .seqgan import SeqGANConfig

    overrides = _parse_set(args.set)
    for key, flag in (("seed", "--seed"), ("rollout_update_rate", "--rollout"), ("oracle_source", "--oracle"),
                      ("oracle_path", "--oracle-path")):
        if key in overrides:
            raise UsageError(f"give {key} with {flag}, not with --set")
    known = set(SeqGANConfig.__dataclass_fields__)
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise UsageError(f"unknown setting {', '.join(unknown)} in --set; the settings are {', '.join(sorted(known))}")
    fixed = dict(overrides)
    if args.rollout is not None:
        fixed["rollout_update_rate"] = _rollout_rate(args.rollout)
    if args.threads < 1:
        raise UsageError(f"--threads must be a positive integer, got {args.threads}")
    oracle_path = None
    if args.oracle == "paper":
        from . import paper_oracle

        if args.oracle_path is not None:
            oracle_path = str(Path(args.oracle_path).resolve())
            if not Path(oracle_path).exists():
                raise UsageError(f"--oracle-path {args.oracle_path} does not exist")
        elif args.download_oracle:
            try:
                oracle_path = str(paper_oracle.download())
            except ValueError as e:
                raise UsageError(str(e)) from None
        elif paper_oracle.cached_path().exists():
            oracle_path = str(paper_oracle.cached_path())
        else:
            raise UsageError("--oracle paper needs the SeqGAN authors' target_params_py3.pkl: give its path with "
                             "--oracle-path FILE, or allow downloading that one file with --download-oracle")
    elif args.oracle_path is not None or args.download_oracle:
        raise UsageError("--oracle-path and --download-oracle only go with --oracle paper")
    try:
        config = SeqGANConfig.preset(args.preset, seed=args.seed, oracle_source=args.oracle, oracle_path=oracle_path,
                                     **fixed)
    except (TypeError, ValueError) as e:
        raise UsageError(str(e)) from None
    return config, overrides


def seqgan_main(args) -> int:
    import torch

    from .seqgan import config_differences, train

    config, overrides = seqgan_config(args)
    out = Path(args.out) if args.out else default_out(args.preset, args.seed, args.oracle, args.rollout, overrides)
    if (out / "config.json").exists() and not args.fresh:
        diff = config_differences(json.loads((out / "config.json").read_text()), config)
        if diff:
            raise UsageError(f"{out} holds a run with another configuration (differs in {', '.join(diff)}); "
                             f"choose another --out (nothing was changed)")
    if args.fresh and out.exists() and any(out.iterdir()):
        kept = out.with_name(f"{out.name}.previous-{time.strftime('%Y%m%d-%H%M%S')}")
        out.rename(kept)                       # nothing is lost: the old run moves aside
        print(f"the previous run in {out} was moved to {kept}", file=sys.stderr)
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    try:
        history = train(config, out, progress=not args.no_progress)
    except ValueError as e:         # e.g. a checkpoint written with another configuration, a bad oracle file
        raise UsageError(str(e)) from None
    seconds = time.perf_counter() - start
    summary = {"preset": args.preset, "seed": args.seed, "oracle": config.oracle_source,
               "rollout": args.rollout or "default", "rollout_update_rate": config.rollout_update_rate,
               "overrides": overrides, "wall_seconds_this_invocation": round(seconds, 1), **history["final"]}
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    with open(out / "samples.txt", "w") as f:
        for entry in history["samples"]:
            for row in entry["tokens"]:
                f.write(f"{entry['step']}\t{' '.join(map(str, row))}\n")
    brief = {k: summary[k] for k in ("oracle", "mle", "mle_continued", "seqgan", "mle_at_seqgan_entropy") if k in summary}
    print(json.dumps(brief, indent=1))
    print(f"written to {out}")
    return 0


class _Parser(argparse.ArgumentParser):
    def error(self, message):        # argparse's own usage errors: one sentence, exit code 2
        self.exit(2, f"error: {message}\n")


def main(argv=None) -> int:
    ap = _Parser(prog="python -m gan4nlp", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Parser)
    s = sub.add_parser("seqgan", help="SeqGAN on the synthetic oracle, with the MLE-only baseline")
    s.add_argument("--preset", choices=["quick", "cpu", "paper"], default="quick")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--out", help="output folder (default runs/seqgan-PRESET-ORACLE-ROLLOUT[-SETTINGS]-seedN)")
    s.add_argument("--oracle", choices=["random", "paper"], default="random",
                   help="'random': an oracle LSTM drawn from the seed; 'paper': the SeqGAN authors' weights")
    s.add_argument("--oracle-path", help="your copy of the authors' save/target_params_py3.pkl (with --oracle paper)")
    s.add_argument("--download-oracle", action="store_true",
                   help="allow downloading that one file from github.com/LantaoYu/SeqGAN into a cache folder")
    s.add_argument("--rollout", help="rollout policy: a delayed-copy rate such as 0.8, or 'live' (current generator)")
    s.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override config fields (JSON values)")
    s.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    s.add_argument("--fresh", action="store_true", help="start over: an existing run in the output folder is moved aside to OUT.previous-TIME")
    s.add_argument("--no-progress", action="store_true", help="no progress bars")
    args = ap.parse_args(argv)
    try:
        if args.command == "seqgan":
            return seqgan_main(args)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main())
