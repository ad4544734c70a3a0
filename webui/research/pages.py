"""HTML pages and feeds of the research tools, beside `webui.pages`'s."""
from __future__ import annotations

from flask import Blueprint, Response, request

from webui.pages import render_page
from webui import urls
from webui.research import atom, context
from webui.security import rate_limited

bp = Blueprint("research_pages", __name__)


@bp.get("/search.atom")
def search_feed() -> Response:
    return Response(atom.render_feed(context.feed(request.args)), content_type="application/atom+xml; charset=utf-8")


@bp.get("/calendar")
def calendar() -> Response:
    return render_page("calendar.html", "/api/calendar", coverage=context.coverage_context())


@bp.get("/calendar/<int:year>")
def calendar_year(year: int) -> Response:
    view = context.year_context(year)
    return render_page("calendar_year.html", "/api" + view["url"], calendar=view)


@bp.get("/calendar/<int:year>/<int:month>/<int:day>")
def calendar_day(year: int, month: int, day: int) -> Response:
    view = context.day_context(year, month, day)
    return render_page("calendar_day.html", "/api" + view["url"], day=view)


@bp.get("/trends")
@rate_limited("SEARCH_RATE_LIMIT")
def trends() -> Response:
    page = context.trends_page_context(request.args)
    return render_page("trends.html", urls.with_args("/api/trends", request.args, view=None), **page)


@bp.get("/kwic")
@rate_limited("SEARCH_RATE_LIMIT")
def kwic() -> Response:
    return render_page("kwic.html", urls.with_args("/api/kwic", request.args),
                       kwic=context.kwic_context(request.args, request.path))
