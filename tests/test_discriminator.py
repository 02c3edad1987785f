"""The discriminator as reward: SeqGAN's CNN and the GRU alternative (chapters 7 and 9)."""
import pytest
import torch
import torch.nn.functional as F

from gan4nlp.discriminator import (Discriminator, DiscriminatorConfig, RNNDiscriminator, RNNDiscriminatorConfig,
                                   make_optimizer)


pytestmark = pytest.mark.usefixtures("one_thread")     # tiny models; fixture in conftest.py


def small_cnn(**kw):
    cfg = dict(vocab_size=50, seq_len=10, embed_dim=16, filter_sizes=(1, 2, 3, 5, 10), num_filters=(8, 16, 16, 8, 8))
    cfg.update(kw)
    return Discriminator(**cfg)


def small_rnn(**kw):
    return RNNDiscriminator(vocab_size=50, embed_dim=16, hidden_dim=24, **kw)


MAKERS = [small_cnn, small_rnn]


def test_paper_defaults():
    cfg = DiscriminatorConfig()
    assert (cfg.vocab_size, cfg.seq_len, cfg.embed_dim) == (5000, 20, 64)
    assert cfg.filter_sizes == (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20)
    assert cfg.num_filters == (100, 200, 200, 200, 200, 100, 100, 100, 100, 100, 160, 160)
    assert (cfg.dropout, cfg.l2_reg, cfg.lr, cfg.batch_size) == (0.25, 0.2, 1e-4, 64)
    assert cfg.num_features == 1720
    opt = make_optimizer(small_cnn())
    assert isinstance(opt, torch.optim.Adam) and opt.param_groups[0]["lr"] == 1e-4


@pytest.mark.parametrize("make", MAKERS)
def test_shapes_for_hard_and_soft_input(make):
    disc = make()
    tokens = torch.randint(50, (7, 10))
    assert disc(tokens).shape == (7, 2)
    soft = torch.softmax(torch.randn(7, 10, 50), -1)
    assert disc(soft).shape == (7, 2)
    assert disc.reward(tokens).shape == (7,)
    assert disc.loss(tokens, torch.randint(2, (7,))).dim() == 0
    assert disc.vocab_size == 50


@pytest.mark.parametrize("make", MAKERS)
def test_one_hot_soft_input_gives_the_same_logits(make):
    disc = make().eval()
    tokens = torch.randint(50, (6, 10))
    one_hot = F.one_hot(tokens, 50).float()
    torch.testing.assert_close(disc(one_hot), disc(tokens))


@pytest.mark.parametrize("make", MAKERS)
def test_reward_is_a_deterministic_probability_in_eval_mode(make):
    disc = make(dropout=0.5).train()
    tokens = torch.randint(50, (32, 10))
    r1, r2 = disc.reward(tokens), disc.reward(tokens)
    assert disc.training and all(m.training for m in disc.modules())        # mode restored
    assert ((r1 >= 0) & (r1 <= 1)).all() and not r1.requires_grad
    assert torch.equal(r1, r2)                                               # no dropout in the reward
    assert not torch.equal(disc(tokens), disc(tokens))                       # train-mode forwards differ
    disc.eval()
    torch.testing.assert_close(r1, torch.softmax(disc(tokens), -1)[:, 1])    # reward = P(real) in eval mode
    disc.reward(tokens)
    assert not disc.training                                                 # eval mode restored too


@pytest.mark.parametrize("make", MAKERS)
def test_gradients_flow_to_soft_input(make):
    disc = make()
    soft = torch.softmax(torch.randn(4, 10, 50), -1).requires_grad_()
    torch.softmax(disc(soft), -1)[:, 1].sum().backward()
    assert soft.grad is not None and soft.grad.abs().sum() > 0
    assert all(p.grad is not None for p in disc.parameters())


PATTERNS = torch.randint(50, (4, 10), generator=torch.Generator().manual_seed(123))


def patterned_data(n, generator):
    """'Real' sequences: one of 4 fixed token patterns over vocab 50; 'generated': uniform random tokens."""
    real = PATTERNS[torch.randint(4, (n,), generator=generator)]
    fake = torch.randint(50, (n, 10), generator=generator)
    return real, fake


@pytest.mark.parametrize("make", MAKERS)
def test_learns_to_separate_two_distributions(make):
    torch.manual_seed(1)
    g = torch.Generator().manual_seed(1)
    disc = make()
    opt = torch.optim.Adam(disc.parameters(), lr=1e-2)    # the paper's 1e-4 is slow for a 100-step test
    real, fake = patterned_data(1600, g)                  # 3,200 sequences = 100 batches of 32
    stats = disc.train_epoch(real, fake, opt, batch_size=32, generator=g)
    assert set(stats) == {"loss", "accuracy"}
    test_real, test_fake = patterned_data(200, torch.Generator().manual_seed(2))
    r_real, r_fake = disc.reward(test_real), disc.reward(test_fake)
    accuracy = ((r_real > 0.5).float().mean() + (r_fake < 0.5).float().mean()) / 2
    assert accuracy > 0.9, accuracy


def test_train_epoch_restores_mode_and_uses_every_sequence():
    disc = small_cnn().eval()
    real, fake = patterned_data(50, torch.Generator().manual_seed(0))
    stats = disc.train_epoch(real, fake[:30], make_optimizer(disc), batch_size=16)
    assert not disc.training
    assert 0 <= stats["accuracy"] <= 1 and stats["loss"] > 0
    assert (stats["accuracy"] * 80) == pytest.approx(round(stats["accuracy"] * 80))    # counted over 80


def test_fast_path_equals_reference_path():
    """Same weights: same logits (float32), same logits and gradients (float64), with many ties."""
    torch.manual_seed(0)
    disc = Discriminator(vocab_size=40, seq_len=12, embed_dim=8, filter_sizes=(1, 2, 3, 4, 7, 12),
                         num_filters=(5, 6, 7, 4, 3, 5)).eval()
    tokens = torch.randint(40, (16, 12))
    torch.testing.assert_close(disc.features(disc.embedding(tokens), "fast"),
                               disc.features(disc.embedding(tokens), "reference"))
    disc = disc.double()
    repeats = torch.randint(3, (8, 12))                   # 3 tokens: repeated n-grams tie for the maximum
    soft = torch.softmax(3 * torch.randn(8, 12, 40, dtype=torch.float64), -1)
    for inputs in (torch.cat([tokens[:8], repeats]), soft):
        results = {}
        for impl in ("reference", "fast"):
            disc.impl = impl
            disc.zero_grad()
            x = inputs.clone().requires_grad_() if inputs.is_floating_point() else inputs
            logits = disc(x)
            (logits * torch.tensor([0.3, -1.7], dtype=torch.float64)).sum().backward()
            results[impl] = [logits] + [p.grad for p in disc.parameters()] + ([x.grad] if x.requires_grad else [])
        for a, b in zip(results["reference"], results["fast"]):
            torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_fast_path_trains_like_the_reference_path():
    torch.manual_seed(0)
    fast = small_cnn(dropout=0.0)
    ref = small_cnn(dropout=0.0)
    ref.load_state_dict(fast.state_dict())
    ref.impl = "reference"
    real, fake = patterned_data(64, torch.Generator().manual_seed(0))
    for disc in (fast, ref):
        disc.train_epoch(real, fake, torch.optim.Adam(disc.parameters(), lr=1e-3), batch_size=32,
                         generator=torch.Generator().manual_seed(3))
    for a, b in zip(fast.parameters(), ref.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make", MAKERS)
def test_l2_penalty_is_on_the_output_layer_only(make):
    disc = make(dropout=0.0).eval()
    tokens, labels = torch.randint(50, (5, 10)), torch.tensor([0, 1, 1, 0, 1])
    w, b = disc.out.weight, disc.out.bias
    expected = 0.2 * ((w ** 2).sum() + (b ** 2).sum()) / 2
    torch.testing.assert_close(disc.l2_penalty(), expected)
    torch.testing.assert_close(disc.loss(tokens, labels), F.cross_entropy(disc(tokens), labels) + expected)
    with torch.no_grad():
        disc.embedding.weight.mul_(3.0)                   # other parameters do not enter the penalty
    torch.testing.assert_close(disc.l2_penalty(), expected)


def test_bad_config_raises_clear_errors():
    with pytest.raises(ValueError, match="num_filters has 2"):
        DiscriminatorConfig(filter_sizes=(1, 2, 3), num_filters=(4, 4))
    with pytest.raises(ValueError, match="wider than the sequence length"):
        DiscriminatorConfig(seq_len=10)                   # the paper's widths 15 and 20
    with pytest.raises(ValueError, match="vocab_size"):
        DiscriminatorConfig(vocab_size=0)
    with pytest.raises(ValueError, match="dropout"):
        DiscriminatorConfig(dropout=1.0)
    with pytest.raises(ValueError, match="dropout"):
        RNNDiscriminatorConfig(dropout=-0.1)
    with pytest.raises(ValueError, match="filter size"):
        DiscriminatorConfig(filter_sizes=(0, 2), num_filters=(3, 3))
    with pytest.raises(ValueError, match="empty"):
        DiscriminatorConfig(filter_sizes=(), num_filters=())
    with pytest.raises(ValueError, match="impl"):
        small_cnn(impl="cuda-magic")


@pytest.mark.parametrize("make", MAKERS)
def test_bad_input_raises_clear_errors(make):
    disc = make()
    with pytest.raises(ValueError, match="outside the vocabulary"):
        disc(torch.full((2, 10), 50))
    with pytest.raises(ValueError, match="outside the vocabulary"):
        disc.reward(torch.full((2, 10), -1))
    with pytest.raises(ValueError, match="last dimension is 49"):
        disc(torch.rand(2, 10, 49))
    with pytest.raises(ValueError, match="shape"):
        disc(torch.rand(2, 50))
    with pytest.raises(ValueError, match="labels"):
        disc.loss(torch.randint(50, (3, 10)), torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match="length"):
        disc.train_epoch(torch.randint(50, (4, 10)), torch.randint(50, (4, 9)), make_optimizer(disc))


def test_input_shorter_than_the_widest_filter_raises():
    disc = small_cnn()
    with pytest.raises(ValueError, match="shorter than the widest filter"):
        disc(torch.randint(50, (2, 9)))
    with pytest.raises(ValueError, match="shorter than the widest filter"):
        disc(torch.rand(2, 9, 50))
    assert disc(torch.randint(50, (2, 14))).shape == (2, 2)   # longer input is fine (max over time)
