"""Chapter 12 (Thai text lab): every segmentation of a Thai text, the recursions that count them,
the segmentation explorer, and the chapter's exercise checks. No timing assertions here:
`benchmarks/widgets_thai.py` measures the redraw time."""
import matplotlib

matplotlib.use("Agg")
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from gan4nlp import grammar  # noqa: E402
from gan4nlp.exercises import ch12  # noqa: E402
from gan4nlp.widgets import Explorer, render_png  # noqa: E402
from gan4nlp.widgets import thai  # noqa: E402
from _text import has_thai  # noqa: E402

TINY = ["ก", "กา", "า", "ขา", "ข"]          # a made-up dictionary: "กาขา" has exactly 4 spellings


@pytest.fixture(scope="module")
def corpus():
    return grammar.corpus("th", 200, seed=0)


def texts_of(fig):
    out = []
    for ax in fig.axes:
        out += [ax.get_title()] + [t.get_text() for t in ax.texts] + [t.get_text() for t in ax.get_yticklabels()]
        legend = ax.get_legend()
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
    return out


# ------------------------------------------------------------------------------------------------
# Segmentations, against answers worked out by hand

def test_tiny_dictionary_by_hand():
    ways = thai.segmentations("กาขา", TINY)
    assert sorted(map(tuple, ways)) == sorted([("ก", "า", "ข", "า"), ("ก", "า", "ขา"), ("กา", "ข", "า"), ("กา", "ขา")])
    assert ways[0] == ["กา", "ขา"]                               # fewest words first
    assert [len(w) for w in ways] == sorted(len(w) for w in ways)
    assert thai.count_segmentations("กาขา", TINY) == 4
    assert thai.fewest_words("กาขา", TINY) == 2


def test_text_outside_the_dictionary_has_no_segmentation():
    assert thai.segmentations("กาขาง", TINY) == []
    assert thai.count_segmentations("กาขาง", TINY) == 0
    assert thai.fewest_words("กาขาง", TINY) is None


def test_spans_and_advance():
    assert thai.spans(["แมว", "กิน", "ข้าว"]) == [(0, 3), (3, 6), (6, 10)]
    x = thai._advance("ข้าว")                                   # the tone mark ้ takes no width
    assert x == [0.0, 1.0, 1.0, 2.0, 3.0]


def test_recursions_match_brute_force_on_the_corpus(corpus):
    sentences, _, _ = corpus
    for s in sentences[:100]:
        text = grammar.join_thai(s)
        ways = thai.segmentations(text)
        assert thai.count_segmentations(text) == len(ways)
        assert thai.fewest_words(text) == min(map(len, ways))
        assert all(grammar.join_thai(w) == text for w in ways)
        assert list(s) in ways                                  # the grammar's words are one of the spellings


def test_newmm_uses_the_fewest_words(corpus):
    """The chapter's claim: on the grammar corpus newmm is maximal matching."""
    sentences, _, _ = corpus
    for s in sentences:
        text = grammar.join_thai(s)
        assert len(grammar.segment_thai(text)) == thai.fewest_words(text)


def test_grammar_words_spell_each_sentence_once(corpus):
    sentences, _, g = corpus
    for s in sentences:
        assert thai.segmentations(grammar.join_thai(s), g.terminals) == [list(s)]


@pytest.mark.parametrize("bad", ["", None, ["แมว"], 3])
def test_bad_text_raises(bad):
    with pytest.raises(ValueError, match="text must be a non-empty string of Thai"):
        thai.segmentations(bad)
    with pytest.raises(ValueError, match="text must be a non-empty string of Thai"):
        thai.count_segmentations(bad)


@pytest.mark.parametrize("words", ["แมว", [], ["แมว", ""]])
def test_bad_words_raise(words):
    with pytest.raises(ValueError, match="words must be"):
        thai.count_segmentations("แมว", words)


def test_too_many_segmentations_raises():
    with pytest.raises(ValueError, match="limit"):
        thai.segmentations("กาขา" * 3, TINY, limit=10)


# ------------------------------------------------------------------------------------------------
# The widget

@pytest.mark.parametrize("lang", ["en", "th"])
def test_draw_segmentations_returns_a_labelled_figure(corpus, lang):
    sentences, _, _ = corpus
    wrong = [s for s in sentences if grammar.segment_thai(grammar.join_thai(s)) != s]
    fig = thai.draw_segmentations(wrong, 0, "newmm", lang=lang)
    assert isinstance(fig, Figure)
    texts = texts_of(fig)
    assert grammar.join_thai(wrong[0]) in fig.axes[0].get_title()
    assert any("newmm" in t for t in texts)
    assert all(w in texts for w in wrong[0])                    # the grammar's row shows each word
    if lang == "th":
        assert has_thai(fig.axes[0].get_yticklabels()[0].get_text())
    fig = thai.draw_segmentations(wrong, 1, "longest", lang=lang, fig=fig)   # redraw in place
    assert isinstance(fig, Figure) and len(render_png(fig)) > 1000


def test_draw_segmentations_bad_input(corpus):
    sentences, _, _ = corpus
    with pytest.raises(ValueError, match="engine must be one of"):
        thai.draw_segmentations(sentences, 0, "deepcut")
    with pytest.raises(ValueError, match=r"index must lie in \[0, 200\)"):
        thai.draw_segmentations(sentences, len(sentences))
    with pytest.raises(ValueError, match="lang must be one of"):
        thai.draw_segmentations(sentences, 0, lang="fr")


def test_explorer_builds_and_updates(corpus):
    sentences, _, _ = corpus
    explorer = thai.segmentation_explorer(sentences[:5], lang="th")
    assert isinstance(explorer, Explorer)
    assert explorer.controls["index"].description == thai.CONTROL_LABELS["th"]["index"]
    assert isinstance(explorer.update(index=2, engine="mm"), Figure)
    with pytest.raises(ValueError, match="sentences is empty"):
        thai.segmentation_explorer([], lang="en")
    with pytest.raises(ValueError, match="in the explorer"):
        thai.segmentation_explorer(sentences[:5], engine="newmm-safe")


# ------------------------------------------------------------------------------------------------
# Exercise checks

def pythainlp_words(text, engine, custom=None):
    """pythainlp's segmenter called directly (not through the library), spaces dropped."""
    from pythainlp.tokenize import word_tokenize
    return [w for w in word_tokenize(text, custom_dict=custom, engine=engine, keep_whitespace=False) if w.strip()]


def test_check_agreement(capsys):
    sentences, _, _ = grammar.corpus("th", 100, seed=3)
    # the agreement counted here: sentences whose written form ("".join of the words) pythainlp cuts
    # back into exactly the grammar's words
    exact = sum(pythainlp_words("".join(s), "mm") == list(s) for s in sentences) / len(sentences)
    assert 0 < exact < 1
    assert ch12.check_agreement(exact, n=100, seed=3, engine="mm", lang="th")
    assert "ถูกต้อง" in capsys.readouterr().out
    assert not ch12.check_agreement(exact + 0.01, n=100, seed=3, engine="mm")
    assert not ch12.check_agreement("a lot", n=100, seed=3, engine="mm")
    with pytest.raises(ValueError, match="lang must be one of"):
        ch12.check_agreement(exact, n=100, seed=3, engine="mm", lang="fr")
    with pytest.raises(ValueError, match="engine must be one of"):
        ch12.check_agreement(exact, n=100, seed=3, engine="attacut")


def test_new_tokens_and_check():
    assert ch12.new_tokens([["แมว", "กิน", "ข้าว"]]) == {"กินข้าว"}     # newmm glues the compound
    assert ch12.new_tokens([["แมว", "กิน", "ข้าว"]], words=["แมว", "กินข้าว"]) == set()
    sentences, _, g = grammar.corpus("th", 300, seed=2)
    known = set(g.terminals)
    by_hand = {w for s in sentences for w in pythainlp_words("".join(s), "newmm") if w not in known}
    assert ch12.new_tokens(sentences, "newmm", g.terminals) == by_hand
    exact = len(by_hand)
    assert exact > 0
    assert ch12.check_new_tokens(exact, n=300, seed=2)
    assert not ch12.check_new_tokens(exact + 1, n=300, seed=2)
