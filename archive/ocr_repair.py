"""Small, named, pure repairs of OCR'd page text.

Each function does one fix and can be tested alone; `archive.layout` chains
them. The original text is never changed: repairs make display text, and
the index may normalize further (width, traditional forms).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")

# A CJK ideograph or CJK/full-width punctuation: what a space next to is an OCR artefact.
_CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2014\u2026\u201c\u201d\u2018\u2019]"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<={_CJK})[ \t\u3000]+|[ \t\u3000]+(?={_CJK})")
# Characters printed two columns wide: East Asian wide, full-width and ambiguous (quotes, dashes, `·`),
# as the ranges of a regex character class.
_WIDE = (
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u2010-\u2027\u2030-\u203e\u00b7\u00d7\u2460-\u24ff\u25a0-\u25ff\u2605\u2606"
)
_WIDE_RUN = re.compile(f"[{_WIDE}]+")
_SPACES = re.compile(r"[ \t\u3000]+")
_TWO_WORD_CHARACTERS = re.compile(r"[^\W_].*?[^\W_]", re.S)
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")

# Where a sentence can end. A closing quote or bracket ends one only after such a mark.
SENTENCE_END = "。！？!?…"
_CLOSERS = "”’」』）)】\"'"
# Marks that cannot end a paragraph: a line that stops on one was cut mid-sentence.
MID_SENTENCE = "，、；：,;:—（(“‘「『《"

# Text opening with one character then a mark: the tail of a word cut in two (`化，…`, `作、…`).
# A numeral before `、` is a list item (`１、`, `二、`), not a tail.
_CUT_WORD_START = re.compile(r"^[^\s，。、；：！？,;:\d０-９一二三四五六七八九十]\s*[，。、；：！？,;:]")


@lru_cache(maxsize=4096)
def display_width(text: str) -> int:
    """Columns the text takes when printed: 2 for CJK characters and marks (curly quotes too), 1 for ASCII.

    Counted by runs: finding every wide character one by one made a string
    per character. Remembered, because page_wrap, block_wrap and
    Wrap.is_full measure the same lines of a page in turn.
    """
    return len(text) + sum(map(len, _WIDE_RUN.findall(text)))


def strip_markdown_emphasis(line: str) -> str:
    """`记者**颜爱勇**` -> `记者颜爱勇`: bold markers from a markdown export are not text."""
    if "**" not in line and "__" not in line:  # most lines: skip the regex scan
        return line
    return _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), line)


def remove_spaces_inside_chinese(text: str) -> str:
    """`劲 往基层使` -> `劲往基层使`; `LED 大屏` -> `LED大屏`; `U 盾 and QQ` keeps `and`'s spaces.

    Chinese is written without spaces, so a space next to a Chinese character
    or mark is a line break the OCR turned into a space. Spaces between Latin
    words and numbers are kept. Known wrong: a deliberate gap in a slogan
    (`感谢人民好警察 一心为民显真情`) is closed too.
    """
    if not _has_spaces(text):  # most paragraphs: skip the regex scan
        return text
    return _SPACE_NEXT_TO_CJK.sub("", text)


def collapse_spaces(text: str) -> str:
    """Runs of spaces (including the ideographic space) become one; ends are trimmed."""
    if not _has_spaces(text):  # most paragraphs: skip the regex scan
        return text.strip()
    return _SPACES.sub(" ", text).strip()


def _has_spaces(text: str) -> bool:
    """Whether text holds a space, tab or ideographic space (three C-speed finds, cheaper than one regex scan)."""
    return " " in text or "\t" in text or "\u3000" in text


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


def starts_with_cut_word(text: str) -> bool:
    """Whether text opens with the tail of a word cut by a line or column break (`作、合成化作战`)."""
    return _CUT_WORD_START.match(text) is not None


def drop_duplicate_paragraphs(paragraphs: Sequence[T], key: Callable[[T], str] = str, min_length: int = 12) -> list[T]:
    """Keep the first of paragraphs repeated word for word (OCR of a page read twice).

    Only paragraphs of min_length characters or more: short lines such as
    `通讯员 张凯` may rightly appear twice on a page. `key` gives a record's text.
    """
    seen: set[str] = set()
    kept = []
    for paragraph in paragraphs:
        text = "".join(key(paragraph).split())  # every whitespace character dropped
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
