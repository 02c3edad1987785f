"""Chapter 11's widget (gan4nlp.widgets.quality) and exercises (gan4nlp.exercises.ch11): the sweep
holds what the evaluation functions give, the figures draw (Thai without missing glyphs), the
slider redraws in place, recorded results are averaged exactly, and the exercise checks accept
right answers and reject wrong ones. No timing assertions: benchmarks/widgets_quality.py times
the widget."""
import io
import warnings

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from gan4nlp import evaluation  # noqa: E402
from gan4nlp.exercises import ch11  # noqa: E402
from gan4nlp.grammar import corpus  # noqa: E402
from gan4nlp.policy import Generator  # noqa: E402
from gan4nlp.toy import TabularPolicy, all_sequences  # noqa: E402
from gan4nlp.widgets import quality, render_png  # noqa: E402
from _text import has_thai  # noqa: E402

TEMPS = (0.5, 1.0, 2.0)


@pytest.fixture(scope="module")
def setup():
    sentences, vocab, grammar = corpus("th", 60, seed=0)
    heldout = vocab.encode(corpus("th", 40, seed=1)[0])                     # (40, 16)
    torch.manual_seed(0)
    gen = Generator(len(vocab), embed_dim=8, hidden_dim=16)
    opt = torch.optim.Adam(gen.parameters(), lr=0.05)
    data = vocab.encode(sentences)
    for _ in range(30):                                                       # a little MLE: some sentences pass
        opt.zero_grad()
        gen.mle_loss(data).backward()
        opt.step()
    sweep = quality.quality_sweep(gen, vocab, grammar, heldout, TEMPS, num_samples=40, bleu_samples=12,
                                  num_references=20, examples=3, seed=7)
    return gen, vocab, grammar, heldout, sweep


def test_sweep_rows_hold_the_evaluation_functions_values(setup):
    gen, vocab, grammar, heldout, sweep = setup
    assert [r["temperature"] for r in sweep] == list(TEMPS)
    refs = vocab.decode(heldout[:20])
    for r in sweep:
        samples = gen.generate(40, heldout.shape[1], r["temperature"], generator=torch.Generator().manual_seed(7))
        words = vocab.decode(samples)
        assert r["grammaticality"] == evaluation.grammaticality(words, grammar)
        with torch.no_grad():     # NLL per token written out: -(1/NT) sum log G_tau(y_t | Y_{1:t-1})
            entropy = -gen.log_prob(samples, r["temperature"]).double().mean().item()
            nll_heldout = -gen.log_prob(heldout, r["temperature"]).double().mean().item()
        assert r["entropy"] == pytest.approx(entropy, rel=1e-5)
        assert r["nll_heldout"] == pytest.approx(nll_heldout, rel=1e-5)
        assert r["bleu4"] == pytest.approx(evaluation.bleu(words[:12], refs))
        assert r["self_bleu4"] == pytest.approx(evaluation.self_bleu(words[:12]))
        assert [w for w, _ in r["examples"]] == words[:3]
        assert all(isinstance(ok, bool) for _, ok in r["examples"])
    assert sweep[0]["entropy"] < sweep[1]["entropy"] < sweep[2]["entropy"]


def test_sweep_bad_input(setup):
    gen, vocab, grammar, heldout, _ = setup
    with pytest.raises(ValueError, match="bleu_samples=20 exceeds num_samples"):
        quality.quality_sweep(gen, vocab, grammar, heldout, TEMPS, num_samples=10, bleu_samples=20)
    with pytest.raises(ValueError, match="temperatures is empty"):
        quality.quality_sweep(gen, vocab, grammar, heldout, [], num_samples=10, bleu_samples=5, examples=2)


@pytest.mark.parametrize("lang", ["en", "th"])
def test_draw_returns_a_figure_and_thai_renders_without_missing_glyphs(setup, lang):
    sweep = setup[4]
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # matplotlib warns "Glyph ... missing from font(s)"
        fig = quality.draw_quality_diversity(sweep, 1.0, lang=lang)
        fig.savefig(io.BytesIO(), format="png")
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    labels = [ax.get_ylabel() for ax in fig.axes] + [ax.get_title() for ax in fig.axes]   # the samples are Thai anyway
    assert any(has_thai(s) for s in labels) == (lang == "th")
    assert "τ = 1" in fig.axes[2].texts[0].get_text()


def test_the_slider_redraws_in_place(setup):
    sweep = setup[4]
    explorer = quality.quality_explorer(sweep, temperature=0.9, lang="th")
    assert set(explorer.controls) == {"temperature"}
    slider = explorer.controls["temperature"]
    assert has_thai(slider.description)
    assert slider.value == 1.0                     # the nearest temperature of the sweep
    assert explorer.redraws == 0
    first = explorer.figure
    render_png(first)                              # laid out, as the widget displays it
    slider.value = 2.0
    assert explorer.redraws == 1 and explorer.figure is first
    assert "τ = 2" in explorer.figure.axes[2].texts[0].get_text()
    with pytest.raises(ValueError, match="sweep is empty"):
        quality.quality_explorer([])


def test_points_without_a_metric_are_left_out_of_that_panel(setup):
    sweep = setup[4]
    fig = Figure()
    ax = fig.subplots()
    points = {"with BLEU": dict(sweep[1]), "no BLEU": {"grammaticality": 0.5, "entropy": 1.0}}
    quality.plot_quality_diversity(ax, sweep, quality.DIVERSITY, "bleu4", points=points)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "with BLEU" in labels and "no BLEU" not in labels


def test_recorded_curves_average_over_seeds():
    def metrics(g):
        return {"grammaticality": g, "entropy": 1 - g, "nll_heldout": 1.0, "bleu4": g / 2, "self_bleu4": 0.5}

    result = {"runs": {
        "mle-seed0": {"final": metrics(0.6), "by_temperature": {"0.5": metrics(0.8), "1.0": metrics(0.6)}},
        "mle-seed1": {"final": metrics(0.4), "by_temperature": {"0.5": metrics(0.6), "1.0": metrics(0.4)}},
        "seqgan-seed0": {"final": metrics(0.3)},
        "seqgan-seed1": {"final": metrics(0.5)},
    }}
    curves, points = quality.recorded_curves(result, {"seqgan": "SeqGAN"})
    assert list(curves) == ["mle"] and list(points) == ["SeqGAN"]
    assert [r["temperature"] for r in curves["mle"]] == [0.5, 1.0]
    assert curves["mle"][0]["grammaticality"] == pytest.approx(0.7)
    assert curves["mle"][0]["grammaticality_sd"] == pytest.approx(torch.tensor([0.8, 0.6]).std().item())
    assert points["SeqGAN"]["bleu4"] == pytest.approx(0.2)
    assert quality.metric(points["SeqGAN"], quality.DIVERSITY) == pytest.approx(0.5)
    for bad, message in (({}, "with a non-empty 'runs'"), ({"runs": {}}, "with a non-empty 'runs'"),
                         ({"runs": {"mle": {"final": {}}}}, "run names look like"),
                         ({"runs": {"mle-seed0": {"history": {}}}}, "neither 'by_temperature' sweeps nor 'final'")):
        with pytest.raises(ValueError, match=message):
            quality.recorded_curves(bad)


# ----- exercises ---------------------------------------------------------------------------------
def test_exact_nll_oracle_of_the_oracle_itself_is_its_entropy():
    oracle = TabularPolicy(3, 3, init_std=1.0, seed=0, dtype=torch.float64)
    with torch.no_grad():
        log_p = oracle.log_prob(all_sequences(3, 3)).sum(1)
    entropy = -(log_p.exp() * log_p).sum().item() / 3
    assert ch11.exact_nll_oracle(oracle, oracle, 1.0) == pytest.approx(entropy)
    with pytest.raises(ValueError, match="same vocabulary size and length"):
        ch11.exact_nll_oracle(oracle, TabularPolicy(4, 3), 1.0)


def nll_oracle_by_hand(gen, oracle, tau):
    """sum over all 27 sequences of G_tau(Y) (-log O(Y)) / T, with G_tau's steps softmax(log pi / tau)
    taken here from the temperature-1 conditionals pi(. | prefix)."""
    v, t_len = 3, 3
    total = 0.0
    with torch.no_grad():
        for seq in all_sequences(v, t_len):
            p = 1.0
            for t in range(t_len):
                options = seq.repeat(v, 1)
                options[:, t] = torch.arange(v)                            # every next token after the prefix
                log_pi = gen.log_prob(options)[:, t]                        # (V,) log pi(a | Y_{1:t-1}) at tau = 1
                p *= torch.softmax(log_pi / tau, 0)[seq[t]].item()
            total += p * -oracle.log_prob(seq.unsqueeze(0)).sum().item()
    return total / t_len


def test_check_nll_oracle(capsys):
    oracle = TabularPolicy(3, 3, init_std=1.0, seed=0, dtype=torch.float64)
    gen = TabularPolicy(3, 3, init_std=1.0, seed=1, dtype=torch.float64)
    exact = nll_oracle_by_hand(gen, oracle, 0.5)
    assert ch11.exact_nll_oracle(gen, oracle, 0.5) == pytest.approx(exact, rel=1e-12)
    samples = gen.sample(20_000, temperature=0.5, generator=torch.Generator().manual_seed(0)).tokens
    assert ch11.check_nll_oracle(evaluation.nll(oracle, samples), gen, oracle, 0.5)      # Monte Carlo passes
    assert ch11.check_nll_oracle(torch.tensor(exact), gen, oracle, 0.5, lang="th")
    assert not ch11.check_nll_oracle(exact + 0.1, gen, oracle, 0.5)
    assert not ch11.check_nll_oracle("a lot", gen, oracle, 0.5)
    out = capsys.readouterr().out
    assert "Correct" in out and "ถูกต้อง" in out and "Not yet" in out


def test_check_matched_quality(capsys):
    diversity, quality_values = [4.833, 5.100, 5.368], [8.186, 8.350, 8.502]
    exact = 8.186 + (5.033 - 4.833) / (5.100 - 4.833) * (8.350 - 8.186)
    assert ch11.interpolate(5.033, diversity, quality_values) == pytest.approx(exact)
    assert ch11.interpolate(5.100, diversity[::-1], quality_values[::-1]) == pytest.approx(8.350)   # order free
    assert ch11.check_matched_quality(exact, diversity, quality_values, 5.033)
    assert not ch11.check_matched_quality(8.35, diversity, quality_values, 5.033, lang="th")
    assert not ch11.check_matched_quality(None, diversity, quality_values, 5.033)
    with pytest.raises(ValueError, match="outside the curve's range"):
        ch11.interpolate(6.0, diversity, quality_values)
    with pytest.raises(ValueError, match="at least two points"):
        ch11.interpolate(5.0, [5.0], [1.0])
    with pytest.raises(ValueError, match="lang must be one of"):
        ch11.check_matched_quality(exact, diversity, quality_values, 5.033, lang="fr")
