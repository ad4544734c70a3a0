"""HTTP clients against a running `archive serve`: latency, throughput, load, freshness.

Threads with one keep-alive `http.client` connection each, on loopback only,
every run bounded by a request count or a deadline. A request counts as an
error when it raises or answers anything but 200 (429 and 503 included: a
shed request is a failed search for the person who sent it).
"""
from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlencode

from bench.queries import BenchQuery

TIMEOUT_SECONDS = 30
ERROR_EXAMPLES = 5


class Client:
    """One keep-alive connection; reconnects after a failure so one error stays one error."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, bytes]:
        """(status, body); status 0 when the request failed below HTTP."""
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_SECONDS)
            self.conn.request("GET", path)
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            return 0, b""

    def timed_get(self, path: str) -> tuple[int, bytes, float]:
        """(status, body, milliseconds) of one request."""
        started = time.perf_counter()
        status, body = self.get(path)
        return status, body, (time.perf_counter() - started) * 1000

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def search_path(query: BenchQuery) -> str:
    return "/api/search?" + urlencode(query.url_params())


def _total(body: bytes) -> int | None:
    try:
        return json.loads(body).get("total")
    except ValueError:
        return None


@dataclass
class Sample:
    kind: str
    ms: float
    status: int
    total: int | None = None  # hit count, parsed only where correctness is checked


def latency_pass(port: int, queries: list[BenchQuery], passes: int = 2) -> list[Sample]:
    """One client, one query at a time: a first pass (every query new to the server), then `passes` repeats.

    Returns the first pass's samples first (the first len(queries)): the
    targets are judged on them, since a repeat may be a result-cache hit.
    """
    client = Client(port)
    samples: list[Sample] = []
    try:
        for _ in range(1 + passes):
            for query in queries:
                started = time.perf_counter()
                status, body = client.get(search_path(query))
                ms = (time.perf_counter() - started) * 1000
                total = _total(body) if status == 200 else None
                samples.append(Sample(query.kind, ms, status, total))
    finally:
        client.close()
    return samples


@dataclass
class LoadResult:
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    error_examples: list[dict[str, object]] = field(default_factory=list)  # path, status, body start

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def errors(self) -> int:
        return self.requests - self.statuses.get(200, 0)

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def concurrent_load(port: int, queries: list[BenchQuery], clients: int, seconds: float) -> LoadResult:
    """`clients` threads, each cycling through the mix from its own offset, until the deadline."""
    paths = [search_path(q) for q in queries]
    result = LoadResult(clients, seconds)
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(offset: int) -> None:
        client = Client(port)
        latencies: list[float] = []
        statuses: Counter = Counter()
        errors: list[dict[str, object]] = []
        i = offset
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            started = time.perf_counter()
            status, body = client.get(path)
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[status] += 1
            if status != 200 and len(errors) < ERROR_EXAMPLES:
                errors.append({"path": path, "status": status, "body": body[:300].decode(errors="replace")})
            i += 1
        client.close()
        with lock:
            result.latencies_ms.extend(latencies)
            result.statuses.update(statuses)
            result.error_examples.extend(errors[: ERROR_EXAMPLES - len(result.error_examples)])

    threads = [threading.Thread(target=worker, args=(n * len(paths) // clients,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def poll_until_found(port: int, q: str, since: float, timeout: float, interval: float = 0.02) -> float | None:
    """Seconds from `since` (a perf_counter time) until a search for q has a hit; None on timeout."""
    client = Client(port)
    path = search_path(BenchQuery("probe", q))
    try:
        while time.perf_counter() - since < timeout:
            status, body = client.get(path)
            if status == 200 and (_total(body) or 0) > 0:
                return time.perf_counter() - since
            time.sleep(interval)
    finally:
        client.close()
    return None


def load_while(port: int, queries: list[BenchQuery], clients: int, seconds: float, background: Callable[[], None]) -> LoadResult:
    """concurrent_load while `background` runs on its own thread (e.g. reindexing)."""
    worker = threading.Thread(target=background, daemon=True)
    worker.start()
    result = concurrent_load(port, queries, clients, seconds)
    worker.join()
    return result
