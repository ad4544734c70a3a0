"""Helpers for tests that need the web UI: the test archive, the real server, an HTTP session.

The test archive is the sample issues plus one hostile issue. It sits in a
subfolder, so its id contains `/`, and its text holds `<script>`, an
`<img onerror>`, a literal `<mark>` and `&amp;`, which every page and API
answer must show as text. `start_server` runs the real `archive serve`
(waitress) in a child process. The pytest fixtures built on these live in
tests/webui_plugin.py (loaded with `pytest_plugins`), so importing this
module never registers fixtures twice.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from flask import Flask

from tests.reindex_fixtures import reindex
from webui import create_app

REPO = Path(__file__).resolve().parents[1]
ADMIN_TOKEN = "test-admin-token"
HOSTILE_ISSUE_ID = "2021/05/hostile-2021-05-06"
HOSTILE_ISSUE = """\
date: 2021-05-06
page: 3
paper: 测试晚报

# 警惕<script>alert(1)</script>网页攻击

□ 记者 <b>王某某</b>

有人在留言里写下 <script>alert(1)</script> 试图攻击网站，另一段文字里出现了字面的 <mark>假高亮</mark> 标签和 &amp; 符号。民警提醒：遇到可疑链接不要点击。

# 社区反诈宣传进校园

民警在社区开展反诈宣传，提醒群众不要相信“高额回报”，遇到<img src=x onerror=alert(2)>这样的代码也只是文字。
"""


def build_archive(root: Path) -> Path:
    """Copy the sample issues and the hostile one into root/issues/ and index them for real."""
    issues = root / "issues"
    issues.mkdir(parents=True)
    for sample in sorted((REPO / "data" / "issues").glob("*.txt")):
        shutil.copy(sample, issues / sample.name)
    hostile = issues / (HOSTILE_ISSUE_ID + ".txt")
    hostile.parent.mkdir(parents=True)
    hostile.write_text(HOSTILE_ISSUE, encoding="utf-8")
    reindex(root)
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data_dir: Path, *serve_args: str) -> tuple[subprocess.Popen, str]:
    """`archive --data DIR serve [serve_args]` on a free port; returns once /api/health answers.

    The server's output goes to DIR/server.log, where a failing test's traceback can be read.
    """
    port = free_port()
    command = [str(Path(sys.executable).parent / "archive"), "--data", str(data_dir),
               "serve", "--port", str(port), *serve_args]
    log = data_dir / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, env={**os.environ, "ARCHIVE_ADMIN_TOKEN": ADMIN_TOKEN},
                                   stdout=output, stderr=subprocess.STDOUT, text=True)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"archive serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if requests.get(base_url + "/api/health", timeout=2).ok:
                return process, base_url
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("archive serve did not answer /api/health within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Http(requests.Session):
    """A requests session bound to the test server: `http.get("/api/search", params=...)`."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def request(self, method: str, url: str, *args, **kwargs) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", 30)
        return super().request(method, self.base_url + url, *args, **kwargs)


def make_app(data_dir: Path, **config: object) -> Flask:
    """An app over the test archive with extra config (other tokens, rate limits) for in-process tests."""
    return create_app({"DATA_DIR": data_dir, "ADMIN_TOKEN": ADMIN_TOKEN, "TESTING": True, **config})
