"""JSON (and download) endpoints of the research tools, beside `webui.api`'s."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, stream_with_context

from webui.research import context, cite
from webui.security import rate_limited
from webui.research.downloads import attachment

bp = Blueprint("research_api", __name__, url_prefix="/api")


@bp.get("/articles/<path:article_id>/cite")
def article_citation(article_id: str) -> Response:
    """All formats as JSON; `?format=bibtex|ris` downloads that one."""
    chosen = context.cite_format(request.args)
    citations = context.cite_context(article_id)
    if chosen is None:
        return jsonify(citations)
    _, mimetype, extension = cite.CITATION_FORMATS[chosen]
    return Response(citations[chosen], content_type=f"{mimetype}; charset=utf-8",
                    headers={"Content-Disposition": attachment(f"{cite.bibtex_key(article_id)}.{extension}")})


@bp.get("/calendar")
def coverage() -> Response:
    return jsonify(context.coverage_context())


@bp.get("/calendar/<int:year>")
def year(year: int) -> Response:
    return jsonify(context.year_context(year))


@bp.get("/calendar/<int:year>/<int:month>/<int:day>")
def day(year: int, month: int, day: int) -> Response:
    return jsonify(context.day_context(year, month, day))


@bp.get("/trends")
@rate_limited("SEARCH_RATE_LIMIT")
def trends() -> Response:
    return jsonify(context.trends_context(request.args))


@bp.get("/export")
@rate_limited("SEARCH_RATE_LIMIT")
def export() -> Response:
    """Every match as CSV or JSON Lines, streamed as it is read (constant memory), as a download."""
    file_name, content_type, lines = context.export_stream(request.args, context.base_url())
    return Response(stream_with_context(lines), content_type=content_type,
                    headers={"Content-Disposition": attachment(file_name)})


@bp.get("/kwic")
@rate_limited("SEARCH_RATE_LIMIT")
def kwic() -> Response:
    return jsonify(context.kwic_context(request.args, request.path))
