"""Small, named, pure repairs of OCR'd page text.

Each function does one fix and can be tested alone; `archive.layout` chains
them. The original text is never changed: repairs make display text, and
the index may normalize further (width, traditional forms).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")

# A CJK ideograph or CJK/full-width punctuation: what a space next to is an OCR artefact.
_CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2014\u2026\u201c\u201d\u2018\u2019]"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<={_CJK})[ \t\u3000]+|[ \t\u3000]+(?={_CJK})")
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")

# Where a sentence can end. A closing quote or bracket ends one only after such a mark.
SENTENCE_END = "。！？!?…"
_CLOSERS = "”’」』）)】\"'"
# Marks that cannot end a paragraph: a line that stops on one was cut mid-sentence.
MID_SENTENCE = "，、；：,;:—（(“‘「『《"

# A hard-wrapped line is "full" when it is this close (in display columns) to the wrap width:
# a line may stop a character early (a mark cannot start the next line) or start indented.
WRAP_TOLERANCE = 8
# A full line that ends a sentence usually ended a paragraph: it must be closer still.
SENTENCE_END_TOLERANCE = 2
# A block narrower than this share of the page's wrap width is not body text (a title pair).
NARROW_BLOCK = 0.75
# Wrap widths above this are paragraphs on one line each, not hard wraps.
MAX_WRAP_WIDTH = 120


def display_width(text: str) -> int:
    """Columns the text takes when printed: 2 for CJK characters and marks (curly quotes too), 1 for ASCII."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


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
    return sum(1 for ch in line if unicodedata.category(ch)[0] in "LN") <= 1


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


def page_wrap_width(blocks: list[list[str]]) -> int | None:
    """The display width the page's body text was hard-wrapped at, or None when lines are whole paragraphs.

    Rule: in blocks of three lines or more, all lines but each block's last
    are candidates; their median must be at most MAX_WRAP_WIDTH. A page of
    one paragraph per line has few such blocks (None).
    """
    widths = sorted(display_width(line) for block in blocks if len(block) > 2 for line in block[:-1])
    if len(widths) < 4:
        return None
    median = widths[len(widths) // 2]
    return median if median <= MAX_WRAP_WIDTH else None


def block_wrap_width(lines: list[str], page_width: int | None) -> int | None:
    """The width this block was wrapped at, or None when its lines are not hard-wrapped body text.

    A block much narrower than the page's body (a title of two lines, a
    byline pair) keeps its lines apart. Its own width is the upper quartile
    of its lines (the last excepted): a title line wider than the column does
    not set it.
    """
    if page_width is None or len(lines) < 2:
        return None
    widths = sorted(display_width(line) for line in (lines[:-1] if len(lines) > 2 else lines))
    width = widths[(len(widths) * 3) // 4] if len(widths) > 2 else widths[-1]
    return width if width >= NARROW_BLOCK * page_width else None


def is_full_line(line: str, wrap_width: int) -> bool:
    """Whether a line reaches the wrap width, so its text goes on in the next line.

    Within WRAP_TOLERANCE of the width (a line may stop a character early
    before a mark that cannot start a line, or start indented); a line that
    ends a sentence must come closer (SENTENCE_END_TOLERANCE), and a line much
    wider than the column is an unwrapped title, not a wrapped line.
    """
    width = display_width(line)
    slack = SENTENCE_END_TOLERANCE if ends_sentence(line) else WRAP_TOLERANCE
    return wrap_width - slack <= width <= wrap_width + WRAP_TOLERANCE


def unwrap_lines(lines: list[str], wrap_width: int | None) -> list[str]:
    """Join hard-wrapped lines back into paragraphs: a full line continues on the next.

    A line is full when it comes within WRAP_TOLERANCE of the wrap width (a
    line may stop early before a mark that cannot start a line, or start
    indented). A line that ends a sentence must be closer still. A shorter
    line ended for a reason: a paragraph end, a title, a byline; so does a
    line much wider than the column (an unwrapped title). Known wrong: a
    paragraph whose last line happens to be full is joined with the next one
    when no blank line separates them.
    """
    if wrap_width is None:
        return list(lines)
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        current += line
        if not is_full_line(line, wrap_width):
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
