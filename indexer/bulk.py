"""Posting lists read a block at a time, and BM25 computed over them in tight loops.

The commonest searches are one or two characters (`的`, `中国`) or short
words (three or four characters: a phrase of two or three grams), matching
thousands of documents. Whoosh walks them through its matcher and
collector machinery, several Python calls per posting; its on-disk lists
are blocks of 128 postings (one pickle each), so reading each block's
arrays whole and applying the same BM25 formula in comprehensions gives
the same scores (tests check them against Whoosh) several times faster.
A phrase reads only the blocks that can hold one of the documents its
rarest gram is in, the way Whoosh's skip_to does.

What one search may read is bounded (`work_budget`): a legal query of
thirty common characters ORed would otherwise read half a million
postings; past the budget it is refused with a message saying why.
"""
from __future__ import annotations

import pickle
import zlib
from array import array
from bisect import bisect_left, bisect_right
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from io import BytesIO
from itertools import accumulate
from operator import itemgetter
from typing import Iterator, Sequence

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher
from whoosh.system import _INT_SIZE, unpack_int

from indexer.results import QueryError

Ranking = list[tuple[float, int]]  # (score, docnum), best first



class PackedRanking:
    """A Ranking held as two arrays (12 bytes a match instead of about 110 for a list of tuples),
    so the per-snapshot caches keep several times more; slices come back as lists of tuples."""

    def __init__(self, ranking: Ranking) -> None:
        self.scores = array("d", map(itemgetter(0), ranking))
        self.docnums = array("l", map(itemgetter(1), ranking))

    def __len__(self) -> int:
        return len(self.docnums)

    def __getitem__(self, part: slice) -> Ranking:
        return list(zip(self.scores[part], self.docnums[part]))


# Postings the current search may still read (None: unbounded); one per thread, see `work_budget`.
_budget: ContextVar[list[int] | None] = ContextVar("postings_budget", default=None)


class TooBroad(QueryError):
    """The query needs more of the index than one search may read."""


@contextmanager
def work_budget(postings: int | None) -> Iterator[None]:
    """Within the block, reading more than `postings` postings raises TooBroad (None: no limit).

    A context variable rather than a parameter: every reader of postings
    below a search (terms, phrases, filters, re-scoring) spends from one
    budget without each signature carrying it. The per-snapshot tables
    (facets) are built with no limit: they serve every search, and must not
    be charged to, or refused for, the one that happens to come first.
    """
    token = _budget.set(None if postings is None else [postings])
    try:
        yield
    finally:
        _budget.reset(token)


def affordable(count: int) -> None:
    """Raise TooBroad now if reading `count` more postings would exceed the budget (refuse early)."""
    left = _budget.get()
    if left is not None and count > left[0]:
        _refuse()


def _spend(count: int) -> None:
    left = _budget.get()
    if left is None:
        return
    left[0] -= count
    if left[0] < 0:
        _refuse()


def _refuse() -> None:
    raise TooBroad("这个查询太宽泛，一次检索读不完：请减少用 OR 连接或排除的常见字词，"
                       "或者换用更具体的词语（例如两三个字的词而不是单字）")


@dataclass
class Postings:
    """One term's postings in docnum order (index-wide docnums): weights, and raw values if asked."""

    docnums: list[int]
    weights: list[float]
    values: list[bytes]  # encoded positions, in step with docnums (empty unless asked for)


def _blocks(postfile, position: int, within: Sequence[int] | None,
            values: bool) -> Iterator[tuple[Sequence[int], Sequence[float], Sequence[bytes]]]:
    """(ids, weights, values) of each block that may hold one of `within` (sorted leaf docnums).

    `position` is where the term's first block starts. Each block is read
    with one read, the next block's length included, where Whoosh's matcher
    unpickles the block header from the file (two dozen small reads through
    Python's compound-file layer). The layout is Whoosh 3's
    (`W3PostingsWriter._write_block`): a length (negative for the last
    block), the pickled block info (count, last id, max weight, compression,
    lengths), then the pickled (ids as deltas, weights, values); the values
    of a Positions field are its encoded positions.
    """
    length = postfile.get_int(position)
    low = 0  # every id of the current block is >= low
    while True:
        last = length < 0
        size = -length if last else length
        raw = postfile.get(position + _INT_SIZE, size if last else size + _INT_SIZE)
        position += _INT_SIZE + size
        header = BytesIO(raw)
        count, high, _, compression = pickle.load(header)[:4]
        if within is None or bisect_left(within, low) < bisect_right(within, high):
            _spend(count)
            data = raw[header.tell():size]
            ids, weights, encoded = pickle.loads(zlib.decompress(data) if compression else data)
            if weights is None:
                weights = (1.0,) * count
            elif isinstance(weights, float):
                weights = (weights,) * count
            yield tuple(accumulate(ids)), weights, encoded if values else ()
        if last:
            return
        low = high + 1
        length = unpack_int(raw[size:])[0]


def _leaf_postings(reader, info, within: Sequence[int] | None,
                   values: bool) -> Iterator[tuple[Sequence[int], Sequence[float], Sequence[bytes]]]:
    """The blocks of one segment's list, read from where its term info points (no Whoosh matcher:
    building one reads and unpickles the first block header); a one-posting list is inlined there."""
    if info.is_inlined():
        _spend(1)
        ids, weights, raw = info.inlined_postings()
        yield ids, weights, raw if values else ()
        return
    offset, _ = info.extent()
    yield from _blocks(reader._terms._postfile, offset + len(WHOOSH3_HEADER_MAGIC), within, values)


def postings(searcher: Searcher, field: str, text: str, within: Sequence[int] | None = None,
             values: bool = False) -> Postings:
    """Every posting of `text` in `field`, or only those of the sorted docnums `within`.

    Deleted documents (a segment's deletions) are left out, as Whoosh's own
    matcher leaves them out.
    """
    found = Postings([], [], [])
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        size = reader.doc_count_all()
        local = None
        if within is not None:
            local = [d - offset for d in within[bisect_left(within, offset):bisect_left(within, offset + size)]]
            if not local:
                continue
        try:
            info = reader.term_info(field, text)
        except TermNotFound:
            continue
        deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        wanted = set(local) if local is not None else None
        for ids, weights, raw in _leaf_postings(reader, info, local, values):
            if local is None and not deleted:
                found.docnums.extend([docnum + offset for docnum in ids] if offset else ids)
                found.weights.extend(weights)
                found.values.extend(raw)
                continue
            for i, docnum in enumerate(ids):
                if docnum in deleted or (wanted is not None and docnum not in wanted):
                    continue
                found.docnums.append(docnum + offset)
                found.weights.append(weights[i])
                if values:
                    found.values.append(raw[i])
    return found


def field_postings(searcher: Searcher, field: str) -> Iterator[tuple[str, list[int]]]:
    """(term, docnums) of every term of `field`, segment by segment (a term of several segments
    comes once for each): the term index read in sequence, for the per-snapshot tables (facets),
    rather than each term looked up in its hash table."""
    decode = searcher.schema[field].from_bytes
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        if field not in reader.indexed_field_names():
            continue
        deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        for text, info in reader.iter_field(field):
            yield decode(text), [docnum + offset for ids, _, _ in _leaf_postings(reader, info, None, False)
                                 for docnum in ids if docnum not in deleted]


def _bm25(searcher: Searcher, field: str, text: str, norms: list[float], k1: float):
    """The BM25F term score of Whoosh's `BM25FScorer` as a function of (weight, docnum)."""
    idf = searcher.idf(field, text)
    return lambda tf, docnum: idf * (tf * (k1 + 1)) / (tf + norms[docnum])


def best_first(scored: Ranking) -> Ranking:
    """`scored`, given in docnum order, by descending score; equal scores stay in docnum order
    (a stable sort on the score alone: C-level keys, no tuple per item)."""
    scored.sort(key=itemgetter(0), reverse=True)
    return scored


def term_ranking(searcher: Searcher, field: str, text: str, norms: list[float], k1: float,
                 within: Sequence[int] | None = None) -> Ranking:
    """(score, docnum) of every document containing `text` in `field` (of the sorted docnums
    `within`, if given), best first (docnum breaks ties).

    `norms[docnum]` is BM25's length normalisation of the document in `field`,
    k1 * ((1 - b) + b * length / average length) (Snapshot.length_norms).
    """
    found = postings(searcher, field, text, within)
    if not found.docnums:
        return []
    idf = searcher.idf(field, text)
    return best_first([(idf * (tf * (k1 + 1)) / (tf + norms[docnum]), docnum)
                       for docnum, tf in zip(found.docnums, found.weights)])


def _tree_sum(scores: list[float]) -> float:
    """Sum in the order of Whoosh's binary tree of intersection matchers (`make_binary_tree`):
    floating-point addition is not associative, and equal scores must stay equal to Whoosh's."""
    if len(scores) == 1:
        return scores[0]
    half = len(scores) // 2
    return _tree_sum(scores[:half]) + _tree_sum(scores[half:])


def phrase_ranking(searcher: Searcher, field: str, words: list[str], offsets: Sequence[int], norms: list[float],
                   k1: float, within: Sequence[int] | None = None) -> Ranking:
    """(score, docnum) of every document where word i occurs at p + offsets[i] for some p, best first.

    The score is `GramPhrase`'s: the sum of each distinct word's BM25F score.
    The rarest word's documents are the candidates; the other words' lists
    are read only in the blocks that can hold a candidate, and positions are
    decoded only where every word occurs.
    """
    by_word: dict[str, list[int]] = {}
    for word, offset in zip(words, offsets):
        by_word.setdefault(word, []).append(offset)
    if any((field, word) not in searcher.reader() for word in by_word):
        return []
    order = sorted(by_word, key=lambda word: searcher.doc_frequency(field, word))
    decode = searcher.schema[field].format.decode_positions
    lists: dict[str, Postings] = {}
    candidates: Sequence[int] | None = within
    for word in order:
        found = postings(searcher, field, word, within=candidates, values=True)
        lists[word] = found
        candidates = found.docnums
        if not candidates:
            return []
    at = {word: dict(zip(found.docnums, range(len(found.docnums)))) for word, found in lists.items()}
    scorers = {word: _bm25(searcher, field, word, norms, k1) for word in by_word}
    scored: Ranking = []
    for docnum in candidates:
        starts: set[int] | None = None
        for word in order:
            positions = decode(lists[word].values[at[word][docnum]])
            for offset in by_word[word]:
                shifted = {pos - offset for pos in positions}
                starts = shifted if starts is None else starts & shifted
                if not starts:
                    break
            if not starts:
                break
        if starts:
            scored.append((_tree_sum([scorers[word](lists[word].weights[at[word][docnum]], docnum)
                                      for word in by_word]), docnum))
    return best_first(scored)
