"""Corrections in the documents and the reindex, for any engine: what is indexed from a corrected
article, and how a save makes exactly its issue changed (through `Engine`, on the local engine and on
a collection of the session's SolrCloud)."""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.articles import split_articles
from archive.corrections.database import database_path
from archive.corrections.diff import changed_passages
from archive.corrections.service import Corrections
from archive.corrections.text import Change
from archive.issues import read_issue
from indexer.api import Engine, SearchRequest
from indexer.documents import ORIGINAL_CONTEXT, PASSAGE_SEP, documents_version, issue_documents, manifest_digest
from indexer.factory import open_engine
from indexer.fields import TEXT_GRAMS
from indexer.settings import Settings
from indexer.text.ngrams import SECTION_SEP
from tests.reindex_fixtures import indexed_state, make_indexed_archive, run_archive, sha256_of
from tests.solr_fixtures import solr_engine, solr_manifest

pytest_plugins = ["tests.solr_plugin"]


def test_the_original_passages_are_the_replaced_runs_with_their_context():
    assert changed_passages("甲乙丙丁戊己庚辛壬癸", "甲乙丙X戊己庚辛壬癸", 2) == ["乙丙丁戊己"]
    assert changed_passages("甲乙丙丁戊己庚辛壬癸", "甲X丙丁戊己庚辛Y癸", 1) == ["甲乙丙", "辛壬癸"]
    assert changed_passages("甲乙丙丁戊己庚辛壬癸", "甲X丙Y戊己庚辛壬癸", 1) == ["甲乙丙丁戊"], "overlapping: joined"
    assert changed_passages("张丰在场", "张三丰在场", 1) == ["张丰"], "a character the OCR dropped"
    assert changed_passages("同样的文字", "同样的文字", 5) == []


def test_the_manifest_digest_names_the_corrections_stamp_and_the_documents_version():
    version = documents_version()
    assert manifest_digest("ab" * 32, 0) == "ab" * 32 + "+d" + version
    assert manifest_digest("ab" * 32, 3) == "ab" * 32 + "+c3+d" + version


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return make_indexed_archive(tmp_path / "data")


@pytest.fixture
def corrections(archive: Path):
    service = Corrections(archive)
    yield service
    service.close()


def first_article(archive: Path):
    issues = archive / "issues"
    path = sorted(issues.glob("*.txt"))[0]
    issue = read_issue(path, issues)
    return issue, split_articles(issue)


@pytest.fixture
def editor(corrections: Corrections):
    return corrections.editors.add("wang", "a-long-password")


@dataclass
class Indexed:
    """The archive's engine, and what its manifest records now (issue id -> digest)."""

    engine: Engine
    manifest: Callable[[], dict[str, str]]


@pytest.fixture(params=["local", "solr"])
def indexed(request: pytest.FixtureRequest, archive: Path) -> Iterator[Indexed]:
    """The archive indexed on each engine (Solr: a new collection of the session's SolrCloud)."""
    if request.param == "local":
        found = Indexed(open_engine(Settings(data_dir=archive)), lambda: indexed_state(archive).manifest)
    else:
        url = request.getfixturevalue("solr_collection")()
        found = Indexed(solr_engine(archive, url), lambda: solr_manifest(url))
        found.engine.reindex()
    yield found
    found.engine.close()


def correct_paragraph(corrections: Corrections, editor, article_id: str, paragraph: int, text: str) -> None:
    version = corrections.article(article_id).version
    corrections.save(article_id, version, [Change("paragraph", paragraph, text)], "", editor)


def test_a_corrected_article_indexes_the_corrected_text_and_the_replaced_runs_as_the_original_section(
        archive, corrections, editor):
    issue, articles = first_article(archive)
    article = max(articles, key=lambda a: len(a.paragraphs[0]))
    before = article.paragraphs[0]
    after = before[:40] + "校正" + before[42:]
    correct_paragraph(corrections, editor, article.id, 0, after)

    documents = issue_documents(issue, articles, corrections.corrected_issue(issue, articles))

    [doc] = [d for d in documents if d["id"] == article.id]
    sections = doc[TEXT_GRAMS].split(SECTION_SEP)
    assert after in sections[3] and before not in sections[3]
    assert sections[4] == before[40 - ORIGINAL_CONTEXT:42 + ORIGINAL_CONTEXT] and PASSAGE_SEP not in sections[4]
    data = json.loads(doc["data"])
    assert data["version"] == 2 and data["original"]["paragraphs"][0] == before and data["paragraphs"][0] == after
    others = [d for d in documents if d["kind"] == "article" and d["id"] != article.id]
    assert all(len(d[TEXT_GRAMS].split(SECTION_SEP)) <= 4 for d in others), "no original section when uncorrected"
    assert all("original" not in json.loads(d["data"]) for d in others)
    assert documents[0]["sha256"] == manifest_digest(issue.sha256, 1)


def test_a_save_makes_exactly_its_issue_changed_for_the_next_reindex(archive, corrections, editor, indexed):
    engine = indexed.engine
    issue, articles = first_article(archive)
    correct_paragraph(corrections, editor, articles[0].id, 0, "校正之后的第一段，关键词是青金石色的门楼。")

    summary = engine.reindex()

    assert (summary.updated, summary.unchanged, summary.added) == (1, 2, 0)
    assert indexed.manifest()[issue.id] == manifest_digest(sha256_of(issue.path), 1)
    assert [hit.id for hit in engine.search(SearchRequest("青金石色的门楼")).results] == [articles[0].id]
    assert engine.reindex().updated == 0, "nothing changed since"


def test_the_index_follows_the_corrections_database_back_to_the_ocr_text(archive, corrections, editor, indexed):
    """A data directory restored without its corrections database: the corrected issue is indexed as printed."""
    engine = indexed.engine
    issue, articles = first_article(archive)
    correct_paragraph(corrections, editor, articles[0].id, 0, "只在数据库里的校对，关键词是绛紫色的钟楼。")
    engine.reindex()
    corrections.close()
    for leftover in archive.glob(database_path(archive).name + "*"):
        leftover.unlink()

    assert engine.reindex().updated == 1
    assert engine.search(SearchRequest("绛紫色的钟楼")).total == 0
    assert engine.article(articles[0].id).paragraphs[0] == articles[0].paragraphs[0]
    assert indexed.manifest()[issue.id] == manifest_digest(sha256_of(issue.path), 0)


def test_forked_indexing_workers_read_the_corrections_with_connections_of_their_own(archive, corrections, editor):
    issue, articles = first_article(archive)
    correct_paragraph(corrections, editor, articles[0].id, 0, "多进程重建也套用的校对，关键词是赭石色的塔楼。")

    done = run_archive(archive, "--workers", "2", "reindex", "--full")

    assert done.returncode == 0, done.stderr
    engine = open_engine(Settings(data_dir=archive))
    assert [hit.id for hit in engine.search(SearchRequest("赭石色的塔楼")).results] == [articles[0].id]
    engine.close()
    correct_paragraph(corrections, editor, articles[0].id, 0, "工作进程退出后，这里的连接照常可用。")
    assert corrections.article(articles[0].id).version == 3
    assert os.path.exists(database_path(archive))
