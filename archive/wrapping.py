"""Hard wraps: find the column a page was wrapped at, and join wrapped lines back into paragraphs.

OCR keeps the printed line breaks: a sentence runs on over lines of about
the same width (`犯罪团\n伙`). A line that fills the column goes on in the
next; one that falls short ended for a reason. The widths are display
columns (archive.ocr_repair.display_width), so digits and Latin letters
count half.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from archive.ocr_repair import display_width, ends_sentence, starts_with_cut_word

# A hard-wrapped line is "full" when it comes this close (in display columns) to the wrap
# width: a line may stop a character early, before a mark that cannot start a line.
WRAP_TOLERANCE = 4
# A wrapped line may pass the width by a little (wide quotes, narrow digits); a title
# printed on one line across the column passes it by more.
OVERHANG_TOLERANCE = 3
# Squeezed punctuation lets a body line hold a few characters more; a line wider still is a
# title printed across the column, whatever marks it has.
SQUEEZE_TOLERANCE = 8
# A full line that ends a sentence usually ended a paragraph: it must come closer still.
SENTENCE_END_TOLERANCE = 2
# A block narrower than this share of the page's wrap width is not body text (a title pair).
NARROW_BLOCK = 0.75
# What only ever starts a paragraph: a dateline, a numbered point, a credit marker.
_PARAGRAPH_OPENER = re.compile(
    r"^(?:本报\S{0,10}?[讯电]|据?(?:新华社|中新社)\S{0,12}?电|[□■▲●◆]|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])"
)
# Marks that only body text has: a line without any is title-like.
_SENTENCE_MARKS = "，。、；：！？,;:!?"
# Wrap widths above this are paragraphs on one line each, not hard wraps.
MAX_WRAP_WIDTH = 120
# Dropped paragraph indents: the first lines of blocks fall short by this many columns (two characters).
INDENT_RANGE = range(3, 9)
MIN_INDENTED_BLOCKS = 3
# Share of a page's wrapped lines that must have one length in characters for the page to be cut by count.
EXACT_SHARE = 0.9


@dataclass(frozen=True)
class Wrap:
    """How a block was hard-wrapped: the column width, and how much shorter its first line may be.

    `indent` is non-zero on pages whose paragraphs were indented by two
    characters and the OCR dropped the indent: each block's first line then
    falls short of the column without ending there.
    """

    width: int
    indent: int = 0
    exact: int = 0  # the page was cut every `exact` characters (a count, not by eye): 0 when it was not

    def is_full(self, line: str, first: bool = False) -> bool:
        """Whether a line reaches the column, so its text goes on in the next line.

        On a page cut by character count (`exact`) a line is full only at the
        width itself. Elsewhere a line that ends a sentence must come closer
        (SENTENCE_END_TOLERANCE).
        A line much wider than the column is a title printed across it,
        unless it has commas and passes by at most SQUEEZE_TOLERANCE:
        squeezed punctuation lets a body line hold a little more.
        """
        width = display_width(line)
        if self.exact and not self.indent:
            return len(line) == self.exact  # digits and Latin letters count as characters here, whatever their width
        if width > self.width + OVERHANG_TOLERANCE:
            squeezed = width <= self.width + SQUEEZE_TOLERANCE
            return squeezed and any(mark in line for mark in "，、；")
        slack = SENTENCE_END_TOLERANCE if ends_sentence(line) else WRAP_TOLERANCE
        if first and self.indent:
            slack = max(slack, self.indent + SENTENCE_END_TOLERANCE)
        return width >= self.width - slack


def _upper_quartile(values: list[int]) -> int:
    values = sorted(values)
    return values[(len(values) * 3) // 4]


def page_wrap(blocks: list[list[str]]) -> Wrap | None:
    """How the page's body text was hard-wrapped, or None when its lines are whole paragraphs.

    Width rule: the median width of the lines of blocks of three lines or
    more (each block's last line left out) must be at most MAX_WRAP_WIDTH.
    Indent rule: when at least half of those blocks that start on body text
    (a line with a comma or a full stop, not a title) start two characters
    short of their width, first lines may be that much shorter.
    Exact rule: when EXACT_SHARE of those lines hold the same number of
    characters N (a cut every N characters, as some conversions do, whatever
    the characters' widths), only lines of N characters go on in the next.
    Known wrong: a page of few and short blocks is taken as unwrapped.
    """
    wrapped = [block for block in blocks if len(block) > 2]
    widths = sorted(display_width(line) for block in wrapped for line in block[:-1])
    if len(widths) < 4 or widths[len(widths) // 2] > MAX_WRAP_WIDTH:
        return None
    body_starts = [block for block in wrapped if any(mark in block[0] for mark in _SENTENCE_MARKS)]
    shortfalls = [_upper_quartile([display_width(line) for line in block[:-1]]) - display_width(block[0]) for block in body_starts]
    indented = sorted(short for short in shortfalls if short in INDENT_RANGE)
    indent = indented[len(indented) // 2] if len(indented) >= MIN_INDENTED_BLOCKS and len(indented) * 2 >= len(shortfalls) else 0
    width = widths[len(widths) // 2]
    lengths = sorted(len(line) for block in wrapped for line in block[:-1])
    count = lengths[len(lengths) // 2]
    exact = count if sum(1 for n in lengths if n == count) >= EXACT_SHARE * len(lengths) else 0
    return Wrap(width, indent, exact)


def block_wrap(lines: list[str], page: Wrap | None) -> Wrap | None:
    """How this block was wrapped, or None when its lines are not hard-wrapped body text.

    A block much narrower than the page's body (a title of two lines, a
    byline pair) keeps its lines apart. Its own width is the upper quartile
    of its lines (the last excepted), so a title line wider than the column
    does not set it; nor does it in a block of two or three lines (a title across
    the column over a credit line), where the page's width holds.
    """
    if page is None or len(lines) < 2:
        return None
    if page.exact:
        return page  # cut by count: a line is full only at the page's width, whatever the block
    widths = [display_width(line) for line in (lines[:-1] if len(lines) > 2 else lines)]
    width = _upper_quartile(widths) if len(widths) > 2 else max(widths)
    if len(lines) <= 3 and width > page.width + SQUEEZE_TOLERANCE:
        width = page.width  # a title printed across the column over a credit line: the page's column holds
    return Wrap(width, page.indent) if width >= NARROW_BLOCK * page.width else None


def _title_at_block_start(line: str, following: str, wrap: Wrap) -> bool:
    """title-at-block-start rule: a block's first line that is a title printed above the body.

    On a page without dropped indents, a wrapped first line fills the column
    exactly. A first line without a comma or full stop that misses the
    column by a character or more (or passes it) is a title, unless the next
    line begins with a character and a mark (`化，`): a line shortened
    because the mark could not start the next line. Known wrong: a title
    exactly as wide as the column is still joined to the body.
    """
    if wrap.indent or not following or any(mark in line for mark in _SENTENCE_MARKS):
        return False
    if starts_with_cut_word(following):
        return False
    return abs(display_width(line) - wrap.width) >= 2


def unwrap_lines(lines: list[str], wrap: Wrap | None) -> list[str]:
    """Join hard-wrapped lines back into paragraphs (see `line_groups`)."""
    return ["".join(group) for group in line_groups(lines, wrap)]


def line_groups(lines: list[str], wrap: Wrap | None) -> list[list[str]]:
    """The lines of a block grouped by paragraph: a full line continues on the next.

    A line that falls short of the column ended for a reason: a paragraph
    end, a title, a byline. So did a line followed by one that can only
    open a paragraph (a dateline `本报讯`, a numbered point `一、`, a `□`
    credit). Known wrong: a paragraph whose last line happens to be full is
    joined with the next one when no blank line separates them, and a title
    about as wide as the column is joined with the body under it.
    """
    if wrap is None:
        return [[line] for line in lines]
    groups: list[list[str]] = []
    current: list[str] = []
    for index, line in enumerate(lines):
        current.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        opens_next = _PARAGRAPH_OPENER.match(following) is not None
        title_first = index == 0 and _title_at_block_start(line, following, wrap)
        if opens_next or title_first or not wrap.is_full(line, first=index == 0):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups
