"""Pytest fixtures for the web UI and API tests, loaded with `pytest_plugins = ["tests.webui_plugin"]`.

As a plugin they are registered once per session, whichever modules use
them: the archive is indexed once and the real server started once.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.webui_fixtures import Http, build_archive, make_app, start_server, stop_server


@pytest.fixture(scope="session")
def webui_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The indexed test archive, built once per session."""
    return build_archive(tmp_path_factory.mktemp("webui-archive"))


@pytest.fixture(scope="session")
def server_url(webui_archive: Path) -> Iterator[str]:
    """Base URL of the real server over the test archive, started once per session."""
    process, base_url = start_server(webui_archive)
    yield base_url
    stop_server(process)


@pytest.fixture
def http(server_url: str) -> Iterator[Http]:
    with Http(server_url) as session:
        yield session


@pytest.fixture
def client_with(webui_archive: Path) -> Iterator[Callable[..., FlaskClient]]:
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
