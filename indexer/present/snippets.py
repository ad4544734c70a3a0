"""Snippets and highlighting: escaped HTML where each match is wrapped whole in <mark>.

Matches are found by a regular expression per query text, run over the
displayed text itself (`normalize.pattern`: each character stands for every
form that folds to it, whitespace may come between), never by re-segmenting
or re-normalizing the article: cheap per hit, and a match is always the
whole query text (`连南`, not `连`), across the line breaks, spaces, width
and traditional forms that normalization ignores.
Overlapping or touching matches are merged into one mark, so marks never nest.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from indexer.api import ArticleView
from indexer.fields import body_parts
from indexer.text.normalize import pattern

TARGET_CHARS = 100  # grow a passage by whole sentences up to about this many characters
MAX_CHARS = 160  # never show a longer first passage
SECOND_CHARS = 60  # room for a passage around query text the first one misses
LEAD_MARGIN = 30  # characters kept before the first match when a sentence must be cut
ELLIPSIS = "…"
_SENTENCE = re.compile(r"[^。！？；!?;\n]+(?:[。！？；!?;]+[”’」』）)]*)?|\n+")
_SENTENCE_ENDS = tuple("。！？；!?;”’」』）)\n")


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    needles: frozenset[int]  # which query texts it covers


@lru_cache(maxsize=512)
def _finder(needle: str) -> re.Pattern[str]:
    """Every occurrence of a compact needle, overlapping ones too (a lookahead around the pattern)."""
    return re.compile(f"(?=({pattern(needle)}))")


def occurrence_spans(text: str, needle: str) -> list[tuple[int, int]]:
    """(start, end) of every place a compact needle occurs in `text`, overlapping ones apart
    (`哈哈` twice in `哈哈哈`), as the index counts them; for lines in context (KWIC)."""
    return [(m.start(1), m.end(1)) for m in _finder(needle).finditer(text)]


# Where a needle of `Occurrences.needles` (compact text, scope) occurs in an article, in the index's order.
NEEDLE_UNITS = {None: ("title", "subtitle", "byline", "body"), "title": ("title", "subtitle"), "byline": ("byline",)}


def occurrence_units(article: ArticleView) -> dict[str, list[str]]:
    """The article's text as occurrences are counted in it, by unit (title, subtitle, byline, and
    the body's lines as indexed: dateline, paragraphs, captions, which the index sees joined by line
    breaks, `fields.body_parts`): what it shows, corrected."""
    return {"title": [article.title], "subtitle": [article.subtitle or ""], "byline": [article.byline or ""],
            "body": body_parts(article.dateline, article.paragraphs, article.captions)}


def shown_occurrences(article: ArticleView, needles: list[tuple[str, str | None]]) -> list[tuple[str, list[tuple[int, int]]]]:
    """(unit, spans) of every needle's occurrences in the text the article shows, units in the
    index's order, spans sorted (in the unit's paragraphs joined by line breaks): one KWIC line each."""
    found = []
    for unit, paragraphs in occurrence_units(article).items():
        wanted = [needle for needle, scope in needles if unit in NEEDLE_UNITS.get(scope, ())]
        text = "\n".join(paragraphs)
        spans = sorted({span for needle in wanted for span in occurrence_spans(text, needle)})
        if spans:
            found.append((unit, spans))
    return found


def find_matches(text: str, needles: list[str]) -> list[Match]:
    """Every occurrence in `text` of each compact needle, in order, overlaps merged."""
    found: list[tuple[int, int, int]] = []
    for index, needle in enumerate(needles):
        found.extend((m.start(1), m.end(1), index) for m in _finder(needle).finditer(text))
    found.sort()
    merged: list[Match] = []
    for start, end, index in found:
        if merged and start <= merged[-1].end:  # overlapping or touching: one mark
            last = merged[-1]
            merged[-1] = Match(last.start, max(last.end, end), last.needles | {index})
        else:
            merged.append(Match(start, end, frozenset({index})))
    return merged


def mark(text: str, matches: list[Match], start: int = 0, end: int | None = None) -> str:
    """text[start:end] as escaped HTML, the parts inside matches wrapped in <mark>."""
    end = len(text) if end is None else end
    out: list[str] = []
    at = start
    for m in matches:
        if m.end <= start or m.start >= end:
            continue
        lo, hi = max(m.start, start), min(m.end, end)
        out.append(html.escape(text[at:lo]))
        out.append("<mark>" + html.escape(text[lo:hi]) + "</mark>")
        at = hi
    out.append(html.escape(text[at:end]))
    return "".join(out)


def highlight(text: str, needles: list[str]) -> str:
    """The whole text as escaped HTML with every match marked (titles, short fields)."""
    return mark(text, find_matches(text, needles))


def highlight_paragraphs(paragraphs: list[str], needles: list[str]) -> list[str]:
    """Each paragraph as escaped HTML; matches are found in the joined text, as search sees it."""
    body = "\n".join(paragraphs)
    matches = find_matches(body, needles)
    out: list[str] = []
    at = 0
    for paragraph in paragraphs:
        out.append(mark(body, matches, at, at + len(paragraph)))
        at += len(paragraph) + 1
    return out


def _sentences(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _SENTENCE.finditer(text) if not m.group().isspace()]


def _grow(sentences: list[tuple[int, int]], best: int) -> tuple[int, int]:
    """Whole sentences around sentences[best], next ones first, while under TARGET_CHARS."""
    first = last = best
    start, end = sentences[best]
    while end - start < TARGET_CHARS:
        if last + 1 < len(sentences) and sentences[last + 1][1] - start <= MAX_CHARS:
            last += 1
            end = sentences[last][1]
        elif first > 0 and end - sentences[first - 1][0] <= MAX_CHARS:
            first -= 1
            start = sentences[first][0]
        else:
            break
    return start, end


def _cut(start: int, end: int, focus: Match, limit: int, matches: list[Match]) -> tuple[int, int]:
    """A window of at most about `limit` characters of [start, end) that shows `focus`, no match cut."""
    if end - start <= limit:
        return start, end
    lo = max(start, focus.start - LEAD_MARGIN)
    hi = min(end, max(lo + limit, focus.end))
    for m in matches:  # widen rather than cut a match in two
        if m.start < lo < m.end:
            lo = m.start
        if m.start < hi < m.end:
            hi = m.end
    return lo, hi


def _passage(text: str, matches: list[Match], sentences: list[tuple[int, int]], wanted: frozenset[int],
             limit: int) -> tuple[int, int] | None:
    """The sentence(s) best covering the `wanted` needles, at most about `limit` characters."""
    best_score, best = 0, -1
    for index, (start, end) in enumerate(sentences):
        inside = [m for m in matches if start <= m.start < end]
        covered = frozenset().union(*(m.needles for m in inside)) & wanted
        score = 100 * len(covered) + len(inside) if covered else 0
        if score > best_score:
            best_score, best = score, index
    if best < 0:
        return None
    start, end = _grow(sentences, best) if limit >= TARGET_CHARS else sentences[best]
    focus = next(m for m in matches if start <= m.start < end and m.needles & wanted)
    return _cut(start, end, focus, limit, matches)


def _render(text: str, matches: list[Match], passages: list[tuple[int, int]]) -> str:
    pieces: list[str] = []
    for start, end in passages:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        opens_mid = start > 0 and not text[start - 1].endswith(_SENTENCE_ENDS)
        if opens_mid or pieces:
            pieces.append(ELLIPSIS)
        pieces.append(mark(text, matches, start, end).replace("\n", " "))
        if end < len(text) and not text[end - 1].endswith(_SENTENCE_ENDS):
            pieces.append(ELLIPSIS)
    joined = "".join(pieces)
    return joined.replace(ELLIPSIS + ELLIPSIS, ELLIPSIS)


def snippet(text: str, needles: list[str]) -> str:
    """The best passage of about 100-160 characters around the matches, as escaped HTML.

    Cut at sentence punctuation where possible; when query texts occur far
    apart, a second short passage shows the ones the first misses, joined
    with `…`. Without matches (e.g. only the title matched): the lead.
    """
    sentences = _sentences(text)
    if not sentences:
        return ""
    matches = find_matches(text, needles)
    if not matches:
        start, end = _grow(sentences, 0)
        lead = Match(start, start, frozenset())
        return _render(text, [], [_cut(start, end, lead, MAX_CHARS, [])])
    everything = frozenset(range(len(needles)))
    first = _passage(text, matches, sentences, everything, MAX_CHARS)
    passages = [first]
    shown = frozenset().union(*(m.needles for m in matches if first[0] <= m.start < first[1]))
    missing = everything - shown
    if missing:
        second = _passage(text, matches, sentences, missing, SECOND_CHARS)
        if second is not None:
            passages.append(second)
    passages.sort()
    if len(passages) == 2 and passages[1][0] <= passages[0][1]:
        passages = [(passages[0][0], max(passages[0][1], passages[1][1]))]
    return _render(text, matches, passages)
