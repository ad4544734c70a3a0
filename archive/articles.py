"""Split a page's repaired text into articles (title, subtitle, byline, body)."""
from __future__ import annotations

from dataclasses import dataclass, field

from archive.issues import Issue


@dataclass(frozen=True)
class Article:
    """One article of a page, in page order.

    `id` is f"{issue_id}/{number}" and stays stable while the issue file is
    unchanged. `title_source` says how the title was found: "heading"
    (markdown), "line" (a short plain line), "after" (printed after its
    article) or "first_sentence" (no reliable title: the first sentence
    stands in). `kind` is "article" or "caption" (a photo caption).
    Paragraphs are display text; a section heading inside an article is a
    paragraph of its own and listed again in `headings`.
    """

    id: str
    issue_id: str
    number: int
    title: str
    title_source: str
    subtitle: str | None
    byline: str | None
    authors: tuple[str, ...]
    paragraphs: tuple[str, ...]
    headings: tuple[str, ...] = field(default=())
    kind: str = "article"

    @property
    def body(self) -> str:
        """The article's paragraphs joined by newlines: what search indexes as the body."""
        return "\n".join(self.paragraphs)


def split_articles(issue: Issue) -> list[Article]:
    """The articles of one page, in page order."""
    raise NotImplementedError
