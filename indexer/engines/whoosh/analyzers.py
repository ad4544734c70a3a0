"""The local engine's analyzers: the n-grams and words of `indexer.text.ngrams` as Whoosh tokenizers.

Two ways to the same tokens: `__call__` (Whoosh's Token stream, used for
queries, highlighting and anything generic) and `positions` (what sits at
each position of a value, `ngrams.ngram_positions` / `word_positions`,
which the segment writer turns into tokens for a whole segment at once:
the index build, where a Python step per token was most of the time).
tests/test_segment_writer.py checks they agree.

Analyzer classes are top-level and importable: Whoosh pickles the schema,
analyzers included, into the index. Indexes built before the indexer was
reorganised name them `indexer.analysis.*`, which re-exports these.
"""
from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Analyzer, Token, Tokenizer

from indexer.text.ngrams import SECTION_GAP, SECTION_SEP, Positions, ngram_positions, section_boost, word_positions
from indexer.text.normalize import BREAK, compact


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

    Equality and hashing compare the boosts and the section gap, as Whoosh
    compares analyzers when it checks a schema. `section_gap` records the
    gap the index was built with: Whoosh pickles the analyzer into the index,
    and one pickled before sections had a gap unpickles to the class's 0, so
    `store.has_current_schema` sees that such an index (where a phrase could
    run from a title into its body) must be rebuilt.
    """

    section_gap = 0  # what an index built before the gap reads back (see above)

    def __init__(self, section_boosts: tuple[float, ...] = ()) -> None:
        self.section_boosts = tuple(section_boosts)
        self.section_gap = SECTION_GAP

    def __eq__(self, other: object) -> bool:
        return (type(other) is type(self) and other.section_boosts == self.section_boosts
                and other.section_gap == self.section_gap)

    def __hash__(self) -> int:
        return hash((type(self), self.section_boosts, self.section_gap))

    def positions(self, value: str) -> Positions:
        """What sits at each position of `value`, and the boosts, for the index build.

        The build (`indexer.engines.whoosh.codec.segment_writer`) turns these into postings for a
        whole segment at once (`ngrams.gram_tokens` for n-grams): a Python step per
        token, or even a dict entry per term and document, was most of a
        build. `__call__` gives the same tokens one by one, for queries,
        highlighting and anything generic; tests/test_segment_writer.py
        checks the two agree.
        """
        raise NotImplementedError

    def _boost(self, index: int) -> float:
        return section_boost(self.section_boosts, index)


class NgramTokenizer(SectionedTokenizer):
    """Unigram + bigram tokens at ordinal positions over compact text (see `indexer.text.ngrams`).

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
            if index > 0:  # the separator: a break between sections, SECTION_GAP positions on
                pos_base += SECTION_GAP
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
        return ngram_positions(value, self.section_boosts)


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
            pos += SECTION_GAP if index > 0 else 0
            for word in section.split(" ") if tokenize else [section]:
                if word:
                    yield _fill(token, word, boost, pos, char, char + len(word), keeporiginal)
                    pos += 1
                char += len(word) + 1

    def positions(self, value: str) -> Positions:
        return word_positions(value, self.section_boosts)


def ngram_analyzer(section_boosts: tuple[float, ...] = ()) -> Analyzer:
    return NgramTokenizer(section_boosts)


def words_analyzer(section_boosts: tuple[float, ...] = ()) -> Analyzer:
    """For the `words` field, which holds jieba words already joined by spaces."""
    return WordsTokenizer(section_boosts)
