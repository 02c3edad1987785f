"""Figures render Thai text with a Thai font, Greek from the fallback, and no missing glyphs."""
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from gan4nlp import viz  # noqa: E402
from gan4nlp.diagnostics import compare, gradient_stats  # noqa: E402
from gan4nlp.estimators import LeaveOneOut, Reinforce  # noqa: E402
from gan4nlp.toy import TabularPolicy, make_problem  # noqa: E402


def test_thai_font_is_registered_and_found():
    assert viz.setup_fonts() == "Sarabun"
    path = font_manager.findfont(font_manager.FontProperties(family="Sarabun"), fallback_to_default=False)
    assert "Sarabun" in path


def test_plots_with_thai_and_greek_render_without_missing_glyphs(tmp_path):
    viz.setup_fonts()
    policy, problem = TabularPolicy(3, 3), make_problem("count", 3, 3, offset=1.0)
    rows = compare({"REINFORCE": Reinforce(), "ลบ baseline": Reinforce(LeaveOneOut())}, policy, problem, [10, 100],
                   repeats=10)
    stats = gradient_stats(Reinforce(), policy, problem, 50, 40)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # matplotlib warns "Glyph ... missing from font(s)"
        fig, axes = plt.subplots(1, 3, figsize=(14, 4))
        viz.plot_variance(rows, ax=axes[0], title="ความแปรปรวน (variance) ของ gradient τ θ")
        viz.plot_estimates(stats, 1, ax=axes[1], title="รางวัล นโยบาย ที่ ปั้น ฟื้น ญาติ")
        viz.plot_token_heatmap(torch.tensor([[0, 1, 2]]), torch.tensor([[0.1, 0.5, 0.9]]), ax=axes[2],
                               vocab=["แมว", "กิน", "ปลา"], title="Q ของแต่ละ token")
        out = tmp_path / "thai.png"
        fig.savefig(out)
        plt.close(fig)
    assert out.stat().st_size > 10_000
    assert matplotlib.rcParams["figure.facecolor"] == "white"


def test_sample_table():
    table = viz.sample_table([[0, 1], [1, 0]], vocab=["ก", "ข"], scores=[0.5, 0.25], sep="")
    assert "| 1 | กข | 0.500 |" in table


def test_plot_curves_draws_one_labelled_line_per_key():
    """viz.plot_curves (chapter 3's learning curves): each key's numbers, in order, under its label."""
    history = {"J": [0.1, 0.4, 0.9], "loss": [3.0, 2.0, 1.5]}
    fig, ax = plt.subplots()
    assert viz.plot_curves(history, ["J", "loss"], ax=ax, xlabel="update", title="t",
                           labels=["objective", "ความสูญเสีย"]) is ax
    lines = ax.get_lines()
    assert [list(line.get_ydata()) for line in lines] == [history["J"], history["loss"]]
    assert [list(line.get_xdata()) for line in lines] == [[0, 1, 2], [0, 1, 2]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["objective", "ความสูญเสีย"]
    assert ax.get_xlabel() == "update" and ax.get_title() == "t"
    plt.close(fig)
