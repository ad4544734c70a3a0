"""Carry corrections to a new text of their issue (a better scan replaced the file).

Article ids are only stable while the issue file is unchanged, and the new
scan may split, merge or renumber articles, so a correction is looked for
by its text, in its own order (a later correction of the same paragraph
builds on the earlier one's result):

1. its field at the same place (article id, field, paragraph) still reads
   exactly its `before`: applied there;
2. another field of the same kind in the issue reads exactly its `before`
   (the article or paragraph moved), and only one does: applied there;
3. its `before` occurs once inside a field of the same kind (two
   paragraphs were joined): that occurrence is replaced;
4. at the same place, each changed run of characters is found once
   together with context as it was (up to `CONTEXT` characters on both
   sides, or on one, at least `MIN_CONTEXT` in all: the scan changed
   other characters of the paragraph): those runs are changed there
   (`transplant`);
5. otherwise it needs review: listed on the article page and in
   `archive stats`, never applied somewhere it might not belong.

Wrong when a changed run with its context occurs once in the new text but
is not the place the editor meant (a repeated phrase whose other
occurrences the scan changed); the widest unique context is tried first.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from archive.corrections.text import NUMBERED_FIELDS, ArticleText

CONTEXT = 8
MIN_CONTEXT = 3


@dataclass(frozen=True)
class Placement:
    """Where a correction applies on one text of its issue: the field's whole text before and after it."""

    correction_id: int
    article_id: str
    field: str
    paragraph: int | None
    before: str
    after: str


@dataclass(frozen=True)
class Carried:
    """The outcome of carrying: new placements, corrections needing review, and the corrected texts."""

    placed: list[Placement]
    review: list[int]
    texts: dict[str, ArticleText]


def transplant(before: str, after: str, target: str) -> str | None:
    """`target` with the edit `before` -> `after` made where it applies; None where it cannot be placed.

    The whole `before` (equal, or found once inside `target`), else each
    changed run found once with its context (see the module docstring).
    """
    if target == before:
        return after
    if before and target.count(before) == 1:
        return target.replace(before, after)
    result = target
    runs = [op for op in SequenceMatcher(None, before, after, autojunk=False).get_opcodes() if op[0] != "equal"]
    for _, i1, i2, j1, j2 in reversed(runs):
        found = _anchor(before, i1, i2, result)
        if found is None:
            return None
        left, right = found
        result = result.replace(left + before[i1:i2] + right, left + after[j1:j2] + right)
    return result


def _anchor(before: str, i1: int, i2: int, target: str) -> tuple[str, str] | None:
    """The widest context (CONTEXT down to MIN_CONTEXT characters, both sides or one) around
    `before[i1:i2]` that occurs exactly once in `target`, as (left, right); None if none does."""
    for size in range(CONTEXT, MIN_CONTEXT - 1, -1):
        left, right = before[max(0, i1 - size):i1], before[i2:i2 + size]
        for pair in ((left, right), (left, ""), ("", right)):
            if len(pair[0]) + len(pair[1]) >= MIN_CONTEXT and target.count(pair[0] + before[i1:i2] + pair[1]) == 1:
                return pair
    return None


def _fields(texts: dict[str, ArticleText], field: str) -> list[tuple[str, int | None, str]]:
    """(article id, paragraph, text) of every field of this kind in the issue, in page order."""
    if field in NUMBERED_FIELDS:
        return [(aid, i, p) for aid, text in texts.items() for i, p in enumerate(text.numbered(field))]
    return [(aid, None, text.value(field) or "") for aid, text in texts.items()]


def _value_at(texts: dict[str, ArticleText], article_id: str, field: str, paragraph: int | None) -> str | None:
    text = texts.get(article_id)
    if text is None or (field in NUMBERED_FIELDS
                        and not (paragraph is not None and 0 <= paragraph < len(text.numbered(field)))):
        return None
    return text.value(field, paragraph) or ""


def place(p: Placement, texts: dict[str, ArticleText]) -> Placement | None:
    """Where `p` applies in `texts` (rules 1-4 of the module docstring), as a new placement; None: needs review."""
    here = _value_at(texts, p.article_id, p.field, p.paragraph)
    if here == p.before:
        return p
    fields = _fields(texts, p.field)
    if p.before:
        equal = [(aid, i) for aid, i, value in fields if value == p.before]
        if len(equal) == 1:
            return replace(p, article_id=equal[0][0], paragraph=equal[0][1])
        inside = [(aid, i, value) for aid, i, value in fields if p.before in value]
        if len(inside) == 1 and inside[0][2].count(p.before) == 1:
            aid, i, value = inside[0]
            return replace(p, article_id=aid, paragraph=i, before=value, after=value.replace(p.before, p.after))
    if here is not None:
        moved = transplant(p.before, p.after, here)
        if moved is not None and moved != here:
            return replace(p, before=here, after=moved)
    return None


def carry(placements: Sequence[Placement], articles: dict[str, ArticleText]) -> Carried:
    """Apply `placements` (in order) to the new texts of an issue's articles, each where it is found."""
    texts = dict(articles)
    placed: list[Placement] = []
    review: list[int] = []
    for p in placements:
        new = place(p, texts)
        if new is None:
            review.append(p.correction_id)
            continue
        texts[new.article_id] = texts[new.article_id].with_value(new.field, new.paragraph, new.after)
        placed.append(new)
    return Carried(placed, review, texts)
