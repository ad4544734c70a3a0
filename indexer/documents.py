"""Turn an issue file and its articles into documents: the same documents for every engine.

Two kinds of document: one per article (kind="article") and one per issue
(kind="issue"), whose `sha256` is the manifest of what has been indexed
(an engine keeps it with the articles, so a commit changes both at once).

jieba runs here, once per article at index time (and in whatever worker
process the reindex uses): the words go into the `words` field as
space-separated sections, and the place names among them into `places`.
Title, subtitle, byline and body become the sections of `text_grams`
(see `indexer.text.ngrams` for why one field); `title_grams` and
`byline_grams` serve `title:` and `byline:` (the names are in
`indexer.fields`). Everything shown to a reader is one stored JSON (`data`),
so a search reads a single stored record per hit (`indexer.present.views`).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.articles import Article, dated_by_datelines, split_articles
from archive.issues import Issue, IssueReadError, read_issue
from indexer.api import FailedFile
from indexer.fields import SECTIONS, TEXT_GRAMS, WORDS, body_text
from indexer.text.ngrams import SECTION_SEP
from indexer.text.normalize import compact_text
from indexer.text.places import place_names
from indexer.text.segmenter import words

MAX_PLACES = 12  # per article: the most mentioned ones, enough for a facet


@dataclass(frozen=True)
class Indexed:
    """One issue file turned into documents (and, once an engine has them, indexed)."""

    issue_id: str
    sha256: str
    articles: int
    characters: int


Outcome = Indexed | FailedFile


def day_key(date: str) -> str:
    """YYYY-MM-DD -> YYYYMMDD: fixed width, so string order is date order (exact range filters)."""
    return date.replace("-", "")


def segmented(text: str) -> str:
    """The jieba words of `text`, space-separated, for the `words` field."""
    return " ".join(words(compact_text(text)))


def sectioned(sections: dict[str, str | None]) -> str:
    """One value for a sectioned field (`text_grams`, `words`), sections in `SECTIONS` order."""
    return SECTION_SEP.join(sections.get(name) or "" for name in SECTIONS)


def article_places(body_words: list[str]) -> list[str]:
    """Place names the article mentions, most mentioned first (filtered and counted in C, no Python step per word)."""
    names = place_names()
    counts = Counter(map(names.__getitem__, filter(names.__contains__, body_words)))
    return [place for place, _ in counts.most_common(MAX_PLACES)]


def issue_fields(issue: Issue) -> dict[str, Any]:
    """The issue fields every hit shows (the keyword arguments of api.IssueRef)."""
    return {"id": issue.id, "date": issue.date, "page": issue.page, "paper": issue.paper,
            "date_source": issue.date_source, "year": issue.year}


def issue_record(issue: Issue, article_count: int) -> dict[str, Any]:
    return {**issue_fields(issue), "source": issue.id + issue.path.suffix, "articles": article_count}


def article_document(issue: Issue, article: Article) -> dict[str, Any]:
    body = body_text(article.dateline, article.paragraphs, article.captions)
    body_words = words(compact_text(body))
    places = article_places(body_words)
    data = {
        "title": article.title,
        "title_source": article.title_source,
        "subtitle": article.subtitle,
        "byline": article.byline,
        "authors": list(article.authors),
        "paragraphs": list(article.paragraphs),
        "headings": list(article.headings),
        "captions": list(article.captions),
        "dateline": article.dateline,
        "dateline_place": article.dateline_place,
        "dateline_date": article.dateline_date,
        "article_kind": article.kind,
        "places": places,
        "issue": issue_fields(issue),
    }
    doc: dict[str, Any] = {
        "id": article.id,
        "kind": "article",
        "issue_id": issue.id,
        "number": article.number,
        "data": json.dumps(data, ensure_ascii=False),
        TEXT_GRAMS: sectioned({"title": article.title, "subtitle": article.subtitle, "byline": article.byline,
                               "body": body}),
        WORDS: sectioned({"title": segmented(article.title), "subtitle": segmented(article.subtitle or ""),
                          "body": " ".join(body_words)}),
        "title_grams": f"{article.title}{SECTION_SEP}{article.subtitle or ''}",
    }
    if article.byline:
        doc["byline_grams"] = article.byline
    if issue.date:
        doc["day"] = day_key(issue.date)
    if issue.year:
        doc["year"] = str(issue.year)
    if issue.paper:
        doc["paper"] = issue.paper
    if article.authors:
        doc["authors"] = ",".join(a.replace(",", " ") for a in article.authors)
    if places:
        doc["places"] = ",".join(places)
    return doc


def issue_documents(issue: Issue, articles: list[Article]) -> list[dict[str, Any]]:
    """The documents one issue file contributes: its issue record, then its articles.

    The record counts the issue's articles; a photo standing alone (kind
    "caption") is a document of its own, searchable, but not one of them.
    """
    issue_doc = {
        "id": "issue:" + issue.id,
        "kind": "issue",
        "issue_id": issue.id,
        "sha256": issue.sha256,
        "number": 0,
        "data": json.dumps(issue_record(issue, sum(1 for a in articles if a.kind != "caption")), ensure_ascii=False),
    }
    if issue.date:
        issue_doc["day"] = day_key(issue.date)
    return [issue_doc] + [article_document(issue, a) for a in articles]


def file_documents(path: Path, data_dir: Path) -> tuple[Indexed, list[dict[str, Any]]] | FailedFile:
    """An issue file's documents, all or nothing: a file that cannot be read gives none.

    Everything that can fail on a strange file happens here, before an
    engine adds the first document, so a failure never leaves half an issue
    in the index. Any error in splitting counts as this file's failure, so
    one odd page cannot stop the rest of the archive from being indexed.
    """
    shown = path.relative_to(data_dir).as_posix()
    issues_dir = data_dir / "issues"
    try:
        issue = read_issue(path, issues_dir)
    except IssueReadError as exc:
        return FailedFile(shown, exc.reason)
    try:
        articles = split_articles(issue)
        issue = dated_by_datelines(issue, articles)  # a page that says only its year: its datelines give the day
        documents = issue_documents(issue, articles)
    except Exception as exc:  # noqa: BLE001 - reported per file, see docstring
        return FailedFile(shown, f"could not split into articles ({type(exc).__name__}: {exc})")
    return Indexed(issue.id, issue.sha256, len(articles), len(issue.text)), documents
