"""Sentences whose numbers come from the cell that computed them (all chapters).

The course's rule: a number in a chapter's prose reaches the reader from the code that computed
it (or from the recorded run it reads), never typed by hand. A chapter writes such sentences
with an f-string and `say`:

    say(f"The discriminator is right on {acc:.0%} of held-out sentences.")

`say` displays Markdown. JupyterLab renders it as Markdown; the book (myst-nb with
`nb_render_markdown_format: myst`) parses it as MyST, so `$...$` math and `{cite}` roles work in
both. A cell that only writes prose carries the cell tag ``remove-input``: the book shows the
sentence, JupyterLab shows the code and the sentence. `tests/test_prose_numbers.py` fails on a
result number typed into a Markdown cell.
"""
from __future__ import annotations

__all__ = ["say"]


def say(*paragraphs: str) -> None:
    """Display one or more paragraphs of Markdown (blank line between them)."""
    from IPython.display import Markdown, display

    display(Markdown("\n\n".join(p.strip() for p in paragraphs)))

