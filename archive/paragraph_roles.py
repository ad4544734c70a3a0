"""The role of each paragraph on its own, and the rejoining of paragraphs cut mid-sentence.

archive.articles decides from these roles and their order where articles
start; this module only judges one paragraph (or two neighbours) at a time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum
from functools import cached_property

from archive.bylines import Byline, has_dateline, parse_byline, parse_signature, split_inner_photo_credit, split_trailing_credit
from archive.layout import Paragraph
from archive.ocr_repair import ends_mid_sentence, ends_sentence, starts_with_cut_word

MAX_TITLE = 40
# A title may end in `！` or `？` (`如此美容美发店！`) when short; a longer line ending so is a sentence.
MAX_EXCLAIMING_TITLE = 16
# Titles with a comma are rare (1% of People's Daily titles) and short; a long line with one is a cut sentence.
MAX_TITLE_WITH_COMMA = 16
# A paragraph this long that stops mid-sentence was cut by a blank line, not ended.
LONG_PARAGRAPH = 40
# A numbered point, list item or photo (`一、`, `（２）`, `１、大江截流展宏图`, `第三章`).
NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d０-９]+[）)]|[\d０-９]+[、．.]|第[一二三四五六七八九十]+[部章节])")
_BRACKETED_NOTE = re.compile(r"[（(][^（）()]*[）)]")
# `…运输景象。（湖北麻城市交通局熊承元）`: a sentence closed, then a note or a reader's credit in brackets.
_CLOSED_BY_NOTE = re.compile(r"[。！？!?][”’」』]?[（(][^（）()]{1,40}[）)]$")


class Role(Enum):
    """What a paragraph is, judged on its own (its place on the page is archive.articles' business)."""

    HEADING = "heading"  # markdown heading
    TITLE = "title"  # a plain line that looks like a title
    BYLINE = "byline"
    CAPTION = "caption"
    BODY = "body"


@dataclass(frozen=True)
class Item:
    """A paragraph with the role it plays; `byline` is the credit of a byline or caption paragraph."""

    paragraph: Paragraph
    role: Role
    byline: Byline | None = None

    @cached_property
    def text(self) -> str:
        """Display text (spaces inside Chinese removed); read for every feature of every neighbour, so kept."""
        return self.paragraph.text

    @property
    def title_text(self) -> str:
        """Titles keep a single space where the page has a gap (`推动专群结合 做实社区警务`)."""
        return self.paragraph.raw


def leaves_open(text: str) -> bool:
    """Whether a bracket or a book title opens and does not close (`…实施《新时代公安派出所工作`): a sentence cut off."""
    return text.count("（") + text.count("(") > text.count("）") + text.count(")") or text.count("《") > text.count("》")


def looks_like_title(text: str) -> bool:
    """Short, no full stop inside, not stopping mid-sentence; `！`/`？` only on short lines."""
    length = len(text.replace(" ", ""))
    run_in = text.endswith("——")  # `全力侦查破案——`: a heading that runs on into the next line
    if not 2 <= length <= MAX_TITLE or "。" in text[:-1] or (ends_mid_sentence(text) and not run_in):
        return False
    if text.count("“") != text.count("”") or text.count('"') % 2:  # a quote left open: a sentence cut in two
        return False
    if leaves_open(text):  # a bracket or a book title left open: cut too
        return False
    commas = text.count("，") + text.count(",")
    if commas > 2 or (commas and length > MAX_TITLE_WITH_COMMA):
        return False
    if "；" in text or ";" in text or text.count("、") > 2:  # clauses and long enumerations are sentences
        return False
    if _BRACKETED_NOTE.fullmatch(text):  # `（河南西峡县陈飞方仙云）`: a credit or a note, not a title
        return False
    if ends_sentence(text):
        return length <= MAX_EXCLAIMING_TITLE and re.search(r"[！？!?][”’」』]*$", text) is not None
    return True


def classify(paragraph: Paragraph) -> Item:
    """The role a paragraph plays on its own: heading, credit, caption, title-like line or body."""
    if paragraph.level is not None:
        return Item(paragraph, Role.HEADING)
    byline = parse_byline(paragraph.raw) or parse_signature(paragraph.raw)
    if byline:
        return Item(paragraph, Role.BYLINE, byline)
    _, credit, is_photo = split_trailing_credit(paragraph.raw)
    if credit and is_photo:
        return Item(paragraph, Role.CAPTION, credit)
    inner = split_inner_photo_credit(paragraph.raw) if " 摄" in paragraph.raw else None
    if inner:
        return Item(replace(paragraph, raw=inner[0]), Role.CAPTION, inner[1])
    if looks_like_title(paragraph.text):
        return Item(paragraph, Role.TITLE)
    return Item(paragraph, Role.BODY)


def _joined(first: Paragraph, second: Paragraph) -> Paragraph:
    return Paragraph(first.raw + second.raw, None, first.block, second.ends_full_line, first.lines + second.lines)


def _cut_mid_sentence(item: Item, following: Item) -> bool:
    """Whether `item` was cut by a blank line and `following` is the rest of its sentence."""
    if following.role is not Role.BODY or item.paragraph.level is not None or ends_sentence(item.text):
        return False
    if split_trailing_credit(item.paragraph.raw)[1] is not None or _CLOSED_BY_NOTE.search(item.text):  # ended by its credit
        return False
    if has_dateline(following.paragraph.raw):
        return False
    if item.role is Role.BODY:
        long_or_full = item.paragraph.ends_full_line or len(item.text) >= LONG_PARAGRAPH
        return long_or_full or ends_mid_sentence(item.text) or starts_with_cut_word(following.text)
    # A title-like line is a cut sentence only with a comma in it (a title as wide as the column has none).
    cut_line = item.paragraph.ends_full_line and any(mark in item.text for mark in "，、；：,;:")
    return item.role is Role.TITLE and (cut_line or starts_with_cut_word(following.text))


def rejoin_cut_paragraphs(items: list[Item]) -> list[Item]:
    """Join a paragraph cut by a blank line mid-sentence with its rest.

    Also across one stray title line dropped into the cut (a headline the
    OCR read between two columns): the sentence is joined and the line kept
    after it. Known wrong: a paragraph that really ends without a full stop
    (a list item) is joined with the next.
    """
    items = list(items)
    i = 0
    while i + 1 < len(items):
        item, following = items[i], items[i + 1]
        if _cut_mid_sentence(item, following):
            items[i : i + 2] = [classify(_joined(item.paragraph, following.paragraph))]
            continue
        if (
            item.role is Role.BODY
            and following.role is Role.TITLE
            and i + 2 < len(items)
            and len(item.text) >= LONG_PARAGRAPH
            and _cut_mid_sentence(item, items[i + 2])
        ):
            items[i : i + 3] = [classify(_joined(item.paragraph, items[i + 2].paragraph)), following]
            continue
        i += 1
    return items
