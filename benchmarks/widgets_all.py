"""Every widget benchmark of the book, one after another; the slowest update overall.

    .venv/bin/python benchmarks/widgets_all.py [--threads 2]

Runs ``benchmarks/widgets.py`` (chapters 4-6) and every ``benchmarks/widgets_*.py`` (one per
chapter from 7 on; not ``widgets_static.py``, which measures the static book) in turn, each in
its own process, and collects their last lines (``widget update: X s (slowest widget)``). Goal: every update under 0.3 s. Run it on a quiet
machine: other jobs on the 2 cores slow each update several-fold.
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _machine import describe  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=None, help="passed on to scripts that take --threads")
    args = ap.parse_args()
    print(describe())
    scripts = [HERE / "widgets.py",
               *sorted(p for p in HERE.glob("widgets_*.py") if p.name not in ("widgets_all.py", "widgets_static.py"))]
    results = {}
    for script in scripts:
        cmd = [sys.executable, str(script)]
        if args.threads is not None and "--threads" in script.read_text():
            cmd += ["--threads", str(args.threads)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        found = re.findall(r"widget update: ([0-9.]+) s", proc.stdout)
        if proc.returncode or not found:
            print(f"{script.name:28s} FAILED (exit {proc.returncode})\n{proc.stderr[-2000:]}")
            continue
        results[script.name] = float(found[-1])
        print(f"{script.name:28s} {results[script.name]:.3f} s   ({proc.stdout.strip().splitlines()[-1]})", flush=True)
    if not results:
        raise SystemExit("no widget benchmark succeeded")
    slowest = max(results, key=results.get)
    print(f"widget update: {results[slowest]:.3f} s (slowest: {slowest})")


if __name__ == "__main__":
    main()
