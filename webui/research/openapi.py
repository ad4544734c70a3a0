"""The research tools' part of the OpenAPI description (`webui.openapi` merges it in)."""
from __future__ import annotations

from webui.openapi import (
    DATE,
    INTEGER,
    ISSUE_FIELDS,
    MAX_QUERY_CHARS,
    SEARCH_PARAMETERS,
    STRING,
    URL,
    Schema,
    array,
    errors,
    nullable,
    path_parameter,
    query_parameter,
    record,
    ref,
    response,
)

RESEARCH_SCHEMAS: dict[str, Schema] = {
    "Citation": record(
        "An article's permanent URL and its citation in three formats.",
        url={**STRING, "description": "Absolute permanent URL of the article page."},
        gbt7714={**STRING, "description": "GB/T 7714-2015: 作者. 题名[N]. 报纸名, 出版日期(版次). (unknowns left out)"},
        bibtex={**STRING, "description": "One BibTeX @article entry (entrysubtype newspaper)."},
        ris={**STRING, "description": "One RIS record, TY NEWS."}),
    "YearCount": record("Issues of one year.", year=INTEGER, issues=INTEGER, url=URL),
    "Coverage": record(
        "What the archive holds by date.", issues=INTEGER, first=nullable(DATE), last=nullable(DATE),
        years=array(ref("YearCount")), undated={**INTEGER, "description": "Issues without a known day."}),
    "CalendarDay": record("A day of a month grid.", day=INTEGER, date=DATE, issues=INTEGER,
                          url={**nullable(URL), "description": "The day's page, where it has issues."}),
    "CalendarMonth": record("A month as week rows, Monday first; null before the 1st and after the last day.",
                            month=INTEGER, issues=INTEGER, weeks=array(array(nullable(ref("CalendarDay"))))),
    "YearCalendar": record(
        "The months of a year with the days that have issues.", year=INTEGER, issues=INTEGER,
        months=array(ref("CalendarMonth")), year_only=array(ref("IssueSummary")), weekdays=array(STRING),
        previous_url=nullable(URL), next_url=nullable(URL), url=URL),
    "TrendBucket": record(
        "One period of one query.", period={**STRING, "description": "YYYY or YYYY-MM."},
        count={**INTEGER, "description": "The `total` /api/search gives for the query in this period."},
        articles={**INTEGER, "description": "Every dated article of the period."},
        share=nullable({"type": "number", "description": "count / articles; null for a period without articles."}),
        url={**URL, "description": "The search that lists these articles."}),
    "TrendSeries": record("One query over time.", query=STRING,
                          total={**INTEGER, "description": "All its matches, dated or not."},
                          undated={**INTEGER, "description": "Matches without a day (not in any bucket)."},
                          buckets=array(ref("TrendBucket"))),
    "Trends": record("Matches per period for up to five queries, over the same periods.",
                     interval={"type": "string", "enum": ["year", "month"]}, **{"from": nullable(DATE), "to": nullable(DATE)},
                     filters={"type": "object", "additionalProperties": array(STRING)},
                     series=array(ref("TrendSeries"))),
    "KwicLine": record(
        "One occurrence in its context (plain text).",
        article=record("The article it is in.", id=STRING, title=STRING, url=URL),
        issue=record("Its issue.", id=STRING, date=nullable(DATE)),
        left={**STRING, "description": "Up to `width` characters before, cut at the paragraph's start."},
        match=STRING, right={**STRING, "description": "Up to `width` characters after, cut at the paragraph's end."}),
    "Kwic": record(
        "Every occurrence of the query's words in its matches, a line each.", query=STRING,
        total_hits={**INTEGER, "description": "Occurrences, not articles."}, page=INTEGER, per_page=INTEGER,
        sort={"type": "string", "enum": ["date", "left", "right"]}, width=INTEGER, lines=array(ref("KwicLine")),
        last_page=INTEGER, next_url=nullable(URL), previous_url=nullable(URL)),
    "Day": record("The issues of one day, in page order.", date=DATE, issues=array(ref("IssueSummary")),
                  year_url=URL, search_url=URL, url=URL),
}

def _selection_parameters() -> list[Schema]:
    """The search's filters and dates (its q, paging and sort are each tool's own)."""
    return [parameter for parameter in SEARCH_PARAMETERS if parameter["name"] not in ("q", "page", "per_page", "sort")]


RESEARCH_PATHS: dict[str, Schema] = {
    "/api/trends": {"get": {
        "summary": "A term over time", "operationId": "trends",
        "parameters": [query_parameter("q", {"type": "array", "items": {**STRING, "maxLength": MAX_QUERY_CHARS},
                                             "minItems": 1, "maxItems": 5},
                                       "Up to five queries (repeat q), each in the search's query language.",
                                       style="form", explode=True),
                       query_parameter("interval", {"type": "string", "enum": ["year", "month"], "default": "year"},
                                       "Count by year or by month."),
                       *_selection_parameters()],
        "responses": {"200": response("Per query, its matches in each period.", "Trends"), **errors(400, 413)}}},
    "/api/kwic": {"get": {
        "summary": "Every occurrence in context", "operationId": "kwic",
        "parameters": [next(p for p in SEARCH_PARAMETERS if p["name"] == "q"),
                       query_parameter("width", {**INTEGER, "minimum": 1, "maximum": 200, "default": 20},
                                       "Characters of context on each side."),
                       query_parameter("sort", {"type": "string", "enum": ["date", "left", "right"], "default": "date"},
                                       "Newest first, or by the context left (read from the match outwards) or right "
                                       "of the match (at most 2,000 lines)."),
                       *(p for p in SEARCH_PARAMETERS if p["name"] in ("page", "per_page")),
                       *_selection_parameters()],
        "responses": {"200": response("A page of lines.", "Kwic"), **errors(400, 413)}}},
    "/api/export": {"get": {
        "summary": "Every matching article as a file", "operationId": "export",
        "parameters": [next(p for p in SEARCH_PARAMETERS if p["name"] == "q"),
                       next(p for p in SEARCH_PARAMETERS if p["name"] == "sort"),
                       query_parameter("format", {"type": "string", "enum": ["csv", "jsonl"], "default": "csv"},
                                       "CSV (UTF-8 with a BOM and a header row, for Excel) or JSON Lines."),
                       query_parameter("fields", {"type": "string", "enum": ["text"]}, "Add each article's full text."),
                       *_selection_parameters()],
        "responses": {"200": {"description": "Streamed as a download named after the query; one row or line an "
                                             "article: id, title, subtitle, byline, authors, date, year, page, paper, "
                                             "issue_id, url (and text).",
                              "content": {"text/csv": {"schema": STRING}, "application/x-ndjson": {"schema": STRING}}},
                      **errors(400, 413)}}},
    "/api/articles/{article_id}/cite": {"get": {
        "summary": "Cite one article", "operationId": "cite",
        "parameters": [path_parameter("article_id", "Article id (slashes kept)."),
                       query_parameter("format", {"type": "string", "enum": ["bibtex", "ris"]},
                                       "Download that citation alone (text, with a file name) instead of the JSON.")],
        "responses": {"200": {"description": "The citations (or one, as a download).",
                              "content": {"application/json": {"schema": ref("Citation")},
                                          "application/x-bibtex": {"schema": STRING},
                                          "application/x-research-info-systems": {"schema": STRING}}},
                      **errors(400, 404)}}},
    "/api/calendar": {"get": {
        "summary": "Coverage by date", "operationId": "coverage",
        "responses": {"200": response("First and last day, issues per year.", "Coverage")}}},
    "/api/calendar/{year}": {"get": {
        "summary": "One year's calendar", "operationId": "calendarYear",
        "parameters": [{"name": "year", "in": "path", "required": True, "schema": {**INTEGER, "minimum": 1}}],
        "responses": {"200": response("The year's months.", "YearCalendar"), **errors(404)}}},
    "/api/calendar/{year}/{month}/{day}": {"get": {
        "summary": "One day's issues", "operationId": "calendarDay",
        "parameters": [{"name": name, "in": "path", "required": True, "schema": {**INTEGER, "minimum": 1}}
                       for name in ("year", "month", "day")],
        "responses": {"200": response("The day's issues.", "Day"), **errors(404)}}},
}
