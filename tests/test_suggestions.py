"""Suggestions for a search that finds nothing rewrite the parsed query, so they follow the query language."""
from __future__ import annotations

import pytest
from hypothesis import given

from indexer.api import QueryError
from indexer.query import parse
from tests.test_query import QUERIES
from webui.suggestions import query_suggestions, syntax_free


def queries(q: str) -> list[str]:
    return [suggestion.query for suggestion in query_suggestions(q)]


@pytest.mark.parametrize("q", ["标题:醉驾 民警", "title:醉驾 民警", "标题：醉驾 民警", "title：醉驾 民警"])
def test_every_spelling_of_a_field_scope_is_offered_without_it(q: str) -> None:
    suggestions = query_suggestions(q)
    assert suggestions[0].query == "醉驾 民警" and "不限于标题" in suggestions[0].reason
    assert queries(q)[1:] == ["民警", "title:醉驾"]  # each word dropped in turn, the scope kept


def test_a_full_width_colon_scopes_as_the_half_width_one_does() -> None:
    assert queries("title：醉驾") == queries("title:醉驾") == ["醉驾"]


@pytest.mark.parametrize(("q", "plain"), [
    ("标题:醉驾 (民警", "醉驾 民警"),  # was "标题 醉驾 民警": the Chinese field name left as a word
    ("作者：丁国锋 (民警", "丁国锋 民警"),
    ('"电信网络诈骗 (', "电信网络诈骗"),
    ("-民警 OR", "民警"),
])
def test_a_query_that_does_not_parse_is_offered_without_its_syntax(q: str, plain: str) -> None:
    with pytest.raises(QueryError):
        parse(q)
    assert syntax_free(q) == plain


def test_dropping_a_word_keeps_groups_and_phrases_whole() -> None:
    assert queries("(袭警 OR 醉驾) 民警") == ["民警", "袭警 OR 醉驾"]  # was "醉驾) 民警", "(袭警 OR 民警"
    assert queries('"民警 貉子不存在" 杀猪盘') == ["民警 貉子不存在 杀猪盘", "杀猪盘", '"民警 貉子不存在"']


def test_a_suggestion_that_would_search_the_same_is_not_offered() -> None:
    assert queries('"电信网络诈骗"') == []  # unquoted it is the same phrase
    assert queries("醉驾") == []


def test_an_excluded_phrase_is_not_loosened() -> None:
    assert queries('醉驾 -"酒后 驾车"') == ['-"酒后 驾车"', "醉驾"]



@given(QUERIES)
def test_every_suggestion_parses_and_searches_something_else(q: str) -> None:
    trees = [parse(suggestion) for suggestion in queries(q)]
    assert parse(q) not in trees and len(set(map(repr, trees))) == len(trees)
