"""The handshake between `archive serve` and `archive add` on the same data directory.

A new `archive add` process would spend seconds before indexing a single
file: loading jieba's dictionary, the place tables and the index's own
tables. A running server has all of that warm. So the server announces itself in
DATA/.archive/server.json (its loopback URL and a random token, mode 0600,
so only the data directory's owner can read it), and `archive add` asks it
to index the files it has just copied, through the ordinary
`POST /api/reindex` with that token. The server reindexes in its request
thread (an engine never forks inside a threaded server) and answers once the
new documents are searchable, so when `archive add` returns, the issue is found.

When no server answers (none running, a stale file after a crash, another
program on that port, a refusal), `archive add` indexes in its own process,
exactly as without a server. `webui.server` announces and withdraws;
`archive add` passes `reindex_by_server` to `Engine.add` as its `hand_over`.
"""
from __future__ import annotations

import http.client
import json
import os
import secrets
import time
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit

from indexer.api import FailedFile, ReindexSummary
from indexer.lifecycle.durable import write_atomically

CONNECT_SECONDS = 2.0
# The server's reindex may merge segments (seconds); a server that takes longer than this is
# treated as gone, and the CLI's own reindex then reports "already running" if it is still busy.
ANSWER_SECONDS = 600.0
BUSY_RETRIES = 20
BUSY_WAIT_SECONDS = 0.25


def server_file(data_dir: Path) -> Path:
    return Path(data_dir) / ".archive" / "server.json"


def announce(data_dir: Path, host: str, port: int) -> str:
    """Write server.json for a server listening on host:port; returns the token it must accept."""
    token = secrets.token_urlsafe(32)
    path = server_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"url": f"http://{_loopback(host)}:{port}", "token": token, "pid": os.getpid()}
    write_atomically(path, json.dumps(record).encode(), private=True)
    return token


def withdraw(data_dir: Path, token: str) -> None:
    """Remove server.json if it is still this server's (a newer server may have replaced it)."""
    path = server_file(data_dir)
    with suppress(OSError, ValueError):
        if json.loads(path.read_text(encoding="utf-8")).get("token") == token:
            path.unlink()


def reindex_by_server(data_dir: Path) -> ReindexSummary | None:
    """Ask the running server of `data_dir` to reindex; its summary, or None if no server did.

    A 409 (the server's `--watch` saw the copied file first, or another
    reindex runs) is asked again for a few seconds: that reindex may well be
    the one indexing our file, and our own would only be refused as well.
    """
    try:
        record = json.loads(server_file(data_dir).read_text(encoding="utf-8"))
        address = urlsplit(record["url"])
        for _ in range(BUSY_RETRIES):
            status, body = _post_reindex(address.hostname, address.port, record["token"])
            if status != 409:
                break
            time.sleep(BUSY_WAIT_SECONDS)
        return _summary(json.loads(body)) if status == 200 else None
    except (OSError, ValueError, KeyError, TypeError, http.client.HTTPException):
        return None


def _post_reindex(host: str | None, port: int | None, token: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=CONNECT_SECONDS)
    try:
        connection.connect()
        connection.sock.settimeout(ANSWER_SECONDS)
        connection.request("POST", "/api/reindex", headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _summary(body: dict) -> ReindexSummary:
    return ReindexSummary(
        added=body["added"], updated=body["updated"], removed=body["removed"], unchanged=body["unchanged"],
        failed=[FailedFile(f["path"], f["reason"]) for f in body["failed"]],
        articles=body["articles"], characters=body["characters"], seconds=body["seconds"],
    )


def _loopback(host: str) -> str:
    """Where a local client reaches a server bound to `host` (all interfaces: over loopback)."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host
