"""What to try when a search finds nothing.

Most empty results come from one word too many, a phrase quoted too
strictly, a field scope, or a forgotten filter; each suggestion is the
query with one of those undone, so the user can click instead of retype.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# A quoted phrase in any of the three quote styles, or a run of non-space characters.
TERM = re.compile(r'"[^"]*"|“[^”]*”|「[^」]*」|\S+')
QUOTES = re.compile(r'["“”「」]')
FIELD_SCOPE = re.compile(r"\b(?:title|byline):")
OPERATORS = {"AND", "OR", "NOT"}
MAX_DROPPED_WORD_SUGGESTIONS = 4


@dataclass(frozen=True)
class Suggestion:
    query: str
    reason: str


def query_suggestions(q: str) -> list[Suggestion]:
    """Looser forms of `q`, most helpful first, without duplicates or `q` itself."""
    candidates: list[Suggestion] = []
    if QUOTES.search(q):
        candidates.append(Suggestion(QUOTES.sub(" ", q).strip(), "去掉引号，不要求字词紧挨在一起"))
    if FIELD_SCOPE.search(q):
        candidates.append(Suggestion(FIELD_SCOPE.sub("", q).strip(), "不限于标题或作者，在全文中查找"))
    terms = TERM.findall(q)
    words = [t for t in terms if t not in OPERATORS]
    if len(words) > 1:
        for word in words[:MAX_DROPPED_WORD_SUGGESTIONS]:
            rest = list(terms)
            rest.remove(word)
            candidates.append(Suggestion(" ".join(_without_dangling_operators(rest)),
                                         f"去掉“{QUOTES.sub('', word)}”"))
    seen = {q.strip(), ""}
    unique = []
    for suggestion in candidates:
        normal = " ".join(suggestion.query.split())
        if normal not in seen:
            seen.add(normal)
            unique.append(Suggestion(normal, suggestion.reason))
    return unique


def syntax_free(q: str) -> str:
    """`q` with all query syntax removed: what to offer when the syntax itself was wrong."""
    words = re.sub(r'["“”「」()（）:：\\^*~\[\]{}]', " ", FIELD_SCOPE.sub("", q)).split()
    return " ".join(word.lstrip("-") for word in words if word not in OPERATORS).strip()


def _without_dangling_operators(terms: list[str]) -> list[str]:
    """Drop operators left at either end or doubled once a word is removed ("A OR" -> "A")."""
    tidy: list[str] = []
    for term in terms:
        if term in OPERATORS and (not tidy or tidy[-1] in OPERATORS):
            continue
        tidy.append(term)
    while tidy and tidy[-1] in OPERATORS:
        tidy.pop()
    return tidy
