"""Seconds per update of chapter 11's quality-diversity widget: what a learner waits for after
moving the temperature slider.

    .venv/bin/python benchmarks/widgets_quality.py [--calls 7] [--threads 2]

Built as chapter 11 builds it: the quick MLE model on the Thai grammar corpus
(`TextGANConfig.preset("quick", method="mle", language="th")`), its temperature sweep computed
once by `widgets.quality.quality_sweep` (timed separately: the builder pays it, not the slider).
One update is one call of `draw_quality_diversity` at another temperature (the figure redrawn in
place) plus rendering the figure to PNG as the widget displays it (`widgets.render_png`, Agg).
The median of `calls` timed updates after one warm-up is reported, with the compute and render
parts, and the CPU time this process used per update (on a loaded machine the wall time is
larger by the wait for a core). The last line is ``widget update: X s (slowest widget)``; the goal is under 0.3 s on a
2-core CPU.
"""
import argparse
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
from gan4nlp.textgan import TextGANConfig, train  # noqa: E402
from gan4nlp.widgets import quality, render_png  # noqa: E402


def time_updates(sweep, calls: int, lang: str = "th"):
    temps = [r["temperature"] for r in sweep]
    fig = quality.draw_quality_diversity(sweep, 1.0, lang=lang)       # the initial figure (not timed)
    render_png(fig)                                                   # warm-up: fonts, caches, layout
    compute, render, cpu = [], [], []
    for c in range(calls):
        cpu_start = time.process_time()
        start = time.perf_counter()
        fig = quality.draw_quality_diversity(sweep, temps[c % len(temps)], lang=lang, fig=fig)
        middle = time.perf_counter()
        render_png(fig)
        end = time.perf_counter()
        cpu.append(time.process_time() - cpu_start)
        compute.append(middle - start)
        render.append(end - middle)
    total = [a + b for a, b in zip(compute, render)]
    return statistics.median(total), statistics.median(compute), statistics.median(render), statistics.median(cpu)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=7, help="timed updates (median reported)")
    ap.add_argument("--threads", type=int, default=2, help="torch threads (the notebooks' machine has 2 cores)")
    args = ap.parse_args()
    torch.set_num_threads(max(1, min(args.threads, torch.get_num_threads())))
    print(describe())
    start = time.perf_counter()
    run = train(TextGANConfig.preset("quick", method="mle", language="th"), progress=False)
    trained = time.perf_counter()
    sweep = quality.quality_sweep(run.generator, run.vocab, run.grammar, run.heldout)
    swept = time.perf_counter()
    print(f"builder (once): quick MLE training {trained - start:.2f} s, sweep over {len(sweep)} temperatures "
          f"{swept - trained:.2f} s")
    print(f"Thai labels, {args.calls} timed updates (median); update = redraw + PNG render")
    total, compute, render, cpu = time_updates(sweep, args.calls)
    name = "quality_explorer (ch. 11)"
    print(f"{name:30s} {total:6.3f} s   (compute {compute:6.3f} s, PNG render {render:6.3f} s; "
          f"CPU time of this process {cpu:.3f} s: near the wall time on a quiet machine)")
    print(f"widget update: {total:.3f} s (slowest widget)")


if __name__ == "__main__":
    main()
