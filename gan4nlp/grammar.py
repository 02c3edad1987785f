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
(Iwasaki & Ingkaphirom Horie 2005). Thai is written without spaces between words: `join_thai`,
`segment_thai` and `segmentation_agreement` show how well pythainlp's dictionary segmenter
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

EOS = "<eos>"      # end / padding token, always id 0
LENGTH = 16        # T: positions per encoded sentence
MIN_LEN = 3        # shortest sampled sentence (words)
MAX_LEN = 15       # longest sampled sentence (words): LENGTH - 1, so every row has an <eos>
THAI_ENGINES = ("newmm", "newmm-safe", "longest", "mm", "multi_cut")  # dictionary-based, offline


# ------------------------------------------------------------------------------------------------
# The grammars, written for the course.

ENGLISH_GRAMMAR = r"""
# A toy world of animals, children and things. Subjects are animate (cats, girls, teachers,
# ...); verbs agree in number with their subject; 'a', 'this', 'every' take singular nouns and
# 'some', 'two', 'these' plural ones. Two adjectives come in English order, size then colour;
# colours describe animals and things, not people. Relative clauses: 'the dog that sees the cat'
# (subject gap) and 'the ball that the boy likes' (object gap). Dogs may read books here: only
# the Thai grammar restricts who does what.
S        -> NP_sg VP_sg [0.55] | NP_pl VP_pl [0.45]

NP_sg    -> Det_sg Nom_sg [0.88] | Det_sg Nom_sg RC_sg [0.12]
NP_pl    -> Det_pl Nom_pl [0.88] | Det_pl Nom_pl RC_pl [0.12]
Nom_sg   -> A_sg [0.35] | P_sg [0.3] | AAdj A_sg [0.15] | PAdj P_sg [0.12] | Size Colour A_sg [0.08]
Nom_pl   -> A_pl [0.35] | P_pl [0.3] | AAdj A_pl [0.15] | PAdj P_pl [0.12] | Size Colour A_pl [0.08]
RC_sg    -> 'that' VP_sg [0.5] | RC_obj [0.5]
RC_pl    -> 'that' VP_pl [0.5] | RC_obj [0.5]
RC_obj   -> 'that' NP_sg VT_sg [0.5] | 'that' NP_pl VT_pl [0.5]

Thing_sg -> Det_sg TNom_sg [0.9] | Det_sg TNom_sg RC_obj [0.1]
Thing_pl -> Det_pl TNom_pl [0.9] | Det_pl TNom_pl RC_obj [0.1]
TNom_sg  -> T_sg [0.7] | TAdj T_sg [0.22] | Size TColour T_sg [0.08]
TNom_pl  -> T_pl [0.7] | TAdj T_pl [0.22] | Size TColour T_pl [0.08]
T_sg     -> Toy_sg [0.4] | Book_sg [0.3] | Food_sg [0.3]
T_pl     -> Toy_pl [0.4] | Book_pl [0.3] | Food_pl [0.3]
Obj      -> NP_sg [0.3] | NP_pl [0.2] | Thing_sg [0.3] | Thing_pl [0.2]
Read     -> Det_sg Book_sg [0.4] | Det_pl Book_pl [0.3] | Det_sg TAdj Book_sg [0.15] | Det_pl TAdj Book_pl [0.15]
Food     -> Det_sg Food_sg [0.4] | Det_pl Food_pl [0.3] | Det_sg TAdj Food_sg [0.15] | Det_pl TAdj Food_pl [0.15]

VP_sg    -> VPc_sg [0.75] | VPc_sg PP [0.15] | VPc_sg Time [0.1]
VP_pl    -> VPc_pl [0.75] | VPc_pl PP [0.15] | VPc_pl Time [0.1]
VPc_sg   -> VI_sg [0.35] | VT_sg Obj [0.45] | 'reads' Read [0.1] | 'eats' Food [0.1]
VPc_pl   -> VI_pl [0.35] | VT_pl Obj [0.45] | 'read' Read [0.1] | 'eat' Food [0.1]
PP       -> 'in' 'the' PlaceIn [0.35] | 'on' 'the' PlaceOn [0.2] | 'under' 'the' PlaceUnder [0.2]
          | 'near' 'the' Place [0.25]
Time     -> 'today' [0.5] | 'again' [0.5]

Det_sg   -> 'the' [0.45] | 'a' [0.3] | 'this' [0.1] | 'every' [0.15]
Det_pl   -> 'the' [0.45] | 'some' [0.25] | 'two' [0.15] | 'these' [0.15]
A_sg     -> 'cat' [0.4] | 'dog' [0.4] | 'bird' [0.2]
A_pl     -> 'cats' [0.4] | 'dogs' [0.4] | 'birds' [0.2]
P_sg     -> 'girl' [0.35] | 'boy' [0.35] | 'teacher' [0.3]
P_pl     -> 'girls' [0.35] | 'boys' [0.35] | 'teachers' [0.3]
AAdj     -> Size [0.35] | Colour [0.35] | 'lazy' [0.15] | 'happy' [0.15]
PAdj     -> 'happy' [0.4] | 'young' [0.3] | 'tall' [0.3]
Size     -> 'small' [0.5] | 'big' [0.5]
Colour   -> 'black' [0.4] | 'white' [0.3] | 'brown' [0.3]
TAdj     -> Size [0.4] | TColour [0.4] | 'new' [0.2]
TColour  -> 'red' [0.6] | 'green' [0.4]
Toy_sg   -> 'ball' [0.6] | 'box' [0.4]
Toy_pl   -> 'balls' [0.6] | 'boxes' [0.4]
Book_sg  -> 'book' [0.6] | 'letter' [0.4]
Book_pl  -> 'books' [0.6] | 'letters' [0.4]
Food_sg  -> 'cake' [0.5] | 'pear' [0.5]
Food_pl  -> 'cakes' [0.5] | 'pears' [0.5]
VT_sg    -> 'sees' [0.25] | 'likes' [0.25] | 'chases' [0.2] | 'finds' [0.15] | 'wants' [0.15]
VT_pl    -> 'see' [0.25] | 'like' [0.25] | 'chase' [0.2] | 'find' [0.15] | 'want' [0.15]
VI_sg    -> 'sleeps' [0.25] | 'runs' [0.2] | 'jumps' [0.2] | 'sings' [0.15] | 'plays' [0.2]
VI_pl    -> 'sleep' [0.25] | 'run' [0.2] | 'jump' [0.2] | 'sing' [0.15] | 'play' [0.2]
PlaceIn  -> 'garden' [0.4] | 'park' [0.3] | 'house' [0.3]
PlaceOn  -> 'table' [0.5] | 'bed' [0.5]
PlaceUnder -> 'table' [0.4] | 'bed' [0.3] | 'tree' [0.3]
Place    -> 'house' [0.3] | 'tree' [0.3] | 'park' [0.2] | 'garden' [0.2]
"""

THAI_GRAMMAR = r"""
# ประโยคบอกเล่า (statement) หรือคำถาม ... ไหม (yes/no question). Ending particle optional:
# ครับ (male speaker), ค่ะ (female, statement), คะ (female, question).
S         -> Clause [0.6] | Clause Polite [0.2] | Question [0.12] | Question PoliteQ [0.08]
Polite    -> 'ครับ' [0.5] | 'ค่ะ' [0.5]
PoliteQ   -> 'ครับ' [0.5] | 'คะ' [0.5]
Question  -> PersonNP VP_P 'ไหม' [0.6] | AnimalNP VP_A 'ไหม' [0.4]

# Time words agree with aspect: เมื่อวาน (past: negation ไม่ ได้), ตอนนี้ + กำลัง, พรุ่งนี้ + จะ.
Clause    -> Plain [0.4] | 'วันนี้' Plain [0.08] | 'เมื่อวาน' Past [0.12] | Hab 'ทุกวัน' [0.08]
           | 'ตอนนี้' Prog [0.1] | Prog [0.06] | 'พรุ่งนี้' Fut [0.1] | Fut 'พรุ่งนี้' [0.06]
Plain     -> PersonNP Pred_P [0.6] | AnimalNP Pred_A [0.4]
Past      -> PersonNP Past_P [0.6] | AnimalNP Past_A [0.4]
Hab       -> PersonNP VP_P [0.6] | AnimalNP VP_A [0.4]
Prog      -> PersonNP 'กำลัง' ActVP_P [0.6] | AnimalNP 'กำลัง' ActVP_A [0.4]
Fut       -> PersonNP 'จะ' FutPred_P [0.6] | AnimalNP 'จะ' FutPred_A [0.4]
Pred_P    -> VP_P [0.8] | 'ไม่' VP_P [0.2]
Pred_A    -> VP_A [0.8] | 'ไม่' VP_A [0.2]
Past_P    -> VP_P [0.8] | 'ไม่' 'ได้' VP_P [0.2]
Past_A    -> VP_A [0.8] | 'ไม่' 'ได้' VP_A [0.2]
FutPred_P -> FutVP_P [0.8] | 'ไม่' FutVP_P [0.2]
FutPred_A -> FutVP_A [0.8] | 'ไม่' FutVP_A [0.2]

# People (classifier คน); kinship words stand alone. Relative clause with ที่.
PersonNP  -> PersonN [0.35] | PersonN PersonAdj [0.1] | PersonN 'คน' Dem [0.1] | PersonN 'คน' 'หนึ่ง' [0.06]
           | PersonN Num 'คน' [0.06] | PersonN PersonAdj 'คน' Dem [0.04] | PersonN 'ที่' VP_P [0.04]
           | Kin [0.25]
PersonN   -> 'เด็ก' [0.2] | 'เด็กผู้หญิง' [0.15] | 'เด็กผู้ชาย' [0.15] | 'ครู' [0.2] | 'นักเรียน' [0.2]
           | 'เพื่อน' [0.1]
Kin       -> 'แม่' [0.4] | 'พ่อ' [0.3] | 'ยาย' [0.3]
PersonAdj -> 'ใจดี' [0.4] | 'ขยัน' [0.3] | 'เก่ง' [0.3]

# Animals (classifier ตัว).
AnimalNP  -> AnimalN [0.4] | AnimalN AnimalAdj [0.15] | AnimalN 'ตัว' Size [0.12] | AnimalN 'ตัว' Dem [0.1]
           | AnimalN 'ตัว' 'หนึ่ง' [0.06] | AnimalN Num 'ตัว' [0.07] | AnimalN AnimalAdj 'ตัว' Dem [0.05]
           | AnimalN 'ที่' VP_A [0.05]
AnimalN   -> 'แมว' [0.4] | 'หมา' [0.4] | 'นก' [0.2]
AnimalAdj -> Size [0.5] | 'น่ารัก' [0.2] | 'สี' 'ดำ' [0.15] | 'สี' 'ขาว' [0.15]
Size      -> 'เล็ก' [0.4] | 'ใหญ่' [0.35] | 'อ้วน' [0.25]

# Things: หนังสือ (เล่ม), จดหมาย (ฉบับ), ลูกบอล / ส้ม / มะม่วง (ลูก), ปลา (ตัว); food and drink.
BookNP    -> 'หนังสือ' [0.5] | 'หนังสือ' 'เล่ม' ThingAdj [0.15] | 'หนังสือ' 'เล่ม' Dem [0.15]
           | 'หนังสือ' 'เล่ม' 'หนึ่ง' [0.1] | 'หนังสือ' Num 'เล่ม' [0.1]
LetterNP  -> 'จดหมาย' [0.6] | 'จดหมาย' 'ฉบับ' Dem [0.15] | 'จดหมาย' 'ฉบับ' 'หนึ่ง' [0.15]
           | 'จดหมาย' Num 'ฉบับ' [0.1]
BallNP    -> 'ลูกบอล' [0.5] | 'ลูกบอล' 'สี' Colour [0.15] | 'ลูกบอล' 'ลูก' ThingAdj [0.15]
           | 'ลูกบอล' 'ลูก' Dem [0.1] | 'ลูกบอล' Num 'ลูก' [0.1]
FruitNP   -> Fruit [0.45] | Fruit 'สุก' [0.15] | Fruit 'ลูก' ThingSize [0.15] | Fruit 'ลูก' Dem [0.1]
           | Fruit Num 'ลูก' [0.15]
Fruit     -> 'ส้ม' [0.5] | 'มะม่วง' [0.5]
FishNP    -> 'ปลา' [0.6] | 'ปลา' 'ตัว' ThingSize [0.15] | 'ปลา' 'ตัว' Dem [0.1] | 'ปลา' Num 'ตัว' [0.15]
Colour    -> 'แดง' [0.5] | 'ขาว' [0.25] | 'ดำ' [0.25]
ThingSize -> 'เล็ก' [0.5] | 'ใหญ่' [0.5]
ThingAdj  -> 'เล็ก' [0.3] | 'ใหญ่' [0.3] | 'ใหม่' [0.4]
Dem       -> 'นี้' [0.5] | 'นั้น' [0.5]
Num       -> 'สอง' [0.5] | 'สาม' [0.3] | 'ห้า' [0.2]
Food      -> FishNP [0.3] | FruitNP [0.3] | 'ข้าว' [0.25] | 'ขนม' [0.15]
AnimalFood -> FishNP [0.5] | 'ข้าว' [0.3] | 'ขนม' [0.2]
Drink     -> 'นม' [0.3] | 'น้ำ' [0.4] | 'กาแฟ' [0.3]
AnimalDrink -> 'นม' [0.4] | 'น้ำ' [0.6]
BuyNP     -> BookNP [0.25] | BallNP [0.2] | FruitNP [0.2] | FishNP [0.1] | 'ขนม' [0.15] | 'กาแฟ' [0.1]
AnyNP     -> AnimalNP [0.35] | PersonNP [0.3] | BookNP [0.1] | BallNP [0.15] | FruitNP [0.1]

# Verb phrases: what people do, what animals do; an optional place (people do not sit on tables).
# The stative verbs เห็น (see) and ชอบ (like) take neither กำลัง nor a place phrase, and ชอบ
# not จะ; ว่ายน้ำ (swim) takes no place phrase (the places are houses, schools and tables).
VP_P      -> ActVP_P [0.85] | 'เห็น' AnyNP [0.07] | 'ชอบ' AnyNP [0.08]
VP_A      -> ActVP_A [0.85] | 'เห็น' AnyNP [0.07] | 'ชอบ' AnyNP [0.08]
FutVP_P   -> ActVP_P [0.9] | 'เห็น' AnyNP [0.1]
FutVP_A   -> ActVP_A [0.9] | 'เห็น' AnyNP [0.1]
ActVP_P   -> Act_P [0.76] | Act_P PP_P [0.19] | 'ว่ายน้ำ' [0.05]
ActVP_A   -> Act_A [0.8] | Act_A PP_A [0.2]
Act_P     -> 'นอน' [0.07] | Move [0.07] | Move 'เร็ว' [0.04] | 'ร้องเพลง' [0.06] | 'หัวเราะ' [0.05]
           | 'อ่าน' BookNP [0.16] | 'เขียน' LetterNP [0.1] | 'ซื้อ' BuyNP [0.14]
           | 'กิน' Food [0.12] | 'ดื่ม' Drink [0.07] | 'เล่น' BallNP [0.07] | 'ไล่' AnimalNP [0.05]
Act_A     -> 'นอน' [0.17] | Move [0.14] | Move 'เร็ว' [0.06] | 'กระโดด' [0.09] | 'กิน' AnimalFood [0.17]
           | 'ดื่ม' AnimalDrink [0.09] | 'ไล่' AnimalNP [0.14] | 'เล่น' BallNP [0.14]
Move      -> 'วิ่ง' [0.5] | 'เดิน' [0.5]
PP_P      -> 'ที่' PlaceAt [0.4] | 'ใน' PlaceIn [0.45] | 'ใต้' 'ต้นไม้' [0.15]
PP_A      -> 'ที่' 'บ้าน' [0.15] | 'ใน' 'บ้าน' [0.1] | 'ใน' 'สวน' [0.15] | 'บน' Surface [0.3] | 'ใต้' Surface [0.3]
PlaceAt   -> 'บ้าน' [0.4] | 'โรงเรียน' [0.4] | 'ตลาด' [0.2]
PlaceIn   -> 'บ้าน' [0.3] | 'สวน' [0.4] | 'ห้องเรียน' [0.3]
Surface   -> 'โต๊ะ' [0.5] | 'ต้นไม้' [0.5]
"""


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


def _as_words(tokens, name: str = "tokens") -> list[str]:
    if isinstance(tokens, str):
        raise ValueError(f"{name} must be a list of words, got the string {tokens[:30]!r}; split it first "
                         "(text.split() for English, segment_thai(text) for Thai)")
    if isinstance(tokens, torch.Tensor):
        raise ValueError(f"{name} must be a list of words, got a tensor; decode it with Vocabulary.decode")
    words = list(tokens)
    if not all(isinstance(w, str) for w in words):
        raise ValueError(f"{name} must hold only strings (words), got {words[:5]!r}")
    return words


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


def _nonempty(sentences) -> list:
    if isinstance(sentences, str):
        raise ValueError("sentences must be a list of sentences (lists of words), got a string")
    sentences = list(sentences)
    if not sentences:
        raise ValueError("sentences is empty: pass at least one sentence")
    return sentences


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


# ------------------------------------------------------------------------------------------------
# Thai word segmentation (chapter 12).

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
