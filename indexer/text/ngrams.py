"""Character n-grams: what every engine indexes for matching, and how a query's text is looked up.

Why n-grams (the measured failures of jieba's own Whoosh analyzer are in
PITFALLS.md): a word segmenter cuts the same characters differently in a
query and in a text (`商某珍`, names split by line breaks), so word tokens
cannot promise that text which occurs is found. Overlapping character
n-grams can, as Lucene's CJK bigrams do:

* A value's `normalize.compact()` text holds, at every position (one
  position per compact character), the character itself (a unigram) and,
  if the next character belongs to the same run, the bigram starting there.
  A gap (punctuation, a space between Latin words) is one position holding
  the `BREAK` token. Positions are ordinal, so a phrase query over these
  tokens matches exactly where the characters occur in a row.
* `query_grams()` turns query text into the fewest tokens that pin it down:
  bigrams where it can, a unigram where a run has a single character, and
  no token for a last character a bigram already covers; `covering()` keeps
  only the grams a phrase needs.
* Words (`segmenter.words()`, jieba with our field dictionary) are computed
  once, when documents are built, and indexed space-separated in a `words`
  field that only ranks; the query's words go through the same function.

BM25F in one field: an article's title, subtitle, byline and body go into
one value as sections separated by `SECTION_SEP`, and every token carries
its section's boost, so a title occurrence counts several times (BM25F's
weighted term frequency) while a query needs one posting list per term
instead of one per field. Sections are a BREAK apart and, in positions,
`SECTION_GAP` more: no phrase or near-search (`"a b"~N`, at most
`query.MAX_NEAR_DISTANCE` apart) can run from one section into the next
(the end of a title into its body, a body into the corrections' `original`),
while the field length, and so the score, stays what the text holds.

`ngram_positions` and `word_positions` say what sits at each position of a
sectioned value; `gram_tokens` turns many values' n-gram positions into
tokens at once with numpy (an index build, where a Python step per token
was most of the time). The local engine's tokenizers
(indexer.engines.whoosh.analyzers) give the same tokens one by one.
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

import numpy as np

from indexer.text.normalize import BREAK, compact_text

SECTION_SEP = "\x00"  # between the sections of a sectioned field value
# Positions left empty before each section but the first (Lucene's position increment gap): wider
# than any near-search's distance (query.MAX_NEAR_DISTANCE asserts it). Changing it takes a rebuild:
# a local index records the gap it was built with (whoosh.store.has_current_schema).
SECTION_GAP = 1000

# An n-gram's term key (see gram_tokens): the first character's code point shifted past the second's + 1
_KEY_SHIFT = 21  # code points are below 2**21


class Positions(NamedTuple):
    """A value's tokens by position, for the index build (`ngram_positions`, `word_positions`).

    `tokens[p]` is what position p holds: for n-grams a string with a
    character a position, for words a list of words. The first
    `run_lengths[0]` positions have boost `run_boosts[0]`, the next
    `run_lengths[1]` boost `run_boosts[1]`, and so on, and are indexed
    `run_shifts[i]` positions further on (a run is a section: `SECTION_GAP`
    between sections). `count` is how many tokens the value has (its field
    length).
    """

    tokens: Sequence[str]
    run_lengths: list[int]
    run_boosts: list[float]
    count: int
    run_shifts: list[int]


def section_boost(boosts: Sequence[float], index: int) -> float:
    """The boost of section `index` (1 past the given boosts)."""
    return boosts[index] if index < len(boosts) else 1.0


def section_texts(value: str) -> list[str]:
    """The compact text of each section of a (sectioned) value: what is indexed a character a position."""
    return [compact_text(section) for section in value.split(SECTION_SEP)]


def ngram_positions(value: str, boosts: Sequence[float] = ()) -> Positions:
    """A character a position: the sections' compact texts with a BREAK before each but the first
    (with that section's boost), SECTION_GAP positions on. The unigram at every position, plus the
    bigrams, are the tokens."""
    texts = section_texts(value)
    text = BREAK.join(texts)
    runs = text.split(BREAK)
    bigrams = len(text) - (len(runs) - 1) - (len(runs) - runs.count(""))  # n - 1 in each run of n
    lengths = [len(texts[0]), *[len(t) + 1 for t in texts[1:]]]
    return Positions(text, lengths, [section_boost(boosts, i) for i in range(len(texts))], len(text) + bigrams,
                     section_shifts(len(texts)))


def word_positions(value: str, boosts: Sequence[float] = ()) -> Positions:
    """A word a position (words space-separated, as `documents` joins jieba's), the sections one after another."""
    sections = [list(filter(None, section.split(" "))) for section in value.split(SECTION_SEP)]
    words = list(chain.from_iterable(sections))
    return Positions(words, list(map(len, sections)), [section_boost(boosts, i) for i in range(len(sections))],
                     len(words), section_shifts(len(sections)))


def section_shifts(sections: int) -> list[int]:
    """How many positions further on each of `sections` sections is indexed: SECTION_GAP more each."""
    return [index * SECTION_GAP for index in range(sections)]


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


def query_grams(searchable: str) -> list[str]:
    """The consecutive-position tokens that match compact text `searchable` in a row (see module docstring)."""
    text = searchable.strip(BREAK)
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


def decode_gram_keys(keys: np.ndarray) -> list[str]:
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
