"""Code-checked exercises of chapter 1, "Why GANs are hard for text".

    from gan4nlp.exercises import ch01
    ch01.check_softmax_jacobian(my_matrix, logits, lang="th")
"""
from __future__ import annotations

import torch

from . import localized, verdict

_TEXT = {
    "en": {
        "shape": "expected a {v} x {v} matrix (row i = output p_i, column j = logit z_j), got shape {got}",
        "ok": "every entry matches autograd's Jacobian (largest difference {err:.1e})",
        "wrong": "largest difference from autograd's Jacobian is {err:.3g}, at row {i}, column {j} "
                 "(expected {want:.4f}, got {have:.4f})",
    },
    "th": {
        "shape": "ต้องเป็นเมทริกซ์ขนาด {v} x {v} (แถว i คือ p_i หลัก j คือ z_j) แต่ได้ขนาด {got}",
        "ok": "ทุกช่องตรงกับ Jacobian ที่ autograd คำนวณ (ต่างกันมากสุด {err:.1e})",
        "wrong": "ต่างจาก Jacobian ของ autograd มากสุด {err:.3g} ที่แถว {i} หลัก {j} "
                 "(ควรเป็น {want:.4f} แต่ได้ {have:.4f})",
    },
}


def softmax_jacobian(logits) -> torch.Tensor:
    """d softmax(z)_i / d z_j at z = ``logits`` (V,), by autograd, in float64: (V, V)."""
    z = torch.as_tensor(logits, dtype=torch.float64).detach().reshape(-1)
    return torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=-1), z)


def check_softmax_jacobian(answer, logits, lang: str = "en", atol: float = 1e-6) -> bool:
    """Checks a learner's Jacobian of the softmax, J[i, j] = d p_i / d z_j, against autograd.

    ``answer`` is a (V, V) matrix (tensor, nested list or array); ``logits`` the (V,) point."""
    text = localized(_TEXT, lang)
    exact = softmax_jacobian(logits)
    ans = torch.as_tensor(answer.detach() if isinstance(answer, torch.Tensor) else answer, dtype=torch.float64)
    v = exact.shape[0]
    if ans.shape != exact.shape:
        return verdict(False, text["shape"].format(v=v, got=tuple(ans.shape)), lang)
    diff = (ans - exact).abs()
    err = diff.max().item()
    if err <= atol:
        return verdict(True, text["ok"].format(err=err), lang)
    i, j = divmod(int(diff.argmax()), v)
    return verdict(False, text["wrong"].format(err=err, i=i, j=j, want=exact[i, j].item(), have=ans[i, j].item()), lang)
