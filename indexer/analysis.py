"""Text analysis for the index: character n-grams for matching, jieba words for ranking.

Why two kinds of token (the measured failures of jieba's own Whoosh analyzer
are in PITFALLS.md): a word segmenter cuts the same characters differently
in a query and in a text (`商某珍`, names split by line breaks), so word
tokens cannot promise that text which occurs is found. Overlapping character
n-grams can, as Lucene's CJK bigrams do:

* `NgramTokenizer` turns `normalize.compact()` text into, at every position
  (one position per compact character), the character itself (a unigram)
  and, if the next character belongs to the same run, the bigram starting
  there. A gap (punctuation, a space between Latin words) is one position
  holding the `BREAK` token. Positions are ordinal, so a phrase query over
  these tokens matches exactly where the characters occur in a row.
* `query_grams()` turns query text into the fewest tokens that pin it down:
  bigrams where it can, a unigram where a run has a single character, and
  no token for a last character a bigram already covers. One token means a
  Term query, several a Phrase.
* Words (`segmenter.words()`, jieba with our field dictionary) are computed
  once, when documents are built, and stored space-separated in `*_words`
  fields that only rank; the query's words go through the same function.

Analyzer classes are top-level and importable: Whoosh pickles the schema,
analyzers included, into the index.
"""
from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Analyzer, SpaceSeparatedTokenizer, Token, Tokenizer

from indexer.normalize import BREAK, compact


class NgramTokenizer(Tokenizer):
    """Unigram + bigram tokens at ordinal positions over compact text (see module docstring)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        searchable = compact(value)
        text = searchable.text
        for pos, char in enumerate(text):
            grams = [char]
            if char != BREAK and pos + 1 < len(text) and text[pos + 1] != BREAK:
                grams.append(text[pos : pos + 2])
            for gram in grams:
                token.text = gram
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = gram
                if positions:
                    token.pos = start_pos + pos
                if chars:
                    start, end = searchable.span(pos, pos + len(gram))
                    token.startchar = start_char + start
                    token.endchar = start_char + end
                yield token


def ngram_analyzer() -> Analyzer:
    return NgramTokenizer()


def words_analyzer() -> Analyzer:
    """For `*_words` fields, which hold jieba words already joined by spaces."""
    return SpaceSeparatedTokenizer()


def query_grams(compact_text: str) -> list[str]:
    """The consecutive-position tokens that match `compact_text` in a row (see module docstring)."""
    text = compact_text.strip(BREAK)
    grams: list[str] = []
    for pos, char in enumerate(text):
        if char != BREAK and pos + 1 < len(text) and text[pos + 1] != BREAK:
            grams.append(text[pos : pos + 2])
        elif pos == len(text) - 1 and pos > 0 and text[pos - 1] != BREAK:
            break  # the bigram before already holds this last character
        else:
            grams.append(char)
    return grams
