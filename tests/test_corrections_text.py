"""The pure parts of corrections: planning and applying edits, character diffs, carrying to a new scan."""
from __future__ import annotations

import pytest

from archive.corrections.carry import Placement, carry, transplant
from archive.corrections.diff import Piece, changed_characters, char_diff, trimmed
from archive.corrections.text import ArticleText, Change, ChangeError, Edit, apply_edits, authors_of, plan_edits

TEXT = ArticleText("民警破获电信诈编案", None, "本报记者 尹彤", ("第一段说了诈编的事。", "第二段。"))


def test_plan_keeps_only_real_changes_and_records_before_and_after():
    edits = plan_edits(TEXT, [Change("title", None, "民警破获电信诈骗案"), Change("paragraph", 1, "第二段。")])
    assert edits == [Edit("title", None, "民警破获电信诈编案", "民警破获电信诈骗案")]


def test_a_new_subtitle_starts_from_empty_and_an_empty_byline_removes_it():
    edits = plan_edits(TEXT, [Change("subtitle", None, "副题"), Change("byline", None, "  ")])
    assert [(e.field, e.before, e.after) for e in edits] == [("subtitle", "", "副题"), ("byline", "本报记者 尹彤", "")]
    corrected = apply_edits(TEXT, edits)
    assert corrected.subtitle == "副题" and corrected.byline is None


@pytest.mark.parametrize(("changes", "message"), [
    ([Change("title", None, TEXT.title)], "没有任何改动"),
    ([Change("paragraph", 7, "x")], "没有这一段"),
    ([Change("paragraph", -1, "x")], "没有这一段"),
    ([Change("headline", None, "x")], "field 只能是"),
    ([Change("title", None, "")], "不能改成空的"),
    ([Change("paragraph", 0, "")], "不能改成空的"),
    ([Change("paragraph", 0, "一行\n两行")], "控制字符"),
    ([Change("title", None, "标" * 501)], "太长"),
    ([Change("title", None, 5)], "必须是字符串"),
    ([Change("title", None, "甲"), Change("title", None, "乙")], "出现了两次"),
])
def test_bad_changes_are_refused_with_a_reason(changes, message):
    with pytest.raises(ChangeError, match=message):
        plan_edits(TEXT, changes)


def test_a_corrected_byline_gives_its_names():
    assert authors_of("本报记者 尹彤 通讯员 侯宪锋") == ("尹彤", "侯宪锋")
    assert authors_of("关 宁") == ("关宁",)
    assert authors_of(None) == ()


def test_the_character_diff_shows_removed_and_added_runs():
    assert char_diff("电信诈编案", "电信诈骗案") == [Piece("same", "电信诈"), Piece("removed", "编"), Piece("added", "骗"),
                                               Piece("same", "案")]
    assert changed_characters("电信诈编案", "电信诈骗案") == 1
    assert changed_characters("甲乙", "甲乙丙丁") == 2
    assert "".join(p.text for p in trimmed(char_diff("长" * 100 + "错", "长" * 100 + "对"), 5)) == "…长长长长长错对"


def test_transplant_applies_an_edit_where_its_text_still_is():
    assert transplant("诈编", "诈骗", "诈编") == "诈骗"
    assert transplant("诈编", "诈骗", "电信诈编案") == "电信诈骗案"  # found once inside
    # the scan changed other characters; the changed run and its context are still there
    assert transplant("今年3月破获诈编团伙，抓获12人", "今年3月破获诈骗团伙，抓获12人",
                      "今年三月破获诈编团伙，抓获12人") == "今年三月破获诈骗团伙，抓获12人"
    assert transplant("破获诈编团伙", "破获诈骗团伙", "完全不同的文字") is None
    assert transplant("诈编", "诈骗", "诈编与诈编") is None  # twice: which one is unknown


def articles(*texts: ArticleText) -> dict[str, ArticleText]:
    return {f"i/{n}": text for n, text in enumerate(texts, start=1)}


def test_carry_keeps_a_correction_whose_field_is_unchanged():
    p = Placement(1, "i/1", "title", None, "民警破获电信诈编案", "民警破获电信诈骗案")
    outcome = carry([p], articles(TEXT))
    assert outcome.placed == [p] and outcome.review == []
    assert outcome.texts["i/1"].title == "民警破获电信诈骗案"


def test_carry_follows_a_paragraph_to_another_article_number():
    other = ArticleText("新插入的文章", None, None, ("别的内容。",))
    p = Placement(1, "i/1", "paragraph", 0, "第一段说了诈编的事。", "第一段说了诈骗的事。")
    outcome = carry([p], articles(other, TEXT))
    assert outcome.placed[0].article_id == "i/2" and outcome.placed[0].paragraph == 0
    assert outcome.texts["i/2"].paragraphs[0] == "第一段说了诈骗的事。"


def test_carry_finds_the_before_text_inside_a_joined_paragraph():
    joined = ArticleText(TEXT.title, None, None, ("第一段说了诈编的事。第二段。",))
    p = Placement(1, "i/1", "paragraph", 0, "第一段说了诈编的事。", "第一段说了诈骗的事。")
    outcome = carry([p], articles(joined))
    assert outcome.texts["i/1"].paragraphs == ("第一段说了诈骗的事。第二段。",)


def test_carry_builds_later_corrections_on_earlier_ones():
    first = Placement(1, "i/1", "title", None, "民警破获电信诈编案", "民警破获电信诈骗案")
    second = Placement(2, "i/1", "title", None, "民警破获电信诈骗案", "济宁民警破获电信诈骗案")
    outcome = carry([first, second], articles(TEXT))
    assert outcome.texts["i/1"].title == "济宁民警破获电信诈骗案" and outcome.review == []


def test_a_correction_whose_text_is_gone_needs_review_and_changes_nothing():
    rescanned = ArticleText("全新的标题", None, None, ("全新的正文。",))
    p = Placement(1, "i/1", "title", None, "民警破获电信诈编案", "民警破获电信诈骗案")
    outcome = carry([p], articles(rescanned))
    assert outcome.review == [1] and outcome.placed == []
    assert outcome.texts["i/1"] == rescanned


def test_the_dateline_and_captions_are_corrected_like_a_byline_and_paragraphs():
    text = ArticleText("标题", None, None, ("正文。",), "新华社北京１月１日电", ("图一 张三 摄", "图二"))
    edits = plan_edits(text, [Change("dateline", None, ""), Change("caption", 1, "图二 李四 摄")])
    assert edits == [Edit("dateline", None, "新华社北京１月１日电", ""), Edit("caption", 1, "图二", "图二 李四 摄")]
    corrected = apply_edits(text, edits)
    assert (corrected.dateline, corrected.captions) == (None, ("图一 张三 摄", "图二 李四 摄"))
    assert [(f, i) for f, i, before, after in text.fields_beside(corrected) if before != after] == \
        [("dateline", None), ("caption", 1)]
    with pytest.raises(ChangeError, match="本文没有图片说明"):
        plan_edits(ArticleText("标题", None, None, ("正文。",)), [Change("caption", 0, "图")])


def test_carry_follows_a_caption_to_another_article():
    old = {"a/1": ArticleText("一", None, None, ("甲。",), None, ("照片 错字 摄",)),
           "a/2": ArticleText("二", None, None, ("乙。",))}
    new = {"a/1": ArticleText("二", None, None, ("乙。",)),
           "a/2": ArticleText("一", None, None, ("甲。",), None, ("照片 错字 摄",))}
    placement = Placement(1, "a/1", "caption", 0, "照片 错字 摄", "照片 正字 摄")
    assert carry([placement], old).texts["a/1"].captions == ("照片 正字 摄",)
    moved = carry([placement], new)
    assert moved.texts["a/2"].captions == ("照片 正字 摄",) and moved.placed[0].article_id == "a/2"
