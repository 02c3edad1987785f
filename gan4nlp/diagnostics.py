"""Bias, variance and direction of a gradient estimator against the exact gradient (chapters 4, 5, 9, 13).

    stats = gradient_stats(Reinforce(LeaveOneOut()), policy, problem, num_samples=1000, repeats=20)
    stats.bias_norm, stats.total_variance, stats.cosine, stats.seconds

All `repeats` estimates come from one batch of ``repeats * num_samples`` sequences and one
``torch.func.vmap`` of the per-group gradient, not a Python loop per repeat, so a widget can call
it on every slider move.
"""
from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import torch

from . import _checks
from .toy import exact_gradient


@dataclass
class GradientStats:
    """Summary of `repeats` independent estimates (rows of ``estimates``) against ``exact``."""

    name: str
    num_samples: int
    estimates: torch.Tensor   # (R, P) one gradient estimate per row
    exact: torch.Tensor       # (P,)
    seconds: float            # wall time of the whole call (sampling, rewards, gradients)
    path: str = "vmap"        # how the per-repeat gradients ran: "vmap" (one call) or "loop" (one per repeat)
    notes: list = field(default_factory=list)   # what PyTorch reported: vmap's per-group fallbacks, or why it looped

    @property
    def repeats(self) -> int:
        return self.estimates.shape[0]

    @property
    def mean(self) -> torch.Tensor:
        return self.estimates.mean(0)

    @property
    def bias(self) -> torch.Tensor:
        """Mean estimate minus exact gradient, per parameter (contains sampling noise ~ std/sqrt(R))."""
        return self.mean - self.exact

    @property
    def bias_norm(self) -> float:
        return float(self.bias.norm())

    @property
    def relative_bias(self) -> float:
        return self.bias_norm / max(float(self.exact.norm()), 1e-30)

    @property
    def total_variance(self) -> float:
        """Trace of the estimates' covariance: sum over parameters of the sample variance."""
        return float(self.estimates.var(0, unbiased=True).sum()) if self.repeats > 1 else float("nan")

    @property
    def standard_errors(self) -> torch.Tensor:
        """Standard error of the mean estimate, per parameter: std / sqrt(R)."""
        return self.estimates.std(0, unbiased=True) / math.sqrt(self.repeats)

    @property
    def z_scores(self) -> torch.Tensor:
        """(mean - exact) / standard error, per parameter with non-zero spread."""
        se = self.standard_errors
        keep = se > 1e-12 * (1 + float(self.exact.abs().max()))
        return self.bias[keep] / se[keep]

    def bias_chi2(self) -> tuple[float, int]:
        """Mahalanobis distance of the mean from the exact gradient: (d^2, rank).

        d^2 = bias^T (Cov / R)^+ bias over the directions in which the estimates vary (a softmax
        policy's gradient has a zero-sum constraint per state, so Cov is singular). Cov is estimated
        from the same R estimates, so for an unbiased estimator d^2 is Hotelling's T^2, not a
        chi-square: (R - k) / (k (R - 1)) d^2 follows F(k, R - k) with k = `rank`, and
        E[d^2 / k] = (R - 1) / (R - k - 2), about R / (R - k): 1.07 for k = 255, R = 4000 (chapter 4),
        1.38 for k = 26, R = 100 (chapter 7). Only for R much larger than k is d^2 about chi-square
        with k degrees of freedom, d^2 / k close to 1. `toy.hotelling_p_value(d2, k, R)` gives the
        test's p-value."""
        x = self.estimates - self.mean
        cov = x.T @ x / (self.repeats - 1) / self.repeats                   # covariance of the mean
        evals, evecs = torch.linalg.eigh(cov)
        keep = evals > 1e-9 * evals.max()
        proj = evecs[:, keep].T @ self.bias
        return float((proj ** 2 / evals[keep]).sum()), int(keep.sum())

    @property
    def cosines(self) -> torch.Tensor:
        """cos(estimate_r, exact) for each repeat: (R,)."""
        return torch.nn.functional.cosine_similarity(self.estimates, self.exact.unsqueeze(0), dim=1)

    @property
    def cosine(self) -> float:
        return float(self.cosines.mean())

    def summary(self) -> dict:
        return {"estimator": self.name, "samples": self.num_samples, "repeats": self.repeats,
                "bias_norm": self.bias_norm, "relative_bias": self.relative_bias,
                "total_variance": self.total_variance, "cosine": self.cosine, "seconds": self.seconds,
                "path": self.path}


class _Bound(torch.nn.Module):
    """Lets torch.func.functional_call run ``fn(policy, *args)`` with substituted parameters."""

    def __init__(self, policy):
        super().__init__()
        self.policy = policy

    def forward(self, fn, *args):
        return fn(self.policy, *args)


_WARNED: set = set()        # (estimator, policy) kinds whose loop fallback was already reported


def group_gradients(estimator, policy, problem, data, *, allow_loop: bool = True) -> torch.Tensor:
    """Gradient of ``estimator.objective`` for each group of ``data`` (leading dim G): (G, P).

    One ``vmap(grad(...))`` over the groups where torch.func supports every operation; a loop over
    groups otherwise (``allow_loop=False`` raises instead). `group_gradients_with_path` also says
    which of the two ran."""
    return group_gradients_with_path(estimator, policy, problem, data, allow_loop=allow_loop)[0]


def group_gradients_with_path(estimator, policy, problem, data, *, allow_loop: bool = True):
    """(gradients (G, P), path, notes): ``path`` is ``"vmap"`` or ``"loop"``; ``notes`` lists what
    PyTorch reported on the way (its "performance drop" warnings name operations that vmap ran
    one group at a time inside the vmapped call; the reason vmap failed when the loop ran).

    The first time an estimator and policy kind falls back to the loop, a RuntimeWarning says so
    (once per kind and process, so a widget's slider does not repeat it)."""
    names = [k for k, p in policy.named_parameters() if p.requires_grad]
    params = {k: p.detach() for k, p in policy.named_parameters() if p.requires_grad}
    bound = _Bound(policy)

    def objective(ps, *group):
        full = {f"policy.{k}": v for k, v in ps.items()}
        return torch.func.functional_call(bound, full, (lambda pol, *d: estimator.objective(pol, problem, *d),) + group,
                                          strict=False)

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            grads = torch.func.vmap(torch.func.grad(objective), in_dims=(None,) + (0,) * len(data),
                                    randomness="error")(params, *data)
        notes = []
        for w in caught:
            if "performance drop" in str(w.message):
                notes.append(str(w.message).split("\n")[0])       # recorded (see GradientStats.notes)
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)   # not ours: pass on
        return torch.cat([grads[k].reshape(data[0].shape[0], -1) for k in names], dim=1), "vmap", notes
    except (RuntimeError, NotImplementedError) as exc:
        if not allow_loop:
            raise
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        key = (type(estimator).__name__, type(policy).__name__)
        if key not in _WARNED:
            _WARNED.add(key)
            warnings.warn(f"gradient_stats: torch.func.vmap cannot run {key[0]} on {key[1]} ({reason}); "
                          f"computing the {data[0].shape[0]} group gradients in a Python loop instead "
                          f"(same values, slower)", RuntimeWarning, stacklevel=3)
        plist = [p for p in policy.parameters() if p.requires_grad]
        rows = []
        with torch.enable_grad():
            for g in range(data[0].shape[0]):
                out = estimator.objective(policy, problem, *(d[g] for d in data))
                rows.append(torch.cat([x.reshape(-1) for x in torch.autograd.grad(out, plist)]))
        return torch.stack(rows), "loop", [reason]


def gradient_stats(estimator, policy, problem, num_samples: int, repeats: int = 20, *, seed: int = 0,
                   exact: torch.Tensor | None = None, name: str | None = None, warmup: int = 0) -> GradientStats:
    """Runs ``estimator`` `repeats` times with `num_samples` sequences each and compares with the
    exact gradient (computed by enumeration unless given). ``warmup`` batches are drawn first and
    discarded, so a stateful baseline (moving average, learned value) has seen some data."""
    num_samples = _checks.positive_int("num_samples", num_samples)
    repeats = _checks.positive_int("repeats", repeats)
    if exact is None:
        exact = exact_gradient(policy, problem)
    generator = torch.Generator(device=exact.device).manual_seed(seed)
    for _ in range(warmup):
        estimator.prepare(policy, problem, num_samples, 1, generator=generator)
    start = time.perf_counter()
    data = estimator.prepare(policy, problem, num_samples, repeats, generator=generator)
    estimates, path, notes = group_gradients_with_path(estimator, policy, problem, data)
    seconds = time.perf_counter() - start
    return GradientStats(name or getattr(estimator, "name", type(estimator).__name__), num_samples,
                         estimates.detach().to(exact.dtype), exact.detach(), seconds, path, notes)


def compare(estimators: dict, policy, problem, sample_sizes, repeats: int = 20, seed: int = 0,
            warmup: int = 20) -> list[dict]:
    """``gradient_stats`` for every estimator and sample size: a list of summary rows (for tables
    and plots). Stateful baselines are reset, then warmed up on ``warmup`` batches, before each run."""
    exact = exact_gradient(policy, problem)
    rows = []
    for name, est in estimators.items():
        for n in sample_sizes:
            baseline = getattr(est, "baseline", None)
            if baseline is not None:
                baseline.reset()
            rows.append(gradient_stats(est, policy, problem, n, repeats, seed=seed, exact=exact, name=name,
                                       warmup=warmup if baseline is not None else 0).summary())
    return rows
