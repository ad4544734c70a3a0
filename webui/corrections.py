"""Corrections over HTTP: the JSON API for scripts and the pages for editors (CONTRACT "Corrections").

Both call archive.corrections.service and share the context builders
below, as the search pages and API do. The API authenticates with an
editor's Bearer token, the pages with the login session and a CSRF token
(webui.auth). After each save or revert the engine reindexes the issue
(webui.index_updates) before the answer goes out, so the article page
and search show the correction at once.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, redirect, render_template, request
from werkzeug.datastructures import MultiDict

from archive.corrections.diff import char_diff, trimmed
from archive.corrections.editors import Editor
from archive.corrections.service import Conflict, CorrectedArticle, Correction, NotFound, Saved
from archive.corrections.text import (CORRECTABLE_FIELDS, MAX_NOTE_CHARS, NUMBERED_FIELDS, ArticleText, Change, ChangeError,
                                      plan_edits, where)
from webui import context, urls
from webui.auth import corrections, current_editor, editor_required, token_editor
from webui.errors import ClientError
from webui.index_updates import IndexUpdates, made_searchable
from webui.security import enforce_rate_limit

api_bp = Blueprint("corrections_api", __name__, url_prefix="/api")
bp = Blueprint("corrections", __name__)

RECENT_PER_PAGE = 50
CORRECTION_FEED_ENTRIES = 50
# Endpoints that take a whole article's text: a long article posted from the form is more than the
# 64 KB every other endpoint allows (webui.server lets waitress buffer up to this much).
BODY_ENDPOINTS = frozenset({"corrections_api.save", "corrections_api.revert", "corrections.edit_post",
                            "corrections.revert_post"})


def init_app(app: Flask) -> None:
    app.extensions["index_updates"] = IndexUpdates(app.extensions["archive"])

    @app.before_request
    def allow_article_sized_bodies() -> None:
        if request.endpoint in BODY_ENDPOINTS:
            request.max_content_length = app.config["CORRECTION_MAX_BODY"]

    app.register_blueprint(api_bp)
    app.register_blueprint(bp)


# --- context builders ----------------------------------------------------------------


def correction_context(c: Correction) -> dict[str, Any]:
    return {
        "id": c.id, "field": c.field, "paragraph": c.paragraph, "before": c.before, "after": c.after,
        "editor": c.editor, "at": c.at, "note": c.note, "reverted_by": c.reverted_by, "reverts": c.reverts,
        "status": c.status, "article": c.article_id, "applies_to": c.applies_to, "issue_sha256": c.issue_sha256,
        "dismissed": {"editor": c.dismissed_by, "at": c.dismissed_at} if c.status == "dismissed" else None,
        "where": where(c.field, c.paragraph), "history_url": urls.article_url(c.applies_to or c.article_id) + "/history",
    }


def saved_context(saved: Saved, searchable: bool) -> dict[str, Any]:
    """A save's or revert's answer; `searchable`: the index shows it already (see webui.index_updates)."""
    return {"article": saved.article_id, "version": saved.version,
            "corrections": [correction_context(c) for c in saved.corrections], "searchable": searchable}


def shown_article(article_id: str) -> CorrectedArticle:
    found = corrections().article(article_id) if context.valid_id(article_id) else None
    if found is None:
        raise ClientError(404, "not_found", f"没有这篇文章：{article_id}")
    return found


def history_context(article_id: str) -> dict[str, Any]:
    shown = shown_article(article_id)
    return {"article": article_id, "version": shown.version, "title": shown.article.title,
            "corrections": [correction_context(c) for c in corrections().history(article_id)],
            "review": [correction_context(c) for c in shown.review], "url": urls.article_url(article_id)}


def original_context(article: dict[str, Any]) -> list[dict[str, Any]]:
    """A corrected article's OCR original (`article_context`'s `original`), field by field, as diff
    pieces of the original alone: `removed` marks what the corrections replaced. Empty if uncorrected."""
    original = article.get("original")
    if not original:
        return []
    shown = [ArticleText(text["title"], text["subtitle"], text["byline"], tuple(text["paragraphs"]),
                         text.get("dateline"), tuple(text.get("captions", ())))  # absent from older indexes
             for text in (original, article)]
    return [{"where": where(field, paragraph),
             "pieces": [piece for piece in char_diff(before, after) if piece.kind != "added"]}
            for field, paragraph, before, after in shown[0].fields_beside(shown[1]) if before]


def recent_context(args: MultiDict) -> dict[str, Any]:
    before = context.int_arg(args, "before", 0, 1, 2**62) or None
    per_page = context.int_arg(args, "per_page", RECENT_PER_PAGE, 1, 100)
    found = corrections().recent(per_page + 1, before)
    more = len(found) > per_page
    found = found[:per_page]
    return {"corrections": [correction_context(c) for c in found],
            "next_url": urls.with_args(request.path, args, before=found[-1].id) if more else None}


def refused(error: Exception) -> ClientError:
    """The service's refusals as the HTTP errors CONTRACT names."""
    if isinstance(error, NotFound):
        return ClientError(404, "not_found", str(error))
    if isinstance(error, Conflict):
        return ClientError(409, "version_conflict", str(error))
    return ClientError(400, "bad_correction", str(error))


# --- the JSON API ----------------------------------------------------------------------


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ClientError(400, "bad_correction", "请求体必须是 JSON 对象，Content-Type: application/json。")
    return body


def changes_from_json(body: dict[str, Any]) -> list[Change]:
    """`changes` of a JSON body (CONTRACT shape), checked for shape; the text is checked by the service."""
    raw = body.get("changes")
    if not isinstance(raw, list) or not raw:
        raise ClientError(400, "bad_correction", "changes 必须是非空数组：[{\"field\": \"title\", \"text\": \"…\"}]。")
    changes = []
    for item in raw:
        if not isinstance(item, dict) or item.get("field") not in CORRECTABLE_FIELDS:
            raise ClientError(400, "bad_correction", f"每项改动要有 field（{' / '.join(CORRECTABLE_FIELDS)}）和 text。")
        paragraph, numbered = item.get("paragraph"), item["field"] in NUMBERED_FIELDS
        if numbered and (not isinstance(paragraph, int) or isinstance(paragraph, bool)):
            raise ClientError(400, "bad_correction", "改段落或图片说明时要给出 paragraph（段落或图片说明的编号，从 0 开始的整数）。")
        changes.append(Change(item["field"], paragraph if numbered else None, item.get("text")))
    return changes


def counted(editor: Editor) -> Editor:
    """Count a save or revert against the editor's allowance (CORRECTION_RATE_LIMIT: per editor, not per
    address, because a newsroom shares one address and a script must not use up its colleagues' limit)."""
    enforce_rate_limit("CORRECTION_RATE_LIMIT", "editor:" + editor.name)
    return editor


@api_bp.post("/articles/<path:article_id>/corrections")
def save(article_id: str) -> tuple[Response, int]:
    editor = counted(token_editor())
    body = _json_body()
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ClientError(400, "bad_correction", "要给出 version（整数）：你修改所依据的文章版本，见 GET /api/articles/<id>/corrections 的 version。")
    if not context.valid_id(article_id):
        raise ClientError(404, "not_found", f"没有这篇文章：{article_id}")
    try:
        saved = corrections().save(article_id, version, changes_from_json(body), body.get("note", ""), editor)
    except (NotFound, Conflict, ChangeError) as error:
        raise refused(error)
    return jsonify(saved_context(saved, made_searchable())), 201


@api_bp.get("/articles/<path:article_id>/corrections")
def history(article_id: str) -> Response:
    found = history_context(article_id)
    return jsonify({key: found[key] for key in ("article", "version", "corrections", "review")})


@api_bp.post("/corrections/<int:correction_id>/revert")
def revert(correction_id: int) -> tuple[Response, int]:
    editor = counted(token_editor())
    body = request.get_json(silent=True) if request.content_length else {}
    note = body.get("note", "") if isinstance(body, dict) else None
    try:
        saved = corrections().revert(correction_id, note, editor)
    except (NotFound, Conflict, ChangeError) as error:
        raise refused(error)
    return jsonify(saved_context(saved, made_searchable())), 201


@api_bp.post("/corrections/<int:correction_id>/dismiss")
def dismiss(correction_id: int) -> Response:
    """Mark a correction that needs review as dealt with (Correction.status "dismissed")."""
    editor = counted(token_editor())
    try:
        dismissed = corrections().dismiss(correction_id, editor)
    except (NotFound, Conflict) as error:
        raise refused(error)
    return jsonify({"correction": correction_context(dismissed), "searchable": made_searchable()})


@api_bp.get("/corrections")
def recent() -> Response:
    return jsonify(recent_context(request.args))


# --- pages ---------------------------------------------------------------------------


# The edit form's name of each numbered field's inputs: p0, p1 … for paragraphs, c0, c1 … for captions.
FORM_PREFIXES = {"paragraph": "p", "caption": "c"}
HEAD_FIELDS = ("title", "subtitle", "byline", "dateline")


def form_changes(form: MultiDict, shown: ArticleText) -> list[Change]:
    """The edit form's fields as changes (every field it shows; unchanged ones are dropped later)."""
    changes = [Change(name, None, form.get(name, "")) for name in HEAD_FIELDS if name in form]
    for field, prefix in FORM_PREFIXES.items():
        changes += [Change(field, index, form[f"{prefix}{index}"]) for index in range(len(shown.numbered(field)))
                    if f"{prefix}{index}" in form]
    return changes


def is_form_field(name: str) -> bool:
    """Whether `name` is one of the edit form's text inputs (kept and shown again after a refusal)."""
    return name in HEAD_FIELDS or name == "note" or (name[:1] in FORM_PREFIXES.values() and name[1:].isdigit())


def edits_digest(edits: list) -> str:
    """A fingerprint of the previewed edits: saving needs the same ones the editor saw as a diff."""
    return hashlib.sha256(json.dumps([(e.field, e.paragraph, e.before, e.after) for e in edits],
                                     ensure_ascii=False).encode()).hexdigest()


def render_edit(shown: CorrectedArticle, article_id: str, status: int = 200, **extra: Any) -> Response:
    text = ArticleText.of(shown.article)
    values = extra.pop("values", None) or {
        **{name: text.value(name) or "" for name in HEAD_FIELDS},
        **{f"{prefix}{i}": item for field, prefix in FORM_PREFIXES.items() for i, item in enumerate(text.numbered(field))}}
    page = render_template("edit.html", article=shown.article, version=extra.pop("version", shown.version),
                           values=values, paragraphs=len(text.paragraphs), captions=len(text.captions),
                           review=shown.review,
                           article_url=urls.article_url(article_id), max_note=MAX_NOTE_CHARS, **extra)
    return Response(page, status=status, mimetype="text/html")


@bp.get("/articles/<path:article_id>/edit")
@editor_required
def edit(article_id: str) -> Response:
    return render_edit(shown_article(article_id), article_id)


@bp.post("/articles/<path:article_id>/edit")
@editor_required
def edit_post(article_id: str) -> Response:
    """Preview (the character diff of every changed field) or save; a save needs the same edits previewed."""
    shown = shown_article(article_id)
    form = request.form
    values = {key: form.get(key, "") for key in form if is_form_field(key)}
    version = context.int_arg(form, "version", 0, 1, 2**31)
    if version != shown.version:
        return render_edit(shown, article_id, 409, values=values, version=version,
                           error=corrections().changes_since(article_id, version, shown.version) +
                           "（你的文字保留在下面，可以复制出来。）")
    try:
        edits = plan_edits(ArticleText.of(shown.article), form_changes(form, ArticleText.of(shown.article)))
    except ChangeError as error:
        return render_edit(shown, article_id, 400, values=values, error=str(error))
    digest = edits_digest(edits)
    if form.get("action") == "save" and form.get("previewed") == digest:
        try:
            saved = corrections().save(article_id, version, [Change(e.field, e.paragraph, e.after) for e in edits],
                                       form.get("note", ""), counted(current_editor()))
        except (NotFound, Conflict, ChangeError) as error:
            raise refused(error)
        made_searchable()
        return redirect(urls.article_url(article_id) + "?saved=" + str(saved.version))
    diffs = [{"where": where(e.field, e.paragraph), "pieces": trimmed(char_diff(e.before, e.after), 30)} for e in edits]
    return render_edit(shown, article_id, values=values, diffs=diffs, previewed=digest,
                       notice="预览时改过文字，请再看一遍改动。" if form.get("action") == "save" else None)


@bp.get("/articles/<path:article_id>/history")
def history_page(article_id: str) -> Response:
    found = history_context(article_id)
    for c in found["corrections"]:
        c["pieces"] = trimmed(char_diff(c["before"], c["after"]), 30)
    return Response(render_template("history.html", history=found, json_url="/api" + found["url"] + "/corrections"),
                    mimetype="text/html")


@bp.post("/corrections/<int:correction_id>/revert")
@editor_required
def revert_post(correction_id: int) -> Response:
    try:
        saved = corrections().revert(correction_id, request.form.get("note", ""), counted(current_editor()))
    except (NotFound, Conflict, ChangeError) as error:
        raise refused(error)
    made_searchable()
    return redirect(urls.article_url(saved.article_id) + "/history")


@bp.post("/corrections/<int:correction_id>/dismiss")
@editor_required
def dismiss_post(correction_id: int) -> Response:
    try:
        dismissed = corrections().dismiss(correction_id, counted(current_editor()))
    except (NotFound, Conflict) as error:
        raise refused(error)
    made_searchable()
    return redirect(urls.article_url(dismissed.applies_to or dismissed.article_id) + "/history#c" + str(correction_id))


@bp.get("/corrections")
def recent_page() -> Response:
    found = recent_context(request.args)
    return Response(render_template("corrections.html", listing=found,
                                    json_url=urls.with_args("/api/corrections", request.args)), mimetype="text/html")


@bp.get("/corrections.atom")
def feed() -> Response:
    found = corrections().recent(CORRECTION_FEED_ENTRIES)
    xml = render_template("corrections.atom.xml", entries=[correction_context(c) for c in found],
                          updated=found[0].at if found else "1970-01-01T00:00:00Z", base=request.host_url.rstrip("/"))
    return Response(xml, mimetype="application/atom+xml")
