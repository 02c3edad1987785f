"""The timing loop every widget benchmark shares: one update = redraw + PNG render."""
import statistics
import time

from gan4nlp.widgets import render_png


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
