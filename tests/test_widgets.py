"""The widgets of chapters 4-6: each builds, each drawing function returns a labelled figure, Thai
renders without missing glyphs, and the statistics behind the figures are right. No timing
assertions here: `benchmarks/widgets.py` measures the redraw time."""
import io
import warnings

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from gan4nlp import widgets  # noqa: E402
from gan4nlp.exercises import ch04, ch05, ch06  # noqa: E402
from gan4nlp.policy import Generator  # noqa: E402
from gan4nlp.rollout import rollout_rewards  # noqa: E402
from gan4nlp.toy import TabularPolicy, exact_gradient, make_problem  # noqa: E402
from _text import has_thai  # noqa: E402

VOCAB_TH = ["แมว", "หมา", "ปลา", "ข้าว", "กิน", "ชอบ", "เห็น", "<eos>"]


def reward_fn(tokens):
    """Chapter 6's stand-in discriminator: fraction of four grammar checks passed."""
    subject, verb, obj, end = tokens.unbind(-1)
    checks = torch.stack([subject <= 2, (verb >= 4) & (verb <= 6), (obj <= 3) & (obj != subject), end == 7], -1)
    return checks.float().mean(-1)


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
    exact = widgets.exact_rollout_values(gen, tokens, reward_fn)
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
                                             exact=widgets.exact_rollout_values(gen, tokens, reward_fn))]
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
    shifted = widgets.shifted_problem(problem, 5.0)
    torch.testing.assert_close(exact_gradient(policy, shifted), exact_gradient(policy, problem))
    seqs = torch.tensor([[0, 1, 2], [2, 2, 2]])
    torch.testing.assert_close(shifted.reward(seqs), problem.reward(seqs) + 5.0)


def test_exact_rollout_values_are_what_rollouts_estimate(rollout_setup):
    gen, tokens = rollout_setup
    exact = widgets.exact_rollout_values(gen, tokens, reward_fn)
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
    exact = widgets.exact_rollout_values(gen, tokens, reward_fn)
    assert ch06.check_q_value(float(exact[1, 2]), gen, tokens, reward_fn, row=1, column=2)
    assert not ch06.check_q_value(float(exact[1, 2]) + 0.1, gen, tokens, reward_fn, row=1, column=2, lang="th")
    out = capsys.readouterr().out
    assert "Correct" in out and "ยังไม่ถูก" in out
