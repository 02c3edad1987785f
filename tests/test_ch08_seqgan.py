"""Chapter 8 (SeqGAN end to end): the gradient the chapter derives, its rollout estimator, the
exercises, the grid script, the widget, and the facts the chapter reads from the recorded runs.
No timing assertions here: `benchmarks/widgets_seqgan.py` measures the widget's redraw time."""
import copy
import importlib.util
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from gan4nlp import Generator, Reinforce, gradient_stats, rollout, toy  # noqa: E402
from gan4nlp.exercises import ch08  # noqa: E402
from gan4nlp.seqgan import SeqGANConfig  # noqa: E402
from gan4nlp.widgets import Explorer, render_png  # noqa: E402
from gan4nlp.widgets import seqgan as seqgan_widgets  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
V, T = 4, 4


def reward_fn(tokens):
    """The chapter's stand-in discriminator: fraction of the T-1 steps that count up by one (mod V)."""
    return ((tokens[:, 1:] - tokens[:, :-1]) % V == 1).float().mean(-1)


@dataclass
class SeqGANGradient(Reinforce):
    """The chapter's estimator: REINFORCE with Q-hat from K rollouts in place of the return."""

    rollout_num: int = 4
    reward_fn: Callable = reward_fn
    rollout_policy: object = None

    def prepare(self, policy, problem, num_samples, groups=1, *, generator=None):
        beta = policy if self.rollout_policy is None else self.rollout_policy
        with torch.no_grad():
            tokens = policy.sample(groups * num_samples, problem.length, generator=generator).tokens
            q = rollout.rollout_rewards(beta, tokens, self.reward_fn, self.rollout_num, generator=generator)
        return tokens.reshape(groups, num_samples, -1), q.reshape(groups, num_samples, -1)


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny tensors: one thread is fastest (and far faster on a busy machine) than conftest's two."""
    torch.set_num_threads(1)
    yield


@pytest.fixture
def toy_setup():
    torch.manual_seed(0)
    gen = Generator(V, embed_dim=8, hidden_dim=8)
    judge = toy.ToyProblem.terminal(V, T, reward_fn(toy.all_sequences(V, T)).double())
    return gen, judge


def eq6_gradient(policy, problem, q_policy=None):
    """sum_t sum_{prefix} G(prefix) sum_a grad G(a | prefix) Q(prefix, a), Q of `q_policy` (default: policy)."""
    eta = toy.state_visits(policy, problem)
    q = toy.action_values(policy if q_policy is None else q_policy, problem)
    total = sum((eta[t].unsqueeze(1) * q[t].float() * toy.action_probs(policy, problem, t)).sum()
                for t in range(problem.length))
    return torch.cat([g.reshape(-1) for g in torch.autograd.grad(total, list(policy.parameters()))])


# ------------------------------------------------------------------------------------------------
# The derivation and the estimator

def test_eq6_equals_the_exact_gradient(toy_setup):
    gen, judge = toy_setup
    exact = toy.exact_gradient(gen, judge)
    assert torch.allclose(eq6_gradient(gen, judge), exact, atol=1e-6)
    assert torch.allclose(eq6_gradient(gen, judge), T * toy.policy_gradient_theorem(gen, judge), atol=1e-7)


@pytest.mark.parametrize("rollout_num", [1, 4])
def test_rollout_estimator_is_unbiased(toy_setup, rollout_num):
    gen, judge = toy_setup
    exact = toy.exact_gradient(gen, judge)
    stats = gradient_stats(SeqGANGradient(rollout_num=rollout_num), gen, judge, num_samples=8, repeats=600,
                           seed=3, exact=exact)
    scale = stats.estimates @ exact / (exact @ exact)                  # (R,): 1 on average if unbiased
    se = scale.std().item() / math.sqrt(stats.repeats)
    assert abs(scale.mean().item() - 1.0) < 4 * se
    assert stats.cosine > 0.1


def test_delayed_rollout_copy_biases_the_mean(toy_setup):
    gen, judge = toy_setup
    student = copy.deepcopy(gen)
    lagging = rollout.RolloutPolicy(student, rate=0.8)
    opt = torch.optim.SGD(student.parameters(), lr=20.0)
    for _ in range(10):
        opt.zero_grad()
        (-toy.exact_objective(student, judge)).backward()
        opt.step()
        lagging.update()
    truth = toy.exact_gradient(student, judge)
    live = eq6_gradient(student, judge, student)
    delayed = eq6_gradient(student, judge, lagging.policy)
    assert torch.allclose(live, truth, atol=1e-6)
    relative = ((delayed - truth).norm() / truth.norm()).item()
    assert 0.01 < relative < 0.5
    assert torch.nn.functional.cosine_similarity(delayed, truth, dim=0).item() > 0.9


# ------------------------------------------------------------------------------------------------
# Exercises

def test_discriminator_workload():
    assert ch08.discriminator_workload(SeqGANConfig.preset("paper")) == 5 * 3 * (10_000 + 10_000)
    assert ch08.discriminator_workload(SeqGANConfig.preset("cpu")) == 1 * 1 * (5_000 + 5_000)   # balanced rounds
    assert ch08.check_discriminator_workload(300_000, lang="en")
    assert not ch08.check_discriminator_workload(150_000, lang="th")
    assert not ch08.check_discriminator_workload("many", lang="en")
    with pytest.raises(ValueError, match="preset"):
        ch08.check_discriminator_workload(1, preset="huge")
    with pytest.raises(ValueError, match="lang"):
        ch08.check_discriminator_workload(300_000, lang="fr")


def test_bias_gradient_exercise(toy_setup, capsys):
    gen, judge = toy_setup
    seqs = toy.all_sequences(V, T)
    q = toy.action_values(gen, judge)
    p = gen.log_prob(seqs).sum(-1).exp().detach()
    q_taken = torch.stack([q[t][toy.prefix_index(seqs[:, :t], V), seqs[:, t]] for t in range(T)], 1).float()
    exact = toy.exact_gradient(gen, judge)
    bias_slice = slice(exact.numel() - V, exact.numel())              # out.bias is the last parameter
    assert list(gen.parameters())[-1] is gen.out.bias
    for a in range(V):
        g_of_a = torch.softmax(gen(seqs), -1)[..., a].detach()
        answer = (p[:, None] * q_taken * ((seqs == a).float() - g_of_a)).sum().item()
        assert ch08.exact_bias_gradient(gen, judge, a) == pytest.approx(exact[bias_slice][a].item(), abs=1e-7)
        assert ch08.check_bias_gradient(answer, gen, judge, token=a, lang="th")
        forgot = (p[:, None] * q_taken * (seqs == a).float()).sum().item()   # without - G(a | .)
        assert not ch08.check_bias_gradient(forgot, gen, judge, token=a)
    assert "ถูกต้อง" in capsys.readouterr().out
    with pytest.raises(ValueError, match="token"):
        ch08.exact_bias_gradient(gen, judge, V)


# ------------------------------------------------------------------------------------------------
# The grid script and the widget

def _load_grid_script():
    spec = importlib.util.spec_from_file_location("seqgan_grid", ROOT / "benchmarks" / "seqgan_grid.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_grid_script_writes_compact_histories(tmp_path):
    out = tmp_path / "grid.json"
    _load_grid_script().main(["--rollout-nums", "1", "2", "--d-steps", "1", "--seeds", "0",
                              "--adv-iterations", "2", "--eval-every", "1", "--out", str(out)])
    grid = seqgan_widgets.load_grid(out)
    assert grid["rollout_nums"] == [1, 2] and grid["d_steps"] == [1] and len(grid["runs"]) == 2
    for run in grid["runs"]:
        assert run["eval_steps"] == [1, 2]
        assert len(run["nll_oracle"]) == len(run["mle_nll_oracle"]) == 2
        assert len(run["mean_reward"]) == len(run["d_accuracy"]) == 2
        assert all(0.0 <= x <= 1.0 for x in run["mean_reward"] + run["d_accuracy"])
        assert run["final"]["seqgan"]["nll_oracle"] > 0
    # same seed: identical pre-training in every cell
    assert grid["runs"][0]["pretrained_nll_oracle"] == grid["runs"][1]["pretrained_nll_oracle"]
    assert grid["command"].startswith(".venv/bin/python benchmarks/seqgan_grid.py")


def fake_grid():
    """A small grid of made-up curves with the recorded file's structure."""
    runs = []
    for k in (1, 4):
        for d in (1, 3):
            for seed in (0, 1):
                runs.append({"rollout_num": k, "d_steps": d, "seed": seed, "seconds": 1.0,
                             "pretrained_nll_oracle": 7.0, "eval_steps": [2, 4],
                             "nll_oracle": [7.0 + 0.1 * d, 7.1 + 0.1 * d], "mle_nll_oracle": [6.9, 6.8],
                             "mean_reward": [0.5, 0.4, 0.45, 0.3 - 0.05 * d], "d_accuracy": [0.5, 0.6, 0.65, 0.7],
                             "final": {}})
    return {"rollout_nums": [1, 4], "d_steps": [1, 3], "seeds": [0, 1], "runs": runs}


def test_draw_seqgan_grid_returns_labelled_figure():
    grid = fake_grid()
    fig = seqgan_widgets.draw_seqgan_grid(grid, 4, 3)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert "K = 4" in fig._suptitle.get_text()
    nll_ax = fig.axes[0]
    labels = [t.get_text() for t in nll_ax.get_legend().get_texts()]
    assert labels == ["other settings (SeqGAN mean)", "MLE only", "SeqGAN"]
    # 3 other cells + 2 x (2 seeds + mean)
    assert len(nll_ax.lines) == 3 + 2 * 3
    fig_th = seqgan_widgets.draw_seqgan_grid(grid, 1, 1, lang="th", fig=fig)   # redraw in place
    assert fig_th is fig
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in fig._suptitle.get_text())
    assert render_png(fig).startswith(b"\x89PNG")


def test_widget_builds_and_rejects_unrecorded_values():
    grid = fake_grid()
    explorer = seqgan_widgets.seqgan_grid_explorer(grid, rollout_num=4, d_steps=1, lang="th")
    assert isinstance(explorer, Explorer)
    assert explorer.values == {"rollout_num": 4, "d_steps": 1}
    assert all(any("\u0e00" <= ch <= "\u0e7f" for ch in c.description) for c in explorer.controls.values())
    assert isinstance(explorer.update(rollout_num=1, d_steps=3), Figure)
    with pytest.raises(ValueError, match="rollout_num=16"):
        seqgan_widgets.seqgan_grid_explorer(grid, rollout_num=16, d_steps=1)
    with pytest.raises(ValueError, match="lang"):
        seqgan_widgets.seqgan_grid_explorer(grid, rollout_num=4, d_steps=1, lang="fr")
    english = seqgan_widgets.control_labels(seqgan_widgets.draw_seqgan_grid)
    assert english == {"rollout_num": "rollouts per prefix K", "d_steps": "discriminator rounds per generator step"}


def test_loading_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        seqgan_widgets.load_grid(tmp_path / "missing.json")
    (tmp_path / "other.json").write_text(json.dumps({"runs": []}))
    with pytest.raises(ValueError, match="rollout_nums"):
        seqgan_widgets.load_grid(tmp_path / "other.json")
    with pytest.raises(ValueError, match="does not exist"):
        seqgan_widgets.load_result("missing.json", results_dir=tmp_path)


# ------------------------------------------------------------------------------------------------
# What the chapter reads from the recorded runs

def test_recorded_cpu_runs_show_what_the_chapter_says():
    runs = [seqgan_widgets.load_result(f"seqgan-cpu-0.8-seed{s}-history.json") for s in (0, 1, 2)]
    for h in runs:
        final = h["final"]
        assert final["seqgan"]["nll_oracle"] > final["mle"]["nll_oracle"] + 0.4     # SeqGAN ends worse
        assert final["seqgan"]["entropy"] < final["mle"]["entropy"] - 0.8          # and less varied
        evaluated = [r["nll_oracle"] for r in h["adversarial"] if "nll_oracle" in r]
        assert evaluated[-1] > evaluated[0] and 9.3 < evaluated[-1] < 9.5           # rises to 9.36-9.47
        assert h["adversarial"][-1]["d_accuracy"] > 0.99                            # the discriminator won
        assert max(r["mean_reward"] for r in h["adversarial"][-5:]) < 0.1            # the reward vanished
        assert len(h["samples"]) == 6 and all(len(s["tokens"]) == 4 for s in h["samples"])
    gaps = [h["final"]["seqgan"]["nll_oracle"] - h["final"]["mle"]["nll_oracle"] for h in runs]
    assert sum(gaps) / 3 == pytest.approx(0.546, abs=0.002)


def test_the_recorded_grid_is_committed():
    """The chapter plots this file: missing, it is a failure (not a skip)."""
    assert (RESULTS / "seqgan-grid.json").is_file(), (
        "benchmarks/results/seqgan-grid.json is missing: record it with benchmarks/seqgan_grid.py (see RESULTS.md)")


def test_recorded_grid_is_complete():
    grid = seqgan_widgets.load_grid()
    assert grid["rollout_nums"] == [1, 4, 16] and grid["d_steps"] == [1, 3, 5] and grid["seeds"] == [0, 1, 2]
    assert len(grid["runs"]) == 27
    assert (RESULTS / "seqgan-grid.json").stat().st_size < 200_000
    for k in grid["rollout_nums"]:
        for d in grid["d_steps"]:
            assert len(seqgan_widgets.cell_runs(grid, k, d)) == 3


def test_recorded_grid_shows_what_the_chapter_says():
    grid = seqgan_widgets.load_grid()

    def mean(values):
        values = list(values)
        return sum(values) / len(values)

    last5 = {}
    for k in grid["rollout_nums"]:
        for d in grid["d_steps"]:
            runs = seqgan_widgets.cell_runs(grid, k, d)
            gap = mean(r["nll_oracle"][-1] - r["mle_nll_oracle"][-1] for r in runs)
            assert 1.0 < gap < 1.4                                                  # SeqGAN behind MLE everywhere
            assert mean(r["final"]["seqgan"]["nll_heldout"] for r in runs) < mean(
                r["final"]["mle"]["nll_heldout"] for r in runs)                       # MLE overfits its 1,000 sentences
            last5[k, d] = (mean(mean(r["mean_reward"][-5:]) for r in runs),
                           mean(mean(r["d_accuracy"][-5:]) for r in runs))
    for k in grid["rollout_nums"]:
        (r1, a1), (r3, a3), (r5, a5) = (last5[k, d] for d in (1, 3, 5))
        assert r1 > r3 > r5 and a1 < a3 < a5                                      # the ratio moves the game
        assert 0.7 < a1 < 0.8 and 0.9 < a5 < 0.96
    best_at = [r["eval_steps"][r["nll_oracle"].index(min(r["nll_oracle"]))] for r in grid["runs"]]
    assert sum(step <= 12 for step in best_at) == 26
