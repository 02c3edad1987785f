"""Thai word segmentation (chapter 12): pythainlp's dictionary segmenters, and every way to spell a
Thai text with dictionary words.

Thai is written without spaces between words: `join_thai`, `segment_thai` and
`segmentation_agreement` show how well pythainlp's dictionary segmenter recovers the grammar's own
word boundaries (Phatthiyaphaibun et al. 2023, PyThaiNLP).

A text x = x_1 ... x_n (characters) can usually be cut into dictionary words D in several ways,
its segmentations S(x). With N(i) the number of segmentations of the first i characters and c(i)
the fewest words any of them uses,

    N(0) = 1,  N(i) = sum over j < i with x_{j+1:i} in D of N(j)          (`count_segmentations`)
    c(0) = 0,  c(i) = min over j < i with x_{j+1:i} in D of c(j) + 1      (`fewest_words`)

(the last word of a segmentation of x_{1:i} is some dictionary word x_{j+1:i}). `segmentations`
lists S(x) itself. Maximal matching picks a segmentation with c(n) words; pythainlp's ``newmm``
does that over a graph of dictionary words whose ends fall on Thai Character Cluster boundaries
(Haruechaiyasak et al. 2008 compare dictionary-based segmenters). Chapter 12 checks on the Thai
grammar corpus that newmm's word count is c(n) and that the grammar's own words spell each
sentence in exactly one way; its widget (`widgets.thai`) draws the segmentations of a sentence.

    segmentations("แมวกินข้าว")          # [['แมว', 'กินข้าว'], ['แมว', 'กิน', 'ข้าว']]
"""
from __future__ import annotations

from typing import Iterable, Sequence

from ._words import as_words as _as_words, nonempty as _nonempty

THAI_ENGINES = ("newmm", "newmm-safe", "longest", "mm", "multi_cut")  # dictionary-based, offline
MAX_SEGMENTATIONS = 100_000              # `segmentations` refuses to list more than this


def join_thai(tokens: Sequence[str]) -> str:
    """Thai as it is written: the words run together with no spaces between them."""
    return "".join(_as_words(tokens))


def segment_thai(text: str, engine: str = "newmm", words: Iterable[str] | None = None) -> list[str]:
    """Splits Thai text into words with pythainlp's dictionary segmenter (offline), dropping spaces.

    `engine` is one of `THAI_ENGINES` (engines that need extra packages or downloads are refused);
    `words`, if given, replaces pythainlp's dictionary, e.g. with a grammar's own words.
    """
    return _segmenter(engine, words)(text)


def _segmenter(engine: str, words: Iterable[str] | None):
    """text -> words, with the dictionary (a trie) built once."""
    if engine not in THAI_ENGINES:
        raise ValueError(f"engine must be one of {', '.join(THAI_ENGINES)} (offline), got {engine!r}")
    from pythainlp.tokenize import word_tokenize
    custom = None
    if words is not None:
        from pythainlp.util import dict_trie
        custom = dict_trie(_as_words(words, "words"))

    def segment(text: str) -> list[str]:
        if not isinstance(text, str):
            raise ValueError(f"text must be a string, got {type(text).__name__}; join words with join_thai")
        return [w for w in word_tokenize(text, custom_dict=custom, engine=engine, keep_whitespace=False)
                if w.strip()]
    return segment


def segmentation_agreement(sentences, engine: str = "newmm", words: Iterable[str] | None = None) -> float:
    """Fraction of sentences whose segmentation of the joined text gives back exactly their words."""
    sentences = [_as_words(s, f"sentence {i}") for i, s in enumerate(_nonempty(sentences))]
    segment, cache = _segmenter(engine, words), {}
    agree = 0
    for s in sentences:
        text = join_thai(s)
        if text not in cache:
            cache[text] = segment(text)
        agree += cache[text] == s
    return agree / len(sentences)


# ------------------------------------------------------------------------------------------------
# Every segmentation of a text (chapter 12)

_TRIES: dict = {}


def _trie(words: Iterable[str] | None):
    """pythainlp's default dictionary (a trie, loaded once), or a trie of `words`."""
    if words is None:
        from pythainlp.tokenize import word_dict_trie
        return word_dict_trie()
    if isinstance(words, str):
        raise ValueError(f"words must be a list of words, got the string {words[:30]!r}")
    key = frozenset(words)
    if not key or not all(isinstance(w, str) and w for w in key):
        raise ValueError("words must be a non-empty list of non-empty strings")
    if key not in _TRIES:
        from pythainlp.util import dict_trie
        _TRIES[key] = dict_trie(sorted(key))
    return _TRIES[key]


def _check_text(text) -> str:
    if not isinstance(text, str) or not text:
        raise ValueError(f"text must be a non-empty string of Thai (join words with join_thai), got {text!r}")
    return text


def _ends(text: str, trie) -> list[list[int]]:
    """ends[i]: the positions j > i such that text[i:j] is a dictionary word."""
    return [[i + len(w) for w in trie.prefixes(text, i)] for i in range(len(text))]


def count_segmentations(text: str, words: Iterable[str] | None = None) -> int:
    """|S(x)|: the number of ways to write `text` as dictionary words, by the recursion N(i)."""
    text = _check_text(text)
    ends = _ends(text, _trie(words))
    n = [1] + [0] * len(text)                      # n[i] = N(i), read left to right
    for i in range(len(text)):
        if n[i]:
            for j in ends[i]:
                n[j] += n[i]
    return n[len(text)]


def fewest_words(text: str, words: Iterable[str] | None = None) -> int | None:
    """c(n): the fewest dictionary words that spell `text` (maximal matching); None if none do."""
    text = _check_text(text)
    ends = _ends(text, _trie(words))
    inf = len(text) + 1
    c = [0] + [inf] * len(text)
    for i in range(len(text)):
        if c[i] < inf:
            for j in ends[i]:
                c[j] = min(c[j], c[i] + 1)
    return c[len(text)] if c[len(text)] < inf else None


def segmentations(text: str, words: Iterable[str] | None = None, limit: int = MAX_SEGMENTATIONS) -> list[list[str]]:
    """S(x): every way to write `text` as a sequence of dictionary words (pythainlp's dictionary, or
    `words`), fewest words first; [] if no way exists. Raises ValueError beyond `limit` ways."""
    text = _check_text(text)
    trie = _trie(words)
    total = count_segmentations(text, words)
    if total > limit:
        raise ValueError(f"{text!r} has {total} segmentations, more than limit={limit}")
    ends = _ends(text, trie)
    memo: dict[int, list[list[str]]] = {len(text): [[]]}

    def tails(i: int) -> list[list[str]]:          # segmentations of text[i:]
        if i not in memo:
            memo[i] = [[text[i:j]] + rest for j in ends[i] for rest in tails(j)]
        return memo[i]

    return sorted(tails(0), key=len)


def spans(tokens: list[str]) -> list[tuple[int, int]]:
    """(start, end) character offsets of each token in the joined text."""
    out, pos = [], 0
    for w in tokens:
        out.append((pos, pos + len(w)))
        pos += len(w)
    return out
