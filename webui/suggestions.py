"""What to try when a search finds nothing.

Most empty results come from one word too many, a phrase quoted too
strictly, a field scope, or a forgotten filter; each suggestion is the
query with one of those undone, so the user can click instead of retype.
The query is rewritten as the tree `indexer.query.parse` gives (the one
parser of the product), so a suggestion means what the query language
says, whatever quotes, field names or colons the user typed, and always
parses; `unparse` writes it back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from indexer.api import QueryError
from indexer.query import (
    CLOSE_PARENS,
    CLOSING_QUOTES,
    FIELD_PREFIX,
    OPEN_PARENS,
    OPERATORS,
    QUOTES,
    And,
    Node,
    Not,
    Or,
    Text,
    parse,
    unparse,
)
from indexer.text.normalize import BREAK, compact

MAX_DROPPED_WORD_SUGGESTIONS = 4
# The query language's own syntax, and the operators of other engines (plain characters here, but
# no help in a query offered without syntax).
_QUOTE_CHARS = "".join([*QUOTES, *CLOSING_QUOTES])
_QUOTE = re.compile(f"[{re.escape(_QUOTE_CHARS)}]")
_OTHER_SYNTAX = ":：\\^*~[]{}"  # field colons, and other engines' operators
_SYNTAX = re.compile(f"[{re.escape(_QUOTE_CHARS + ''.join([*OPEN_PARENS, *CLOSE_PARENS]) + _OTHER_SYNTAX)}]")


@dataclass(frozen=True)
class Suggestion:
    query: str
    reason: str


def query_suggestions(q: str) -> list[Suggestion]:
    """Looser forms of `q`, most helpful first, each a different query from `q` and from the others."""
    try:
        node = parse(q)
    except QueryError:
        return []
    candidates: list[tuple[Node | None, str]] = [
        (_positive_texts_mapped(node, _unquoted), "去掉引号，不要求字词紧挨在一起"),
        (_positive_texts_mapped(node, lambda text: replace(text, field=None)), "不限于标题或作者，在全文中查找"),
    ]
    if isinstance(node, And):
        for item in node.items[:MAX_DROPPED_WORD_SUGGESTIONS]:
            rest = tuple(other for other in node.items if other is not item)
            dropped = _QUOTE.sub("", unparse(item))
            candidates.append((rest[0] if len(rest) == 1 else And(rest), f"去掉“{dropped}”"))
    seen: list[Node | None] = [node, None]
    unique = []
    for tree, reason in candidates:
        if tree not in seen:
            seen.append(tree)
            unique.append(Suggestion(unparse(tree), reason))
    return unique


def _unquoted(text: Text) -> Node:
    """A quoted phrase of several words as those words, each anywhere in the article (an AND).

    The words are the ones typed between the quotes: compact text has
    dropped the spaces between Chinese words (`"民警 貉子"` must match
    民警貉子 in a row), so they are taken from the source.
    """
    if text.source[:1] not in QUOTES:
        return text
    words = [word for word in _QUOTE.sub(" ", text.source).split() if compact(word).text.strip(BREAK)]
    if len(words) < 2:
        return text
    return And(tuple(Text(compact(word).text.strip(BREAK), text.field, "" if word in OPERATORS else word)
                     for word in words))


def _positive_texts_mapped(node: Node | None, change: Callable[[Text], Node]) -> Node | None:
    """`node` with `change` applied to each text that must (or may) occur; what is excluded (under
    a NOT) stays as it is, since loosening it would make the query stricter."""
    if isinstance(node, Text):
        return change(node)
    if isinstance(node, (And, Or)):
        items: list[Node] = []
        for item in node.items:
            changed = _positive_texts_mapped(item, change)
            items.extend(changed.items if isinstance(changed, type(node)) else (changed,))  # type: ignore[union-attr]
        return type(node)(tuple(items))
    return node  # a Not, a DateRange


def syntax_free(q: str) -> str:
    """`q` with all query syntax removed: what to offer when the syntax itself was wrong.

    Such a query does not parse, so this works on its text, with the query
    language's own definitions of field names, quotes, parentheses and
    operators.
    """
    words = _SYNTAX.sub(" ", FIELD_PREFIX.sub(" ", q)).split()
    return " ".join(filter(None, (word.lstrip("-") for word in words if word not in OPERATORS)))
