"""Every error a client can cause, in one shape.

`/api/*` answers `{"error": {"code", "message"}}` (CONTRACT.md); every other
path answers a calm HTML page with the same message. Views raise
`ClientError` and never build error responses themselves, so the two
shapes cannot drift apart.
"""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.api import IndexUnavailable

log = logging.getLogger(__name__)

# Werkzeug's own errors (unknown route, wrong method, body too large) get a stable code.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "rate_limited",
    503: "unavailable",
}

HTTP_MESSAGES_ZH = {
    400: "请求有误。",
    401: "需要有效的令牌。",
    403: "没有权限。",
    404: "找不到这个页面。",
    405: "不支持这种请求方法。",
    413: "请求内容太长。",
    429: "请求太频繁，请稍后再试。",
    503: "服务暂时不可用，请稍后再试。",
}


class ClientError(Exception):
    """Something the client must change; `status`, `code` and `message` go to the client as they are."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """The one JSON error shape of the API."""
    return {"error": {"code": code, "message": message}}


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """JSON under /api, the friendly error page everywhere else."""
    if wants_json():
        response = jsonify(error_body(code, message))
    else:
        response = Response(render_template("error.html", status=status, code=code, message=message),
                            mimetype="text/html")
    response.status_code = status
    response.headers.update(headers or {})
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(ClientError)
    def client_error(error: ClientError) -> Response:
        return error_response(error.status, error.code, error.message, error.headers)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        status = error.code or 500
        message = HTTP_MESSAGES_ZH.get(status, error.description or "")
        headers = dict(error.get_headers()) if status == 405 else {}
        headers.pop("Content-Type", None)
        return error_response(status, HTTP_CODES.get(status, "error"), message, headers)

    @app.errorhandler(IndexUnavailable)
    def index_unavailable(error: IndexUnavailable) -> Response:
        # Missing or damaged index files: not the client's fault and not a bug to hide; log it for the operator.
        log.error("index unavailable on %s: %s", request.full_path, error, exc_info=error)
        return error_response(503, "index_unavailable", "索引暂时无法读取（文件缺失或损坏）。管理员可运行 "
                              "archive reindex --full 重建索引；请稍后再试。", {"Retry-After": "60"})

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        # A bug on our side: log it, and still answer in the route's shape.
        log.exception("unexpected error on %s", request.full_path)
        return error_response(500, "internal_error", "服务器内部错误，已记录。请稍后再试。")
