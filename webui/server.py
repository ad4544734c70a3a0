"""Serve an app with waitress: one process, a pool of threads, production-grade HTTP.

One process matters: the index searcher and jieba's dictionary (~95 MB)
are loaded once and shared by every thread.
"""
from __future__ import annotations

from flask import Flask
from waitress import serve as waitress_serve

from indexer.results import SearchRequest


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Block serving `app` until interrupted, then release the index."""
    warm_up(app)
    try:
        # waitress would otherwise buffer up to 1 GB of a request body (to disk) before the app can refuse it.
        waitress_serve(app, host=host, port=port, threads=threads, ident="archive",
                       clear_untrusted_proxy_headers=True, max_request_body_size=app.config["MAX_CONTENT_LENGTH"])
    finally:
        app.extensions["archive"].close()


def warm_up(app: Flask) -> None:
    """Load the dictionary and index tables and answer one search before listening,
    so the first reader does not wait for them."""
    archive = app.extensions["archive"]
    archive.warm_up()
    archive.search(SearchRequest(q="报纸 新闻"))
