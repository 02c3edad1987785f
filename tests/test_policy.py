"""The generator as a policy and the samplers (chapters 2 and 9)."""
import pytest
import torch
from scipy.stats import chisquare

from gan4nlp import policy as policy_module
from gan4nlp.policy import Generator
from gan4nlp.sampling import sample_categorical
from gan4nlp.toy import TabularPolicy, all_sequences, make_problem, prefix_index, sequence_probs


@pytest.mark.parametrize("method", ["inverse_cdf", "gumbel_max", "multinomial"])
def test_sampler_frequencies_match_softmax(method):
    g = torch.Generator().manual_seed(0)
    logits = torch.tensor([[2.0, 0.5, -1.0, 0.0, 1.0, -3.0], [0.0, 0.0, 0.0, 5.0, -5.0, 1.0]])
    n = 60_000
    draws = sample_categorical(logits.repeat(n, 1), generator=g, method=method).reshape(n, 2)
    for row in range(2):
        counts = torch.bincount(draws[:, row], minlength=6).double()
        expected = torch.softmax(logits[row].double(), -1) * n
        assert chisquare(counts.numpy(), expected.numpy()).pvalue > 1e-3


def test_sampler_with_large_vocabulary_is_exact():
    g = torch.Generator().manual_seed(1)
    logits = torch.randn(1, 5000, generator=g) * 2
    draws = sample_categorical(logits.expand(200_000, -1), generator=g)
    probs = torch.softmax(logits[0].double(), -1)
    # group tokens into 20 bins of equal probability mass order and compare
    order = probs.argsort()
    bins = torch.zeros(5000, dtype=torch.long)
    bins[order] = torch.arange(5000) * 20 // 5000
    counts = torch.bincount(bins[draws], minlength=20).double()
    expected = torch.zeros(20, dtype=torch.float64).index_add_(0, bins, probs) * 200_000
    assert chisquare(counts.numpy(), expected.numpy()).pvalue > 1e-3


@pytest.mark.parametrize("make", [lambda: TabularPolicy(3, 3, init_std=1.0, seed=2),
                                  lambda: Generator(3, embed_dim=4, hidden_dim=6)])
def test_sequence_frequencies_match_policy_probabilities(make):
    policy = make()
    problem = make_problem("count", 3, 3)
    n = 40_000
    with torch.no_grad():
        tokens = policy.sample(n, 3, generator=torch.Generator().manual_seed(3)).tokens
        counts = torch.bincount(prefix_index(tokens, 3), minlength=27).double()
        expected = sequence_probs(policy, problem).double() * n
    assert chisquare(counts.numpy(), (expected * n / expected.sum()).numpy()).pvalue > 1e-3


def test_sample_log_prob_equals_scoring_the_tokens():
    gen = Generator(7, 5, 6)
    for temperature in (1.0, 0.7):
        out = gen.sample(16, 9, temperature)
        assert out.tokens.shape == out.log_prob.shape == (16, 9)
        torch.testing.assert_close(out.log_prob, gen.log_prob(out.tokens, temperature))
    tab = TabularPolicy(3, 4)
    out = tab.sample(10)
    torch.testing.assert_close(out.log_prob, tab.log_prob(out.tokens))


def test_continuing_from_a_prefix_and_from_cached_states():
    gen = Generator(6, 5, 7)
    g = torch.Generator().manual_seed(0)
    full = gen.sample(8, 10, generator=g).tokens
    prefix = full[:, :4]
    cont = gen.sample(8, 10, prefix=prefix, generator=torch.Generator().manual_seed(5))
    assert torch.equal(cont.tokens[:, :4], prefix)
    assert torch.all(cont.log_prob[:, :4] == 0)
    torch.testing.assert_close(cont.log_prob[:, 4:], gen.log_prob(cont.tokens)[:, 4:])
    # continuing from the cached state after reading y_1..y_3 (state index 3 reads BOS, y1, y2, y3)
    states = gen.prefix_states(full)
    assert len(states) == 10
    via_state = gen.sample(8, 10, prefix=prefix, state=states[3], generator=torch.Generator().manual_seed(5))
    assert torch.equal(via_state.tokens, cont.tokens)
    torch.testing.assert_close(via_state.log_prob, cont.log_prob)
    # sampling leaves the parameters alone
    before = [p.clone() for p in gen.parameters()]
    gen.sample(4, 5)
    assert all(torch.equal(a, b) for a, b in zip(before, gen.parameters()))


def test_mle_training_fits_data():
    torch.manual_seed(0)
    gen = Generator(5, 8, 16)
    data = torch.tensor([[0, 1, 2, 3, 4], [4, 3, 2, 1, 0]]).repeat(16, 1)
    opt = torch.optim.Adam(gen.parameters(), lr=0.05)
    first = gen.mle_loss(data).item()
    for _ in range(60):
        opt.zero_grad()
        loss = gen.mle_loss(data)
        loss.backward()
        opt.step()
    # the first token is a coin flip, the rest are determined: optimum log(2)/5 per token
    assert first > 1.4 and loss.item() < 0.2
    assert abs(gen.mle_loss(data).item() - torch.log(torch.tensor(2.0)).item() / 5) < 0.05


def test_gru_cell_and_shapes():
    gen = Generator(4, 3, 5, cell="gru")
    out = gen.sample(3, 6)
    assert gen(out.tokens).shape == (3, 6, 4)
    assert gen.relaxed_sample(3, 6, 0.5).shape == (3, 6, 4)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_runs_on_cuda():
    gen = Generator(11, 4, 4).cuda()
    out = gen.sample(5, 7)
    assert out.tokens.is_cuda
    torch.testing.assert_close(out.log_prob, gen.log_prob(out.tokens))


def test_bad_input_raises_value_error():
    gen = Generator(5)
    with pytest.raises(ValueError, match="temperature"):
        gen.sample(2, 3, temperature=0.0)
    with pytest.raises(ValueError, match="temperature"):
        gen.sample(2, 3, temperature=-1.0)
    with pytest.raises(ValueError, match="batch"):
        gen.sample(0, 3)
    with pytest.raises(ValueError, match="length"):
        gen.sample(2, 0)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        gen.log_prob(torch.tensor([[0, 5]]))
    with pytest.raises(ValueError, match="outside the vocabulary"):
        gen.log_prob(torch.tensor([[-1, 2]]))
    with pytest.raises(ValueError, match="empty batch"):
        gen.mle_loss(torch.zeros(0, 4, dtype=torch.long))
    with pytest.raises(ValueError, match="shape"):
        gen.log_prob(torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="integer"):
        gen.log_prob(torch.zeros(2, 4))
    with pytest.raises(ValueError, match="prefix has batch"):
        gen.sample(3, 5, prefix=torch.zeros(2, 2, dtype=torch.long))
    with pytest.raises(ValueError, match="exceeds"):
        gen.sample(2, 2, prefix=torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="vocab_size"):
        Generator(0)
    with pytest.raises(ValueError, match="cell"):
        Generator(4, cell="transformer")
    with pytest.raises(ValueError, match="unknown sampling method"):
        sample_categorical(torch.zeros(2, 3), method="nope")
    with pytest.raises(ValueError, match="length <= 3"):
        TabularPolicy(2, 3).sample(4, 5)


@pytest.mark.parametrize("tau", [0, 0.0, -0.5, float("nan"), float("inf")])
def test_relax_rejects_a_temperature_that_is_not_positive(tau):
    from gan4nlp.policy import relax
    with pytest.raises(ValueError, match="tau must be a positive finite number"):
        relax(torch.zeros(2, 3), tau)
    with pytest.raises(ValueError, match="tau must be a positive finite number"):
        Generator(5).relaxed_sample(2, 3, tau=tau)


@pytest.mark.parametrize("chunk", [0, -3, 2.5])
def test_sample_linear_rejects_a_bad_chunk(chunk):
    from gan4nlp.sampling import sample_linear
    h, w, b = torch.zeros(4, 3), torch.zeros(5, 3), torch.zeros(5)
    with pytest.raises(ValueError, match="chunk must be a positive integer"):
        sample_linear(h, w, b, chunk=chunk)
    with pytest.raises(ValueError, match="temperature must be a positive"):
        sample_linear(h, w, b, temperature=0.0)


@pytest.mark.parametrize("temperature", [1.0, 0.7])
@pytest.mark.parametrize("vocab", [7, 1300])       # 1300: more rows than one chunk of the output layer
def test_log_prob_without_gradients_equals_the_full_softmax(vocab, temperature, monkeypatch):
    """Evaluation scores chunk by chunk (no (B, T, V) tensor); with gradients the full log-softmax
    runs. Both must give the same numbers, and the first must not be taken when gradients are on."""
    monkeypatch.setattr(policy_module, "SCORE_CHUNK", 64)
    torch.manual_seed(3)
    gen = Generator(vocab, 8, 16)
    tokens = gen.generate(40, 9, generator=torch.Generator().manual_seed(0))                 # (40, 9)
    full = gen.log_prob(tokens, temperature)                                                  # with gradients
    assert full.requires_grad
    calls = []
    chunked_path = Generator._log_prob_chunked
    monkeypatch.setattr(Generator, "_log_prob_chunked", lambda self, *a: calls.append(1) or chunked_path(self, *a))
    with torch.no_grad():
        chunked = gen.log_prob(tokens, temperature)
    assert calls == [1], "without gradients log_prob should score chunk by chunk"
    assert not chunked.requires_grad and chunked.shape == tokens.shape
    torch.testing.assert_close(chunked, full.detach(), rtol=0, atol=1e-5)
