"""Chapter 7 (the discriminator as reward): the derivations against exact answers, the exercise
checks, the reward widget, and the chapter's prose.

The prose's numbers are written by the cells that compute them (`gan4nlp.prose.say`). The tests run
the committed notebook's code cells, check that those cells are hidden code that ran, that the
Markdown they display holds the values recomputed here from the run's own data, and that every claim
the text makes in words (accuracy rises, rewards pile up near 0, ...) holds with a margin: no test sits
on a rounding boundary, so another CPU's kernels cannot flip it. No timing assertions:
`benchmarks/widgets_discriminator.py` times the widget.
"""
import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from gan4nlp import Reinforce, TabularPolicy, exact_gradient, gradient_stats, toy  # noqa: E402
from gan4nlp.discriminator import Discriminator  # noqa: E402
from gan4nlp.exercises import ch07  # noqa: E402
from gan4nlp.widgets import discriminator as dwidget  # noqa: E402
from gan4nlp.widgets import render_png  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "07_discriminator_as_reward.ipynb"
V, T = 3, 3


pytestmark = pytest.mark.usefixtures("one_thread")     # tiny models; fixture in conftest.py


@pytest.fixture(scope="module")
def tiny():
    """The notebook's tiny problem: p_data, p_G as tabular policies over the 27 sequences."""
    seqs = toy.all_sequences(V, T)
    data_policy = TabularPolicy(V, T, init_std=1.5, seed=1, dtype=torch.float64)
    gen_policy = TabularPolicy(V, T, init_std=0.5, seed=0, dtype=torch.float64)
    with torch.no_grad():
        p_data = data_policy.log_prob(seqs).sum(-1).exp()
        p_gen = gen_policy.log_prob(seqs).sum(-1).exp()
    return seqs, data_policy, gen_policy, p_data, p_gen


# ------------------------------------------------------------------------------------------------
# Derivation 1: the optimal discriminator and the value of the game

def test_minimising_the_exact_loss_gives_the_optimal_discriminator(tiny):
    seqs, _, _, p_data, p_gen = tiny

    def loss(logits):
        return -(p_data * F.logsigmoid(logits)).sum() - (p_gen * F.logsigmoid(-logits)).sum()

    logits = torch.zeros(len(seqs), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([logits], lr=0.1)
    for _ in range(1000):
        opt.zero_grad()
        loss(logits).backward()
        opt.step()
    d_star = p_data / (p_data + p_gen)
    assert (torch.sigmoid(logits).detach() - d_star).abs().max() < 1e-12
    mix = (p_data + p_gen) / 2
    jsd = 0.5 * (p_data * (p_data / mix).log()).sum() + 0.5 * (p_gen * (p_gen / mix).log()).sum()
    assert abs(loss(logits).item() - (2 * math.log(2) - 2 * jsd.item())) < 1e-10
    assert (torch.logit(d_star) - (p_data / p_gen).log()).abs().max() < 1e-12
    # the notebook prints 1.1117879518 for both (a tolerance, not a rounded string: any CPU)
    assert abs(loss(logits).item() - 1.1117879518) < 1e-9

    # p_G = p_data: minimising the same loss from a random start finds D* = 1/2 everywhere and the
    # value 2 ln 2 (JSD = 0)
    def same_loss(z):
        return -(p_data * F.logsigmoid(z)).sum() - (p_data * F.logsigmoid(-z)).sum()

    z = torch.randn(len(seqs), dtype=torch.float64, generator=torch.Generator().manual_seed(0)).requires_grad_()
    opt = torch.optim.LBFGS([z], lr=1.0, max_iter=500, tolerance_grad=1e-14, tolerance_change=0,
                            line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        out = same_loss(z)
        out.backward()
        return out

    opt.step(closure)
    assert (torch.sigmoid(z).detach() - 0.5).abs().max() < 1e-4
    assert abs(same_loss(z).item() - 2 * math.log(2)) < 1e-9


def test_unequal_class_sizes_move_the_optimum(tiny):
    """N real and M generated examples: the minimiser is N p_data / (N p_data + M p_G)."""
    _, _, _, p_data, p_gen = tiny
    n, m = 1.0, 3.0
    logits = torch.zeros(27, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([logits], lr=0.1)
    for _ in range(1500):
        opt.zero_grad()
        (-(n * p_data * F.logsigmoid(logits)).sum() - (m * p_gen * F.logsigmoid(-logits)).sum()).backward()
        opt.step()
    expected = n * p_data / (n * p_data + m * p_gen)
    assert (torch.sigmoid(logits).detach() - expected).abs().max() < 1e-6


# ------------------------------------------------------------------------------------------------
# Derivation 2: the generator's gradient with D fixed, and saturation

def test_reinforce_is_unbiased_for_the_fixed_discriminator_reward(tiny):
    _, _, gen_policy, p_data, p_gen = tiny
    judge = toy.ToyProblem.terminal(V, T, p_data / (p_data + p_gen))
    exact = exact_gradient(gen_policy, judge)
    # the derivation's third line, summed explicitly: sum_Y G(Y) D(Y) grad ln G(Y)
    seqs = toy.all_sequences(V, T)
    log_g = gen_policy.log_prob(seqs).sum(-1)
    d = p_data / (p_data + p_gen)
    by_hand = torch.autograd.grad((log_g.exp().detach() * d * log_g).sum(), [gen_policy.logits])[0].reshape(-1)
    torch.testing.assert_close(by_hand, exact, atol=1e-12, rtol=0)
    assert abs(exact.norm().item() - 0.0770) <= 0.00005 + 1e-9      # the chapter's 0.0770 (float64, exact)
    p_values = []
    for seed in range(6):   # Hotelling's test of the mean of 100 estimates against the exact gradient
        stats = gradient_stats(Reinforce(), gen_policy, judge, num_samples=1000, repeats=100, seed=seed, exact=exact)
        d2, k = stats.bias_chi2()
        p_values.append(toy.hotelling_p_value(d2, k, stats.repeats))
        assert stats.relative_bias < 0.1
    # unbiased: p-values spread over [0, 1]; the chance that all six fall below 0.01 is 1e-12
    assert max(p_values) > 0.01 and sum(p > 0.05 for p in p_values) >= 3


def test_saturating_rewards_lose_their_gradient_and_log_d_keeps_it(tiny):
    _, _, gen_policy, p_data, p_gen = tiny
    ell = torch.logit(p_data / (p_data + p_gen))

    def norm(table):
        return exact_gradient(gen_policy, toy.ToyProblem.terminal(V, T, table)).norm().item()

    d = {c: norm(torch.sigmoid(ell - c)) for c in (0, 2, 4, 8, 16)}
    nl = {c: norm(-F.logsigmoid(-(ell - c))) for c in (0, 2, 4, 8, 16)}
    ld = {c: norm(F.logsigmoid(ell - c)) for c in (0, 2, 4, 8, 16)}
    # the chapter's figures 0.020, 4.92e-08 and 0.487, within half a unit of their last digit
    assert abs(d[8] / d[4] - 0.020) <= 0.0005 and abs(d[8] / d[4] - math.exp(-4)) < 0.003
    assert abs(d[16] - 4.92e-08) <= 0.005e-08
    assert abs(nl[16] - d[16]) < 1e-12 and nl[0] > d[0]                 # -log(1-D) ~ D near 0
    assert all(d[a] > d[b] for a, b in ((0, 2), (2, 4), (4, 8), (8, 16)))
    assert ld[16] > ld[0] and abs(ld[16] - 0.487) <= 0.0005
    limit = exact_gradient(gen_policy, toy.ToyProblem.terminal(V, T, ell))
    log_d_16 = exact_gradient(gen_policy, toy.ToyProblem.terminal(V, T, F.logsigmoid(ell - 16)))
    assert (log_d_16 - limit).abs().max() < 1e-6


def test_the_bound_holds(tiny):
    """grad J = E[D grad ln G] (the library's exact gradient against the sum over all 27 sequences,
    written out here), and |grad J| <= sqrt(E[D^2]) sqrt(E |grad ln G|^2) for every shift c."""
    seqs, _, gen_policy, p_data, p_gen = tiny
    ell = torch.logit(p_data / (p_data + p_gen))
    log_g = gen_policy.log_prob(seqs).sum(-1)
    scores = torch.stack([torch.autograd.grad(log_g[i], [gen_policy.logits], retain_graph=True)[0].reshape(-1)
                          for i in range(len(seqs))])                     # (27, P)
    g = log_g.exp().detach()
    for c in (0.0, 3.0, 10.0):
        d = torch.sigmoid(ell - c)
        by_hand = (g * d).unsqueeze(1).mul(scores).sum(0)                 # sum_Y G(Y) D(Y) grad ln G(Y)
        grad = exact_gradient(gen_policy, toy.ToyProblem.terminal(V, T, d))
        torch.testing.assert_close(grad, by_hand, rtol=1e-10, atol=1e-14)
        bound = (g * d ** 2).sum().sqrt() * (g * scores.pow(2).sum(1)).sum().sqrt()
        assert grad.norm() <= bound + 1e-12
        assert grad.norm() < 0.99 * bound        # strict: D is not proportional to the score's norm


def test_papers_cnn_refuses_prefixes_and_counts_seven_million_parameters():
    paper = Discriminator()
    assert sum(p.numel() for p in paper.parameters()) == 7_045_402
    highway = paper.highway_weight.numel() + paper.highway_bias.numel()
    assert round(100 * highway / 7_045_402) == 84
    with pytest.raises(ValueError, match="shorter than the widest filter"):
        paper.reward(torch.zeros(1, 12, dtype=torch.long))


# ------------------------------------------------------------------------------------------------
# Exercises

def test_exercise_checks_accept_the_right_answers(tiny, capsys):
    seqs, data_policy, gen_policy, p_data, p_gen = tiny
    k = toy.prefix_index(torch.tensor([(0, 1, 2)]), V).item()
    assert k == 5
    d_star = (p_data[k] / (p_data[k] + p_gen[k])).item()
    assert abs(d_star - 0.750457) <= 0.0000005 + 1e-12             # the chapter's 0.750457 (exact)
    assert ch07.check_optimal_discriminator(d_star, data_policy, gen_policy, (0, 1, 2))
    assert ch07.check_optimal_discriminator(torch.tensor([d_star]), data_policy, gen_policy, (0, 1, 2), lang="th")
    assert not ch07.check_optimal_discriminator(0.5, data_policy, gen_policy, (0, 1, 2))
    assert not ch07.check_optimal_discriminator("half", data_policy, gen_policy, (0, 1, 2))
    out = capsys.readouterr().out
    assert "Correct" in out and "ถูกต้อง" in out and "Not yet" in out and "expected one number" in out

    accuracy = (torch.maximum(p_data, p_gen).sum() / 2).item()
    assert abs(accuracy - 0.70) <= 0.005 + 1e-12                   # the chapter's 0.70 (exact)
    d_star_all = ch07.optimal_discriminator(data_policy, gen_policy)
    by_threshold = 0.5 * (p_data * (d_star_all > 0.5)).sum() + 0.5 * (p_gen * (d_star_all <= 0.5)).sum()
    assert abs(by_threshold.item() - accuracy) < 1e-12
    assert ch07.check_optimal_accuracy(accuracy, data_policy, gen_policy)
    assert not ch07.check_optimal_accuracy(1.0, data_policy, gen_policy, lang="th")


def test_empirical_discriminator_is_the_count_ratio(tiny, capsys):
    _, data_policy, gen_policy, _, _ = tiny
    real = torch.tensor([[0, 0, 0], [0, 0, 0], [1, 2, 0]])
    fake = torch.tensor([[0, 0, 0], [2, 2, 2], [2, 2, 2], [1, 2, 0]])
    d_hat = ch07.empirical_discriminator(real, fake, 3)
    assert d_hat[0].item() == pytest.approx(2 / 3)
    assert d_hat[toy.prefix_index(torch.tensor([[1, 2, 0]]), 3)].item() == 0.5
    assert d_hat[26].item() == 0.0 and math.isnan(d_hat[1].item())
    assert ch07.empirical_zeros(real, fake, 3) == 2                      # (2, 2, 2) twice
    # the notebook's exercise 3
    rng = torch.Generator().manual_seed(7)
    real_few = data_policy.sample(30, generator=rng).tokens
    fake_few = gen_policy.sample(30, generator=rng).tokens
    seen = set(map(tuple, real_few.tolist()))
    answer = sum(tuple(row) not in seen for row in fake_few.tolist())
    assert answer == ch07.empirical_zeros(real_few, fake_few, 3) == 16
    assert ch07.check_empirical_zeros(answer, real_few, fake_few, 3, lang="th")
    assert not ch07.check_empirical_zeros(answer + 1, real_few, fake_few, 3)
    out = capsys.readouterr().out
    assert "ประโยคที่สร้าง 16 จาก 30" in out and "Not yet" in out


def test_exercise_checks_reject_bad_input(tiny):
    _, data_policy, gen_policy, _, _ = tiny
    with pytest.raises(ValueError, match="sequence must be"):
        ch07.check_optimal_discriminator(0.5, data_policy, gen_policy, (0, 1))
    with pytest.raises(ValueError, match="sequence must be"):
        ch07.check_optimal_discriminator(0.5, data_policy, gen_policy, (0, 1, 3))
    with pytest.raises(ValueError, match="share vocabulary"):
        ch07.optimal_accuracy(data_policy, TabularPolicy(3, 2))
    with pytest.raises(ValueError, match="TabularPolicy"):
        ch07.optimal_accuracy(data_policy, "not a policy")
    with pytest.raises(ValueError, match="lang"):
        ch07.check_optimal_accuracy(0.7, data_policy, gen_policy, lang="fr")
    with pytest.raises(ValueError, match="length"):
        ch07.empirical_discriminator(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 2, dtype=torch.long), 3)
    with pytest.raises(ValueError, match="tensors"):
        ch07.empirical_zeros([[0, 0, 0]], torch.zeros(2, 3, dtype=torch.long), 3)


# ------------------------------------------------------------------------------------------------
# The widget

@pytest.fixture(scope="module")
def small_history():
    torch.manual_seed(0)
    disc = Discriminator(vocab_size=12, seq_len=6, embed_dim=8, filter_sizes=(1, 2, 3), num_filters=(4, 4, 4), lr=1e-2)
    g = torch.Generator().manual_seed(0)
    real = torch.randint(0, 6, (64, 6), generator=g)           # "real": the first half of the vocabulary
    fake = torch.randint(0, 12, (64, 6), generator=g)
    calls = []

    def measure(d):
        calls.append(1)
        return {"D": float(d.reward(fake[:8]).mean()), "log D - b": 1.0 + len(calls)}

    history = dwidget.record_training(disc, disc.make_optimizer(), real, fake, real[:20], fake[:20], epochs=4,
                                      measure=measure, generator=g)
    return history, len(calls)


def test_record_training_keeps_every_epoch(small_history):
    history, calls = small_history
    assert calls == 5 and history["epoch"] == [0, 1, 2, 3, 4]
    assert history["real_rewards"].shape == (5, 20) and history["fake_rewards"].shape == (5, 20)
    assert math.isnan(history["train_loss"][0]) and not math.isnan(history["train_loss"][4])
    assert set(history["measures"]) == {"D", "log D - b"} and len(history["measures"]["D"]) == 5
    for e in range(5):
        r, f = history["real_rewards"][e], history["fake_rewards"][e]
        expected = ((r > 0.5).sum() + (f < 0.5).sum()).item() / 40
        assert history["heldout_accuracy"][e] == pytest.approx(expected)
    assert history["heldout_accuracy"][4] > history["heldout_accuracy"][0]


def test_record_training_rejects_bad_input():
    disc = Discriminator(vocab_size=12, seq_len=6, embed_dim=8, filter_sizes=(1, 2), num_filters=(4, 4))
    x = torch.zeros(4, 6, dtype=torch.long)
    opt = disc.make_optimizer()
    with pytest.raises(ValueError, match="epochs"):
        dwidget.record_training(disc, opt, x, x, x, x, epochs=0)
    with pytest.raises(ValueError, match="heldout_fake"):
        dwidget.record_training(disc, opt, x, x, x, x + 20, epochs=1)
    with pytest.raises(ValueError, match="measure"):
        dwidget.record_training(disc, opt, x, x, x, x, epochs=1, measure=3)
    with pytest.raises(ValueError, match="dict"):
        dwidget.record_training(disc, opt, x, x, x, x, epochs=1, measure=lambda d: 1.0)


def test_reward_histograms_draw_in_both_languages(small_history):
    history, _ = small_history
    fig = dwidget.draw_reward_histograms(history, epoch=2)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert fig.axes[0].get_title().startswith("epoch 2: held-out accuracy")
    assert fig.axes[0].get_xlabel().startswith("reward D(Y)")
    assert [t.get_text() for t in fig.axes[2].get_legend().get_texts()] == ["D", "log D - b"]
    fig = dwidget.draw_reward_histograms(history, epoch=4, scale="log D", lang="th", fig=fig)
    assert fig.axes[0].get_xlabel() == "log D(Y)"
    thai = [fig.axes[0].get_title(), fig.axes[0].get_ylabel(), fig.axes[1].get_title(), fig.axes[2].get_title()]
    assert all(any("\u0e00" <= ch <= "\u0e7f" for ch in s) for s in thai)
    no_measures = {**history, "measures": {}}
    assert len(dwidget.draw_reward_histograms(no_measures, epoch=0).axes) == 2
    with pytest.raises(ValueError, match="epoch"):
        dwidget.draw_reward_histograms(history, epoch=5)
    with pytest.raises(ValueError, match="scale"):
        dwidget.draw_reward_histograms(history, scale="logit")
    with pytest.raises(ValueError, match="history"):
        dwidget.draw_reward_histograms({"epoch": [0]})
    with pytest.raises(ValueError, match="lang"):
        dwidget.draw_reward_histograms(history, lang="fr")


def test_reward_explorer_builds_and_updates(small_history):
    history, _ = small_history
    explorer = dwidget.reward_explorer(history, epoch=3, lang="th")
    assert set(explorer.controls) == {"epoch", "scale"}
    assert explorer.controls["epoch"].max == 4 and explorer.controls["epoch"].value == 3
    assert all(any("\u0e00" <= ch <= "\u0e7f" for ch in c.description) for c in explorer.controls.values())
    fig = explorer.update(epoch=1, scale="log D")
    assert isinstance(fig, Figure) and explorer.redraws == 1
    assert render_png(fig)[:4] == b"\x89PNG"
    labels = dwidget.control_labels(dwidget.draw_reward_histograms)
    assert labels == {"epoch": "discriminator training epochs", "scale": "horizontal axis"}


# ------------------------------------------------------------------------------------------------
# The prose: its numbers are rendered by the cells that compute them (gan4nlp.prose.say)

SKIPPED = ("google.colab", "reward_explorer(")            # the Colab install and the interactive widget


@pytest.fixture(scope="module", params=["en", "th"])
def chapter(request):
    """Runs every code cell of the committed notebook (but the Colab install and the widget) in one
    namespace, with `gan4nlp.prose.say` recording the Markdown it would display. Returns the language,
    the namespace, the recorded Markdown (one entry per call) and the notebook's cells."""
    import gan4nlp.prose

    lang = request.param
    cells = json.loads((ROOT / "notebooks" / lang / NOTEBOOK).read_text(encoding="utf-8"))["cells"]
    said, namespace = [], {}
    torch.set_num_threads(1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(gan4nlp.prose, "say", lambda *paragraphs: said.append("\n\n".join(p.strip() for p in paragraphs)))
        for cell in cells:
            src = "".join(cell["source"])
            if cell["cell_type"] == "code" and not any(marker in src for marker in SKIPPED):
                exec(compile(src, f"{lang}/{NOTEBOOK}", "exec"), namespace)
    import matplotlib.pyplot as plt
    plt.close("all")
    return lang, namespace, said, cells


def test_prose_cells_are_hidden_code_and_all_of_them_ran(chapter):
    _, _, said, cells = chapter
    say_cells = [c for c in cells if c["cell_type"] == "code" and "say(" in "".join(c["source"])]
    assert len(say_cells) >= 10
    assert all("remove-input" in c["metadata"].get("tags", []) for c in say_cells)
    assert len(said) == len(say_cells)                    # one Markdown output per prose cell, none failed


def test_prose_shows_the_numbers_the_run_computed(chapter):
    """Each number is recomputed here from the run's own data (not from the f-strings) and must be
    in the displayed Markdown, formatted as the text formats it."""
    stats_f = pytest.importorskip("scipy.stats")
    lang, ns, said, _ = chapter
    text = "\n".join(said)
    history = ns["history"]
    acc, fake = history["heldout_accuracy"], history["fake_rewards"]
    expected = [f"{acc[0]:.0%}", f"{acc[3]:.0%}", f"{acc[10]:.0%}", f"{history['train_accuracy'][12]:.1%}",
                f"{fake[0].mean().item():.2f}", f"{fake[12].mean().item():.2f}",
                f"{fake[12].median().item():.4f}"]
    d = fake.double()
    ess = (d.sum(1) ** 2 / (d ** 2).sum(1) / d.shape[1]).tolist()           # effective sample size / N per epoch
    expected += [f"{ess[0]:.0%}", f"{ess[12]:.1%}"]
    norms = history["measures"]["D"]
    peak = norms.index(max(norms))
    expected += [f"{norms[12] / norms[peak]:.0%}", f"after {peak} epochs" if lang == "en" else f"หลังฝึก {peak} epoch"]
    disc, heldout = ns["disc"], ns["heldout_real"]
    for k in (2, 4):
        longer = heldout[:, k] != 0
        cut = heldout[longer].clone()
        cut[:, k:] = 0
        expected.append(f"{disc.reward(cut).mean().item():.2f}")
    expected.append(f"{disc.reward(heldout).mean().item():.2f}")
    final, cue = fake[-1], ns["cue"]
    expected += [f"{final[cue].mean().item():.4f}", f"{int(cue.sum())}"]
    stats = ns["stats"]                                                        # REINFORCE on the tiny problem
    d2, k = stats.bias_chi2()
    r = stats.repeats
    expected += [f"{d2:.1f}", f"k={k}", f"{stats_f.f.sf((r - k) / (k * (r - 1)) * d2, k, r - k):.2f}"]
    paper = Discriminator()
    expected.append(f"{sum(p.numel() for p in paper.parameters()) / 1e6:.1f}")
    missing = [number for number in expected if number not in text]
    assert not missing, f"{lang}: computed values missing from the prose: {missing}"


def test_qualitative_claims_hold_with_margins(chapter):
    """What the text says in words, checked with margins far from any rounding boundary."""
    lang, ns, _, _ = chapter
    history = ns["history"]
    acc, fake = history["heldout_accuracy"], history["fake_rewards"]
    assert abs(acc[0] - 0.5) < 0.05                                   # "from chance"
    assert acc[3] > acc[0] + 0.2 and acc[10] > acc[3]                 # "climbs"
    assert history["train_accuracy"][12] > 0.98                       # "starting to memorise"
    assert len(ns["real"]) == len(ns["fake"])                         # "equal numbers" of both classes
    assert fake[12].mean() < fake[0].mean() / 3                       # the mean reward "falls"
    start = torch.cat([history["real_rewards"][0], fake[0]])
    assert start.std() < 0.15                                         # "about the same reward" before training
    assert fake[12].median() < 0.01                                   # "a pile near 0"
    assert fake[3].std() > 3 * fake[0].std()                          # after three epochs "a wide spread"
    assert history["real_rewards"][10].median() > 0.9 and fake[10].median() < 0.1   # after ten: near 1 and near 0
    final, cue = fake[-1], ns["cue"]
    assert final[cue].mean() < 0.25 * final[~cue].mean()              # the <eos> cue is "a giveaway"
    assert all(ns["after_eos"][i].any() for i in ns["ranked"][-4:])   # the bottom rows go on after <eos>
    if lang == "en":                                                  # "most favourites begin with a determiner"
        determiners = {"the", "a", "an", "some", "these", "this", "that", "those", "every", "two", "three"}
        starts = [ns["vocab"].tokens[int(ns["heldout_fake"][i][0])] for i in ns["ranked"][:5]]
        assert sum(w in determiners for w in starts) >= 3
    assert max(ns["prefix_d"].values()) < ns["whole_d"] - 0.1         # prefixes are judged as finished sentences
    assert ns["z"].abs().max() < 4 and ns["p_value"] > 0.01           # "no reason to doubt" unbiasedness
    norms, log_norms = history["measures"]["D"], history["measures"]["log D - b"]
    peak = norms.index(max(norms))
    assert 1 <= peak <= 4 and norms[12] < 0.5 * norms[peak]           # largest early, then "down to a fraction"
    assert log_norms[12] > 2 * log_norms[1] and all(log_norms[e] > log_norms[1] for e in range(2, 13))
    ess = ns["ess"]
    assert ess[0] > 0.9 and ess[12] < 0.25 and ess[12] < ess[peak] / 3   # the spread of the rewards collapses
    table = ns["norm_table"]
    assert abs(table[8][0] / table[4][0] / math.exp(-4) - 1) < 0.2 and table[16][0] < 1e-6   # like e^{-c}
    assert table[16][2] > table[0][2]                                 # log D keeps its gradient
