"""Text generation as a policy: the autoregressive generator of chapters 2, 4 and 8.

The policy of the notes, pi(a | s, theta), is SeqGAN's generator G_theta(y_t | Y_{1:t-1}):
state s = the tokens generated so far, action a = the next token. The network is
embedding -> LSTM (or GRU) -> linear to the vocabulary (Yu et al. 2017, sec. 4; Sutton & Barto
2018, ch. 13 for the policy view).

Conventions: batch-first tensors; token ids are 0..V-1. By default an extra embedding row V is
the start symbol fed before the first token, so every token id is a real output token; SeqGAN's
code instead feeds token 0 as the start symbol (``start_token=0``).

    gen = Generator(vocab_size=8)
    out = gen.sample(batch=4, length=5)          # out.tokens (4, 5), out.log_prob (4, 5)
    gen.log_prob(out.tokens)                     # (4, 5) log G(y_t | Y_{1:t-1})
    gen.mle_loss(real_tokens)                    # mean negative log-likelihood per token
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from . import _checks
from .sampling import gumbel_noise, sample_categorical, sample_linear

SCORE_CHUNK = 512    # rows of the output layer at a time when scoring without gradients (log_prob)

State = tuple  # (h, c) for an LSTM, (h,) for a GRU; each (layers, B, H)


@dataclass
class Sample:
    """Tokens drawn from a policy, with the log-probabilities of the draws."""

    tokens: torch.Tensor    # (B, T) long
    log_prob: torch.Tensor  # (B, T) log pi(y_t | Y_{1:t-1}) under the distribution sampled from
    state: State | None = None  # recurrent state after the last token (for continuing)


class Generator(nn.Module):
    """Autoregressive policy pi_theta(y_t | Y_{1:t-1}): embedding, LSTM/GRU, linear (chapter 2)."""

    def __init__(self, vocab_size: int, embed_dim: int = 32, hidden_dim: int = 32, cell: str = "lstm",
                 start_token: int | None = None):
        super().__init__()
        self.vocab_size = _checks.positive_int("vocab_size", vocab_size)
        if start_token is not None and not 0 <= start_token < vocab_size:
            raise ValueError(f"start_token must be None or a token id in [0, {vocab_size}), got {start_token!r}")
        _checks.positive_int("embed_dim", embed_dim)
        _checks.positive_int("hidden_dim", hidden_dim)
        if cell not in ("lstm", "gru"):
            raise ValueError(f"cell must be 'lstm' or 'gru', got {cell!r}")
        self.cell = cell
        self.bos = vocab_size if start_token is None else start_token  # the start symbol's embedding row
        self.embedding = nn.Embedding(vocab_size + (start_token is None), embed_dim)
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn(embed_dim, hidden_dim, batch_first=True)
        self.out = nn.Linear(hidden_dim, vocab_size)

    # ----- building blocks -------------------------------------------------------------------
    @property
    def device(self) -> torch.device:
        return self.out.weight.device

    def _run(self, x: torch.Tensor, state: State | None):
        """x (B, T, E) -> hidden outputs (B, T, H) and the new state."""
        if state is not None and self.cell == "gru":
            state = state[0]
        h, new = self.rnn(x, state)
        return h, (new if isinstance(new, tuple) else (new,))

    def step(self, token: torch.Tensor, state: State | None) -> tuple[torch.Tensor, State]:
        """One step: previous token (B,) and state -> next-token logits (B, V) and new state."""
        h, state = self.step_hidden(token, state)
        return self.out(h), state                               # (B, V)

    def step_hidden(self, token: torch.Tensor, state: State | None) -> tuple[torch.Tensor, State]:
        """One step without the output layer: (B,) token -> hidden (B, H) and new state."""
        x = self.embedding(token).unsqueeze(1)                  # (B, 1, E)
        h, state = self._run(x, state)                          # (B, 1, H)
        return h.squeeze(1), state

    def sample_next(self, h: torch.Tensor, temperature: float = 1.0, generator=None) -> torch.Tensor:
        """Draws the next token from hidden states (B, H), chunk by chunk (fast for large V)."""
        return sample_linear(h, self.out.weight, self.out.bias, temperature=temperature, generator=generator)

    def _inputs(self, tokens: torch.Tensor) -> torch.Tensor:
        """Teacher forcing inputs [BOS, y_1, ..., y_{T-1}] for targets y_1..y_T: (B, T)."""
        bos = torch.full_like(tokens[:, :1], self.bos)
        return torch.cat([bos, tokens[:, :-1]], dim=1)

    # ----- scoring -----------------------------------------------------------------------------
    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits (B, T, V): row t scores y_t given Y_{1:t-1}."""
        tokens = _checks.token_batch(tokens, self.vocab_size)
        h, _ = self._run(self.embedding(self._inputs(tokens)), None)   # (B, T, H)
        return self.out(h)                                               # (B, T, V)

    def log_prob(self, tokens: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
        """log pi(y_t | Y_{1:t-1}) for every position: (B, T). Sum over T for log p(Y).

        Without gradients (evaluation: NLL-oracle, entropy, held-out NLL) the output layer runs
        `SCORE_CHUNK` rows at a time and keeps only the chosen token's logit minus the logsumexp,
        so no (B, T, V) tensor is built: the same numbers up to float rounding, several times
        faster for a large vocabulary (benchmarks/evaluation_nll.py)."""
        temperature = _checks.positive_float("temperature", temperature)
        if not torch.is_grad_enabled() and type(self).forward is Generator.forward:
            return self._log_prob_chunked(tokens, temperature)
        logits = self(tokens) / temperature                              # (B, T, V)
        return torch.log_softmax(logits, -1).gather(-1, tokens.long().unsqueeze(-1)).squeeze(-1)

    def _log_prob_chunked(self, tokens: torch.Tensor, temperature: float) -> torch.Tensor:
        tokens = _checks.token_batch(tokens, self.vocab_size)
        h, _ = self._run(self.embedding(self._inputs(tokens)), None)    # (B, T, H)
        h = h.reshape(-1, h.shape[-1])                                  # (B*T, H)
        target = tokens.reshape(-1, 1).long()                           # (B*T, 1)
        out = torch.empty(h.shape[0], dtype=h.dtype, device=h.device)   # (B*T,)
        for i in range(0, h.shape[0], SCORE_CHUNK):
            logits = torch.addmm(self.out.bias, h[i: i + SCORE_CHUNK], self.out.weight.T)   # (chunk, V)
            if temperature != 1.0:
                logits.div_(temperature)
            out[i: i + SCORE_CHUNK] = logits.gather(1, target[i: i + SCORE_CHUNK]).squeeze(1) - torch.logsumexp(logits, 1)
        return out.view(tokens.shape)

    def mle_loss(self, tokens: torch.Tensor) -> torch.Tensor:
        """Maximum-likelihood (teacher forcing) loss: mean negative log-likelihood per token."""
        logits = self(tokens)                                            # (B, T, V)
        return F.cross_entropy(logits.reshape(-1, self.vocab_size), tokens.reshape(-1).long())

    def prefix_states(self, tokens: torch.Tensor) -> list[State]:
        """The recurrent state after reading [BOS, y_1..y_t] for t = 0..T-1 (T states).

        Entry t is the state from which y_{t+1} is generated; Monte Carlo rollouts continue from
        these (chapter 6).
        """
        tokens = _checks.token_batch(tokens, self.vocab_size)
        inputs = self._inputs(tokens)                                    # (B, T)
        states, state = [], None
        for t in range(inputs.shape[1]):
            _, state = self.step(inputs[:, t], state)
            states.append(state)
        return states

    # ----- sampling ----------------------------------------------------------------------------
    def sample(self, batch: int, length: int, temperature: float = 1.0, *, prefix: torch.Tensor | None = None,
               state: State | None = None, generator: torch.Generator | None = None,
               method: str = "inverse_cdf") -> Sample:
        """Draws `batch` sequences of `length` tokens from softmax(logits / temperature).

        With ``prefix`` (B, t) the first t tokens are given (teacher-forced) and only the rest are
        sampled; with ``state`` too, ``prefix[:, -1]`` is taken as the last token already read into
        ``state`` (continuing a rollout). The returned log-probabilities are those of the
        distribution actually sampled from (temperature included); given prefix tokens get 0.
        """
        batch = _checks.positive_int("batch", batch)
        length = _checks.positive_int("length", length)
        temperature = _checks.positive_float("temperature", temperature)
        device = self.device
        if prefix is not None:
            prefix = _checks.token_batch(prefix, self.vocab_size, "prefix")
            if prefix.shape[0] != batch:
                raise ValueError(f"prefix has batch {prefix.shape[0]} but batch={batch}")
            if prefix.shape[1] > length:
                raise ValueError(f"prefix length {prefix.shape[1]} exceeds length={length}")
        t0 = 0 if prefix is None else prefix.shape[1]
        tokens = torch.empty(batch, length, dtype=torch.long, device=device)
        log_prob = torch.zeros(batch, length, device=device, dtype=self.out.weight.dtype)
        if t0:
            tokens[:, :t0] = prefix
        if state is None:
            inputs = self._inputs(tokens[:, :t0]) if t0 else None
            token = torch.full((batch,), self.bos, dtype=torch.long, device=device)
            if t0:  # read BOS, y_1..y_{t0-1}; y_{t0} is fed at the first sampling step
                _, state = self._run(self.embedding(inputs), None)
                token = prefix[:, -1]
        else:
            if t0 == 0:
                raise ValueError("continuing from a state needs the prefix whose last token it has not read yet")
            token = prefix[:, -1]
        log_probs = []
        for t in range(t0, length):
            logits, state = self.step(token, state)                      # (B, V)
            logits = logits / temperature
            token = sample_categorical(logits.detach(), generator=generator, method=method)  # (B,)
            tokens[:, t] = token
            log_probs.append(torch.log_softmax(logits, -1).gather(-1, token.unsqueeze(-1)).squeeze(-1))
        if log_probs:
            log_prob = torch.cat([log_prob[:, :t0], torch.stack(log_probs, 1)], dim=1)
        return Sample(tokens, log_prob, state)

    @torch.no_grad()
    def generate(self, batch: int, length: int, temperature: float = 1.0, *,
                 generator: torch.Generator | None = None) -> torch.Tensor:
        """Tokens only (B, T), no log-probabilities, no gradient: the fast path for drawing many
        negatives or evaluation samples (the output layer and sampler run chunk by chunk)."""
        batch = _checks.positive_int("batch", batch)
        length = _checks.positive_int("length", length)
        temperature = _checks.positive_float("temperature", temperature)
        tokens = torch.empty(batch, length, dtype=torch.long, device=self.device)
        token, state = torch.full((batch,), self.bos, dtype=torch.long, device=self.device), None
        for t in range(length):
            h, state = self.step_hidden(token, state)
            token = self.sample_next(h, temperature, generator)
            tokens[:, t] = token
        return tokens

    def relaxed_sample(self, batch: int, length: int, tau: float = 1.0, *, hard: bool = False,
                       generator: torch.Generator | None = None, noise: torch.Tensor | None = None) -> torch.Tensor:
        """Gumbel-softmax sequence (chapter 9): soft one-hot vectors (B, T, V), differentiable.

        y_t = softmax((logits_t + g_t) / tau), g ~ Gumbel(0, 1); the next step reads the soft
        vector through the embedding (y_t @ E). With ``hard=True`` the forward pass uses the
        one-hot of argmax (straight-through), the backward pass the soft vector. ``noise``
        (B, T, V) fixes the Gumbel noise (a reparameterised sample).
        """
        batch = _checks.positive_int("batch", batch)
        length = _checks.positive_int("length", length)
        tau = _checks.positive_float("tau", tau)
        emb = self.embedding.weight                                      # (V+1, E)
        x = emb[self.bos].expand(batch, -1)                              # (B, E)
        state, ys = None, []
        for t in range(length):
            h, state = self._run(x.unsqueeze(1), state)
            logits = self.out(h.squeeze(1))                              # (B, V)
            y = relax(logits, tau, hard=hard, generator=generator, noise=None if noise is None else noise[:, t])
            ys.append(y)
            x = y @ emb[: self.vocab_size]                               # (B, E)
        return torch.stack(ys, 1)                                        # (B, T, V)


def relax(logits: torch.Tensor, tau: float, *, hard: bool = False, generator=None,
          noise: torch.Tensor | None = None) -> torch.Tensor:
    """Gumbel-softmax of logits (..., V); straight-through one-hot forward when ``hard``.

    ``noise`` (same shape) is Gumbel(0, 1) noise to use instead of drawing fresh noise."""
    tau = _checks.positive_float("tau", tau)
    g = gumbel_noise(logits.shape, generator=generator, device=logits.device) if noise is None else noise
    soft = torch.softmax((logits + g) / tau, dim=-1)
    if not hard:
        return soft
    one_hot = torch.zeros_like(soft).scatter(-1, soft.argmax(-1, keepdim=True), 1.0)   # vmap-friendly one_hot
    return one_hot - soft.detach() + soft
