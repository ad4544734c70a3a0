"""The JSON API of CONTRACT.md: each view returns its context builder's dict as it is."""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, jsonify, request

from indexer.api import ReindexBusy
from webui import context
from webui.errors import ClientError
from webui.openapi import openapi_spec
from webui.security import admin_only, rate_limited

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
@rate_limited("SEARCH_RATE_LIMIT")
def search() -> Response:
    return jsonify(context.search_context(request.args, request.path))


@bp.get("/articles/<path:article_id>")
def article(article_id: str) -> Response:
    return jsonify(context.article_context(article_id, request.args))


@bp.get("/issues")
def issues() -> Response:
    return jsonify(context.issues_context(request.args, request.path))


@bp.get("/issues/<path:issue_id>")
def issue(issue_id: str) -> Response:
    return jsonify(context.issue_context(issue_id))


@bp.get("/health")
def health() -> Response:
    return jsonify(context.health_context())


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_spec())


@bp.post("/reindex")
@admin_only
@rate_limited("REINDEX_RATE_LIMIT")
def reindex() -> Response:
    """Bring the index in line with DATA/issues now; `?full=1` rebuilds everything."""
    full = request.args.get("full", "").lower() in ("1", "true")
    try:
        summary = context.archive().reindex(full=full)
    except ReindexBusy:
        raise ClientError(409, "reindex_running", "已有一次重建索引正在进行，请等它结束后再试。")
    except OSError as error:  # a full disk, a read-only or vanished DATA/.archive: the old index still serves
        raise ClientError(503, "reindex_failed", f"重建索引失败（{error.strerror or error}），原有索引仍在使用。"
                          "请腾出磁盘空间或检查数据目录后再试。")
    return jsonify({**asdict(summary), "seconds": round(summary.seconds, 3), "chars_per_second": round(summary.chars_per_second)})
