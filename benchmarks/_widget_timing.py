"""What every widget benchmark shares: the timing loop (one update = redraw + PNG render) and the
command line (`main`): ``--calls``, ``--threads``, the machine line, one line per case, and the
last line ``widget update: X s (slowest widget)`` that ``widgets_all.py`` collects."""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe  # noqa: E402
from gan4nlp.widgets import render_png  # noqa: E402


def time_redraws(draw, fixed: dict, settings, initial: dict | None = None) -> tuple[float, float, float]:
    """Median (total, compute, render) seconds of ``draw(**fixed, **params, fig=fig)`` followed by
    `render_png`, over ``params`` in ``settings``; the first figure (``initial`` parameters, or the
    first setting) is drawn and rendered untimed, as the warm-up."""
    settings = list(settings)
    fig = draw(**fixed, **(settings[0] if initial is None else initial))     # the initial figure (not timed)
    render_png(fig)                                                          # warm-up: fonts, caches, layout
    compute, render = [], []
    for params in settings:
        start = time.perf_counter()
        fig = draw(**fixed, **params, fig=fig)
        middle = time.perf_counter()
        render_png(fig)
        end = time.perf_counter()
        compute.append(middle - start)
        render.append(end - middle)
    total = [a + b for a, b in zip(compute, render)]
    return statistics.median(total), statistics.median(compute), statistics.median(render)


def cycle(settings, calls: int) -> list:
    """`calls` settings, going round `settings` as often as needed."""
    settings = list(settings)
    return [settings[c % len(settings)] for c in range(calls)]


def main(doc: str, cases, *, threads: int = 2, what: str = "recompute + redraw + PNG render", options=()) -> None:
    """The command line of one widget benchmark. ``cases(args)`` yields ``(name, draw, fixed,
    settings, initial)`` (it may print its own setup lines); each is timed with `time_redraws`.
    ``options`` are extra ``(flags, argparse keywords)`` pairs."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=7, help="timed updates per case (median reported)")
    ap.add_argument("--threads", type=int, default=threads,
                    help="torch threads outside the widgets (each drawing function runs on one)")
    for flags, kwargs in options:
        ap.add_argument(*flags, **kwargs)
    args = ap.parse_args()
    if args.calls < 1 or args.threads < 1:
        ap.error("--calls and --threads must be at least 1")
    torch.set_num_threads(max(1, min(args.threads, torch.get_num_threads())))
    print(describe())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{args.calls} timed updates per case (median); update = {what}")
    results = {}
    for name, draw, fixed, settings, initial in cases(args):
        total, compute, render = time_redraws(draw, fixed, settings, initial)
        results[name] = total
        print(f"{name:45s} {total:6.3f} s   (compute {compute:6.3f} s, PNG render {render:6.3f} s)", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    slowest = max(results, key=results.get)
    print(f"slowest: {slowest}")
    print(f"widget update: {results[slowest]:.3f} s (slowest widget)")
