"""The widgets of chapters 4-6: each builds, each drawing function returns a labelled figure, Thai
renders without missing glyphs, and the statistics behind the figures are right. No timing
assertions here: `benchmarks/widgets.py` measures the redraw time."""
import io
import itertools
import warnings

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from gan4nlp import widgets  # noqa: E402
from gan4nlp.exercises import ch04, ch05, ch06  # noqa: E402
from gan4nlp.policy import Generator  # noqa: E402
from gan4nlp.rollout import exact_rollout_values, rollout_rewards  # noqa: E402
from gan4nlp.toy import TabularPolicy, exact_gradient, make_problem, shifted_problem  # noqa: E402
from _text import has_thai  # noqa: E402

VOCAB_TH = ["แมว", "หมา", "ปลา", "ข้าว", "กิน", "ชอบ", "เห็น", "<eos>"]


def reward_fn(tokens):
    """Chapter 6's stand-in discriminator: fraction of four grammar checks passed."""
    subject, verb, obj, end = tokens.unbind(-1)
    checks = torch.stack([subject <= 2, (verb >= 4) & (verb <= 6), (obj <= 3) & (obj != subject), end == 7], -1)
    return checks.float().mean(-1)


@pytest.fixture(autouse=True)
def live_kernel(monkeypatch):
    """Every test here runs as in a live kernel (make test exports GAN4NLP_STATIC_WIDGETS for the
    notebooks); the static-book tests set the variable themselves."""
    monkeypatch.delenv(widgets.base.STATIC_ENV, raising=False)


@pytest.fixture
def tabular():
    return TabularPolicy(3, 3, init_std=0.5, seed=0, dtype=torch.float64), make_problem("count", 3, 3)


@pytest.fixture
def rollout_setup():
    gen = Generator(8, embed_dim=8, hidden_dim=8)
    tokens = gen.generate(3, 4, generator=torch.Generator().manual_seed(0))
    return gen, tokens


def texts_of(fig):
    out = []
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.texts]
        out += [t.get_text() for t in ax.get_yticklabels()]
        legend = ax.get_legend()
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
    if fig._suptitle is not None:
        out.append(fig._suptitle.get_text())
    return out


# ------------------------------------------------------------------------------------------------
def test_control_labels_come_from_the_docstrings():
    labels = widgets.control_labels(widgets.draw_reinforce_histogram)
    assert labels == {"num_samples": "samples per estimate N", "seed": "random seed"}
    assert set(widgets.control_labels(widgets.draw_variance_comparison)) == {"num_samples", "offset", "seed"}
    assert set(widgets.control_labels(widgets.draw_rollout_heatmap)) == {"rollout_num", "seed"}
    thai = widgets.control_labels(widgets.draw_rollout_heatmap, "th")
    assert all(has_thai(v) for v in thai.values())
    custom = widgets.control_labels(widgets.draw_rollout_heatmap, "th", {"seed": "my seed", "unknown": "x"})
    assert custom["seed"] == "my seed" and "unknown" not in custom
    with pytest.raises(ValueError, match="lang"):
        widgets.control_labels(widgets.draw_rollout_heatmap, "fr")


def test_reinforce_histogram_figure(tabular):
    policy, problem = tabular
    fig = widgets.draw_reinforce_histogram(policy, problem, num_samples=5, seed=1, repeats=40)
    assert isinstance(fig, Figure)
    hist, scatter = fig.axes
    assert "N = 5" in hist.get_title() and "40" in hist.get_title()
    assert hist.get_xlabel().startswith("estimate of")
    assert len(hist.patches) > 0                                   # the histogram bars
    assert [t.get_text() for t in hist.get_legend().get_texts()] == ["estimates", "exact gradient", "mean of estimates"]
    assert scatter.get_xlabel() == "exact gradient" and scatter.get_ylabel() == "mean of the estimates"
    assert "within 2 SE" in scatter.texts[0].get_text()
    # reusing the figure redraws in place
    again = widgets.draw_reinforce_histogram(policy, problem, num_samples=10, seed=2, repeats=40, fig=fig)
    assert again is fig and len(fig.axes) == 2 and "N = 10" in fig.axes[0].get_title()


def test_variance_comparison_figure(tabular):
    policy, problem = tabular
    fig = widgets.draw_variance_comparison(policy, problem, num_samples=4, offset=1.0, repeats=30, warmup=3)
    var, cos, scale = fig.axes
    names = [t.get_text() for t in var.get_yticklabels()]
    assert names == list(widgets.ESTIMATOR_NAMES["en"].values())
    assert var.get_xscale() == "log"
    assert len(var.patches) == len(cos.patches) == len(scale.patches) == 6
    assert "(N-1)/N = 0.75" in scale.get_title()
    assert "N = 4" in fig._suptitle.get_text() and "c = 1" in fig._suptitle.get_text()
    # once rendered, a redraw reuses the same axes (layout frozen) and replaces their contents
    widgets.render_png(fig)
    axes_before = list(fig.axes)
    again = widgets.draw_variance_comparison(policy, problem, num_samples=8, offset=1.0, repeats=30, warmup=3, fig=fig)
    assert again is fig and fig.axes == axes_before
    assert len(fig.axes[0].patches) == 6 and "(N-1)/N = 0.88" in fig.axes[2].get_title()


def test_rollout_heatmap_figure(rollout_setup):
    gen, tokens = rollout_setup
    vocab = [f"w{i}" for i in range(8)]
    fig = widgets.draw_rollout_heatmap(gen, tokens, reward_fn, rollout_num=2, vocab=vocab)
    assert len(fig.axes) == 2                                      # heatmap + colour bar
    assert fig.axes[0].get_title() == "Q from K = 2 rollouts"
    words = {t.get_text() for t in fig.axes[0].texts}
    assert words == {vocab[i] for i in tokens.flatten().tolist()}
    exact = exact_rollout_values(gen, tokens, reward_fn)
    fig = widgets.draw_rollout_heatmap(gen, tokens, reward_fn, rollout_num=2, vocab=vocab, exact=exact)
    assert len(fig.axes) == 4 and fig.axes[1].get_title().startswith("exact Q")
    assert fig.axes[0].images[0].get_clim() == (0.0, 1.0)


@pytest.mark.parametrize("kind", ["histogram", "variance", "rollout"])
def test_builders_show_the_initial_figure_and_redraw_on_change(kind, tabular, rollout_setup, capsys):
    policy, problem = tabular
    gen, tokens = rollout_setup
    if kind == "histogram":
        explorer = widgets.reinforce_histogram(policy, problem, repeats=30, lang="th")
        names = {"num_samples", "seed"}
    elif kind == "variance":
        explorer = widgets.variance_explorer(policy, problem, repeats=20, warmup=2, lang="th")
        names = {"num_samples", "offset", "seed"}
    else:
        explorer = widgets.rollout_explorer(gen, tokens, reward_fn, vocab=VOCAB_TH, lang="th")
        names = {"rollout_num", "seed"}
    assert set(explorer.controls) == names
    assert all(has_thai(c.description) or c.description.startswith("seed") for c in explorer.controls.values())
    assert isinstance(explorer.figure, Figure) and explorer.figure.axes        # the initial figure is drawn
    assert explorer.redraws == 0                                               # ... once, not again by interactive_output
    first = explorer.figure
    explorer.controls["seed"].value = 3                                        # what a slider move does
    assert explorer.redraws == 1 and explorer.figure is first                 # redrawn in place
    assert explorer.values["seed"] == 3
    assert explorer.box.children[-1] is explorer.output


def test_thai_labels_render_without_missing_glyphs(tabular, rollout_setup):
    policy, problem = tabular
    gen, tokens = rollout_setup
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # matplotlib warns "Glyph ... missing from font(s)"
        figs = [widgets.draw_reinforce_histogram(policy, problem, repeats=30, lang="th"),
                widgets.draw_variance_comparison(policy, problem, num_samples=4, repeats=20, warmup=2, lang="th"),
                widgets.draw_rollout_heatmap(gen, tokens, reward_fn, vocab=VOCAB_TH, lang="th",
                                             exact=exact_rollout_values(gen, tokens, reward_fn))]
        for fig in figs:
            fig.savefig(io.BytesIO(), format="png")
    for fig in figs:
        assert any(has_thai(s) for s in texts_of(fig))


def test_labels_override_figure_texts(tabular):
    policy, problem = tabular
    fig = widgets.draw_reinforce_histogram(policy, problem, repeats=20, labels={"scatter_title": "mine"})
    assert fig.axes[1].get_title() == "mine"


def test_shifted_problem_keeps_the_exact_gradient(tabular):
    policy, problem = tabular
    shifted = shifted_problem(problem, 5.0)
    torch.testing.assert_close(exact_gradient(policy, shifted), exact_gradient(policy, problem))
    seqs = torch.tensor([[0, 1, 2], [2, 2, 2]])
    torch.testing.assert_close(shifted.reward(seqs), problem.reward(seqs) + 5.0)


def test_exact_rollout_values_are_what_rollouts_estimate(rollout_setup):
    gen, tokens = rollout_setup
    exact = exact_rollout_values(gen, tokens, reward_fn)
    torch.testing.assert_close(exact[:, -1], reward_fn(tokens))
    runs = torch.stack([rollout_rewards(gen, tokens, reward_fn, 8, generator=torch.Generator().manual_seed(i))
                        for i in range(100)])
    se = runs.std(0) / 10 + 1e-6
    assert float(((runs.mean(0) - exact) / se).abs().max()) < 4.5


# ------------------------------------------------------------------------------------------------
# The code-checked exercises of chapters 4-6 (the notebooks call them with correct answers).

def test_exercise_checks_accept_right_and_reject_wrong_answers(rollout_setup, capsys):
    pi = torch.softmax(torch.tensor([0.0, 0.5, 1.0], dtype=torch.float64), 0)
    r = torch.tensor([1.0, 0.0, 2.0], dtype=torch.float64)
    assert ch04.check_bandit_gradient(pi * (r - (pi * r).sum()))
    assert not ch04.check_bandit_gradient(pi * r, lang="th")
    assert not ch04.check_bandit_gradient([1.0, 2.0])
    assert ch04.check_single_sample_estimate(2.0 * (torch.eye(3, dtype=torch.float64)[2] - pi))
    assert not ch04.check_single_sample_estimate(torch.zeros(3))
    assert ch05.check_batch_mean_factor(0.8, num_samples=5)
    assert not ch05.check_batch_mean_factor(1.0, num_samples=5, lang="th")
    sq = ((torch.eye(3, dtype=torch.float64) - pi) ** 2).sum(-1)
    assert ch05.check_optimal_baseline(float((pi * r * sq).sum() / (pi * sq).sum()))
    assert not ch05.check_optimal_baseline(float((pi * r).sum()))          # J is not the best constant
    assert ch06.check_rollout_cost(64 * 16 * 19 + 64)
    assert ch06.check_rollout_cost(3 * 2 * 4 + 3, batch=3, length=5, rollout_num=2)
    assert not ch06.check_rollout_cost(64 * 16 * 20)
    gen, tokens = rollout_setup
    exact = exact_rollout_values(gen, tokens, reward_fn)
    assert ch06.check_q_value(float(exact[1, 2]), gen, tokens, reward_fn, row=1, column=2)
    assert not ch06.check_q_value(float(exact[1, 2]) + 0.1, gen, tokens, reward_fn, row=1, column=2, lang="th")
    out = capsys.readouterr().out
    assert "Correct" in out and "ยังไม่ถูก" in out


# ------------------------------------------------------------------------------------------------
# The one estimator menu every chapter chooses from, and the widgets' small math helpers, each
# against an answer worked out by hand.

def test_estimator_menu_builds_each_key_fresh():
    from gan4nlp.estimators import (BatchMean, GumbelSoftmax, LearnedValue, LeaveOneOut, MovingAverage, Reinforce,
                                    estimator_menu, standard_estimators)
    from gan4nlp.toy import TabularValue

    menu = estimator_menu(("reinforce", "to_go", "moving", "loo", "loo_to_go", "learned", "batch", "soft", "st"),
                          tau=0.3, value_model=TabularValue(3, 3))
    assert type(menu["reinforce"]) is Reinforce and not menu["reinforce"].reward_to_go
    assert menu["to_go"].reward_to_go and isinstance(menu["moving"].baseline, MovingAverage)
    assert isinstance(menu["loo"].baseline, LeaveOneOut) and not menu["loo"].reward_to_go
    assert isinstance(menu["loo_to_go"].baseline, LeaveOneOut) and menu["loo_to_go"].reward_to_go
    assert isinstance(menu["learned"].baseline, LearnedValue) and isinstance(menu["batch"].baseline, BatchMean)
    assert isinstance(menu["soft"], GumbelSoftmax) and menu["soft"].tau == 0.3
    assert menu["st"].straight_through and not menu["soft"].straight_through
    assert estimator_menu(("moving",))["moving"] is not estimator_menu(("moving",))["moving"]   # fresh state
    assert len(standard_estimators()) == 7 and len(standard_estimators(TabularValue(3, 3))) == 8
    with pytest.raises(ValueError, match="value_model"):
        estimator_menu(("learned",))
    with pytest.raises(ValueError, match="keys must be among"):
        estimator_menu(("plain",))
    names = widgets.comparison_estimators(make_problem("count", 3, 3), "th")
    assert list(names) == list(widgets.ESTIMATOR_NAMES["th"].values())


def test_scale_and_angle_by_hand():
    from gan4nlp.widgets.group import scale_and_angle

    scale, angle = scale_and_angle(torch.tensor([1.0, 1.0], dtype=torch.float64), torch.tensor([2.0, 0.0],
                                                                                            dtype=torch.float64))
    assert scale == pytest.approx(0.5) and angle == pytest.approx(45.0)            # (1,1).(2,0) / 4; 45 degrees
    scale, angle = scale_and_angle(torch.tensor([-3.0, 0.0]), torch.tensor([1.0, 0.0]))
    assert scale == pytest.approx(-3.0) and angle == pytest.approx(180.0)


def test_principal_axes_find_a_known_plane():
    from gan4nlp.widgets.arae import principal_axes

    g = torch.Generator().manual_seed(0)
    coords = torch.randn(500, 2, generator=g, dtype=torch.float64) * torch.tensor([3.0, 1.0], dtype=torch.float64)
    e1 = torch.tensor([0.0, 0.6, 0.8, 0.0], dtype=torch.float64)
    e2 = torch.tensor([0.0, 0.0, 0.0, -1.0], dtype=torch.float64)
    shift = torch.tensor([5.0, -1.0, 2.0, 0.5], dtype=torch.float64)
    codes = shift + coords[:, :1] * e1 + coords[:, 1:] * e2                       # (N, 4), a plane through `shift`
    mean, axes = principal_axes(codes)
    torch.testing.assert_close(mean, codes.mean(0))
    plane = torch.stack([e1, e2], 1)                                              # (4, 2), orthonormal
    torch.testing.assert_close(plane @ (plane.T @ axes), axes)                    # both axes lie in the plane
    torch.testing.assert_close(axes.T @ axes, torch.eye(2, dtype=torch.float64))
    centred = codes - codes.mean(0)
    _, vectors = torch.linalg.eigh(centred.T @ centred)                           # ascending eigenvalues
    for k, v in enumerate((vectors[:, -1], vectors[:, -2])):                      # the widest direction first
        v = v * torch.sign(v[v.abs().argmax()])                                   # its largest entry positive
        torch.testing.assert_close(axes[:, k], v)
    assert abs(float(axes[:, 0] @ e1)) > 0.99                                     # the 3:1 spread picks e1 first


def test_held_out_accuracy_and_recorded_means_by_hand():
    import statistics

    from gan4nlp.discriminator import held_out_accuracy
    from gan4nlp.widgets import quality

    real, fake = torch.tensor([0.9, 0.4, 0.6]), torch.tensor([0.1, 0.7])
    assert held_out_accuracy(real, fake) == pytest.approx(3 / 5)                 # 0.9, 0.6 real; 0.1 generated
    rows = [{"bleu4": 0.2, "entropy": 3.0}, {"bleu4": 0.5, "entropy": 2.0}, {"bleu4": 0.8}]
    out = quality.mean_sd(rows, ("bleu4", "entropy"))
    assert out["bleu4"] == pytest.approx(0.5) and out["bleu4_sd"] == pytest.approx(statistics.stdev([0.2, 0.5, 0.8]))
    assert "entropy" not in out                                                   # not in every row
    assert quality.metric({"self_bleu4": 0.25}, quality.DIVERSITY) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="no rows"):
        quality.mean_sd([])


# ------------------------------------------------------------------------------------------------
# The static book (GAN4NLP_STATIC_WIDGETS=1 while the book is built): precomputed frames behind
# sliders linked in the browser.

def pixels(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB").tobytes()


def test_live_kernels_precompute_nothing(tabular, monkeypatch):
    monkeypatch.delenv(widgets.base.STATIC_ENV, raising=False)
    policy, problem = tabular
    explorer = widgets.reinforce_histogram(policy, problem, repeats=20)
    assert explorer.static is None


def test_a_static_frame_is_a_fresh_draw_of_its_values(tabular, monkeypatch):
    from gan4nlp.widgets.base import STATIC_DPI, compact_png, render_png

    monkeypatch.setenv(widgets.base.STATIC_ENV, "1")
    policy, problem = tabular
    explorer = widgets.reinforce_histogram(policy, problem, repeats=20, lang="th")
    frames = explorer.static.frames
    assert len(frames) == 4 * 2                       # N in {2, 10, 50, 200}, seed in {0, 1}
    fresh = widgets.draw_reinforce_histogram(policy, problem, 50, 1, repeats=20, exact=exact_gradient(policy, problem),
                                             lang="th")
    assert pixels(frames[(50, 1)]) == pixels(compact_png(render_png(fresh, STATIC_DPI)))
    assert pixels(frames[(50, 1)]) != pixels(frames[(50, 0)])                     # the seed changes the figure


def test_static_sliders_offer_exactly_the_precomputed_frames(tabular, monkeypatch):
    import ipywidgets

    monkeypatch.setenv(widgets.base.STATIC_ENV, "1")
    policy, problem = tabular
    explorer = widgets.variance_explorer(policy, problem, num_samples=16, offset=1.5, repeats=10, warmup=2, lang="th")
    static = explorer.static
    assert static.options == {"num_samples": (4, 16, 64, 256), "offset": (0.0, 1.5, 2.0, 10.0), "seed": (0,)}
    assert set(static.frames) == set(itertools.product(*static.options.values()))   # the notebook's offset added
    box, sliders, stack, links = static.widget(explorer.controls, "th")
    for name, s in sliders.items():
        assert s.options == tuple(f"{v:g}" if isinstance(v, float) else str(v) for v in static.options[name])
    labels = [group.children[0].value for group in box.children[0].children]
    assert labels == [explorer.controls[name].description for name in sliders]    # each label above its slider
    assert sliders["num_samples"].index == 1 and sliders["offset"].index == 1      # the builder's values shown first
    for combo, png in static.frames.items():                                       # walk the nested stacks
        node = stack
        for name, value in zip(static.options, combo):
            assert isinstance(node, ipywidgets.Stack)
            node = node.children[static.options[name].index(value)]
        assert isinstance(node, ipywidgets.Image) and node.value == png
    linked = {(link.source[0].model_id, link.source[1], link.target[1]) for link in links}
    assert {(sliders[n].model_id, "index", "selected_index") for n in sliders} == linked
    assert len(links) == 1 + 4 + 4 * 4                                             # one link per stack
    note = box.children[1].value
    assert "kernel" in note and "Colab" in note and has_thai(note) and "{4, 16, 64, 256}" in note


def test_static_values_must_lie_on_the_slider(tabular, monkeypatch):
    from gan4nlp.widgets.base import Explorer, StaticFrames

    policy, problem = tabular
    explorer = widgets.reinforce_histogram(policy, problem, repeats=10)
    with pytest.raises(ValueError, match="not on its slider"):
        StaticFrames.compute(explorer.draw, explorer.fixed, explorer.controls, {"num_samples": (3,)})
    with pytest.raises(ValueError, match="do not exist"):
        StaticFrames.compute(explorer.draw, explorer.fixed, explorer.controls, {"tau": (1.0,)})
    assert Explorer is type(explorer)
