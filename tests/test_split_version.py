"""An archive upgraded to another splitter splits its issues again on the next incremental reindex.

The manifest records, beside each file's sha256, the version of the
documents built from it (indexer.documents.manifest_digest: DOCUMENTS_VERSION,
archive.split_version, whose model digest changes with a retrained model,
and the field dictionary's digest). Article ids are `<issue id>/<number>`: a file split alike keeps
them; a splitter that splits it otherwise may renumber, and corrections
then follow their text to the new article, never their old number.
"""
from __future__ import annotations

from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

import archive.articles
import archive.corrections.service
import archive.split_version
import indexer.documents
from archive.articles import Article, split_articles
from archive.corrections.service import Corrections
from archive.corrections.text import Change
from archive.issues import Issue, read_issue
from indexer.api import SearchRequest
from indexer.documents import manifest_digest
from indexer.factory import open_engine
from indexer.lifecycle.digests import DigestCache
from indexer.lifecycle.scan import scan_issues
from indexer.settings import Settings
from tests.reindex_fixtures import assert_up_to_date, indexed_state, make_archive, make_indexed_archive, sha256_of

REAL_SPLIT = split_articles


def issue_of(path: Path, data: Path) -> Issue:
    return read_issue(path, data / "issues")


def first_two_merged(issue: Issue) -> list[Article]:
    """A stand-in for a new splitter that reads the page's first two articles as one story: every later one is renumbered."""
    first, second, *rest = REAL_SPLIT(issue)
    merged = replace(first, paragraphs=first.paragraphs + (second.title,) + second.paragraphs)
    return [merged] + [replace(a, id=f"{issue.id}/{n}", number=n) for n, a in enumerate(rest, start=2)]


@pytest.fixture
def new_splitter(monkeypatch: pytest.MonkeyPatch):
    """Install `first_two_merged` and a model of another digest, as an upgrade would."""
    def install() -> None:
        monkeypatch.setattr(archive.split_version, "model_digest", lambda: "0123456789ab")
        for module in (archive.corrections.service, indexer.documents):
            monkeypatch.setattr(module, "split_articles", first_two_merged)
    return install


def test_the_scan_finds_exactly_the_issues_built_by_another_version(tmp_path: Path) -> None:
    data = make_archive(tmp_path / "data", samples=3)
    paths = sorted((data / "issues").glob("*.txt"))
    ids = [p.stem for p in paths]
    previous = {ids[0]: sha256_of(paths[0]),  # written before versions were recorded
                ids[1]: manifest_digest(sha256_of(paths[1]), 0).replace("+d", "+d0."),  # another version
                ids[2]: manifest_digest(sha256_of(paths[2]), 0)}

    scan = scan_issues(data, previous, DigestCache(settled_seconds=0.0))

    assert sorted(scan.changed) == ids[:2] and sorted(scan.unchanged) == ids[2:] and not scan.new


@pytest.mark.parametrize("upgrade", ["DOCUMENTS_VERSION", "dictionary_digest"])
def test_a_new_documents_version_or_field_dictionary_reindexes_every_issue_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, upgrade: str) -> None:
    data = make_indexed_archive(tmp_path / "data", samples=2)
    engine = open_engine(Settings(data_dir=data))
    if upgrade == "DOCUMENTS_VERSION":  # bumped by hand
        monkeypatch.setattr(indexer.documents, "DOCUMENTS_VERSION", indexer.documents.DOCUMENTS_VERSION + 1)
    else:  # a word added to indexer/text/dictionary/
        monkeypatch.setattr(indexer.documents, "dictionary_digest", lambda: "0123456789ab")

    assert (engine.reindex().updated, engine.reindex().unchanged) == (2, 2)
    assert_up_to_date(data)
    engine.close()


def test_a_new_splitter_resplits_an_unchanged_file_and_its_corrections_follow_their_text(
        tmp_path: Path, new_splitter) -> None:
    data = make_indexed_archive(tmp_path / "data", samples=3)
    path = max(sorted((data / "issues").glob("*.txt")), key=lambda p: len(REAL_SPLIT(issue_of(p, data))))
    issue = issue_of(path, data)
    before = REAL_SPLIT(issue)
    assert len(before) >= 4, "a page with articles after the two merged ones"
    corrected = before[3]
    with closing(Corrections(data)) as corrections:
        editor = corrections.editors.add("wang", "a-long-password")
        version = corrections.article(corrected.id).version
        corrections.save(corrected.id, version, [Change("paragraph", 0, "校正后的段落，关键词是孔雀蓝的邮筒。")], "", editor)
    engine = open_engine(Settings(data_dir=data))
    assert engine.reindex().updated == 1
    untouched_id = before[1].id  # the same number after the merge, but another article's text
    old_articles = {a.id: a.title for a in before}

    new_splitter()
    summary = engine.reindex()

    assert (summary.updated, summary.unchanged) == (3, 0), "every issue split again, although no file changed"
    assert len(indexed_state(data).articles[issue.id]) == len(before) - 1
    moved = f"{issue.id}/3"  # was number 4
    assert engine.article(moved).title == corrected.title
    assert engine.article(moved).paragraphs[0] == "校正后的段落，关键词是孔雀蓝的邮筒。"
    assert [hit.id for hit in engine.search(SearchRequest("孔雀蓝的邮筒")).results] == [moved]
    assert engine.article(untouched_id).title == old_articles[before[2].id], "ids are numbers: later ones shift"
    assert engine.article(before[0].id).title == before[0].title, "articles before the change keep their ids"
    assert engine.reindex().unchanged == 3
    with closing(Corrections(data)) as corrections:
        [correction] = corrections.history(moved)
        assert (correction.article_id, correction.applies_to, correction.status) == (corrected.id, moved, "applied")
    engine.close()
