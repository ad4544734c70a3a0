"""Latency of the research tools (issue 14), over HTTP, against the search targets.

Each endpoint is asked once for each query of the mix (or each year and
day of the corpus for the calendar), one request at a time, on a server
that has answered no research request before: first-time figures, as the
search targets are judged. Article ids for `cite` come from an untimed
search per query (its first hit).
"""
from __future__ import annotations

import http.client
import json
import time
from typing import Any, Callable
from urllib.parse import quote, urlencode

from bench.http_load import Client, search_path
from bench.measure import latency_summary
from bench.queries import BenchQuery

Paths = Callable[[Client, list[BenchQuery]], list[str]]


def _feed_paths(client: Client, queries: list[BenchQuery]) -> list[str]:
    return ["/search.atom?" + urlencode({k: v for k, v in q.url_params().items() if k != "sort"}) for q in queries]


def _trends_paths(client: Client, queries: list[BenchQuery]) -> list[str]:
    """Each query by year and, for every other one, by month (the mix's 25 single characters included)."""
    return ["/api/trends?" + urlencode({**{k: v for k, v in q.url_params().items() if k != "sort"},
                                        "interval": "month" if n % 2 else "year"}) for n, q in enumerate(queries)]


def _kwic_paths(client: Client, queries: list[BenchQuery]) -> list[str]:
    """Each query's first page of lines, and for every fifth its fifth page."""
    paths = []
    for n, query in enumerate(queries):
        params = {k: v for k, v in query.url_params().items() if k != "sort"}
        paths.append("/api/kwic?" + urlencode(params))
        if n % 5 == 0:
            paths.append("/api/kwic?" + urlencode({**params, "page": 5}))
    return paths


def _export_paths(client: Client, queries: list[BenchQuery]) -> list[str]:
    """Every fifth query's whole export (a common character's runs to thousands of rows); timed
    to the last byte, and the time to the answer's headers reported apart (`first_byte`)."""
    return ["/api/export?" + urlencode({**q.url_params(), "format": "csv"}) for q in queries[::5]]


def _cite_paths(client: Client, queries: list[BenchQuery]) -> list[str]:
    paths = []
    for query in queries:
        status, body = client.get(search_path(query))
        results = json.loads(body)["results"] if status == 200 else []
        if results:
            paths.append("/api/articles/" + quote(results[0]["id"], safe="/") + "/cite")
    return paths


def _calendar_paths(client: Client, queries: list[BenchQuery]) -> list[str]:
    _, body = client.get("/api/calendar")
    years = [entry["year"] for entry in json.loads(body)["years"]]
    paths = ["/calendar"] + [f"/calendar/{year}" for year in years]
    for year in years[:3]:
        _, body = client.get(f"/api/calendar/{year}")
        days = [cell["url"] for month in json.loads(body)["months"] for week in month["weeks"] for cell in week
                if cell and cell["url"]]
        paths += days[:20]
    return paths


# endpoint label -> how to make its request paths from the mix
ENDPOINTS: dict[str, Paths] = {
    "trends `/api/trends?q=`": _trends_paths,
    "KWIC `/api/kwic?q=`": _kwic_paths,
    "feed `/search.atom?q=`": _feed_paths,
    "export, whole file `/api/export?q=&format=csv`": _export_paths,
    "cite `/api/articles/<id>/cite`": _cite_paths,
    "calendar `/calendar[/<year>[/<m>/<d>]]`": _calendar_paths,
}


def _first_byte_ms(port: int, path: str) -> float:
    """Milliseconds until the status line and headers of `path` arrive (the body is then drained)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        ms = (time.perf_counter() - started) * 1000
        response.read()
        return ms
    finally:
        connection.close()


def research_pass(port: int, queries: list[BenchQuery]) -> dict[str, Any]:
    """label -> latency summary (ms) and errors (any status but 200) of each endpoint."""
    client = Client(port)
    figures: dict[str, Any] = {}
    try:
        for label, make_paths in ENDPOINTS.items():
            latencies, errors = [], 0
            paths = make_paths(client, queries)
            for path in paths:
                status, _, ms = client.timed_get(path)
                latencies.append(ms)
                errors += status != 200
            figures[label] = {**latency_summary(latencies), "errors": errors}
            if make_paths is _export_paths:  # the same exports again, now timed to their first byte
                figures[label]["first_byte"] = latency_summary(_first_byte_ms(port, path) for path in paths)
    finally:
        client.close()
    return figures
