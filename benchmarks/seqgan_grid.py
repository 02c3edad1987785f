"""SeqGAN's two knobs on a short run: rollouts per prefix K and discriminator rounds per generator
step (chapter 8's widget, `gan4nlp.widgets.seqgan`).

    .venv/bin/python benchmarks/seqgan_grid.py --threads 1

Trains ``SeqGANConfig.preset("quick")`` (oracle vocabulary 500, length 10, 1,000 real sequences;
8 MLE epochs, 2 discriminator pre-training rounds) with ``adv_iterations`` adversarial iterations
for every rollout number K in ``--rollout-nums``, every discriminator ratio (``d_steps``, rounds of
fresh negatives per generator step) in ``--d-steps`` and every seed in ``--seeds``. Each run also
trains the MLE-only baseline over the same iterations (one MLE epoch per iteration, from the same
pre-trained generator). For the same seed the pre-training phases are identical in every cell, so
the cells differ only in the adversarial phase.

Writes a compact JSON (``--out``, default benchmarks/results/seqgan-grid.json):

    {"command": ..., "machine": ..., "setup": SETUP, "complete": true, "config": {...the common overrides...},
     "rollout_nums": [...], "d_steps": [...], "seeds": [...],
     "runs": [{"rollout_num": K, "d_steps": d, "seed": s, "seconds": ...,
               "pretrained_nll_oracle": ...,                 # after MLE pre-training
               "eval_steps": [...],                          # iterations with an NLL-oracle evaluation
               "nll_oracle": [...], "mle_nll_oracle": [...], # SeqGAN and the MLE-only baseline there
               "mean_reward": [...], "d_accuracy": [...],    # every iteration
               "final": {"seqgan": {...}, "mle": {...}}}, ...]}

``mean_reward`` is the discriminator's mean score D(Y) of the generator's batch at each generator
step; ``d_accuracy`` is the discriminator's training accuracy (dropout on) in its last round of
that iteration.
"""
import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from gan4nlp.seqgan import SeqGANConfig, train  # noqa: E402

DIGITS = 4
# what the chapter's caption needs to know about the code that made the file (older files lack it)
SETUP = "balanced discriminator rounds, a separate Adam for the adversarial steps (issue 9)"


def rounded(values):
    return [round(float(v), DIGITS) for v in values]


def run_cell(rollout_num: int, d_steps: int, seed: int, overrides: dict) -> dict:
    config = SeqGANConfig.preset("quick", rollout_num=rollout_num, d_steps=d_steps, seed=seed, **overrides)
    start = time.perf_counter()
    history = train(config, progress=False)
    seconds = time.perf_counter() - start
    adv, base = history["adversarial"], history["baseline"]
    evaluated = [row for row in adv if "nll_oracle" in row]
    base_by_step = {row["step"]: row["nll_oracle"] for row in base if "nll_oracle" in row}
    final = history["final"]
    return {
        "rollout_num": rollout_num, "d_steps": d_steps, "seed": seed, "seconds": round(seconds, 1),
        "pretrained_nll_oracle": round(history["mle"][-1]["nll_oracle"], DIGITS),
        "eval_steps": [row["step"] for row in evaluated],
        "nll_oracle": rounded(row["nll_oracle"] for row in evaluated),
        "mle_nll_oracle": rounded(base_by_step[row["step"]] for row in evaluated),
        "mean_reward": rounded(row["mean_reward"] for row in adv),
        "d_accuracy": rounded(row["d_accuracy"] for row in adv),
        "oracle": final["oracle"],
        # "mle" here is the MLE-only baseline continued over the same iterations (history's "mle_continued")
        "final": {name: {k: round(final[key][k], DIGITS) for k in ("nll_oracle", "entropy", "nll_heldout")}
                  for name, key in (("seqgan", "seqgan"), ("mle", "mle_continued"))},
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rollout-nums", type=int, nargs="+", default=[1, 4, 16], help="K values")
    ap.add_argument("--d-steps", type=int, nargs="+", default=[1, 3, 5],
                    help="discriminator rounds per generator step")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--adv-iterations", type=int, default=30)
    ap.add_argument("--eval-every", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "seqgan-grid.json"))
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    machine = describe()
    print(machine, flush=True)
    overrides = {"adv_iterations": args.adv_iterations, "eval_every": args.eval_every}
    runs = []
    total = time.perf_counter()
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    command = ".venv/bin/python benchmarks/seqgan_grid.py " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    cells = len(args.seeds) * len(args.rollout_nums) * len(args.d_steps)
    for seed in args.seeds:
        for k in args.rollout_nums:
            for d in args.d_steps:
                row = run_cell(k, d, seed, overrides)
                runs.append(row)
                print(f"K={k:3d} d_steps={d} seed={seed}: {row['seconds']:6.1f} s, NLL-oracle "
                      f"{row['pretrained_nll_oracle']:.3f} -> SeqGAN {row['nll_oracle'][-1]:.3f}, "
                      f"MLE {row['mle_nll_oracle'][-1]:.3f}; mean reward {row['mean_reward'][0]:.3f} -> "
                      f"{row['mean_reward'][-1]:.3f}; D accuracy {row['d_accuracy'][-1]:.3f}", flush=True)
                out = {"command": command.strip(), "machine": machine, "preset": "quick", "setup": SETUP,
                       "config": overrides, "rollout_nums": args.rollout_nums, "d_steps": args.d_steps,
                       "seeds": args.seeds, "seconds": round(time.perf_counter() - total, 1), "runs": runs,
                       "complete": len(runs) == cells}
                tmp = path.with_suffix(".tmp")
                tmp.write_text(json.dumps(out, separators=(",", ":")) + "\n")   # after every cell: nothing lost
                tmp.replace(path)
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB) in {out['seconds']:.0f} s")


if __name__ == "__main__":
    main()
