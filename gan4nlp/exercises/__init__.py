"""Code-checked exercise answers, one module per chapter (``gan4nlp.exercises.ch04`` ...).

Each ``check_*`` function takes the learner's answer, compares it with a value computed by the
library (usually an exact answer by enumeration), prints a short verdict in the notebook's
language and returns True or False, so a notebook cell can also ``assert`` it.
"""
from __future__ import annotations

MESSAGES = {
    "en": {"ok": "Correct", "wrong": "Not yet"},
    "th": {"ok": "ถูกต้อง", "wrong": "ยังไม่ถูก"},
}


def verdict(ok: bool, detail: str = "", lang: str = "en") -> bool:
    """Prints "Correct ..." / "Not yet ..." (Thai with ``lang="th"``) and returns ``ok``."""
    if lang not in MESSAGES:
        raise ValueError(f"lang must be one of {sorted(MESSAGES)}, got {lang!r}")
    word = MESSAGES[lang]["ok" if ok else "wrong"]
    print(word + (f": {detail}" if detail else ""))
    return ok


def localized(table: dict, lang: str) -> dict:
    """The messages of ``table`` ({"en": {...}, "th": {...}}) for ``lang``; ValueError otherwise."""
    if lang not in table:
        raise ValueError(f"lang must be one of {sorted(table)}, got {lang!r}")
    return table[lang]


def as_number(answer) -> float | None:
    """The learner's answer as a float (a one-element tensor counts), or None if it is not a number."""
    try:
        if hasattr(answer, "detach"):
            return answer.detach().reshape(-1)[0].item()
        return float(answer)
    except (TypeError, ValueError, IndexError):
        return None


def not_a_number(lang: str = "en") -> bool:
    return verdict(False, localized({"en": "expected one number", "th": "ต้องเป็นตัวเลขหนึ่งตัว"}, lang), lang)


def check_number(answer, exact: float, tol: float, lang: str, ok: dict, hint: dict) -> bool:
    """Compares a numeric answer with ``exact`` within ``tol``. ``ok`` and ``hint`` are
    {"en": ..., "th": ...} texts; ``ok`` may use ``{exact}``."""
    value = as_number(answer)
    if value is None:
        return not_a_number(lang)
    if abs(value - exact) <= tol:
        return verdict(True, localized(ok, lang).format(exact=exact), lang)
    off = abs(value - exact)
    wrong = {"en": f"off by {off:.3g}. Hint: {hint['en']}", "th": f"ต่างจากค่าจริง {off:.3g} คำใบ้: {hint['th']}"}
    return verdict(False, localized(wrong, lang), lang)
