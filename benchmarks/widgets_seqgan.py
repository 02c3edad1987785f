"""Seconds per update of chapter 8's widget (SeqGAN's K and discriminator ratio on recorded runs).

    .venv/bin/python benchmarks/widgets_seqgan.py [--calls 7] [--threads 2]

The widget is built as chapter 8 builds it (`widgets.seqgan.seqgan_grid_explorer`, the recorded
grid of ``benchmarks/seqgan_grid.py``, Thai labels). One update is one call of
`draw_seqgan_grid` with the next (K, ratio) of the grid, redrawing the figure in place, plus
rendering it to PNG as the widget displays it (`widgets.render_png`, Agg). Nothing is trained:
the curves are read from the JSON. The median of `calls` timed updates after one warm-up is
reported, with the compute and render parts. The last line is
``widget update: X s (slowest widget)``; the goal is under 0.3 s on a 2-core CPU.
"""
from _widget_timing import main  # noqa: E402  (first: it puts the repository on sys.path)
import itertools  # noqa: E402

from gan4nlp.widgets.seqgan import draw_seqgan_grid, load_grid  # noqa: E402


def cases(args):
    grid = load_grid(args.grid)
    print(f"recorded grid: K {grid['rollout_nums']} x ratio {grid['d_steps']} x seeds {grid['seeds']}")
    cells = itertools.cycle(itertools.product(grid["rollout_nums"], grid["d_steps"]))
    initial = dict(zip(("rollout_num", "d_steps"), next(cells)))
    settings = [dict(zip(("rollout_num", "d_steps"), next(cells))) for _ in range(args.calls)]
    yield "seqgan_grid_explorer (ch. 8)", draw_seqgan_grid, dict(grid=grid, lang="th"), settings, initial


if __name__ == "__main__":
    main(__doc__, cases, what="redraw + PNG render",
         options=[(("--grid",), dict(default=None, help="grid JSON (default: benchmarks/results/seqgan-grid.json)"))])
