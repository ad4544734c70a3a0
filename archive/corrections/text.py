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

CORRECTABLE_FIELDS = ("title", "subtitle", "byline", "paragraph")
# A title, subtitle or byline longer than this is not one (the longest title seen is about 80 characters).
MAX_HEAD_CHARS = 500
# The longest paragraph in the samples is about 2,000 characters; room for a long one, not for a book.
MAX_PARAGRAPH_CHARS = 20_000
MAX_CHANGES = 200
MAX_NOTE_CHARS = 1_000


class ChangeError(ValueError):
    """A change that cannot be applied; the message (Simplified Chinese) says what to send instead."""


@dataclass(frozen=True)
class ArticleText:
    """What an editor can correct: title, subtitle, byline and paragraphs (None: the article has none)."""

    title: str
    subtitle: str | None
    byline: str | None
    paragraphs: tuple[str, ...]

    @classmethod
    def of(cls, article: Article) -> ArticleText:
        return cls(article.title, article.subtitle, article.byline, tuple(article.paragraphs))

    def value(self, field: str, paragraph: int | None = None) -> str | None:
        """The field's text (a paragraph by its index); ChangeError if there is no such field."""
        if field == "paragraph":
            if paragraph is None or not 0 <= paragraph < len(self.paragraphs):
                raise ChangeError(f"没有这一段（paragraph={paragraph}）：本文的段落编号是 0 到 {len(self.paragraphs) - 1}。")
            return self.paragraphs[paragraph]
        if field not in CORRECTABLE_FIELDS:
            raise ChangeError(f"field 只能是 {' / '.join(CORRECTABLE_FIELDS)}，收到的是“{str(field)[:40]}”。")
        return getattr(self, field)

    def with_value(self, field: str, paragraph: int | None, text: str | None) -> ArticleText:
        """A copy with one field replaced (an empty subtitle or byline becomes None)."""
        self.value(field, paragraph)  # checks the field exists
        if field == "paragraph":
            paragraphs = list(self.paragraphs)
            paragraphs[paragraph] = text or ""  # type: ignore[index]
            return replace(self, paragraphs=tuple(paragraphs))
        if field == "title":
            return replace(self, title=text or "")
        return replace(self, **{field: text or None})

    def fields_beside(self, other: ArticleText) -> list[tuple[str, int | None, str, str]]:
        """(field, paragraph, this text, `other`'s text) of every field, in page order (None as ""):
        this article's text beside another version of it, field by field."""
        heads = [(name, None, self.value(name) or "", other.value(name) or "") for name in ("title", "subtitle", "byline")]
        return heads + [("paragraph", i, mine, theirs)
                        for i, (mine, theirs) in enumerate(zip(self.paragraphs, other.paragraphs))]

    def characters(self) -> int:
        return sum(len(v or "") for v in (self.title, self.subtitle, self.byline, *self.paragraphs))


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
    limit = MAX_PARAGRAPH_CHARS if field == "paragraph" else MAX_HEAD_CHARS
    if len(text) > limit:
        raise ChangeError(f"{field} 太长（{len(text)} 个字符），最多 {limit} 个字符。")
    if not text and field in ("title", "paragraph"):
        raise ChangeError("标题和段落不能改成空的；如果整段是误识别，请在说明里写明。")
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
        key = (change.field, change.paragraph if change.field == "paragraph" else None)
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
    """The field in words for messages and pages: `标题`, `第 3 段` (paragraph 2: people count from 1)."""
    if field == "paragraph":
        return f"第 {(paragraph or 0) + 1} 段"
    return {"title": "标题", "subtitle": "副标题", "byline": "作者"}.get(field, field)
