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
  once, when documents are built, and indexed space-separated in a `words`
  field that only ranks; the query's words go through the same function.

BM25F in one field: an article's title, subtitle, byline and body go into
one field as sections separated by `SECTION_SEP`, and every token carries
its section's boost. Whoosh adds boosts up into the term weight, so a title
occurrence counts several times, which is BM25F's weighted term frequency,
while a query needs one posting list per term instead of one per field
(measured: a union over fields costs about five times a single term).
Sections are a BREAK apart, so a phrase never runs from title into body.

Two ways to the same tokens: `__call__` (Whoosh's Token stream, used for
queries, highlighting and anything generic) and `positions` plus
`gram_tokens` (what sits at each position of a value, turned into tokens
for a whole segment at once with numpy: the index build, where a Python
step per token was most of the time). tests/test_segment_writer.py checks
they agree.

Analyzer classes are top-level and importable: Whoosh pickles the schema,
analyzers included, into the index.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np

from whoosh.analysis import Analyzer, Token, Tokenizer

from indexer.text.normalize import BREAK, compact, compact_text

SECTION_SEP = "\x00"  # between the sections of a sectioned field value

# An n-gram's term key (see gram_tokens): the first character's code point shifted past the second's + 1
_KEY_SHIFT = 21  # code points are below 2**21


def _fill(token: Token, text: str, boost: float, pos: int, startchar: int, endchar: int,
          keeporiginal: bool) -> Token:
    """Set the one reused Token (Whoosh's convention) for the next yield; only what was asked for."""
    token.text = text
    token.boost = boost
    token.stopped = False
    if keeporiginal:
        token.original = text
    if token.positions:
        token.pos = pos
    if token.chars:
        token.startchar = startchar
        token.endchar = endchar
    return token


class Positions(NamedTuple):
    """A value's tokens by position, for the index build (see `SectionedTokenizer.positions`).

    `tokens[p]` is what position p holds: for n-grams a string with a
    character a position, for words a list of words. The first
    `run_lengths[0]` positions have boost `run_boosts[0]`, the next
    `run_lengths[1]` boost `run_boosts[1]`, and so on. `count` is how many
    tokens the value has (its field length).
    """

    tokens: Sequence[str]
    run_lengths: list[int]
    run_boosts: list[float]
    count: int


class SectionedTokenizer(Tokenizer):
    """A tokenizer over a value made of sections (split on SECTION_SEP), each with its own boost.

    Equality and hashing compare the boosts, as Whoosh compares analyzers
    when it checks a schema.
    """

    def __init__(self, section_boosts: tuple[float, ...] = ()) -> None:
        self.section_boosts = tuple(section_boosts)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.section_boosts == self.section_boosts

    def __hash__(self) -> int:
        return hash((type(self), self.section_boosts))

    def positions(self, value: str) -> Positions:
        """What sits at each position of `value`, and the boosts, for the index build.

        The build (`indexer.engines.whoosh.codec.segment_writer`) turns these into postings for a
        whole segment at once (`gram_tokens` for n-grams): a Python step per
        token, or even a dict entry per term and document, was most of a
        build. `__call__` gives the same tokens one by one, for queries,
        highlighting and anything generic; tests/test_segment_writer.py
        checks the two agree.
        """
        raise NotImplementedError

    def _boost(self, index: int) -> float:
        """The boost of section `index` (1 past the given boosts)."""
        return self.section_boosts[index] if index < len(self.section_boosts) else 1.0


class NgramTokenizer(SectionedTokenizer):
    """Unigram + bigram tokens at ordinal positions over compact text (see module docstring).

    `section_boosts[i]` is the boost of every token of the i-th section of
    the value (sections split on SECTION_SEP; missing boosts are 1).
    """

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
            yield _fill(token, value, 1.0, start_pos, start_char, start_char + len(value), keeporiginal)
            return
        pos_base, char_base = start_pos, start_char
        for index, section in enumerate(value.split(SECTION_SEP)):
            boost = self._boost(index)
            if index > 0:  # the separator: a break between sections
                yield _fill(token, BREAK, boost, pos_base, char_base - 1, char_base, keeporiginal)
                pos_base += 1
            searchable = compact(section)
            text = searchable.text
            for pos, char in enumerate(text):
                grams = [char]
                if char != BREAK and pos + 1 < len(text) and text[pos + 1] != BREAK:
                    grams.append(text[pos : pos + 2])
                for gram in grams:
                    start, end = searchable.span(pos, pos + len(gram)) if chars else (0, 0)
                    yield _fill(token, gram, boost, pos_base + pos, char_base + start, char_base + end,
                                keeporiginal)
            pos_base += len(text)
            char_base += len(section) + len(SECTION_SEP)

    def positions(self, value: str) -> Positions:
        """A character a position: the sections' compact texts with a BREAK before each but the first
        (with that section's boost). The unigram at every position, plus the bigrams, are the tokens."""
        texts = [compact_text(section) for section in value.split(SECTION_SEP)]
        text = BREAK.join(texts)
        runs = text.split(BREAK)
        bigrams = len(text) - (len(runs) - 1) - (len(runs) - runs.count(""))  # n - 1 in each run of n
        lengths = [len(texts[0]), *[len(t) + 1 for t in texts[1:]]]
        return Positions(text, lengths, [self._boost(i) for i in range(len(texts))], len(text) + bigrams)


class WordsTokenizer(SectionedTokenizer):
    """Space-separated words (jieba's, joined by `documents`), boosted per section like NgramTokenizer."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        sections = value.split(SECTION_SEP) if tokenize else [value]
        pos, char = start_pos, start_char
        for index, section in enumerate(sections):
            boost = self._boost(index)
            for word in section.split(" ") if tokenize else [section]:
                if word:
                    yield _fill(token, word, boost, pos, char, char + len(word), keeporiginal)
                    pos += 1
                char += len(word) + 1

    def positions(self, value: str) -> Positions:
        """A word a position, the sections one after another."""
        sections = [list(filter(None, section.split(" "))) for section in value.split(SECTION_SEP)]
        words = list(chain.from_iterable(sections))
        return Positions(words, list(map(len, sections)), [self._boost(i) for i in range(len(sections))], len(words))


def ngram_analyzer(section_boosts: tuple[float, ...] = ()) -> Analyzer:
    return NgramTokenizer(section_boosts)


def words_analyzer(section_boosts: tuple[float, ...] = ()) -> Analyzer:
    """For the `words` field, which holds jieba words already joined by spaces."""
    return WordsTokenizer(section_boosts)


def covering(grams: list[str]) -> list[int]:
    """Offsets of the fewest grams of `query_grams` that still cover every character.

    Gram i covers characters i and, for a bigram, i + 1; any characters in
    a row are pinned down once each is covered. `电信网络诈骗` needs 电信, 网络
    and 诈骗 (0, 2, 4), not all five bigrams: fewer posting lists to read.
    """
    chosen: list[int] = []
    at = 0
    while at < len(grams):
        chosen.append(at)
        at += len(grams[at])
    end = len(grams) - 1 + len(grams[-1]) if grams else 0
    if chosen and chosen[-1] + len(grams[chosen[-1]]) < end:
        chosen.append(len(grams) - 1)
    return chosen


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


def gram_tokens(text: str, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The n-gram tokens of values' position texts (`NgramTokenizer.positions`) laid end to end,
    `starts` saying where each value begins: each token's term key and its position in `text`.

    The tokens are those `NgramTokenizer.__call__` yields: a unigram at
    every position, a bigram where a position and the next belong to the
    same value and neither is BREAK. A key is the first character's code
    point, shifted, plus the second's + 1 for a bigram, so keys sort as
    their terms do (code point order, a unigram before the bigrams it
    starts): the byte order of their UTF-8, which Whoosh's term index needs.
    """
    points = np.frombuffer(text.encode("utf-32-le"), "<u4").astype(np.int64)
    pairs = np.flatnonzero((points[:-1] != ord(BREAK)) & (points[1:] != ord(BREAK)))
    value_start = np.zeros(len(points) + 1, bool)
    value_start[starts] = True
    pairs = pairs[~value_start[pairs + 1]]  # none across two values
    keys = np.concatenate((points << _KEY_SHIFT, (points[pairs] << _KEY_SHIFT) | (points[pairs + 1] + 1)))
    return keys, np.concatenate((np.arange(len(points)), pairs))


def gram_terms(keys: np.ndarray) -> list[str]:
    """The terms of `gram_tokens` keys, decoded together (one UTF-32 decode, not a Python step a term).

    Each term is followed by SECTION_SEP, which compact text never holds, to split them apart.
    """
    second = keys & ((1 << _KEY_SHIFT) - 1)
    bigram = second > 0
    widths = np.where(bigram, 3, 2)  # the characters, then the separator
    at = np.cumsum(widths) - widths
    points = np.full(int(widths.sum()), ord(SECTION_SEP), "<u4")
    points[at] = keys >> _KEY_SHIFT
    points[at[bigram] + 1] = second[bigram] - 1
    return points.tobytes().decode("utf-32-le").split(SECTION_SEP)[:-1]
