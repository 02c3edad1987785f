"""The book's interactive widgets, one module per part of the book.

- `base`: the framework every widget uses (`Explorer`, sliders, texts in both languages,
  `render_png`, the static book's precomputed frames).
- `policy_gradient` (chapters 4-6: REINFORCE histograms, baselines' variance, rollout rewards;
  its names are importable from here, e.g. ``widgets.reinforce_histogram``),
  `discriminator` (chapter 7), `seqgan` (chapter 8: recorded runs over K and the update ratio),
  `gumbel` (chapter 9: Gumbel-softmax against REINFORCE over tau), `arae` (chapter 10),
  `quality` (chapter 11: the quality-diversity curve over temperature), `thai` (chapter 12),
  `group` (chapter 13: RLOO, group mean and GRPO over K). Import them as
  ``from gan4nlp.widgets import gumbel``.

Every widget is a pure ``draw_*`` function returning a matplotlib Figure plus a builder
returning an `Explorer`; see `base` for the conventions. The computation the widgets show lives
in the library (`toy`, `rollout`, `discriminator`, `evaluation`, `thai_segmentation`, ...).
"""
from .base import Explorer, control_labels, one_thread, render_png
from .policy_gradient import (BASELINE_SAMPLES_OPTIONS, ESTIMATOR_NAMES, NUM_SAMPLES_OPTIONS, ROLLOUT_OPTIONS, TEXT,
                              VARIANCE_ESTIMATORS, comparison_estimators, draw_reinforce_histogram,
                              draw_rollout_heatmap, draw_variance_comparison, reinforce_histogram, rollout_explorer,
                              variance_explorer)

__all__ = ["Explorer", "control_labels", "one_thread", "render_png", "BASELINE_SAMPLES_OPTIONS", "ESTIMATOR_NAMES",
           "NUM_SAMPLES_OPTIONS", "ROLLOUT_OPTIONS", "TEXT", "VARIANCE_ESTIMATORS", "comparison_estimators",
           "draw_reinforce_histogram", "draw_rollout_heatmap", "draw_variance_comparison", "reinforce_histogram",
           "rollout_explorer", "variance_explorer"]
