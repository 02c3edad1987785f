"""A Thai search language for Sphinx's HTML search.

Sphinx has no Thai search language: its default splitter cuts text at every character
that is not a Unicode "word" character, and Thai vowel and tone marks are not, so Thai
ends up in the index as meaningless fragments. Thai also writes no spaces between words.

This extension registers ``SearchThai`` as ``sphinx.search.languages["th"]``:

* at build time, ``split`` segments text with pythainlp's dictionary-based ``newmm``
  tokenizer (whitespace and punctuation dropped, Latin words kept whole), so the index
  holds Thai words such as รางวัล (reward) and นโยบาย (policy);
* in the browser, ``splitQuery`` segments the reader's query with
  ``Intl.Segmenter("th", {granularity: "word"})`` (all current browsers), falling back to
  a whitespace split where it is unavailable.

The two segmenters do not always agree: newmm keeps compounds such as ให้รางวัล (to reward)
whole, and a search for รางวัล would then miss that page. So every compound token is also
indexed by the dictionary words inside it (cut at Thai character-cluster boundaries):
ให้รางวัล adds ให้ and รางวัล. ``tests/test_book_search.py`` checks the words that matter
against the built index.

Use: ``language: th`` and ``html_search_language: th`` in the Thai edition's config.
"""
from __future__ import annotations

import re
from typing import Any

from sphinx.search import SearchLanguage, languages

# A run of Thai characters (U+0E00-U+0E7F, marks included) or of word characters.
_TOKEN_PIECE = re.compile(r"[\u0E00-\u0E7F\w]+")
_THAI = re.compile(r"[\u0E00-\u0E7F]+$")

JS_SPLITTER = r"""
/**
 * Thai-aware query splitter (book/_ext/thai_search.py). Thai has no spaces between
 * words, so the query is cut into words by the browser's word segmenter.
 */
function splitQuery(query) {
  if (typeof Intl !== "undefined" && typeof Intl.Segmenter === "function") {
    const segmenter = new Intl.Segmenter("th", {granularity: "word"});
    const terms = [];
    for (const seg of segmenter.segment(query)) {
      if (seg.isWordLike) terms.push(seg.segment);
    }
    return terms;
  }
  // Fallback for browsers without Intl.Segmenter: split at whitespace only, so a Thai
  // word typed on its own still matches.
  return query.split(/\s+/).filter((term) => term);
}
"""


class SearchThai(SearchLanguage):
    lang = "th"
    language_name = "Thai"
    js_splitter_code = JS_SPLITTER

    def init(self, options: dict[str, str]) -> None:
        from pythainlp.corpus import thai_words
        from pythainlp.tokenize import word_tokenize
        from pythainlp.tokenize.tcc import tcc_pos

        self._word_tokenize = word_tokenize
        self._dictionary = thai_words()
        self._tcc_pos = tcc_pos

    def split(self, input: str) -> list[str]:
        words: list[str] = []
        for token in self._word_tokenize(input, engine="newmm", keep_whitespace=False):
            # newmm keeps punctuation stuck to Latin tokens, e.g. "(reward)".
            for piece in _TOKEN_PIECE.findall(token):
                words.append(piece)
                words.extend(self.subwords(piece))
        return words

    def subwords(self, token: str) -> list[str]:
        """Dictionary words of three or more characters inside a Thai compound token, each
        starting and ending at a character-cluster boundary (never the token itself)."""
        if len(token) < 4 or not _THAI.match(token):
            return []
        cuts = sorted({0, *self._tcc_pos(token)})
        found = []
        for a, i in enumerate(cuts):
            for j in cuts[a + 1:]:
                part = token[i:j]
                if j - i >= 3 and part != token and part in self._dictionary:
                    found.append(part)
        return found


def setup(app: Any) -> dict[str, Any]:
    languages["th"] = SearchThai
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
