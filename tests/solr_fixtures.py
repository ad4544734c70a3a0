"""A real SolrCloud for the tests: `archive solr up` in a child process, as a user would start it.

`start_cluster` runs `archive solr up --nodes 2 --port 0` (any free ports)
and reads the one JSON line it prints once its collection answers; the
pytest fixtures built on it (tests/solr_plugin.py) start it once per
session. Each test that indexes gets a collection of its own
(`Cluster.collection`: 2 shards x 2 replicas, through `archive solr init`),
so tests never see each other's documents.
"""
from __future__ import annotations

import itertools
import json
import selectors
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from indexer.engines.solr import SolrEngine
from indexer.settings import Settings

ARCHIVE = str(Path(sys.executable).parent / "archive")
# The first start on a fresh machine builds the launcher and fetches Solr from Maven Central.
START_TIMEOUT_SECONDS = 900
_names = itertools.count(1)


@dataclass
class Cluster:
    process: subprocess.Popen
    info: dict
    directory: Path

    @property
    def base(self) -> str:
        """The first node's base URL (http://127.0.0.1:PORT/solr)."""
        return self.info["solr_url"].rsplit("/", 1)[0]

    def pid_of(self, port: int) -> int:
        return next(node["pid"] for node in self.info["nodes"] if node["port"] == port)

    def admin(self, **params: str) -> dict:
        response = requests.get(f"{self.base}/admin/collections", params={**params, "wt": "json"}, timeout=120)
        response.raise_for_status()
        return response.json()

    def collection(self, prefix: str = "t") -> str:
        """A new, empty collection (alias `prefix-N`, 2 shards x 2 replicas) made by `archive solr init`; its URL."""
        url = f"{self.base}/{prefix}{next(_names)}"
        done = subprocess.run([ARCHIVE, "--solr", url, "solr", "init", "--shards", "2", "--replicas", "2"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"archive solr init failed: {done.stderr}")
        return url

    def drop(self, url: str) -> None:
        """Delete the alias `url` names and every collection behind it (frees the nodes' memory)."""
        alias = url.rsplit("/", 1)[1]
        targets = collections_of(url)
        if alias in (self.admin(action="CLUSTERSTATUS")["cluster"].get("aliases") or {}):
            self.admin(action="DELETEALIAS", name=alias)
        for name in targets:
            self.admin(action="DELETE", name=name)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()


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


def start_cluster(directory: Path, nodes: int = 2) -> Cluster:
    """`archive solr up --nodes NODES --port 0 --dir DIRECTORY`; returns once it printed its JSON line."""
    directory.mkdir(parents=True, exist_ok=True)
    log = open(directory / "up.log", "w")
    process = subprocess.Popen([ARCHIVE, "solr", "up", "--nodes", str(nodes), "--port", "0", "--dir", str(directory)],
                               stdout=subprocess.PIPE, stderr=log, text=True)
    log.close()
    line = _first_line(process, START_TIMEOUT_SECONDS)
    if not line:
        process.kill()
        process.wait()
        process.stdout.close()
        raise RuntimeError(f"archive solr up printed nothing: {(directory / 'up.log').read_text()[-3000:]}")
    return Cluster(process, json.loads(line), directory)


def _first_line(process: subprocess.Popen, timeout: float) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if selector.select(timeout=1.0):
                return process.stdout.readline().strip()
            if process.poll() is not None:
                return ""
    return ""
