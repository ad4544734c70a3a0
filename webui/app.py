"""`create_app`: the Flask app of the web UI and JSON API, over the engine its settings select."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from indexer.factory import open_engine
from indexer.settings import Settings
from webui import api, errors, pages, research, security
from webui.formatting import groupby_month, issue_date, zh_date
from webui.urls import search_url, toggle_value, with_args, without

FACET_LABELS = {"year": "年份", "paper": "报纸", "issue": "版面", "byline": "作者", "place": "地点"}
SORT_LABELS = {"relevance": "相关度", "date": "最新在前", "-date": "最早在前"}  # the indexer's meaning of each sort


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. Config: SETTINGS (an `indexer.settings.Settings`, as `archive serve` builds it) or,
    to build one, DATA_DIR (default $ARCHIVE_DATA or ./data) and ADMIN_TOKEN (None = reindex off);
    LOCAL_TOKEN (set by `webui.server.serve` for `archive add` on the same machine, see webui.local_server),
    REINDEX_RATE_LIMIT and SEARCH_RATE_LIMIT ((calls, seconds) per client, None = unlimited).

    The app opens the engine the settings select (`app.extensions["archive"]`, an `indexer.api.Engine`)."""
    app = Flask("webui")  # named after the package: its logger is the parent of every webui module's logger
    app.config.from_mapping(
        SETTINGS=None,
        DATA_DIR=os.environ.get("ARCHIVE_DATA", "data"),
        ADMIN_TOKEN=None,
        LOCAL_TOKEN=None,
        REINDEX_RATE_LIMIT=(6, 60.0),
        SEARCH_RATE_LIMIT=None,  # off: one address may be a whole reading room behind a proxy; set it when exposed
        MAX_CONTENT_LENGTH=64 * 1024,  # no endpoint takes a body; refuse big ones early
    )
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # readable Chinese in curl output
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep CONTRACT's field order
    settings = app.config["SETTINGS"] or Settings(data_dir=Path(app.config["DATA_DIR"]),
                                                  admin_token=app.config["ADMIN_TOKEN"])
    app.config.update(SETTINGS=settings, DATA_DIR=settings.data_dir, ADMIN_TOKEN=settings.admin_token)
    app.extensions["archive"] = open_engine(settings)

    errors.init_app(app)
    security.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    research.init_app(app)
    app.jinja_env.globals.update(
        with_args=with_args, toggle_value=toggle_value, without=without, search_url=search_url,
        FACET_LABELS=FACET_LABELS, SORT_LABELS=SORT_LABELS,
    )
    app.jinja_env.filters.update(zh_date=zh_date, issue_date=issue_date, groupby_month=groupby_month)
    return app

