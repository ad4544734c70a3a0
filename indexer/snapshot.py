"""One opened generation of the index: a searcher plus what is cached per searcher.

`ArchiveIndex` swaps snapshots when the store's generation changes. A
snapshot counts the calls using it, so retiring it closes the searcher only
when the last of them is done (closing under a running search would break
it; the server is multi-threaded).

One call at a time reads through a snapshot (`reading`): Whoosh reads its
files with seek() + read() on shared file objects (`StructFile.get`), which
two threads would interleave. Search work is pure Python holding the GIL,
so serialising it costs next to nothing in throughput.
"""
from __future__ import annotations

import json
import threading
import weakref
from bisect import bisect_left, bisect_right
from functools import cached_property
from typing import Any

from whoosh.index import Index
from whoosh.searching import Searcher

from indexer.bulk import work_budget
from indexer.cache import SizedLru
from indexer.facets import FacetTable
from indexer.normalize import compact, pattern
from indexer.ranking import BM25_B, BM25_K1, weighting
from indexer.schema import SCOPED_GRAMS, TEXT_GRAMS, WORDS


# Matches kept by the search cache of one snapshot, all queries together (12 bytes each, packed:
# bulk.PackedRanking; the bench's 250 queries match 450,000 together), and by the cache of whole
# text rankings that different queries share (scoring.text_ranking): some 40 MB at most.
RESULT_CACHE_MATCHES = 2_000_000
TEXT_CACHE_MATCHES = 1_000_000
# Fields whose lengths bulk BM25 reads (`length_norms`), built by `warm`.
SCORED_FIELDS = (TEXT_GRAMS, *SCOPED_GRAMS.values(), WORDS)


class Snapshot:
    def __init__(self, ix: Index, generation: str | None) -> None:
        self.ix = ix
        self.generation = generation
        self.searcher: Searcher = ix.searcher(weighting=weighting())
        # Closes the searcher's files exactly once: when the snapshot is retired, or when an owner
        # that never retires it (a one-shot CLI command) drops it. The index is read without mmap
        # (indexer.store), so an unclosed snapshot would otherwise leave open files behind.
        self._close = weakref.finalize(self, self.searcher.close)
        self._users = 0
        self._retired = False
        self._lock = threading.Lock()
        self.reading = threading.Lock()
        self.results: SizedLru[Any] = SizedLru(RESULT_CACHE_MATCHES)
        self.texts: SizedLru[Any] = SizedLru(TEXT_CACHE_MATCHES)
        self._length_norms: dict[str, list[float]] = {}

    def acquire(self) -> Snapshot:
        with self._lock:
            self._users += 1
        return self

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            close = self._retired and self._users == 0
        if close:
            self._close()

    def retire(self) -> None:
        with self._lock:
            self._retired = True
            close = self._users == 0
        if close:
            self._close()

    # Cached per snapshot, built on first use (under `reading`).
    @cached_property
    def facets(self) -> FacetTable:
        with work_budget(None):  # built once for every search (see bulk.work_budget)
            return FacetTable(self.searcher, self.articles)

    @cached_property
    def articles(self) -> set[int]:
        """Docnums of the articles (the issue records share the index)."""
        return set(self.searcher.document_numbers(kind="article"))

    @cached_property
    def days(self) -> list[int]:
        """YYYYMMDD (0 undated) of every docnum, for date sorting.

        Read segment by segment: Whoosh's multi-segment column reader skips
        a segment without the column (one holding only undated pages) and
        then maps later docnums into the wrong segment (IndexError).
        """
        days: list[int] = []
        for leaf, _ in self.searcher.leaf_searchers():
            reader = leaf.reader()
            count = reader.doc_count_all()
            if reader.has_column("day"):
                column = reader.column_reader("day")
                days.extend(int(column[d] or 0) for d in range(count))
            else:
                days.extend([0] * count)
        return days

    @cached_property
    def _by_day(self) -> tuple[list[int], list[int]]:
        """(days, docnums) of every dated docnum, ordered by day: a date range is one bisect."""
        dated = sorted((day, docnum) for docnum, day in enumerate(self.days) if day)
        return [day for day, _ in dated], [docnum for _, docnum in dated]

    def dated(self, start: int, end: int) -> set[int]:
        """Docnums dated start..end (YYYYMMDD, inclusive); undated ones never."""
        days, docnums = self._by_day
        return set(docnums[bisect_left(days, start):bisect_right(days, end)])

    @cached_property
    def issue_records(self) -> list[dict[str, Any]]:
        """Every issue's stored record, newest first (pages in order), undated last."""
        records = [json.loads(fields["data"]) for fields in self.searcher.documents(kind="issue")]
        records.sort(key=lambda r: (r["page"] or 0, r["id"]))
        records.sort(key=lambda r: r["date"] or "", reverse=True)
        return records

    def length_norms(self, field: str) -> list[float]:
        """BM25's length normalisation of `field` for every docnum, k1 * ((1 - b) + b * length /
        average length), cached per field: bulk scoring then costs one lookup a posting."""
        norms = self._length_norms.get(field)
        if norms is None:
            reader = self.searcher.reader()
            average = self.searcher.avg_field_length(field) or 1
            norms = [BM25_K1 * ((1 - BM25_B) + BM25_B * (reader.doc_field_length(d, field, 0) or 0) / average)
                     for d in range(reader.doc_count_all())]
            self._length_norms[field] = norms
        return norms

    def warm(self) -> None:
        """Build the cached tables now instead of during the first search, the text folding
        tables behind query parsing and snippet marks too (about 0.2 s)."""
        _ = (pattern(compact("档案").text), self.facets, self._by_day, self.articles, *(self.length_norms(field) for field in SCORED_FIELDS))

    def stored(self, docnum: int) -> dict[str, Any]:
        return self.searcher.stored_fields(docnum)

    def find(self, **terms: str) -> list[tuple[int, dict[str, Any]]]:
        """(docnum, stored fields) of the documents with these exact ID-field values."""
        return [(d, self.searcher.stored_fields(d)) for d in self.searcher.document_numbers(**terms)]
