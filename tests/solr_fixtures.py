"""A real SolrCloud for the tests: `archive solr up` in a child process, as a user would start it.

`start_cluster` runs `archive solr up --nodes 2 --port 0` (any free ports)
and reads the one JSON line it prints once its collection answers (the
benchmark's `bench.solr.SolrCluster`, which also stops it); the
pytest fixtures built on it (tests/solr_plugin.py) start it once per
session. Each test that indexes gets a collection of its own
(`Cluster.collection`: 2 shards x 2 replicas, through `archive solr init`),
so tests never see each other's documents.
"""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest
import requests

from bench.solr import SolrCluster
from indexer.api import Engine
from indexer.engines.solr import SolrEngine
from indexer.engines.whoosh.engine import WhooshEngine
from indexer.settings import Settings

ARCHIVE = str(Path(sys.executable).parent / "archive")
_names = itertools.count(1)


class Cluster(SolrCluster):
    """The bench's cluster (`archive solr up` in a child process), with what tests need besides."""

    def pid_of(self, port: int) -> int:
        return next(node["pid"] for node in self.info["nodes"] if node["port"] == port)

    def admin(self, **params: str) -> dict:
        response = requests.get(f"{self.base}/admin/collections", params={**params, "wt": "json"}, timeout=120)
        response.raise_for_status()
        return response.json()

    def collection(self, prefix: str = "t") -> str:  # type: ignore[override]  # a fresh name each time
        """A new, empty collection (alias `prefix-N`, 2 shards x 2 replicas) made by `archive solr init`; its URL."""
        return super().collection(f"{prefix}{next(_names)}")

    def drop(self, url: str) -> None:
        """Delete the alias `url` names and every collection behind it (frees the nodes' memory)."""
        alias = url.rsplit("/", 1)[1]
        targets = collections_of(url)
        if alias in (self.admin(action="CLUSTERSTATUS")["cluster"].get("aliases") or {}):
            self.admin(action="DELETEALIAS", name=alias)
        for name in targets:
            self.admin(action="DELETE", name=name)


def collections_of(url: str) -> list[str]:
    """The collections made for the alias `url` names (`<alias>_<time>`: the served one, and any a
    killed full rebuild left)."""
    base, alias = url.rsplit("/", 1)
    response = requests.get(f"{base}/admin/collections", params={"action": "CLUSTERSTATUS", "wt": "json"}, timeout=120)
    response.raise_for_status()
    return [name for name in response.json()["cluster"].get("collections", {}) if name.startswith(alias + "_")]


def stored_documents(url: str, query: str) -> list[dict]:
    """id, issue_id and sha256 of every document of the collection `url` that `query` matches (at most 10,000)."""
    answer = requests.get(url + "/select", params={"q": query, "fl": "id,issue_id,sha256", "rows": 10000,
                                                   "wt": "json"}, timeout=30)
    answer.raise_for_status()
    return answer.json()["response"]["docs"]


def solr_manifest(url: str) -> dict[str, str]:
    """Issue id -> sha256 as the collection `url` records them (its issue documents)."""
    return {doc["issue_id"]: doc["sha256"] for doc in stored_documents(url, "kind:issue")}


def solr_engine(data: Path, url: str) -> SolrEngine:
    """The Solr engine over DATA `data` and the collection `url`, as `archive --solr URL` opens it."""
    return SolrEngine(Settings(data_dir=data, solr_url=url))


def indexed_on(request: pytest.FixtureRequest, data: Path, prefix: str) -> Engine:
    """DATA `data` indexed on the engine a fixture's `request.param` names ("local", or "solr": a new
    collection `prefix-N` of the session's SolrCloud, dropped when the fixture ends); its engine."""
    if request.param == "local":
        engine: Engine = WhooshEngine(Settings(data_dir=data))
    else:
        cluster = request.getfixturevalue("solr_cluster")
        url = cluster.collection(prefix)
        request.addfinalizer(lambda: cluster.drop(url))
        engine = solr_engine(data, url)
    engine.reindex()
    return engine


def start_cluster(directory: Path, nodes: int = 2) -> Cluster:
    """`archive solr up --nodes NODES --port 0 --dir DIRECTORY`; returns once it printed its JSON line."""
    return Cluster(directory, nodes)
