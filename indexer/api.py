"""Plain records that leave the indexer: what webui and the CLI render.

No Whoosh object ever leaves `indexer`; these dataclasses are the seam.
`dataclasses.asdict()` of each gives the JSON shapes of CONTRACT.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field

SORTS = ("relevance", "date", "-date")
FACETS = ("year", "paper", "issue", "byline", "place")


class QueryError(ValueError):
    """A query the user must fix; the message says what was wrong (HTTP 400, CLI exit 2)."""


class IndexUnavailable(RuntimeError):
    """The index files are missing or damaged; the message says how to rebuild them (HTTP 503)."""


class ReindexBusy(RuntimeError):
    """Another reindex holds the lock (HTTP 409, CLI exit 1)."""


@dataclass(frozen=True)
class IssueRef:
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


@dataclass(frozen=True)
class Hit:
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
    value: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class SearchResults:
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
    id: str
    title: str


@dataclass(frozen=True)
class ArticleView:
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


@dataclass(frozen=True)
class IssueSummary:
    id: str
    date: str | None
    date_source: str | None
    page: int | None
    paper: str | None
    articles: int
    year: int | None = None


@dataclass(frozen=True)
class IssueView:
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
    total: int
    page: int
    per_page: int
    issues: list[IssueSummary]


@dataclass(frozen=True)
class FailedFile:
    path: str
    reason: str


@dataclass(frozen=True)
class IndexStats:
    issues: int
    articles: int
    date_min: str | None
    date_max: str | None
    failed: list[FailedFile]
    generation: str | None  # changes whenever the served index changes
    index_bytes: int


@dataclass(frozen=True)
class ReindexSummary:
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
