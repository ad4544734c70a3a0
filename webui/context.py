"""One plain context per view, built from the indexer's records.

The API returns these dicts as JSON and the pages render them, so the
page and its JSON twin cannot disagree (Datasette's idea). Request
arguments are validated here, once, for both: anything out of range
raises `ClientError` with a message that says what to send instead.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import asdict, fields
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from indexer.api import FACETS, MAX_PER_PAGE, SORTS, ArticleLink, Engine, Hit, IssueRef, QueryError, SearchRequest
from indexer.query import ISO_DATE, MAX_QUERY_CHARS
from webui import urls
from webui.errors import ClientError
from webui.suggestions import query_suggestions

MAX_RESULT_WINDOW = 10_000  # page * per_page: deep pages cost the index more than they help anyone
MAX_FILTER_VALUES = 20
MAX_FILTER_CHARS = 200
SEARCH_PER_PAGE = 10
ISSUES_PER_PAGE = 50


def archive() -> Engine:
    """The app's one engine, shared by all request threads."""
    return current_app.extensions["archive"]


# --- argument validation -------------------------------------------------------------


def bad_parameter(message: str) -> ClientError:
    return ClientError(400, "bad_parameter", message)


def text_arg(args: MultiDict, name: str) -> str:
    """A free-text argument, stripped; NUL is refused because no archive text contains it."""
    value = args.get(name, "").strip()
    if "\x00" in value:
        raise bad_parameter(f"参数 {name} 含有空字符（\\0），请去掉后重试。")
    return value


def query_arg(args: MultiDict) -> str:
    q = text_arg(args, "q")
    if len(q) > MAX_QUERY_CHARS:
        raise ClientError(413, "query_too_long",
                          f"检索式太长（{len(q)} 个字符），最多 {MAX_QUERY_CHARS} 个字符。请缩短后重试。")
    return q


def int_arg(args: MultiDict, name: str, default: int, minimum: int, maximum: int) -> int:
    raw = args.get(name, "").strip()
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9) or not minimum <= int(raw) <= maximum:
        raise bad_parameter(f"参数 {name} 必须是 {minimum} 到 {maximum} 之间的整数，收到的是“{raw[:40]}”。")
    return int(raw)


def paging_args(args: MultiDict, default_per_page: int) -> tuple[int, int]:
    per_page = int_arg(args, "per_page", default_per_page, 1, MAX_PER_PAGE)
    page = int_arg(args, "page", 1, 1, MAX_RESULT_WINDOW)
    if page * per_page > MAX_RESULT_WINDOW:
        raise bad_parameter(f"翻页太深：page × per_page 不能超过 {MAX_RESULT_WINDOW}。请加检索词或筛选条件缩小范围。")
    return page, per_page


def date_arg(args: MultiDict, name: str) -> str | None:
    raw = args.get(name, "").strip()
    if raw == "":
        return None
    try:
        if not ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw).isoformat()
    except ValueError:
        raise bad_parameter(f"参数 {name} 必须是真实的日期，格式 YYYY-MM-DD（如 2021-04-08），收到的是“{raw[:40]}”。")


def sort_arg(args: MultiDict) -> str:
    sort = args.get("sort", "").strip() or SORTS[0]
    if sort not in SORTS:
        raise bad_parameter(f"参数 sort 只能是 {' / '.join(SORTS)}，收到的是“{sort[:40]}”。")
    return sort


def filter_args(args: MultiDict) -> dict[str, tuple[str, ...]]:
    """Facet filters: each facet name is a repeatable argument (`year=2021&byline=尹彤`)."""
    filters = {}
    for name in FACETS:
        values = tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
        if any("\x00" in v or len(v) > MAX_FILTER_CHARS for v in values) or len(values) > MAX_FILTER_VALUES:
            raise bad_parameter(f"筛选参数 {name} 的值太多或太长（最多 {MAX_FILTER_VALUES} 个，每个不超过 {MAX_FILTER_CHARS} 个字符）。")
        if values:
            filters[name] = values
    return filters


def search_request(args: MultiDict) -> SearchRequest:
    """A validated `SearchRequest` from query-string arguments (shared by `/search` and `/api/search`)."""
    page, per_page = paging_args(args, SEARCH_PER_PAGE)
    date_from, date_to = date_arg(args, "from"), date_arg(args, "to")
    if date_from and date_to and date_from > date_to:
        raise bad_parameter(f"起始日期 {date_from} 晚于结束日期 {date_to}，请对调后重试。")
    return SearchRequest(q=query_arg(args), page=page, per_page=per_page, sort=sort_arg(args),
                         date_from=date_from, date_to=date_to, filters=filter_args(args))


def is_blank(request: SearchRequest) -> bool:
    """Nothing asked at all: the pages show the start page, the API asks for `q`."""
    return not (request.q or request.filters or request.date_from or request.date_to)


# --- context builders ----------------------------------------------------------------


def fields_of(record: Any) -> dict[str, Any]:
    """A flat record's fields as a dict, in field order: `asdict` without its deep copy of every
    value, which showed in the cost of each hit and facet value."""
    return {name: getattr(record, name) for name in _field_names(type(record))}


@functools.cache
def _field_names(record_type: type) -> tuple[str, ...]:
    return tuple(field.name for field in fields(record_type))


def issue_ref_context(ref: IssueRef) -> dict[str, Any]:
    return {**fields_of(ref), "url": urls.issue_url(ref.id)}


def hit_context(hit: Hit, q: str) -> dict[str, Any]:
    return {
        "id": hit.id,
        "title": hit.title,
        "subtitle": hit.subtitle,
        "byline": hit.byline,
        "issue": issue_ref_context(hit.issue),
        "snippet": hit.snippet,
        "score": hit.score,
        "url": urls.article_url(hit.id),
        "read_url": urls.article_url(hit.id, q),
    }


def search_context(args: MultiDict, path: str) -> dict[str, Any]:
    """Search results as the CONTRACT's JSON, plus ready-made links relative to `path`.

    `toggle_url` on each facet value, `next_url`/`previous_url` and the
    no-result `suggestions` point back at `path`, so the page's links stay on
    the page and the API's stay on the API.
    """
    request = search_request(args)
    if is_blank(request):
        raise bad_parameter("缺少检索词：请用参数 q 给出检索式，例如 q=电信诈骗。")
    try:
        results = archive().search(request)
    except QueryError as error:
        raise ClientError(400, "bad_query", str(error))
    last_page = min(math.ceil(results.total / request.per_page), MAX_RESULT_WINDOW // request.per_page)
    toggle_url = urls.Toggler(path, args)
    return {
        "query": results.query,
        "total": results.total,
        "page": results.page,
        "per_page": results.per_page,
        "sort": results.sort,
        "from": request.date_from,
        "to": request.date_to,
        "filters": {name: list(values) for name, values in request.filters.items()},
        "results": [hit_context(hit, request.q) for hit in results.results],
        "facets": {
            name: [{**fields_of(value), "toggle_url": toggle_url(name, value.value)}
                   for value in values]
            for name, values in results.facets.items()
        },
        "relaxed": results.relaxed,
        "took_ms": results.took_ms,
        "last_page": last_page,
        "next_url": urls.with_args(path, args, page=request.page + 1) if request.page < last_page else None,
        "previous_url": urls.with_args(path, args, page=request.page - 1) if request.page > 1 else None,
        "suggestions": no_result_suggestions(request, args, path) if results.total == 0 else [],
    }


def no_result_suggestions(request: SearchRequest, args: MultiDict, path: str) -> list[dict[str, str]]:
    """Looser searches to try: without filters, and looser forms of the query itself."""
    suggestions = []
    if request.filters or request.date_from or request.date_to:
        suggestions.append({"query": request.q, "reason": "去掉筛选条件和日期范围",
                            "url": urls.without(path, args, [*FACETS, "from", "to"])})
    for suggestion in query_suggestions(request.q):
        suggestions.append({"query": suggestion.query, "reason": suggestion.reason,
                            "url": urls.with_args(path, args, q=suggestion.query, page=None)})
    return suggestions


def valid_id(record_id: str) -> bool:
    """Ids are `/`-separated relative paths; anything that climbs or hides bytes cannot exist."""
    parts = record_id.split("/")
    return bool(record_id) and "\x00" not in record_id and "\\" not in record_id and \
        all(part not in ("", ".", "..") for part in parts)


def article_context(article_id: str, args: MultiDict) -> dict[str, Any]:
    q = query_arg(args) or None
    try:
        view = archive().article(article_id, q) if valid_id(article_id) else None
    except QueryError as error:
        raise ClientError(400, "bad_query", str(error))
    if view is None:
        raise ClientError(404, "not_found", f"没有这篇文章：{article_id}")
    return {
        **asdict(view),
        "issue": issue_ref_context(view.issue),
        "previous": neighbour_link(view.previous, q),
        "next": neighbour_link(view.next, q),
        "query": q,
        "url": urls.article_url(view.id),
    }


def neighbour_link(link: ArticleLink | None, q: str | None) -> dict[str, Any] | None:
    """The previous/next article on the page, keeping the query highlighted while reading on."""
    return None if link is None else {**asdict(link), "url": urls.article_url(link.id, q)}


def issues_context(args: MultiDict, path: str) -> dict[str, Any]:
    page, per_page = paging_args(args, ISSUES_PER_PAGE)
    listing = archive().issues(page, per_page)
    last_page = max(1, math.ceil(listing.total / per_page))
    return {
        "total": listing.total,
        "page": listing.page,
        "per_page": listing.per_page,
        "issues": [{**asdict(issue), "url": urls.issue_url(issue.id)} for issue in listing.issues],
        "last_page": last_page,
        "next_url": urls.with_args(path, args, page=page + 1) if page < last_page else None,
        "previous_url": urls.with_args(path, args, page=page - 1) if page > 1 else None,
    }


def issue_context(issue_id: str) -> dict[str, Any]:
    view = archive().issue(issue_id) if valid_id(issue_id) else None
    if view is None:
        raise ClientError(404, "not_found", f"没有这一期：{issue_id}")
    return {
        **asdict(view),
        "articles": [{**asdict(a), "url": urls.article_url(a.id)} for a in view.articles],
        "url": urls.issue_url(view.id),
    }


def health_context() -> dict[str, Any]:
    health = archive().health()
    return {"status": "ok", **asdict(archive().stats()), "engine": health.engine, **health.details}
