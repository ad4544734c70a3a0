"""Snippets: the passage around the matches, escaped, each match marked whole."""
from __future__ import annotations

import re

import pytest

from indexer.text.normalize import compact
from indexer.present.snippets import MAX_CHARS, find_matches, highlight, highlight_paragraphs, snippet


def needles(*texts: str) -> list[str]:
    return [compact(t).text for t in texts]


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html, re.S)


@pytest.mark.parametrize(
    ("text", "query", "marks"),
    [
        ("广东省清远市连南县公安局", "连南", ["连南"]),  # the whole query, not 连
        ("以“杀猪盘”为手段", "杀猪盘", ["杀猪盘"]),
        ("骗人钱财的犯罪团\n伙被彻底摧毁", "犯罪团伙", ["犯罪团\n伙"]),  # across a line break
        ("人往基层走、劲 往基层使", "劲往基层使", ["劲 往基层使"]),  # across a stray space
        ("海阳交警推进“时段警务”", "時段警務", ["时段警务"]),  # typed in traditional characters
        ("１９９８年", "1998", ["１９９８"]),  # typed half-width
        ("电信诈骗", "电信 电信诈骗", ["电信诈骗"]),  # overlapping matches: one mark, never nested
    ],
)
def test_every_match_is_marked_whole(text: str, query: str, marks: list[str]) -> None:
    html = highlight(text, needles(*query.split()))
    assert [m.replace("&quot;", '"') for m in marked(html)] == marks


def test_everything_but_the_marks_is_escaped() -> None:
    html = highlight('<script>alert("诈骗")</script> & 诈骗', needles("诈骗"))
    assert html == ('&lt;script&gt;alert(&quot;<mark>诈骗</mark>&quot;)&lt;/script&gt; &amp; '
                    "<mark>诈骗</mark>")


def test_find_matches_reports_which_query_texts_each_covers() -> None:
    matches = find_matches("电信诈骗，诈骗", needles("电信", "诈骗"))
    assert [(m.start, m.end, sorted(m.needles)) for m in matches] == [(0, 4, [0, 1]), (5, 7, [1])]


LONG = (
    "近年来，金乡县公安局持续开展打击网络诈骗领域犯罪行动。" * 4
    + "下沉至派出所，关口前移至社区村居，依托社区民警开展防范宣传。"
    + "不断健全案件日汇总、周调度、月研判机制。" * 6
    + "一只貉被河边草缠住了脚，受伤了，请求派出所处置。"
    + "全市公安机关以深入推进全民攻坚行动为抓手。" * 4
)


def test_snippet_is_a_passage_around_the_match_cut_at_sentences() -> None:
    html = snippet(LONG, needles("社区民警"))
    text = html.replace("<mark>", "").replace("</mark>", "")
    assert marked(html) == ["社区民警"]
    assert len(text) <= MAX_CHARS + 2
    assert text.endswith("。")  # cut at sentence punctuation


def test_far_apart_matches_are_joined_with_an_ellipsis() -> None:
    html = snippet(LONG, needles("社区民警", "貉"))
    assert marked(html) == ["社区民警", "貉"]
    assert "…" in html


def test_without_a_match_the_snippet_is_the_lead() -> None:
    html = snippet(LONG, needles("不存在"))
    assert html.startswith("近年来，金乡县公安局")
    assert "<mark>" not in html


def test_a_long_sentence_is_cut_around_the_match_with_ellipses() -> None:
    sentence = "甲" * 300 + "连南" + "乙" * 300 + "。"
    html = snippet(sentence, needles("连南"))
    assert html.startswith("…") and html.endswith("…")
    assert marked(html) == ["连南"]
    assert len(html) < MAX_CHARS + 40


def test_highlighted_paragraphs_keep_their_paragraph_breaks() -> None:
    paragraphs = ["第一段说诈骗。", "第二段也说诈骗。"]
    assert highlight_paragraphs(paragraphs, needles("诈骗")) == [
        "第一段说<mark>诈骗</mark>。",
        "第二段也说<mark>诈骗</mark>。",
    ]
