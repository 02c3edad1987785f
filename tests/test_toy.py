"""Ground truth by enumeration: exact J, grad J, mu, q_pi and the policy gradient theorem (ch. 3)."""
import pytest
import torch

from gan4nlp.policy import Generator
from gan4nlp.toy import (TabularPolicy, ToyProblem, action_values, all_sequences, exact_gradient, exact_objective,
                         make_problem, policy_gradient_theorem, sequence_probs, state_visits)


def finite_difference_gradient(policy, problem, eps=1e-6):
    params = torch.nn.utils.parameters_to_vector(policy.parameters()).detach()
    grad = torch.zeros_like(params)
    for i in range(len(params)):
        for sign in (1, -1):
            p = params.clone()
            p[i] += sign * eps
            torch.nn.utils.vector_to_parameters(p, policy.parameters())
            with torch.no_grad():
                grad[i] += sign * exact_objective(policy, problem) / (2 * eps)
    torch.nn.utils.vector_to_parameters(params, policy.parameters())
    return grad


def policies(v, t):
    return [TabularPolicy(v, t, init_std=1.0, seed=3, dtype=torch.float64),
            Generator(v, embed_dim=4, hidden_dim=5).double(),
            Generator(v, embed_dim=3, hidden_dim=4, cell="gru").double()]


@pytest.mark.parametrize("kind", ["count", "random", "per_step", "target"])
def test_exact_gradient_matches_finite_differences(kind):
    problem = make_problem(kind, 3, 3, offset=0.5, seed=1)
    for policy in policies(3, 3):
        exact = exact_gradient(policy, problem)
        fd = finite_difference_gradient(policy, problem)
        assert exact.norm() > 1e-4
        torch.testing.assert_close(exact, fd, rtol=1e-6, atol=1e-8)


def test_sequence_probabilities_sum_to_one_and_order_is_lexicographic():
    seqs = all_sequences(3, 3)
    assert seqs.shape == (27, 3)
    assert seqs[0].tolist() == [0, 0, 0] and seqs[1].tolist() == [0, 0, 1] and seqs[-1].tolist() == [2, 2, 2]
    for policy in policies(3, 3):
        p = sequence_probs(policy, make_problem("count", 3, 3))
        assert torch.isclose(p.sum(), torch.tensor(1.0, dtype=p.dtype))


@pytest.mark.parametrize("kind,v,t", [("count", 3, 3), ("random", 4, 3), ("per_step", 3, 4), ("target", 2, 5)])
def test_policy_gradient_theorem(kind, v, t):
    """grad J = T * sum_s mu(s) sum_a q(s,a) grad pi(a|s): the theorem's constant is the episode length."""
    problem = make_problem(kind, v, t, offset=1.0, seed=2)
    for policy in policies(v, t):
        exact = exact_gradient(policy, problem)
        rhs = policy_gradient_theorem(policy, problem)
        torch.testing.assert_close(t * rhs, exact, rtol=1e-9, atol=1e-12)
        # and the theorem is not trivially satisfied: the unscaled sum is off by the factor T
        assert not torch.allclose(rhs, exact)


def test_state_visits_and_action_values():
    problem = make_problem("per_step", 3, 3, offset=2.0)
    policy = TabularPolicy(3, 3, seed=1, dtype=torch.float64)
    eta = state_visits(policy, problem)
    assert [e.shape[0] for e in eta] == [1, 3, 9]
    for e in eta:  # each step of an episode is in exactly one state
        assert torch.isclose(e.sum(), torch.tensor(1.0, dtype=e.dtype))
    q = action_values(policy, problem)
    # at the last step q(s, a) is the final step's reward itself
    last = problem.step_rewards[-1].reshape(9, 3)
    torch.testing.assert_close(q[-1], last)
    # the value of the empty prefix, sum_a pi(a) q(s0, a), is J
    pi0 = torch.softmax(policy.logits[0], -1)
    torch.testing.assert_close((pi0 * q[0][0]).sum(), exact_objective(policy, problem))


def test_relaxed_reward_extends_reward_on_one_hot_inputs():
    problem = make_problem("per_step", 3, 3, offset=1.0)
    seqs = all_sequences(3, 3)
    one_hot = torch.nn.functional.one_hot(seqs, 3).double()
    torch.testing.assert_close(problem.relaxed_reward(one_hot), problem.reward(seqs, torch.float64))


def test_problem_validation():
    with pytest.raises(ValueError, match="unknown problem kind"):
        make_problem("nope")
    with pytest.raises(ValueError, match="reward tables"):
        ToyProblem(2, 3, [torch.zeros(2)])
    with pytest.raises(ValueError, match="too many"):
        all_sequences(50, 5)
    problem = make_problem("count", 3, 3)
    with pytest.raises(ValueError, match="vocabulary"):
        problem.rewards(torch.tensor([[0, 1, 3]]))
    with pytest.raises(ValueError, match="length"):
        problem.rewards(torch.tensor([[0, 1]]))
