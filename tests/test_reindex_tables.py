"""A snapshot that extends the previous generation's tables after an add, a replace or a removal has the
same tables, and answers the same searches, as one built from scratch."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from indexer.engines.whoosh.codec.postings import field_postings
from indexer.fields import FACET_FIELDS
from indexer.engines.whoosh.reindex import merge_segments
from indexer.api import SearchRequest
from indexer.engines.whoosh.engine import WhooshEngine
from indexer.settings import Settings
from indexer.engines.whoosh.snapshot import SCORED_FIELDS, Snapshot
from indexer.engines.whoosh.store import IndexStore
from tests.reindex_fixtures import NEW_ISSUE, SAMPLES, make_indexed_archive, reindex


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return make_indexed_archive(tmp_path / "data")


def served(data: Path, previous: Snapshot | None = None) -> Snapshot:
    store = IndexStore(data)
    ix = store.open_current()
    assert ix is not None
    snapshot = Snapshot(ix, store.generation(), Settings(data_dir=data), previous)
    return snapshot


def tables(snapshot: Snapshot) -> dict[str, object]:
    """The snapshot's tables, each checked against Whoosh's own answer read over the whole index."""
    snapshot.warm()
    searcher, facets = snapshot.searcher, snapshot.facets
    size = searcher.doc_count_all()
    assert snapshot.articles == set(searcher.document_numbers(kind="article"))
    for name, field in FACET_FIELDS.items():
        expected: list[tuple[str, ...]] = [()] * size
        for value, docnums in field_postings(searcher, field):
            for docnum in docnums:
                expected[docnum] += (value,)
        assert facets.values[name] == expected, name
    dated = sorted((day, docnum) for docnum, day in enumerate(snapshot.days) if day)
    assert snapshot._by_day == ([day for day, _ in dated], [docnum for _, docnum in dated])
    for field in SCORED_FIELDS:
        assert snapshot.lengths(field) == [searcher.reader().doc_field_length(d, field, 0) or 0 for d in range(size)]
    return {
        "articles": snapshot.articles, "days": snapshot.days, "by_day": snapshot._by_day,
        "facet values": facets.values, "facet singles": facets.single, "facet totals": facets.totals,
        "facet articles": facets.articles, **{f"norms {f}": snapshot.length_norms(f) for f in SCORED_FIELDS},
    }


def change(archive: Path, how: str) -> None:
    issues = archive / "issues"
    if how == "add":
        (issues / "2021-06-01-02.txt").write_text(NEW_ISSUE, encoding="utf-8")
    elif how == "replace":
        path = issues / SAMPLES[0].name
        path.write_text(path.read_text(encoding="utf-8") + "\n\n# 补记\n\n琥珀色的灯塔又亮了。\n", encoding="utf-8")
    elif how == "remove":
        (issues / SAMPLES[1].name).unlink()
    elif how == "add and remove":
        change(archive, "add")
        change(archive, "remove")


@pytest.mark.parametrize("how", ["add", "replace", "remove", "add and remove"])
def test_tables_extended_from_the_previous_generation_equal_a_fresh_build(archive: Path, how: str) -> None:
    previous = served(archive)
    tables(previous)
    change(archive, how)
    reindex(archive, merge=False)

    extended = served(archive, previous)
    assert extended._base is not None  # the previous tables are taken over, not rebuilt
    fresh = served(archive)

    assert tables(extended) == tables(fresh)


def test_tables_after_two_extensions_in_a_row_equal_a_fresh_build(archive: Path) -> None:
    snapshot = served(archive)
    tables(snapshot)
    for how in ("add", "remove"):
        change(archive, how)
        reindex(archive, merge=False)
        snapshot = served(archive, snapshot)
        assert snapshot._base is not None
        tables(snapshot)

    assert tables(snapshot) == tables(served(archive))


def test_tables_after_a_merge_reuse_the_segments_it_kept_and_equal_a_fresh_build(archive: Path) -> None:
    for n in range(Settings().merge_above_segments):
        (archive / "issues" / f"update-{n}.txt").write_text(NEW_ISSUE.replace("琥珀色", f"第{n}座"), encoding="utf-8")
        reindex(archive, merge=False)
    previous = served(archive)
    tables(previous)
    merge_segments(Settings(data_dir=archive))

    merged = served(archive, previous)
    assert len(merged.segments) < len(previous.segments)
    assert merged._base is not None  # the segments the merge kept are copied, not read

    assert tables(merged) == tables(served(archive))


def test_a_full_rebuild_shares_no_segment(archive: Path) -> None:
    previous = served(archive)
    tables(previous)
    reindex(archive, full=True)

    assert served(archive, previous)._base is None


def test_a_served_archive_answers_after_an_add_as_a_fresh_one_does(archive: Path) -> None:
    index = WhooshEngine(Settings(data_dir=archive))
    index.prepare_to_serve()
    change(archive, "replace")
    change(archive, "add")
    index.reindex()
    fresh = WhooshEngine(Settings(data_dir=archive))

    for q in ("琥珀色的灯塔", "年", "灯塔 OR 报纸", "的"):
        for sort in ("relevance", "date"):
            request = SearchRequest(q=q, sort=sort)
            assert replace(index.search(request), took_ms=0) == replace(fresh.search(request), took_ms=0), (q, sort)
    assert index.stats() == fresh.stats()
    index.close()
    fresh.close()
