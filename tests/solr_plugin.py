"""Pytest fixtures for the Solr engine, loaded with `pytest_plugins = ["tests.solr_plugin"]`.

As a plugin they are registered once per session, whichever modules use
them: the 2-node cluster starts once (about 25 s) and stops at the end.
"""
from __future__ import annotations

from typing import Callable, Iterator

import pytest

from tests.solr_fixtures import Cluster, start_cluster


@pytest.fixture(scope="session")
def solr_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = start_cluster(tmp_path_factory.mktemp("solr-cluster"))
    yield cluster
    cluster.stop()


@pytest.fixture
def solr_collection(solr_cluster: Cluster) -> Iterator[Callable[[], str]]:
    """`solr_collection()` → the URL of a new, empty collection, deleted after the test."""
    made: list[str] = []

    def make() -> str:
        made.append(solr_cluster.collection())
        return made[-1]

    yield make
    for url in made:
        solr_cluster.drop(url)
