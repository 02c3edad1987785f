"""Text helpers shared by the tests."""


def has_thai(s: str) -> bool:
    """True when ``s`` holds at least one character of the Thai Unicode block (U+0E00-U+0E7F)."""
    return any("\u0e00" <= ch <= "\u0e7f" for ch in s)
