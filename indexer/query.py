"""The query language of CONTRACT.md, parsed into a small tree (no Whoosh here).

    电信 诈骗             both must occur (AND; `AND` may also be written)
    "电信网络诈骗"         the characters in a row; also “…”, 「…」, 『…』
    民警 OR 辅警          either
    NOT 广告, -广告        must not occur
    (a OR b) c           grouping; full-width （ ） too
    title:醉驾, byline:丁国锋, title:"…", title:(a OR b)   scope to a field
    date:2021, date:2021-04, date:2021-01-01..2021-06-30, date:..2020   date range
    "钱其琛 意大利"~10    near: the words within 10 characters of one another, any order, one field

An unquoted word is matched like a phrase: its characters in a row, so
`人民共和国` finds `中华人民共和国`. A word with nothing searchable in it
(only punctuation) is ignored. Operators are upper case; `or` is a word.
Every syntax error raises `QueryError` with a message (in the product's
language) that says what is wrong and where.

This is the one parser of the product: every engine runs the tree `parse`
gives, and the web UI's suggestions rewrite it (webui.suggestions). The
limits of a query and of a search request are checked here too
(`validate`), so each is defined once.
"""
from __future__ import annotations

import re
import dataclasses
from dataclasses import dataclass
from typing import Union

from indexer.api import FACETS, MAX_PER_PAGE, SORTS, QueryError, SearchRequest
from indexer.text.ngrams import SECTION_GAP
from indexer.text.normalize import BREAK, compact, fold

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
# A day as requests give it (`from=`, `to=`): the one date pattern of the product's requests and pages.
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}
CLOSING_QUOTES = {"”", "」", "』"}
OPEN_PARENS = {"(", "（"}
CLOSE_PARENS = {")", "）"}
OPERATORS = ("OR", "AND", "NOT")
FIELDS = {"title": "title", "标题": "title", "byline": "byline", "作者": "byline", "date": "date", "日期": "date"}
# A field name and its colon (half- or full-width) where a term starts; unknown names are refused.
FIELD_PREFIX = re.compile(r"([A-Za-z_]+|标题|作者|日期)[:：]")
_DATE = re.compile(r"^(\d{4})(?:-?(\d{1,2})(?:-?(\d{1,2}))?)?$")


@dataclass(frozen=True)
class Text:
    """Text that must occur, its characters in a row; `field` None means any text field.

    `source` is the term as it was typed (quotes included, field name not),
    so that a rewritten query (`unparse`) reads as the user wrote it; it
    takes no part in equality: two texts that match the same are equal.
    """

    text: str  # compact form (normalize.compact), never empty
    field: str | None = None
    source: str = dataclasses.field(default="", compare=False)


@dataclass(frozen=True)
class DateRange:
    start: int  # YYYYMMDD inclusive
    end: int  # YYYYMMDD inclusive
    source: str = dataclasses.field(default="", compare=False)  # as typed after `date:`, see Text.source


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


@dataclass(frozen=True)
class Near:
    """Every text must occur, in any order, all within `distance` characters of one another (the
    characters between them, counted as search counts them: a run of punctuation is one), in one
    field (`field` None: the title, subtitle, byline or body, the same one for all)."""

    texts: tuple[str, ...]  # compact, two or more
    distance: int
    field: str | None = None
    source: str = dataclasses.field(default="", compare=False)  # as typed, `"…"~N`, see Text.source


Node = Union[Text, DateRange, And, Or, Not, Near]
MAX_NEAR_DISTANCE = 200
assert MAX_NEAR_DISTANCE < SECTION_GAP, "a near-search must not reach from one section into the next"
_NEAR = re.compile(r"~(\d{1,9})")  # right after a closing quote


@dataclass(frozen=True)
class _Token:
    kind: str  # "word" | "phrase" | "(" | ")" | "OR" | "AND" | "NOT" | "-"
    value: str
    at: int  # character position in the query, for messages
    field: str | None = None
    raw: str = ""  # a word or phrase as typed (a phrase with its quotes)


def _lex(q: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(q):
        char = q[i]
        if char.isspace():
            i += 1
            continue
        field = None
        prefix = FIELD_PREFIX.match(q, i) if char.isalpha() else None
        if prefix:
            name = prefix.group(1)
            if name not in FIELDS:
                raise QueryError(f"未知的字段“{name}:”；可用的字段：title:、byline:、date:")
            field = FIELDS[name]
            i = prefix.end()
            if i >= len(q) or q[i].isspace():
                raise QueryError(f"“{name}:”后面缺少检索词")
            char = q[i]
        if char == "-" and field is None and i + 1 < len(q) and not q[i + 1].isspace():
            tokens.append(_Token("-", char, i))
            i += 1
        elif char in OPEN_PARENS:
            tokens.append(_Token("(", char, i, field))
            i += 1
        elif char in CLOSE_PARENS:
            tokens.append(_Token(")", char, i))
            i += 1
        elif char in QUOTES:
            end = q.find(QUOTES[char], i + 1)
            if end < 0:
                raise QueryError(f"第 {i + 1} 个字符处的引号 {char} 没有闭合")
            near = _NEAR.match(q, end + 1)
            if near:
                tokens.append(_Token("near", q[i + 1 : end], i, field, q[i : near.end()]))
                i = near.end()
            else:
                tokens.append(_Token("phrase", q[i + 1 : end], i, field, q[i : end + 1]))
                i = end + 1
        elif char in CLOSING_QUOTES:
            raise QueryError(f"第 {i + 1} 个字符处的引号 {char} 前面没有对应的开引号")
        else:
            end = i
            while end < len(q) and not (q[end].isspace() or q[end] in OPEN_PARENS or q[end] in CLOSE_PARENS
                                        or q[end] in QUOTES or q[end] in CLOSING_QUOTES):
                end += 1
            word = q[i:end]
            if field is None and word in OPERATORS:
                tokens.append(_Token(word, word, i))
            else:
                tokens.append(_Token("word", word, i, field, word))
            i = end
    return tokens


def _date_bound(text: str, is_end: bool, raw: str) -> int:
    match = _DATE.match(text)
    if not match:
        raise QueryError(f"日期“{raw}”看不懂；请写成 2021、2021-04、2021-04-08 或 2021-01-01..2021-06-30")
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    month_number = int(month) if month else (12 if is_end else 1)
    day_number = int(day) if day else (31 if is_end else 1)
    if not (1 <= month_number <= 12 and 1 <= day_number <= 31):
        raise QueryError(f"日期“{raw}”里的月份或日子不存在")
    return year * 10000 + month_number * 100 + day_number


def parse_date_range(raw: str) -> DateRange:
    """`2021`, `2021-04`, `2021-04-08`, `A..B`, `..B`, `A..` -> inclusive YYYYMMDD bounds."""
    text = fold(raw).strip()
    if ".." in text:
        low, high = text.split("..", 1)
    else:
        low = high = text
    if not low and not high:
        raise QueryError("date: 后面至少要写一个日期")
    start = _date_bound(low, False, raw) if low else 0
    end = _date_bound(high, True, raw) if high else 99991231
    if start > end:
        raise QueryError(f"日期范围“{raw}”的开始晚于结束")
    return DateRange(start, end, raw)


class _Parser:
    """Recursive descent: or_expr := and_expr (OR and_expr)*; and_expr := unary ([AND] unary)*."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.terms = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr(None)
        extra = self.peek()
        if extra is not None:  # only a ")" can stop or_expr early
            raise QueryError(f"第 {extra.at + 1} 个字符处多了一个右括号 {extra.value}")
        return node

    def or_expr(self, field: str | None) -> Node | None:
        items = [self.and_expr(field)]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            items.append(self.and_expr(field))
        return _combine(Or, items)

    def and_expr(self, field: str | None) -> Node | None:
        items: list[Node | None] = []
        while (token := self.peek()) is not None and token.kind not in ("OR", ")"):
            if token.kind == "AND":
                if not items:
                    raise QueryError("AND 前面缺少检索词")
                self.take()
                nxt = self.peek()
                if nxt is None or nxt.kind in ("OR", "AND", ")"):
                    raise QueryError("AND 后面缺少检索词")
                continue
            items.append(self.unary(field))
        if not items:
            token, before = self.peek(), self.tokens[self.i - 1] if self.i else None
            if before is not None and before.kind == "(":
                if token is None:  # `(((`: nothing after it, never closed
                    raise QueryError(f"第 {before.at + 1} 个字符处的左括号 {before.value} 没有对应的右括号")
                if token.kind == ")":
                    raise QueryError(f"第 {token.at + 1} 个字符处的括号里没有检索词")
            raise QueryError("OR 两边都需要检索词")
        return _combine(And, items)

    def unary(self, field: str | None) -> Node | None:
        """NOT/- chains are counted in a loop, so `----民` neither recurses nor nests (two cancel out)."""
        negations = 0
        token = self.take()
        while token.kind in ("NOT", "-"):
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "AND", ")"):
                raise QueryError(f"{token.value} 后面缺少要排除的检索词")
            negations += 1
            token = self.take()
        inner = self.atom(token, field)
        return Not(inner) if negations % 2 and inner is not None else inner

    def atom(self, token: _Token, field: str | None) -> Node | None:
        if token.kind == "(":
            inner = self.or_expr(token.field or field)
            close = self.peek()
            if close is None or close.kind != ")":
                raise QueryError(f"第 {token.at + 1} 个字符处的左括号 {token.value} 没有对应的右括号")
            self.take()
            return inner
        if token.kind == ")":
            raise QueryError(f"第 {token.at + 1} 个字符处多了一个右括号 {token.value}")
        return self.term(token, token.field or field)

    def term(self, token: _Token, field: str | None) -> Node | None:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QueryError(f"检索词太多（最多 {MAX_TERMS} 个）")
        if field == "date":
            return parse_date_range(token.value)
        if token.kind == "near":
            return self.near(token, field)
        text = compact(token.value).text.strip(BREAK)
        return Text(text, field, token.raw) if text else None


    def near(self, token: _Token, field: str | None) -> Node | None:
        """`"a b"~N`: its words (split at spaces), each a term; one word is just that phrase."""
        distance = int(_NEAR.search(token.raw).group(1))
        if distance > MAX_NEAR_DISTANCE:
            raise QueryError(f"第 {token.at + 1} 个字符处的 ~{distance}：距离最多 {MAX_NEAR_DISTANCE} 个字")
        texts = tuple(dict.fromkeys(text for word in token.value.split()
                                    if (text := compact(word).text.strip(BREAK))))
        self.terms += len(texts) - 1
        if self.terms > MAX_TERMS:
            raise QueryError(f"检索词太多（最多 {MAX_TERMS} 个）")
        if len(texts) < 2:
            return Text(texts[0], field, token.raw) if texts else None
        return Near(texts, distance, field, token.raw)


def _combine(kind: type[And] | type[Or], items: list[Node | None]) -> Node | None:
    """`kind` of the items, None ones dropped, same-kind ones spliced in: a OR (b OR c) -> a OR b OR c."""
    kept = tuple(part for item in items if item is not None
                 for part in (item.items if isinstance(item, kind) else (item,)))
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else kind(kept)


def _without_redundant_parens(tokens: list[_Token]) -> list[_Token]:
    """Drop parentheses that only wrap another pair (`((民))` -> `(民)`), so nesting costs no recursion.

    Unbalanced ones are kept for the parser to report.
    """
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, token in enumerate(tokens):
        if token.kind == "(":
            stack.append(i)
        elif token.kind == ")" and stack:
            pairs[stack.pop()] = i
    dropped: set[int] = set()
    for i, j in pairs.items():
        if pairs.get(i + 1) == j - 1:
            inner_is_plain = tokens[i + 1].field is None  # else keep the inner one: it scopes a field
            dropped |= {i + 1, j - 1} if inner_is_plain else {i, j} if tokens[i].field is None else set()
    return [token for i, token in enumerate(tokens) if i not in dropped]


def parse(q: str) -> Node | None:
    """The query tree, or None for a blank query; raises QueryError for a malformed one."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"查询太长（{len(q)} 个字符，最多 {MAX_QUERY_CHARS} 个）")
    tokens = _without_redundant_parens(_lex(q))
    if not tokens:
        return None
    node = _Parser(tokens).parse()
    if node is None:
        raise QueryError("查询里没有可以检索的文字（只有标点符号）")
    return node


def positive_texts(node: Node | None, field: str | None) -> list[str]:
    """Compact texts a match may show in `field` (None: unscoped ones), for highlighting; not under NOT."""
    if isinstance(node, Text):
        return [node.text] if node.field in (None, field) else []
    if isinstance(node, Near):
        return list(node.texts) if node.field in (None, field) else []
    if isinstance(node, (And, Or)):
        return [text for item in node.items for text in positive_texts(item, field)]
    return []


def occurrence_texts(node: Node | None) -> list[Text]:
    """The texts whose occurrences a match shows (not under a NOT), each once, in query order (a
    near's words each): what KWIC counts and lines up, on either engine."""
    if isinstance(node, Text):
        return [node]
    if isinstance(node, Near):
        return [Text(text, node.field) for text in node.texts]
    if isinstance(node, (And, Or)):
        return list(dict.fromkeys(text for item in node.items for text in occurrence_texts(item)))
    return []


def requires_text(node: Node | None) -> bool:
    """Whether every match must contain some text, so it can only be an article (no kind filter needed)."""
    if isinstance(node, (Text, Near)):
        return True
    if isinstance(node, And):
        return any(requires_text(item) for item in node.items)
    if isinstance(node, Or):
        return all(requires_text(item) for item in node.items)
    return False


def relax(node: Node | None) -> tuple[Node, ...]:
    """The words of an AND that no article has all of, to look for separately (() if not an AND).

    Articles are often shorter than what a reader remembers together (a
    brief about a 貉 rescued by a police station that never says 民警):
    rather than nothing, an engine shows what has some of the words, flagged
    `relaxed`, the rarest words first. Exclusions and dates still hold. Of a
    long AND (thirty common words) an engine looks for the rarest few only:
    the others would match nearly everything.
    """
    if not isinstance(node, And):
        return ()
    wanted = tuple(item for item in node.items if not isinstance(item, (Not, DateRange)))
    return wanted if len(wanted) >= 2 else ()


def _day(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    if not ISO_DATE.fullmatch(value):
        raise QueryError(f"{name} 应写成 YYYY-MM-DD，而不是“{value}”")
    return int(value.replace("-", ""))


def request_dates(request: SearchRequest) -> DateRange | None:
    """The inclusive date range of `from`/`to`, if any (QueryError for a malformed day)."""
    start, end = _day(request.date_from, "from"), _day(request.date_to, "to")
    return DateRange(start or 0, end or 99991231) if start is not None or end is not None else None


def validate(request: SearchRequest) -> Node | None:
    """The parsed query; QueryError for it or for a sort, page, size, date or filter the caller let through."""
    if request.sort not in SORTS:
        raise QueryError(f"sort 只能是 {', '.join(SORTS)}")
    if request.page < 1:
        raise QueryError("page 从 1 开始")
    if not 1 <= request.per_page <= MAX_PER_PAGE:
        raise QueryError(f"per_page 应在 1 到 {MAX_PER_PAGE} 之间")
    for name in request.filters:
        if name not in FACETS:
            raise QueryError(f"未知的筛选项“{name}”；可用：{'、'.join(FACETS)}")
    request_dates(request)
    return parse(request.q)


def unparse(node: Node | None) -> str:
    """The query text of a tree, so that `parse(unparse(node)) == node`: how a query rewritten as a
    tree (webui.suggestions) is shown. Terms read as typed (`source`), fields by their English names."""
    if node is None:
        return ""
    if isinstance(node, Text):
        return (f"{node.field}:" if node.field else "") + (node.source or _quoted(node.text))
    if isinstance(node, DateRange):
        return "date:" + (node.source or _date_text(node))
    if isinstance(node, Near):
        return (f"{node.field}:" if node.field else "") + (node.source or f'"{" ".join(node.texts)}"~{node.distance}')
    if isinstance(node, Not):
        return "-" + _grouped(node.item, (And, Or))
    if isinstance(node, And):
        return " ".join(_grouped(item, (Or,)) for item in node.items)
    return " OR ".join(unparse(item) for item in node.items)  # an AND inside an OR needs no parentheses


def _grouped(node: Node, needs_parentheses: tuple[type, ...]) -> str:
    return f"({unparse(node)})" if isinstance(node, needs_parentheses) else unparse(node)


def _quoted(text: str) -> str:
    """Compact text as a term: quoted where it has a gap (compact text is letters, digits and BREAKs)."""
    return f'"{text}"' if BREAK in text or text in OPERATORS else text


def _date_text(node: DateRange) -> str:
    def day(value: int) -> str:
        return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"

    return f"{day(node.start) if node.start else ''}..{day(node.end) if node.end != 99991231 else ''}"
