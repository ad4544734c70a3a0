"""Solr's HTTP JSON API with `requests`, and failing over between the cluster's live nodes.

`ARCHIVE_SOLR_URL` names one node and a collection
(`http://host:8983/solr/archive`). The client asks that node for the
cluster's live nodes (CLUSTERSTATUS) and, when a request to a node fails
below HTTP (refused, reset, timed out) or the node answers 502-504 (it is
shutting down, or a shard it asked is unreachable), sends the same request
to the next live node at once (every node twice over, half a second
apart, before a request fails). A node that failed is skipped for
`RETRY_DOWN_SECONDS`, then tried again, so a node that comes back (the
named one first) serves again without a restart; the live nodes are
re-read at most every `REFRESH_SECONDS` while requests flow. Every
request this engine sends is safe to repeat: searches, and updates that
replace whole documents by id.

Failures are named for a person: `SolrUnavailable` (no node answers: is
Solr running at that URL?), `CollectionMissing` (run `archive solr init`),
`SolrError` (anything else Solr refused, with its own message). All three
are `IndexUnavailable`: HTTP 503 and CLI exit 1, as a damaged local index.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from indexer.api import IndexUnavailable

CONNECT_TIMEOUT_SECONDS = 2.0
READ_TIMEOUT_SECONDS = 60.0
RETRY_DOWN_SECONDS = 2.0
REFRESH_SECONDS = 5.0
ROUNDS = 2  # every node is tried this many times over before a request fails
ROUND_PAUSE_SECONDS = 0.5
# Searches: the node that receives one asks its own replicas (no hop to another node where it has a
# copy of every shard), and fetches the page's stored fields with the scores (one pass, not two).
# Measured on the 1x corpus, 2 nodes x 2 shards: p50 about a third, p95 about half of the default.
SELECT_PARAMS = {"shards.preference": "replica.location:local", "distrib.singlePass": "true"}
# Statuses after which another node may well succeed: a node stopping, or a shard it could not reach.
_RETRY_STATUSES = {502, 503, 504}


class SolrUnavailable(IndexUnavailable):
    """No node of the cluster answers."""


class CollectionMissing(IndexUnavailable):
    """The collection (or alias) the URL names does not exist."""


class SolrError(IndexUnavailable):
    """Solr answered with an error that is neither of the above; the message is Solr's (HTTP 503,
    CLI exit 1, as the index not being able to answer)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class SolrUrl:
    """`http://host:port/solr/collection` split into the node's base URL and the collection name."""

    base: str  # http://host:port/solr
    collection: str

    @classmethod
    def parse(cls, url: str) -> SolrUrl:
        parts = urlsplit(url.strip())
        segments = [s for s in parts.path.split("/") if s]
        if parts.scheme not in ("http", "https") or not parts.netloc or len(segments) < 2:
            raise ValueError(f"a Solr URL names a node and a collection, like "
                             f"http://127.0.0.1:8983/solr/archive; got “{url}”")
        return cls(f"{parts.scheme}://{parts.netloc}/{'/'.join(segments[:-1])}", segments[-1])

    def __str__(self) -> str:
        return f"{self.base}/{self.collection}"


def node_url(node_name: str, scheme: str) -> str:
    """A live-node name (`127.0.0.1:8983_solr`) as a base URL (`http://127.0.0.1:8983/solr`)."""
    address, _, context = node_name.partition("_")
    return f"{scheme}://{address}/{context.replace('%2F', '/')}"


class SolrClient:
    """Requests to one SolrCloud collection, answered by whichever live node can. Thread-safe."""

    def __init__(self, url: str | SolrUrl, read_timeout: float = READ_TIMEOUT_SECONDS) -> None:
        self.url = url if isinstance(url, SolrUrl) else SolrUrl.parse(url)
        self.read_timeout = read_timeout
        self._scheme = urlsplit(self.url.base).scheme
        self._nodes: list[str] = [self.url.base]  # the named node first, then the others
        self._down: dict[str, float] = {}  # node -> when it last failed
        self._refreshed = float("-inf")
        self._lock = threading.Lock()
        self._local = threading.local()
        self.last_node: str | None = None  # the node that answered the last request

    # ------------------------------------------------------------ nodes

    @property
    def nodes(self) -> list[str]:
        """The nodes requests may go to, the named one first."""
        with self._lock:
            return list(self._nodes)

    def live_nodes(self) -> list[str]:
        """The cluster's live nodes as ZooKeeper knows them now (base URLs), read afresh."""
        body = self._send("GET", "admin/collections", {"action": "CLUSTERSTATUS"}, None, None,
                          refresh=False)
        return [node_url(name, self._scheme) for name in body["cluster"].get("live_nodes", [])]

    def _refresh(self) -> None:
        """Re-read the live nodes if it is time (never fails: the old list stays on any error)."""
        now = time.monotonic()
        with self._lock:
            if now - self._refreshed < REFRESH_SECONDS:
                return
            self._refreshed = now
        try:
            live = self.live_nodes()
        except (SolrUnavailable, SolrError, KeyError, ValueError):
            return
        with self._lock:
            others = sorted(node for node in live if node != self.url.base)
            self._nodes = [self.url.base, *others]

    def _candidates(self) -> list[str]:
        """Nodes to try, in order: the ones not failed lately, then those that did (oldest failure first)."""
        now = time.monotonic()
        with self._lock:
            fresh = [n for n in self._nodes if now - self._down.get(n, float("-inf")) >= RETRY_DOWN_SECONDS]
            failed = sorted((n for n in self._nodes if n not in fresh), key=lambda n: self._down[n])
        return fresh + failed

    def _mark(self, node: str, ok: bool) -> None:
        with self._lock:
            if ok:
                self._down.pop(node, None)
            else:
                self._down[node] = time.monotonic()

    # ------------------------------------------------------------ requests

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def collection(self, path: str, params: dict[str, Any] | None = None, body: Any = None,
                   collection: str | None = None, raw: str | None = None) -> dict[str, Any]:
        """`path` of the collection (`select`, `update`, …) as JSON; POSTs `body` as JSON, or `raw`
        (JSON text already encoded), when given."""
        name = collection or self.url.collection
        if raw is not None:
            return self._send("POST", f"{name}/{path}", params, None, raw.encode("utf-8"), "application/json")
        return self._send("POST" if body is not None else "GET", f"{name}/{path}", params, body, None)

    def select(self, body: dict[str, Any], collection: str | None = None) -> dict[str, Any]:
        """A search (Solr's JSON Request API), each shard asked on the node that received it where it
        has a replica, in one pass (see SELECT_PARAMS)."""
        return self.collection("select", body={**body, "params": {**SELECT_PARAMS, **body.get("params", {})}},
                               collection=collection)

    def node(self, base: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        """`path` of one node (`admin/metrics`, …), that node only: no failover."""
        response = self._session().get(f"{base}/{path}", params={**params, "wt": "json"},
                                       timeout=(CONNECT_TIMEOUT_SECONDS, self.read_timeout))
        return self._answer(response, path)

    def admin(self, handler: str, params: dict[str, Any], data: bytes | None = None) -> dict[str, Any]:
        """`/admin/<handler>` (collections, configs, …); `data` is POSTed as a raw body (a configset zip)."""
        clean = {k: v for k, v in params.items() if v is not None}
        return self._send("POST" if data is not None else "GET", f"admin/{handler}", clean, None, data,
                          "application/octet-stream")

    def _send(self, method: str, path: str, params: dict[str, Any] | None, body: Any, data: bytes | None,
              content_type: str | None = None, refresh: bool = True) -> dict[str, Any]:
        """Send to the first node that answers; every node is tried, twice over (ROUNDS), before giving up.

        A node that says it lacks the collection (404) is passed over too while others remain: a
        node just started answers 404 until it has read the cluster state. Only when every node
        says so is the collection missing.
        """
        if refresh:
            self._refresh()
        params = {**(params or {}), "wt": "json"}
        headers = {"Content-Type": content_type} if content_type else None
        failures: list[str] = []
        missing: requests.Response | None = None
        for round_ in range(ROUNDS):
            if round_:
                time.sleep(ROUND_PAUSE_SECONDS)
            for node in self._candidates():
                try:
                    response = self._session().request(
                        method, f"{node}/{path}", params=params, json=body, data=data, headers=headers,
                        timeout=(CONNECT_TIMEOUT_SECONDS, self.read_timeout))
                except requests.RequestException as exc:
                    self._mark(node, False)
                    failures.append(f"{node}: {_reason(exc)}")
                    continue
                if response.status_code in _RETRY_STATUSES or response.status_code == 404:
                    self._mark(node, False)
                    missing = response if response.status_code == 404 else missing
                    failures.append(f"{node}: HTTP {response.status_code} {_solr_message(response)}")
                    continue
                self._mark(node, True)
                self.last_node = node
                return self._answer(response, path)
            if missing is not None and len(failures) == len(self.nodes):
                return self._answer(missing, path)  # every node lacks it: it is missing
        raise SolrUnavailable(f"Solr does not answer at {self.url.base} ({'; '.join(dict.fromkeys(failures))}); "
                              "start it, or fix ARCHIVE_SOLR_URL / --solr")

    def _answer(self, response: requests.Response, path: str) -> dict[str, Any]:
        if response.status_code == 404 and path.split("/", 1)[0] != "admin":
            raise CollectionMissing(f"Solr at {self.url.base} has no collection “{path.split('/', 1)[0]}”; "
                                    "create it with `archive solr init`")
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400 or not isinstance(body, dict):
            raise SolrError(f"Solr answered HTTP {response.status_code}: {_solr_message(response)}",
                            response.status_code)
        return body


def _reason(exc: requests.RequestException) -> str:
    """Why a request got no answer, in a few words (`connection refused`, `timed out`)."""
    if isinstance(exc, requests.Timeout):
        return "timed out"
    found = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(exc))
    return found.group(1).strip().lower() if found else type(exc).__name__


def _solr_message(response: requests.Response) -> str:
    """Solr's own error message from an error response, else the start of its body."""
    try:
        error = response.json().get("error", {})
        message = error.get("msg") or error.get("trace", "")
    except (ValueError, AttributeError):
        message = response.text
    return " ".join(str(message).split())[:300]
