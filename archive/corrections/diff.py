"""Character diffs between a field's text before and after a correction.

Chinese has no spaces to diff words by, and an OCR error is usually one or
two characters (`诈骗` read as `诈编`): the diff is by character, computed
with difflib (no junk heuristic: in Chinese text every character matters).
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class Piece:
    """A run of text: `kind` is "same", "removed" or "added"."""

    kind: str
    text: str


def char_diff(before: str, after: str) -> list[Piece]:
    """`before` -> `after` as runs of same, removed and added text (a replacement: removed, then added)."""
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", before[i1:i2]))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", before[i1:i2]))
        if j2 > j1:
            pieces.append(Piece("added", after[j1:j2]))
    return pieces


def changed_characters(before: str, after: str) -> int:
    """How many characters a correction changed: the larger of removed and added, per changed run."""
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2
               in SequenceMatcher(None, before, after, autojunk=False).get_opcodes() if op != "equal")


def trimmed(pieces: list[Piece], context: int = 20) -> list[Piece]:
    """Long unchanged runs cut to `context` characters either side of a change (`…` marks the cut)."""
    out: list[Piece] = []
    for index, piece in enumerate(pieces):
        if piece.kind != "same" or len(piece.text) <= 2 * context + 1:
            out.append(piece)
            continue
        first, last = index == 0, index == len(pieces) - 1
        head = "" if first else piece.text[:context]
        tail = "" if last else piece.text[-context:]
        if first and last:
            head = piece.text[:2 * context]
        out.append(Piece("same", f"{head}…{tail}"))
    return out


def changed_passages(before: str, after: str, context: int) -> list[str]:
    """The runs of `before` that `after` changed, each with up to `context` characters of `before` on
    both sides (passages that would overlap are joined): what of an original text a correction
    hides, with enough around it to be found by a phrase that spans the change."""
    spans: list[list[int]] = []
    for op, i1, i2, _, _ in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        start, end = max(0, i1 - context), min(len(before), i2 + context)
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [before[start:end] for start, end in spans if end > start]
