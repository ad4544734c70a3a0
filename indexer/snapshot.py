"""One opened generation of the index: a searcher plus what is cached per searcher.

`ArchiveIndex` swaps snapshots when the store's generation changes. A
snapshot counts the calls using it, so retiring it closes the searcher only
when the last of them is done (closing under a running search would break
it; the server is multi-threaded).

One call at a time reads through a snapshot (`reading`): Whoosh reads its
files with seek() + read() on shared file objects (`StructFile.get`), which
two threads would interleave. Search work is pure Python holding the GIL,
so serialising it costs next to nothing in throughput.

The per-snapshot tables (articles, facet values, days, field lengths) take
1-2 s to build at the 1x corpus. A reindex that adds issues only appends
segments to the previous generation and marks deletions in its segments;
every old document keeps its docnum. A snapshot opened with the one it
replaces (`previous`) checks exactly that, by segment ids and sizes
(`_Layout`), and then builds its tables from the previous ones: their rows
are reused, the rows of newly deleted documents cleared, and only the new
segments read. Anything else (a merge, a full rebuild, tables not built)
builds from scratch. Either way the tables are the same.
"""
from __future__ import annotations

import json
import threading
import weakref
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
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


@dataclass(frozen=True)
class _Layout:
    """The segments of one searcher, in docnum order: (segment id, documents, deleted docnums) each."""

    segments: tuple[tuple[str, int, frozenset[int]], ...]

    @classmethod
    def of(cls, searcher: Searcher) -> _Layout:
        segments = []
        for leaf, _ in searcher.leaf_searchers():
            reader = leaf.reader()
            if reader.segment() is not None:  # an empty index has a reader without segments
                deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
                segments.append((reader.segment().segment_id(), reader.doc_count_all(), deleted))
        return cls(tuple(segments))

    @property
    def size(self) -> int:
        return sum(count for _, count, _ in self.segments)

    def newly_deleted(self, previous: _Layout) -> set[int] | None:
        """Docnums deleted since `previous`, if this layout only appended segments to it and
        deleted documents from it (docnums unchanged); None if anything else changed."""
        if len(previous.segments) > len(self.segments):
            return None
        deleted: set[int] = set()
        offset = 0
        for (old_id, old_count, old_deleted), (new_id, new_count, new_deleted) in zip(previous.segments, self.segments):
            if old_id != new_id or old_count != new_count or not old_deleted <= new_deleted:
                return None
            deleted.update(offset + docnum for docnum in new_deleted - old_deleted)
            offset += new_count
        return deleted


class Snapshot:
    def __init__(self, ix: Index, generation: str | None, previous: Snapshot | None = None) -> None:
        """`previous`: the snapshot this one replaces, whose built tables `warm` may extend (see above)."""
        self.ix = ix
        self.generation = generation
        self.searcher: Searcher = ix.searcher(weighting=weighting())
        self.layout = _Layout.of(self.searcher)
        self._base = _Base.of(previous, self.layout)
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
        self._lengths: dict[str, list[int]] = {}
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
    def _new_leaves(self) -> list[tuple[Searcher, int]]:
        """(leaf searcher, first docnum) of the segments the tables must read: those after the base's."""
        kept = 0 if self._base is None else self._base.size
        return [(leaf, offset) for leaf, offset in self.searcher.leaf_searchers() if offset >= kept]

    @cached_property
    def facets(self) -> FacetTable:
        base = self._base
        with work_budget(None):  # built once for every search (see bulk.work_budget)
            if base is None or base.facets is None:
                return FacetTable(self.searcher, self.articles)
            return FacetTable(self.searcher, self.articles, (base.facets, base.deleted))

    @cached_property
    def articles(self) -> set[int]:
        """Docnums of the articles (the issue records share the index)."""
        base = self._base
        if base is None or base.articles is None:
            return set(self.searcher.document_numbers(kind="article"))
        articles = base.articles - base.deleted
        for leaf, offset in self._new_leaves():
            articles.update(offset + docnum for docnum in leaf.document_numbers(kind="article"))
        return articles

    @cached_property
    def days(self) -> list[int]:
        """YYYYMMDD (0 undated) of every docnum, for date sorting.

        Read segment by segment: Whoosh's multi-segment column reader skips
        a segment without the column (one holding only undated pages) and
        then maps later docnums into the wrong segment (IndexError).
        """
        base = self._base
        days: list[int] = [] if base is None or base.days is None else base.days.copy()
        for leaf, _ in (self.searcher.leaf_searchers() if base is None or base.days is None else self._new_leaves()):
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
        base = self._base
        if base is None or base.by_day is None:
            dated = sorted((day, docnum) for docnum, day in enumerate(self.days) if day)
        else:  # the previous pairs (deleted docnums keep their day) and the new ones, merged
            kept = base.size
            dated = sorted([*zip(*base.by_day), *((day, kept + n) for n, day in enumerate(self.days[kept:]) if day)])
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
        average length), cached per field: bulk scoring then costs one lookup a posting. The
        average changes with every commit, so only the lengths are taken over from a base."""
        norms = self._length_norms.get(field)
        if norms is None:
            average = self.searcher.avg_field_length(field) or 1
            norms = [BM25_K1 * ((1 - BM25_B) + BM25_B * length / average) for length in self.lengths(field)]
            self._length_norms[field] = norms
        return norms

    def lengths(self, field: str) -> list[int]:
        """The length of `field` in every docnum (deleted ones too), read segment by segment."""
        lengths = self._lengths.get(field)
        if lengths is None:
            base = self._base
            reused = None if base is None else base.lengths.get(field)
            lengths = [] if reused is None else reused.copy()
            for leaf, _ in (self.searcher.leaf_searchers() if reused is None else self._new_leaves()):
                reader = leaf.reader()
                lengths.extend([reader.doc_field_length(d, field, 0) or 0 for d in range(reader.doc_count_all())])
            self._lengths[field] = lengths
        return lengths

    def warm(self) -> None:
        """Build the cached tables now instead of during the first search, the text folding
        tables behind query parsing and snippet marks too (about 0.2 s). The base's tables,
        once taken over, are let go."""
        _ = (pattern(compact("档案").text), self.facets, self._by_day, self.articles, *(self.length_norms(field) for field in SCORED_FIELDS))
        self._base = None

    def stored(self, docnum: int) -> dict[str, Any]:
        return self.searcher.stored_fields(docnum)

    def find(self, **terms: str) -> list[tuple[int, dict[str, Any]]]:
        """(docnum, stored fields) of the documents with these exact ID-field values."""
        return [(d, self.searcher.stored_fields(d)) for d in self.searcher.document_numbers(**terms)]


@dataclass(frozen=True)
class _Base:
    """The tables a snapshot takes over from the one it replaces (each None, or {}, if never built there)."""

    size: int  # docnums 0..size-1 are the previous snapshot's, unchanged but for `deleted`
    deleted: frozenset[int]
    articles: set[int] | None
    facets: FacetTable | None
    days: list[int] | None
    by_day: tuple[list[int], list[int]] | None
    lengths: dict[str, list[int]]

    @classmethod
    def of(cls, previous: Snapshot | None, layout: _Layout) -> _Base | None:
        """None unless `layout` only appended segments to `previous`'s and deleted documents from it."""
        if previous is None:
            return None
        deleted = layout.newly_deleted(previous.layout)
        if deleted is None:
            return None
        built = previous.__dict__  # what its cached_property tables hold; read, never changed
        return cls(previous.layout.size, frozenset(deleted), built.get("articles"), built.get("facets"),
                   built.get("days"), built.get("_by_day"), dict(previous._lengths))
