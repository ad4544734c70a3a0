"""The one settings object: built at the edge (the CLI's options, the app's config, the environment)
and handed to the engine, which passes on what each part needs.

Nothing below the edge reads an environment variable or keeps a tuning
knob of its own: an operator or a test changes a setting here, for one
engine object, instead of patching module constants.

What is a setting and what is not: resources and timing (processes, cache
and segment sizes, budgets, poll intervals, waits) are settings; what
defines results or file formats (ranking weights, snippet lengths, the
query language's limits, posting-block layout) stays a named constant next
to the code it defines, because changing it changes answers or needs a
full reindex, not just how fast or how much.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


def default_cache_dir() -> Path:
    """Where jieba keeps its dictionary cache: a per-user directory the archive owns (PITFALLS.md:
    in a shared /tmp another user's cache can block or be planted), under $XDG_CACHE_HOME."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "newspaper-archive"


@dataclass(frozen=True)
class Settings:
    """Everything an engine is configured with; defaults are what `archive` runs with."""

    # --- every engine
    data_dir: Path = Path("data")  # DATA: issue files in DATA/issues/, derived files in DATA/.archive/
    # Bearer token that enables POST /api/reindex (ARCHIVE_ADMIN_TOKEN); None: only the server's local token.
    admin_token: str | None = field(default=None, repr=False)
    # The SolrCloud collection to use instead of the local index (None: the local index).
    solr_url: str | None = None
    # Processes a build indexes with (ARCHIVE_INDEX_WORKERS, `--workers`); None: one per core when
    # there is enough text. Setting it keeps a core free for a server, or makes a test fork.
    index_workers: int | None = None
    jieba_cache_dir: Path = field(default_factory=default_cache_dir)
    watch_seconds: float = 0.5  # how often `serve --watch` looks at DATA/issues/
    # How long `archive add` waits for a running reindex to let it copy its files (a server's merge
    # after an add takes a second or two); longer, and the add is refused as "already running".
    copy_wait_seconds: float = 30.0
    # A file's remembered digest is trusted only if its timestamps were this old when it was hashed
    # (lifecycle.digests: a change within one timestamp tick would go unseen).
    settled_seconds: float = 2.0
    # Called with the name of each step a reindex reaches: "scanned", "indexing" (after each file),
    # "committing", "committed", "published". For progress logs, and for the crash tests, which
    # stop a real reindex at each step and kill it there.
    on_reindex_step: Callable[[str], None] | None = field(default=None, repr=False, compare=False)

    # --- the local engine
    recheck_seconds: float = 0.5  # how often a reader looks for a new index generation
    # Postings one search may read: max_postings, or postings_per_article times the number of articles
    # if that is more, since a common character has a posting in most articles and an archive ten times
    # larger must still answer two common words. On the 21,000-article benchmark corpus that is about
    # half a second: the commonest character has some 20,000 postings and the bench mix reads at most
    # 45,000 for one query; past the budget a query is refused as too broad (HTTP 400) instead of
    # holding a thread for seconds.
    max_postings: int = 200_000
    postings_per_article: int = 10
    max_relaxed_words: int = 6  # a relaxed search (no article has every word) looks for the rarest this many
    merge_above_segments: int = 8  # up to this many segments searching stays fast; more are merged
    # A build writes a segment once it holds this many tokens (kept in memory until then; sorting them
    # into postings takes ~80 bytes a token of the largest field at its peak). A 1x corpus worker's
    # share (about 16M) stays below it, so a full build makes one segment per worker; at 5x (about 75M
    # a worker) three each, six in all, so the first `archive add` does not push the index past
    # merge_above_segments into a merge (20M made eight, and the ninth merged).
    max_segment_tokens: int = 30_000_000
    # Off: Whoosh's own matchers score every search, several times slower, with the same results:
    # the reference the bulk scoring of posting lists is held to (tests/test_scoring.py).
    bulk_scoring: bool = True
    # Matches kept by a snapshot's result cache (12 bytes each) and by its cache of whole text rankings.
    result_cache_matches: int = 2_000_000
    text_cache_matches: int = 1_000_000
    # A retired index directory is deleted only this long after the swap: readers poll the generation
    # about twice a second, and one that read the old CURRENT must still be able to open it.
    retire_after_seconds: float = 60.0

    @property
    def engine(self) -> str:
        """Which engine these settings select: "solr" with a Solr URL, else "local"."""
        return "solr" if self.solr_url else "local"

    def reindex_step(self, name: str) -> None:
        """Tell `on_reindex_step`, if set, that a reindex has reached step `name`."""
        if self.on_reindex_step is not None:
            self.on_reindex_step(name)
