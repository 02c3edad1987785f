"""Real text for the hands-on chapters: tiny probabilistic grammars in English and Thai (chapters 7,
8, 11 and 12).

A probabilistic context-free grammar (PCFG) rewrites a nonterminal A by one of its rules
A -> X_1 ... X_k, chosen with probability p(A -> X_1 ... X_k); the probabilities of A's rules sum
to 1. Sampling a sentence expands the start symbol S until only words are left. Because the
grammar is known, every generated sentence can be checked *exactly*: a parser either finds a
derivation from S or proves there is none. The grammaticality rate of a generator's samples is
then a quality score that no BLEU can give (chapter 11), and the grammar's samples are the "real"
data of the SeqGAN chapters (7, 8), as the oracle LSTM is in `oracle`.

    sentences, vocab, grammar = corpus("th", n=10_000, seed=0)   # lists of words, Vocabulary, PCFG
    real = vocab.encode(sentences)                               # (N, 16) long, padded with <eos> = 0
    grammaticality_rate(vocab.decode(fake), grammar)             # fraction of samples S derives

The two grammars (`ENGLISH_GRAMMAR`, `THAI_GRAMMAR`) were written for this course. The Thai one
follows standard written Thai: noun - classifier agreement (แมว ตัว เล็ก, หนังสือ สาม เล่ม),
adjectives after the noun, negation ไม่ before the verb (ไม่ ได้ for the past), จะ with พรุ่งนี้,
กำลัง for "now", and ending particles ครับ / ค่ะ, with คะ after the question word ไหม
(Iwasaki & Ingkaphirom Horie 2005). The grammar text itself is data, in `grammar_data`. Thai is
written without spaces between words: `join_thai`, `segment_thai` and `segmentation_agreement`
(in `thai_segmentation`, importable from here too) show how well pythainlp's dictionary segmenter
recovers the grammar's own word boundaries (chapter 12; Phatthiyaphaibun et al. 2023).

Grammar text (the notation of NLTK's ``PCFG.fromstring``): one nonterminal per line, alternatives
separated by ``|``, each followed by its probability in brackets; words in quotes, nonterminals
as bare identifiers; a line that starts with ``|`` continues the previous one; ``#`` starts a
comment. Empty right-hand sides are not allowed, so every nonterminal yields at least one word.

Length: `PCFG.sample` draws whole derivations and keeps those with min_len..max_len words
(rejection sampling: an exact sample of the PCFG conditioned on the length, 3..15 by default).
Sequences have T = 16 positions, so every encoded sentence ends in at least one <eos>.

Parsing: CKY (Cocke-Kasami-Younger) recognition over the grammar binarised on the fly, with the
closure of unary rules applied in every chart cell (Jurafsky & Martin, *Speech and Language
Processing*, 3rd ed. draft, constituency parsing; Manning & Schütze 1999, ch. 11 for PCFGs).
A PCFG is *consistent* (derivations end with probability 1 and have finite expected length) when
the spectral radius of its expected-children matrix is below 1 (Booth & Thompson 1973; Chi 1999);
`PCFG` checks this.
"""
from __future__ import annotations

import bisect
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
import torch

from . import _checks
from ._words import as_words as _as_words, nonempty as _nonempty
from .grammar_data import ENGLISH_GRAMMAR, THAI_GRAMMAR  # noqa: F401  (the grammars, as data)

EOS = "<eos>"      # end / padding token, always id 0
LENGTH = 16        # T: positions per encoded sentence
MIN_LEN = 3        # shortest sampled sentence (words)
MAX_LEN = 15       # longest sampled sentence (words): LENGTH - 1, so every row has an <eos>


# ------------------------------------------------------------------------------------------------
# Reading grammar text.

@dataclass(frozen=True)
class Rule:
    """One rule lhs -> rhs with probability p(lhs -> rhs); rhs holds nonterminal names and words."""

    lhs: str
    rhs: tuple[str, ...]
    prob: float


_TOKEN = re.compile(r"""\s*(?:(?P<arrow>->)|(?P<bar>\|)|\[(?P<prob>[^\]]*)\]|'(?P<sq>[^']*)'|"(?P<dq>[^"]*)"
                        |(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<comment>\#.*)|(?P<bad>\S+))""", re.VERBOSE)


def _tokenize(line: str, number: int) -> list[tuple[str, str]]:
    """One line of grammar text -> [(kind, text)], kind in arrow, bar, prob, word, name."""
    out, pos = [], 0
    while pos < len(line) and line[pos:].strip():
        m = _TOKEN.match(line, pos)
        kind = m.lastgroup
        if kind == "comment":
            break
        if kind == "bad":
            raise ValueError(f"grammar line {number}: cannot read {m.group('bad')!r} "
                             "(write words in quotes and nonterminals as names like NP_sg)")
        text = m.group(kind)
        out.append(("word" if kind in ("sq", "dq") else kind, text))
        pos = m.end()
    return out


def _parse_alternatives(tokens: list[tuple[str, str]], lhs: str, number: int) -> list[Rule]:
    """Tokens after '->' (or after a continuation's '|') -> rules; each alternative ends in [p]."""
    rules, rhs = [], []
    for kind, text in tokens + [("bar", "|")]:
        if kind == "bar":
            if rhs:
                raise ValueError(f"grammar line {number}: alternative {lhs} -> {' '.join(rhs)} has no "
                                 "probability; end it with e.g. [0.5]")
        elif kind == "arrow":
            raise ValueError(f"grammar line {number}: a second '->'; put each nonterminal on its own line")
        elif kind == "prob":
            if not rhs:
                raise ValueError(f"grammar line {number}: {lhs} has an empty right-hand side; "
                                 "every rule must produce at least one symbol")
            rules.append(Rule(lhs, tuple(rhs), _probability(text, lhs, rhs, number)))
            rhs = []
        else:
            if kind == "word" and (not text or len(text.split()) != 1 or text != text.strip()):
                raise ValueError(f"grammar line {number}: word {text!r} must be one token without spaces")
            rhs.append(text)
    return rules


def _probability(text: str, lhs: str, rhs: list[str], number: int) -> float:
    try:
        p = float(text)
    except ValueError:
        raise ValueError(f"grammar line {number}: probability [{text}] is not a number") from None
    if not 0.0 < p <= 1.0:
        raise ValueError(f"grammar line {number}: probability of {lhs} -> {' '.join(rhs)} must lie in "
                         f"(0, 1], got {p}")
    return p


def read_rules(text: str) -> tuple[list[Rule], set[str], set[str]]:
    """Grammar text -> rules in order, the symbols written as bare names, the quoted words."""
    if not isinstance(text, str):
        raise ValueError(f"grammar text must be a string of rules like  S -> NP VP [1.0], "
                         f"got {type(text).__name__}")
    rules, names, words, lhs = [], set(), set(), None
    for number, line in enumerate(text.splitlines(), start=1):
        tokens = _tokenize(line, number)
        if not tokens:
            continue
        if tokens[0][0] == "bar":
            if lhs is None:
                raise ValueError(f"grammar line {number}: '|' continues a rule, but no rule came before")
            tokens = tokens[1:]
        elif len(tokens) >= 2 and tokens[0][0] == "name" and tokens[1][0] == "arrow":
            lhs, tokens = tokens[0][1], tokens[2:]
        else:
            raise ValueError(f"grammar line {number}: expected 'Name -> symbols [p] | ...', "
                             f"got {line.strip()!r}")
        names.update(t for kind, t in tokens if kind == "name")
        words.update(t for kind, t in tokens if kind == "word")
        rules.extend(_parse_alternatives(tokens, lhs, number))
    if not rules:
        raise ValueError("grammar text holds no rules; write rules like  S -> NP VP [1.0]")
    return rules, names, words


# ------------------------------------------------------------------------------------------------
# The grammar.

class PCFG:
    """A probabilistic context-free grammar read from text; samples sentences and parses them.

        g = PCFG("S -> NP 'sleeps' [1.0]\\nNP -> 'the' 'cat' [0.5] | 'a' 'dog' [0.5]")
        g.sample(3, seed=0)                 # [['the', 'cat', 'sleeps'], ...]
        is_grammatical(['a', 'dog', 'sleeps'], g)   # True

    The start symbol is the first rule's left-hand side unless `start` is given. Raises a
    ValueError naming the problem when a nonterminal's probabilities do not sum to 1, a bare
    name has no rules, a rule is listed twice, a nonterminal is unreachable from the start, or
    the recursion is so strong that the expected sentence length is infinite.
    """

    def __init__(self, text: str, start: str | None = None, name: str = "grammar"):
        rules, names, words = read_rules(text)
        self.name = name
        self.text = text
        self.rules = tuple(rules)
        self.start = rules[0].lhs if start is None else start
        self._alternatives = _group_rules(rules)                     # lhs -> [(rhs, p)]
        self.nonterminals = tuple(self._alternatives)                # in order of definition
        _check_symbols(self._alternatives, names, words, self.start)
        self.terminals = tuple(sorted(words))                         # the words, sorted
        _check_sums(self._alternatives)
        _check_reachable(self._alternatives, self.start)
        self.expected_length = _expected_length(self._alternatives, self.start)
        self._choices = {a: ([rhs for rhs, _ in alts], _cumulative([p for _, p in alts]))
                         for a, alts in self._alternatives.items()}
        self._binary, self._unary_parents = _binarise(rules)
        self._closures: dict[str, frozenset] = {}

    def __repr__(self) -> str:
        return (f"PCFG({self.name!r}: {len(self.rules)} rules, {len(self.nonterminals)} nonterminals, "
                f"{len(self.terminals)} words, start {self.start!r})")

    def __str__(self) -> str:
        """The rules, one nonterminal per line, words in quotes."""
        def show(s):
            return s if s in self._alternatives else repr(s)
        return "\n".join(f"{a} -> " + " | ".join(f"{' '.join(map(show, rhs))} [{p:g}]" for rhs, p in alts)
                         for a, alts in self._alternatives.items())

    # ----- sampling --------------------------------------------------------------------------
    def sample(self, n: int, seed: int = 0, min_len: int = MIN_LEN, max_len: int = MAX_LEN) -> list[list[str]]:
        """n sentences (lists of words) with min_len..max_len words, deterministic from the seed.

        Draws derivations top-down and rejects any whose length falls outside the range (stopping
        a derivation as soon as it must exceed max_len): an exact sample of the grammar's
        distribution conditioned on the length.
        """
        n = _checks.positive_int("n", n)
        min_len = _checks.positive_int("min_len", min_len)
        max_len = _checks.positive_int("max_len", max_len)
        if min_len > max_len:
            raise ValueError(f"min_len ({min_len}) must not exceed max_len ({max_len})")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"seed must be an integer, got {seed!r}")
        rng, out, tries = random.Random(seed), [], 0
        max_tries = 1000 + 100 * n
        while len(out) < n:
            if tries == max_tries:
                raise ValueError(f"only {len(out)} of {tries} derivations of {self.name} had {min_len}.."
                                 f"{max_len} words; widen the length range")
            tries += 1
            words = self._derive(rng, max_len)
            if words is not None and len(words) >= min_len:
                out.append(words)
        return out

    def _derive(self, rng: random.Random, max_len: int) -> list[str] | None:
        """One leftmost derivation from the start symbol; None once it must exceed max_len words."""
        words, stack = [], [self.start]
        while stack:
            symbol = stack.pop()
            if symbol not in self._choices:
                words.append(symbol)
                continue
            rhss, cum = self._choices[symbol]
            stack.extend(reversed(rhss[bisect.bisect_right(cum, rng.random())]))
            if len(words) + len(stack) > max_len:     # every pending symbol yields >= 1 word
                return None
        return words

    # ----- parsing ---------------------------------------------------------------------------
    def _closure(self, symbol: str) -> frozenset:
        """{symbol} and every nonterminal that derives it through unary rules A -> B -> ... -> symbol."""
        found = self._closures.get(symbol)
        if found is None:
            found, todo = {symbol}, [symbol]
            while todo:
                for parent in self._unary_parents.get(todo.pop(), ()):
                    if parent not in found:
                        found.add(parent)
                        todo.append(parent)
            found = self._closures[symbol] = frozenset(found)
        return found

    def recognise(self, words: Sequence[str]) -> bool:
        """CKY: True iff the start symbol derives exactly this word sequence."""
        n = len(words)
        if n == 0:
            return False
        chart = {(i, i + 1): self._closure(w) for i, w in enumerate(words)}   # span -> symbols
        for span in range(2, n + 1):
            for i in range(n - span + 1):
                k, found = i + span, set()
                for j in range(i + 1, k):
                    right = chart[j, k]
                    for b in chart[i, j]:
                        by_right = self._binary.get(b)
                        if by_right is None:
                            continue
                        for c in right:
                            parents = by_right.get(c)
                            if parents:
                                found |= parents
                chart[i, k] = frozenset().union(*map(self._closure, found)) if found else frozenset()
        return self.start in chart[0, n]


def _group_rules(rules: list[Rule]) -> dict[str, list[tuple[tuple[str, ...], float]]]:
    """Rules -> {lhs: [(rhs, p), ...]} in order; a rule listed twice is an error."""
    grouped: dict[str, list] = {}
    for r in rules:
        alts = grouped.setdefault(r.lhs, [])
        if any(rhs == r.rhs for rhs, _ in alts):
            raise ValueError(f"rule {r.lhs} -> {' '.join(r.rhs)} is listed twice")
        alts.append((r.rhs, r.prob))
    return grouped


def _check_symbols(alternatives: dict, names: set[str], words: set[str], start: str) -> None:
    undefined = sorted(names - set(alternatives))
    if undefined:
        raise ValueError(f"undefined nonterminal(s) {', '.join(undefined)}: they have no rules "
                         "(write words in quotes)")
    clash = sorted(words & set(alternatives))
    if clash:
        raise ValueError(f"word(s) {', '.join(map(repr, clash))} have the same name as a nonterminal")
    if start not in alternatives:
        raise ValueError(f"start symbol {start!r} has no rules")


def _check_sums(alternatives: dict) -> None:
    for lhs, alts in alternatives.items():
        total = sum(p for _, p in alts)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the probabilities of {lhs}'s rules sum to {total:.6g}, not 1")


def _check_reachable(alternatives: dict, start: str) -> None:
    seen, todo = {start}, [start]
    while todo:
        for rhs, _ in alternatives[todo.pop()]:
            for s in rhs:
                if s in alternatives and s not in seen:
                    seen.add(s)
                    todo.append(s)
    unused = [a for a in alternatives if a not in seen]
    if unused:
        raise ValueError(f"nonterminal(s) {', '.join(unused)} cannot be reached from {start}")


def _expected_length(alternatives: dict, start: str) -> float:
    """E[number of words] of an unconditioned derivation; ValueError if infinite.

    M[A, B] = expected number of B's in one rewrite of A, w[A] = expected words in it; the expected
    yield is L = w + M L, i.e. L = (I - M)^{-1} w, finite iff the spectral radius of M is < 1.
    """
    index = {a: i for i, a in enumerate(alternatives)}
    K = len(index)
    M, w = np.zeros((K, K)), np.zeros(K)                         # (K, K), (K,)
    for a, alts in alternatives.items():
        for rhs, p in alts:
            for s in rhs:
                if s in index:
                    M[index[a], index[s]] += p
                else:
                    w[index[a]] += p
    radius = max(abs(np.linalg.eigvals(M))) if K else 0.0
    if radius >= 1.0 - 1e-9:
        raise ValueError(f"the grammar's recursion is too strong: derivations have infinite expected "
                         f"length (spectral radius of the expected-children matrix {radius:.4g} >= 1); "
                         "lower the probabilities of recursive rules")
    return float(np.linalg.solve(np.eye(K) - M, w)[index[start]])


def _cumulative(probs: list[float]) -> list[float]:
    cum = np.cumsum(probs).tolist()
    cum[-1] = 1.0  # so a uniform draw u in [0, 1) always picks a rule
    return cum


def _binarise(rules: Iterable[Rule]):
    """Binary rules {B: {C: {A}}} and unary parents {X: {A}} of the grammar in (near) Chomsky form.

    A -> X1 X2 ... Xk (k > 2) becomes A -> X1 <X2 ... Xk>, <X2 ... Xk> -> X2 <X3 ... Xk>, ...;
    the helper symbols are named by the sequence they stand for (they contain spaces, so they
    cannot clash with a word or a nonterminal). Words stay in the rules as symbols of their own.
    """
    binary: dict[str, dict[str, set]] = defaultdict(dict)
    unary: dict[str, set] = defaultdict(set)
    for r in rules:
        lhs, rhs = r.lhs, r.rhs
        if len(rhs) == 1:
            unary[rhs[0]].add(lhs)
            continue
        while len(rhs) > 2:
            rest = "<" + " ".join(rhs[1:]) + ">"
            binary[rhs[0]].setdefault(rest, set()).add(lhs)
            lhs, rhs = rest, rhs[1:]
        binary[rhs[0]].setdefault(rhs[1], set()).add(lhs)
    return dict(binary), dict(unary)


# ------------------------------------------------------------------------------------------------
# The course's grammars and corpora.

def english_grammar() -> PCFG:
    """The English toy grammar (`ENGLISH_GRAMMAR`): agreement, adjectives, PPs, relative clauses."""
    return PCFG(ENGLISH_GRAMMAR, name="english")


def thai_grammar() -> PCFG:
    """The Thai toy grammar (`THAI_GRAMMAR`): classifiers, negation, aspect, particles, ไหม questions."""
    return PCFG(THAI_GRAMMAR, name="thai")


def _as_grammar(grammar) -> PCFG:
    if not isinstance(grammar, PCFG):
        raise ValueError(f"grammar must be a PCFG (e.g. english_grammar()), got {type(grammar).__name__}")
    return grammar


def is_grammatical(tokens: Sequence[str], grammar: PCFG) -> bool:
    """True iff `grammar` derives exactly this list of words (a word outside the grammar -> False)."""
    return _as_grammar(grammar).recognise(_as_words(tokens))


def grammaticality_rate(sentences, grammar: PCFG, vocab: "Vocabulary | None" = None) -> float:
    """Fraction of sentences the grammar derives. Sentences: lists of words, or a (N, T) tensor of
    token ids together with the `vocab` that decodes it (each row ends at its first <eos>)."""
    grammar = _as_grammar(grammar)
    if isinstance(sentences, torch.Tensor):
        if vocab is None:
            raise ValueError("sentences is a tensor of token ids: pass vocab= to decode it")
        sentences = vocab.decode(sentences)
    sentences = [_as_words(s, f"sentence {i}") for i, s in enumerate(_nonempty(sentences))]
    verdict: dict[tuple, bool] = {}
    for s in sentences:
        key = tuple(s)
        if key not in verdict:
            verdict[key] = grammar.recognise(s)
    return sum(verdict[tuple(s)] for s in sentences) / len(sentences)


def corpus(language: str = "en", n: int = 10_000, seed: int = 0, min_len: int = MIN_LEN,
           max_len: int = MAX_LEN) -> tuple[list[list[str]], "Vocabulary", PCFG]:
    """n sentences sampled from the English ("en") or Thai ("th") grammar, its vocabulary, the grammar."""
    makers = {"en": english_grammar, "th": thai_grammar}
    if language not in makers:
        raise ValueError(f"language must be 'en' or 'th', got {language!r}")
    grammar = makers[language]()
    sentences = grammar.sample(n, seed=seed, min_len=min_len, max_len=max_len)
    return sentences, Vocabulary.from_grammar(grammar), grammar


# ------------------------------------------------------------------------------------------------
# Token ids.

class Vocabulary:
    """Word <-> id mapping: id 0 is <eos> (end of sentence and padding), then the words in sorted
    (code-point) order, so the ids depend only on the set of words.

        vocab = Vocabulary.from_grammar(english_grammar())
        ids = vocab.encode([['the', 'cat', 'sleeps']])     # (1, 16): ids of the words, then 0s
        vocab.decode(ids)                                  # [['the', 'cat', 'sleeps']]

    With `policy.Generator`'s default start symbol (an extra embedding row), <eos> is an ordinary
    output token: a generated row is read up to its first <eos>.
    """

    eos = EOS
    eos_id = 0

    def __init__(self, words: Iterable[str]):
        words = sorted(set(_as_words(words, "words")))
        if not words:
            raise ValueError("a vocabulary needs at least one word")
        if EOS in words:
            raise ValueError(f"{EOS} is reserved for the end token (id 0); do not list it")
        self.tokens = (EOS, *words)                                  # id -> token
        self.index = {t: i for i, t in enumerate(self.tokens)}       # token -> id

    @classmethod
    def from_grammar(cls, grammar: PCFG) -> "Vocabulary":
        return cls(_as_grammar(grammar).terminals)

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, word) -> bool:
        return word in self.index

    def __repr__(self) -> str:
        more = ", ..." if len(self) > 6 else ""
        return f"Vocabulary({len(self)} tokens: {EOS}=0, {', '.join(self.tokens[1:6])}{more})"

    def encode(self, sentences, length: int = LENGTH) -> torch.Tensor:
        """Sentences (lists of words) -> (N, length) long ids, each padded with <eos> = 0 after its
        last word. A sentence longer than `length` or holding a word outside the vocabulary raises."""
        length = _checks.positive_int("length", length)
        sentences = _nonempty(sentences)
        ids = torch.full((len(sentences), length), self.eos_id, dtype=torch.long)   # (N, T)
        for i, s in enumerate(sentences):
            words = _as_words(s, f"sentence {i}")
            if len(words) > length:
                raise ValueError(f"sentence {i} has {len(words)} words, more than length={length}; "
                                 "sample shorter sentences (max_len) or raise length")
            for t, w in enumerate(words):
                if w not in self.index or w == EOS:
                    what = f"the end token {EOS}" if w == EOS else f"unknown word {w!r}"
                    raise ValueError(f"sentence {i} ({' '.join(words)}) holds {what}, not in the vocabulary")
                ids[i, t] = self.index[w]
        return ids

    def decode(self, ids) -> list:
        """(N, T) ids -> N sentences (lists of words), each cut at its first <eos>; (T,) -> one sentence."""
        if not isinstance(ids, torch.Tensor):
            ids = torch.as_tensor(ids)
        single = ids.dim() == 1
        ids = _checks.token_batch(ids.unsqueeze(0) if single else ids, len(self), "ids")   # (N, T)
        out = []
        for row in ids.tolist():
            end = row.index(self.eos_id) if self.eos_id in row else len(row)
            out.append([self.tokens[i] for i in row[:end]])
        return out[0] if single else out


# Thai word segmentation (chapter 12) lives in `thai_segmentation`; these names stay here too.
from .thai_segmentation import THAI_ENGINES, join_thai, segment_thai, segmentation_agreement  # noqa: E402,F401
