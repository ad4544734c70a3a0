"""Security: hostile text stays text, every response carries the security headers, ids and static
paths never leave their folders, the admin token is never logged, and expensive endpoints can be
rate-limited.

The archive is tests/hardening_fixtures.py's hostile archive: beyond hostile
article text (which tests/test_escaping.py covers for the snippet, the
article and the OCR text), its paper name, byline, title and even its file
name (so its id and every URL to it) hold `<script>`, `<img onerror>`,
quotes and `&`. The templates use no script, image, bold or italic element
and no event attribute at all, so any such element in a page came from the
data: an escaping slip.
"""
from __future__ import annotations

import http.client
import socket
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.reindex_fixtures import reindex
from tests.hardening_fixtures import (  # noqa: F401 (fixtures)
    HOSTILE_ISSUES,
    HOSTILE_WORD,
    app_client,
    hostile_archive,
    hostile_client,
    hostile_server,
)
from tests.webui_fixtures import ADMIN_TOKEN

HOSTILE_ID = next(iter(HOSTILE_ISSUES))  # hostile/<b>&"'2021-05-07
DATA_ELEMENTS = "script, img, b, i, iframe, object, embed, svg"  # none of these is in any template
REQUIRED_HEADERS = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def hostile_pages(client: FlaskClient) -> dict[str, str]:
    """Every page that shows something of the hostile issue: URL -> HTML."""
    hit = client.get("/api/search", query_string={"q": HOSTILE_WORD}).json["results"][0]
    urls = [
        f"/search?q={quote(HOSTILE_WORD)}",
        "/search?" + hit["issue"]["url"].replace("/issues/", "issue=", 1),  # filtered by the hostile issue id
        f"/search?q={quote(HOSTILE_WORD)}&paper={quote(hit['issue']['paper'])}",
        hit["read_url"].split("#")[0],
        hit["issue"]["url"],
        "/issues",
        "/",
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.get_data(as_text=True)
    return pages


# --- escaping ----------------------------------------------------------------------------


def test_no_page_about_the_hostile_issue_has_an_element_or_attribute_from_the_data(hostile_client):
    for url, html in hostile_pages(hostile_client).items():
        soup = BeautifulSoup(html, "html.parser")
        assert not soup.select(DATA_ELEMENTS), url
        handlers = [(tag.name, name) for tag in soup.find_all(True) for name in tag.attrs if name.startswith("on")]
        assert not handlers, (url, handlers)
        links = [tag.get("href", "") + tag.get("action", "") for tag in soup.find_all(["a", "link", "form"])]
        assert not [link for link in links if link.lower().startswith(("javascript:", "data:"))], url


def test_the_hostile_paper_byline_and_title_are_shown_as_text(hostile_client):
    hit = hostile_client.get("/api/search", query_string={"q": HOSTILE_WORD}).json["results"][0]
    soup = BeautifulSoup(hostile_client.get(hit["read_url"].split("#")[0]).get_data(as_text=True), "html.parser")
    assert "<img src=x onerror=alert(1)>" in soup.select_one("h1").text
    assert "<script>alert('paper')</script>" in soup.text
    assert "<script>alert('byline')</script>" in soup.text


def test_facet_values_from_hostile_metadata_stay_text_in_json_and_links(hostile_client):
    body = hostile_client.get("/api/search", query_string={"q": HOSTILE_WORD}).json
    papers = {value["value"]: value["toggle_url"] for value in body["facets"]["paper"]}
    paper = "<script>alert('paper')</script>晚报"
    assert paper in papers
    assert "<" not in papers[paper] and "'" not in papers[paper], "a toggle URL is percent-encoded"


def test_snippets_mark_matches_and_escape_everything_else(hostile_client):
    snippet = hostile_client.get("/api/search", query_string={"q": "假高亮"}).json["results"][0]["snippet"]
    assert "&lt;mark&gt;<mark>假高亮</mark>&lt;/mark&gt;" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    already_escaped = hostile_client.get("/api/search", query_string={"q": "已转义"}).json["results"][0]["snippet"]
    assert "&amp;lt;<mark>已转义</mark>&amp;gt;" in already_escaped, "text that looks escaped is escaped again"


def test_an_id_with_quotes_angle_brackets_and_ampersand_round_trips_through_its_urls(hostile_client):
    issue = hostile_client.get("/api/issues/" + quote(HOSTILE_ID))
    assert issue.status_code == 200 and issue.json["id"] == HOSTILE_ID
    assert all(c not in issue.json["url"] for c in "<>\"'&"), issue.json["url"]
    assert hostile_client.get(issue.json["url"]).status_code == 200


# --- headers on every response -------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/"), ("GET", "/search?q=民警"), ("GET", "/search?q=" + "民" * 501), ("GET", "/search?q=(("),
    ("GET", "/help"), ("GET", "/issues"), ("GET", "/no-such-page"), ("GET", "/static/archive.css"),
    ("GET", "/static/no-such-file.css"), ("GET", "/api/search?q=民警"), ("GET", "/api/search"),
    ("GET", "/api/health"), ("GET", "/api/openapi.json"), ("GET", "/api/articles/nothing"),
    ("POST", "/api/search"), ("POST", "/api/reindex"), ("GET", "/search"), ("HEAD", "/"),
])
def test_every_response_carries_the_security_headers(hostile_client, method, path):
    with hostile_client.open(path, method=method) as response:
        for name, value in REQUIRED_HEADERS.items():
            assert value in response.headers.get(name, ""), f"{name} missing on {method} {path} ({response.status_code})"


def test_a_big_request_body_is_refused_with_413_not_buffered(hostile_server):
    """No endpoint takes a body; the server must not spool megabytes of one to disk first."""
    response = requests.post(hostile_server + "/api/search", data=b"x" * (2 * 1024 * 1024), timeout=30)
    assert response.status_code == 413
    for name, value in REQUIRED_HEADERS.items():
        assert value in response.headers.get(name, ""), f"{name} missing on waitress's own 413"


def raw_exchange(base_url: str, request: bytes) -> tuple[int, dict[str, str]]:
    """Send `request` byte for byte on a fresh connection: (status, headers) of the answer."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer and (chunk := sock.recv(65536)):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in head[1:] if ": " in line)
    return int(head[0].split()[1]), headers


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GARBAGE\r\n\r\n", 400),  # no method, path and version
    (b"GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", 400),  # a header without a colon
    (b"GET /api/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),  # bad chunk
    (b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n", 413),
    (b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 300_000 + b"\r\n\r\n", 431),
], ids=["bad-request-line", "bad-header", "bad-chunk", "body-too-large", "headers-too-large"])
def test_the_http_servers_own_error_responses_carry_the_security_headers(hostile_server, request_bytes, status):
    """waitress answers these before the app sees them; they must not be the one unprotected response."""
    answered, headers = raw_exchange(hostile_server, request_bytes)
    assert answered == status
    for name, value in REQUIRED_HEADERS.items():
        assert value in headers.get(name, ""), f"{name} missing on waitress's own {status}"


def test_the_csp_forbids_inline_script_and_other_hosts(hostile_client):
    policy = hostile_client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy and "*" not in policy
    assert "frame-ancestors 'none'" in policy


# --- path traversal, over real HTTP (the client sends these paths byte for byte) -----------------

TRAVERSALS = [
    "/articles/..%2f..%2fetc/passwd", "/articles/..%2F..%2F..%2Fpyproject.toml", "/api/articles/..%2f..%2fetc/passwd",
    "/issues/../../x", "/issues/..%2f..%2fpyproject", "/api/issues/..%2f..%2f..%2fpyproject",
    "/api/issues/%2e%2e/%2e%2e/pyproject", "/issues/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static/../pyproject.toml", "/static/..%2fpyproject.toml", "/static/..%2f..%2fpyproject.toml",
    "/static/%2e%2e/%2e%2e/pyproject.toml", "/static/..%5c..%5cpyproject.toml", "/static//etc/passwd",
    "/static/%2fetc%2fpasswd", "/static/....//....//pyproject.toml", "/issues/%00", "/api/issues/x%00.txt",
    "/api/issues/" + quote("/etc/passwd", safe=""), "/issues/..;/..;/pyproject",
]


def raw_get(base_url: str, path: str) -> http.client.HTTPResponse:
    """GET `path` exactly as written: no client-side normalisation of `..`, `//` or percent-escapes."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        response.text = response.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
        return response
    finally:
        connection.close()


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_id_or_static_path_reaches_outside_its_folder(hostile_server, path):
    response = raw_get(hostile_server, path)
    assert response.status in (400, 404, 308), (response.status, response.text[:200])
    assert "root:x:0:0" not in response.text and "[project]" not in response.text


@pytest.mark.parametrize("path", ["//evil.example/", "//evil.example/search", "///evil.example/x",
                                  "/static//evil.example", "/search?q=&next=//evil.example"])
def test_no_redirect_leads_to_another_host(hostile_server, path):
    location = raw_get(hostile_server, path).getheader("Location") or ""
    assert "evil.example" not in urlsplit(location).netloc, location


def test_a_symbolic_link_out_of_the_issues_folder_is_refused_not_served(tmp_path):
    """Someone who can drop files into a watched folder must not be able to publish the server's own files."""
    secret = tmp_path / "secret.txt"
    secret.write_text("服务器上的机密：不该出现在档案里。\n", encoding="utf-8")
    (tmp_path / "data" / "issues").mkdir(parents=True)
    (tmp_path / "data" / "issues" / "link.txt").symlink_to(secret)
    summary = reindex(tmp_path / "data")
    assert [(f.path, "link" in f.reason) for f in summary.failed] == [("issues/link.txt", True)]
    with app_client(tmp_path / "data") as client:
        assert client.get("/api/issues/link").status_code == 404
        assert client.get("/api/search", query_string={"q": "机密"}).json["total"] == 0


def test_an_issue_file_is_not_served_as_a_static_file(hostile_server):
    assert raw_get(hostile_server, "/static/../../issues/" + quote(HOSTILE_ID) + ".txt").status == 404


# --- the admin token ---------------------------------------------------------------------


@pytest.mark.parametrize("authorization", [
    "Bearer " + ADMIN_TOKEN[:-1], "Bearer " + ADMIN_TOKEN + "x", "Bearer", "Basic " + ADMIN_TOKEN, ADMIN_TOKEN,
    "Bearer " + "x" * 100_000, "Bearer \u00ff\u00fe", "Bearer " + ADMIN_TOKEN.upper(),
])
def test_a_wrong_token_of_any_shape_is_401_never_a_500(hostile_server, authorization):
    response = requests.post(hostile_server + "/api/reindex", headers={"Authorization": authorization.encode("latin-1")},
                             timeout=30)
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthorized"


def test_the_token_is_never_written_to_the_server_log(hostile_server, hostile_archive: Path):
    for authorization in ("Bearer " + ADMIN_TOKEN, "Bearer wrong-" + ADMIN_TOKEN):
        requests.post(hostile_server + "/api/reindex", headers={"Authorization": authorization}, timeout=120)
    requests.get(hostile_server + "/api/search", params={"q": "(("}, headers={"Authorization": ADMIN_TOKEN}, timeout=30)
    log = (hostile_archive / "server.log").read_text(encoding="utf-8", errors="replace")
    assert ADMIN_TOKEN not in log


def test_the_token_is_compared_in_constant_time():
    """Reviewed, not timed: a timing test would be flaky. The comparison must be hmac.compare_digest."""
    import inspect

    from webui import security

    assert "hmac.compare_digest(" in inspect.getsource(security.require_admin_token)


# --- rate limits --------------------------------------------------------------------------


@pytest.fixture
def limited_client(hostile_archive: Path):
    """An app whose search allows 3 calls a minute per client: the setting an operator would lower."""
    with app_client(hostile_archive, SEARCH_RATE_LIMIT=(3, 60.0)) as client:
        yield client


def test_search_is_rate_limited_when_configured(limited_client):
    statuses = [limited_client.get("/api/search", query_string={"q": "民警"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = limited_client.get("/api/search", query_string={"q": "民警"})
    assert refused.json["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert REQUIRED_HEADERS["Content-Security-Policy"] in refused.headers["Content-Security-Policy"]


def test_the_search_page_shares_the_search_limit(limited_client):
    for _ in range(3):
        limited_client.get("/api/search", query_string={"q": "民警"})
    assert limited_client.get("/search", query_string={"q": "民警"}).status_code == 429


def test_search_is_not_limited_unless_configured(hostile_client):
    assert {hostile_client.get("/api/search", query_string={"q": "民"}).status_code for _ in range(20)} == {200}


def test_the_local_token_of_archive_add_reindexes_without_admin_token_or_rate_limit(hostile_archive: Path):
    """`archive serve` accepts its own token from DATA/.archive/server.json (mode 0600) for `archive add`."""
    local = {"Authorization": "Bearer local-secret"}
    with app_client(hostile_archive, ADMIN_TOKEN=None, LOCAL_TOKEN="local-secret", REINDEX_RATE_LIMIT=(1, 60.0)) as client:
        assert [client.post("/api/reindex", headers=local).status_code for _ in range(3)] == [200, 200, 200]
        assert client.post("/api/reindex", headers={"Authorization": "Bearer local-secreT"}).status_code == 403
        assert client.post("/api/reindex").status_code == 403
