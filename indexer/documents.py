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

Corrections by editors (archive.corrections) are applied here, so every
engine indexes and shows the corrected text: title, byline, authors (the
byline facet), places and body are the corrected ones. What the corrections
replaced stays searchable as the `original` section (never shown): the
changed runs of the OCR text with `ORIGINAL_CONTEXT` characters around
each, so a search for the misread form still finds the article, while
the unchanged text is not counted twice. Its `words` section starts with
`fields.CORRECTED_MARK`, by which an engine knows which articles have one. `data` carries the article's
correction `version`, and for a corrected article its whole `original`
text (the article page and API show it) and the corrections that need an
editor's review. The issue record's digest names the corrections it was
built with (`manifest_digest`), so a save makes exactly its issue "changed"
for the next reindex of any engine (lifecycle.scan).

The digest also names the version of the documents (`documents_version`:
`DOCUMENTS_VERSION`, the splitter's `archive.split_version` and the field
dictionary's digest), so an index
built by another version re-splits and re-indexes the issues that version
built (all of them, once) on the next incremental reindex, while the issues
this version built stay unchanged.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.articles import Article, dated_by_datelines, split_articles
from archive.split_version import split_version
from archive.corrections.diff import changed_passages
from archive.corrections.service import CorrectedArticle, CorrectedIssue, Corrections
from archive.corrections.text import ArticleText
from archive.issues import Issue, IssueReadError, read_issue
from indexer.api import FailedFile
from indexer.fields import CORRECTED_MARK, SECTIONS, TEXT_GRAMS, WORDS, body_text
from indexer.text.ngrams import SECTION_SEP
from indexer.text.normalize import compact_text
from indexer.text.places import place_names
from indexer.text.segmenter import dictionary_digest, words

MAX_PLACES = 12  # per article: the most mentioned ones, enough for a facet
# Characters of OCR text kept on each side of what a correction changed, in the `original` section:
# a phrase search for the misread form finds it if the phrase reaches no further from the change.
ORIGINAL_CONTEXT = 30
# Between passages of the `original` section: a gap, so no phrase runs from one passage into the next.
PASSAGE_SEP = " | "
# Bump by hand with any change here or in indexer.text that changes the documents of an unchanged
# file (a field added or filled otherwise, another analysis): every index built before re-indexes
# its issues on the next incremental reindex. Splitting has its own version (archive.split_version),
# and the field dictionary its digest (segmenter.dictionary_digest): neither needs a bump here.
DOCUMENTS_VERSION = 1


@dataclass(frozen=True)
class Indexed:
    """One issue file turned into documents (and, once an engine has them, indexed).

    `sha256`: the manifest's digest (`manifest_digest`), the file's sha256 plus its corrections' stamp.
    """

    issue_id: str
    sha256: str
    articles: int
    characters: int


Outcome = Indexed | FailedFile


def documents_version() -> str:
    """`<DOCUMENTS_VERSION>.<split version>.<dictionary digest>`: what made an issue's documents
    besides its file and corrections."""
    return f"{DOCUMENTS_VERSION}.{split_version()}.{dictionary_digest()}"


def manifest_digest(file_sha256: str, corrections_stamp: int) -> str:
    """What the manifest records for an issue: `<file's sha256>[+cN]+d<documents version>`.

    `+cN` once its corrections have stamp N (archive.corrections: every save
    and revert changes it); `+d…` the `documents_version` that built it. A
    reindex compares it with the same digest of the file and stamp it finds
    now, so a correction, a new file or a new splitter makes the issue
    changed. A manifest written before versions were recorded (plain sha256,
    or `sha256+cN`) never equals it: that index re-splits all its issues once.
    """
    stamp = f"+c{corrections_stamp}" if corrections_stamp else ""
    return f"{file_sha256}{stamp}+d{documents_version()}"


def day_key(date: str) -> str:
    """YYYY-MM-DD -> YYYYMMDD: fixed width, so string order is date order (exact range filters)."""
    return date.replace("-", "")


def segmented(text: str) -> str:
    """The jieba words of `text`, space-separated, for the `words` field."""
    return " ".join(words(compact_text(text)))


def sectioned(sections: dict[str, str | None]) -> str:
    """One value for a sectioned field (`text_grams`, `words`), sections in `SECTIONS` order.

    Empty sections at the end are left out, so an article nobody corrected
    has no `original` section at all: not even the gap before it counts in
    its field length, and so in its score."""
    values = [sections.get(name) or "" for name in SECTIONS]
    while len(values) > 1 and not values[-1]:
        values.pop()
    return SECTION_SEP.join(values)


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


def original_passages(original: ArticleText, corrected: ArticleText) -> str:
    """The OCR text that corrections replaced, as passages (`ORIGINAL_CONTEXT` around each change);
    empty for an article nobody corrected."""
    return PASSAGE_SEP.join(passage for _, _, before, after in original.fields_beside(corrected) if before != after
                            for passage in changed_passages(before, after, ORIGINAL_CONTEXT))


def correction_data(shown: CorrectedArticle) -> dict[str, Any]:
    """What `data` says of an article's corrections: its version and, once corrected, its OCR
    original; the corrections an editor must review (its issue file was replaced)."""
    data: dict[str, Any] = {"version": shown.version}
    if shown.corrected:
        original = shown.original
        data["original"] = {"title": original.title, "subtitle": original.subtitle, "byline": original.byline,
                            "paragraphs": list(original.paragraphs), "dateline": original.dateline,
                            "captions": list(original.captions)}
    if shown.review:
        data["review"] = [{"id": c.id, "field": c.field, "paragraph": c.paragraph, "before": c.before,
                           "after": c.after, "editor": c.editor, "at": c.at} for c in shown.review]
    return data


def article_document(issue: Issue, shown: CorrectedArticle) -> dict[str, Any]:
    """The document of one article as readers see it (corrections applied), its OCR original searchable."""
    article = shown.article
    body = body_text(article.dateline, article.paragraphs, article.captions)
    body_words = words(compact_text(body))
    places = article_places(body_words)
    original = original_passages(shown.original, ArticleText.of(article))
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
        **correction_data(shown),
    }
    doc: dict[str, Any] = {
        "id": article.id,
        "kind": "article",
        "issue_id": issue.id,
        "number": article.number,
        "data": json.dumps(data, ensure_ascii=False),
        TEXT_GRAMS: sectioned({"title": article.title, "subtitle": article.subtitle, "byline": article.byline,
                               "body": body, "original": original}),
        WORDS: sectioned({"title": segmented(article.title), "subtitle": segmented(article.subtitle or ""),
                          "body": " ".join(body_words),
                          "original": f"{CORRECTED_MARK} {segmented(original)}" if original else ""}),
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


def issue_documents(issue: Issue, articles: list[Article], corrected: CorrectedIssue | None = None
                    ) -> list[dict[str, Any]]:
    """The documents one issue file contributes: its issue record, then its articles, as printed
    or, given `corrected` (`Corrections.corrected_issue` of these articles), as corrected.

    The record counts the issue's articles; a photo standing alone (kind
    "caption") is a document of its own, searchable, but not one of them.
    """
    shown = corrected.articles if corrected is not None else [CorrectedArticle.printed(a) for a in articles]
    issue_doc = {
        "id": "issue:" + issue.id,
        "kind": "issue",
        "issue_id": issue.id,
        "sha256": manifest_digest(issue.sha256, corrected.stamp if corrected is not None else 0),
        "number": 0,
        "data": json.dumps(issue_record(issue, sum(1 for a in shown if a.article.kind != "caption")), ensure_ascii=False),
    }
    if issue.date:
        issue_doc["day"] = day_key(issue.date)
    return [issue_doc] + [article_document(issue, a) for a in shown]


def file_documents(path: Path, data_dir: Path, corrections: Corrections | None = None
                   ) -> tuple[Indexed, list[dict[str, Any]]] | FailedFile:
    """An issue file's documents, all or nothing, with its corrections: a file that cannot be read gives none.

    Everything that can fail on a strange file happens here, before an
    engine adds the first document, so a failure never leaves half an issue
    in the index. Any error in splitting counts as this file's failure, so
    one odd page cannot stop the rest of the archive from being indexed.
    `corrections`: the data directory's, kept open across the files of a
    reindex (opening it costs ~3 ms a file); None opens it for this file.
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
    except Exception as exc:  # noqa: BLE001 - reported per file, see docstring
        return FailedFile(shown, f"could not split into articles ({type(exc).__name__}: {exc})")
    source = corrections if corrections is not None else Corrections(data_dir)
    try:
        corrected = source.corrected_issue(issue, articles)
    finally:
        if corrections is None:
            source.close()
    try:
        documents = issue_documents(issue, articles, corrected)
    except Exception as exc:  # noqa: BLE001 - reported per file, see docstring
        return FailedFile(shown, f"could not build its documents ({type(exc).__name__}: {exc})")
    return Indexed(issue.id, manifest_digest(issue.sha256, corrected.stamp), len(articles), len(issue.text)), documents


class DocumentSource:
    """The documents of one data directory's issue files, for one reindex: the corrections database is
    opened once per process that builds documents (forked workers open their own, see
    `Corrections.conn`), not once per file."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.corrections = Corrections(data_dir)

    def documents(self, path: Path) -> tuple[Indexed, list[dict[str, Any]]] | FailedFile:
        """`file_documents` of `path`."""
        return file_documents(path, self.data_dir, self.corrections)

    def close(self) -> None:
        self.corrections.close()
