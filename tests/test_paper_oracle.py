"""Loading the SeqGAN authors' oracle file (`gan4nlp.paper_oracle`, chapter 8): layout, an exact
forward pass against a hand-written LSTM, and refusal of pickles that would run code."""
import json
import os
import pickle

import numpy as np
import pytest
import torch

from gan4nlp import paper_oracle
from gan4nlp.evaluation import nll
from gan4nlp.oracle import oracle_data
from gan4nlp.seqgan import SeqGANConfig, train

V, E, H = 11, 3, 4


def fake_params(seed=0, v=V, e=E, h=H):
    rng = np.random.default_rng(seed)
    shapes = [(v, e)] + [(e, h), (h, h), (h,)] * 4 + [(h, v), (v,)]
    return [rng.normal(0, 1, s).astype(np.float32) for s in shapes]


def write(path, obj, protocol=3):
    with open(path, "wb") as f:
        pickle.dump(obj, f, protocol=protocol)
    return path


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def reference_log_prob(params, tokens):
    """log p(Y) of each row of `tokens`, from the file's formulas in float64 numpy."""
    emb, wi, ui, bi, wf, uf, bf, wog, uog, bog, wc, uc, bc, wo, bo = [p.astype(np.float64) for p in params]
    out = []
    for seq in tokens:
        h, c, x, total = np.zeros(H), np.zeros(H), emb[0], 0.0      # start token 0, h0 = c0 = 0
        for y in seq:
            i = sigmoid(x @ wi + h @ ui + bi)
            f = sigmoid(x @ wf + h @ uf + bf)
            o = sigmoid(x @ wog + h @ uog + bog)
            c = f * c + i * np.tanh(x @ wc + h @ uc + bc)
            h = o * np.tanh(c)
            logits = h @ wo + bo
            total += logits[y] - np.log(np.exp(logits - logits.max()).sum()) - logits.max()
            x = emb[y]
        out.append(total)
    return np.array(out)


def test_loader_reproduces_the_hand_computed_forward_pass(tmp_path):
    params = fake_params()
    oracle = paper_oracle.load(write(tmp_path / "p.pkl", params))
    tokens = torch.randint(V, (6, 5), generator=torch.Generator().manual_seed(1))
    ours = oracle.log_prob(tokens).sum(-1).double().numpy()                    # (6,)
    np.testing.assert_allclose(ours, reference_log_prob(params, tokens.numpy()), rtol=1e-5, atol=1e-5)
    assert not any(p.requires_grad for p in oracle.parameters())


def test_loader_accepts_the_old_numpy_module_name(tmp_path):
    """The authors' file names numpy.core.multiarray._reconstruct (numpy 1.x); numpy 2 writes numpy._core."""
    params = fake_params(seed=2)
    raw = pickle.dumps(params, protocol=3)          # the protocol of the authors' file
    old = raw.replace(b"numpy._core.multiarray\n_reconstruct", b"numpy.core.multiarray\n_reconstruct")
    assert b"numpy.core.multiarray\n_reconstruct" in old
    loaded = paper_oracle.load_params(_write_bytes(tmp_path / "old.pkl", old))
    for a, b in zip(loaded, params):
        np.testing.assert_array_equal(a, b)


def _write_bytes(path, data):
    path.write_bytes(data)
    return path


class _Exploit:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_a_pickle_that_would_run_code_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    path = write(tmp_path / "evil.pkl", [_Exploit(marker)] + fake_params()[1:])
    with pytest.raises(ValueError, match=r"not a plain list of numpy arrays .*(system|posix).*refusing"):
        paper_oracle.load(path)
    assert not marker.exists()


@pytest.mark.parametrize("bad, match", [
    (lambda p: p[:14], "list of 15 numpy arrays"),
    (lambda p: p[:13] + [p[13].T, p[14]], "Wo has shape"),
    (lambda p: {"params": p}, "list of 15 numpy arrays"),
])
def test_wrong_layouts_are_refused(tmp_path, bad, match):
    with pytest.raises(ValueError, match=match):
        paper_oracle.load(write(tmp_path / "bad.pkl", bad(fake_params())))


def test_missing_or_garbled_file(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        paper_oracle.load(tmp_path / "nope.pkl")
    (tmp_path / "junk.pkl").write_bytes(b"\x80\x03junk")
    with pytest.raises(ValueError, match="could not be read"):
        paper_oracle.load(tmp_path / "junk.pkl")


def test_a_run_on_a_paper_format_oracle_records_which_oracle(tmp_path, one_thread):
    path = write(tmp_path / "target.pkl", [p * 0.5 for p in fake_params(3, v=500, e=32, h=32)])
    config = SeqGANConfig.preset("quick", oracle_source="paper", oracle_path=str(path), pretrain_epochs=1,
                                 d_pretrain_rounds=1, adv_iterations=2, eval_every=2)
    history = train(config, tmp_path / "run", progress=False)
    assert history["oracle"] == history["final"]["oracle"] == "paper"
    saved = json.loads((tmp_path / "run" / "history.json").read_text())
    assert saved["oracle"] == "paper"
    with pytest.raises(ValueError, match="sizes"):
        train(SeqGANConfig.preset("quick", oracle_source="paper", oracle_path=str(write(tmp_path / "small.pkl",
                                                                                         fake_params()))))
    with pytest.raises(ValueError, match="oracle_source"):
        SeqGANConfig.preset("quick", oracle_source="authors")


REAL = os.environ.get("GAN4NLP_PAPER_ORACLE") or str(paper_oracle.cached_path())


@pytest.mark.skipif(not os.path.exists(REAL), reason="the authors' oracle file is not on this machine "
                                                      "(set GAN4NLP_PAPER_ORACLE to its path)")
def test_the_authors_file_gives_their_oracle(one_thread):
    oracle = paper_oracle.load(REAL)
    assert (oracle.vocab_size, oracle.embedding.embedding_dim, oracle.rnn.hidden_size) == (5000, 32, 32)
    samples = oracle_data(oracle, 2000, 20, seed=0)
    per_sequence = -oracle.log_prob(samples).mean(-1)                            # (2000,)
    stderr = float(per_sequence.std()) / 2000 ** 0.5
    assert abs(nll(oracle, samples) - 5.75) < 0.02 + 4 * stderr                  # the 5.754 nats/token
