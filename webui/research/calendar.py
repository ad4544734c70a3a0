"""Browse by date: the archive's coverage, a year as month grids, a day's issues.

Pure functions over the issue listing (`webui.context.issues_context`'s
issue dicts, any order): no index access of their own, so every engine
serves them alike.
"""
from __future__ import annotations

import calendar as gregorian
from collections import Counter, defaultdict
from typing import Any

Issue = dict[str, Any]

WEEKDAYS = ("一", "二", "三", "四", "五", "六", "日")  # weeks start on Monday, as Chinese calendars print them


def year_url(year: int) -> str:
    return f"/calendar/{year}"


def day_url(date: str) -> str:
    return "/calendar/" + date.replace("-", "/")


def coverage(issues: list[Issue]) -> dict[str, Any]:
    """First and last issue date, issues per year (dated by day or by year alone), undated ones apart."""
    dates = sorted(issue["date"] for issue in issues if issue["date"])
    per_year = Counter(int(issue["date"][:4]) if issue["date"] else issue["year"] for issue in issues
                       if issue["date"] or issue["year"])
    return {
        "issues": len(issues),
        "first": dates[0] if dates else None,
        "last": dates[-1] if dates else None,
        "years": [{"year": year, "issues": count, "url": year_url(year)} for year, count in sorted(per_year.items())],
        "undated": sum(1 for issue in issues if not issue["date"]),
    }


def _by_day(issues: list[Issue], year: int) -> dict[str, list[Issue]]:
    days: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue["date"] and issue["date"].startswith(f"{year:04d}-"):
            days[issue["date"]].append(issue)
    return days


def year_calendar(issues: list[Issue], year: int) -> dict[str, Any]:
    """The twelve months of `year` as week rows (Monday first) of day cells; a day with issues
    links to them. Issues whose text gives only this year are counted apart (`year_only`)."""
    days = _by_day(issues, year)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in gregorian.Calendar(firstweekday=0).monthdayscalendar(year, month):
            row = []
            for day in week:
                date = f"{year:04d}-{month:02d}-{day:02d}" if day else None
                found = days.get(date, []) if date else []
                row.append(None if not day else {"day": day, "date": date, "issues": len(found),
                                                   "url": day_url(date) if found else None})
            weeks.append(row)
        months.append({"month": month, "issues": sum(len(v) for k, v in days.items() if int(k[5:7]) == month),
                       "weeks": weeks})
    year_only = [issue for issue in issues if not issue["date"] and issue["year"] == year]
    return {"year": year, "issues": sum(map(len, days.values())) + len(year_only), "months": months,
            "year_only": year_only, "weekdays": list(WEEKDAYS)}


def day_issues(issues: list[Issue], date: str) -> list[Issue]:
    """The issues of one day, in page order."""
    found = [issue for issue in issues if issue["date"] == date]
    return sorted(found, key=lambda issue: (issue["page"] is None, issue["page"] or 0, issue["paper"] or "", issue["id"]))
