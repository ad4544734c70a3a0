"""Find an issue's date, page and paper: from a header, the file name, or the text.

CONTRACT order, first that answers wins: a metadata header at the top of the
file, then the file name, then the text itself. Pure functions over strings,
so each source can be tested alone.

Date rule (`IssueDate`): `date` is a full `YYYY-MM-DD` or None; `year` is
always filled when anything is known. From the text the archive takes the
latest plausible year mentioned (a year with 年, a full date, or a campaign
name like `云剑—2022`); `date` is the latest full date only when it falls in
that same year, otherwise None (the day is unknown, only the year is).
Targets (`到2025年`, `力争2025年`) are not the page's time and are skipped,
unless they end a range (`2019年到2021年`). Known wrong: a future year
mentioned otherwise (`2025年将建成`) is taken when it is not later than this
year; the plausible range (1949 .. this year) cuts off only the far ones.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# Full-width digits (`１９９８`) read as ASCII before any number is parsed.
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# Chinese numerals as printed in a year (`一九九八年`).
_CHINESE_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")

HEADER_KEYS = {"date": "date", "日期": "date", "page": "page", "版次": "page", "版": "page", "paper": "paper", "报纸": "paper", "报名": "paper"}
_HEADER_FIELDS = frozenset(HEADER_KEYS.values())
_FRONT_MATTER = re.compile(r"\A[ \t]*---[ \t]*\n(.*?)\n[ \t]*---[ \t]*(?:\n|\Z)", re.S)
_HEADER_LINE = re.compile(r"^[ \t]*([A-Za-z\u4e00-\u9fff]+)[ \t]*[:：][ \t]*(.*?)[ \t]*$")

_FULL_DATE = re.compile(r"(?<!\d)(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]|[-/.](\d{1,2})[-/.](\d{1,2})(?!\d))")
_YEAR_WITH_NIAN = re.compile(r"(?<![\d.])(\d{4})\s*年(?!代)")
_CHINESE_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})年")
_CAMPAIGN_YEAR = re.compile(r"[—–\-－]\s*(\d{4})(?![\d年])")

_FILENAME_DATE = re.compile(r"(?<!\d)(\d{4})(-?)(\d{2})\2(\d{2})(?!\d)")
_PAGE_AFTER_DATE = re.compile(r"(?:-|_[pP]?)(\d{1,3})(?!\d)")

FIRST_PLAUSIBLE_YEAR = 1949
# How far back a target's or a range's words are looked for.
PLAN_LOOKBEHIND = 14
_TARGET_BEFORE = re.compile(r"(?:到|至|力争|争取)\s*$")
_RANGE_BEFORE = re.compile(r"\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?\s*(?:到|至)\s*$")


@dataclass(frozen=True)
class IssueDate:
    """What is known of an issue's date, and where it came from."""

    date: str | None  # YYYY-MM-DD, only when the day is known
    year: int | None
    source: str | None  # "header" | "filename" | "text" | None


UNKNOWN_DATE = IssueDate(None, None, None)


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Return (header fields, text without the header).

    Two forms: `---` front matter (any `key: value` lines inside, known keys
    kept), or `date:`/`page:`/`paper:` lines at the very top, stopping at the
    first line that is not one of them. Unknown keys at the top are text,
    because a first line like `记者：王某` is part of the page.
    """
    front = _FRONT_MATTER.match(text)
    if front:
        fields = {}
        for line in front.group(1).splitlines():
            match = _HEADER_LINE.match(line)
            if match and match.group(1).lower() in HEADER_KEYS:
                fields[HEADER_KEYS[match.group(1).lower()]] = match.group(2).strip("'\"")
        return fields, text[front.end():]
    fields: dict[str, str] = {}
    # Each field is taken once, so the loop reads at most one line past them: no need to split the whole page.
    lines = text.split("\n", len(_HEADER_FIELDS) + 1)
    taken = 0
    for line in lines:
        match = _HEADER_LINE.match(line)
        key = match.group(1).lower() if match else None
        if key not in HEADER_KEYS or HEADER_KEYS[key] in fields:
            break
        fields[HEADER_KEYS[key]] = match.group(2).strip("'\"")
        taken += 1
    if not fields:
        return {}, text
    return fields, "\n".join(lines[taken:])


def _plausible_year(year: int) -> bool:
    return FIRST_PLAUSIBLE_YEAR <= year <= dt.date.today().year


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    if not _plausible_year(year):
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date_value(value: str) -> IssueDate | None:
    """A header's `date:` value: a full date in the usual spellings, or a year alone."""
    value = value.translate(_FULLWIDTH_DIGITS).strip()
    compact = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", value)
    match = compact or _FULL_DATE.search(value)
    if match:
        numbers = [int(g) for g in match.groups() if g and g.isdigit()]
        date = _valid_date(*numbers[:3])
        if date:
            return IssueDate(date.isoformat(), date.year, "header")
    year = re.fullmatch(r"(\d{4})\s*年?", value)
    if year and _plausible_year(int(year.group(1))):
        return IssueDate(None, int(year.group(1)), "header")
    return None


def parse_page_value(value: str) -> int | None:
    """A header's `page:` value: the first number in it (`5`, `A5`, `第5版`)."""
    match = re.search(r"\d+", value.translate(_FULLWIDTH_DIGITS))
    return int(match.group()) if match else None


def date_from_filename(name: str) -> tuple[IssueDate | None, int | None]:
    """`YYYY-MM-DD` or `YYYYMMDD` anywhere in the name; a page right after it (-NN, _NN, _pNN)."""
    for match in _FILENAME_DATE.finditer(name):
        date = _valid_date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
        if date:
            page = _PAGE_AFTER_DATE.match(name, match.end())
            return IssueDate(date.isoformat(), date.year, "filename"), int(page.group(1)) if page else None
    return None, None


def _is_plan_year(text: str, start: int) -> bool:
    """plan-year rule: `到2025年` is a target, not the page's time, unless it ends a range (`2019年到2021年`)."""
    before = text[max(0, start - PLAN_LOOKBEHIND) : start]
    return _TARGET_BEFORE.search(before) is not None and _RANGE_BEFORE.search(before) is None


def date_from_text(text: str) -> IssueDate | None:
    """The latest plausible year the text mentions, with the latest full date of that year."""
    text = text.translate(_FULLWIDTH_DIGITS)
    full_dates = []
    for match in _FULL_DATE.finditer(text):
        year, month, day = (int(g) for g in match.groups() if g)
        date = _valid_date(year, month, day)
        if date:
            full_dates.append(date)
    years = {d.year for d in full_dates}
    years.update(int(m.group(1)) for m in _YEAR_WITH_NIAN.finditer(text) if not _is_plan_year(text, m.start()))
    years.update(int(m.group(1)) for m in _CAMPAIGN_YEAR.finditer(text))
    years.update(int(m.group(1).translate(_CHINESE_DIGITS)) for m in _CHINESE_YEAR.finditer(text))
    years = {y for y in years if _plausible_year(y)}
    if not years:
        return None
    latest_year = max(years)
    same_year = [d for d in full_dates if d.year == latest_year]
    return IssueDate(max(same_year).isoformat() if same_year else None, latest_year, "text")


@dataclass(frozen=True)
class IssueMetadata:
    """Date, page and paper of one issue, as CONTRACT orders the sources."""

    date: IssueDate
    page: int | None
    paper: str | None


def find_metadata(header: dict[str, str], filename: str, text: str) -> IssueMetadata:
    """Header first, then the file name, then the text; page and paper follow the same order."""
    header_date = parse_date_value(header["date"]) if "date" in header else None
    name_date, name_page = date_from_filename(filename)
    date = header_date or name_date or date_from_text(text) or UNKNOWN_DATE
    header_page = parse_page_value(header["page"]) if "page" in header else None
    page = header_page if header_page is not None else name_page
    return IssueMetadata(date, page, header.get("paper") or None)
