"""BM25 over whole posting lists as numpy vector math: terms and phrases, best first.

The commonest searches are one or two characters (`的`, `中国`) or short
words (three or four characters: a phrase of two or three grams), matching
thousands of documents. Whoosh scores them through its matcher and
collector machinery, several Python calls per posting; applying the same
BM25 formula to the arrays `indexer.engines.whoosh.codec.postings` reads gives the same scores
(tests check them against Whoosh) several times faster.
"""
from __future__ import annotations

from operator import itemgetter
from typing import Iterator, Sequence

import numpy as np
from whoosh.searching import Searcher

from indexer.engines.whoosh.codec.postings import PostingList, decoded_positions, doc_frequency, postings

Ranking = list[tuple[float, int]]  # (score, docnum), best first



class PackedRanking:
    """A Ranking held as two arrays (16 bytes a match instead of about 110 for a list of tuples),
    so the per-snapshot caches keep several times more; slices come back as lists of tuples.
    Bulk scoring makes its rankings as arrays, so a common character's 20,000 matches are never
    a list of tuples unless a caller iterates them."""

    def __init__(self, scores: np.ndarray, docnums: np.ndarray) -> None:
        self.scores = scores
        self.docnums = docnums

    @classmethod
    def of(cls, ranking: Ranking | PackedRanking) -> PackedRanking:
        if isinstance(ranking, PackedRanking):
            return ranking
        return cls(np.fromiter(map(itemgetter(0), ranking), np.float64, len(ranking)),
                   np.fromiter(map(itemgetter(1), ranking), np.int64, len(ranking)))

    def __len__(self) -> int:
        return len(self.docnums)

    def __getitem__(self, part: slice) -> Ranking:
        return list(zip(self.scores[part].tolist(), self.docnums[part].tolist()))

    def __iter__(self) -> Iterator[tuple[float, int]]:
        return zip(self.scores.tolist(), self.docnums.tolist())

    def matches(self) -> list[int]:
        """The docnums, in ranking order."""
        return self.docnums.tolist()

    def by_docnum(self) -> dict[int, float]:
        """docnum -> score."""
        return dict(zip(self.docnums.tolist(), self.scores.tolist()))

    def among(self, docnums: Sequence[int]) -> PackedRanking:
        """The matches that are among `docnums`, in the same order."""
        keep = np.isin(self.docnums, np.asarray(docnums, dtype=np.int64))
        return PackedRanking(self.scores[keep], self.docnums[keep])


_NOTHING = PackedRanking(np.zeros(0), np.zeros(0, dtype=np.int64))


def best_first(scored: Ranking) -> Ranking:
    """`scored`, given in docnum order, by descending score; equal scores stay in docnum order
    (a stable sort on the score alone: C-level keys, no tuple per item)."""
    scored.sort(key=itemgetter(0), reverse=True)
    return scored


def ranked(scores: np.ndarray, docnums: np.ndarray) -> PackedRanking:
    """`best_first` of the scores of `docnums` (in docnum order), from arrays: a stable argsort of
    the negated scores orders equal scores by docnum, as the stable descending sort does."""
    order = np.argsort(-scores, kind="stable")
    return PackedRanking(scores[order], docnums[order])


# Length norms as arrays, by the identity of the list they were made from (held, so the id stays
# its own): Snapshot.length_norms gives lists, one per field and snapshot.
_norm_arrays: dict[int, tuple[list[float], np.ndarray]] = {}
_NORM_ARRAYS_KEPT = 16


def _norm_array(norms: list[float]) -> np.ndarray:
    kept = _norm_arrays.get(id(norms))
    if kept is None or kept[0] is not norms:
        if len(_norm_arrays) >= _NORM_ARRAYS_KEPT:
            _norm_arrays.pop(next(iter(_norm_arrays)))
        kept = _norm_arrays[id(norms)] = (norms, np.array(norms, dtype=np.float64))
    return kept[1]


def bm25(idf: float, weights: np.ndarray, norms: np.ndarray, k1: float) -> np.ndarray:
    """The BM25F term score of Whoosh's `BM25FScorer`, idf * (tf * (k1 + 1)) / (tf + norm), over
    arrays: the same operations in the same order as Whoosh's floats, so the same results."""
    return idf * (weights * (k1 + 1)) / (weights + norms)


def term_ranking(searcher: Searcher, field: str, text: str, norms: list[float], k1: float,
                 within: Sequence[int] | None = None) -> PackedRanking:
    """(score, docnum) of every document containing `text` in `field` (of the sorted docnums
    `within`, if given), best first (docnum breaks ties).

    `norms[docnum]` is BM25's length normalisation of the document in `field`,
    k1 * ((1 - b) + b * length / average length) (Snapshot.length_norms).
    """
    found = postings(searcher, field, text, within)
    if not len(found.docnums):
        return _NOTHING
    scores = bm25(searcher.idf(field, text), found.weights, _norm_array(norms)[found.docnums], k1)
    return ranked(scores, found.docnums)


def _tree_sum(scores: list[np.ndarray]) -> np.ndarray:
    """Sum in the order of Whoosh's binary tree of intersection matchers (`make_binary_tree`):
    floating-point addition is not associative, and equal scores must stay equal to Whoosh's
    (arrays are added element by element, in the same order)."""
    if len(scores) == 1:
        return scores[0]
    half = len(scores) // 2
    return _tree_sum(scores[:half]) + _tree_sum(scores[half:])


# Added to a phrase's start (position - offset) so that a start before the first position stays
# within its candidate's bits; offsets are a phrase's gram indexes, far below this.
_START_BIAS = 1 << 16


def _phrase_starts(searcher: Searcher, field: str, words: list[str], offsets: Sequence[int],
                   within: Sequence[int] | None) -> tuple[np.ndarray, dict[str, PostingList], dict[str, np.ndarray], np.ndarray] | None:
    """(candidates, each word's postings, where each candidate is in them, phrase starts as
    candidate index << 32 | biased position) of every place word i occurs at p + offsets[i];
    None where there is none.

    The rarest word's documents are the candidates; the other words' lists
    are read only in the blocks that can hold a candidate, and positions are
    decoded only where every word occurs.
    """
    by_word: dict[str, list[int]] = {}
    for word, offset in zip(words, offsets):
        by_word.setdefault(word, []).append(offset)
    frequencies = {word: doc_frequency(searcher, field, word) for word in by_word}
    if not all(frequencies.values()):
        return None
    order = sorted(by_word, key=frequencies.__getitem__)
    decode = searcher.schema[field].format.decode_positions
    lists: dict[str, PostingList] = {}
    candidates: Sequence[int] | np.ndarray | None = within
    for word in order:
        found = postings(searcher, field, word, within=candidates, values=True)
        lists[word] = found
        candidates = found.docnums
        if not len(candidates):
            return None
    lists = {word: lists[word] for word in by_word}  # the query's order: scores are summed in it
    at = {word: np.searchsorted(found.docnums, candidates) for word, found in lists.items()}
    starts: np.ndarray | None = None  # candidate index << 32 | phrase start, where every word so far fits
    for word in order:
        where, positions = decoded_positions([lists[word].values[i] for i in at[word].tolist()], decode)
        for offset in by_word[word]:
            keys = (where << 32) | (positions + (_START_BIAS - offset))
            starts = keys if starts is None else np.intersect1d(starts, keys, assume_unique=True)
        if not len(starts):
            return None
    return np.asarray(candidates), lists, at, starts


def phrase_ranking(searcher: Searcher, field: str, words: list[str], offsets: Sequence[int], norms: list[float],
                   k1: float, within: Sequence[int] | None = None) -> PackedRanking:
    """(score, docnum) of every document where word i occurs at p + offsets[i] for some p, best first.

    The score is `GramPhrase`'s: the sum of each distinct word's BM25F score.
    """
    found = _phrase_starts(searcher, field, words, offsets, within)
    if found is None:
        return _NOTHING
    candidates, lists, at, starts = found
    matched = np.zeros(len(candidates), dtype=bool)
    matched[starts >> 32] = True
    docnums = candidates[matched]
    if not len(docnums):
        return _NOTHING
    length_norms = _norm_array(norms)[docnums]
    scores = _tree_sum([bm25(searcher.idf(field, word), lists[word].weights[at[word][matched]], length_norms, k1)
                        for word in lists])
    return ranked(scores, docnums)


def occurrence_counts(searcher: Searcher, field: str, words: list[str], offsets: Sequence[int],
                      within: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(docnums, occurrences) of the sorted docnums `within` that hold the gram phrase: how many
    places it starts at in each (overlapping ones each count: `哈哈` twice in `哈哈哈`)."""
    if len(words) == 1:
        found = postings(searcher, field, words[0], within=within, values=True)
        if not len(found.docnums):
            return found.docnums, np.zeros(0, dtype=np.int64)
        where, _ = decoded_positions(found.values, searcher.schema[field].format.decode_positions)
        return found.docnums, np.bincount(where, minlength=len(found.docnums))
    phrase = _phrase_starts(searcher, field, words, offsets, within)
    if phrase is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    candidates, _, _, starts = phrase
    counts = np.bincount(starts >> 32, minlength=len(candidates))
    return candidates[counts > 0], counts[counts > 0]


def _word_starts(searcher: Searcher, field: str, words: list[str], offsets: Sequence[int],
                 within: Sequence[int] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(docnums, i, position): every place the gram phrase starts, in docnums[i] (of the sorted
    `within`, if given); docnums are those that hold it, in order."""
    if len(words) == 1:
        found = postings(searcher, field, words[0], within=within, values=True)
        if not len(found.docnums):
            return found.docnums, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        where, positions = decoded_positions(found.values, searcher.schema[field].format.decode_positions)
        return found.docnums, where, positions
    phrase = _phrase_starts(searcher, field, words, offsets, within)
    if phrase is None:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    candidates, _, _, starts = phrase
    where = starts >> 32
    having = np.unique(where)
    return candidates[having], np.searchsorted(having, where), (starts & 0xFFFFFFFF) - _START_BIAS


def near_gaps(searcher: Searcher, field: str, words: list[tuple[list[str], Sequence[int], int]], distance: int,
              within: Sequence[int] | None = None) -> dict[int, int]:
    """docnum -> the fewest other characters between the words (grams, offsets, length each) of
    the documents where every word occurs with at most `distance` of them between all of them.

    Each word narrows the documents the next is looked for in; then a window slides over each
    document's occurrences in position order, keeping each word's latest one: where all are in
    it, the characters it spans that no word covers are the gap.
    """
    candidates: Sequence[int] | None = within
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for grams, offsets, _ in words:
        docnums, where, positions = _word_starts(searcher, field, grams, list(offsets), candidates)
        if not len(docnums):
            return {}
        found.append((docnums, where, positions))
        candidates = docnums
    final = np.asarray(candidates)
    occurrences: dict[int, list[tuple[int, int]]] = {}
    for number, (docnums, where, positions) in enumerate(found):
        keep = np.isin(docnums[where], final)
        for docnum, position in zip(docnums[where[keep]].tolist(), positions[keep].tolist()):
            occurrences.setdefault(docnum, []).append((position, number))
    lengths = [length for _, _, length in words]
    total = sum(lengths)
    gaps: dict[int, int] = {}
    for docnum, places in occurrences.items():
        places.sort()
        latest: dict[int, int] = {}
        best = None
        for position, number in places:
            latest[number] = position
            if len(latest) == len(words):
                start = min(latest.values())
                end = max(at + lengths[n] for n, at in latest.items())
                gap = max(0, end - start - total)
                best = gap if best is None else min(best, gap)
        if best is not None and best <= distance:
            gaps[docnum] = best
    return gaps
