"""Key word in context: each occurrence as (left, match, right), contexts cut at paragraph ends.

Pure: the display paragraphs of one article and the spans of its matches
(offsets into the paragraphs joined with `\\n`, as `indexer` highlights
them) in, lines out. Contexts are at most `width` characters of the same
paragraph on each side, as plain text with OCR whitespace runs shown as one
space; a linguist reads the left context from its end, so sorting by it
compares the characters nearest the match first.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

DEFAULT_WIDTH = 20
MAX_WIDTH = 200
_BLANKS = re.compile(r"\s+")


@dataclass(frozen=True)
class KwicLine:
    left: str
    match: str
    right: str


def _plain(text: str) -> str:
    return _BLANKS.sub(" ", text)


def kwic_lines(paragraphs: list[str], spans: list[tuple[int, int]], width: int = DEFAULT_WIDTH) -> list[KwicLine]:
    """One line per span, in the order given."""
    text = "\n".join(paragraphs)
    starts = [0, *accumulate(len(paragraph) + 1 for paragraph in paragraphs)][:-1]
    lines = []
    for start, end in spans:
        opening = starts[bisect_right(starts, start) - 1]  # where the paragraph the match starts in starts
        last = bisect_right(starts, max(start, end - 1)) - 1  # the paragraph it ends in (it may cross a break)
        closing_end = starts[last] + len(paragraphs[last])
        lines.append(KwicLine(left=_plain(text[max(opening, start - width):start]).lstrip(),
                              match=_plain(text[start:end]),
                              right=_plain(text[end:min(closing_end, end + width)]).rstrip()))
    return lines


def left_key(line: KwicLine) -> tuple[str, str, str]:
    """Sort by the left context read backwards from the match (the nearest character first)."""
    return line.left[::-1], line.match, line.right


def right_key(line: KwicLine) -> tuple[str, str, str]:
    """Sort by the right context, then by what stands left of the match."""
    return line.right, line.match, line.left[::-1]
