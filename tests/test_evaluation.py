"""gan4nlp.evaluation (chapter 11): NLL, entropy, BLEU, Self-BLEU, grammaticality, temperature sweeps.

Exact answers where they exist: BLEU of a hypothesis found among the references is 1, Self-BLEU
of identical samples is 1, the entropy of a tabular policy by enumerating every sequence, the
NLL as a direct sum of log-probabilities, sacrebleu's own sentence_bleu called directly.
"""
import random

import pytest
import sacrebleu
import torch

from gan4nlp import evaluation
from gan4nlp.grammar import corpus
from gan4nlp.policy import Generator
from gan4nlp.toy import TabularPolicy, all_sequences


# ----- BLEU and Self-BLEU ------------------------------------------------------------------------
def test_self_bleu_of_identical_samples_is_one():
    assert evaluation.self_bleu(["the cat sleeps in the garden"] * 5) == pytest.approx(1.0)
    assert evaluation.self_bleu([["a", "dog", "runs"]] * 3) == pytest.approx(1.0)


def test_self_bleu_of_samples_sharing_no_word_is_near_zero():
    samples = ["a b c d e", "f g h i j", "k l m n o", "p q r s t"]
    assert evaluation.self_bleu(samples) < 0.05


def test_bleu_of_a_hypothesis_among_the_references_is_one():
    refs = ["a dog runs today", "the cat sleeps", "some birds sing in the park"]
    assert evaluation.bleu(["the cat sleeps"], refs) == pytest.approx(1.0)
    assert evaluation.bleu(refs, refs) == pytest.approx(1.0)


def test_bleu_matches_sacrebleu_called_directly():
    sentences, _, _ = corpus("en", 40, seed=5)
    hyps = [" ".join(s) for s in sentences[:10]]
    refs = [" ".join(s) for s in sentences[10:]]
    direct = [sacrebleu.sentence_bleu(h, refs, smooth_method="exp", tokenize="none", use_effective_order=True).score
              for h in hyps]
    assert evaluation.bleu(hyps, refs) == pytest.approx(sum(direct) / len(direct) / 100)


def test_leave_one_out_never_uses_a_sample_as_its_own_reference():
    samples = ["x y z", "u v w", "x y z", "p q r"]              # position 0 and 2 hold equal strings
    pairs = list(evaluation.leave_one_out(samples))
    assert len(pairs) == len(samples)
    for i, (hyp, refs) in enumerate(pairs):
        assert hyp == samples[i]
        assert refs == samples[:i] + samples[i + 1:]            # exactly the other positions
    assert pairs[0][1].count("x y z") == 1                      # the duplicate at position 2 counts ...
    assert pairs[1][1].count("x y z") == 2                      # ... and both count for the others
    # by position, with values that are all different: position i never appears in its own list
    for i, (hyp, refs) in enumerate(evaluation.leave_one_out(list(range(6)))):
        assert hyp == i and i not in refs and len(refs) == 5


def test_self_bleu_excludes_the_sample_but_counts_its_duplicates():
    # all distinct: far below 1 (it would be exactly 1 if each sample were among its own references)
    sentences, _, _ = corpus("en", 60, seed=1)
    distinct = list(dict.fromkeys(" ".join(s) for s in sentences))
    assert evaluation.self_bleu(distinct) < 0.8
    # two copies score 1 against each other, the third shares nothing: (1 + 1 + ~0) / 3
    assert evaluation.self_bleu(["a b c d", "a b c d", "e f g h"]) == pytest.approx(2 / 3, abs=0.01)
    # equals sacrebleu's sentence BLEU against the other samples, called directly
    direct = [sacrebleu.sentence_bleu(h, refs, smooth_method="exp", tokenize="none", use_effective_order=True).score
              for h, refs in evaluation.leave_one_out(distinct[:12])]
    assert evaluation.self_bleu(distinct[:12]) == pytest.approx(sum(direct) / len(direct) / 100)


def test_token_id_tensors_are_read_as_sentences():
    ids = torch.tensor([[1, 2, 3], [1, 2, 3]])
    assert evaluation.as_text(ids) == ["1 2 3", "1 2 3"]
    assert evaluation.self_bleu(ids) == pytest.approx(1.0)


def test_bad_input_raises_value_error():
    with pytest.raises(ValueError, match="no sentences"):
        evaluation.bleu([], ["a b"])
    with pytest.raises(ValueError, match="no sentences"):
        evaluation.bleu(["a b"], [])
    with pytest.raises(ValueError, match="got one string"):
        evaluation.self_bleu("one string, not a list of sentences")
    with pytest.raises(ValueError, match="got one string"):
        evaluation.bleu("a b c", ["a b c"])
    with pytest.raises(ValueError, match="Self-BLEU needs at least two samples"):
        evaluation.self_bleu(["only one sample"])
    with pytest.raises(ValueError, match="no sentences"):
        evaluation.self_bleu([])
    with pytest.raises(ValueError, match="max_n must be a positive integer"):
        evaluation.self_bleu(["a b", "c d"], max_n=0)
    with pytest.raises(ValueError, match=r"token ids must have shape \(N, T\)"):
        evaluation.as_text(torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="at least one reference"):
        evaluation.sentence_bleu("a b", [])
    with pytest.raises(ValueError, match="sentence 1 is neither a string nor a list of words"):
        evaluation.as_text([["a", "b"], 3])


# ----- grammaticality ----------------------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "th"])
def test_grammar_samples_pass_and_shuffled_ones_mostly_fail(language):
    sentences, vocab, grammar = corpus(language, 300, seed=3)
    assert evaluation.grammaticality(sentences, grammar) == 1.0
    assert evaluation.grammaticality(vocab.encode(sentences), grammar, vocab) == 1.0
    rng = random.Random(0)
    shuffled = [rng.sample(s, len(s)) for s in sentences]
    rate = evaluation.grammaticality(shuffled, grammar)
    assert rate < 0.1          # measured 0.03 for both languages (a few shuffles are grammatical by chance)


def test_grammaticality_bad_input():
    _, vocab, grammar = corpus("en", 1, seed=0)
    with pytest.raises(ValueError, match="sentences is empty"):
        evaluation.grammaticality([], grammar)
    with pytest.raises(ValueError, match="got a string"):
        evaluation.grammaticality("the cat sleeps", grammar)
    with pytest.raises(ValueError, match="pass vocab= to decode it"):
        evaluation.grammaticality(torch.zeros(2, 16, dtype=torch.long), grammar)       # ids without vocab


# ----- likelihood --------------------------------------------------------------------------------
def lstm_log_probs_by_hand(gen, tokens, temperature):
    """log pi(y_t | Y_{1:t-1}) (B, T) from the LSTM's equations written out (i, f, g, o gates; the
    weights of gen.rnn), independent of the library's forward pass."""
    w_ih, w_hh = gen.rnn.weight_ih_l0.double(), gen.rnn.weight_hh_l0.double()
    bias = (gen.rnn.bias_ih_l0 + gen.rnn.bias_hh_l0).double()
    emb, w_out, b_out = gen.embedding.weight.double(), gen.out.weight.double(), gen.out.bias.double()
    b, t_len = tokens.shape
    h = c = torch.zeros(b, w_hh.shape[1], dtype=torch.float64)
    prev = torch.full((b,), gen.bos, dtype=torch.long)
    out = torch.empty(b, t_len, dtype=torch.float64)
    for t in range(t_len):
        i, f, g, o = (emb[prev] @ w_ih.T + h @ w_hh.T + bias).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        logits = (h @ w_out.T + b_out) / temperature                                   # (B, V)
        out[:, t] = logits.gather(1, tokens[:, t: t + 1]).squeeze(1) - logits.logsumexp(1)
        prev = tokens[:, t]
    return out


def test_nll_matches_a_direct_sum_of_log_probabilities():
    torch.manual_seed(0)
    gen = Generator(7, embed_dim=8, hidden_dim=8)
    tokens = gen.generate(23, 5, generator=torch.Generator().manual_seed(1))          # (23, 5)
    for t in (0.7, 1.0, 1.6):
        with torch.no_grad():
            direct = -lstm_log_probs_by_hand(gen, tokens, t).sum().item() / tokens.numel()
        assert evaluation.nll(gen, tokens, t) == pytest.approx(direct, rel=1e-5)
        assert evaluation.nll(gen, tokens, t, batch=4) == pytest.approx(direct, rel=1e-5)   # batching changes nothing


def test_nll_bad_input():
    gen = Generator(5, embed_dim=4, hidden_dim=4)
    tokens = torch.zeros(3, 4, dtype=torch.long)
    with pytest.raises(ValueError, match="temperature must be a positive"):
        evaluation.nll(gen, tokens, temperature=0.0)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        evaluation.nll(gen, torch.full((3, 4), 9), 1.0)            # ids outside the vocabulary
    with pytest.raises(ValueError, match="integer token ids"):
        evaluation.nll(gen, tokens.float(), 1.0)


@pytest.mark.parametrize("temperature", [0.6, 1.0, 1.5])
def test_entropy_matches_exact_enumeration_on_a_tabular_policy(temperature):
    V, T = 3, 4
    policy = TabularPolicy(V, T, init_std=1.0, seed=2, dtype=torch.float64)
    seqs = all_sequences(V, T)                                                        # (81, 4)
    with torch.no_grad():
        log_p = policy.log_prob(seqs, temperature).sum(1)                             # (81,) log p(Y)
    exact = -(log_p.exp() * log_p).sum().item() / T                                  # H / T per token
    n = 20_000
    rng = torch.Generator().manual_seed(3)
    estimate = evaluation.entropy(policy, n, T, temperature, generator=rng)
    # tolerance from the sample variance of -log p(Y) / T under the same policy: 4 standard errors
    samples = policy.sample(n, T, temperature, generator=torch.Generator().manual_seed(4)).tokens
    with torch.no_grad():
        per_seq = -policy.log_prob(samples, temperature).sum(1) / T
    se = per_seq.std().item() / n ** 0.5
    assert abs(estimate - exact) < 4 * se
    assert se < 0.01


def test_entropy_falls_with_temperature_on_a_generator():
    torch.manual_seed(0)
    gen = Generator(6, embed_dim=8, hidden_dim=8)
    rng = lambda: torch.Generator().manual_seed(0)  # noqa: E731
    values = [evaluation.entropy(gen, 4000, 5, t, generator=rng()) for t in (0.3, 1.0, 3.0)]
    assert values[0] < values[1] < values[2] <= torch.log(torch.tensor(6.0)).item() + 0.02


# ----- temperature sweep -------------------------------------------------------------------------
def test_temperature_sweep_rows():
    torch.manual_seed(0)
    gen = Generator(6, embed_dim=8, hidden_dim=8)
    seen = []

    def metrics(samples, t):
        seen.append(samples)
        return {"entropy": evaluation.nll(gen, samples, t), "n": samples.shape[0]}

    temps = [0.5, 1.0, 2.0]
    rows = evaluation.temperature_sweep(gen, temps, 50, 7, metrics, seed=4)
    assert [r["temperature"] for r in rows] == temps
    assert all(set(r) == {"temperature", "entropy", "n"} and r["n"] == 50 for r in rows)
    assert all(s.shape == (50, 7) for s in seen)
    assert rows[0]["entropy"] < rows[1]["entropy"] < rows[2]["entropy"]
    again = evaluation.temperature_sweep(gen, [1.0], 50, 7, metrics, seed=4)
    assert torch.equal(seen[-1], seen[1])                         # the same seed: the same samples
    assert again[0]["entropy"] == rows[1]["entropy"]
    # works for a tabular policy too (no `generate` method)
    policy = TabularPolicy(3, 3, seed=0)
    rows = evaluation.temperature_sweep(policy, [1.0], 10, 3, lambda s, t: {"shape": tuple(s.shape)})
    assert rows[0]["shape"] == (10, 3)


def test_temperature_sweep_bad_input():
    gen = Generator(4, embed_dim=4, hidden_dim=4)
    metrics = lambda s, t: {}  # noqa: E731
    with pytest.raises(ValueError, match="temperatures is empty"):
        evaluation.temperature_sweep(gen, [], 10, 4, metrics)
    with pytest.raises(ValueError, match="temperature must be a positive"):
        evaluation.temperature_sweep(gen, [1.0, -0.5], 10, 4, metrics)
    with pytest.raises(ValueError, match="batch must be a positive integer"):
        evaluation.temperature_sweep(gen, [1.0], 0, 4, metrics)
