"""words() remembers clauses, and still gives exactly the words jieba's cut of the whole text gives."""
from __future__ import annotations

import pytest

from indexer.text.normalize import compact
from indexer.text.segmenter import _clause_words, segmenter, words

TEXTS = [
    "",
    " ",
    "新华社北京一月五日电",
    # the same clause again and again, alone and inside longer runs
    "新华社北京一月五日电 新华社北京一月五日电 记者 新华社北京一月五日电讯",
    "江泽民主席会见了美国总统克林顿，双方就中美关系交换了意见。",
    "GDP增长7.8%，达到74772亿元; CPU-2000型 C++ 与 C# 的A.B.C",
    "1998年3月5日至18日  第九届全国人民代表大会\t第一次会议\n在北京举行\r\n",
    "ⅡⅢ 〇〇 第Ⅳ卷 α射线 😀表情 ａｂｃ全角",
    "研究生命起源 研究生命起源 结婚的和尚未结婚的",
]


def _jieba_words(text: str) -> list[str]:
    """What words() returned before it cached: jieba's cut of the whole text, gaps dropped."""
    return [w for w in segmenter().cut(text, HMM=True) if not w.isspace()]


@pytest.mark.parametrize("text", TEXTS)
def test_cached_words_equal_jiebas_cut_of_the_whole_text(text: str) -> None:
    for form in (text, compact(text).text):
        assert words(form) == _jieba_words(form)
        assert words(form) == _jieba_words(form)  # again: now from the cache


def test_a_repeated_clause_is_segmented_once() -> None:
    clause = "中华人民共和国国务院总理会见外宾"
    words(clause)
    misses = _clause_words.cache_info().misses
    assert words(f"{clause} {clause} {clause}") == _jieba_words(f"{clause} {clause} {clause}")
    assert _clause_words.cache_info().misses == misses


def test_a_result_cannot_change_what_is_cached() -> None:
    text = "人民日报社论"
    words(text).append("extra")
    assert words(text) == _jieba_words(text)
