"""Seconds per update of chapter 11's quality-diversity widget: what a learner waits for after
moving the temperature slider.

    .venv/bin/python benchmarks/widgets_quality.py [--calls 7] [--threads 2]

Built as chapter 11 builds it: the quick MLE model on the Thai grammar corpus
(`TextGANConfig.preset("quick", method="mle", language="th")`), its temperature sweep computed
once by `evaluation.quality_sweep` (timed separately: the builder pays it, not the slider).
One update is one call of `draw_quality_diversity` at another temperature (the figure redrawn in
place) plus rendering the figure to PNG as the widget displays it (`widgets.render_png`, Agg).
The median of `calls` timed updates after one warm-up is reported, with the compute and render
parts (on a loaded machine the wall time is larger by the wait for a core). The last line is
``widget update: X s (slowest widget)``; the goal is under 0.3 s on a 2-core CPU.
"""
from _widget_timing import cycle, main  # noqa: E402  (first: it puts the repository on sys.path)
import time  # noqa: E402

from gan4nlp.evaluation import quality_sweep  # noqa: E402
from gan4nlp.textgan import TextGANConfig, train  # noqa: E402
from gan4nlp.widgets import quality  # noqa: E402


def cases(args):
    start = time.perf_counter()
    run = train(TextGANConfig.preset("quick", method="mle", language="th"), progress=False)
    trained = time.perf_counter()
    sweep = quality_sweep(run.generator, run.vocab, run.grammar, run.heldout)
    print(f"builder (once): quick MLE training {trained - start:.2f} s, sweep over {len(sweep)} temperatures "
          f"{time.perf_counter() - trained:.2f} s")
    temps = [dict(temperature=r["temperature"]) for r in sweep]
    yield ("quality_explorer (ch. 11)", quality.draw_quality_diversity, dict(sweep=sweep, lang="th"),
           cycle(temps, args.calls), dict(temperature=1.0))


if __name__ == "__main__":
    main(__doc__, cases, what="redraw + PNG render")
