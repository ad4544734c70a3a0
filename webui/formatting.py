"""Jinja filters that turn records into readable Chinese: dates and month groups."""
from __future__ import annotations

from itertools import groupby
from typing import Any, Iterable, Iterator

from indexer.query import ISO_DATE


def zh_date(iso: str | None) -> str:
    """2021-04-08 → 2021年4月8日; unknown dates say so instead of showing nothing."""
    match = ISO_DATE.fullmatch(iso or "")
    if not match:
        return iso or "日期不详"
    year, month, day = match.groups()
    return f"{year}年{int(month)}月{int(day)}日"


def issue_date(issue: dict[str, Any]) -> str:
    """The issue's date in Chinese, or its year alone when only the year is known."""
    if issue.get("date") or not issue.get("year"):
        return zh_date(issue.get("date"))
    return f"{issue['year']}年"


def month_label(iso: str | None) -> str:
    match = ISO_DATE.fullmatch(iso or "")
    return f"{match[1]}年{int(match[2])}月" if match else "日期不详"


def groupby_month(issues: Iterable[dict[str, Any]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Consecutive issues of the same month under one heading (the listing is already date-ordered)."""
    for label, group in groupby(issues, key=lambda issue: month_label(issue["date"])):
        yield label, list(group)
