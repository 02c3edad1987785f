"""Seconds per update of chapter 10's widget (ARAE interpolation): what a learner waits for after
moving a slider.

    .venv/bin/python benchmarks/widgets_arae.py [--calls 7] [--threads 1]

Trains the quick preset on the English grammar corpus as the chapter does (not timed), builds the
widget with Thai labels on the Thai-free English model and on a Thai model, then times updates:
one call of `draw_interpolation` (decode the points of the path, check each with the grammar,
redraw in place) plus the PNG render, for each setting of the sliders in turn. The median of
`calls` updates per case is reported; the last line is ``widget update: X s (slowest widget)``
(goal: under 0.3 s).
"""
from _widget_timing import cycle, main  # noqa: E402  (first: it puts the repository on sys.path)

from gan4nlp import arae, grammar  # noqa: E402
from gan4nlp.widgets import arae as arae_widgets  # noqa: E402


def explorer_for(language: str):
    sentences, vocab, gram = grammar.corpus(language, n=4000, seed=0)
    heldout, _, _ = grammar.corpus(language, n=500, seed=1)
    result = arae.train(arae.ARAEConfig.preset("quick"), vocab.encode(sentences), vocab=vocab)
    return arae_widgets.interpolation_explorer(result.model, vocab, vocab.encode(heldout), grammar=gram, lang="th")


def cases(args):
    """Each slider of the English and of the Thai widget in turn (the training is not timed)."""
    settings = {
        "pair slider": [dict(pair=p) for p in (1, 2, 3, 4, 5, 0)],
        "steps slider (11 points)": [dict(steps=11, pair=p) for p in (1, 2, 3)],
        "path: straight line": [dict(path="line", steps=11, pair=p) for p in (1, 2, 3)],
    }
    for language in ("en", "th"):
        explorer = explorer_for(language)
        for name, moves in settings.items():
            yield (f"interpolation ({language}), {name}", explorer.draw, explorer.fixed,
                   [{**explorer.values, **m} for m in cycle(moves, args.calls)], explorer.values)


if __name__ == "__main__":
    main(__doc__, cases, threads=1, what="decode + grammar + redraw + PNG render")
