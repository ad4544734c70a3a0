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
queries, highlighting and anything generic) and `term_positions` (each
term's positions and summed boost for one value, what the index build
stores; `segment_writer` uses it because a Token object per gram was a
fifth of the build). tests/test_segment_writer.py checks they agree.

Analyzer classes are top-level and importable: Whoosh pickles the schema,
analyzers included, into the index.
"""
from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import count, repeat
from operator import add, mul

from whoosh.analysis import Analyzer, Token, Tokenizer

from indexer.normalize import BREAK, compact

SECTION_SEP = "\x00"  # between the sections of a sectioned field value

# term -> its positions (ascending, from 0) in one value, and term -> the sum of its tokens' boosts
TermPositions = tuple[dict[str, list[int]], dict[str, float]]


def _section_boost(boosts: tuple[float, ...], index: int) -> float:
    return boosts[index] if index < len(boosts) else 1.0


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

    def term_positions(self, value: str) -> TermPositions:
        """What the tokens `__call__` yields for `value` add up to, per term, without a Token each.

        The index build (`indexer.segment_writer`) needs only this: a
        posting per term with its positions and summed boosts (BM25F's
        weighted frequency). It runs over every character of the archive,
        so the per-token work is left to C (`_add_positions`), and boosts
        are summed as "last section's boost x count, plus the difference
        for tokens of earlier sections" (title, subtitle and byline are
        short, the body long). That equals the token-by-token sum Whoosh
        makes for whole-number boosts like SECTION_BOOSTS.
        """
        positions: defaultdict[str, list[int]] = defaultdict(list)
        extra: defaultdict[str, float] = defaultdict(float)
        sections = value.split(SECTION_SEP)
        last_boost = _section_boost(self.section_boosts, len(sections) - 1)
        base = 0
        for index, section in enumerate(sections):
            boost_over_last = _section_boost(self.section_boosts, index) - last_boost
            pieces, base = self._section_terms(section, index, base)
            for terms, start in pieces:
                _add_positions(positions, terms, start)
                if boost_over_last:
                    for term in terms:
                        extra[term] += boost_over_last
        weights = dict(zip(positions, map(mul, map(len, positions.values()), repeat(last_boost))))
        for term, more in extra.items():  # only the terms of the short sections: a Python loop is fine
            weights[term] += more
        return positions, weights

    def _section_terms(self, section: str, index: int, start: int) -> tuple[list[tuple[Sequence[str], int]], int]:
        """Section `index`'s terms as (terms at consecutive positions, first position) pieces, and the next position."""
        raise NotImplementedError


def _add_positions(positions: defaultdict[str, list[int]], terms: Iterable[str], start: int) -> None:
    """positions[term].append(p) for the terms at p = start, start + 1, ..., looped in C (no Python frame per term)."""
    deque(map(list.append, map(positions.__getitem__, terms), count(start)), maxlen=0)


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
            boost = _section_boost(self.section_boosts, index)
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

    def _section_terms(self, section: str, index: int, start: int) -> tuple[list[tuple[Sequence[str], int]], int]:
        pieces: list[tuple[Sequence[str], int]] = []
        if index > 0:  # the separator: a break between sections
            pieces.append((BREAK, start))
            start += 1
        text = compact(section).text
        pieces.append((text, start))  # unigrams, BREAK included
        run_start = start
        for run in text.split(BREAK):
            pieces.append((list(map(add, run, run[1:])), run_start))  # bigrams within the run
            run_start += len(run) + 1
        return pieces, start + len(text)


class WordsTokenizer(SectionedTokenizer):
    """Space-separated words (jieba's, joined by `documents`), boosted per section like NgramTokenizer."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        sections = value.split(SECTION_SEP) if tokenize else [value]
        pos, char = start_pos, start_char
        for index, section in enumerate(sections):
            boost = _section_boost(self.section_boosts, index)
            for word in section.split(" ") if tokenize else [section]:
                if word:
                    yield _fill(token, word, boost, pos, char, char + len(word), keeporiginal)
                    pos += 1
                char += len(word) + 1

    def _section_terms(self, section: str, index: int, start: int) -> tuple[list[tuple[Sequence[str], int]], int]:
        words = list(filter(None, section.split(" ")))
        return [(words, start)], start + len(words)


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
