"""The Solr side of `python -m bench --engine solr|both`: a local SolrCloud, and what it costs.

The cluster is the one users try (`archive solr up --nodes 2`: one
ZooKeeper and two Solr nodes, each its own JVM, a collection of 2 shards x
2 replicas), started once per run; each scale gets a collection of its own
(`archive solr init`). The product is then measured exactly as the local
engine is, through the same `archive` commands and HTTP server, which
select Solr because ARCHIVE_SOLR_URL is set in their environment.

Besides the product's own figures it records what only a cluster has: the
memory of every JVM, and each core's documents and bytes (per shard: what
docs/scaling.md extrapolates from).
"""
from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from bench.server import archive_command

NODES = 2
SHARDS = 2
REPLICAS = 2
START_TIMEOUT_SECONDS = 900  # the first start on a fresh machine builds the launcher and fetches Solr from Maven Central


class SolrCluster:
    """`archive solr up --nodes NODES --port 0` in a child process, returned once it printed its JSON
    line (`info`); `stop()` ends it (SIGTERM). The tests' session cluster is one too
    (tests/solr_fixtures.py)."""

    def __init__(self, directory: Path, nodes: int = NODES) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        with open(directory / "up.log", "wb") as log:
            self.process = subprocess.Popen(
                [*archive_command(), "solr", "up", "--nodes", str(nodes), "--port", "0", "--dir", str(directory)],
                stdout=subprocess.PIPE, stderr=log, text=True)
        self.info = json.loads(self._first_line())
        self.base = self.info["solr_url"].rsplit("/", 1)[0]

    def _first_line(self) -> str:
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while time.monotonic() < deadline and self.process.poll() is None:
                if selector.select(timeout=1.0):
                    return self.process.stdout.readline()
        self.stop()
        raise RuntimeError(f"archive solr up failed: {(self.directory / 'up.log').read_text()[-2000:]}")

    def collection(self, name: str) -> str:
        """A new collection (alias `name`) of SHARDS x REPLICAS; its URL."""
        url = f"{self.base}/{name}"
        subprocess.run([*archive_command(), "--solr", url, "solr", "init", "--shards", str(SHARDS),
                        "--replicas", str(REPLICAS)], check=True, capture_output=True)
        return url

    def jvm_rss(self) -> dict[str, int]:
        """Resident memory of each JVM of the cluster (ZooKeeper and the nodes), by its role."""
        import psutil  # the bench extra's: the tests' cluster (this class too) never measures memory

        found: dict[str, int] = {}
        for child in psutil.Process(self.process.pid).children(recursive=True):
            try:
                command = child.cmdline()
                role = "zookeeper" if any("ZooKeeperServerMain" in part for part in command) else \
                    "node " + command[-2] if "archive.solr.SolrNode" in command else None
                if role:
                    found[role] = child.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return found

    def cores(self, alias: str) -> list[dict[str, Any]]:
        """Each replica of the collection behind `alias`: shard, node, documents (Lucene's, articles
        and issues) and bytes on disk."""
        status = requests.get(f"{self.base}/admin/collections", timeout=60,
                              params={"action": "CLUSTERSTATUS", "wt": "json"}).json()["cluster"]
        name = status["aliases"].get(alias, alias)
        found = []
        for shard, info in status["collections"][name]["shards"].items():
            for replica in info["replicas"].values():
                core = replica["core"]  # <collection>_<shard>_<replica>, in metrics solr.core.<c>.<s>.<r>
                metrics = requests.get(f"{replica['base_url']}/admin/metrics", timeout=60, params={
                    "group": "core", "prefix": "INDEX.sizeInBytes,SEARCHER.searcher.numDocs", "wt": "json"}).json()
                values = metrics["metrics"].get(f"solr.core.{name}.{shard}.{core[len(name) + len(shard) + 2:]}", {})
                found.append({"shard": shard, "core": core, "leader": replica.get("leader") == "true",
                              "bytes": values.get("INDEX.sizeInBytes"), "docs": values.get("SEARCHER.searcher.numDocs")})
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()


@contextmanager
def using_solr(url: str) -> Iterator[None]:
    """Every `archive` command started inside the block uses the collection `url` (ARCHIVE_SOLR_URL)."""
    previous = os.environ.get("ARCHIVE_SOLR_URL")
    os.environ["ARCHIVE_SOLR_URL"] = url
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("ARCHIVE_SOLR_URL", None)
        else:
            os.environ["ARCHIVE_SOLR_URL"] = previous
