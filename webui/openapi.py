"""The OpenAPI 3.1 description of `/api`, built in code next to the views it describes.

Schemas list every field the server sends and forbid others
(`additionalProperties: false`), so tests that validate real responses
against them catch any drift between this description and the server.
"""
from __future__ import annotations

import functools
from typing import Any

from indexer.api import FACETS, MAX_PER_PAGE, SORTS
from indexer.query import MAX_QUERY_CHARS
from webui.context import ISSUES_PER_PAGE, SEARCH_PER_PAGE

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
DATE: Schema = {"type": "string", "format": "date"}
URL: Schema = {"type": "string", "description": "A path on this server."}


def nullable(schema: Schema) -> Schema:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def record(description: str, optional: dict[str, Schema] | None = None, **properties: Schema) -> Schema:
    """An object whose listed properties are all always present, and nothing else (but `optional`)."""
    return {"type": "object", "description": description, "properties": {**properties, **(optional or {})},
            "required": list(properties), "additionalProperties": False}


def optional(schema: Schema, *names: str) -> Schema:
    """`schema` (a `record`) with the properties `names` present only sometimes."""
    return {**schema, "required": [name for name in schema["required"] if name not in names]}


ISSUE_FIELDS: dict[str, Schema] = {
    "id": {**STRING, "description": "Path under DATA/issues/ without extension, `/`-separated."},
    "date": nullable(DATE),
    "date_source": nullable({"type": "string", "enum": ["header", "filename", "text", "dateline"],
                             "description": "dateline: the text gave the year only; the latest day its articles' datelines name."}),
    "page": nullable(INTEGER),
    "paper": nullable(STRING),
    "year": {**nullable(INTEGER), "description": "Known even when the day is not (a year found in the text)."},
}

SCHEMAS: dict[str, Schema] = {
    "Error": record("Every error response.", error=record(
        "What went wrong and what to do.",
        code={**STRING, "examples": ["bad_query", "bad_parameter", "query_too_long", "not_found",
                                     "unauthorized", "forbidden", "reindex_running", "rate_limited"]},
        message=STRING)),
    "IssueRef": record("The issue (one newspaper page) an article belongs to.", **ISSUE_FIELDS, url=URL),
    "Hit": record(
        "One search result.",
        id=STRING, title=STRING, subtitle=nullable(STRING), byline=nullable(STRING), issue=ref("IssueRef"),
        snippet={**STRING, "description": "HTML: article text escaped, each match wrapped whole in <mark>."},
        score={"type": "number"}, url=URL,
        read_url={**URL, "description": "The article page with the query highlighted, at the first match."}),
    "FacetValue": record("One value of a facet.", value=STRING, count=INTEGER, selected={"type": "boolean"},
                         toggle_url={**URL, "description": "This search with the value added or removed."}),
    "Suggestion": record("A looser search to try when nothing was found.", query=STRING, reason=STRING, url=URL),
    "SearchResults": record(
        "A page of ranked results with facets.",
        query=STRING, total=INTEGER, page=INTEGER, per_page=INTEGER, sort={"type": "string", "enum": list(SORTS)},
        **{"from": nullable(DATE), "to": nullable(DATE)},
        filters={"type": "object", "additionalProperties": array(STRING)},
        results=array(ref("Hit")),
        facets={"type": "object", "additionalProperties": array(ref("FacetValue"))},
        relaxed={"type": "boolean", "description": "No article had all the words: these have some of them."},
        took_ms=INTEGER, last_page=INTEGER, next_url=nullable(URL), previous_url=nullable(URL),
        suggestions=array(ref("Suggestion"))),
    "ArticleLink": record("An article named by its title.", id=STRING, title=STRING, url=URL),
    "Article": optional(record(
        "One article with its paragraphs (as editors corrected them); `highlighted`, `highlighted_captions` "
        "and `highlighted_dateline` only when asked with `q`; `original` only when corrected.",
        id=STRING, title=STRING,
        title_source={**STRING, "description": "heading, line, after or first_sentence."},
        subtitle=nullable(STRING), byline=nullable(STRING), authors=array(STRING), issue=ref("IssueRef"),
        number=INTEGER,
        kind={**STRING, "description": "article, or caption: a photo standing alone, not listed among its issue's articles."},
        paragraphs=array(STRING), headings=array(STRING), places=array(STRING),
        captions={**array(STRING), "description": "Photo captions printed with the article, each with its credit; searched with the body."},
        dateline=nullable({**STRING, "description": "The dateline taken off the first paragraph, e.g. 新华社北京１２月３１日电; searched with the body."}),
        dateline_place=nullable({**STRING, "description": "The place the dateline names (北京)."}),
        dateline_date=nullable({**DATE, "description": "The day the dateline names, in the issue's year."}),
        previous=nullable(ref("ArticleLink")), next=nullable(ref("ArticleLink")),
        highlighted=nullable(array({**STRING, "description": "Escaped HTML with <mark>."})),
        highlighted_captions=nullable(array({**STRING, "description": "The captions as escaped HTML with <mark>."})),
        highlighted_dateline=nullable({**STRING, "description": "The dateline as escaped HTML with <mark> (null without one)."}),
        version={**INTEGER, "description": "1 + the corrections saved and reverted; a correction names it."},
        corrected={"type": "boolean", "description": "Whether the text differs from the OCR original."},
        original=ref("OriginalText"), review=array(ref("PendingCorrection")),
        query=nullable(STRING), url=URL), "original"),
    "IssueSummary": record("One issue in a listing.", **ISSUE_FIELDS,
                           articles={**INTEGER, "description": "How many articles it holds."}, url=URL),
    "IssueList": record("Issues, newest first (undated last).", total=INTEGER, page=INTEGER, per_page=INTEGER,
                        issues=array(ref("IssueSummary")), last_page=INTEGER, next_url=nullable(URL),
                        previous_url=nullable(URL)),
    "Issue": record("One issue with its articles in page order and its original OCR text.", **ISSUE_FIELDS,
                    articles=array(ref("ArticleLink")), text=STRING, url=URL),
    "FailedFile": record("A file the last reindex could not read.", path=STRING, reason=STRING),
    "Health": record("The served index.", status={"type": "string", "enum": ["ok"]}, issues=INTEGER,
                     articles=INTEGER, date_min=nullable(DATE), date_max=nullable(DATE),
                     failed=array(ref("FailedFile")), generation=nullable(STRING), index_bytes=INTEGER,
                     engine={"type": "string", "enum": ["local", "solr"],
                             "description": "Which engine answers: the local index or a SolrCloud collection."},
                     optional={  # the Solr engine's (indexer.engines.solr.views.cluster_health)
                         "collection": {**nullable(STRING), "description": "The collection behind the URL's alias."},
                         "live_nodes": {**array(STRING), "description": "The cluster's live nodes (ZooKeeper's view)."},
                         "shards": {"type": "object", "additionalProperties": array(STRING),
                                    "description": "Each shard's active replicas, by node."},
                         "answered_by": {**nullable(STRING),
                                         "description": "The node that answered the engine's last request."}}),
    "ReindexSummary": record("What a reindex changed.", added=INTEGER, updated=INTEGER, removed=INTEGER,
                             unchanged=INTEGER, failed=array(ref("FailedFile")), articles=INTEGER,
                             characters=INTEGER, seconds={"type": "number"}, chars_per_second=INTEGER),
}


def query_parameter(name: str, schema: Schema, description: str, **extra: Any) -> Schema:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description, **extra}


def path_parameter(name: str, description: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": STRING, "description": description}


def paging_parameters(default_per_page: int) -> list[Schema]:
    return [
        query_parameter("page", {**INTEGER, "minimum": 1, "default": 1}, "Page number; page × per_page ≤ 10000."),
        query_parameter("per_page", {**INTEGER, "minimum": 1, "maximum": MAX_PER_PAGE, "default": default_per_page},
                        "Results per page."),
    ]


def response(description: str, schema_name: str) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": ref(schema_name)}}}


def errors(*statuses: int) -> dict[str, Schema]:
    meanings = {400: "Bad query or parameter.", 401: "Missing or wrong token.", 403: "Admin endpoint disabled.",
                404: "No such record.", 409: "A reindex is already running.", 413: "Query too long.",
                429: "Too many requests; see Retry-After."}
    return {str(status): response(meanings[status], "Error") for status in statuses}


SEARCH_PARAMETERS = [
    query_parameter("q", {**STRING, "maxLength": MAX_QUERY_CHARS},
                    'The query: words (AND), "phrases", "near words"~N, OR, NOT or -word, parentheses, title:…, byline:…'),
    *paging_parameters(SEARCH_PER_PAGE),
    query_parameter("sort", {"type": "string", "enum": list(SORTS), "default": SORTS[0]}, "relevance (best first), date (newest first) or -date (oldest first); undated articles last."),
    query_parameter("from", DATE, "Earliest issue date, inclusive."),
    query_parameter("to", DATE, "Latest issue date, inclusive."),
    *(query_parameter(name, array(STRING), f"Only results whose {name} is this value (repeatable: all must hold).",
                      style="form", explode=True) for name in FACETS),
]


@functools.cache
def openapi_spec() -> Schema:
    from webui import research  # its description builds on this module's helpers
    from webui.corrections_openapi import CORRECTION_PATHS, CORRECTION_SCHEMAS, EDITOR_TOKEN

    return {
        "openapi": "3.1.0",
        "info": {"title": "报纸档案检索 API", "version": "1.0.0",
                 "description": "Search and read OCR'd Chinese newspaper pages. All responses are UTF-8 JSON."},
        "paths": {
            "/api/search": {"get": {
                "summary": "Search articles", "operationId": "search", "parameters": SEARCH_PARAMETERS,
                "responses": {"200": response("Ranked results.", "SearchResults"), **errors(400, 413)}}},
            "/api/articles/{article_id}": {"get": {
                "summary": "Read one article", "operationId": "article",
                "parameters": [path_parameter("article_id", "Article id, e.g. 000_143190444e71cc2b/3 (slashes kept)."),
                               query_parameter("q", {**STRING, "maxLength": MAX_QUERY_CHARS},
                                               "Highlight this query's matches in `highlighted`.")],
                "responses": {"200": response("The article.", "Article"), **errors(400, 404, 413)}}},
            "/api/issues": {"get": {
                "summary": "List issues", "operationId": "issues", "parameters": paging_parameters(ISSUES_PER_PAGE),
                "responses": {"200": response("Issues, newest first.", "IssueList"), **errors(400)}}},
            "/api/issues/{issue_id}": {"get": {
                "summary": "One issue", "operationId": "issue",
                "parameters": [path_parameter("issue_id", "Issue id, e.g. 2021/04/000_x (slashes kept).")],
                "responses": {"200": response("The issue.", "Issue"), **errors(404)}}},
            "/api/health": {"get": {
                "summary": "Index status", "operationId": "health",
                "responses": {"200": response("Counts and the index generation.", "Health")}}},
            "/api/openapi.json": {"get": {
                "summary": "This description", "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI 3.1 document.",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/api/reindex": {"post": {
                "summary": "Index new and changed files, drop removed ones", "operationId": "reindex",
                "security": [{"adminToken": []}],
                "parameters": [query_parameter("full", {"type": "string", "enum": ["0", "1", "true", "false"]},
                                               "Rebuild the whole index.")],
                "responses": {"200": response("What changed.", "ReindexSummary"),
                              **errors(401, 403, 409, 429)}}},
            **research.openapi.RESEARCH_PATHS,
            **CORRECTION_PATHS,
        },
        "components": {
            "schemas": {**SCHEMAS, **research.openapi.RESEARCH_SCHEMAS, **CORRECTION_SCHEMAS},
            "securitySchemes": {"adminToken": {"type": "http", "scheme": "bearer",
                                               "description": "The server's ARCHIVE_ADMIN_TOKEN."},
                                "editorToken": EDITOR_TOKEN},
        },
    }
