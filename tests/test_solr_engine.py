"""The Solr engine on a real 2-node cluster: reindexing, the manifest, atomic issues, errors."""
from __future__ import annotations

from dataclasses import asdict

import pytest
import requests

import indexer.documents
from indexer.engines.solr.admin import ConfigsetOutdated, configset_name
from indexer.engines.solr.client import CollectionMissing, SolrUnavailable
from indexer.api import SearchRequest
from indexer.factory import open_engine
from indexer.settings import Settings
from bench.corpus import write_issues
from tests.reindex_fixtures import NEW_ISSUE, PausedReindex, make_archive
from tests.solr_fixtures import collections_of, solr_engine, solr_manifest, stored_documents

pytest_plugins = ["tests.solr_plugin"]


def local_manifest(local) -> dict[str, str]:
    return local.store.indexed_issues()


def _total(engine, q: str) -> int:
    return engine.search(SearchRequest(q=q)).total


def test_incremental_reindex_adds_updates_and_removes_by_content(tmp_path, solr_collection):
    data = make_archive(tmp_path, samples=3)
    engine = solr_engine(data, solr_collection())
    first = engine.reindex()
    assert (first.added, first.updated, first.removed, first.failed) == (3, 0, 0, [])
    ids_before = {doc["id"] for doc in stored_documents(engine.client.url.__str__(), "kind:article")}
    assert len(ids_before) == first.articles

    again = engine.reindex()
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 3)

    (data / "issues" / "new.txt").write_text(NEW_ISSUE, encoding="utf-8")
    changed = sorted((data / "issues").glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n补充报道：紫檀色的信号旗。\n", encoding="utf-8")
    removed = sorted((data / "issues").glob("*.txt"))[1]
    removed.unlink()
    summary = engine.reindex()
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (1, 1, 1, 1)
    assert _total(engine, "琥珀色的灯塔") == 1 and _total(engine, "紫檀色的信号旗") == 1
    assert engine.issue(removed.stem) is None
    manifest = solr_manifest(str(engine.client.url))
    assert sorted(manifest) == sorted(p.stem for p in (data / "issues").glob("*.txt"))


def test_a_new_documents_version_reindexes_every_issue_once(tmp_path, solr_collection, monkeypatch):
    """The manifest kept in Solr names the documents version (indexer.documents.manifest_digest), as the local one does."""
    data = make_archive(tmp_path, samples=2)
    engine = solr_engine(data, solr_collection())
    engine.reindex()
    monkeypatch.setattr(indexer.documents, "DOCUMENTS_VERSION", indexer.documents.DOCUMENTS_VERSION + 1)

    assert (engine.reindex().updated, engine.reindex().unchanged) == (2, 2)
    manifest = solr_manifest(str(engine.client.url))
    assert all(sha.endswith("+d" + indexer.documents.documents_version()) for sha in manifest.values())


def test_an_issue_and_its_articles_are_one_block(tmp_path, solr_collection):
    """Articles are children of their issue's document: replaced and deleted with it, in one step."""
    data = make_archive(tmp_path, samples=1)
    engine = solr_engine(data, solr_collection())
    engine.reindex()
    articles = stored_documents(str(engine.client.url), "kind:article")
    block = stored_documents(str(engine.client.url), "{!term f=_root_}issue:" + articles[0]["issue_id"])
    assert len(articles) > 1 and len(block) == len(articles) + 1


def test_same_stats_and_pages_as_the_local_engine(tmp_path, solr_collection):
    data = make_archive(tmp_path, samples=5)
    solr = solr_engine(data, solr_collection())
    solr.reindex()
    local = open_engine(Settings(data_dir=data))
    local.reindex()
    mine, theirs = asdict(solr.stats()), asdict(local.stats())
    for key in ("issues", "articles", "date_min", "date_max", "failed"):
        assert mine[key] == theirs[key], key
    assert solr.issues(1, 50) == local.issues(1, 50)
    first = local.issues(1, 1).issues[0]
    assert solr.issue(first.id) == local.issue(first.id)
    hit = local.search(SearchRequest(q="民警")).results[0]
    assert solr.article(hit.id, "民警") == local.article(hit.id, "民警")


def test_full_reindex_builds_a_new_collection_and_moves_the_alias(tmp_path, solr_cluster, solr_collection):
    data = make_archive(tmp_path, samples=2)
    url = solr_collection()
    engine = solr_engine(data, url)
    engine.reindex()
    alias = url.rsplit("/", 1)[1]
    before = solr_cluster.admin(action="CLUSTERSTATUS")["cluster"]["aliases"][alias]
    summary = engine.reindex(full=True)
    assert summary.added == 2
    status = solr_cluster.admin(action="CLUSTERSTATUS")["cluster"]
    assert status["aliases"][alias] != before and before not in status["collections"]
    assert engine.stats().issues == 2


def test_a_collection_a_killed_full_rebuild_left_is_deleted_by_the_next_reindex(tmp_path, solr_cluster,
                                                                               solr_collection):
    url = solr_collection()
    stray = url.rsplit("/", 1)[1] + "_19990101T000000000"
    solr_cluster.admin(action="CREATE", name=stray, numShards="1", replicationFactor="1",
                       **{"collection.configName": configset_name()})
    solr_engine(make_archive(tmp_path, samples=1), url).reindex()
    assert stray not in solr_cluster.admin(action="CLUSTERSTATUS")["cluster"]["collections"]


def test_a_collection_built_with_another_configset_is_refused_with_the_cure(tmp_path, solr_cluster, solr_collection):
    url = solr_collection()
    alias = url.rsplit("/", 1)[1]
    status = solr_cluster.admin(action="CLUSTERSTATUS")["cluster"]
    collection = status["aliases"][alias]
    copy = "newspaper-archive-old"
    requests.get(f"{solr_cluster.base}/admin/configs", timeout=30,
                 params={"action": "CREATE", "name": copy, "baseConfigSet": configset_name()}).raise_for_status()
    solr_cluster.admin(action="MODIFYCOLLECTION", collection=collection, **{"collection.configName": copy})
    engine = solr_engine(make_archive(tmp_path), url)
    with pytest.raises(ConfigsetOutdated, match="archive reindex --full"):
        engine.stats()
    with pytest.raises(ConfigsetOutdated, match="archive reindex --full"):
        engine.reindex()
    assert engine.reindex(full=True).added == 3  # the cure works
    assert engine.stats().articles > 0


def test_missing_collection_and_unreachable_solr_are_named(tmp_path, solr_cluster):
    with pytest.raises(CollectionMissing, match="archive solr init"):
        solr_engine(tmp_path, solr_cluster.base + "/no_such_collection").stats()
    with pytest.raises(SolrUnavailable, match="Solr does not answer"):
        solr_engine(tmp_path, "http://127.0.0.1:9/solr/archive").search(SearchRequest(q="民警"))


def test_a_file_that_cannot_be_read_is_reported_and_the_rest_index(tmp_path, solr_collection):
    data = make_archive(tmp_path, samples=2)
    (data / "issues" / "empty.txt").write_bytes(b"")
    engine = solr_engine(data, solr_collection())
    summary = engine.reindex()
    assert summary.added == 2 and [f.path for f in summary.failed] == ["issues/empty.txt"]
    assert [f.path for f in engine.stats().failed] == ["issues/empty.txt"]


INCREMENTAL_STEPS = ("scanned", "indexing", "committing", "committed")  # a full rebuild then publishes


@pytest.mark.parametrize("step", [*INCREMENTAL_STEPS, "published"])
def test_a_reindex_killed_at_each_step_leaves_the_next_one_exact(tmp_path, shared_dir, solr_collection, step):
    """An incremental reindex, then a full rebuild, each stopped at `step` (tests/paused_archive.py) and
    killed with its workers: readers keep the served collection until the rebuild publishes its own,
    and the next reindex makes the collection exactly the files, each article once."""
    data = tmp_path / "data"
    write_issues(data, 1, stride=40)
    url = solr_collection()
    solr = {"ARCHIVE_SOLR_URL": url}
    engine = solr_engine(data, url)
    if step in INCREMENTAL_STEPS:
        PausedReindex(data, step, env=solr).kill_group()
    else:
        engine.reindex()
    (data / "issues" / "new.txt").write_text(NEW_ISSUE, encoding="utf-8")
    rebuild = PausedReindex(data, step, "--full", env=solr)
    assert engine.search(SearchRequest(q="琥珀色的灯塔")).total == (step == "published")
    rebuild.kill_group()

    engine.reindex()

    local = open_engine(Settings(data_dir=data))
    local.reindex()
    articles = stored_documents(url, "kind:article")
    assert len(articles) == len({doc["id"] for doc in articles}) == local.stats().articles
    assert solr_manifest(url) == local_manifest(local)
    assert engine.search(SearchRequest(q="琥珀色的灯塔")).total == 1
    assert len(collections_of(url)) == 1, "the collection a killed rebuild left is deleted"
