"""The discriminator as reward: SeqGAN's CNN text classifier and a small GRU alternative (chapters 7 and 9).

SeqGAN's generator is rewarded with the discriminator's belief that a finished sequence is real,
D_phi(Y) = P(real | Y) (Yu et al. 2017, eq. 4 and sec. 4). The discriminator is the CNN sentence
classifier of Kim (2014) with a highway layer (Srivastava et al. 2015), as in the paper's code:

    tokens (B, T) -> embedding (B, T, E)
      -> for each filter width w: convolution over w consecutive tokens, ReLU, max over time   (B, n_w)
      -> concatenate (B, C), C = sum n_w
      -> highway: t = sigmoid(W_T h + b_T), y = t * relu(W_H h + b_H) + (1 - t) * h              (B, C)
      -> dropout -> linear -> logits (B, 2); class 1 = real, class 0 = generated

The paper's settings are the defaults of `DiscriminatorConfig`: embedding 64; widths 1-10, 15, 20
with 100, 200, 200, 200, 200, 100, 100, 100, 100, 100, 160, 160 filters; keep probability 0.75
(dropout 0.25); L2 penalty 0.2 on the output layer only (TensorFlow's ``l2_loss`` = sum(w^2) / 2
of its weight and bias); Adam, learning rate 1e-4, batches of 64.

    disc = Discriminator()                                 # the paper's CNN (vocabulary 5,000, T = 20)
    opt = make_optimizer(disc)                             # Adam(lr = config.lr)
    disc.train_epoch(real, fake, opt)                      # {'loss': ..., 'accuracy': ...}
    disc.reward(tokens)                                    # (B,) P(real | Y), eval mode, no gradient
    disc(soft)                                             # (B, 2) logits of soft one-hot input (B, T, V)

Chapter 9 (the Gumbel-softmax road) feeds soft one-hot vectors (B, T, V) instead of token ids;
the embedding is then ``soft @ embedding.weight`` and gradients flow back into the generator:
``torch.softmax(disc(soft), -1)[:, 1]`` is the differentiable reward (`reward` is not: it is the
score of chapter 7, computed without gradient and without dropout -- one published SeqGAN
implementation scored rollouts with dropout still on).

Two implementations compute the same function with the same parameters (`Discriminator.impl`):

- ``"reference"``: the readable one: one ``conv2d`` per width, ReLU, max over time, autograd for
  the backward pass, ``F.dropout``;
- ``"fast"`` (default): the same arithmetic arranged for the CPU.
  Forward: one im2col copy of the embedded batch, time-major, so that every width's windows are a
  strided view of it and each width's convolution is one matrix product; the maximum over time
  is taken before bias and ReLU (both monotone: max_t relu(z_t + b) = relu(max_t z_t + b) exactly).
  Backward: max-over-time pooling passes the gradient to one position per filter and sequence,
  so the filter gradient is a weighted sum of B windows per filter and the window gradient a
  sparse-times-dense product (``embedding_bag``), about a tenth of the multiply-adds of the dense
  backward convolutions. Where positions tie for the maximum, both implementations send the
  gradient to the first one. The highway's products use the operand layouts MKL runs fastest,
  and dropout draws its Bernoulli(1 - p) mask from ``rand`` (faster than ``bernoulli_``).
  `make_optimizer` returns PyTorch's fused Adam (the same update in one pass over the parameters).

`benchmarks/discriminator.py` times one training epoch of both against the compute floor.

References: Yu, Zhang, Wang & Yu (2017), SeqGAN, AAAI, and its code (discriminator.py);
Kim (2014), Convolutional neural networks for sentence classification, EMNLP;
Srivastava, Greff & Schmidhuber (2015), Highway networks; Jang, Gu & Poole (2017), Categorical
reparameterization with Gumbel-softmax, ICLR.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from . import _checks

PAPER_FILTER_SIZES = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20)
PAPER_NUM_FILTERS = (100, 200, 200, 200, 200, 100, 100, 100, 100, 100, 160, 160)

REAL, FAKE = 1, 0   # class labels: D(Y) = P(class REAL | Y)


def _dropout_rate(value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"dropout must be a number in [0, 1), got {value!r}") from None
    if not 0.0 <= v < 1.0:
        raise ValueError(f"dropout must lie in [0, 1) (it is 1 - keep probability), got {value!r}")
    return v


@dataclass
class DiscriminatorConfig:
    """Settings of SeqGAN's CNN discriminator; the defaults are the paper's code."""

    vocab_size: int = 5000      # token ids 0..vocab_size-1 (the synthetic experiment's vocabulary)
    seq_len: int = 20           # length of the sequences it classifies; no filter may be wider
    embed_dim: int = 64         # size of the token embedding E
    filter_sizes: tuple = PAPER_FILTER_SIZES   # convolution widths w, in tokens
    num_filters: tuple = PAPER_NUM_FILTERS     # filters per width n_w (same length as filter_sizes)
    dropout: float = 0.25       # dropout before the output layer, 1 - keep probability (0.75)
    l2_reg: float = 0.2         # L2 penalty on the output layer: l2_reg * sum(w^2) / 2 (weight and bias)
    lr: float = 1e-4            # Adam learning rate (`make_optimizer`)
    batch_size: int = 64        # default batch of `train_epoch`

    def __post_init__(self):
        _checks.positive_int("vocab_size", self.vocab_size)
        _checks.positive_int("seq_len", self.seq_len)
        _checks.positive_int("embed_dim", self.embed_dim)
        self.filter_sizes, self.num_filters = tuple(self.filter_sizes), tuple(self.num_filters)
        if not self.filter_sizes:
            raise ValueError("filter_sizes is empty: give at least one filter width")
        if len(self.filter_sizes) != len(self.num_filters):
            raise ValueError(f"filter_sizes has {len(self.filter_sizes)} widths but num_filters has "
                             f"{len(self.num_filters)} counts; give one count per width")
        for w in self.filter_sizes:
            _checks.positive_int("every filter size", w)
        for n in self.num_filters:
            _checks.positive_int("every filter count", n)
        widest = max(self.filter_sizes)
        if widest > self.seq_len:
            raise ValueError(f"filter width {widest} is wider than the sequence length seq_len={self.seq_len}; "
                             f"a convolution needs at least as many tokens as its width (drop the width "
                             f"or raise seq_len)")
        self.dropout = _dropout_rate(self.dropout)
        self.l2_reg = _checks.non_negative_float("l2_reg", self.l2_reg)
        self.lr = _checks.positive_float("lr", self.lr)
        _checks.positive_int("batch_size", self.batch_size)

    @property
    def num_features(self) -> int:
        """C = total number of filters, the width of the pooled feature vector."""
        return sum(self.num_filters)


@dataclass
class RNNDiscriminatorConfig:
    """Settings of the GRU alternative (not in the paper: a recurrent classifier, for comparison)."""

    vocab_size: int = 5000      # token ids 0..vocab_size-1
    embed_dim: int = 64         # size of the token embedding
    hidden_dim: int = 64        # GRU state size; the last state is classified
    dropout: float = 0.25       # dropout before the output layer
    l2_reg: float = 0.2         # L2 penalty on the output layer: l2_reg * sum(w^2) / 2 (weight and bias)
    lr: float = 1e-4            # Adam learning rate (`make_optimizer`)
    batch_size: int = 64        # default batch of `train_epoch`

    def __post_init__(self):
        for name in ("vocab_size", "embed_dim", "hidden_dim", "batch_size"):
            _checks.positive_int(name, getattr(self, name))
        self.dropout = _dropout_rate(self.dropout)
        self.l2_reg = _checks.non_negative_float("l2_reg", self.l2_reg)
        self.lr = _checks.positive_float("lr", self.lr)


def _make_config(cls, config, overrides):
    if config is None:
        return cls(**overrides)
    if isinstance(config, dict):
        return cls(**{**config, **overrides})
    if not isinstance(config, cls):
        raise ValueError(f"config must be a {cls.__name__}, got {type(config).__name__}")
    return dataclasses.replace(config, **overrides) if overrides else config


# ------------------------------------------------------------------------------------------------
class _SequenceClassifier(nn.Module):
    """What both discriminators share: input checks, embedding of hard or soft input, reward,
    loss with the output-layer L2 penalty, and one training epoch. Subclasses define `embedding`,
    `out` (the output layer) and `_logits(x (B, T, E)) -> (B, 2)`."""

    config: DiscriminatorConfig | RNNDiscriminatorConfig
    min_length = 1

    @property
    def vocab_size(self) -> int:
        return self.config.vocab_size

    @property
    def lr(self) -> float:
        return self.config.lr

    def embed(self, inputs: torch.Tensor) -> torch.Tensor:
        """Token ids (B, T) or soft one-hot vectors (B, T, V) -> embedded sequence (B, T, E)."""
        if isinstance(inputs, torch.Tensor) and inputs.dtype.is_floating_point:
            if inputs.dim() != 3:
                raise ValueError(f"soft input must have shape (batch, length, vocab_size={self.vocab_size}), "
                                 f"got shape {tuple(inputs.shape)}")
            if inputs.shape[-1] != self.vocab_size:
                raise ValueError(f"soft input's last dimension is {inputs.shape[-1]} but the discriminator's "
                                 f"vocab_size is {self.vocab_size}")
            if inputs.shape[0] == 0:
                raise ValueError(f"soft input is an empty batch (shape {tuple(inputs.shape)})")
            self._check_length(inputs.shape[1])
            weight = self.embedding.weight                                  # (V, E)
            return inputs.to(weight.dtype) @ weight                         # (B, T, E)
        tokens = _checks.token_batch(inputs, self.vocab_size)               # (B, T)
        self._check_length(tokens.shape[1])
        return self.embedding(tokens)                                       # (B, T, E)

    def _check_length(self, length: int) -> None:
        if length < self.min_length:
            raise ValueError(f"input length {length} is shorter than the widest filter ({self.min_length} "
                             f"tokens); the discriminator needs sequences of at least {self.min_length} tokens")

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Logits (B, 2) of token ids (B, T) long, or of soft one-hot input (B, T, V) float."""
        return self._logits(self.embed(inputs))

    def reward(self, inputs: torch.Tensor) -> torch.Tensor:
        """D(Y) = P(real | Y): (B,) in [0, 1], in eval mode (no dropout) and without gradient.

        The previous train/eval mode of every submodule is restored afterwards."""
        modes = [(m, m.training) for m in self.modules()]
        self.eval()
        try:
            with torch.no_grad():
                return torch.softmax(self(inputs), dim=-1)[:, REAL]        # (B,)
        finally:
            for m, mode in modes:
                m.training = mode

    def l2_penalty(self) -> torch.Tensor:
        """l2_reg * (sum(W^2) + sum(b^2)) / 2 over the output layer only (TF's l2_loss, as the paper's code)."""
        return self.config.l2_reg * (self.out.weight.square().sum() + self.out.bias.square().sum()) / 2

    def _check_labels(self, labels, batch: int) -> torch.Tensor:
        if not isinstance(labels, torch.Tensor) or labels.dtype.is_floating_point or labels.dtype == torch.bool:
            raise ValueError("labels must be an integer tensor of 0 (generated) and 1 (real)")
        if labels.shape != (batch,):
            raise ValueError(f"labels must have shape ({batch},) to match the batch, got {tuple(labels.shape)}")
        if labels.numel() and (labels.min() < 0 or labels.max() > 1):
            raise ValueError("labels must be 0 (generated) or 1 (real)")
        return labels.long()

    def loss(self, inputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy of the two-class softmax + the output-layer L2 penalty (scalar)."""
        logits = self(inputs)                                               # (B, 2)
        labels = self._check_labels(labels, logits.shape[0])
        return F.cross_entropy(logits, labels) + self.l2_penalty()

    def make_optimizer(self) -> torch.optim.Optimizer:
        """Adam with the configured learning rate (see `make_optimizer`)."""
        return make_optimizer(self)

    def train_epoch(self, real: torch.Tensor, fake: torch.Tensor, optimizer: torch.optim.Optimizer,
                    batch_size: int | None = None, generator: torch.Generator | None = None) -> dict:
        """One epoch on real (N, T) and generated (M, T) token ids, labelled 1 and 0, shuffled together.

        Every sequence is used once (the last batch may be smaller). Returns the mean loss and the
        accuracy over the epoch, both measured on the training batches (dropout on). The module is
        left in the train/eval mode it had before."""
        batch_size = _checks.positive_int("batch_size", self.config.batch_size if batch_size is None else batch_size)
        real = _checks.token_batch(real, self.vocab_size, "real")
        fake = _checks.token_batch(fake, self.vocab_size, "fake")
        if real.shape[1] != fake.shape[1]:
            raise ValueError(f"real sequences have length {real.shape[1]} but generated ones {fake.shape[1]}")
        self._check_length(real.shape[1])
        device = self.out.weight.device
        data = torch.cat([real, fake]).to(device)                          # (N + M, T)
        labels = torch.cat([torch.full((real.shape[0],), REAL, dtype=torch.long),
                            torch.full((fake.shape[0],), FAKE, dtype=torch.long)]).to(device)
        order = torch.randperm(data.shape[0], generator=generator).to(device)
        was_training = self.training
        self.train()
        total_loss = torch.zeros((), dtype=torch.float64, device=device)
        correct = torch.zeros((), dtype=torch.long, device=device)
        try:
            for i in range(0, data.shape[0], batch_size):
                idx = order[i: i + batch_size]
                x, y = data[idx], labels[idx]                              # (b, T), (b,)
                optimizer.zero_grad(set_to_none=True)
                logits = self._logits(self.embedding(x))                   # (b, 2); ids checked above
                loss = F.cross_entropy(logits, y) + self.l2_penalty()
                loss.backward()
                optimizer.step()
                with torch.no_grad():
                    total_loss += loss.detach() * y.shape[0]
                    correct += (logits.argmax(-1) == y).sum()
        finally:
            self.train(was_training)
        n = data.shape[0]
        return {"loss": float(total_loss) / n, "accuracy": int(correct) / n}


def make_optimizer(disc: nn.Module, lr: float | None = None) -> torch.optim.Optimizer:
    """Adam(disc.parameters(), lr = disc.config.lr) as the paper (betas 0.9, 0.999, eps 1e-8).

    Uses PyTorch's fused Adam (one kernel over all parameters; the same update rule) where the
    parameters' device supports it."""
    lr = _checks.positive_float("lr", disc.config.lr if lr is None else lr)
    params = list(disc.parameters())
    device = params[0].device.type if params else "cpu"
    fused = device in ("cpu", "cuda") and all(p.dtype in (torch.float32, torch.float64) for p in params)
    return torch.optim.Adam(params, lr=lr, fused=fused or None)


# ------------------------------------------------------------------------------------------------
# The convolution block, fast path: all widths from one im2col copy.

def _im2col(x: torch.Tensor, wmax: int) -> torch.Tensor:
    """x (B, T, E) -> windows (T*B, wmax*E), time-major: row t*B + b holds x[b, t:t+wmax] flattened
    (zero past the end). The windows of width w <= wmax at positions 0..T-w are the strided view
    ``win[:(T-w+1)*B, :w*E]`` (leading dimension wmax*E), so each width's convolution is one matmul."""
    B, T, E = x.shape
    xp = x.new_zeros(T + wmax - 1, B, E)                                   # (T + wmax - 1, B, E)
    xp[:T] = x.transpose(0, 1)
    win = xp.as_strided((T, B, wmax, E), (B * E, E, B * E, 1))             # win[t, b, k] = xp[t + k, b]
    return win.reshape(T * B, wmax * E)                                    # copies


class _ConvMaxPool(torch.autograd.Function):
    """relu(max_t conv_w(x)_t + bias) for every width w, concatenated: (B, T, E) -> (B, C)."""

    @staticmethod
    def forward(ctx, x, bias, widths, *weights):
        B, T, E = x.shape
        wmax = max(widths)
        win = _im2col(x, wmax)                                             # (T*B, wmax*E)
        zs, maxes = [], []
        for w, weight in zip(widths, weights):
            n, L = weight.shape[0], T - w + 1
            z = torch.mm(win[: L * B, : w * E], weight.reshape(n, w * E).t())   # (L*B, n): row t*B + b
            zs.append(z)
            maxes.append(z.view(L, B, n).amax(0))                          # (B, n)
        pre = torch.cat(maxes, 1)                                          # (B, C) max before bias
        pooled = torch.relu(pre + bias)                                    # = max_t relu(z_t + bias)
        ctx.widths = widths
        if any(ctx.needs_input_grad):
            ctx.save_for_backward(win, pre, pooled, *zs, *weights)
        return pooled

    @staticmethod
    def backward(ctx, grad):
        widths = ctx.widths
        win, pre, pooled, *rest = ctx.saved_tensors
        zs, weights = rest[: len(widths)], rest[len(widths):]
        B = pooled.shape[0]
        wmax = max(widths)
        T, E = win.shape[0] // B, win.shape[1] // wmax
        need_x, need_w = ctx.needs_input_grad[0], any(ctx.needs_input_grad[3:])
        g = grad * (pooled > 0)                                            # (B, C) gradient at each maximum
        dbias = g.sum(0) if ctx.needs_input_grad[1] else None
        if not (need_x or need_w):
            return (None, dbias, None, *(None for _ in weights))
        g_t = g.t().contiguous()                                           # (C, B)
        dwin = win.new_zeros(T * B, wmax * E) if need_x else None          # gradient of the windows
        bag_starts = torch.arange(T * B, device=win.device)
        dweights, c0 = [], 0
        for w, weight, z in zip(widths, weights, zs):
            n, L = weight.shape[0], T - w + 1
            c1, c0 = c0, c0 + n
            hit = (z.view(L, B, n) == pre[:, c1:c0]).nonzero()            # (K, 3)
            if hit.shape[0] != B * n:                                      # ties: keep the first position
                key = hit[:, 1] * n + hit[:, 2]
                first = torch.full((B * n,), L, dtype=torch.long, device=win.device)
                first.scatter_reduce_(0, key, hit[:, 0], "amin")
                hit = hit[hit[:, 0] == first[key]]
            t, b, f = hit.unbind(1)
            rows = t * B + b                                               # (B*n,) window row, sorted
            if need_w:   # dW[f] = sum_b g[b, f] * window(b at its maximum)
                at = torch.empty(n, B, dtype=torch.long, device=win.device)
                at[f, b] = rows                                            # (n, B)
                dw = F.embedding_bag(at, win[: L * B, : w * E], mode="sum", per_sample_weights=g_t[c1:c0])
                dweights.append(dw.view(n, w, E))                          # (n, w, E)
            else:
                dweights.append(None)
            if need_x:   # d window(t, b) = sum over filters f peaking there of g[b, f] * W[f]
                offsets = torch.searchsorted(rows, bag_starts[: L * B])     # (L*B,) start of each bag
                dwin[: L * B, : w * E] += F.embedding_bag(f, weight.reshape(n, w * E), offsets, mode="sum",
                                                          per_sample_weights=g_t[c1 + f, b])   # (L*B, w*E)
        dx = None
        if need_x:
            d4 = dwin.view(T, B, wmax, E)
            dxt = d4[:, :, 0].clone()                                      # (T, B, E)
            for k in range(1, wmax):
                dxt[k:] += d4[: T - k, :, k]                               # window t, offset k -> token t + k
            dx = dxt.transpose(0, 1)                                       # (B, T, E)
        return (dx, dbias, None, *dweights)


class _Affine(torch.autograd.Function):
    """h @ weight + bias with weight (C_in, C_out), every product in the layout MKL runs fastest.

    The same values and gradients as autograd's ``torch.addmm(bias, h, weight)``; autograd's
    weight gradient ``h.t() @ grad`` reads a transposed left operand, which this machine's MKL runs
    at half speed in some processes, so both backward products take contiguous left operands."""

    @staticmethod
    def forward(ctx, h, weight, bias):
        ctx.save_for_backward(h, weight)
        return torch.addmm(bias, h, weight)                                # (B, C_out)

    @staticmethod
    def backward(ctx, grad):
        h, weight = ctx.saved_tensors
        dh = dweight = dbias = None
        if ctx.needs_input_grad[0]:
            dh = torch.mm(weight, grad.t().contiguous()).t()               # (C_in, B) -> (B, C_in)
        if ctx.needs_input_grad[1]:
            dweight = torch.mm(h.t().contiguous(), grad)                   # (C_in, C_out)
        if ctx.needs_input_grad[2]:
            dbias = grad.sum(0)
        return dh, dweight, dbias


# ------------------------------------------------------------------------------------------------
class Discriminator(_SequenceClassifier):
    """SeqGAN's CNN discriminator (chapter 7): logits (B, 2) of token ids or soft one-hot input.

    ``Discriminator()`` is the paper's; ``Discriminator(config)`` or keyword overrides, e.g.
    ``Discriminator(vocab_size=50, seq_len=8, filter_sizes=(2, 3), num_filters=(16, 16))``.
    ``impl`` = ``"fast"`` (default) or ``"reference"`` selects the convolution code; both
    compute the same function with the same parameters.
    """

    def __init__(self, config: DiscriminatorConfig | None = None, *, impl: str = "fast", **overrides):
        super().__init__()
        self.config = cfg = _make_config(DiscriminatorConfig, config, overrides)
        self.impl = impl
        self.min_length = max(cfg.filter_sizes)
        E, C = cfg.embed_dim, cfg.num_features
        # Initialisation as the paper's code: embedding U(-1, 1); filters and output weights
        # truncated N(0, 0.1^2), their biases 0.1; highway matrices Glorot-uniform (TF's default).
        self.embedding = nn.Embedding(cfg.vocab_size, E)
        nn.init.uniform_(self.embedding.weight, -1.0, 1.0)
        self.conv_weights = nn.ParameterList(
            nn.Parameter(nn.init.trunc_normal_(torch.empty(n, w, E), std=0.1, a=-0.2, b=0.2))  # (n_w, w, E)
            for w, n in zip(cfg.filter_sizes, cfg.num_filters))
        self.conv_bias = nn.Parameter(torch.full((C,), 0.1))                # (C,) all widths, in order
        # highway: h @ highway_weight + highway_bias, columns 0..C-1 the transform H, C..2C-1 the gate T
        self.highway_weight = nn.Parameter(torch.empty(C, 2 * C))          # (C, 2C)
        nn.init.xavier_uniform_(self.highway_weight[:, :C])
        nn.init.xavier_uniform_(self.highway_weight[:, C:])
        self.highway_bias = nn.Parameter(torch.zeros(2 * C))  # the paper's code passes gate bias 0 to highway()
        self.out = nn.Linear(C, 2)
        nn.init.trunc_normal_(self.out.weight, std=0.1, a=-0.2, b=0.2)
        nn.init.constant_(self.out.bias, 0.1)

    @property
    def impl(self) -> str:
        return self._impl

    @impl.setter
    def impl(self, value: str) -> None:
        if value not in ("fast", "reference"):
            raise ValueError(f"impl must be 'fast' or 'reference', got {value!r}")
        self._impl = value

    def features(self, x: torch.Tensor, impl: str | None = None) -> torch.Tensor:
        """Embedded sequence (B, T, E) -> max-pooled convolution features (B, C)."""
        impl = self.impl if impl is None else impl
        if impl == "reference":
            return self._features_reference(x)
        if impl != "fast":
            raise ValueError(f"impl must be 'fast' or 'reference', got {impl!r}")
        return _ConvMaxPool.apply(x, self.conv_bias, self.config.filter_sizes, *self.conv_weights)

    def _features_reference(self, x: torch.Tensor) -> torch.Tensor:
        """One conv2d per width over the (T, E) 'image' with one channel (Kim 2014; the paper's code)."""
        x4 = x.unsqueeze(1)                                                # (B, 1, T, E)
        pooled = []
        for weight, bias in zip(self.conv_weights, self.conv_bias.split(self.config.num_filters)):
            z = F.conv2d(x4, weight.unsqueeze(1), bias)                    # (B, n, T - w + 1, 1)
            pooled.append(torch.relu(z).squeeze(3).max(dim=2).values)      # (B, n) max over time
        return torch.cat(pooled, 1)                                        # (B, C)

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        fast = self.impl == "fast"
        h = self.features(x)                                               # (B, C)
        if fast:
            z = _Affine.apply(h, self.highway_weight, self.highway_bias)  # (B, 2C)
        else:
            z = h @ self.highway_weight + self.highway_bias
        transform, gate = z.chunk(2, dim=1)                                # (B, C) each
        gate = torch.sigmoid(gate)
        h = gate * torch.relu(transform) + (1 - gate) * h                  # highway (B, C)
        p = self.config.dropout
        if fast and self.training and p > 0:    # the same Bernoulli(1 - p) mask; rand is faster than bernoulli_
            h = h * (torch.rand_like(h) >= p) * (1 / (1 - p))
        else:
            h = F.dropout(h, p, self.training)
        return self.out(h)                                                 # (B, 2)

class RNNDiscriminator(_SequenceClassifier):
    """A recurrent alternative with the same interface: embedding, GRU, dropout, linear on the last state."""

    def __init__(self, config: RNNDiscriminatorConfig | None = None, **overrides):
        super().__init__()
        self.config = cfg = _make_config(RNNDiscriminatorConfig, config, overrides)
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.embed_dim)
        self.rnn = nn.GRU(cfg.embed_dim, cfg.hidden_dim, batch_first=True)
        self.out = nn.Linear(cfg.hidden_dim, 2)

    def _logits(self, x: torch.Tensor) -> torch.Tensor:
        _, h = self.rnn(x)                                                 # (1, B, H) last state
        h = F.dropout(h[0], self.config.dropout, self.training)
        return self.out(h)                                                 # (B, 2)


# ------------------------------------------------------------------------------------------------
# Chapter 7: how the rewards change as the discriminator trains (the data of its widget).

def held_out_accuracy(real_rewards: torch.Tensor, fake_rewards: torch.Tensor) -> float:
    """Fraction of held-out sentences on the right side of 1/2: real with D > 1/2, generated with D < 1/2."""
    right = int((real_rewards > 0.5).sum()) + int((fake_rewards < 0.5).sum())
    return right / (real_rewards.numel() + fake_rewards.numel())


def record_training(disc, optimizer, real: torch.Tensor, fake: torch.Tensor, heldout_real: torch.Tensor,
                    heldout_fake: torch.Tensor, epochs: int, *, measure=None,
                    batch_size: int | None = None, generator: torch.Generator | None = None) -> dict:
    """Trains ``disc`` for `epochs` epochs on real (N, T) and generated (M, T) token ids
    (`Discriminator.train_epoch`), keeping a snapshot before training (epoch 0) and after every epoch.

    A snapshot holds D(Y) of every held-out real and generated sentence (`reward`: eval mode, no
    dropout), the held-out accuracy, the epoch's training loss and accuracy (nan at epoch 0), and
    ``measure(disc)`` -- a dict of numbers, e.g. gradient norms -- when given. Returns a dict of
    lists over epochs 0..epochs; ``real_rewards`` and ``fake_rewards`` are (E + 1, N) and
    (E + 1, M) tensors. Chapter 7's widget (`widgets.discriminator`) draws it."""
    epochs = _checks.positive_int("epochs", epochs)
    for name, x in (("heldout_real", heldout_real), ("heldout_fake", heldout_fake)):
        _checks.token_batch(x, disc.vocab_size, name)
    if measure is not None and not callable(measure):
        raise ValueError(f"measure must be a function disc -> dict of numbers, got {type(measure).__name__}")
    history = {"epoch": [], "train_loss": [], "train_accuracy": [], "heldout_accuracy": [],
               "real_rewards": [], "fake_rewards": [], "measures": {}}
    for epoch in range(epochs + 1):
        stats = {"loss": float("nan"), "accuracy": float("nan")}
        if epoch:
            stats = disc.train_epoch(real, fake, optimizer, batch_size=batch_size, generator=generator)
        r_real, r_fake = disc.reward(heldout_real), disc.reward(heldout_fake)      # (N,), (M,)
        history["epoch"].append(epoch)
        history["train_loss"].append(stats["loss"])
        history["train_accuracy"].append(stats["accuracy"])
        history["heldout_accuracy"].append(held_out_accuracy(r_real, r_fake))
        history["real_rewards"].append(r_real.cpu())
        history["fake_rewards"].append(r_fake.cpu())
        if measure is not None:
            values = measure(disc)
            if not isinstance(values, dict):
                raise ValueError(f"measure must return a dict of numbers, got {type(values).__name__}")
            for key, value in values.items():
                history["measures"].setdefault(key, []).append(float(value))
    history["real_rewards"] = torch.stack(history["real_rewards"])                  # (E + 1, N)
    history["fake_rewards"] = torch.stack(history["fake_rewards"])                  # (E + 1, M)
    return history
