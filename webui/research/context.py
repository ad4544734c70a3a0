"""Context builders of the research tools: one plain dict per view, as `webui.context` does for search.

The API returns these dicts as JSON and the pages render them. Requests go
through `webui.context`'s validation and the one `ArchiveIndex`, so these
tools accept exactly the query, filters and dates a search accepts.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from flask import current_app, request
from werkzeug.datastructures import MultiDict

from indexer.api import INTERVALS, ArticleView, QueryError, SearchRequest
from indexer.present.snippets import occurrence_units, shown_occurrences
from webui import context, urls
from webui.errors import ClientError
from webui.research import atom, calendar, cite, export_formats, kwic_lines, trends_chart
from webui.research.downloads import query_file_name

FEED_ENTRIES = 20
MAX_TREND_QUERIES = 5
# Arguments that shape a research view rather than select articles: dropped from the search links it makes.
VIEW_ARGS = ("q", "interval", "view", "page", "per_page", "sort", "width", "format", "fields")
_issues_lock = threading.Lock()


def base_url() -> str:
    """This server's address as the client reached it (`http://host:port`), for absolute links."""
    return request.host_url.rstrip("/")


def all_issues() -> list[dict[str, Any]]:
    """Every issue of the served index as listing dicts, remembered until the index changes
    (a calendar page would otherwise rebuild 1,500 summaries per view)."""
    archive = context.archive()
    generation = archive.stats().generation
    with _issues_lock:
        cached = current_app.extensions.get("research_issues")
        if cached is not None and cached[0] == generation:
            return cached[1]
    total = archive.issues(1, 1).total
    issues = [{**asdict(issue), "url": urls.issue_url(issue.id)} for issue in archive.issues(1, max(total, 1)).issues]
    with _issues_lock:
        current_app.extensions["research_issues"] = (generation, issues)
    return issues


# --- citations -------------------------------------------------------------------------


def cited(article: dict[str, Any]) -> cite.CitedArticle:
    return cite.CitedArticle.of(article, base_url() + article["url"])


def cite_context(article_id: str) -> dict[str, str]:
    """`{url, gbt7714, bibtex, ris}` of an article (404 if unknown)."""
    return cite.citations(cited(context.article_context(article_id, MultiDict())))


def cite_format(args: MultiDict) -> str | None:
    """`format=bibtex|ris` (a download), or None for the JSON of all formats."""
    chosen = args.get("format", "").strip()
    if chosen and chosen not in cite.CITATION_FORMATS:
        raise context.bad_parameter(f"参数 format 只能是 {' / '.join(cite.CITATION_FORMATS)}，收到的是“{chosen[:40]}”。")
    return chosen or None


# --- feeds -------------------------------------------------------------------------------


def feed(args: MultiDict) -> atom.Feed:
    """The newest FEED_ENTRIES articles matching the search in `args` (sort and paging ignored);
    a blank query is every article, so `/search.atom` alone follows the whole archive."""
    wanted = MultiDict([(k, v) for k, v in args.items(multi=True) if k not in ("sort", "page", "per_page")])
    search_request = context.search_request(MultiDict([*wanted.items(multi=True), ("sort", "date"),
                                                        ("per_page", str(FEED_ENTRIES))]))
    try:
        results = context.archive().search(search_request)
    except QueryError as error:
        raise ClientError(400, "bad_query", str(error))
    base = base_url()
    q = search_request.q
    entries = [atom.FeedEntry(id=base + urls.article_url(hit.id), title=hit.title,
                              link=base + urls.article_url(hit.id, q or None), date=hit.issue.date,
                              author=hit.byline, summary_html=hit.snippet) for hit in results.results]
    title = f"报纸档案检索：{q}" if q else "报纸档案检索：最新文章"
    return atom.Feed(id=base + urls.with_args("/search.atom", wanted), title=title,
                     alternate=base + urls.with_args("/search", wanted, sort="date"), entries=entries)


def feed_url(args: MultiDict) -> str:
    """The feed of a results page: its search, without what a feed ignores."""
    return urls.with_args("/search.atom", args, sort=None, page=None, per_page=None)


# --- calendar ----------------------------------------------------------------------------


def coverage_context() -> dict[str, Any]:
    return calendar.coverage(all_issues())


def year_context(year: int) -> dict[str, Any]:
    """A year's months with the days that have issues; 404 for a year outside the calendar."""
    if not 1 <= year <= 9999:
        raise ClientError(404, "not_found", f"没有 {year} 年")
    issues = all_issues()
    years = [entry["year"] for entry in calendar.coverage(issues)["years"]]
    earlier = [y for y in years if y < year]
    later = [y for y in years if y > year]
    return {**calendar.year_calendar(issues, year),
            "previous_url": calendar.year_url(earlier[-1]) if earlier else None,
            "next_url": calendar.year_url(later[0]) if later else None,
            "url": calendar.year_url(year)}


def day_context(year: int, month: int, day: int) -> dict[str, Any]:
    """The issues of one day in page order (each links to its articles); 404 for a day that does not exist."""
    try:
        date = dt.date(year, month, day).isoformat()
    except (ValueError, OverflowError):  # no such day, or a number past C's integers
        raise ClientError(404, "not_found", f"没有 {year}-{month}-{day} 这一天")
    return {"date": date, "issues": calendar.day_issues(all_issues(), date), "year_url": calendar.year_url(year),
            "search_url": urls.with_args("/search", {"from": date, "to": date}),
            "url": calendar.day_url(date)}


# --- a term over time --------------------------------------------------------------------


def _queries(args: MultiDict) -> list[str]:
    """The `q` arguments (1 to MAX_TREND_QUERIES, blank ones dropped, repeats once), each checked as search checks it."""
    queries = list(dict.fromkeys(context.query_arg(MultiDict([("q", q)])) for q in args.getlist("q")))
    queries = [q for q in queries if q]
    if not queries:
        raise context.bad_parameter("缺少检索词：请用参数 q 给出检索式（最多 5 个，可重复 q），例如 q=电信诈骗。")
    if len(queries) > MAX_TREND_QUERIES:
        raise context.bad_parameter(f"一次最多比较 {MAX_TREND_QUERIES} 个检索式，收到 {len(queries)} 个。")
    return queries


def _choice(args: MultiDict, name: str, choices: tuple[str, ...]) -> str:
    chosen = args.get(name, "").strip() or choices[0]
    if chosen not in choices:
        raise context.bad_parameter(f"参数 {name} 只能是 {' / '.join(choices)}，收到的是“{chosen[:40]}”。")
    return chosen


def _period_bounds(period: str) -> tuple[str, str]:
    """First and last day of `YYYY` or `YYYY-MM`."""
    if len(period) == 4:
        return f"{period}-01-01", f"{period}-12-31"
    year, month = int(period[:4]), int(period[5:])
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return f"{period}-01", f"{period}-{last:02d}"


def _every_period(first: str, last: str) -> list[str]:
    """Every `YYYY` or `YYYY-MM` (as `first` is written) from `first` to `last`, both included."""
    if len(first) == 4:
        return [str(year) for year in range(int(first), int(last) + 1)]
    start, end = int(first[:4]) * 12 + int(first[5:]) - 1, int(last[:4]) * 12 + int(last[5:]) - 1
    return [f"{month // 12:04d}-{month % 12 + 1:02d}" for month in range(start, end + 1)]


def _filled_span(covered: list[str], first: str | None, last: str | None, interval: str) -> tuple[str, str]:
    """The first and last period to show: `covered` (the periods with articles, sorted) widened to the
    asked `from`/`to`, but never past the archive's first or last dated article."""
    stats = context.archive().stats()
    width = 4 if interval == "year" else 7
    start, end = covered[0], covered[-1]
    if first and stats.date_min:
        start = min(start, max(first, stats.date_min)[:width])
    if last and stats.date_max:
        end = max(end, min(last, stats.date_max)[:width])
    return start, end


def trends_context(args: MultiDict) -> dict[str, Any]:
    """Per query, matches per period with the period's articles and share, each bucket linking to
    the search that lists them (its dates cut to `from`/`to`, so its total is the bucket's count).

    The periods run without a hole over `from`/`to` (where the archive has
    dated articles at all: from its first to its last), or without them from
    the first to the last period that has articles: a period the archive has
    no articles of is a bucket too, with `articles` 0, `count` 0 and `share`
    null (no share of nothing), so a chart shows a gap in coverage instead of
    closing it up."""
    queries = _queries(args)
    interval = _choice(args, "interval", INTERVALS)
    selection = MultiDict([(k, v) for k, v in args.items(multi=True) if k not in VIEW_ARGS])
    requests: list[SearchRequest] = [context.search_request(MultiDict([*selection.items(multi=True), ("q", q)]))
                                     for q in queries]
    try:
        counted = [context.archive().period_counts(request, interval) for request in requests]
    except QueryError as error:
        raise ClientError(400, "bad_query", str(error))
    first, last = requests[0].date_from, requests[0].date_to
    covered = sorted({period for counts in counted for period in counts.articles
                      if (not first or _period_bounds(period)[1] >= first) and (not last or _period_bounds(period)[0] <= last)})
    periods = _every_period(*_filled_span(covered, first, last, interval)) if covered else []
    series = []
    for q, counts in zip(queries, counted):
        buckets = []
        for period in periods:
            start, end = _period_bounds(period)
            count, articles = counts.matches.get(period, 0), counts.articles.get(period, 0)
            link = urls.with_args("/search", selection, q=q, **{"from": max(start, first or start), "to": min(end, last or end)})
            buckets.append({"period": period, "count": count, "articles": articles,
                            "share": round(count / articles, 6) if articles else None, "url": link})
        series.append({"query": q, "total": sum(counts.matches.values()) + counts.undated, "undated": counts.undated,
                       "buckets": buckets})
    return {"interval": interval, "from": first, "to": last,
            "filters": {name: list(values) for name, values in requests[0].filters.items()}, "series": series}


def trends_page_context(args: MultiDict) -> dict[str, Any]:
    """The page's extras: the chart in the chosen view and the links that switch view and interval."""
    view = _choice(args, "view", trends_chart.VIEWS)
    trends = trends_context(args)
    return {"trends": trends, "view": view,
            "chart": trends_chart.render_chart(trends["series"], view) if trends["series"][0]["buckets"] else "",
            "view_urls": {name: urls.with_args("/trends", args, view=name) for name in trends_chart.VIEWS},
            "interval_urls": {name: urls.with_args("/trends", args, interval=name) for name in INTERVALS}}


def trends_url(args: MultiDict) -> str:
    """The trends page of a results page's search (its query and filters)."""
    return urls.with_args("/trends", MultiDict([(k, v) for k, v in args.items(multi=True)
                                                if k not in VIEW_ARGS or k == "q"]))


# --- export ------------------------------------------------------------------------------


def export_stream(args: MultiDict, base_url: str) -> tuple[str, str, Iterator[str]]:
    """(file name, content type, lines) of every article the search in `args` matches, in its sort.

    Everything a client can get wrong is checked before the first line (a 400, not a broken
    download); the lines are then made one article at a time as the response is sent.
    `base_url` makes each row's `url` absolute ("" keeps it a path, for the CLI).
    """
    chosen = _choice(args, "format", tuple(export_formats.EXPORT_FORMATS))
    wanted = args.get("fields", "").strip()
    if wanted not in ("", export_formats.TEXT_COLUMN):
        raise context.bad_parameter(f"参数 fields 只能是 {export_formats.TEXT_COLUMN}（加上全文），收到的是“{wanted[:40]}”。")
    search_request = context.search_request(args)
    if context.is_blank(search_request):
        raise context.bad_parameter("缺少检索词：请用参数 q 给出检索式（或至少一个筛选条件），例如 q=电信诈骗。")
    try:
        articles = context.archive().matching_articles(search_request)
    except QueryError as error:
        raise ClientError(400, "bad_query", str(error))
    with_text = bool(wanted)
    rows = (export_formats.export_row(view, base_url + urls.article_url(view.id), with_text) for view in articles)
    return (query_file_name(search_request.q, chosen), export_formats.EXPORT_FORMATS[chosen],
            export_formats.lines(chosen, rows, with_text))


def export_url(args: MultiDict, export_format: str, with_text: bool = False) -> str:
    """The export of a results page's search (query, filters, dates and sort; not its page)."""
    return urls.with_args("/api/export", args, page=None, per_page=None, format=export_format,
                          fields=export_formats.TEXT_COLUMN if with_text else None)


# --- every occurrence in context ---------------------------------------------------------

KWIC_SORTS = ("date", "left", "right")
KWIC_PER_PAGE = 50
# Sorting by context needs every line's context, so every article holding one is read: up to this many lines.
MAX_SORTED_LINES = 2_000


def _article_lines(article: ArticleView, needles: list[tuple[str, str | None]], width: int) -> list[kwic_lines.KwicLine]:
    """Every occurrence of the needles in one article, in the index's order: title, subtitle,
    byline, then the body (dateline, paragraphs and captions joined by line breaks, as the index sees them)."""
    units = occurrence_units(article)
    return [line for unit, spans in shown_occurrences(article, needles)
            for line in kwic_lines.kwic_lines(units[unit], spans, width)]


def _line(article: ArticleView, line: kwic_lines.KwicLine) -> dict[str, Any]:
    return {"article": {"id": article.id, "title": article.title, "url": urls.article_url(article.id)},
            "issue": {"id": article.issue.id, "date": article.issue.date},
            "left": line.left, "match": line.match, "right": line.right}


def kwic_context(args: MultiDict, path: str) -> dict[str, Any]:
    """One line per occurrence of the query's words in its matches, `width` characters each side
    (cut at the paragraph's end), newest first or sorted by the left or right context; `total_hits`
    counts occurrences (from the index), not articles."""
    sort = _choice(args, "sort", KWIC_SORTS)
    width = context.int_arg(args, "width", kwic_lines.DEFAULT_WIDTH, 1, kwic_lines.MAX_WIDTH)
    page, per_page = context.paging_args(args, KWIC_PER_PAGE)
    selection = MultiDict([(k, v) for k, v in args.items(multi=True) if k not in VIEW_ARGS or k == "q"])
    search_request = context.search_request(selection)
    if not search_request.q:
        raise context.bad_parameter("缺少检索词：请用参数 q 给出要看上下文的词，例如 q=电信诈骗。")
    engine = context.archive()
    first = (page - 1) * per_page
    try:
        if sort == "date":
            found = engine.occurrences(search_request, first, per_page)
        else:
            total = engine.occurrences(search_request, 0, 0).total
            if total > MAX_SORTED_LINES:
                raise context.bad_parameter(f"共有 {total} 处，按上下文排序最多 {MAX_SORTED_LINES} 处：请缩小范围"
                                            "（加检索词、日期或筛选条件），或按日期排序翻页查看。")
            found = engine.occurrences(search_request, 0, total)
    except QueryError as error:
        raise ClientError(400, "bad_query", str(error))
    lines = [(article, line) for article, _ in found.articles
             for line in _article_lines(article, found.needles, width)]
    if sort == "date":
        lines = lines[first - found.first:][:per_page]
    else:
        key = kwic_lines.left_key if sort == "left" else kwic_lines.right_key
        lines = sorted(lines, key=lambda item: key(item[1]))[first:first + per_page]
    last_page = max(1, min(-(-found.total // per_page), context.MAX_RESULT_WINDOW // per_page))
    return {
        "query": search_request.q, "total_hits": found.total, "page": page, "per_page": per_page, "sort": sort,
        "width": width, "lines": [_line(article, line) for article, line in lines], "last_page": last_page,
        "next_url": urls.with_args(path, args, page=page + 1) if page < last_page else None,
        "previous_url": urls.with_args(path, args, page=page - 1) if page > 1 else None,
    }


def kwic_url(args: MultiDict) -> str:
    """Every occurrence in context of a results page's search (its query, filters and dates)."""
    return urls.with_args("/kwic", MultiDict([(k, v) for k, v in args.items(multi=True)
                                              if k not in VIEW_ARGS or k == "q"]))
