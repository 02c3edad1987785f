"""gan4nlp.diagnostics: which path the per-repeat gradients took (vmap or the loop), and that the
loop is announced, not silent (issue 13)."""
import warnings

import pytest
import torch

from gan4nlp import diagnostics
from gan4nlp.diagnostics import gradient_stats, group_gradients_with_path
from gan4nlp.estimators import LeaveOneOut, Reinforce
from gan4nlp.policy import Generator
from gan4nlp.toy import TabularPolicy, make_problem

pytestmark = pytest.mark.usefixtures("one_thread")     # fixture in conftest.py


class NotVmappable(Reinforce):
    """REINFORCE whose objective reads a Python number from a tensor: vmap cannot trace that."""

    def objective(self, policy, problem, tokens, advantage, per_sample=False):
        out = super().objective(policy, problem, tokens, advantage, per_sample)
        return out * (1.0 + 0.0 * float(advantage.sum()))      # .item() inside vmap: RuntimeError


def _problem():
    return make_problem("count", 3, 3, offset=1.0), TabularPolicy(3, 3, seed=2, dtype=torch.float64)


def test_the_tabular_policy_takes_the_vmapped_path_silently():
    problem, policy = _problem()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats = gradient_stats(Reinforce(LeaveOneOut()), policy, problem, 8, repeats=5)
    assert stats.path == "vmap" and stats.notes == []
    assert stats.summary()["path"] == "vmap"


def test_the_loop_fallback_is_recorded_warned_once_and_gives_the_same_gradients():
    problem, policy = _problem()
    diagnostics._WARNED.discard(("NotVmappable", "TabularPolicy"))
    with pytest.warns(RuntimeWarning, match="cannot run NotVmappable on TabularPolicy.*Python loop"):
        looped = gradient_stats(NotVmappable(LeaveOneOut()), policy, problem, 8, repeats=5, seed=3)
    assert looped.path == "loop" and "RuntimeError" in looped.notes[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")                          # the second call does not repeat it
        again = gradient_stats(NotVmappable(LeaveOneOut()), policy, problem, 8, repeats=5, seed=3)
    assert again.path == "loop"
    # same samples (same seed), same estimator maths: the loop and vmap agree
    vmapped = gradient_stats(Reinforce(LeaveOneOut()), policy, problem, 8, repeats=5, seed=3)
    assert vmapped.path == "vmap"
    torch.testing.assert_close(looped.estimates, vmapped.estimates)


def test_without_the_loop_a_failing_vmap_raises():
    problem, policy = _problem()
    data = NotVmappable().prepare(policy, problem, 4, 3, generator=torch.Generator().manual_seed(0))
    with pytest.raises(RuntimeError, match="vmap"):              # torch.func cannot trace .item()
        group_gradients_with_path(NotVmappable(), policy, problem, data, allow_loop=False)


def test_pytorchs_per_operation_fallback_is_recorded_not_hidden():
    """A float32 LSTM inside vmap runs, but PyTorch warns that an operation has no batching rule
    (on CPUs where the LSTM uses oneDNN); that warning ends up in ``notes`` (it would print on every
    widget move otherwise) and does not escape."""
    problem = make_problem("count", 3, 3, offset=1.0)
    policy = Generator(3, 4, 4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stats = gradient_stats(Reinforce(), policy, problem, 6, repeats=4)
    assert stats.path == "vmap"
    assert all("performance drop" in note for note in stats.notes)
    assert not [w for w in caught if "performance drop" in str(w.message)]


def test_a_float64_lstm_falls_back_to_the_loop_and_says_so():
    """vmap cannot batch the float64 LSTM's in-place update (PyTorch 2.x): the loop runs, with a warning."""
    problem = make_problem("count", 3, 3, offset=1.0)
    policy = Generator(3, 4, 4).double()
    diagnostics._WARNED.discard(("Reinforce", "Generator"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stats = gradient_stats(Reinforce(), policy, problem, 6, repeats=4)
    if stats.path == "loop":
        assert [w for w in caught if "Python loop" in str(w.message)]
    else:                                   # a PyTorch that batches it: then nothing was announced
        assert not [w for w in caught if "Python loop" in str(w.message)]
