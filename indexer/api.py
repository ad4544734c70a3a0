"""The seam between the engines and everything above them: the `Engine` Protocol and its records.

`webui` and `archive.cli` get an engine from `indexer.factory.open_engine`
and call only the methods below; they never learn which engine answers.
Every engine (the local Whoosh index, a SolrCloud collection) implements
all of it and returns these plain records: no engine object (a Whoosh
searcher, a Solr response) ever leaves `indexer`, and
`dataclasses.asdict()` of each record gives the JSON shapes of CONTRACT.md.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

SORTS = ("relevance", "date", "-date")
FACETS = ("year", "paper", "issue", "byline", "place")
MAX_PER_PAGE = 100  # results a search request may ask for at once


class QueryError(ValueError):
    """A query the user must fix; the message says what was wrong (HTTP 400, CLI exit 2)."""


class IndexUnavailable(RuntimeError):
    """The index files are missing or damaged; the message says how to rebuild them (HTTP 503)."""


class ReindexBusy(RuntimeError):
    """Another reindex holds the lock (HTTP 409, CLI exit 1)."""


class AddRefused(ValueError):
    """`Engine.add` will not copy these files; the message says which and why (CLI exit 1)."""


@dataclass(frozen=True)
class FailedFile:
    """An issue file a reindex could not take (its path under DATA/), and why."""

    path: str
    reason: str


Progress = Callable[[int, int, int], None]  # (files_done, files_total, characters_done)


@dataclass(frozen=True)
class IssueRef:
    """The issue (one newspaper page) a hit or an article belongs to."""

    id: str
    date: str | None
    page: int | None
    paper: str | None
    date_source: str | None = None
    year: int | None = None  # known even when the day is not (a year found in the text)


@dataclass(frozen=True)
class SearchRequest:
    """Everything a search can be asked; validated by the caller's layer for ranges."""

    q: str
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    date_from: str | None = None  # YYYY-MM-DD, inclusive
    date_to: str | None = None  # YYYY-MM-DD, inclusive
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet name -> values (AND)


INTERVALS = ("year", "month")  # the periods a term over time is counted by: `YYYY` or `YYYY-MM`


@dataclass(frozen=True)
class PeriodCounts:
    """A query's matches per period (`Engine.period_counts`), for a term over time.

    `matches[p]` is what `search` gives as `total` for the same request
    limited to period p (`from`/`to` its first and last day); `articles[p]`
    counts every dated article of period p, whatever the query; `undated`
    the matches without a day. Periods without articles are absent.
    """

    matches: dict[str, int]
    articles: dict[str, int]
    undated: int


@dataclass(frozen=True)
class Occurrences:
    """Where a query's texts occur (`Engine.occurrences`), for every occurrence in context (KWIC).

    `needles`: the compact texts counted, each with the field it is looked for in (None: title,
    subtitle, byline and body; "title": title and subtitle; "byline"). Occurrences are numbered
    0 … `total`-1 through the matches newest first (undated last), each place a needle starts
    counting once (overlapping places each count). `articles`: the articles holding occurrences
    `first` onwards (the one holding the first asked for, then the next ones), each with how
    many it holds, in that order; neighbours not filled.
    """

    needles: list[tuple[str, str | None]]
    total: int
    first: int
    articles: list[tuple[ArticleView, int]]


@dataclass(frozen=True)
class Hit:
    """One result line: `number` is the article's place in its issue."""

    id: str
    title: str
    byline: str | None
    issue: IssueRef
    snippet: str  # escaped HTML with <mark>
    score: float
    subtitle: str | None = None
    number: int = 0


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet, with how many of the matches have it; `selected` if it filters them."""

    value: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class SearchResults:
    """A page of results; `total` and the facet counts cover every match, not just the page."""

    query: str
    total: int
    page: int
    per_page: int
    results: list[Hit]
    facets: dict[str, list[FacetValue]]
    took_ms: int
    sort: str = "relevance"
    # True when no article has all the words and the results have only some
    # of them (ranked by how many and how rare); the UI says so.
    relaxed: bool = False


@dataclass(frozen=True)
class ArticleLink:
    """An article as a link: its id and title (an issue's articles, an article's neighbours)."""

    id: str
    title: str


@dataclass(frozen=True)
class OriginalText:
    """An article's text as the OCR read it, before editors' corrections."""

    title: str
    subtitle: str | None
    byline: str | None
    paragraphs: list[str]
    dateline: str | None = None  # absent from indexes built before datelines and captions were correctable
    captions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PendingCorrection:
    """A correction its issue file's new scan could not take (its `before` text is gone): for an editor to review."""

    id: int
    field: str  # title | subtitle | byline | paragraph
    paragraph: int | None
    before: str
    after: str
    editor: str
    at: str


@dataclass(frozen=True)
class ArticleView:
    """An article to read: `paragraphs` as printed (with editors' corrections), `headings` (those of
    them that are headings). `version` counts the article's corrections (1: never corrected); a
    corrected article also has its OCR `original`.

    `kind` is "article" or "caption" (a photo standing alone, not listed
    among its issue's articles).
    """

    id: str
    title: str
    title_source: str
    subtitle: str | None
    byline: str | None
    authors: list[str]
    issue: IssueRef
    number: int
    kind: str
    paragraphs: list[str]
    headings: list[str]
    places: list[str]
    previous: ArticleLink | None
    next: ArticleLink | None
    highlighted: list[str] | None = None  # paragraphs as escaped HTML with <mark>, when asked with q
    highlighted_captions: list[str] | None = None  # captions likewise, when asked with q
    highlighted_dateline: str | None = None  # the dateline likewise, when asked with q and it has one
    version: int = 1
    corrected: bool = False
    original: OriginalText | None = None  # only when corrected
    review: list[PendingCorrection] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)  # photo captions printed with it, each with its credit
    dateline: str | None = None  # `新华社北京１２月３１日电`, taken off the first paragraph
    dateline_place: str | None = None
    dateline_date: str | None = None  # YYYY-MM-DD, the day the dateline names


@dataclass(frozen=True)
class IssueSummary:
    """A line of the issue listing."""

    id: str
    date: str | None
    date_source: str | None
    page: int | None
    paper: str | None
    articles: int
    year: int | None = None


@dataclass(frozen=True)
class IssueView:
    """An issue with its articles in page order."""

    id: str
    date: str | None
    date_source: str | None
    page: int | None
    paper: str | None
    articles: list[ArticleLink]
    text: str  # the original OCR text, as received (decoded)
    year: int | None = None


@dataclass(frozen=True)
class IssuePage:
    """A page of the issue listing."""

    total: int
    page: int
    per_page: int
    issues: list[IssueSummary]


@dataclass(frozen=True)
class IndexStats:
    """What the served index holds."""

    issues: int
    articles: int
    date_min: str | None
    date_max: str | None
    failed: list[FailedFile]
    generation: str | None  # changes whenever the served index changes
    index_bytes: int


@dataclass(frozen=True)
class ReindexSummary:
    """What a reindex (or add) changed, and how fast it indexed."""

    added: int
    updated: int
    removed: int
    unchanged: int
    failed: list[FailedFile]
    articles: int
    characters: int
    seconds: float

    @property
    def chars_per_second(self) -> float:
        return self.characters / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Health:
    """Which engine answers, and what it can say about its own state (for `GET /api/health`)."""

    engine: str  # "local" | "solr"
    details: dict[str, Any] = field(default_factory=dict)  # JSON-ready, engine-specific (Solr: live nodes, replicas)


class Watching(Protocol):
    """A running `Engine.watch`."""

    def stop(self, timeout: float | None = None) -> None:
        """Stop watching; wait at most `timeout` seconds for the watcher to finish (None: until it has)."""


class Engine(Protocol):
    """One archive: DATA/issues/ (the source of truth, always local files) and an index of it.

    Thread-safe: a server calls every method from many request threads at
    once. Errors a caller must handle: `QueryError` (the user's query or
    request: HTTP 400, CLI exit 2), `IndexUnavailable` (the index cannot be
    read or reached: 503, exit 1), `ReindexBusy` (409, exit 1), `AddRefused`
    (exit 1), and `OSError` from a reindex or add (a full disk: 503, exit 1;
    the previous index keeps serving).
    """

    name: str  # "local" or "solr": the `engine` of Health

    def search(self, request: SearchRequest) -> SearchResults:
        """Ranked (or date-sorted), paginated, faceted results with snippets, from the one query
        language (`indexer.query.validate` checks the request); facet counts cover every match.
        When no article has all the words of an AND, the articles with some of them, `relaxed`.
        A request past what one search may read raises QueryError (too broad). No index yet:
        an empty result."""
        ...

    def period_counts(self, request: SearchRequest, interval: str) -> PeriodCounts:
        """How many articles match `request` (its query, filters and dates; page and sort ignored)
        in each year or month (`interval` of INTERVALS), counted in the index (a facet over the
        day of every match: never by reading articles), with the query unrelaxed: a period where
        no article has all the words counts 0. QueryError as for `search`."""
        ...

    def matching_articles(self, request: SearchRequest) -> Iterator[ArticleView]:
        """Every article matching `request` (query, filters, dates, sort; page ignored), in the
        order its pages list them, for exports: however many match, memory holds the match list and
        a small batch of articles (without neighbours: `previous`/`next` None). The matches are
        found when this is called (QueryError then); the articles are read as the iterator is
        consumed, all from the index as it was when called."""
        ...

    def occurrences(self, request: SearchRequest, start: int, count: int) -> Occurrences:
        """The occurrences of the positive texts of `request`'s query in its matches (filters and
        dates hold; unrelaxed), counted in the index (positions) without reading articles, and
        the articles that hold occurrences `start` … `start + count - 1` (read only those).
        QueryError as for `search`."""
        ...

    def article(self, article_id: str, q: str | None = None) -> ArticleView | None:
        """One article with its neighbours in its issue (None if unknown); with `q`, `highlighted`
        marks the query's matches in the paragraphs (QueryError for a bad `q`)."""
        ...

    def issues(self, page: int = 1, per_page: int = 50) -> IssuePage:
        """Issues newest first (pages of one day in order), undated last."""
        ...

    def issue(self, issue_id: str) -> IssueView | None:
        """One issue (None if unknown): its articles in page order and the issue file's original
        text, read from DATA/issues/ as received (empty if the file has gone since)."""
        ...

    def stats(self) -> IndexStats:
        """Counts and date range of what is served, the files the last reindex could not read, a
        `generation` that changes whenever the served index does (None: no index yet), and the
        index's size in bytes. Cheap enough for a health check polled by monitors."""
        ...

    def health(self) -> Health:
        """The engine's name and its own state; IndexUnavailable if it cannot answer at all."""
        ...

    def reindex(self, full: bool = False, progress: Progress | None = None) -> ReindexSummary:
        """Bring the index in line with DATA/issues/: index new and changed files (by sha256),
        drop removed ones, leave unchanged ones (and their article ids) alone; with `full`,
        rebuild everything into a fresh index swapped in whole. Readers see the old index or
        the new one, never half of each, even if this is killed; when it returns, the new
        documents are searchable through this engine. One reindex at a time per archive:
        ReindexBusy at once if another runs. `progress` is called as files finish."""
        ...

    def add(self, files: Sequence[Path], replace: bool = False, progress: Progress | None = None,
            hand_over: Callable[[], ReindexSummary | None] | None = None) -> ReindexSummary:
        """Copy `files` into DATA/issues/ and index them (with any other pending change).

        Refuses (AddRefused, before copying anything) a file that is not .txt
        or .md, or whose name is taken in DATA/issues/ by a different file,
        unless `replace`. `hand_over`, if given, is asked first to have the
        copied files indexed elsewhere (a running server of the same archive,
        webui.local_server); its summary is returned, and only if it returns
        None does this engine reindex itself."""
        ...

    def watch(self, on_change: Callable[[ReindexSummary], None] | None = None) -> Watching:
        """Reindex in the background whenever files appear in, change in or vanish from
        DATA/issues/ (once a change has settled); `on_change` gets the summary of each reindex
        that changed the index. For `archive serve --watch`."""
        ...

    def prepare_to_serve(self) -> None:
        """This engine is about to serve requests: do what every search needs before the server
        listens (the local engine builds its index tables), and from now on pick up new index
        generations off the request path."""
        ...

    def warm_up(self) -> None:
        """Do now, in the background once a server listens, what the first requests would otherwise
        wait for: jieba's dictionary, one search through every code path, the indexing machinery
        a first `archive add` needs. Results are unchanged by it."""
        ...

    def close(self) -> None:
        """Release the index (open files, connections); the engine may be used again, and reopens."""
        ...
