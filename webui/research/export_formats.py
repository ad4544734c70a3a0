"""Export rows as CSV or JSON Lines, one article at a time (generators: memory stays flat).

The rows are the engine's article views (`Engine.matching_articles`), so
an export shows the article as its page does. CSV is
what Excel opens without a dialog: UTF-8 with a byte-order mark (else it
guesses a legacy code page and the Chinese is garbled), a header row, CRLF
line ends; a cell that Excel would run as a formula (starting with `=`, `+`,
`-`, `@`) is prefixed with `'`, as OWASP advises against CSV injection.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from indexer.api import ArticleView
from indexer.fields import body_text

EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}
# Column name -> how to read it from an article view; `text` only with fields=text.
COLUMNS = ("id", "title", "subtitle", "byline", "authors", "date", "year", "page", "paper", "issue_id", "url")
TEXT_COLUMN = "text"
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_row(article: ArticleView, url: str, with_text: bool) -> dict[str, Any]:
    """One exported article: its fields flat, `url` as given (absolute on the web), `text` its
    body a line each (dateline, paragraphs, photo captions: `indexer.fields.body_parts`). Read attribute by attribute: `dataclasses.asdict` left a tuple a row
    for the cyclic collector (measured), memory an export must not grow by."""
    issue = article.issue
    row: dict[str, Any] = {
        "id": article.id, "title": article.title, "subtitle": article.subtitle, "byline": article.byline,
        "authors": list(article.authors), "date": issue.date, "year": issue.year, "page": issue.page,
        "paper": issue.paper, "issue_id": issue.id, "url": url,
    }
    if with_text:
        row[TEXT_COLUMN] = body_text(article.dateline, article.paragraphs, article.captions)
    return row


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = "、".join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(rows: Iterable[dict[str, Any]], with_text: bool) -> Iterator[str]:
    """The BOM and header row, then one CSV record per row (a record may span lines: quoted text)."""
    columns = COLUMNS + ((TEXT_COLUMN,) if with_text else ())
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # csv's default dialect is Excel's: CRLF, quotes doubled

    def line(values: Iterable[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield BOM + line(columns)
    for row in rows:
        yield line(_cell(row.get(column)) for column in columns)


def jsonl_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """One JSON object per line, UTF-8 as it is (no \\u escapes)."""
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def lines(export_format: str, rows: Iterable[dict[str, Any]], with_text: bool) -> Iterator[str]:
    return csv_lines(rows, with_text) if export_format == "csv" else jsonl_lines(rows)
