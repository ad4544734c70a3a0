"""Fixtures for the web UI and API tests: the test archive, the real server, clients.

Test modules load this file as a plugin (`pytest_plugins =
["tests.webui_fixtures"]`), so the archive is indexed once and the real
`archive serve` (waitress, in a child process) started once per session,
however many modules use them.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from tests.webui_archive import ADMIN_TOKEN, build_archive
from webui import create_app


@pytest.fixture(scope="session")
def webui_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The indexed test archive, built once per session."""
    return build_archive(tmp_path_factory.mktemp("webui-archive"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data_dir: Path, *serve_args: str) -> tuple[subprocess.Popen, str]:
    """`archive --data DIR serve [serve_args]` on a free port; returns once /api/health answers.

    The server's output goes to DIR/server.log, where a failing test's traceback can be read.
    """
    port = free_port()
    command = [str(Path(sys.executable).parent / "archive"), "--data", str(data_dir), "serve", "--port", str(port), *serve_args]
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


@pytest.fixture(scope="session")
def server_url(webui_archive: Path) -> Iterator[str]:
    """Base URL of the real server over the test archive, started once per session."""
    process, base_url = start_server(webui_archive)
    yield base_url
    stop_server(process)


@pytest.fixture
def http(server_url: str) -> Iterator["Http"]:
    with Http(server_url) as session:
        yield session


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


@pytest.fixture
def client_with(webui_archive: Path) -> Iterator:
    """`client_with(ADMIN_TOKEN=None)` → a Flask test client of an app with that config."""
    apps: list[Flask] = []

    def build(**config: object) -> FlaskClient:
        apps.append(make_app(webui_archive, **config))
        return apps[-1].test_client()

    yield build
    for app in apps:
        app.extensions["archive"].close()


@pytest.fixture(scope="session")
def in_process(webui_archive: Path) -> Iterator[FlaskClient]:
    """The same app in this process: fast enough to throw hundreds of generated requests at."""
    app = make_app(webui_archive)
    yield app.test_client()
    app.extensions["archive"].close()
