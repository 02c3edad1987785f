"""Exercises of chapters 1-3: each check accepts the right answer (computed here by hand, not by
the library) and rejects a wrong one with a message that helps."""
import math

import pytest
import torch

from gan4nlp.exercises import ch01, ch02, ch03
from gan4nlp.toy import TabularPolicy, ToyProblem

pytestmark = pytest.mark.usefixtures("one_thread")     # fixture in conftest.py


# ----- chapter 1: the softmax Jacobian ---------------------------------------------------------
def test_softmax_jacobian_check(capsys):
    z = [0.5, -1.0, 2.0]
    e = [math.exp(v) for v in z]
    p = [v / sum(e) for v in e]
    right = [[p[i] * ((i == j) - p[j]) for j in range(3)] for i in range(3)]   # diag(p) - p p^T
    assert ch01.check_softmax_jacobian(right, z)
    assert "Correct" in capsys.readouterr().out
    assert ch01.check_softmax_jacobian(torch.tensor(right), z, lang="th")
    assert "ถูกต้อง" in capsys.readouterr().out
    wrong = [row[:] for row in right]
    wrong[0][2] = -wrong[0][2]                                  # one sign slip
    assert not ch01.check_softmax_jacobian(wrong, z)
    out = capsys.readouterr().out
    assert "Not yet" in out and "row 0, column 2" in out and f"{right[0][2]:.4f}" in out
    assert not ch01.check_softmax_jacobian([[1.0, 0.0], [0.0, 1.0]], z)
    assert "expected a 3 x 3 matrix" in capsys.readouterr().out
    with pytest.raises(ValueError, match="lang must be one of"):
        ch01.check_softmax_jacobian(right, z, lang="fr")


# ----- chapter 2: probabilities, temperature, states -------------------------------------------
class Uniform:
    """pi(y_t | .) = 1/V for every token: p(Y) = V^-T."""

    def __init__(self, v):
        self.v = v

    def log_prob(self, tokens):
        return torch.full(tokens.shape, -math.log(self.v))


def test_sequence_probability_check(capsys):
    assert ch02.check_sequence_probability(1 / 64, Uniform(4), [0, 3, 2])
    assert ch02.check_sequence_probability(torch.tensor(1 / 64), Uniform(4), [0, 3, 2], lang="th")
    capsys.readouterr()
    assert not ch02.check_sequence_probability(1 / 16, Uniform(4), [0, 3, 2])      # forgot one token
    out = capsys.readouterr().out
    assert "Not yet" in out and "0.015625" in out and "you gave 0.0625" in out
    assert not ch02.check_sequence_probability("small", Uniform(4), [0, 3, 2])
    assert "expected one number" in capsys.readouterr().out


def test_temperature_check(capsys):
    z, tau = [1.0, 0.0, -1.0], 0.5
    e = [math.exp(v / tau) for v in z]
    right = [v / sum(e) for v in e]
    assert ch02.check_temperature(right, z, tau)
    capsys.readouterr()
    untempered = [math.exp(v) / sum(math.exp(u) for u in z) for v in z]
    assert not ch02.check_temperature(untempered, z, tau)
    out = capsys.readouterr().out
    assert "Not yet" in out and "softmax(z / 0.5)" in out and f"{right[0]:.4f}" in out
    assert not ch02.check_temperature(right[:2], z, tau)
    assert "expected 3 probabilities" in capsys.readouterr().out


def test_num_states_check(capsys):
    assert ch02.check_num_states(1 + 3 + 9, 3, 3)                  # prefixes of length 0, 1, 2
    assert "13 states" in capsys.readouterr().out
    assert not ch02.check_num_states(27, 3, 3)                     # counted the sequences instead
    out = capsys.readouterr().out
    assert "Not yet" in out and "count the prefixes of every length 0 to 2" in out


# ----- chapter 3: action values and the theorem's constant -------------------------------------
@pytest.fixture
def two_by_two():
    """V = 2, T = 2, reward R(y1, y2) at the end; pi written out from the tabular policy's logits."""
    policy = TabularPolicy(2, 2, init_std=1.0, seed=3, dtype=torch.float64)
    table = torch.tensor([[1.0, 0.0], [0.5, 2.0]], dtype=torch.float64)     # R(y1, y2)
    problem = ToyProblem.terminal(2, 2, table)
    return policy, problem, table


def test_action_value_check(two_by_two, capsys):
    policy, problem, table = two_by_two
    seqs = torch.tensor([[a, b] for a in range(2) for b in range(2)])
    with torch.no_grad():
        p = policy.log_prob(seqs).sum(-1).exp().reshape(2, 2)                 # p(y1, y2)
    pi2 = p / p.sum(1, keepdim=True)                                           # pi(y2 | y1)
    q_first = (pi2[1] * table[1]).sum().item()                                 # q(s = [], a = 1)
    assert ch03.check_action_value(q_first, policy, problem, [], 1)
    assert ch03.check_action_value(table[0, 1].item(), policy, problem, [0], 1)   # last step: the reward
    capsys.readouterr()
    assert not ch03.check_action_value(table[1].mean().item(), policy, problem, [], 1)   # ignored pi
    out = capsys.readouterr().out
    assert "Not yet" in out and f"{q_first:.6f}" in out
    assert not ch03.check_action_value(0.0, policy, problem, [0, 1], 0)        # no state of length T
    assert "Not yet" in capsys.readouterr().out


def test_proportionality_constant_check(two_by_two, capsys):
    policy, problem, _ = two_by_two
    assert ch03.check_proportionality_constant(2, policy, problem)             # T: every episode has 2 steps
    capsys.readouterr()
    assert not ch03.check_proportionality_constant(1, policy, problem)
    out = capsys.readouterr().out
    assert "Not yet" in out and "you gave 1" in out.replace("คำตอบคือ", "you gave")
