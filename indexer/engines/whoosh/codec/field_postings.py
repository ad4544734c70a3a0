"""One field's postings for a new segment: gathered a document at a time, sorted once with numpy.

Why not a dict of posting lists per term, filled as documents come (what we
had): even with the per-token loops in C, a dict entry per term and
document, and converting every position and weight to an array item, cost
more than jieba. Here a document adds little more than strings and a few
list items:

* an n-gram field (`NgramTokenizer`) keeps each value's position text, a
  character a position (`SectionedTokenizer.positions`); at the end all of
  them become tokens at once (`ngrams.gram_tokens`), whose integer keys
  sort as their terms do;
* a words field (`WordsTokenizer`) numbers each word as it is first seen
  (a dict whose missing keys take the next number, looked up in C) and
  keeps the numbers;
* any other field (ids, keywords: a few postings a document) keeps its
  postings as Whoosh's `field.index` gives them.

`sorted_postings()` then sorts the tokens by term (a stable sort keeps them
in document and position order), and a posting is each run of one term in
one document: its count, its summed boosts (BM25F's weighted frequency) and,
for n-grams, its positions, which the sort has already laid out in a row.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import count
from typing import Any

import numpy as np
from whoosh.fields import FieldType
from whoosh.formats import Existence, Frequency, Positions

from indexer.engines.whoosh.analyzers import NgramTokenizer, SectionedTokenizer
from indexer.engines.whoosh.codec.block_encoding import ValueKind
from indexer.text.ngrams import decode_gram_keys, gram_tokens

VALUE_KINDS: dict[type, ValueKind] = {Positions: "positions", Frequency: "frequency", Existence: "existence"}


@dataclass(frozen=True)
class SortedPostings:
    """A field's postings sorted by term, then document: `term_sizes[i]` of them are `terms[i]`'s.

    Posting p's positions are `positions[position_at[p]:position_at[p + 1]]`
    (n-gram fields; both None otherwise).
    """

    terms: list[str] | list[bytes]
    term_sizes: np.ndarray
    docs: np.ndarray
    weights: np.ndarray
    counts: np.ndarray
    positions: np.ndarray | None
    position_at: np.ndarray | None


class _Column:
    """A growing column of numbers: a Python list while it fills, numpy arrays once it is long.

    `list.extend` is 3-5x faster than `array.extend` (no conversion per
    item), and turning a long list into numpy is one C loop; holding only
    `FLUSH_ITEMS` items as Python objects keeps the memory near numpy's.
    """

    FLUSH_ITEMS = 1 << 18

    def __init__(self, dtype: type) -> None:
        self.dtype = dtype
        self._items: list[Any] = []
        self._arrays: list[np.ndarray] = []

    def extend(self, items: Iterable[Any]) -> None:
        self._items.extend(items)
        if len(self._items) >= self.FLUSH_ITEMS:
            self._flush()

    def array(self) -> np.ndarray:
        """Everything added, in order."""
        self._flush()
        return np.concatenate(self._arrays) if self._arrays else np.empty(0, self.dtype)

    def _flush(self) -> None:
        if self._items:
            self._arrays.append(np.array(self._items, self.dtype))
            self._items = []


class FieldPostings:
    """The postings of one field of a segment being built."""

    def __init__(self, field: FieldType) -> None:
        self.field = field
        self.kind = VALUE_KINDS[type(field.format)]
        analyzer = getattr(field, "analyzer", None)
        self._tokenizer = analyzer if isinstance(analyzer, SectionedTokenizer) else None
        self._grams = isinstance(analyzer, NgramTokenizer) and self.kind == "positions"
        self._numbers: defaultdict[str | bytes, int] = defaultdict(count().__next__)  # a new term: the next
        self._texts: list[str] = []  # n-grams: each value's position text
        self._terms = _Column(np.int32)  # words: each position's word; other fields: each posting's term
        self._weights = _Column(np.float64)  # other fields: each posting's weight and count
        self._counts = _Column(np.int32)
        self._run_lengths: list[int] = []  # sectioned fields: positions per boost run, and its boost
        self._run_boosts: list[float] = []
        self._run_shifts: list[int] = []  # and how many positions further on it is indexed (SECTION_GAP)
        self._documents: list[int] = []  # each value's document
        self._sizes: list[int] = []  # each value's positions (other fields: its postings)
        self.tokens = 0  # held in memory: positions, or postings of other fields

    def add(self, docnum: int, value: Any) -> int:
        """Add one document's value; returns its token count (the field length)."""
        self._documents.append(docnum)
        if self._tokenizer is None:
            return self._add_postings(value)
        positions = self._tokenizer.positions(value)
        if self._grams:
            self._texts.append(positions.tokens)  # type: ignore[arg-type]  # a str: a character a position
        else:
            self._terms.extend(map(self._numbers.__getitem__, positions.tokens))
        self._sizes.append(len(positions.tokens))
        self._run_lengths += positions.run_lengths
        self._run_boosts += positions.run_boosts
        self._run_shifts += positions.run_shifts
        self.tokens += positions.count
        return positions.count

    def _add_postings(self, value: Any) -> int:
        items = list(self.field.index(value))
        self._terms.extend([self._numbers[key] for key, _, _, _ in items])
        counts = [frequency for _, frequency, _, _ in items]
        self._counts.extend(counts)
        self._weights.extend([weight for _, _, weight, _ in items])
        self._sizes.append(len(items))
        self.tokens += len(items)
        return sum(counts)

    def sorted_postings(self) -> SortedPostings:
        """Every posting, sorted by term, then document."""
        documents = np.array(self._documents, np.int64)
        sizes = np.array(self._sizes, np.int64)
        if not self.tokens:
            return SortedPostings([], np.empty(0, np.int64), documents[:0], np.empty(0), np.empty(0, np.int64), None, None)
        if self._tokenizer is None:
            terms, keys = self._ranked_numbers()
            order = np.argsort(keys, kind="stable")  # by term, then document (added in document order)
            return SortedPostings(terms, np.bincount(keys, minlength=len(terms)), np.repeat(documents, sizes)[order],
                                  self._weights.array()[order], self._counts.array()[order], None, None)
        starts = np.concatenate(([0], np.cumsum(sizes)))
        if self._grams:
            keys, at = gram_tokens("".join(self._texts), starts)
        else:
            terms, keys = self._ranked_numbers()
            at = np.arange(len(keys))
        order = np.argsort(keys, kind="stable")  # by term, then position (so document)
        keys, at = keys[order], at[order]
        value = np.repeat(np.arange(len(sizes)), sizes)[at]
        boosts = np.repeat(np.array(self._run_boosts), np.array(self._run_lengths, np.int64))[at]
        first = np.flatnonzero(np.concatenate(([True], (keys[1:] != keys[:-1]) | (value[1:] != value[:-1]))))
        term_first = np.flatnonzero(np.concatenate(([True], keys[first[1:]] != keys[first[:-1]])))
        if self._grams:
            terms = decode_gram_keys(keys[first[term_first]])
        weights = np.add.reduceat(boosts, first) * self.field.format.field_boost
        counts = np.diff(np.append(first, len(keys)))
        positions = self._gram_positions(at, starts[value]) if self._grams else None
        return SortedPostings(terms, np.diff(np.append(term_first, len(first))), documents[value[first]], weights,
                              counts, positions, np.append(first, len(keys)) if self._grams else None)

    def _gram_positions(self, at: np.ndarray, value_starts: np.ndarray) -> np.ndarray:
        """Each token's position in its value: its place in the value's text, its section's shift on."""
        shifts = np.repeat(np.array(self._run_shifts, np.int64), np.array(self._run_lengths, np.int64))
        return at - value_starts + shifts[at]

    def _ranked_numbers(self) -> tuple[list[Any], np.ndarray]:
        """The terms in order, and each recorded term number turned into its term's rank."""
        terms = list(self._numbers)  # in number order
        by_term = sorted(range(len(terms)), key=terms.__getitem__)
        rank = np.empty(len(terms), np.int64)
        rank[by_term] = np.arange(len(terms))
        return [terms[i] for i in by_term], rank[self._terms.array()]
