"""Normalization shared by indexing, querying and highlighting.

Two steps, both deterministic and context-free so that a query and the text
it occurs in always normalize the same way, and a way back:

1. `fold()` maps every character to exactly one character: NFKC width
   folding (`１９９８` -> `1998`, `Ａ` -> `a`), lower case, and traditional ->
   simplified Chinese one character at a time (OpenCC `t2s` applied per
   character, `詐騙` -> `诈骗`). Being 1:1, folded text has the same offsets as
   the displayed text. The price: a character whose NFKC form is several
   characters (`⑩`, `㍻`) stays as it is, and OpenCC's phrase-level choices
   (`乾隆` stays `乾隆` as a phrase but `乾` alone becomes `干`) are not used,
   because a query has no context to make the same choice.
2. `compact()` keeps only what search compares: runs of letters, digits and
   CJK characters. Whitespace between CJK characters is dropped (OCR line
   breaks and stray spaces, `犯罪团\\n伙` -> `犯罪团伙`); any other gap
   (punctuation, or spaces between Latin words) becomes one `BREAK`. It also
   returns, for every compact character, its offset in the original text, so
   matches found in compact text map back to the displayed text.
3. `pattern()` is the way back: a regular expression that finds compact
   text in the original, unfolded text (`诈骗` -> `[诈詐]\\s*[骗騙]`), so
   highlighting runs one C-speed regex search per hit instead of folding
   and compacting the whole article.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

BREAK = " "  # stands for any gap that is not ignorable; never a letter or digit

# Characters of scripts that separate words with spaces (Latin, digits, Greek,
# Cyrillic...): a space between two of them is a word break, not OCR noise.
_SPACED_SCRIPT_END = "\u2e80"
_ALNUM_RUN = re.compile(r"[^\W_]+")
# A letter or digit of a script written without spaces (CJK): a whitespace-only gap next to one is ignorable.
_UNSPACED_ALNUM = r"[^\W_\x00-\u2e7f]"  # \u2e7f: the last character before _SPACED_SCRIPT_END
# A gap of whitespace only, with a CJK character on one side and a letter or digit on the other.
# It opens with `\s` (the character before it is checked by a lookbehind after the first
# space) so that the regex engine skips ahead to the next whitespace instead of trying
# every position.
_IGNORED_GAP = re.compile(rf"\s(?:(?<={_UNSPACED_ALNUM}\s)\s*(?=[^\W_])|(?<=[^\W_]\s)\s*(?={_UNSPACED_ALNUM}))")
_OPENCC_RANGES = ((0x3400, 0xA000), (0xF900, 0xFB00))


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """str.translate table: one character in, one character out (built once, ~50 ms)."""
    import opencc

    table: dict[int, str] = {}
    for code in range(0x10000):
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) != 1:
            continue
        lowered = folded.lower()
        if len(lowered) == 1:
            folded = lowered
        if folded != char:
            table[code] = folded
    cjk = [chr(c) for lo, hi in _OPENCC_RANGES for c in range(lo, hi)]
    simplified = opencc.OpenCC("t2s").convert("\n".join(cjk)).split("\n")
    for char, simple in zip(cjk, simplified, strict=True):
        if simple != char and len(simple) == 1:
            table[ord(char)] = simple
    # a folded character must itself be final: fold(fold(x)) == fold(x)
    for code, folded in table.items():
        table[code] = table.get(ord(folded), folded)
    return table


def _runs_of(codes: Iterable[int]) -> re.Pattern[str]:
    """A regex for runs of the given characters (one character class of ranges)."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    members = "".join(re.escape(chr(lo)) + ("-" + re.escape(chr(hi)) if hi > lo else "") for lo, hi in ranges)
    return re.compile(f"[{members}]+")


@lru_cache(maxsize=1)
def _foldable() -> re.Pattern[str]:
    """Runs of characters that fold to another one (the keys of `_fold_table`)."""
    return _runs_of(_fold_table())


def _searchable(char: str) -> bool:
    return char.isalnum() or char.isspace()


@lru_cache(maxsize=1)
def _foldable_searchable() -> re.Pattern[str]:
    """Runs of the folding characters that can change compact text: letters, digits, whitespace, or what folds to them.

    The rest is punctuation folding to punctuation (`，` -> `,`, `（` -> `(`:
    nineteen in twenty folds in Chinese text), and compact text drops
    punctuation whether folded or not.
    """
    return _runs_of(code for code, folded in _fold_table().items() if _searchable(chr(code)) or _searchable(folded))


def _fold_run(run: re.Match[str]) -> str:
    return run.group().translate(_fold_table())


def fold(text: str) -> str:
    """Width, case and traditional/simplified folding, one character for one.

    `str.translate` with a dict costs a dict lookup per character; in Chinese
    text only about one character in twenty folds (mostly full-width
    punctuation and digits), so only runs of those are translated, found by
    a C-speed regex scan. Same result as `text.translate(_fold_table())`.
    """
    return _foldable().sub(_fold_run, text)


@dataclass(frozen=True)
class Compact:
    """Searchable form of a text: alphanumeric runs joined, gaps as BREAK.

    `offsets[i]` is the index in the original text of `text[i]` (for a BREAK,
    of the first character of the gap it stands for).
    """

    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original-text span of compact characters [start, end)."""
        return self.offsets[start], self.offsets[end - 1] + 1


def _is_spaced(char: str) -> bool:
    return char < _SPACED_SCRIPT_END


@lru_cache(maxsize=512)
def compact_text(text: str) -> str:
    """`compact(text).text`, without the offsets: what indexing needs, three times faster.

    compact() also records an offset per character (twice the cost of the
    text); indexing uses only the text, so here it takes regex passes:
    folding only what can change the result (letters, digits, whitespace;
    see `_foldable_searchable`), dropping each all-whitespace gap next to a
    CJK character (the lookarounds see the characters on both sides), then
    joining the runs left by BREAK.

    Remembered: a build compacts each article's title, subtitle and body
    twice, for jieba (`documents`, a page's articles at a time) and then for
    the n-grams (`ngrams`); a page has at most a few dozen articles.
    """
    folded = _foldable_searchable().sub(_fold_run, text)  # the letters, digits and gaps of fold(text)
    return BREAK.join(_ALNUM_RUN.findall(_IGNORED_GAP.sub("", folded)))


def compact(text: str) -> Compact:
    """Fold `text` and keep its alphanumeric runs (see the module docstring)."""
    folded = fold(text)
    parts: list[str] = []
    offsets: list[int] = []
    previous_end = -1
    for run in _ALNUM_RUN.finditer(folded):
        start, end = run.span()
        if previous_end >= 0:
            gap = folded[previous_end:start]
            word_break = not gap.isspace() or (
                _is_spaced(folded[previous_end - 1]) and _is_spaced(folded[start])
            )
            if word_break:
                parts.append(BREAK)
                offsets.append(previous_end)
        parts.append(run.group())
        offsets.extend(range(start, end))
        previous_end = end
    return Compact("".join(parts), tuple(offsets))


@lru_cache(maxsize=1)
def _unfold_table() -> dict[str, str]:
    """Folded character -> every character that folds to it, itself included."""
    sources: dict[str, set[str]] = {}
    for code, folded in _fold_table().items():
        sources.setdefault(folded, {folded}).add(chr(code))
    return {folded: "".join(sorted(chars)) for folded, chars in sources.items()}


def pattern(compact_text: str) -> str:
    """A regex matching, in original text, what compacts to `compact_text`.

    Any whitespace may separate two characters (a superset of what compact()
    ignores: fine for highlighting text already known to match); a BREAK is
    any run of non-alphanumerics.
    """
    unfold = _unfold_table()
    parts: list[str] = []
    for char in compact_text:
        if char == BREAK:
            parts.append(r"[\W_]+")
            continue
        if parts and parts[-1] != r"[\W_]+":
            parts.append(r"\s*")
        variants = unfold.get(char, char)
        parts.append(re.escape(variants) if len(variants) == 1 else "[" + re.escape(variants) + "]")
    return "".join(parts)
