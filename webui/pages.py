"""The HTML pages: each renders the same context its `/api` twin returns as JSON."""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, Response, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from indexer.query import MAX_QUERY_CHARS
from webui import context, urls
from webui.corrections import original_context
from webui.errors import ClientError
from webui.security import rate_limited
from webui.suggestions import syntax_free

bp = Blueprint("pages", __name__)

EXAMPLE_QUERIES = ("电信诈骗", '"电信网络诈骗"', "title:醉驾", "民警 NOT 诈骗", "時段警務", "杀猪盘")


def render_page(template: str, json_url: str | None, status: int = 200, **page_context: Any) -> Response:
    """Render a page; `json_url` is its API twin, announced in a `Link` header and linked in the footer."""
    response = Response(render_template(template, json_url=json_url, **page_context), status=status,
                        mimetype="text/html")
    if json_url:
        response.headers["Link"] = f'<{json_url}>; rel="alternate"; type="application/json"'
    return response


@bp.get("/")
def home() -> Response:
    return render_page("home.html", "/api/health", stats=context.health_context(), examples=EXAMPLE_QUERIES)


@bp.get("/search")
@rate_limited("SEARCH_RATE_LIMIT")  # shares its count with /api/search: the same work behind both
def search() -> Response:
    json_url = urls.with_args("/api/search", request.args)
    try:
        search_request = context.search_request(request.args)
        if context.is_blank(search_request):
            return redirect(url_for("pages.home"))
        results = context.search_context(request.args, request.path)
    except ClientError as error:
        # A query the user must fix: keep their query in the box and say what to change.
        if error.status not in (400, 413):
            raise
        q = request.args.get("q", "")[:MAX_QUERY_CHARS]
        return render_page("search.html", None, status=error.status, error=error, q=q, plain=syntax_free(q))
    return render_page("search.html", json_url, results=results, q=results["query"])


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> Response:
    view = context.article_context(article_id, request.args)
    dateline, body, captions, matched = shown_lines(view)
    return render_page("article.html", urls.with_args("/api" + view["url"], request.args),
                       article=view, dateline=dateline, body=body, captions=captions, matched=matched,
                       headings=set(view["headings"]),
                       back_url=search_referrer() or (urls.search_url(view["query"]) if view["query"] else None),
                       original=original_context(view), show_original="original" in request.args,
                       saved=context.int_arg(request.args, "saved", 0, 0, 2**31))


@bp.get("/issues")
def issues() -> Response:
    return render_page("issues.html", urls.with_args("/api/issues", request.args),
                       listing=context.issues_context(request.args, request.path))


@bp.get("/issues/<path:issue_id>")
def issue(issue_id: str) -> Response:
    view = context.issue_context(issue_id)
    return render_page("issue.html", "/api" + view["url"], issue=view)


@bp.get("/help")
def help_page() -> Response:
    return render_page("help.html", None)


def search_referrer() -> str | None:
    """The results page the reader came from (with its filters and page), if it was ours."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path == "/search":
        return urls.with_args("/search", MultiDict(parse_qsl(referrer.query)))
    return None


def shown_lines(view: dict[str, Any]) -> tuple[str | Markup | None, list[str] | list[Markup], list[str] | list[Markup], bool]:
    """The dateline, paragraphs and captions as the article page shows them, and whether the query matched
    any: with a query, the indexer's highlighting, the first match in page order (dateline, paragraphs,
    captions) the one result links jump to."""
    if view["highlighted"] is None:
        return view["dateline"], view["paragraphs"], view["captions"], False
    lead = [view["highlighted_dateline"]] if view["dateline"] else []
    marked = mark_first_match(lead + view["highlighted"] + view["highlighted_captions"])
    matched = any("<mark" in line for line in marked)
    dateline = marked.pop(0) if lead else None
    count = len(view["highlighted"])
    return dateline, marked[:count], marked[count:], matched


def mark_first_match(highlighted: list[str]) -> list[Markup]:
    """Trust the indexer's escaped lines (dateline, paragraphs, captions, in page order) and give
    the first <mark> the id result links jump to.

    The indexer escapes all article text, so the first literal `<mark>` is
    the first real match, never text from the page.
    """
    paragraphs, found = [], False
    for html in highlighted:
        if not found and "<mark>" in html:
            html, found = html.replace("<mark>", '<mark id="first-match">', 1), True
        paragraphs.append(Markup(html))
    return paragraphs
