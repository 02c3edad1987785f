"""The adversarially regularised autoencoder of chapter 10 (`gan4nlp.arae`): shapes, the unit
sphere, reconstruction after quick training on the grammar corpus, interpolation endpoints, the
critic's constraint, the exact Wasserstein-1 distance in 1-D, bad settings, determinism."""
import math

import pytest
import torch

from gan4nlp import arae, grammar


@pytest.fixture(autouse=True)
def _one_thread(_seed_and_threads):
    """Small tensors: one torch thread is much faster than two on a busy 2-core machine."""
    torch.set_num_threads(1)
    yield


def tiny(**overrides):
    """A config that trains in well under a second (shapes, determinism, clipping)."""
    base = dict(embed_dim=8, code_dim=16, noise_dim=4, mlp_dim=16, batch_size=16, iterations=6, critic_steps=2,
                eval_every=3, eval_samples=8)
    base.update(overrides)
    return arae.ARAEConfig.preset("quick", **base)


@pytest.fixture(scope="module")
def corpus_en():
    sentences, vocab, gram = grammar.corpus("en", n=4000, seed=0)
    heldout, _, _ = grammar.corpus("en", n=300, seed=1)
    return vocab.encode(sentences), vocab.encode(heldout), vocab, gram


@pytest.fixture(scope="module")
def quick_en(corpus_en):
    """The quick preset trained once on the English grammar corpus (about 10 s on one thread)."""
    ids, heldout, vocab, gram = corpus_en
    torch.set_num_threads(1)
    return arae.train(arae.ARAEConfig.preset("quick"), ids, vocab=vocab, grammar=gram, heldout=heldout)


# ------------------------------------------------------------------------------------------------
# Shapes and the sphere

def test_shapes_of_every_part(corpus_en):
    ids, _, vocab, _ = corpus_en
    cfg = tiny()
    model = arae.build(len(vocab), cfg)
    x = ids[:5]                                                            # (5, 16)
    codes = arae.encode(model, x)
    assert codes.shape == (5, cfg.code_dim)
    assert model.decoder(x, codes).shape == (5, 16, len(vocab))           # teacher-forced logits
    assert arae.decode(model, codes).shape == (5, 16)
    assert arae.reconstruct(model, x).shape == (5, 16)
    assert arae.encode(model, x[0]).shape == (1, cfg.code_dim)            # one sentence (T,)
    z = model.noise(7)
    assert z.shape == (7, cfg.noise_dim)
    assert model.generator(z).shape == (7, cfg.code_dim)
    assert model.critic(model.generator(z)).shape == (7,)
    ids_s, codes_s = arae.sample(model, 7, generator=torch.Generator().manual_seed(0), return_codes=True)
    assert ids_s.shape == (7, 16) and codes_s.shape == (7, cfg.code_dim)
    assert arae.interpolate(model, x[0], x[1], 4).shape == (4, 16)


def test_codes_lie_on_the_unit_sphere(corpus_en):
    ids, _, vocab, _ = corpus_en
    model = arae.build(len(vocab), tiny(seed=3))
    norms = arae.encode(model, ids[:200]).norm(dim=1)
    assert torch.allclose(norms, torch.ones_like(norms), atol=1e-5)
    # the code does not depend on the padding after the first <eos>
    x = ids[:50].clone()
    padded = x.clone()
    padded[arae.token_mask(x) == 0] = 3                                    # garbage after the end
    assert torch.allclose(arae.encode(model, x), arae.encode(model, padded), atol=1e-6)


def test_slerp_stays_on_the_sphere_and_hits_both_ends():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(10, generator=g), torch.randn(10, generator=g)
    a, b = a / a.norm(), b / b.norm()
    path = arae.slerp(a, b, torch.linspace(0, 1, 9))
    assert torch.allclose(path.norm(dim=1), torch.ones(9), atol=1e-6)
    assert torch.allclose(path[0], a, atol=1e-6) and torch.allclose(path[-1], b, atol=1e-6)
    # equal angles between neighbours: the great circle, walked at constant speed
    angles = torch.arccos((path[1:] * path[:-1]).sum(1).clamp(-1, 1))
    assert torch.allclose(angles, angles.mean().expand_as(angles), atol=1e-5)
    assert math.isclose(angles.sum().item(), torch.arccos(a @ b).item(), rel_tol=1e-5)


def test_greedy_decoding_pads_with_eos_after_the_end(corpus_en):
    ids, _, vocab, _ = corpus_en
    model = arae.build(len(vocab), tiny())
    out = arae.decode(model, arae.encode(model, ids[:20]), temperature=1.5,
                      generator=torch.Generator().manual_seed(0))
    ends = arae.first_eos(out)
    after = torch.arange(16).unsqueeze(0) > ends.unsqueeze(1)
    assert (out[after] == 0).all()


# ------------------------------------------------------------------------------------------------
# The losses

def test_reconstruction_loss_is_the_mean_nll_of_the_teacher_forced_decoder(corpus_en):
    ids, _, vocab, _ = corpus_en
    model = arae.build(len(vocab), tiny(seed=1))
    x = ids[:8]
    loss, acc = arae.reconstruction_loss(model, x)
    codes = model.encoder(x)
    total, count, right = 0.0, 0, 0
    for b in range(x.shape[0]):                                            # one sentence, one position at a time
        length = int((x[b] != 0).sum())                                    # words; the <eos> at `length` counts too
        logits = model.decoder(x[b: b + 1], codes[b: b + 1])[0]            # (T, V)
        for t in range(length + 1):
            total -= torch.log_softmax(logits[t], 0)[x[b, t]].item()
            right += int(logits[t].argmax() == x[b, t])
            count += 1
    assert math.isclose(loss.item(), total / count, rel_tol=1e-5)
    assert math.isclose(acc, right / count, rel_tol=1e-6)


def test_wasserstein_1d_is_exact():
    assert arae.wasserstein_1d([0.0, 1.0, 2.0], [3.0, 1.0, 2.0]) == pytest.approx(1.0)
    assert arae.wasserstein_1d([0.0, 0.0], [0.0, 4.0]) == pytest.approx(2.0)
    # against the integral of |F_x - F_y| computed on a fine grid
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(50, generator=g), 0.7 + 2 * torch.rand(50, generator=g)
    grid = torch.linspace(-6, 6, 200_001, dtype=torch.float64)
    fx = (x.double().unsqueeze(1) <= grid).double().mean(0)
    fy = (y.double().unsqueeze(1) <= grid).double().mean(0)
    assert arae.wasserstein_1d(x, y) == pytest.approx(((fx - fy).abs().sum() * (grid[1] - grid[0])).item(), abs=1e-3)
    with pytest.raises(ValueError, match="equal size"):
        arae.wasserstein_1d([1.0, 2.0], [1.0])


def test_critics_obey_kantorovich_rubinstein_and_gp_estimates_w1():
    """For any critic f with Lipschitz constant L: E f(real) - E f(fake) <= L * W (exact W by sorting).
    A gradient-penalty critic has L near 1, so its estimate is near W; a clipped one has a tiny,
    unknown L, so its estimate is W only up to that scale."""
    g = torch.Generator().manual_seed(0)
    real = torch.randn(2000, 1, generator=g)
    fake = 0.5 * torch.randn(2000, 1, generator=g) + 2.0
    exact = arae.wasserstein_1d(real, fake)                                # about 1.97
    lo, hi = min(real.min(), fake.min()).item(), max(real.max(), fake.max()).item()
    critic, gp = arae.fit_critic(real, fake, regulariser="gp", steps=600, seed=0)
    slope = arae.max_slope(critic, lo, hi)
    assert gp / slope <= exact + 1e-6
    assert gp / slope > 0.8 * exact and 0.9 < slope < 1.5
    assert gp == pytest.approx(exact, rel=0.15)
    critic, clipped = arae.fit_critic(real, fake, regulariser="clip", clip=0.01, steps=300, seed=0)
    assert all(p.abs().max() <= 0.01 + 1e-7 for p in critic.parameters())
    slope = arae.max_slope(critic, lo, hi)
    assert 0 < clipped < 0.01 * exact and slope < 0.01
    assert clipped / slope <= exact + 1e-6
    assert clipped / slope > 0.6 * exact


def test_critic_weight_clipping_is_respected_during_training(corpus_en):
    ids, _, vocab, _ = corpus_en
    result = arae.train(tiny(regulariser="clip", clip=0.02, iterations=4), ids[:200], vocab=vocab)
    params = list(result.model.critic.parameters())
    assert max(p.abs().max().item() for p in params) <= 0.02 + 1e-7
    assert max(p.abs().max().item() for p in params) == pytest.approx(0.02)   # clipping was active


# ------------------------------------------------------------------------------------------------
# Training on the grammar corpus

def test_quick_training_reconstructs_well_above_chance(quick_en, corpus_en):
    _, heldout, vocab, gram = corpus_en
    model = quick_en.model
    loss, acc = arae.reconstruction_loss(model, heldout)
    chance = 1 / len(vocab)                                                # about 0.012
    unigram = torch.bincount(heldout[arae.token_mask(heldout) == 1], minlength=len(vocab)).max().item() / \
        arae.token_mask(heldout).sum().item()                               # always the most frequent token
    assert acc > 0.6 and acc > 3 * unigram > 30 * chance
    assert loss.item() < math.log(len(vocab)) / 2
    history = quick_en.history
    assert history["rec_loss"][-1] < history["rec_loss"][0] / 2
    assert len(history["eval"]) == 6 and all(0 <= row["grammaticality"] <= 1 for row in history["eval"])
    rate = grammar.grammaticality_rate(arae.sample(model, 200, generator=torch.Generator().manual_seed(0)), gram, vocab)
    assert rate > 0.5


def test_interpolation_endpoints_decode_to_the_endpoints_reconstructions(quick_en, corpus_en):
    _, heldout, _, _ = corpus_en
    model = quick_en.model
    for i in range(3):
        a, b = heldout[2 * i], heldout[2 * i + 1]
        for path in ("sphere", "line"):
            out, codes = arae.interpolate(model, a, b, 5, path=path, return_codes=True)
            assert torch.equal(out[0], arae.reconstruct(model, a)[0])
            assert torch.equal(out[-1], arae.reconstruct(model, b)[0])
        assert torch.allclose(codes.norm(dim=1)[[0, -1]], torch.ones(2), atol=1e-6)


# ------------------------------------------------------------------------------------------------
# Settings and determinism

@pytest.mark.parametrize("field, value, message", [
    ("code_dim", 0, "code_dim"), ("batch_size", 2.5, "batch_size"), ("iterations", -1, "iterations"),
    ("ae_lr", 0.0, "ae_lr"), ("gan_lr", float("nan"), "gan_lr"), ("clip", -0.01, "clip"),
    ("code_noise", -0.1, "code_noise"), ("adv_weight", float("inf"), "adv_weight"), ("regulariser", "l2", "regulariser"),
    ("gan_betas", (0.5, 1.0), "gan_betas"), ("gan_betas", (0.5,), "gan_betas"), ("seed", -1, "seed"),
    ("seed", True, "seed"), ("gan_start", -2, "gan_start"), ("critic_steps", 0, "critic_steps"),
    ("gp_weight", 0, "gp_weight"), ("eval_samples", 0, "eval_samples"),
])
def test_bad_settings_raise_value_errors_that_name_the_field(field, value, message):
    with pytest.raises(ValueError, match=message):
        arae.ARAEConfig.preset("quick", **{field: value})


def test_bad_calls_raise_value_errors(corpus_en):
    ids, _, vocab, _ = corpus_en
    with pytest.raises(ValueError, match="unknown preset"):
        arae.ARAEConfig.preset("huge")
    with pytest.raises(ValueError, match="vocab"):
        arae.train(tiny(), ids[:50])
    with pytest.raises(ValueError, match="ARAEConfig"):
        arae.train({"iterations": 3}, ids[:50], vocab=vocab)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        arae.train(tiny(), ids[:50] + 1000, vocab=vocab)
    model = arae.build(len(vocab), tiny())
    with pytest.raises(ValueError, match="steps"):
        arae.interpolate(model, ids[0], ids[1], 1)
    with pytest.raises(ValueError, match="path"):
        arae.interpolate(model, ids[0], ids[1], 3, path="zigzag")
    with pytest.raises(ValueError, match="one sentence"):
        arae.interpolate(model, ids[:2], ids[1], 3)
    with pytest.raises(ValueError, match="shape"):
        arae.decode(model, torch.zeros(2, 5))
    with pytest.raises(ValueError, match="temperature"):
        arae.decode(model, torch.zeros(2, 16), temperature=0)
    with pytest.raises(ValueError, match="token ids"):
        arae.encode(model, [[1, 2, 0]])
    with pytest.raises(ValueError, match="n must be"):
        arae.sample(model, 0)


def test_training_is_deterministic_from_the_seed_and_leaves_the_global_rng_alone(corpus_en):
    ids, _, vocab, gram = corpus_en
    before = torch.get_rng_state()
    a = arae.train(tiny(seed=5), ids[:300], vocab=vocab, grammar=gram)
    b = arae.train(tiny(seed=5), ids[:300], vocab=vocab, grammar=gram)
    c = arae.train(tiny(seed=6), ids[:300], vocab=vocab, grammar=gram)
    assert torch.equal(torch.get_rng_state(), before)
    assert a.history == b.history
    assert all(torch.equal(p, q) for p, q in zip(a.model.parameters(), b.model.parameters()))
    assert not all(torch.equal(p, q) for p, q in zip(a.model.parameters(), c.model.parameters()))
    rng = lambda: torch.Generator().manual_seed(1)  # noqa: E731
    assert torch.equal(arae.sample(a.model, 10, generator=rng()), arae.sample(b.model, 10, generator=rng()))


def test_training_on_thai_sentences_with_their_vocabulary():
    sentences, vocab, gram = grammar.corpus("th", n=300, seed=0)
    result = arae.train(tiny(), sentences, vocab=vocab, grammar=gram)         # lists of words, encoded by vocab
    assert len(result.history["rec_loss"]) == 6
    out = vocab.decode(arae.reconstruct(result.model, vocab.encode(sentences[:3])))
    assert len(out) == 3 and all(isinstance(w, str) and w in vocab for s in out for w in s)
    # the Thai words went in as ids of the Thai vocabulary: decoding the input gives the sentences back
    assert vocab.decode(vocab.encode(sentences[:3])) == [list(s) for s in sentences[:3]]
    assert len(vocab) == len(set(w for s in sentences for w in s) | set(vocab.tokens))


# ------------------------------------------------------------------------------------------------
# The widget

def test_interpolation_widget_draws_a_labelled_figure_in_both_languages(recwarn):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from gan4nlp import widgets
    from gan4nlp.widgets import arae as arae_widgets

    sentences, vocab, gram = grammar.corpus("th", n=200, seed=0)
    ids = vocab.encode(sentences)
    model = arae.train(tiny(), ids, vocab=vocab).model
    for lang in ("en", "th"):
        explorer = arae_widgets.interpolation_explorer(model, vocab, ids[:40], grammar=gram, lang=lang)
        fig = explorer.figure
        assert isinstance(fig, Figure) and len(fig.axes) == 2
        widgets.render_png(fig)
        fig = explorer.update(pair=2, steps=5, path="line")                 # reuses the laid-out figure
        widgets.render_png(fig)
        texts = [t.get_text() for t in fig.axes[1].texts]
        assert texts[0] == "A" and "B" in texts and len(texts) == 4 * 5
        assert any(grammar.join_thai(s) in texts for s in vocab.decode(arae.interpolate(model, ids[4], ids[5], 5)))
        title = fig.axes[1].get_title()
        assert ("เส้นตรง" in title) == (lang == "th") and ("straight line" in title) == (lang == "en")
    assert not [w for w in recwarn if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    with pytest.raises(ValueError, match="pair"):
        arae_widgets.draw_interpolation(model, vocab, [(ids[0], ids[1])], pair=3)


# ------------------------------------------------------------------------------------------------
# The exercises

def test_chapter_10_exercise_checks(capsys):
    from gan4nlp.exercises import ch10

    u = torch.tensor([0.3, -1.2, 2.5, 0.0, 1.1])
    v = torch.tensor([1.0, 0.4, -0.5, 3.0, 2.2])
    assert ch10.check_wasserstein(0.68, u, v)
    assert not ch10.check_wasserstein((u - v).abs().mean().item(), u, v)      # unsorted pairs: wrong
    assert not ch10.check_wasserstein([1, 2], u, v, lang="th")                # not one number
    sentences, vocab, _ = grammar.corpus("en", n=50, seed=0)
    ids = vocab.encode(sentences)
    model = arae.build(len(vocab), tiny(seed=2))
    x = ids[:1]
    with torch.no_grad():
        log_p = torch.log_softmax(model.decoder(x, model.encoder(x)), -1).gather(-1, x.unsqueeze(-1)).squeeze(-1)
    total = -(log_p * arae.token_mask(x)).sum().item()
    assert ch10.check_sentence_nll(total, model, ids[0], lang="th")
    assert not ch10.check_sentence_nll(total / arae.token_mask(x).sum().item(), model, ids[0])   # the mean
    ca, cb = arae.encode(model, ids[0])[0], arae.encode(model, ids[1])[0]
    assert ch10.check_midpoint_norm(((ca + cb) / 2).norm().item(), model, ids[0], ids[1])
    assert not ch10.check_midpoint_norm(1.0, model, ids[0], ids[1])
    out = capsys.readouterr().out
    assert "Correct" in out and "ถูกต้อง" in out and "Not yet" in out
