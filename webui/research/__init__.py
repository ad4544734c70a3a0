"""The research tools of issue 14 beside search: citations, feeds, browsing by date.

`init_app` registers their blueprints and the template helpers the shared
pages use (the 引用 box of the article page, the feed link of results).
"""
from __future__ import annotations

from typing import Any

from flask import Flask

from webui.research import api, cite, context, openapi, pages


def article_citations(article: dict[str, Any]) -> dict[str, str]:
    """The citations of an article page's article (the 引用 box)."""
    return cite.citations(context.cited(article))


def init_app(app: Flask) -> None:
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.jinja_env.globals.update(feed_url=context.feed_url, trends_url=context.trends_url, kwic_url=context.kwic_url, export_url=context.export_url, article_citations=article_citations,
                                 archive_coverage=context.coverage_context)
