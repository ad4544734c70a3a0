"""One opened generation of the index: a searcher plus what is cached per searcher.

`WhooshEngine` swaps snapshots when the store's generation changes. A
snapshot counts the calls using it, so retiring it closes the searcher only
when the last of them is done (closing under a running search would break
it; the server is multi-threaded).

One call at a time reads through a snapshot (`reading`): Whoosh reads its
files with seek() + read() on shared file objects (`StructFile.get`), which
two threads would interleave. Search work is pure Python holding the GIL,
so serialising it costs next to nothing in throughput.

The per-snapshot tables (articles, facet values, days, field lengths) take
1-2 s to build at the 1x corpus, nearly all of it reading every segment.
But a generation mostly shares its segments with the one it replaces: an
add appends a segment and marks deletions in old ones, a merge rewrites
only the small segments. A snapshot opened with the one it replaces
(`previous`) therefore assembles each table segment by segment (`_rows`):
the rows of a segment the previous snapshot had (same segment id and size,
its deletions a subset of ours: `_Base`) are copied from the previous table,
where that segment may have started at another docnum, with the rows of
documents deleted since cleared as a read would leave them; only the other
segments are read. Without `previous` (or without a shared segment) every
segment is read: one code path, the same tables either way.
"""
from __future__ import annotations

import json
import threading
import weakref
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.index import Index
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from indexer.fields import FACET_FIELDS, SCOPED_GRAMS, TEXT_GRAMS, WORDS
from indexer.engines.whoosh.budget import work_budget
from indexer.engines.whoosh.cache import SizedLru
from indexer.engines.whoosh.codec.postings import postings
from indexer.engines.whoosh.facet_table import FacetTable, facet_rows
from indexer.engines.whoosh.ranking import BM25_B, BM25_K1, weighting
from indexer.settings import Settings
from indexer.text.normalize import compact, pattern


# Fields whose lengths bulk BM25 reads (`length_norms`), built by `warm`.
SCORED_FIELDS = (TEXT_GRAMS, *SCOPED_GRAMS.values(), WORDS)


Row = TypeVar("Row")
_KEEP: Any = object()  # `_rows`: rows of deleted documents stay as they are


@dataclass(frozen=True)
class _Segment:
    """One segment of a searcher, as the tables see it."""

    id: str
    size: int  # docnums, deleted ones included
    deleted: frozenset[int]  # segment-local docnums

    @staticmethod
    def all_of(searcher: Searcher) -> list[tuple[Searcher, int, _Segment]]:
        """(leaf searcher, first docnum, segment) of every segment, in docnum order."""
        found = []
        for leaf, offset in searcher.leaf_searchers():
            reader = leaf.reader()
            if reader.segment() is not None:  # an empty index has one reader without segments
                deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
                found.append((leaf, offset, _Segment(reader.segment().segment_id(), reader.doc_count_all(), deleted)))
        return found


class Snapshot:
    def __init__(self, ix: Index, generation: str | None, settings: Settings, previous: Snapshot | None = None) -> None:
        """`previous`: the snapshot this one replaces, whose built tables `warm` may extend (see above).

        The search cache holds `settings.result_cache_matches` matches, all queries together (12
        bytes each, packed: bulk.PackedRanking; the bench's 250 queries match 450,000 together),
        the cache of whole text rankings that different queries share (scoring.grams_ranking)
        `settings.text_cache_matches`: some 40 MB at most with the defaults.
        """
        self.ix = ix
        self.generation = generation
        self.searcher: Searcher = ix.searcher(weighting=weighting())
        self.segments = _Segment.all_of(self.searcher)
        self._base = _Base.of(previous, [segment for _, _, segment in self.segments])
        # Closes the searcher's files exactly once: when the snapshot is retired, or when an owner
        # that never retires it (a one-shot CLI command) drops it. The index is read without mmap
        # (indexer.engines.whoosh.store), so an unclosed snapshot would otherwise leave open files behind.
        self._close = weakref.finalize(self, self.searcher.close)
        self._users = 0
        self._retired = False
        self._lock = threading.Lock()
        self.reading = threading.Lock()
        self.bulk = settings.bulk_scoring  # score from bulk postings (else Whoosh's matchers: the reference)
        self.results: SizedLru[Any] = SizedLru(settings.result_cache_matches)
        self.texts: SizedLru[Any] = SizedLru(settings.text_cache_matches)
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
    def _rows(self, reused: list[Row] | None, read: Callable[[Searcher], list[Row]], deleted: Row = _KEEP) -> list[Row]:
        """A table with one row per docnum, segment by segment: the rows of the segments the base
        had copied from `reused` (its table; None: read every segment), the rows of documents
        deleted since set to `deleted` (unless _KEEP), the other segments `read` (local docnums)."""
        rows: list[Row] = []
        for leaf, _, source, segment, gone in self._plan():
            if reused is None or source is None:
                rows.extend(read(leaf))
                continue
            start = len(rows)
            rows.extend(reused[source:source + segment.size])
            if deleted is not _KEEP:
                for docnum in gone:
                    rows[start + docnum] = deleted
        return rows

    def _plan(self) -> Iterator[tuple[Searcher, int, int | None, _Segment, frozenset[int]]]:
        """(leaf searcher, first docnum, first docnum in the base's tables or None, segment,
        local docnums deleted since the base) of each segment."""
        base = self._base
        for n, (leaf, offset, segment) in enumerate(self.segments):
            source, gone = (None, frozenset()) if base is None else base.sources[n]
            yield leaf, offset, source, segment, gone

    @cached_property
    def facets(self) -> FacetTable:
        reused = None if self._base is None else self._base.facets
        with work_budget(None):  # built once for every search (see budget.work_budget)
            values = {name: self._rows(None if reused is None else reused.values[name],
                                       lambda leaf, field=field: facet_rows(leaf, field), deleted=())
                      for name, field in FACET_FIELDS.items()}
        return FacetTable(values, self.articles)

    @cached_property
    def articles(self) -> set[int]:
        """Docnums of the articles (the issue records share the index)."""
        reused = None if self._base is None or self._base.articles is None else sorted(self._base.articles)
        articles: set[int] = set()
        for leaf, offset, source, segment, gone in self._plan():
            if reused is None or source is None:
                articles.update(offset + docnum for docnum in leaf.document_numbers(kind="article"))
            else:
                part = reused[bisect_left(reused, source):bisect_left(reused, source + segment.size)]
                articles.update(offset + docnum - source for docnum in part if docnum - source not in gone)
        return articles

    @cached_property
    def days(self) -> list[int]:
        """YYYYMMDD (0 undated) of every docnum, for date sorting.

        Read segment by segment: Whoosh's multi-segment column reader skips
        a segment without the column (one holding only undated pages) and
        then maps later docnums into the wrong segment (IndexError).
        """
        return self._rows(None if self._base is None else self._base.days, _segment_days)

    @cached_property
    def _by_day(self) -> tuple[list[int], list[int]]:
        """(days, docnums) of every dated docnum, ordered by day and then docnum (a stable sort):
        a date range is one bisect. In numpy: sorting tuples cost 30 ms a generation at the 1x corpus."""
        days = np.asarray(self.days, dtype=np.int64)
        order = np.argsort(days, kind="stable")
        order = order[days[order] != 0]
        return days[order].tolist(), order.tolist()

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
        """The length of `field` in every docnum (deleted ones too)."""
        lengths = self._lengths.get(field)
        if lengths is None:
            reused = None if self._base is None else self._base.lengths.get(field)
            lengths = self._lengths[field] = self._rows(reused, lambda leaf: _segment_lengths(leaf, field))
        return lengths

    def warm(self) -> None:
        """Build the cached tables now instead of during the first search, the text folding
        tables behind query parsing and snippet marks too (about 0.2 s). The base's tables,
        once taken over, are let go."""
        _ = (pattern(compact("档案").text), self.facets, self._by_day, self.articles, *(self.length_norms(field) for field in SCORED_FIELDS))
        self._base = None

    def stored(self, docnum: int) -> dict[str, Any]:
        return self.searcher.stored_fields(docnum)

    def find(self, kind: str, field: str, value: str) -> list[tuple[int, dict[str, Any]]]:
        """(docnum, stored fields) of the documents of `kind` whose ID field `field` is `value`, in docnum order.

        Read from that one term's postings (an id: one document; an issue id:
        its record and articles), its kind checked on the stored fields already
        read. Whoosh's `document_numbers(id=…, kind=…)` intersects with the
        postings of `kind` instead, and walks all 21,000 of `kind:article`
        one by one: 13 ms an article page at the 1x corpus (docs/benchmarks.md).
        """
        return [(docnum, fields) for docnum in postings(self.searcher, field, value).docnums.tolist()
                if (fields := self.searcher.stored_fields(docnum))["kind"] == kind]


def _segment_days(leaf: Searcher) -> list[int]:
    reader = leaf.reader()
    count = reader.doc_count_all()
    if not reader.has_column("day"):
        return [0] * count
    column = reader.column_reader("day")
    return [int(column[d] or 0) for d in range(count)]


# Whoosh's field length of each length byte (it keeps lengths as one lossy byte per document).
_BYTE_LENGTHS = np.array([byte_to_length(b) if b else 0 for b in range(256)], dtype=np.int64)


def _segment_lengths(leaf: Searcher, field: str) -> list[int]:
    """The field's length in every document of one segment, from its lengths column in one read.

    Asking `doc_field_length` document by document costs a seek and a read
    each: 0.6 s of a server's start-up at the 1x corpus. The column is one
    byte per document (`whoosh3.LENGTHS_COLUMN`), so it is read whole and
    decoded with Whoosh's own byte-to-length table; documents past its end
    have no length, as Whoosh's reader says.
    """
    reader = leaf.reader()
    count = reader.doc_count_all()
    column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)  # the pinned Whoosh's W3 reader
    if column is None:
        return [0] * count
    stored = min(column._count, count)
    raw = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
    return _BYTE_LENGTHS[raw].tolist() + [0] * (count - stored)


@dataclass(frozen=True)
class _Base:
    """The previous snapshot's tables (None, or {}, where never built there) and where our segments are in them."""

    sources: list[tuple[int | None, frozenset[int]]]  # per segment of ours: (first docnum there or None, deleted since)
    articles: set[int] | None
    facets: FacetTable | None
    days: list[int] | None
    lengths: dict[str, list[int]]

    @classmethod
    def of(cls, previous: Snapshot | None, segments: list[_Segment]) -> _Base | None:
        """None if `previous` shares no segment with `segments` (same id and size, no deletion undone)."""
        if previous is None:
            return None
        theirs = {segment.id: (offset, segment) for _, offset, segment in previous.segments}
        sources: list[tuple[int | None, frozenset[int]]] = []
        for segment in segments:
            offset, old = theirs.get(segment.id, (None, None))
            if old is None or old.size != segment.size or not old.deleted <= segment.deleted:
                sources.append((None, frozenset()))
            else:
                sources.append((offset, segment.deleted - old.deleted))
        if all(source is None for source, _ in sources):
            return None
        built = previous.__dict__  # what its cached_property tables hold; read, never changed
        return cls(sources, built.get("articles"), built.get("facets"), built.get("days"), dict(previous._lengths))
