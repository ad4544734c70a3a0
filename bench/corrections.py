"""Seconds from an editor's save until search finds the correction, on a running server (issue 15: within 2 s).

An editor and an API token are made with the real `archive editor`
commands. Each run saves, through `POST /api/articles/<id>/corrections`,
a subtitle holding a string found nowhere in the corpus, on a different
article each time (so each run makes a different issue changed), then
polls `/api/search` for it. The clock starts before the POST and stops at
the first search that finds it: the save's own wait for the reindex
(webui.index_updates) counts, as it does for the editor. Saves come
`PAUSE_SECONDS` apart, as an editor's do (the form takes a preview before
each save), so the server's merges of small segments fall between and
under them as they would in use.
"""
from __future__ import annotations

import http.client
import json
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.http_load import Client, poll_until_found
from bench.server import archive_command

EDITOR = "bench-editor"
PASSWORD = "bench-editor-password"
MARKER = "校对计时样本"  # + a run number: a string no corpus page holds
PAUSE_SECONDS = 2.0


def _archive(data_dir: Path, *args: str, stdin: str = "") -> str:
    done = subprocess.run([*archive_command(), "--data", str(data_dir), *args], input=stdin,
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip()


def _articles(client: Client, count: int) -> list[str]:
    """Ids of the first article of the `count` newest issues."""
    status, body = client.get(f"/api/issues?per_page={count}")
    issues = json.loads(body)["issues"] if status == 200 else []
    found = []
    for issue in issues:
        status, body = client.get("/api/issues/" + quote(issue["id"], safe="/"))
        if status == 200 and json.loads(body)["articles"]:
            found.append(json.loads(body)["articles"][0]["id"])
    return found


def _save(port: int, token: str, article_id: str, subtitle: str) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        path = "/api/articles/" + quote(article_id, safe="/") + "/corrections"
        conn.request("GET", path)
        version = json.loads(conn.getresponse().read())["version"]
        body = json.dumps({"version": version, "changes": [{"field": "subtitle", "text": subtitle}]})
        conn.request("POST", path, body=body.encode(), headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def correction_freshness(port: int, data_dir: Path, runs: int) -> dict[str, Any]:
    """`runs` saves, one after another: seconds until each was found, and what each save answered."""
    _archive(data_dir, "editor", "add", EDITOR, "--password-stdin", stdin=PASSWORD + "\n")
    token = _archive(data_dir, "editor", "token", EDITOR)
    client = Client(port)
    try:
        articles = _articles(client, runs)
    finally:
        client.close()
    figures: dict[str, Any] = {"runs": [], "save_seconds": [], "searchable_when_answered": [], "errors": []}
    for n, article_id in enumerate(articles):
        time.sleep(PAUSE_SECONDS)
        marker = f"{MARKER}{n:03d}"
        since = time.perf_counter()
        status, answer = _save(port, token, article_id, marker)
        figures["save_seconds"].append(time.perf_counter() - since)
        if status != 201:
            figures["errors"].append({"article": article_id, "status": status, "body": answer})
            continue
        figures["searchable_when_answered"].append(answer.get("searchable"))
        figures["runs"].append(poll_until_found(port, f'"{marker}"', since, timeout=60))
    return figures
