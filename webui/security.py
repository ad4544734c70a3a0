"""Response headers, the admin token and a rate limit for expensive endpoints.

The pages load nothing from other hosts and use no inline script or style,
so the strictest CSP (`default-src 'self'`) costs nothing and turns any
escaping slip into a blocked script instead of an XSS.
"""
from __future__ import annotations

import functools
import hmac
import threading
import time
from collections import defaultdict, deque
from typing import Callable, TypeVar

from flask import Flask, Response, current_app, g, request

from webui.errors import ClientError

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

View = TypeVar("View", bound=Callable[..., Response])


def init_app(app: Flask) -> None:
    app.extensions["rate_limiter"] = RateLimiter()

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def admin_only(view: View) -> View:
    """Bearer token from config ADMIN_TOKEN: unset → 403 (endpoint off), missing/wrong → 401.

    Checked before any rate limit, so refused callers cannot use up the admin's allowance.
    """

    @functools.wraps(view)
    def checked(*args, **kwargs):
        require_admin_token()
        return view(*args, **kwargs)

    return checked  # type: ignore[return-value]


def require_admin_token() -> None:
    """The admin token, or the server's local token (LOCAL_TOKEN, see webui.local_server).

    The local token is what `archive add` on the same data directory sends;
    its caller is not rate-limited (it is the archive's own owner adding issues).
    """
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    bearer = scheme.lower() == "bearer"
    local = current_app.config.get("LOCAL_TOKEN")
    if bearer and local and hmac.compare_digest(given.strip().encode(), local.encode()):
        g.local_caller = True
        return
    expected = current_app.config.get("ADMIN_TOKEN")
    if not expected:
        raise ClientError(403, "forbidden", "此服务器未开启管理接口：启动前设置环境变量 ARCHIVE_ADMIN_TOKEN。")
    if not bearer or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ClientError(401, "unauthorized", "令牌缺失或不正确：请发送 Authorization: Bearer <令牌>。",
                          {"WWW-Authenticate": 'Bearer realm="archive"'})


class RateLimiter:
    """A sliding window per (limit name, client address), in this process's memory.

    One waitress process serves all threads, so in-memory counts are the
    whole truth here; several worker processes would each count their own.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def check(self, name: str, client: str, limit: int, per_seconds: float) -> float:
        """Record a call; returns 0 if allowed, else the seconds until the next call may pass."""
        now = time.monotonic()
        with self._lock:
            calls = self._calls[(name, client)]
            while calls and calls[0] <= now - per_seconds:
                calls.popleft()
            if len(calls) >= limit:
                return calls[0] + per_seconds - now
            calls.append(now)
            return 0.0


def rate_limited(config_key: str) -> Callable[[View], View]:
    """Limit a view to config[config_key] = (calls, per_seconds) per client; None turns it off."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def limited(*args, **kwargs):
            setting = current_app.config.get(config_key)
            if setting and not g.get("local_caller"):
                limit, per_seconds = setting
                wait = current_app.extensions["rate_limiter"].check(
                    config_key, request.remote_addr or "", limit, per_seconds)
                if wait:
                    seconds = max(1, round(wait))
                    raise ClientError(429, "rate_limited", f"请求太频繁，请 {seconds} 秒后再试。",
                                      {"Retry-After": str(seconds)})
            return view(*args, **kwargs)

        return limited  # type: ignore[return-value]

    return decorate
