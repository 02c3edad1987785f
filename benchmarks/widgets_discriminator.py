"""Seconds per update of chapter 7's reward explorer: what a learner waits for after moving a slider.

    .venv/bin/python benchmarks/widgets_discriminator.py [--calls 7] [--threads 2] [--lang th]

The widget is built as the chapter builds it: the notebook's own cells (imports, corpus and
generator, discriminator training with `record_training`) are executed from
``notebooks/<lang>/07_discriminator_as_reward.ipynb``, so the history has the same size as the
book's (13 epochs, 500 + 500 held-out rewards per epoch, three gradient norms). Training is not
timed: it happens once, before the sliders exist. One update is one call of
`draw_reward_histograms` (a new epoch, both axis scales in turn, the figure redrawn in place) plus
rendering it to PNG (`widgets.render_png`, Agg). The median of `calls` timed updates after one
warm-up is reported with its compute and render parts. The last line is
``widget update: X s (slowest widget)``; the goal is under 0.3 s on a 2-core CPU.
"""
from _widget_timing import main  # noqa: E402  (first: it puts the repository on sys.path)
import contextlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from gan4nlp.widgets.discriminator import _log_range, draw_reward_histograms  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "07_discriminator_as_reward.ipynb"
SETUP_CELLS = ("LANG = ", "grammar.corpus(", "record_training(")   # a marker in each cell to run


def chapter7_history(lang: str) -> dict:
    """The notebook's training history, from its own code cells (their printed output discarded)."""
    cells = json.loads((ROOT / "notebooks" / lang / NOTEBOOK).read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for marker in SETUP_CELLS:
            (src,) = [c for c in code if marker in c]
            exec(compile(src, f"{lang}/{NOTEBOOK}", "exec"), namespace)
    return namespace["history"]


def cases(args):
    start = time.perf_counter()
    history = chapter7_history(args.lang)
    print(f"setup (the notebook's training run, not part of an update): {time.perf_counter() - start:.1f} s")
    last = len(history["epoch"]) - 1
    settings = [dict(epoch=c % (last + 1), scale=("D", "log D")[c % 2]) for c in range(1, args.calls + 1)]
    yield ("reward_explorer (ch. 7)", draw_reward_histograms,
           dict(history=history, log_low=_log_range(history), lang=args.lang), settings, dict(epoch=3))


if __name__ == "__main__":
    main(__doc__, cases, what="redraw + PNG render",
         options=[(("--lang",), dict(choices=("en", "th"), default="th",
                                     help="which edition's notebook to build from"))])
