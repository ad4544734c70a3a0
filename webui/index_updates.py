"""Corrections made searchable: the engine reindexed in the background after each save or revert.

A save commits to the corrections database and changes its issue's stamp,
so `Engine.reindex()` (incremental, through the Protocol: any engine)
finds exactly that issue changed (indexer.lifecycle.scan) and indexes it
alone. One thread per app runs these reindexes: saves in a burst share
one reindex instead of queueing for the lock, and a reindex someone else
holds (`archive reindex`, `archive add`, `serve --watch`) is waited out,
ReindexBusy retried every `RETRY_SECONDS` until this one gets through.

A request waits for its reindex (one that began after its save committed)
up to CORRECTION_INDEX_WAIT seconds, so the page it redirects to and a
search right after it show the correction; past that it answers anyway
(`searchable: false`) and the reindex still happens. A reindex that fails
(a full disk) is logged; the correction stays saved, and the next reindex
of any kind indexes it, since its issue's stamp still differs.
"""
from __future__ import annotations

import logging
import threading
import time

from flask import current_app

from indexer.api import Engine, ReindexBusy

log = logging.getLogger(__name__)

RETRY_SECONDS = 0.2  # while another reindex holds the lock


class IndexUpdates:
    """Reindexes `engine` in a background thread whenever asked; each request gets a ticket to wait on."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._changed = threading.Condition()
        self._asked = 0  # tickets handed out
        self._done = 0  # every ticket up to this one has had its reindex (or its failure)
        self._indexed = 0  # every ticket up to this one is searchable
        self._thread: threading.Thread | None = None

    def request(self) -> int:
        """Ask for a reindex that begins after now; the ticket to `wait` for it with."""
        with self._changed:
            self._asked += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="archive-correction-reindex", daemon=True)
                self._thread.start()
            return self._asked

    def wait(self, ticket: int, timeout: float) -> bool:
        """Whether what was saved before `ticket` was asked for is searchable, waiting at most `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self._done >= ticket, timeout)
            return self._indexed >= ticket

    def _run(self) -> None:
        """Reindex while tickets are waiting; the thread ends when none are (the next request starts another)."""
        while True:
            with self._changed:
                if self._done >= self._asked:
                    self._thread = None
                    return
                covered = self._asked  # the scan of the reindex below reads every save made before these
            indexed = self._reindex()
            with self._changed:
                self._done = covered
                if indexed:
                    self._indexed = covered
                self._changed.notify_all()

    def _reindex(self) -> bool:
        while True:
            try:
                self._engine.reindex()
                return True
            except ReindexBusy:
                time.sleep(RETRY_SECONDS)
            except Exception:  # noqa: BLE001 - logged; the correction is saved and indexed by the next reindex
                log.exception("reindexing after a correction failed; it is saved and the next reindex indexes it")
                return False


def made_searchable() -> bool:
    """Reindex after a save or revert of this request and wait (CORRECTION_INDEX_WAIT) until it is searchable."""
    updates: IndexUpdates = current_app.extensions["index_updates"]
    return updates.wait(updates.request(), current_app.config["CORRECTION_INDEX_WAIT"])
