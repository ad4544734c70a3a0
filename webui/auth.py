"""Editors in the web UI: login and logout, the session cookie, CSRF, and the brake on guessing.

- Sessions are server-side: the cookie (signed by Flask, HttpOnly,
  SameSite=Lax) carries a random session id whose argon2 hash is stored
  (archive.corrections.editors), so logging out, or removing the editor,
  ends the session at once; a copied cookie is worthless after either.
- CSRF: Flask-WTF's `CSRFProtect` checks a per-session token on every
  POST outside `/api` (every form carries `csrf_token()`). The JSON API is
  exempt because it authenticates with a Bearer token only, never with the
  cookie, so a page elsewhere cannot make a browser act for an editor there.
- The cookie-signing key is made once and kept in the corrections database
  (not in DATA/.archive/, which may be thrown away), so sessions survive a
  restart; it is read on the first request once the database exists (or at
  /login), so a plain search never creates that file.
- Brake: failed logins are counted per client address and per editor
  name, in this process's memory (one waitress process serves them all);
  past the limit a login is refused with 429 until the window has passed,
  before any password is checked.
"""
from __future__ import annotations

import functools
from datetime import timedelta
import threading
import time
from collections import defaultdict, deque
from typing import Callable, TypeVar
from urllib.parse import quote

from flask import Blueprint, Flask, Response, current_app, g, redirect, render_template, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.wrappers import Request
from flask_wtf.csrf import CSRFError, CSRFProtect

from archive.corrections.editors import SESSION_HOURS, Editor
from archive.corrections.service import Corrections
from webui.errors import ClientError, error_response

SESSION_KEY = "editor_session"
# Defaults for create_app's config (Flask's own defaults are looser: no SameSite, 31-day cookies).
# SESSION_COOKIE_SECURE stays off for plain-HTTP use; set it when a TLS proxy fronts the server.
SESSION_SETTINGS = {
    "SESSION_COOKIE_NAME": "archive_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=SESSION_HOURS),
    "WTF_CSRF_TIME_LIMIT": None,  # valid while the session is: a long correction must not expire mid-way
}
View = TypeVar("View", bound=Callable[..., Response])

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()


def corrections() -> Corrections:
    """The app's one `Corrections` (the database opens on first use)."""
    return current_app.extensions["corrections"]


def init_app(app: Flask, exempt: list[Blueprint]) -> None:
    """Sessions, CSRF (every blueprint but `exempt`) and the login brake for `app`."""
    app.extensions["corrections"] = Corrections(app.config["DATA_DIR"])
    app.extensions["login_brake"] = LoginBrake()

    app.session_interface = ArchiveSessions()
    csrf.init_app(app)
    for blueprint in exempt:
        csrf.exempt(blueprint)

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> Response:
        return error_response(400, "csrf_failed", "表单已失效（登录状态变了，或页面打开太久）。请返回，刷新页面后再提交。")

    @app.context_processor
    def editor_in_templates() -> dict[str, object]:
        return {"current_editor": current_editor}

    app.register_blueprint(bp)


class ArchiveSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing key loaded from the corrections database
    when a request first needs it (the session opens before any `before_request` hook runs)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key is None and (request.path in ("/login", "/logout") or app.extensions["corrections"].exists()):
            app.secret_key = app.extensions["corrections"].signing_key()
        return super().open_session(app, request)


class LoginBrake:
    """Failed logins per key within a sliding window; `wait` says how long a key must still wait."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def wait(self, keys: list[str], limit: int, window: float) -> float:
        now = time.monotonic()
        with self._lock:
            waits = []
            for key in keys:
                failures = self._failures.get(key)
                while failures and failures[0] <= now - window:
                    failures.popleft()
                if failures and len(failures) >= limit:
                    waits.append(failures[0] + window - now)
            return max(waits, default=0.0)

    def failed(self, keys: list[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures[key].append(now)

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def current_editor() -> Editor | None:
    """The editor logged in on this request's session cookie (checked once per request)."""
    if "editor" not in g:
        value = session.get(SESSION_KEY) if current_app.secret_key else None
        g.editor = corrections().editors.by_secret(value, "session") if isinstance(value, str) else None
    return g.editor


def token_editor() -> Editor:
    """The editor whose API token is in `Authorization: Bearer …`; 401 if it is missing or wrong."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    editor = corrections().editors.by_secret(given, "token") if scheme.lower() == "bearer" and given else None
    if editor is None:
        raise ClientError(401, "unauthorized", "需要编辑的 API 令牌：请发送 Authorization: Bearer <令牌>"
                          "（用 archive editor token 名字 生成）。", {"WWW-Authenticate": 'Bearer realm="archive"'})
    return editor


def editor_required(view: View) -> View:
    """Pages only an editor may see: others are sent to /login and brought back afterwards."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        if current_editor() is None:
            if request.method != "GET":
                raise ClientError(403, "forbidden", "只有登录的编辑才能校对。请先登录。")
            return redirect("/login?next=" + quote(request.full_path.rstrip("?"), safe="/?=&"))
        return view(*args, **kwargs)

    return checked  # type: ignore[return-value]


def local_path(target: str | None) -> str:
    """`target` if it is a path on this site, else `/`: a login link must not lead to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target \
            or any(ord(ch) < 32 for ch in target):
        return "/"
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    next_url = local_path(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next_url=next_url, error=None, name="")
    name = request.form.get("name", "").strip()[:100]
    password = request.form.get("password", "")
    keys = [f"address:{request.remote_addr}", f"name:{name}"]
    limit, window = current_app.config["LOGIN_FAILURE_LIMIT"]
    brake: LoginBrake = current_app.extensions["login_brake"]
    wait = brake.wait(keys, limit, window)
    if wait:
        minutes = max(1, round(wait / 60))
        raise ClientError(429, "rate_limited", f"登录失败次数太多，请 {minutes} 分钟后再试。",
                          {"Retry-After": str(max(1, round(wait)))})
    editor = corrections().editors.check_password(name, password)
    if editor is None:
        brake.failed(keys)
        response = Response(render_template("login.html", next_url=next_url, name=name,
                                            error="用户名或密码不对。"), status=401, mimetype="text/html")
        return response
    brake.succeeded(keys)
    session.clear()  # a new session id and a new CSRF token: nothing from before the login carries over
    session[SESSION_KEY] = corrections().editors.open_session(editor)
    session.permanent = True
    return redirect(next_url)


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Response | str:
    """GET shows a button (a link could be followed by another site's page); POST ends the session."""
    if request.method == "GET":
        return render_template("logout.html")
    value = session.get(SESSION_KEY)
    if isinstance(value, str):
        corrections().editors.close_session(value)
    session.clear()
    return redirect("/")
