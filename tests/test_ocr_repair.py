"""OCR repairs, one named fix at a time, then the page layout they add up to."""
from __future__ import annotations

import pytest

from archive.layout import page_paragraphs
from archive.ocr_repair import (
    display_width,
    drop_duplicate_paragraphs,
    ends_mid_sentence,
    ends_sentence,
    first_sentence,
    is_noise_line,
    remove_spaces_inside_chinese,
    strip_markdown_emphasis,
)
from archive.wrapping import Wrap, page_wrap, unwrap_lines


@pytest.mark.parametrize(
    "text, repaired",
    [
        ("劲 往基层使", "劲往基层使"),
        ("去年 9月，我市", "去年9月，我市"),
        ("先后 4 次召开", "先后4次召开"),
        ("利用 LED 大屏", "利用LED大屏"),
        ("the U disk and QQ", "the U disk and QQ"),
        ("１２ ５４户", "１２５４户"),
        ("“警情 通办” 平台", "“警情通办”平台"),
        ("无空格的正文", "无空格的正文"),
        ("全角\u3000空格", "全角空格"),
    ],
)
def test_spaces_next_to_chinese_go_and_spaces_between_latin_words_stay(text: str, repaired: str) -> None:
    assert remove_spaces_inside_chinese(text) == repaired


@pytest.mark.parametrize(
    "line, clean",
    [("本报讯 记者**颜爱勇** 通讯员", "本报讯 记者颜爱勇 通讯员"), ("__要点__：一", "要点：一"), ("2*3=6", "2*3=6")],
)
def test_markdown_emphasis_is_not_text(line: str, clean: str) -> None:
    assert strip_markdown_emphasis(line) == clean


@pytest.mark.parametrize(
    "line, noise",
    [("掉", True), ("——", True), ("□", True), ("扎", True), ("8", True), ("民警", False), ("A4", False)],
)
def test_lines_of_one_character_are_noise(line: str, noise: bool) -> None:
    assert is_noise_line(line) is noise


@pytest.mark.parametrize(
    "text, ends, mid",
    [
        ("取得实效。", True, False),
        ("都不知道说什么好了……", True, False),
        ("“我心里踏实！”", True, False),
        ("印有“平安济宁”", False, False),
        ("人民群众财产", False, False),
        ("从资金流、", False, True),
        ("以深入推进，", False, True),
        ("全力侦查破案——", False, True),
    ],
)
def test_sentence_ends(text: str, ends: bool, mid: bool) -> None:
    assert (ends_sentence(text), ends_mid_sentence(text)) == (ends, mid)


def test_display_width_counts_chinese_and_curly_quotes_double() -> None:
    assert display_width("犯罪团伙") == 8
    assert display_width("“110”") == 7
    assert display_width("LED大屏，2台") == 12
    assert display_width("") == 0


WRAPPED_004 = [
    "今年3月，市公安局市中分局从资金流、",
    "信息流、人员流等方面开展研判、抓捕、审讯",
    "工作，破获一起特大电信网络诈骗案，抓获涉",
    "案犯罪嫌疑人50名，带破全国各地案件156",
    "起，涉案金额2000余万元。",
]


def test_hard_wrapped_lines_are_joined_back_into_one_paragraph() -> None:
    wrap = Wrap(width=40, indent=6)
    assert unwrap_lines(WRAPPED_004, wrap) == ["".join(WRAPPED_004)]


@pytest.mark.parametrize(
    "lines, paragraphs",
    [
        # A short line that ends a sentence ends its paragraph.
        (["一二三四五六七八九十一二三四", "五六七。", "一二三四五六七八九十一二三四", "五。"], ["一二三四五六七八九十一二三四五六七。", "一二三四五六七八九十一二三四五。"]),
        # A title above the body, shorter than the column, is kept apart.
        (["迈向新世纪", "一二三四五六七八九十一二三四", "五。"], ["迈向新世纪", "一二三四五六七八九十一二三四五。"]),
        # So is a title wider than the column.
        (["外交部发言人谈明年外交工作重点", "一二三四五六七八九十一二三四", "五。"], ["外交部发言人谈明年外交工作重点", "一二三四五六七八九十一二三四五。"]),
        # A dateline always opens a paragraph.
        (["一二三四五六七八九十一二三四", "本报北京１月１日讯一二三四五"], ["一二三四五六七八九十一二三四", "本报北京１月１日讯一二三四五"]),
    ],
    ids=["sentence-end", "short-title", "wide-title", "dateline"],
)
def test_a_line_that_does_not_fill_the_column_ends_a_paragraph(lines: list[str], paragraphs: list[str]) -> None:
    assert unwrap_lines(lines, Wrap(width=28)) == paragraphs


def test_lines_are_left_alone_when_the_page_is_not_wrapped() -> None:
    assert unwrap_lines(["第一段。", "第二段"], None) == ["第一段。", "第二段"]


def test_page_wrap_finds_the_column_and_a_dropped_indent() -> None:
    body = ["一二三四，五六七八九十一二三四五六七", "九十一二三四五六七八九十一二三四五六七八", "一二三四五六七八九十一二三四五六七八九十", "完。"]
    assert page_wrap([body, body, body, ["标题"]]) == Wrap(width=40, indent=4)
    titled = ["天津大学博导不再终身制", "九十一二三四五六七八九十一二三四五六七八", "一二三四五六七八九十一二三四五六七八九十", "完。"]
    assert page_wrap([titled, titled, titled]) == Wrap(width=40, indent=0)
    assert page_wrap([["第一段很长。" * 30, "第二段也很长。" * 30, "完。"]]) is None


def test_exact_duplicate_paragraphs_are_dropped_but_short_lines_may_repeat() -> None:
    paragraphs = ["通过为期6天的分班集训，磨砺了过硬本领。", "通讯员 张凯", "通过为期6天的分班集训，磨砺了过硬本领。", "通讯员 张凯"]
    assert drop_duplicate_paragraphs(paragraphs) == ["通过为期6天的分班集训，磨砺了过硬本领。", "通讯员 张凯", "通讯员 张凯"]


def test_paragraphs_differing_only_in_whitespace_are_duplicates() -> None:
    paragraphs = ["通过为期6天的分班集训，磨砺了过硬本领。", "通过为期6天的 分班集训，\u3000磨砺了过硬本领。\n"]
    assert drop_duplicate_paragraphs(paragraphs) == paragraphs[:1]


@pytest.mark.parametrize(
    "text, sentence",
    [
        ("近日，泗水县公安局中册派出所救助一名受困群众，赢得群众赞誉。当日晚上", "近日，泗水县公安局中册派出所救助一名受困群众，赢得群众赞誉。"),
        ("近日，嘉祥县公安局马村派出所接到报警，称其在马村镇南陆村河边钓鱼，听到河边有噗噗腾腾的声音。", "近日，嘉祥县公安局马村派出所接到报警，称其在马村镇南陆村河边钓鱼…"),
        ("没有标点的一句", "没有标点的一句"),
    ],
)
def test_first_sentence_stands_in_for_a_missing_title(text: str, sentence: str) -> None:
    assert first_sentence(text) == sentence


def test_page_paragraphs_reads_headings_drops_noise_and_keeps_raw_spaces() -> None:
    page = "# 推动专群结合 做实社区警务\n\n掉\n\n□ 本报记者 丁国锋\n\n劲 往基层使,钱往基层花。\n"
    paragraphs = page_paragraphs(page)
    assert [(p.level, p.raw, p.text) for p in paragraphs] == [
        (1, "推动专群结合 做实社区警务", "推动专群结合做实社区警务"),
        (None, "□ 本报记者 丁国锋", "□本报记者丁国锋"),
        (None, "劲 往基层使,钱往基层花。", "劲往基层使,钱往基层花。"),
    ]
