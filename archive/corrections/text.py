"""An article's correctable text, the changes an editor asks for, and applying them.

Pure functions over frozen records: the same original text and the same
list of corrections always give the same corrected article, so the index,
the pages and the save check can each compute it and never disagree.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from archive.articles import Article
from archive.bylines import parse_byline, parse_name_line

CORRECTABLE_FIELDS = ("title", "subtitle", "byline", "dateline", "paragraph", "caption")
# Fields of which an article has several, named by their index (`paragraph` in a change and a correction).
NUMBERED_FIELDS = ("paragraph", "caption")
# Fields of one line each, which may be left empty (then the article has none).
OPTIONAL_FIELDS = ("subtitle", "byline", "dateline")
# A title, subtitle, byline or dateline longer than this is not one (the longest title seen is about 80 characters).
MAX_HEAD_CHARS = 500
# The longest paragraph in the samples is about 2,000 characters; room for a long one, not for a book (captions too).
MAX_PARAGRAPH_CHARS = 20_000
MAX_CHANGES = 200
MAX_NOTE_CHARS = 1_000


class ChangeError(ValueError):
    """A change that cannot be applied; the message (Simplified Chinese) says what to send instead."""


@dataclass(frozen=True)
class ArticleText:
    """What an editor can correct: title, subtitle, byline, dateline, paragraphs and photo captions
    (None: the article has none). Dateline and captions default to none: an original stored by an
    index built before they were correctable has neither."""

    title: str
    subtitle: str | None
    byline: str | None
    paragraphs: tuple[str, ...]
    dateline: str | None = None
    captions: tuple[str, ...] = ()

    @classmethod
    def of(cls, article: Article) -> ArticleText:
        return cls(article.title, article.subtitle, article.byline, tuple(article.paragraphs), article.dateline,
                   tuple(article.captions))

    def numbered(self, field: str) -> tuple[str, ...]:
        """The paragraphs or the captions."""
        return self.paragraphs if field == "paragraph" else self.captions

    def value(self, field: str, paragraph: int | None = None) -> str | None:
        """The field's text (a paragraph or caption by its index); ChangeError if there is no such field."""
        if field in NUMBERED_FIELDS:
            items = self.numbered(field)
            if paragraph is None or not 0 <= paragraph < len(items):
                if field == "caption":
                    raise ChangeError(f"没有这条图片说明（paragraph={paragraph}）：本文的图片说明编号是 0 到 {len(items) - 1}。"
                                      if items else "本文没有图片说明。")
                raise ChangeError(f"没有这一段（paragraph={paragraph}）：本文的段落编号是 0 到 {len(items) - 1}。")
            return items[paragraph]
        if field not in CORRECTABLE_FIELDS:
            raise ChangeError(f"field 只能是 {' / '.join(CORRECTABLE_FIELDS)}，收到的是“{str(field)[:40]}”。")
        return getattr(self, field)

    def with_value(self, field: str, paragraph: int | None, text: str | None) -> ArticleText:
        """A copy with one field replaced (an empty subtitle, byline or dateline becomes None)."""
        self.value(field, paragraph)  # checks the field exists
        if field in NUMBERED_FIELDS:
            items = list(self.numbered(field))
            items[paragraph] = text or ""  # type: ignore[index]
            return replace(self, **{"paragraphs" if field == "paragraph" else "captions": tuple(items)})
        if field == "title":
            return replace(self, title=text or "")
        return replace(self, **{field: text or None})

    def fields_beside(self, other: ArticleText) -> list[tuple[str, int | None, str, str]]:
        """(field, paragraph, this text, `other`'s text) of every field, in page order (None as ""):
        this article's text beside another version of it, field by field."""
        heads = [(name, None, self.value(name) or "", other.value(name) or "")
                 for name in ("title", "subtitle", "byline", "dateline")]
        return heads + [(field, i, mine, theirs) for field in NUMBERED_FIELDS
                        for i, (mine, theirs) in enumerate(zip(self.numbered(field), other.numbered(field)))]

    def characters(self) -> int:
        return sum(len(v or "") for v in (self.title, self.subtitle, self.byline, self.dateline, *self.paragraphs,
                                          *self.captions))


@dataclass(frozen=True)
class Change:
    """One field as the editor wants it: its whole new text."""

    field: str
    paragraph: int | None
    text: str


@dataclass(frozen=True)
class Edit:
    """One applied change: the field's text before and after (what a correction stores)."""

    field: str
    paragraph: int | None
    before: str
    after: str


def authors_of(byline: str | None) -> tuple[str, ...]:
    """The names in a (corrected) byline, read as the article splitter reads a credit line."""
    if not byline:
        return ()
    parsed = parse_byline(byline) or parse_name_line(byline)
    return parsed.authors if parsed else ()


def clean_text(field: str, text: object) -> str:
    """The text of a change, checked: a string, no control characters, within the size limit.

    Line breaks are not allowed: a paragraph is one paragraph (the page
    shows each as one block), and a title is one line.
    """
    if not isinstance(text, str):
        raise ChangeError("text 必须是字符串。")
    text = unicodedata.normalize("NFC", text).strip()
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise ChangeError("文字里不能有换行符或其他控制字符；每段单独修改。")
    limit = MAX_PARAGRAPH_CHARS if field in NUMBERED_FIELDS else MAX_HEAD_CHARS
    if len(text) > limit:
        raise ChangeError(f"{field} 太长（{len(text)} 个字符），最多 {limit} 个字符。")
    if not text and field not in OPTIONAL_FIELDS:
        raise ChangeError("标题、段落和图片说明不能改成空的；如果整段是误识别，请在说明里写明。")
    return text


def plan_edits(current: ArticleText, changes: Sequence[Change]) -> list[Edit]:
    """The edits `changes` make to `current`: unchanged fields dropped, each field at most once.

    Raises ChangeError for an unknown field or paragraph, a field given
    twice, bad text, or no change at all.
    """
    if len(changes) > MAX_CHANGES:
        raise ChangeError(f"一次最多修改 {MAX_CHANGES} 处。")
    seen: set[tuple[str, int | None]] = set()
    edits = []
    for change in changes:
        key = (change.field, change.paragraph if change.field in NUMBERED_FIELDS else None)
        if key in seen:
            raise ChangeError(f"同一处（{where(*key)}）在一次修改里出现了两次。")
        seen.add(key)
        before = current.value(*key) or ""
        after = clean_text(change.field, change.text)
        if after != before:
            edits.append(Edit(key[0], key[1], before, after))
    if not edits:
        raise ChangeError("没有任何改动：提交的文字和现在的一样。")
    return edits


def apply_edits(text: ArticleText, edits: Iterable[Edit]) -> ArticleText:
    """`text` with each edit's `after` in its field, in order."""
    for edit in edits:
        text = text.with_value(edit.field, edit.paragraph, edit.after)
    return text


def where(field: str, paragraph: int | None) -> str:
    """The field in words for messages and pages: `标题`, `第 3 段` (paragraph 2: people count from 1), `图片说明 1`."""
    if field == "paragraph":
        return f"第 {(paragraph or 0) + 1} 段"
    if field == "caption":
        return f"图片说明 {(paragraph or 0) + 1}"
    return {"title": "标题", "subtitle": "副标题", "byline": "作者", "dateline": "电头"}.get(field, field)
