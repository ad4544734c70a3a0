"""Small, named, pure repairs of OCR'd page text.

Each function does one fix and can be tested alone; `archive.layout` chains
them. The original text is never changed: repairs make display text, and
the index may normalize further (width, traditional forms).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")

# A CJK ideograph or CJK/full-width punctuation: what a space next to is an OCR artefact.
_CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2014\u2026\u201c\u201d\u2018\u2019]"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<={_CJK})[ \t\u3000]+|[ \t\u3000]+(?={_CJK})")
# Characters printed two columns wide: East Asian wide, full-width and ambiguous (quotes, dashes, `·`).
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u2010-\u2027\u2030-\u203e\u00b7\u00d7\u2460-\u24ff\u25a0-\u25ff\u2605\u2606]"
)
_TWO_WORD_CHARACTERS = re.compile(r"[^\W_].*?[^\W_]", re.S)
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")

# Where a sentence can end. A closing quote or bracket ends one only after such a mark.
SENTENCE_END = "。！？!?…"
_CLOSERS = "”’」』）)】\"'"
# Marks that cannot end a paragraph: a line that stops on one was cut mid-sentence.
MID_SENTENCE = "，、；：,;:—（(“‘「『《"

# A hard-wrapped line is "full" when it comes this close (in display columns) to the wrap
# width: a line may stop a character early, before a mark that cannot start a line.
WRAP_TOLERANCE = 4
# A wrapped line may pass the width by a little (wide quotes, narrow digits); a title
# printed on one line across the column passes it by more.
OVERHANG_TOLERANCE = 3
# A full line that ends a sentence usually ended a paragraph: it must come closer still.
SENTENCE_END_TOLERANCE = 2
# A block narrower than this share of the page's wrap width is not body text (a title pair).
NARROW_BLOCK = 0.75
# What only ever starts a paragraph: a dateline, a numbered point, a credit marker.
_PARAGRAPH_OPENER = re.compile(
    r"^(?:本报\S{0,10}?[讯电]|(?:新华社|中新社)\S{0,12}?电|[□■▲●◆]|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])"
)
# Marks that only body text has: a line without any is title-like.
_SENTENCE_MARKS = "，。、；：！？,;:!?"
# Text opening with one character then a mark: the tail of a word cut in two (`化，…`, `作、…`).
# A numeral before `、` is a list item (`１、`, `二、`), not a tail.
_CUT_WORD_START = re.compile(r"^[^\s，。、；：！？,;:\d０-９一二三四五六七八九十]\s*[，。、；：！？,;:]")
# Wrap widths above this are paragraphs on one line each, not hard wraps.
MAX_WRAP_WIDTH = 120
# Dropped paragraph indents: the first lines of blocks fall short by this many columns (two characters).
INDENT_RANGE = range(3, 9)
MIN_INDENTED_BLOCKS = 3


def display_width(text: str) -> int:
    """Columns the text takes when printed: 2 for CJK characters and marks (curly quotes too), 1 for ASCII."""
    return len(text) + len(_WIDE.findall(text))


def strip_markdown_emphasis(line: str) -> str:
    """`记者**颜爱勇**` -> `记者颜爱勇`: bold markers from a markdown export are not text."""
    return _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), line)


def remove_spaces_inside_chinese(text: str) -> str:
    """`劲 往基层使` -> `劲往基层使`; `LED 大屏` -> `LED大屏`; `U 盾 and QQ` keeps `and`'s spaces.

    Chinese is written without spaces, so a space next to a Chinese character
    or mark is a line break the OCR turned into a space. Spaces between Latin
    words and numbers are kept. Known wrong: a deliberate gap in a slogan
    (`感谢人民好警察 一心为民显真情`) is closed too.
    """
    return _SPACE_NEXT_TO_CJK.sub("", text)


def collapse_spaces(text: str) -> str:
    """Runs of spaces (including the ideographic space) become one; ends are trimmed."""
    return re.sub(r"[ \t\u3000]+", " ", text).strip()


def is_noise_line(line: str) -> bool:
    """A line with at most one letter or digit: a stray character of a vertical headline (`掉`) or a rule (`——`)."""
    return _TWO_WORD_CHARACTERS.search(line) is None


def ends_sentence(text: str) -> bool:
    """Whether the text ends on a sentence end (`。`, `！`, `？`, `…`, also inside a closing quote)."""
    text = text.rstrip()
    while text and text[-1] in _CLOSERS:
        if len(text) >= 2 and text[-2] in SENTENCE_END:
            return True
        text = text[:-1]
    return bool(text) and text[-1] in SENTENCE_END


def ends_mid_sentence(text: str) -> bool:
    """Whether the text stops on a mark that cannot end a paragraph (`，`, `、`, an opening quote)."""
    text = text.rstrip()
    return bool(text) and text[-1] in MID_SENTENCE


@dataclass(frozen=True)
class Wrap:
    """How a block was hard-wrapped: the column width, and how much shorter its first line may be.

    `indent` is non-zero on pages whose paragraphs were indented by two
    characters and the OCR dropped the indent: each block's first line then
    falls short of the column without ending there.
    """

    width: int
    indent: int = 0

    def is_full(self, line: str, first: bool = False) -> bool:
        """Whether a line reaches the column, so its text goes on in the next line.

        A line that ends a sentence must come closer (SENTENCE_END_TOLERANCE).
        A line much wider than the column is a title printed across it,
        unless it has commas: squeezed punctuation lets a body line hold more.
        """
        width = display_width(line)
        if width > self.width + OVERHANG_TOLERANCE:
            return any(mark in line for mark in "，、；")
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
    return Wrap(widths[len(widths) // 2], indent)


def block_wrap(lines: list[str], page: Wrap | None) -> Wrap | None:
    """How this block was wrapped, or None when its lines are not hard-wrapped body text.

    A block much narrower than the page's body (a title of two lines, a
    byline pair) keeps its lines apart. Its own width is the upper quartile
    of its lines (the last excepted), so a title line wider than the column
    does not set it.
    """
    if page is None or len(lines) < 2:
        return None
    widths = [display_width(line) for line in (lines[:-1] if len(lines) > 2 else lines)]
    width = _upper_quartile(widths) if len(widths) > 2 else max(widths)
    return Wrap(width, page.indent) if width >= NARROW_BLOCK * page.width else None


def starts_with_cut_word(text: str) -> bool:
    """Whether text opens with the tail of a word cut by a line or column break (`作、合成化作战`)."""
    return _CUT_WORD_START.match(text) is not None


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
    """Join hard-wrapped lines back into paragraphs: a full line continues on the next.

    A line that falls short of the column ended for a reason: a paragraph
    end, a title, a byline. So did a line followed by one that can only
    open a paragraph (a dateline `本报讯`, a numbered point `一、`, a `□` credit). Known wrong: a paragraph whose last line happens
    to be full is joined with the next one when no blank line separates
    them, and a title about as wide as the column is joined with the body
    under it.
    """
    if wrap is None:
        return list(lines)
    paragraphs: list[str] = []
    current = ""
    for index, line in enumerate(lines):
        current += line
        following = lines[index + 1] if index + 1 < len(lines) else ""
        opens_next = _PARAGRAPH_OPENER.match(following) is not None
        title_first = index == 0 and _title_at_block_start(line, following, wrap)
        if opens_next or title_first or not wrap.is_full(line, first=index == 0):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def drop_duplicate_paragraphs(paragraphs: Sequence[T], key: Callable[[T], str] = str, min_length: int = 12) -> list[T]:
    """Keep the first of paragraphs repeated word for word (OCR of a page read twice).

    Only paragraphs of min_length characters or more: short lines such as
    `通讯员 张凯` may rightly appear twice on a page. `key` gives a record's text.
    """
    seen: set[str] = set()
    kept = []
    for paragraph in paragraphs:
        text = re.sub(r"\s+", "", key(paragraph))
        if len(text) >= min_length:
            if text in seen:
                continue
            seen.add(text)
        kept.append(paragraph)
    return kept


def first_sentence(text: str, limit: int = 40) -> str:
    """The first sentence of a paragraph, cut at a comma near `limit` characters with `…` when longer."""
    match = re.search(rf"[{SENTENCE_END}]", text)
    sentence = text[: match.end()] if match else text
    if len(sentence) <= limit:
        return sentence
    cut = max(sentence.rfind(mark, 0, limit) for mark in "，,；;")
    return sentence[: cut if cut >= limit // 2 else limit] + "…"
