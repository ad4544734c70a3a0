"""Serve an app with waitress: one process, a pool of threads, production-grade HTTP.

One process matters: the index searcher and jieba's dictionary (~95 MB)
are loaded once and shared by every thread.

waitress answers some requests itself, before the app sees them: a
malformed request line or header (400), headers too large (431), a body
over `max_request_body_size` (413), and a 500 if the app itself crashes.
Its `ErrorTask` sends those with only Content-Type; our channel swaps in an
error task that adds `SECURITY_HEADERS`, so no response leaves this server
without them.

Once listening, the server announces its address and a fresh token in
DATA/.archive/server.json, so `archive add` can hand it the indexing
(webui.local_server), and removes the file when it stops.
"""
from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask

from indexer.api import Engine
from webui.local_server import announce, withdraw
from webui.security import SECURITY_HEADERS

log = logging.getLogger(__name__)


class _SecureErrorTask(ErrorTask):
    """waitress's own error responses, with the headers every app response carries."""

    def execute(self) -> None:
        self.response_headers.extend(SECURITY_HEADERS.items())
        super().execute()


class _SecureChannel(HTTPChannel):
    error_task_class = _SecureErrorTask


def serve(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> None:
    """Block serving `app` until interrupted, then release the index."""
    archive: Engine = app.extensions["archive"]
    archive.prepare_to_serve()
    logging.basicConfig()  # waitress and webui.errors log to stderr, as waitress.serve() would set up
    sockets: dict = {}
    # waitress would otherwise buffer up to 1 GB of a request body (to disk) before the app can refuse it.
    # poll(), not select(): select() fails outright once a descriptor number passes 1023 (many clients).
    server = create_server(app, map=sockets, host=host, port=port, threads=threads, ident="archive",
                           clear_untrusted_proxy_headers=True, asyncore_use_poll=True,
                           max_request_body_size=app.config["MAX_CONTENT_LENGTH"])
    listeners = [listener for listener in sockets.values() if isinstance(listener, BaseWSGIServer)]
    for listener in listeners:
        listener.channel_class = _SecureChannel
    if threading.current_thread() is threading.main_thread():
        # SIGTERM (service managers, the tests) ends the loop like Ctrl-C, so the finally below runs.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    data_dir = Path(app.config["DATA_DIR"])
    app.config["LOCAL_TOKEN"] = announce(data_dir, listeners[0].effective_host, listeners[0].effective_port)
    threading.Thread(target=_warm_up_listening, args=(archive,), name="warm-up", daemon=True).start()
    try:
        server.print_listen("Serving on http://{}:{}")
        server.run()
    finally:
        withdraw(data_dir, app.config["LOCAL_TOKEN"])
        app.extensions["archive"].close()


def _warm_up_listening(archive: Engine) -> None:
    """The rest of the warm-up, once the server listens (`Engine.warm_up`); what every search needs
    was done before listening (`Engine.prepare_to_serve`)."""
    try:
        archive.warm_up()
    except Exception:  # noqa: BLE001 - the requests that need these report their own errors
        log.exception("warm-up failed; requests will load what they need themselves")
