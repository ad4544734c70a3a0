"""`/api/openapi.json` is a valid OpenAPI 3.1 document that tells the truth about the server.

Every documented path is served, every served `/api` route is documented,
and real responses validate against the documented response schemas
(which forbid undocumented fields).
"""
from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from tests.webui_fixtures import ADMIN_TOKEN, HOSTILE_ISSUE_ID

pytest_plugins = ["tests.webui_plugin"]  # the shared test archive, server and clients


@pytest.fixture
def spec(http) -> dict:
    response = http.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def assert_matches_spec(spec: dict, method: str, path_template: str, response) -> None:
    """The response's body validates against the schema documented for its status code."""
    documented = spec["paths"][path_template][method]["responses"]
    assert str(response.status_code) in documented, f"{response.status_code} not documented for {path_template}"
    schema = documented[str(response.status_code)]["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**schema, "components": spec["components"]},
                                     format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())]
    assert not errors, errors


def test_the_description_is_valid_openapi(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.1")


def test_every_api_route_is_documented_and_every_documented_path_served(spec, client_with):
    app_routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
                  for rule in client_with().application.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert app_routes == set(spec["paths"])


@pytest.mark.parametrize("path, params", [
    ("/api/search", {"q": "民警"}),
    ("/api/search", {"q": "民警", "year": "2021", "sort": "-date", "per_page": "2", "page": "2"}),
    ("/api/search", {"q": '"民警 貉子不存在"', "from": "2021-01-01"}),
    ("/api/search", {"q": "民警", "per_page": "0"}),
    ("/api/search", {"q": "民" * 501}),
    ("/api/search", {"q": "(((("}),
    ("/api/issues", {}),
    ("/api/issues", {"page": "-1"}),
    ("/api/health", {}),
])
def test_real_responses_match_the_documented_schemas(spec, http, path, params):
    assert_matches_spec(spec, "get", path, http.get(path, params=params))


def test_article_and_issue_responses_match_the_documented_schemas(spec, http):
    issue = http.get(f"/api/issues/{HOSTILE_ISSUE_ID}")
    assert_matches_spec(spec, "get", "/api/issues/{issue_id}", issue)
    article_url = "/api" + issue.json()["articles"][0]["url"]
    assert_matches_spec(spec, "get", "/api/articles/{article_id}", http.get(article_url))
    assert_matches_spec(spec, "get", "/api/articles/{article_id}", http.get(article_url, params={"q": "民警"}))
    assert_matches_spec(spec, "get", "/api/articles/{article_id}", http.get("/api/articles/nothing/1"))
    assert_matches_spec(spec, "get", "/api/issues/{issue_id}", http.get("/api/issues/nothing"))


@pytest.mark.parametrize("path, template", [
    ("/api/calendar", "/api/calendar"),
    ("/api/calendar/2021", "/api/calendar/{year}"),
    ("/api/calendar/2016", "/api/calendar/{year}"),
    ("/api/calendar/99999", "/api/calendar/{year}"),
    ("/api/calendar/2021/05/06", "/api/calendar/{year}/{month}/{day}"),
    ("/api/calendar/2021/02/30", "/api/calendar/{year}/{month}/{day}"),
    ("/api/articles/002_48a5c07f79fd3eae/1/cite", "/api/articles/{article_id}/cite"),
    ("/api/articles/002_48a5c07f79fd3eae/1/cite?format=word", "/api/articles/{article_id}/cite"),
    ("/api/articles/nothing/1/cite", "/api/articles/{article_id}/cite"),
    ("/api/trends?q=民警&q=诈骗&interval=month", "/api/trends"),
    ("/api/trends?q=民警&year=2021&from=2021-03-01", "/api/trends"),
    ("/api/trends?interval=week&q=民警", "/api/trends"),
    ("/api/kwic?q=民警&per_page=5&page=2&sort=right", "/api/kwic"),
    ("/api/kwic?q=民警&width=0", "/api/kwic"),
])
def test_research_responses_match_the_documented_schemas(spec, http, path, template):
    assert_matches_spec(spec, "get", template, http.get(path))


def test_export_answers_its_documented_types(spec, http):
    documented = spec["paths"]["/api/export"]["get"]["responses"]
    for chosen in ("csv", "jsonl"):
        response = http.get("/api/export", params={"q": "民警", "format": chosen})
        assert response.headers["Content-Type"].split(";")[0] in documented["200"]["content"]
    assert_matches_spec(spec, "get", "/api/export", http.get("/api/export", params={"q": "民警", "format": "pdf"}))


def test_reindex_responses_match_the_documented_schemas(spec, http):
    assert_matches_spec(spec, "post", "/api/reindex", http.post("/api/reindex"))
    ok = http.post("/api/reindex", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert_matches_spec(spec, "post", "/api/reindex", ok)
