"""The continuous road: an adversarially regularised autoencoder, ARAE (chapter 10; Zhao et al. 2018).

A text GAN's generator samples tokens, and sampling has no gradient (chapter 1). ARAE moves the
game into a continuous space. An autoencoder maps a sentence x to a code c = enc_phi(x) on the
unit sphere and reads it back with a decoder p_psi(x | c); a code generator g_theta turns
Gaussian noise z into a code c~ = g_theta(z); a critic f_w compares real codes with generated
ones. Everything the adversarial game touches is a vector, so its gradients flow; the discrete
part, the decoder, is trained only by teacher-forced maximum likelihood.

    config = ARAEConfig.preset("quick")
    sentences, vocab, grammar = grammar.corpus("en", n=4000)
    result = train(config, vocab.encode(sentences), vocab=vocab, grammar=grammar)
    model = result.model
    reconstruct(model, ids)                 # (B, T): decode(encode(ids)), greedy
    sample(model, 10)                       # (10, T): decode(g_theta(z)), z ~ N(0, I)
    interpolate(model, ids[0], ids[1], 5)   # (5, T): decoded points on the great circle between two codes

The objective (the paper's section 3), in the order `train` takes its steps each iteration:

    1. autoencoder + 4. encoder, one Adam step together:
         min_{phi,psi}  L_rec + lambda * E_x[f_w(enc_phi(x))]
         L_rec = mean over positions of -log p_psi(x_t | x_<t, c + sigma eps)     (teacher forcing)
    2. critic, `critic_steps` times:
         max_w  E_x[f_w(enc_phi(x))] - E_z[f_w(g_theta(z))]     under a Lipschitz constraint
    3. code generator:
         min_theta  -E_z[f_w(g_theta(z))]                        (move fake codes to where f is high)

Steps 2-3 estimate and shrink the Wasserstein-1 distance between the distribution P_Q of real
codes and P_g of generated codes, in the Kantorovich-Rubinstein form
W(P_Q, P_g) = sup_{||f||_L <= 1} E_{P_Q}[f] - E_{P_g}[f]. The lambda term is the adversarial
regularisation of the encoder: real codes are pulled towards where the critic scores low, that
is towards codes the generator produces, while L_rec keeps them decodable. Sampling a sentence
= decoding g_theta(z).

Following the paper's code (github.com/jakezhaojb/ARAE): the code is the encoder LSTM's hidden
state after reading the sentence and its first <eos>, divided by its norm (unit sphere);
Gaussian noise of std `code_noise` is added to each coordinate of the code before decoding during
training; the decoder reads the code concatenated to every input embedding; the code generator is
an MLP whose output is not normalised. Differences, for a CPU budget or for clarity:

- the critic's Lipschitz constraint defaults to a gradient penalty (``regulariser="gp"``,
  Gulrajani et al. 2017: gp_weight * E(||grad f|| - 1)^2 at random points between real and fake
  codes), so that E f(real) - E f(fake) reads as an estimate of W itself; ``"clip"`` is the
  paper's weight clipping at 0.01, under which f is L-Lipschitz for some small unknown L and the
  same gap estimates only L * W (chapter 10 shows both on a 1-D problem);
- Adam for every part (the paper uses SGD for the autoencoder), learning rates for 300
  iterations; no batch normalisation in the MLPs;
- the encoder's adversarial term is added to the reconstruction loss with lambda = 0.01 (the paper
  takes a separate step and rescales that gradient to the autoencoder's gradient norm times 0.01);
- within one iteration the critic's real codes are the autoencoder batch's codes (the paper draws
  a fresh batch for each critic step).

The reconstruction loss counts the positions up to and including the first <eos> (the padding
after it is masked).

Deterministic from ``config.seed``: parameters are initialised inside `torch.random.fork_rng`
(the global random state is left as it was) and every draw during training comes from a
private `torch.Generator`. There is no module-level mutable state.
"""
from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from . import _checks

REGULARISERS = ("clip", "gp")
PRESETS = ("quick", "full")


# ------------------------------------------------------------------------------------------------
# Configuration

@dataclass
class ARAEConfig:
    """Every setting of an ARAE run; ``preset("quick")`` for notebooks and tests, ``"full"`` for the
    recorded benchmark. Bad values raise a ValueError naming the field."""

    seed: int = 0                   # initial parameters and every random draw of training
    embed_dim: int = 32             # word embedding size (encoder and decoder)
    code_dim: int = 128             # size of the code c = encoder LSTM hidden size = decoder LSTM size
    noise_dim: int = 32             # size of the generator's Gaussian input z
    mlp_dim: int = 128              # width of the two hidden layers of the code generator and of the critic
    batch_size: int = 64            # sentences (and noise vectors) per step
    iterations: int = 300           # training iterations (one autoencoder step + critic/generator/encoder steps)
    ae_lr: float = 1e-2             # Adam learning rate of the encoder and decoder
    gan_lr: float = 5e-4            # Adam learning rate of the code generator and of the critic
    gan_betas: tuple = (0.5, 0.9)   # Adam betas of the code generator and of the critic
    grad_clip: float = 1.0          # gradient-norm clip of the autoencoder's reconstruction step
    code_noise: float = 0.05        # std of the Gaussian noise added to each code coordinate before decoding (training)
    critic_steps: int = 5           # critic updates per iteration
    regulariser: str = "gp"         # critic's Lipschitz constraint: "gp" (gradient penalty) or "clip" (the paper)
    clip: float = 0.01              # weight clipping: every critic parameter is kept in [-clip, clip]
    gp_weight: float = 10.0         # gradient penalty weight (regulariser "gp")
    adv_weight: float = 0.01        # lambda: weight of the encoder's adversarial term lambda * E[f(enc(x))]
    gan_start: int = 0              # iterations of reconstruction only before the critic/generator/encoder steps
    eval_every: int = 50            # iterations between evaluations (grammaticality of samples, code norms)
    eval_samples: int = 200         # sentences decoded from the code generator per evaluation

    def __post_init__(self):
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {self.seed!r}")
        for name in ("embed_dim", "code_dim", "noise_dim", "mlp_dim", "batch_size", "iterations",
                     "critic_steps", "eval_every", "eval_samples"):
            _checks.positive_int(name, getattr(self, name))
        if isinstance(self.gan_start, bool) or not isinstance(self.gan_start, int) or self.gan_start < 0:
            raise ValueError(f"gan_start must be a non-negative integer, got {self.gan_start!r}")
        for name in ("ae_lr", "gan_lr", "grad_clip", "clip", "gp_weight"):
            _checks.positive_float(name, getattr(self, name))
        for name in ("code_noise", "adv_weight"):
            _checks.non_negative_float(name, getattr(self, name))
        if self.regulariser not in REGULARISERS:
            raise ValueError(f"regulariser must be one of {REGULARISERS} (weight clipping or gradient penalty), "
                             f"got {self.regulariser!r}")
        betas = tuple(self.gan_betas) if isinstance(self.gan_betas, (tuple, list)) else None
        if (betas is None or len(betas) != 2 or not all(isinstance(b, (int, float)) and not isinstance(b, bool)
                                                        and 0.0 <= b < 1.0 for b in betas)):
            raise ValueError(f"gan_betas must be two numbers in [0, 1), got {self.gan_betas!r}")
        self.gan_betas = tuple(float(b) for b in betas)

    @classmethod
    def preset(cls, name: str, **overrides) -> "ARAEConfig":
        """``quick``: 300 iterations, under 10 s on one CPU thread (notebooks, tests); ``full``: the same
        networks trained ten times longer, one to two minutes per language on one thread
        (`benchmarks/arae_run.py`). Overrides replace fields."""
        if name == "quick":
            base = cls()
        elif name == "full":
            base = cls(iterations=3000, eval_every=100, eval_samples=500)
        else:
            raise ValueError(f"unknown preset {name!r}; choose one of {PRESETS}")
        return dataclasses.replace(base, **overrides)

    def to_dict(self) -> dict:
        return json.loads(json.dumps(dataclasses.asdict(self)))   # tuples -> lists: plain types only


# ------------------------------------------------------------------------------------------------
# The four networks

def first_eos(ids: torch.Tensor, eos: int = 0) -> torch.Tensor:
    """Index of the first <eos> in each row of ids (B, T) -> (B,) long; T - 1 where a row has none."""
    is_eos = ids == eos                                                    # (B, T)
    pos = torch.where(is_eos.any(1), is_eos.float().argmax(1), torch.full_like(ids[:, 0], ids.shape[1] - 1))
    return pos.long()


def token_mask(ids: torch.Tensor, eos: int = 0) -> torch.Tensor:
    """1.0 at the positions up to and including the first <eos>, 0.0 on the padding after it: (B, T)."""
    t = torch.arange(ids.shape[1], device=ids.device)
    return (t.unsqueeze(0) <= first_eos(ids, eos).unsqueeze(1)).float()


class Encoder(nn.Module):
    """enc_phi: embedding -> LSTM; the code is the hidden state after the first <eos>, normalised."""

    def __init__(self, vocab_size: int, embed_dim: int, code_dim: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.LSTM(embed_dim, code_dim, batch_first=True)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        end = first_eos(ids)                                               # (B,)
        ids = ids[:, : int(end.max()) + 1]                                 # the LSTM never needs what follows
        h, _ = self.rnn(self.embedding(ids))                               # (B, T, H)
        last = h.gather(1, end.view(-1, 1, 1).expand(-1, 1, h.shape[2])).squeeze(1)   # (B, H)
        return last / last.norm(dim=1, keepdim=True).clamp_min(1e-12)      # (B, H), ||c|| = 1


class Decoder(nn.Module):
    """p_psi(x | c): an LSTM language model that reads [embedding of x_{t-1}; c] at every step.

    The start symbol is an extra embedding row (id V), as in `policy.Generator`."""

    def __init__(self, vocab_size: int, embed_dim: int, code_dim: int):
        super().__init__()
        self.vocab_size = vocab_size
        self.bos = vocab_size
        self.embedding = nn.Embedding(vocab_size + 1, embed_dim)
        self.rnn = nn.LSTM(embed_dim + code_dim, code_dim, batch_first=True)
        self.out = nn.Linear(code_dim, vocab_size)

    def forward(self, ids: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits (B, T, V): row t scores x_t given x_<t and the code (B, H)."""
        inputs = torch.cat([torch.full_like(ids[:, :1], self.bos), ids[:, :-1]], 1)      # (B, T)
        x = self.embedding(inputs)                                                        # (B, T, E)
        x = torch.cat([x, codes.unsqueeze(1).expand(-1, ids.shape[1], -1)], 2)           # (B, T, E + H)
        h, _ = self.rnn(x)                                                                # (B, T, H)
        return self.out(h)                                                                # (B, T, V)

    @torch.no_grad()
    def generate(self, codes: torch.Tensor, length: int, temperature: float | None = None,
                 generator: torch.Generator | None = None) -> torch.Tensor:
        """Tokens (B, length) from codes (B, H): greedy (argmax) when temperature is None, else sampled
        from softmax(logits / temperature). Everything after a row's first <eos> is <eos>."""
        b = codes.shape[0]
        token = torch.full((b,), self.bos, dtype=torch.long, device=codes.device)
        state, out = None, torch.zeros(b, length, dtype=torch.long, device=codes.device)
        done = torch.zeros(b, dtype=torch.bool, device=codes.device)
        for t in range(length):
            x = torch.cat([self.embedding(token), codes], 1).unsqueeze(1)                # (B, 1, E + H)
            h, state = self.rnn(x, state)
            logits = self.out(h.squeeze(1))                                               # (B, V)
            if temperature is None:
                token = logits.argmax(1)
            else:
                probs = torch.softmax(logits / temperature, 1)
                token = torch.multinomial(probs, 1, generator=generator).squeeze(1)
            token = torch.where(done, torch.zeros_like(token), token)                     # <eos> = 0 after the end
            out[:, t] = token
            done |= token == 0
        return out


def _mlp(sizes: list[int], act: nn.Module) -> nn.Sequential:
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(act)
    return nn.Sequential(*layers)


class CodeGenerator(nn.Module):
    """g_theta: Gaussian noise z (B, noise_dim) -> a code (B, H); an MLP with two ReLU hidden layers.
    Its output is not normalised: the critic has to teach it where the real codes lie."""

    def __init__(self, noise_dim: int, mlp_dim: int, code_dim: int):
        super().__init__()
        self.noise_dim = noise_dim
        self.net = _mlp([noise_dim, mlp_dim, mlp_dim, code_dim], nn.ReLU())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class Critic(nn.Module):
    """f_w: a code (B, H) -> a score (B,); an MLP with two LeakyReLU(0.2) hidden layers. High for real codes."""

    def __init__(self, code_dim: int, mlp_dim: int):
        super().__init__()
        self.net = _mlp([code_dim, mlp_dim, mlp_dim, 1], nn.LeakyReLU(0.2))

    def forward(self, codes: torch.Tensor) -> torch.Tensor:
        return self.net(codes).squeeze(-1)

    @torch.no_grad()
    def clip_(self, clip: float) -> None:
        """Weight clipping (WGAN): every parameter into [-clip, clip]."""
        for p in self.parameters():
            p.clamp_(-clip, clip)


class ARAE(nn.Module):
    """The four networks of an ARAE: encoder, decoder, code generator, critic."""

    def __init__(self, vocab_size: int, config: ARAEConfig, length: int = 16):
        super().__init__()
        self.vocab_size = _checks.positive_int("vocab_size", vocab_size)
        self.length = _checks.positive_int("length", length)
        self.config = config
        self.encoder = Encoder(vocab_size, config.embed_dim, config.code_dim)
        self.decoder = Decoder(vocab_size, config.embed_dim, config.code_dim)
        self.generator = CodeGenerator(config.noise_dim, config.mlp_dim, config.code_dim)
        self.critic = Critic(config.code_dim, config.mlp_dim)

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """z ~ N(0, I): (n, noise_dim)."""
        return torch.randn(n, self.config.noise_dim, generator=generator, device=self.decoder.out.weight.device)


def build(vocab_size: int, config: ARAEConfig, length: int = 16) -> ARAE:
    """An untrained ARAE whose initial parameters depend only on ``config.seed`` (the global random
    state is restored afterwards)."""
    if not isinstance(config, ARAEConfig):
        raise ValueError(f"config must be an ARAEConfig (e.g. ARAEConfig.preset('quick')), got {type(config).__name__}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        return ARAE(vocab_size, config, length)


# ------------------------------------------------------------------------------------------------
# Losses

def reconstruction_loss(model: ARAE, ids: torch.Tensor, codes: torch.Tensor | None = None) -> tuple:
    """The teacher-forced reconstruction loss and token accuracy of ids (B, T).

    loss = sum_{b,t} m_bt * (-log p_psi(x_bt | x_b,<t, c_b)) / sum_{b,t} m_bt, with m the mask of
    positions up to the first <eos> (`token_mask`); c = enc_phi(x) unless ``codes`` (B, H) is given.
    accuracy = the fraction of those positions where the decoder's most probable token is x_bt.
    Returns (loss (differentiable scalar), accuracy (float))."""
    ids = _checks.token_batch(ids, model.vocab_size, "ids")
    if codes is None:
        codes = model.encoder(ids)
    ids = ids[:, : int(first_eos(ids).max()) + 1]                          # drop columns that are padding in every row
    logits = model.decoder(ids, codes)                                     # (B, T, V)
    nll = F.cross_entropy(logits.transpose(1, 2), ids, reduction="none")   # (B, T)
    mask = token_mask(ids)                                                 # (B, T)
    loss = (nll * mask).sum() / mask.sum()
    accuracy = (((logits.argmax(-1) == ids).float() * mask).sum() / mask.sum()).item()
    return loss, accuracy


def gradient_penalty(critic: Critic, real: torch.Tensor, fake: torch.Tensor,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """WGAN-GP: E[(||grad_c f(c)|| - 1)^2] at c = u real + (1 - u) fake, u ~ U(0, 1) per row."""
    u = torch.rand(real.shape[0], 1, generator=generator, device=real.device)
    mid = (u * real + (1 - u) * fake).requires_grad_(True)                # (B, H)
    grad, = torch.autograd.grad(critic(mid).sum(), mid, create_graph=True)
    return ((grad.norm(dim=1) - 1) ** 2).mean()


def critic_step(critic: Critic, opt, real: torch.Tensor, fake: torch.Tensor, *, regulariser: str = "clip",
                clip: float = 0.01, gp_weight: float = 10.0, generator: torch.Generator | None = None) -> float:
    """One critic update on detached codes: minimise -(E f(real) - E f(fake)) [+ gp_weight * penalty],
    then clip the weights (regulariser "clip"). Returns the estimate E f(real) - E f(fake) before the step."""
    gap = critic(real).mean() - critic(fake).mean()
    loss = -gap
    if regulariser == "gp":
        loss = loss + gp_weight * gradient_penalty(critic, real, fake, generator)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if regulariser == "clip":
        critic.clip_(clip)
    return gap.item()


# ------------------------------------------------------------------------------------------------
# Training

@dataclass
class TrainResult:
    """What `train` returns: the trained model, the history and the settings."""

    model: ARAE
    history: dict
    config: ARAEConfig
    vocab: object = None
    grammar: object = None
    seconds: float = 0.0


def _as_ids(data, vocab) -> torch.Tensor:
    if isinstance(data, torch.Tensor):
        if vocab is None:
            raise ValueError("pass vocab= with the token ids (it gives the vocabulary size)")
        return _checks.token_batch(data, len(vocab), "data")
    if vocab is None:
        raise ValueError("data is a list of sentences: pass vocab= to encode it")
    return vocab.encode(data)


def _history() -> dict:
    return {"iteration": [], "rec_loss": [], "rec_acc": [], "critic_gap": [], "g_loss": [], "enc_loss": [],
            "eval": []}


def train(config: ARAEConfig, data, vocab=None, grammar=None, *, progress: bool = False,
          heldout: torch.Tensor | None = None) -> TrainResult:
    """Trains an ARAE on ``data``: token ids (N, T) padded with <eos> = 0, or sentences (lists of
    words) with the `grammar.Vocabulary` that encodes them. With ``grammar``, every evaluation
    records the grammaticality rate of sentences decoded from the code generator.

    History (lists, one entry per iteration): ``rec_loss`` and ``rec_acc`` (teacher-forced, on the
    training batch), ``critic_gap`` (E f(real) - E f(fake) at the last critic step: the critic's
    estimate of W), ``g_loss``, ``enc_loss``; ``eval`` holds one dict per evaluation (iteration,
    rec_acc and exact-match rate of greedy reconstructions on ``heldout`` (or the first 500
    training rows), norm of generated codes, grammaticality and distinct fraction of samples).
    ``progress=True`` prints one line per evaluation (stdout)."""
    if not isinstance(config, ARAEConfig):
        raise ValueError(f"config must be an ARAEConfig, got {type(config).__name__}")
    ids = _as_ids(data, vocab)                                              # (N, T)
    if ids.shape[1] < 2:
        raise ValueError(f"sentences need at least 2 positions, got length {ids.shape[1]}")
    vocab_size = len(vocab)
    check = ids[:500] if heldout is None else _checks.token_batch(heldout, vocab_size, "heldout")
    start = time.perf_counter()
    model = build(vocab_size, config, ids.shape[1])
    rng = torch.Generator().manual_seed(config.seed + 1)
    ae_opt = torch.optim.Adam([*model.encoder.parameters(), *model.decoder.parameters()], lr=config.ae_lr)
    g_opt = torch.optim.Adam(model.generator.parameters(), lr=config.gan_lr, betas=config.gan_betas)
    c_opt = torch.optim.Adam(model.critic.parameters(), lr=config.gan_lr, betas=config.gan_betas)
    if config.regulariser == "clip":
        model.critic.clip_(config.clip)
    history = _history()
    n, b = ids.shape[0], min(config.batch_size, ids.shape[0])
    order, pos = torch.randperm(n, generator=rng), 0
    ae_params = [*model.encoder.parameters(), *model.decoder.parameters()]

    for it in range(1, config.iterations + 1):
        gan_on = it > config.gan_start
        # 1 + 4. autoencoder: teacher-forced reconstruction from a noisy code, plus the encoder's
        # adversarial term lambda * E f(enc(x)) (real codes move to where the critic scores low)
        if pos + b > n:
            order, pos = torch.randperm(n, generator=rng), 0
        x = ids[order[pos: pos + b]]                                       # (B, T)
        pos += b
        codes = model.encoder(x)                                           # (B, H), on the unit sphere
        noisy = codes + config.code_noise * torch.randn(codes.shape, generator=rng) if config.code_noise > 0 else codes
        rec_loss, rec_acc = reconstruction_loss(model, x, noisy)
        loss = rec_loss
        enc_loss = g_loss = gap = float("nan")
        if gan_on and config.adv_weight > 0:
            enc = config.adv_weight * model.critic(codes).mean()
            loss = loss + enc
            enc_loss = enc.item()
        ae_opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(ae_params, config.grad_clip)
        ae_opt.step()
        if gan_on:
            # 2. critic: estimate W between this batch's real codes and fresh generated codes
            real = codes.detach()
            for _ in range(config.critic_steps):
                with torch.no_grad():
                    fake = model.generator(model.noise(b, rng))            # (B, H)
                gap = critic_step(model.critic, c_opt, real, fake, regulariser=config.regulariser,
                                  clip=config.clip, gp_weight=config.gp_weight, generator=rng)
            # 3. code generator: raise the critic's score of generated codes
            g = -model.critic(model.generator(model.noise(b, rng))).mean()
            g_opt.zero_grad()
            g.backward()
            g_opt.step()
            g_loss = g.item()
        history["iteration"].append(it)
        history["rec_loss"].append(rec_loss.item())
        history["rec_acc"].append(rec_acc)
        history["critic_gap"].append(gap)
        history["g_loss"].append(g_loss)
        history["enc_loss"].append(enc_loss)
        if it % config.eval_every == 0 or it == config.iterations:
            row = evaluate(model, check, vocab=vocab, grammar=grammar, samples=config.eval_samples,
                           seed=config.seed * 1_000_003 + it)
            row["iteration"] = it
            history["eval"].append(row)
            if progress:
                print(f"iteration {it}: " + ", ".join(f"{k} {v:.3f}" for k, v in row.items() if k != "iteration"),
                      flush=True)
    model.eval()
    return TrainResult(model, history, config, vocab, grammar, time.perf_counter() - start)


@torch.no_grad()
def evaluate(model: ARAE, ids: torch.Tensor, vocab=None, grammar=None, samples: int = 200, seed: int = 0) -> dict:
    """Reconstruction of ids (teacher-forced loss and accuracy, exact-match rate of greedy
    reconstructions), mean norm of generated codes, and (with grammar and vocab) the grammaticality
    rate and distinct fraction of ``samples`` greedy sentences decoded from the code generator."""
    ids = _checks.token_batch(ids, model.vocab_size, "ids")
    loss, acc = reconstruction_loss(model, ids)
    rec = reconstruct(model, ids)
    rng = torch.Generator().manual_seed(seed)
    fake_codes = model.generator(model.noise(samples, rng))
    out = {"rec_loss": loss.item(), "rec_acc": acc, "exact_match": (rec == ids).all(1).float().mean().item(),
           "fake_code_norm": fake_codes.norm(dim=1).mean().item()}
    if grammar is not None and vocab is not None:
        from .grammar import grammaticality_rate
        fake = model.decoder.generate(fake_codes, model.length)
        out["grammaticality"] = grammaticality_rate(fake, grammar, vocab)
        out["distinct"] = len({tuple(r) for r in fake.tolist()}) / samples
    return out


# ------------------------------------------------------------------------------------------------
# Using a trained model

def _ids(model: ARAE, ids, name: str = "ids") -> torch.Tensor:
    if not isinstance(ids, torch.Tensor):
        raise ValueError(f"{name} must be a tensor of token ids (vocab.encode(sentences)), got {type(ids).__name__}")
    if ids.dim() == 1:
        ids = ids.unsqueeze(0)
    return _checks.token_batch(ids, model.vocab_size, name)


def _codes(model: ARAE, codes) -> torch.Tensor:
    if not isinstance(codes, torch.Tensor) or not codes.dtype.is_floating_point:
        raise ValueError("codes must be a float tensor of shape (B, code_dim)")
    if codes.dim() == 1:
        codes = codes.unsqueeze(0)
    if codes.dim() != 2 or codes.shape[1] != model.config.code_dim:
        raise ValueError(f"codes must have shape (B, {model.config.code_dim}), got {tuple(codes.shape)}")
    return codes


@torch.no_grad()
def encode(model: ARAE, ids: torch.Tensor) -> torch.Tensor:
    """Codes of sentences: ids (B, T) or (T,) -> (B, code_dim), each of norm 1."""
    return model.encoder(_ids(model, ids))


@torch.no_grad()
def decode(model: ARAE, codes: torch.Tensor, *, temperature: float | None = None,
           generator: torch.Generator | None = None, length: int | None = None) -> torch.Tensor:
    """Sentences from codes (B, code_dim) -> ids (B, length): greedy by default, sampled with a
    temperature. Rows are padded with <eos> after their first <eos>."""
    if temperature is not None:
        temperature = _checks.positive_float("temperature", temperature)
    length = model.length if length is None else _checks.positive_int("length", length)
    return model.decoder.generate(_codes(model, codes), length, temperature, generator)


def reconstruct(model: ARAE, ids: torch.Tensor, **kwargs) -> torch.Tensor:
    """decode(encode(ids)): (B, T) -> (B, T); keyword arguments go to `decode`."""
    return decode(model, encode(model, ids), **kwargs)


@torch.no_grad()
def sample(model: ARAE, n: int, *, generator: torch.Generator | None = None, temperature: float | None = None,
           return_codes: bool = False):
    """n new sentences: z ~ N(0, I), c = g_theta(z), decoded (greedy unless a temperature is given).
    Returns ids (n, T), or (ids, codes) with ``return_codes=True``."""
    n = _checks.positive_int("n", n)
    codes = model.generator(model.noise(n, generator))
    ids = decode(model, codes, temperature=temperature, generator=generator)
    return (ids, codes) if return_codes else ids


def slerp(a: torch.Tensor, b: torch.Tensor, alphas: torch.Tensor) -> torch.Tensor:
    """Spherical linear interpolation between unit vectors a and b (H,) at the fractions ``alphas``
    (S,): the points of the great circle from a (alpha = 0) to b (alpha = 1), all of norm 1: (S, H).

        slerp(a, b, alpha) = sin((1 - alpha) omega) / sin(omega) a + sin(alpha omega) / sin(omega) b,
        cos(omega) = a . b
    (the straight line, normalised, when a and b nearly coincide)."""
    a, b = a / a.norm(), b / b.norm()
    alphas = alphas.to(a.dtype).unsqueeze(1)                               # (S, 1)
    omega = torch.arccos((a @ b).clamp(-1.0, 1.0))
    if omega.item() < 1e-4:
        out = (1 - alphas) * a + alphas * b
    else:
        out = (torch.sin((1 - alphas) * omega) * a + torch.sin(alphas * omega) * b) / torch.sin(omega)
    return out / out.norm(dim=1, keepdim=True)


@torch.no_grad()
def interpolate(model: ARAE, a: torch.Tensor, b: torch.Tensor, steps: int = 5, *, path: str = "sphere",
                return_codes: bool = False):
    """Sentences along a path between the codes of sentences a and b (ids (T,) or (1, T)): ``steps``
    evenly spaced fractions alpha = 0 .. 1, decoded greedily: (steps, T). ``path="sphere"`` walks the
    great circle (`slerp`; every point a unit code like the training codes); ``"line"`` the straight
    chord (1 - alpha) c_a + alpha c_b, whose inner points have norm < 1. Row 0 is the reconstruction
    of a, the last row that of b. With ``return_codes=True`` returns (ids, codes)."""
    steps = _checks.positive_int("steps", steps)
    if steps < 2:
        raise ValueError(f"steps must be at least 2 (the two endpoints), got {steps}")
    if path not in ("sphere", "line"):
        raise ValueError(f"path must be 'sphere' or 'line', got {path!r}")
    ca, cb = encode(model, a), encode(model, b)
    if ca.shape[0] != 1 or cb.shape[0] != 1:
        raise ValueError("a and b must each be one sentence: ids of shape (T,) or (1, T)")
    alphas = torch.linspace(0.0, 1.0, steps)
    if path == "sphere":
        codes = slerp(ca[0], cb[0], alphas)
    else:
        codes = (1 - alphas.unsqueeze(1)) * ca + alphas.unsqueeze(1) * cb
    ids = decode(model, codes)
    return (ids, codes) if return_codes else ids


# ------------------------------------------------------------------------------------------------
# The Wasserstein-1 distance in one dimension (the chapter's numeric check)

def wasserstein_1d(x, y) -> float:
    """The exact Wasserstein-1 distance between the empirical distributions of two equal-size 1-D
    samples: the mean of |x_(i) - y_(i)| over the sorted samples (the optimal transport matches the
    i-th smallest of x with the i-th smallest of y)."""
    x, y = torch.as_tensor(x, dtype=torch.float64).flatten(), torch.as_tensor(y, dtype=torch.float64).flatten()
    if x.numel() == 0 or x.numel() != y.numel():
        raise ValueError(f"x and y must be non-empty and of equal size, got {x.numel()} and {y.numel()}")
    return (x.sort().values - y.sort().values).abs().mean().item()


def fit_critic(real: torch.Tensor, fake: torch.Tensor, *, regulariser: str = "gp", steps: int = 500,
               mlp_dim: int = 64, lr: float = 1e-3, clip: float = 0.01, gp_weight: float = 10.0, batch_size: int = 256,
               seed: int = 0) -> tuple[Critic, float]:
    """Trains a critic f_w (the same `Critic` MLP as ARAE's) to separate two fixed samples (N, d),
    maximising E f(real) - E f(fake) under weight clipping or a gradient penalty. Returns the critic
    and its estimate E f(real) - E f(fake) on the whole samples. For a 1-Lipschitz critic this
    estimate is at most W(real, fake) (Kantorovich-Rubinstein)."""
    if regulariser not in REGULARISERS:
        raise ValueError(f"regulariser must be one of {REGULARISERS}, got {regulariser!r}")
    for name, t in (("real", real), ("fake", fake)):
        if not isinstance(t, torch.Tensor) or t.dim() != 2 or not t.dtype.is_floating_point:
            raise ValueError(f"{name} must be a float tensor of shape (N, d)")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"real and fake have different dimensions: {real.shape[1]} and {fake.shape[1]}")
    steps = _checks.positive_int("steps", steps)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        critic = Critic(real.shape[1], _checks.positive_int("mlp_dim", mlp_dim))
    rng = torch.Generator().manual_seed(seed + 1)
    opt = torch.optim.Adam(critic.parameters(), lr=_checks.positive_float("lr", lr), betas=(0.5, 0.9))
    if regulariser == "clip":
        critic.clip_(clip)
    b = min(batch_size, real.shape[0], fake.shape[0])
    for _ in range(steps):
        r = real[torch.randint(real.shape[0], (b,), generator=rng)]
        f = fake[torch.randint(fake.shape[0], (b,), generator=rng)]
        critic_step(critic, opt, r, f, regulariser=regulariser, clip=clip, gp_weight=gp_weight, generator=rng)
    with torch.no_grad():
        estimate = (critic(real).mean() - critic(fake).mean()).item()
    return critic, estimate


def max_slope(critic: Critic, lo: float, hi: float, points: int = 10_001) -> float:
    """The largest |f'(x)| of a critic on one-dimensional inputs, over ``points`` evenly spaced x
    in [lo, hi] (autograd slopes; the MLP is piecewise linear, so this is its Lipschitz constant on
    [lo, hi] up to pieces narrower than the spacing). Dividing E f(real) - E f(fake) by it gives a
    lower bound of W (Kantorovich-Rubinstein): f / L is 1-Lipschitz."""
    if not hi > lo:
        raise ValueError(f"need lo < hi, got lo={lo!r}, hi={hi!r}")
    x = torch.linspace(float(lo), float(hi), _checks.positive_int("points", points)).unsqueeze(1).requires_grad_(True)
    grad, = torch.autograd.grad(critic(x).sum(), x)
    return grad.abs().max().item()


__all__ = ["ARAEConfig", "ARAE", "Encoder", "Decoder", "CodeGenerator", "Critic", "TrainResult", "build", "train",
           "evaluate", "reconstruction_loss", "critic_step", "gradient_penalty", "encode", "decode", "reconstruct",
           "sample", "slerp", "interpolate", "wasserstein_1d", "fit_critic", "max_slope", "first_eos", "token_mask"]
