"""The book's interactive widgets, one module per part of the book.

- `core`: the shared machinery (`Explorer`, sliders, texts in both languages, `render_png`) and
  the widgets of chapters 4-6 (REINFORCE histograms, baselines' variance, rollout rewards).
- `discriminator` (chapter 7), `seqgan` (chapter 8: recorded runs over K and the update ratio),
  `gumbel` (chapter 9: Gumbel-softmax against REINFORCE over tau), `arae` (chapter 10),
  `quality` (chapter 11: the quality-diversity curve over temperature), `thai` (chapter 12),
  `group` (chapter 13: RLOO, group mean and GRPO over K). Import them as
  ``from gan4nlp.widgets import gumbel``.

Every widget is a pure ``draw_*`` function returning a matplotlib Figure plus a builder
returning an `Explorer`; see `core` for the conventions.
"""
from .core import *  # noqa: F401,F403
from .core import (CONTROL_LABELS, ESTIMATOR_NAMES, TEXT, Explorer, _check_lang, _figure, _panels,  # noqa: F401
                   _slider, _nearest, control_labels, one_thread, render_png, texts)
