"""Serve an app with waitress: one process, a pool of threads, production-grade HTTP.

One process matters: the index searcher and jieba's dictionary (~95 MB)
are loaded once and shared by every thread.

waitress answers some requests itself, before the app sees them: a
malformed request line or header (400), headers too large (431), a body
over `max_request_body_size` (413), and a 500 if the app itself crashes.
Its `ErrorTask` sends those with only Content-Type; our channel swaps in an
error task that adds `SECURITY_HEADERS`, so no response leaves this server
without them.
"""
from __future__ import annotations

import logging

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask

from indexer.results import SearchRequest
from webui.security import SECURITY_HEADERS


class _SecureErrorTask(ErrorTask):
    """waitress's own error responses, with the headers every app response carries."""

    def execute(self) -> None:
        self.response_headers.extend(SECURITY_HEADERS.items())
        super().execute()


class _SecureChannel(HTTPChannel):
    error_task_class = _SecureErrorTask


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Block serving `app` until interrupted, then release the index."""
    warm_up(app)
    logging.basicConfig()  # waitress and webui.errors log to stderr, as waitress.serve() would set up
    sockets: dict = {}
    # waitress would otherwise buffer up to 1 GB of a request body (to disk) before the app can refuse it.
    server = create_server(app, map=sockets, host=host, port=port, threads=threads, ident="archive",
                           clear_untrusted_proxy_headers=True,
                           max_request_body_size=app.config["MAX_CONTENT_LENGTH"])
    for listener in sockets.values():
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = _SecureChannel
    try:
        server.print_listen("Serving on http://{}:{}")
        server.run()
    finally:
        app.extensions["archive"].close()


def warm_up(app: Flask) -> None:
    """Load the dictionary and index tables and answer one search before listening,
    so the first reader does not wait for them."""
    archive = app.extensions["archive"]
    archive.warm_up()
    archive.search(SearchRequest(q="报纸 新闻"))
