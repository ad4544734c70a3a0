"""Turn a page's text into repaired paragraphs, each knowing where it sat on the page.

The OCR repairs are applied in this order: markdown headings and emphasis
are read, noise lines dropped, hard-wrapped lines of a block rejoined
(archive.wrapping), spaces inside Chinese removed, exact duplicates dropped
(archive.ocr_repair).
Which paragraph is a title or a byline is decided later (archive.articles);
this module only keeps the facts that decision needs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from archive.ocr_repair import (
    collapse_spaces,
    drop_duplicate_paragraphs,
    is_noise_line,
    remove_spaces_inside_chinese,
    strip_markdown_emphasis,
)
from archive.wrapping import Wrap, block_wrap, line_groups, page_wrap

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Paragraph:
    """One repaired paragraph. `level` is the markdown heading level, None for plain text.

    `block` numbers the blank-line-separated blocks of the page; `raw` keeps
    the spaces (a title's word gap, the gaps between names in a byline).
    """

    raw: str
    level: int | None
    block: int
    ends_full_line: bool = False  # its last line reached the wrap width: the text may go on after a blank line
    lines: int = 1  # printed lines joined into it (a headline takes one, however long)

    @cached_property
    def text(self) -> str:
        """Display text: spaces between Chinese characters removed."""
        return collapse_spaces(remove_spaces_inside_chinese(self.raw))


def _blocks(text: str) -> list[list[tuple[str, int | None]]]:
    """Lines grouped by blank lines; a markdown heading is always a block of its own."""
    blocks: list[list[tuple[str, int | None]]] = []
    current: list[tuple[str, int | None]] = []
    for line in text.split("\n"):
        line = strip_markdown_emphasis(line).strip()
        heading = _HEADING.match(line) if line.startswith("#") else None
        if not line or heading:
            if current:
                blocks.append(current)
            current = []
            if heading and not is_noise_line(heading.group(2)):
                blocks.append([(heading.group(2), len(heading.group(1)))])
            continue
        if is_noise_line(line):
            continue
        current.append((line, None))
    if current:
        blocks.append(current)
    return blocks


def _ends_full(lines: list[str], wrap: Wrap | None) -> bool:
    """Whether a block's last line fills the column: its sentence may go on after the blank line."""
    return wrap is not None and wrap.is_full(lines[-1], first=len(lines) == 1)


def page_paragraphs(text: str) -> list[Paragraph]:
    """The page's paragraphs in reading order, repaired for display."""
    blocks = _blocks(text)
    page = page_wrap([[line for line, level in block if level is None] for block in blocks])
    paragraphs: list[Paragraph] = []
    for number, block in enumerate(blocks):
        if block[0][1] is not None:
            heading, level = block[0]
            paragraphs.append(Paragraph(collapse_spaces(heading), level, number))
            continue
        lines = [line for line, _ in block]
        wrap = block_wrap(lines, page)
        groups = line_groups(lines, wrap)
        for index, group in enumerate(groups):
            last = index == len(groups) - 1
            paragraphs.append(Paragraph(collapse_spaces("".join(group)), None, number, last and _ends_full(lines, wrap or page), len(group)))
    return drop_duplicate_paragraphs(paragraphs, key=lambda p: p.text if p.level is None else "")
