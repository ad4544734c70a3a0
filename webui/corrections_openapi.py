"""The OpenAPI description of the corrections endpoints (webui.corrections), merged into webui.openapi's."""
from __future__ import annotations

from archive.corrections.text import CORRECTABLE_FIELDS
from webui.openapi import INTEGER, STRING, URL, Schema, array, nullable, path_parameter, query_parameter, record, ref, response

CORRECTION_SCHEMAS: dict[str, Schema] = {
    "Correction": record(
        "One corrected field: who, when, its whole text before and after, and where it applies now.",
        id=INTEGER, field={"type": "string", "enum": list(CORRECTABLE_FIELDS)},
        paragraph={**nullable(INTEGER), "description": "Index into `paragraphs` (field=paragraph) or `captions` "
                   "(field=caption), from 0."},
        before=STRING, after=STRING, editor=STRING, at={**STRING, "format": "date-time"}, note=STRING,
        reverted_by=nullable(INTEGER), reverts=nullable(INTEGER),
        status={"type": "string", "enum": ["applied", "review", "dismissed", "reverted"],
                "description": "review: the issue file was replaced (or split otherwise by a new splitter) and "
                               "`before` is not in the new text; dismissed: an editor marked that as dealt with."},
        dismissed=nullable(record("Who marked a correction needing review as dealt with, and when.", editor=STRING,
                                  at={**STRING, "format": "date-time"})),
        article={**STRING, "description": "The article it was made on."},
        applies_to={**nullable(STRING), "description": "The article it applies to now (after a new scan)."},
        issue_sha256={**STRING, "description": "sha256 of the issue file it was made on."},
        where={**STRING, "description": "The field in words (标题, 第 3 段)."}, history_url=URL),
    "OriginalText": record("A corrected article's text as the OCR read it.", title=STRING, subtitle=nullable(STRING),
                           byline=nullable(STRING), paragraphs=array(STRING), dateline=nullable(STRING),
                           captions=array(STRING)),
    "PendingCorrection": record(
        "A correction the issue file's new scan could not take (its `before` text is gone): for an editor to redo.",
        id=INTEGER, field={"type": "string", "enum": list(CORRECTABLE_FIELDS)},
        paragraph=nullable(INTEGER), before=STRING, after=STRING, editor=STRING, at={**STRING, "format": "date-time"}),
    "CorrectionHistory": record("An article's corrections, oldest first.", article=STRING, version=INTEGER,
                                corrections=array(ref("Correction")), review=array(ref("Correction"))),
    "CorrectionSaved": record("What a save or revert stored.", article=STRING, version=INTEGER,
                              corrections=array(ref("Correction")),
                              searchable={"type": "boolean", "description": "Whether search shows it already "
                                          "(false: the index is still being updated, usually within seconds)."}),
    "CorrectionDismissed": record("A correction marked as dealt with.", correction=ref("Correction"),
                                  searchable={"type": "boolean", "description": "Whether the article's `review` "
                                              "in search and the API shows it already."}),
    "CorrectionList": record("Recent corrections across the archive, newest first.",
                             corrections=array(ref("Correction")), next_url=nullable(URL)),
    "CorrectionRequest": {
        "type": "object", "required": ["version", "changes"], "additionalProperties": True,
        "properties": {
            "version": {**INTEGER, "description": "The article version the changes were made on."},
            "changes": array({"type": "object", "required": ["field", "text"], "properties": {
                "field": {"type": "string", "enum": list(CORRECTABLE_FIELDS)},
                "paragraph": {**INTEGER, "description": "For field=paragraph or caption: its index, from 0."},
                "text": {**STRING, "description": "The field's whole new text; empty removes a subtitle, byline or dateline."}}}),
            "note": STRING}},
}

_ERRORS = {400: "Bad body or change.", 401: "Missing or wrong editor token.", 404: "No such article or correction.",
           409: "Not the current version (the message says what changed), already reverted, or not needing review.",
           413: "Body over 1 MB.", 429: "Too many saves; see Retry-After."}


def _errors(*statuses: int) -> dict[str, Schema]:
    return {str(status): response(_ERRORS[status], "Error") for status in statuses}


ARTICLE_ID = path_parameter("article_id", "Article id, e.g. 000_143190444e71cc2b/3 (slashes kept).")

CORRECTION_PATHS: dict[str, Schema] = {
    "/api/articles/{article_id}/corrections": {
        "get": {"summary": "An article's corrections", "operationId": "articleCorrections", "parameters": [ARTICLE_ID],
                "responses": {"200": response("The history.", "CorrectionHistory"), **_errors(404)}},
        "post": {"summary": "Correct an article's OCR text", "operationId": "correctArticle",
                 "security": [{"editorToken": []}], "parameters": [ARTICLE_ID],
                 "requestBody": {"required": True, "content": {"application/json": {"schema": ref("CorrectionRequest")}}},
                 "responses": {"201": response("Saved.", "CorrectionSaved"), **_errors(400, 401, 404, 409, 413, 429)}}},
    "/api/corrections/{correction_id}/revert": {"post": {
        "summary": "Revert one correction (itself a new correction)", "operationId": "revertCorrection",
        "security": [{"editorToken": []}],
        "parameters": [{"name": "correction_id", "in": "path", "required": True, "schema": INTEGER}],
        "responses": {"201": response("Reverted.", "CorrectionSaved"), **_errors(401, 404, 409, 429)}}},
    "/api/corrections/{correction_id}/dismiss": {"post": {
        "summary": "Mark a correction that needs review as dealt with", "operationId": "dismissCorrection",
        "security": [{"editorToken": []}],
        "parameters": [{"name": "correction_id", "in": "path", "required": True, "schema": INTEGER}],
        "responses": {"200": response("Dismissed: it leaves the review lists and stays in the history.",
                                      "CorrectionDismissed"), **_errors(401, 404, 409, 429)}}},
    "/api/corrections": {"get": {
        "summary": "Recent corrections", "operationId": "recentCorrections",
        "parameters": [query_parameter("before", INTEGER, "Only corrections with a smaller id (the next page)."),
                       query_parameter("per_page", {**INTEGER, "minimum": 1, "maximum": 100, "default": 50}, "Entries.")],
        "responses": {"200": response("Newest first.", "CorrectionList"), **_errors(400)}}},
}

EDITOR_TOKEN: Schema = {"type": "http", "scheme": "bearer", "description": "An editor's token from `archive editor token NAME`."}
