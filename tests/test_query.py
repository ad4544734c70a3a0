"""The query language of CONTRACT.md: what a query means, and what a malformed one says."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.text.normalize import BREAK
from indexer.query import MAX_QUERY_CHARS, And, DateRange, Not, Or, Text, parse, positive_texts, unparse
from indexer.api import QueryError


@pytest.mark.parametrize(
    ("q", "tree"),
    [
        ("", None),
        ("   ", None),
        ("电信 诈骗", And((Text("电信"), Text("诈骗")))),
        ("民警 AND 貉", And((Text("民警"), Text("貉")))),
        ('"电信网络诈骗"', Text("电信网络诈骗")),
        ("“电信网络诈骗”", Text("电信网络诈骗")),
        ("「电信网络诈骗」", Text("电信网络诈骗")),
        ('"劲 往基层使"', Text("劲往基层使")),  # a space inside Chinese text is ignored
        ('"new york"', Text(f"new{BREAK}york")),
        ("民警 OR 辅警", Or((Text("民警"), Text("辅警")))),
        ("民警 or 辅警", And((Text("民警"), Text("or"), Text("辅警")))),  # operators are upper case
        ("诈骗 NOT 电信", And((Text("诈骗"), Not(Text("电信"))))),
        ("诈骗 -电信", And((Text("诈骗"), Not(Text("电信"))))),
        ("-电信", Not(Text("电信"))),
        ("(民警 OR 辅警) 貉", And((Or((Text("民警"), Text("辅警"))), Text("貉")))),
        ("（民警 OR 辅警）", Or((Text("民警"), Text("辅警")))),
        ("title:醉驾", Text("醉驾", "title")),
        ("民警 title:醉驾", And((Text("民警"), Text("醉驾", "title")))),
        ("民警 date:2021", And((Text("民警"), DateRange(20210101, 20211231)))),
        ('byline:"丁国锋"', Text("丁国锋", "byline")),
        ("标题:醉驾", Text("醉驾", "title")),
        ("title:(醉驾 OR 酒驾)", Or((Text("醉驾", "title"), Text("酒驾", "title")))),
        ("時段警務 ＡＢＣ", And((Text("时段警务"), Text("abc")))),
        ("诈骗 ，", Text("诈骗")),  # punctuation alone is nothing to search
        ("12:30", Text(f"12{BREAK}30")),  # a colon after digits is text, not a field
        ("date:2021", DateRange(20210101, 20211231)),
        ("date:2021-04", DateRange(20210401, 20210431)),
        ("date:2021-04-08", DateRange(20210408, 20210408)),
        ("date:2021-01-01..2021-06-30", DateRange(20210101, 20210630)),
        ("date:..2020", DateRange(0, 20201231)),
        ("date:１９９８", DateRange(19980101, 19981231)),
    ],
)
def test_parse(q: str, tree: object) -> None:
    assert parse(q) == tree


@pytest.mark.parametrize(
    ("q", "says"),
    [
        ("(民警 OR 辅警", "没有对应的右括号"),
        ("民警)", "多了一个右括号"),
        ("()", "括号里没有检索词"),
        ("(((", r"第 3 个字符处的左括号 \( 没有对应的右括号"),
        ("民警 (", "没有对应的右括号"),
        ('"电信诈骗', "没有闭合"),
        ("电信诈骗”", "没有对应的开引号"),
        ("民警 OR", "OR 两边都需要检索词"),
        ("OR 民警", "OR 两边都需要检索词"),
        ("民警 OR OR 辅警", "OR 两边都需要检索词"),
        ("AND 民警", "AND 前面缺少检索词"),
        ("民警 AND", "AND 后面缺少检索词"),
        ("民警 NOT", "NOT 后面缺少要排除的检索词"),
        ("foo:bar", "未知的字段“foo:”"),
        ("title: 醉驾", "“title:”后面缺少检索词"),
        ("date:昨天", "日期“昨天”看不懂"),
        ("date:2021-13", "月份或日子不存在"),
        ("date:2021..2020", "开始晚于结束"),
        ("，。", "没有可以检索的文字"),
        ("诈" * (MAX_QUERY_CHARS + 1), "查询太长"),
        (" ".join(["诈骗"] * 40), "检索词太多"),
    ],
)
def test_malformed_query_says_what_is_wrong(q: str, says: str) -> None:
    with pytest.raises(QueryError, match=says):
        parse(q)


@pytest.mark.parametrize(
    ("q", "field", "texts"),
    [
        ("电信 诈骗", "body", ["电信", "诈骗"]),
        ("诈骗 -电信", "body", ["诈骗"]),  # excluded text is never highlighted
        ("title:醉驾 民警", "body", ["民警"]),
        ("title:醉驾 民警", "title", ["醉驾", "民警"]),
        ("date:2021", "body", []),
    ],
)
def test_positive_texts_are_what_highlighting_marks(q: str, field: str, texts: list[str]) -> None:
    assert positive_texts(parse(q), field) == texts


@pytest.mark.parametrize(
    ("q", "tree"),
    [
        ("(" * 249 + "民" + ")" * 249, Text("民")),  # redundant parentheses cost nothing
        ("-" * 499 + "民", Not(Text("民"))),  # negations are counted, not nested
        ("-" * 498 + "民", Text("民")),
        ("NOT NOT 民", Text("民")),
        ("title:((醉驾))", Text("醉驾", "title")),  # the scope survives
        ("((title:(醉驾)))", Text("醉驾", "title")),
    ],
)
def test_deep_nesting_stays_flat(q: str, tree: object) -> None:
    assert parse(q) == tree


def test_same_operators_are_flattened() -> None:
    assert parse("a OR (b OR (c OR d))") == Or((Text("a"), Text("b"), Text("c"), Text("d")))
    assert parse("a (b (c d))") == And((Text("a"), Text("b"), Text("c"), Text("d")))



TERMS = st.sampled_from(["民警", "醉驾", '"酒后 驾车"', "「杀猪盘」", "title:醉驾", "标题：民警", "byline:(丁国锋 OR 李亚)",
                         "date:2021", "date:2021-01..2021-06-30", "日期:..2020", "(袭警 OR 醉驾)", "-广告", "NOT 诈骗",
                         "OR", "AND", "貉", "ABC", "詐騙", "-(a OR b)", "title:\"电信 诈骗\""])


def parses(q: str) -> bool:
    try:
        parse(q)
    except QueryError:
        return False
    return True


# Queries made of the terms above, the malformed ones (a dangling OR) left out.
QUERIES = st.lists(TERMS, min_size=1, max_size=8).map(" ".join).filter(parses)


@given(QUERIES)
def test_unparse_writes_a_query_that_parses_to_the_same_tree(q: str) -> None:
    tree = parse(q)
    assert parse(unparse(tree)) == tree
