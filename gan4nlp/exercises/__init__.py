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
