"""Monte Carlo rollouts: a reward for every unfinished prefix (chapter 6; Yu et al. 2017, eq. 4).

The discriminator scores only finished sequences. SeqGAN gives the prefix Y_{1:t} with the
action y_t the value

    Q(s = Y_{1:t-1}, a = y_t) = 1/K sum_k D(Y^k_{1:T}),  Y^k ~ rollout policy continuing Y_{1:t}   (t < T)
    Q(s = Y_{1:T-1}, a = y_T) = D(Y_{1:T})                                                        (t = T)

Two implementations with the same result distribution:

- `rollout_rewards_loop`: the readable version the book shows first, a Python loop over k and t
  that re-reads every prefix (how the original SeqGAN code does it);
- `rollout_rewards`: batched. The generator reads each sequence once (`Generator.prefix_states`),
  then all T-1 prefixes x K rollouts continue together in one batch that grows by one block of
  B*K rows per time step, and the discriminator scores all rollouts in chunks.

`reward_fn(tokens (N, T)) -> (N,)` is the discriminator's `reward` (evaluation mode, no dropout).
The rollout policy is a delayed copy of the generator (`RolloutPolicy`), or the generator itself.
"""
from __future__ import annotations

import copy

import torch

from . import _checks


def score_in_chunks(reward_fn, tokens: torch.Tensor, chunk: int = 512) -> torch.Tensor:
    """reward_fn over (N, T) tokens in chunks of `chunk` rows: (N,).

    512 rows keep the paper's discriminator's working set in cache on the benchmark CPU: scoring
    19,520 sequences took 2.9 s in chunks of 256-768 rows and 3.5 s in chunks of 1,024 (2 threads)."""
    chunk = _checks.positive_int("chunk", chunk)
    with torch.no_grad():
        return torch.cat([reward_fn(tokens[i: i + chunk]).reshape(-1) for i in range(0, tokens.shape[0], chunk)])


def _check(policy, tokens, rollout_num):
    _checks.positive_int("rollout_num", rollout_num)
    return _checks.token_batch(tokens, policy.vocab_size)


def rollout_rewards_loop(policy, tokens: torch.Tensor, reward_fn, rollout_num: int, *,
                         generator: torch.Generator | None = None, temperature: float = 1.0,
                         method: str = "inverse_cdf") -> torch.Tensor:
    """Q for every position of `tokens` (B, T): the plain double loop. Returns (B, T).

    ``method`` is the token sampler (`sampling.sample_categorical`); ``"multinomial"``
    (``torch.multinomial``) is what the original SeqGAN and TextGAN-PyTorch code samples with."""
    tokens = _check(policy, tokens, rollout_num)
    batch, length = tokens.shape
    q = torch.zeros(batch, length, device=tokens.device)
    with torch.no_grad():
        for _ in range(rollout_num):
            for t in range(1, length):                                    # prefix Y_{1:t}
                rollout = policy.sample(batch, length, temperature, prefix=tokens[:, :t], generator=generator,
                                         method=method)
                q[:, t - 1] += reward_fn(rollout.tokens).reshape(-1)
        q /= rollout_num
        q[:, length - 1] = reward_fn(tokens).reshape(-1)                  # t = T: the sequence itself
    return q


def rollout_rewards(policy, tokens: torch.Tensor, reward_fn, rollout_num: int, *,
                    generator: torch.Generator | None = None, temperature: float = 1.0,
                    chunk: int = 512, return_rollouts: bool = False):
    """Q for every position of `tokens` (B, T), batched over prefixes and rollouts. Returns (B, T)
    (and the (T-1, B, K, T) rollouts when ``return_rollouts``)."""
    tokens = _check(policy, tokens, rollout_num)
    temperature = _checks.positive_float("temperature", temperature)
    chunk = _checks.positive_int("chunk", chunk)
    b, t_len = tokens.shape
    k = rollout_num
    with torch.no_grad():
        states = policy.prefix_states(tokens)                 # T states, each (layers, B, H)
        rows = b * k
        # rollout r of prefix t (t = 1..T-1) of sequence i lives in row (t-1)*B*K + i*K + r
        seqs = tokens.repeat_interleave(k, 0).repeat(t_len - 1, 1)       # ((T-1)*B*K, T)
        state, feed = None, None
        for s in range(1, t_len):                             # sample position s (0-based)
            # the block for prefix Y_{1:s} joins: its state has read BOS, y_1..y_{s-1}; feed y_s
            new_state = tuple(x.repeat_interleave(k, dim=1) for x in states[s - 1])
            new_feed = tokens[:, s - 1].repeat_interleave(k)
            state = new_state if state is None else tuple(torch.cat([a, n], 1) for a, n in zip(state, new_state))
            feed = new_feed if feed is None else torch.cat([feed, new_feed])
            h, state = policy.step_hidden(feed, state)                    # (s*B*K, H)
            feed = policy.sample_next(h, temperature, generator)          # (s*B*K,)
            seqs[: s * rows, s] = feed
        scores = score_in_chunks(reward_fn, seqs, chunk).reshape(t_len - 1, b, k)
        q = torch.empty(b, t_len, device=tokens.device)
        q[:, : t_len - 1] = scores.mean(-1).T                              # (B, T-1)
        q[:, t_len - 1] = score_in_chunks(reward_fn, tokens, chunk)
    if return_rollouts:
        return q, seqs.reshape(t_len - 1, b, k, t_len)
    return q


class RolloutPolicy:
    """SeqGAN's rollout network: a delayed copy of the generator.

    After each generator step, ``update()`` moves the recurrent and output weights by
    ``rollout = rate * rollout + (1 - rate) * generator`` and copies the embedding (the paper's
    rate is 0.8). ``rate=None`` uses the live generator itself, which is what the original code
    effectively ran (its sampler read the generator's current weights)."""

    def __init__(self, generator, rate: float | None = 0.8):
        self.generator = generator
        self.rate = None if rate is None else _checks.unit_interval("rate", rate)
        self.policy = generator if rate is None else copy.deepcopy(generator).requires_grad_(False)

    def update(self) -> None:
        if self.rate is None:
            return
        with torch.no_grad():
            live = dict(self.generator.named_parameters())
            for name, p in self.policy.named_parameters():
                if name.startswith("embedding."):
                    p.copy_(live[name])
                else:
                    p.mul_(self.rate).add_(live[name], alpha=1 - self.rate)

    def state_dict(self) -> dict:
        return {} if self.rate is None else self.policy.state_dict()

    def load_state_dict(self, state: dict) -> None:
        if self.rate is not None:
            self.policy.load_state_dict(state)


def exact_rollout_values(policy, tokens: torch.Tensor, reward_fn) -> torch.Tensor:
    """Q(Y_{1:t-1}, y_t) = E[D(Y) | Y_{1:t}] under ``policy``, by enumerating every sequence: (B, T).

    The expectation that K Monte Carlo rollouts estimate (chapter 6); the last column is D(Y).
    Only for tiny problems (V^T sequences at most `toy.MAX_SEQUENCES`)."""
    from .toy import MAX_SEQUENCES, ToyProblem, action_values, all_sequences, prefix_index

    v, length = policy.vocab_size, tokens.shape[1]
    if v ** length > MAX_SEQUENCES:
        raise ValueError(f"{v}^{length} sequences is too many to enumerate (max {MAX_SEQUENCES})")
    device = next(policy.parameters()).device
    with torch.no_grad():
        problem = ToyProblem.terminal(v, length, reward_fn(all_sequences(v, length, device=device)).double().cpu())
        q = action_values(policy, problem)                                  # entry t: (V^t, V)
        cols = [q[t][prefix_index(tokens[:, :t], v), tokens[:, t]] for t in range(length)]   # each (B,)
    return torch.stack(cols, 1).float()                                     # (B, T)
