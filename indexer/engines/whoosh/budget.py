"""What one search may read: a budget of postings, so a legal but huge query is refused, not run.

A legal query of thirty common characters ORed would otherwise read half a
million postings and hold a server thread for seconds; past the budget it is
refused with a message saying why (TooBroad, a QueryError: HTTP 400).
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from indexer.api import QueryError

# Postings the current search may still read (None: unbounded); one per thread, see `work_budget`.
_budget: ContextVar[list[int] | None] = ContextVar("postings_budget", default=None)


class TooBroad(QueryError):
    """The query needs more of the index than one search may read."""


@contextmanager
def work_budget(postings: int | None) -> Iterator[None]:
    """Within the block, reading more than `postings` postings raises TooBroad (None: no limit).

    A context variable rather than a parameter: every reader of postings
    below a search (terms, phrases, filters, re-scoring) spends from one
    budget without each signature carrying it. The per-snapshot tables
    (facets) are built with no limit: they serve every search, and must not
    be charged to, or refused for, the one that happens to come first.
    """
    token = _budget.set(None if postings is None else [postings])
    try:
        yield
    finally:
        _budget.reset(token)


def affordable(count: int) -> None:
    """Raise TooBroad now if reading `count` more postings would exceed the budget (refuse early)."""
    left = _budget.get()
    if left is not None and count > left[0]:
        _refuse()


def spend(count: int) -> None:
    left = _budget.get()
    if left is None:
        return
    left[0] -= count
    if left[0] < 0:
        _refuse()


def _refuse() -> None:
    raise TooBroad("这个查询太宽泛，一次检索读不完：请减少用 OR 连接或排除的常见字词，"
                       "或者换用更具体的词语（例如两三个字的词而不是单字）")
