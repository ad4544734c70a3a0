"""Each class of splitting failure of issue 12 (docs/splitting.md), as a small page that used to come apart.

The pages are written the way split-dev and bench.renders damage People's
Daily pages: plain or markdown titles, hard wraps (cut every N characters),
wraps turned into spaces, reporters' credit lines under titles.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.article_starts import (
    MODEL_PATH,
    ArticleState,
    _Descriptions,
    _spaced_cut,
    decide_starts,
    features,
    is_candidate,
    load_model,
    never_a_headline,
    page_features,
    with_state,
)
from archive.articles import Article, dated_by_datelines, page_items, split_articles
from archive.bylines import parse_dateline, parse_signature, split_inner_photo_credit
from archive.issues import Issue
from archive.ocr_repair import first_sentence

BODY = "新华社北京１２月３１日电国务院总理李鹏今天上午来到北京第一热电厂，向广大职工祝贺新年，对节日坚守岗位的同志们表示慰问。"
BODY2 = "本报北京１月４日讯中国人民银行最近对１２５４户大型企业的监测分析表明，千户大型企业生产经营总体状况较好。"


def split(text: str, date: str | None = None, year: int | None = None) -> list[Article]:
    return split_articles(Issue("t/page", Path("page.txt"), "", "utf-8", text, date, "header" if date else None, None, None, year))


def listed(articles: list[Article]) -> list[Article]:
    """The issue's articles as the API lists them: standalone photos are not among them."""
    return [a for a in articles if a.kind != "caption"]


def wrapped(text: str, width: int) -> str:
    """A paragraph cut every `width` characters, as split-dev's `wrap` pages are."""
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def test_photo_captions_belong_to_their_article() -> None:
    """Class: photo captions (`２、棉堆如山喜煞人`) became articles of their own."""
    page = ("# 阔步迈向新世纪（附图片８张）\n\n本报记者 邱春\n\n图片：\n\n１、大江截流展宏图\n\n"
            "１９９７年１１月８日，长江三峡工程实施大江截流。（李舸摄）\n\n２、棉堆如山喜煞人\n\n"
            "我国最大的棉产区新疆去年棉花再获丰收。（武斌摄）\n\n# 李鹏在北京考察企业\n\n" + BODY + "\n")
    articles = split(page)
    assert [a.title for a in listed(articles)] == ["阔步迈向新世纪（附图片８张）", "李鹏在北京考察企业"]
    first = articles[0]
    assert first.captions == ("１、大江截流展宏图 １９９７年１１月８日，长江三峡工程实施大江截流。 （李舸摄）",
                              "２、棉堆如山喜煞人 我国最大的棉产区新疆去年棉花再获丰收。 （武斌摄）")
    assert "李舸" not in first.body  # shown under the article, not in it


def test_a_photo_the_story_does_not_mention_stands_alone() -> None:
    """Class: a caption beside an unrelated story is a photo of its own (kind caption), not part of the story."""
    page = ("李鹏在北京考察企业\n\n" + BODY + "\n\n"
            "近日，山东潍坊出入境边防检查站从严把控人员上下外轮管理。图为执勤民警对作业区外轮进行检查。 本报记者 梁平妮 摄\n")
    articles = split(page)
    assert [a.kind for a in articles] == ["article", "caption"]
    photo = articles[1]
    assert (photo.byline, photo.authors, photo.paragraphs) == ("本报记者 梁平妮 摄", ("梁平妮",), ())
    assert photo.captions[0].endswith("本报记者 梁平妮 摄")


def test_a_credit_printed_inside_a_caption_is_taken_out_of_its_text() -> None:
    found = split_inner_photo_credit("图为执勤民警对巴拿马籍浩鸿666 本报记者 梁平妮 本报通讯员 赵晓姮 陈康 摄 轮进行检查。")
    assert found is not None
    text, credit = found
    assert text == "图为执勤民警对巴拿马籍浩鸿666轮进行检查。 本报记者 梁平妮 本报通讯员 赵晓姮 陈康 摄"
    assert credit.authors == ("梁平妮", "赵晓姮", "陈康")
    assert split_inner_photo_credit("本报记者 梁平妮 摄 的照片获奖。") is None  # no picture shown: not a caption


def test_an_author_alone_on_a_line_is_the_byline() -> None:
    """Class: author names on a line of their own (`毛同恺`) became articles."""
    page = "唱国歌与写杂文\n\n胡昭衡\n\n新年好！\n\n" + BODY + "\n\n凝眸岁月\n\n粒砂\n\n" + BODY2 + "\n"
    articles = split(page)
    assert [(a.title, a.byline, a.authors) for a in articles] == [
        ("唱国歌与写杂文", "胡昭衡", ("胡昭衡",)), ("凝眸岁月", "粒砂", ("粒砂",))]


def test_signatures_and_editors_notes_stay_in_their_article() -> None:
    """Class: editor's notes (`——编者`) and readers' signatures became articles."""
    assert parse_signature("——编者").authors == ()
    assert parse_signature("———王文西（山东）").authors == ("王文西",)
    assert parse_signature("全力侦查破案——") is None  # a run-in heading ends on dashes, a signature opens with them
    page = ("地方新闻版今天创刊\n\n编者按：新年伊始，本版与读者见面了，愿《地方新闻》成为您的益友。\n\n——编者\n\n"
            "今年，我们将更多报道各地群众关心的事情，欢迎读者来信来稿，提出批评和建议。\n")
    articles = split(page)
    assert [a.title for a in articles] == ["地方新闻版今天创刊"]
    assert "——编者" in articles[0].byline


def test_a_closing_dateline_stays_in_its_article() -> None:
    """Class: closing datelines (`谢谢！（新华社北京１２月３１日电）`) became articles."""
    page = ("迈向充满希望的新世纪\n\n同胞们、朋友们：在１９９８年来临之际，我十分高兴地向大家致以诚挚的问候和良好的祝愿！\n\n"
            "谢谢！（新华社北京１２月３１日电）\n\n北京举行新年音乐会\n\n" + BODY + "\n")
    assert [a.title for a in listed(split(page))] == ["迈向充满希望的新世纪", "北京举行新年音乐会"]


def test_a_title_across_the_column_keeps_its_credit_line_apart() -> None:
    """Class: on a hard-wrapped page, a title wider than the column was joined with the credit line under it."""
    page = ("中南外长联合举行记者招待会阐述两国关系和对台湾问题立场\n本报记者 张军 万磊萍\n\n"
            + wrapped(BODY2 + BODY, 18) + "\n\n" + wrapped(BODY + BODY2, 18) + "\n")
    articles = split(page)
    assert articles[0].title == "中南外长联合举行记者招待会阐述两国关系和对台湾问题立场"
    assert articles[0].authors == ("张军", "万磊萍")


def test_a_title_glued_to_its_first_paragraph_comes_apart() -> None:
    """Class: on a page cut every N characters, a title printed straight above its body was read as body."""
    first = wrapped(BODY2 + BODY2, 20)
    page = ("千户大型企业实力增强\n" + first + "\n\n" + wrapped(BODY2[9:] + BODY2[9:], 20) + "\n\n"
            "北京举行新年音乐会\n" + wrapped(BODY + BODY2, 20) + "\n")
    assert page_items(page).items[0].paragraph.lines == 1  # the title's own line, not joined
    assert [a.title for a in split(page)] == ["千户大型企业实力增强", "北京举行新年音乐会"]


def test_long_titles_with_commas_are_titles_not_first_sentences() -> None:
    """Class: long headlines were cut down to a first-sentence stand-in (`忠诚的共产主义战士，…`)."""
    page = ("全总致全国各族职工慰问信\n\n" + BODY2 + "\n\n忠诚的共产主义战士，久经考验的无产阶级革命家刘澜涛同志逝世\n\n（附图片１张）\n\n"
            + BODY + "\n")
    articles = split(page)
    assert articles[1].title == "忠诚的共产主义战士，久经考验的无产阶级革命家刘澜涛同志逝世"
    assert articles[1].title_source == "line"


def test_short_art_titles_with_their_artists() -> None:
    """Class: short headlines of art and poetry (`迎虎年（书法）`) were lost."""
    page = "黄土地上的蒲公英\n\n李瑛\n\n" + BODY + "\n\n迎虎年（书法）\n\n（关山月）\n\n凝眸岁月\n\n粒砂\n\n" + BODY2 + "\n"
    articles = split(page)
    assert [(a.title, a.authors) for a in articles] == [
        ("黄土地上的蒲公英", ("李瑛",)), ("迎虎年（书法）", ("关山月",)), ("凝眸岁月", ("粒砂",))]


def test_a_line_left_open_is_never_a_title() -> None:
    """Class: a line cut off by a scrambled column (`…实施《新时代公安派出所工作`) became a title."""
    page = ("最小实战单元施展最大警务能量\n\n" + BODY + "\n\n在全力推动进程中，连云港市公安局党委统筹推进，相继制定实施《新时代公安派出所工作\n\n"
            + BODY2 + "\n")
    assert [a.title for a in split(page)] == ["最小实战单元施展最大警务能量"]


def test_a_missing_title_is_a_whole_first_sentence_never_a_fragment() -> None:
    """Class: `该案件进行立案侦查。` (a stray line of a scrambled column) stood in as a title."""
    page = "□ 本报记者 章宁旦\n\n该案件进行立案侦查。\n\n国多家公安机关冻结过。\n\n" + BODY + "\n"
    article = split(page)[0]
    assert (article.title_source, article.title) == ("first_sentence", first_sentence(article.paragraphs[-1]))
    assert article.paragraphs[-1].startswith("国务院总理李鹏")


def test_a_story_closed_by_a_readers_credit_is_not_run_on_into_the_next() -> None:
    """Class: `…景象。（湖北麻城市交通局熊承元 ）` was read as a sentence cut by a blank line and joined, over
    the next headline, with the next story's text (the headline then stood under the wrong story)."""
    page = ("新县那段国道修复了\n\n" + BODY + "（湖北麻城市交通局熊承元毕宗锐 ）\n\n栀子丰收栀农犯愁\n\n"
            "素称“金栀之乡”的湖北长阳土家族自治县都镇湾镇去年栀子喜获丰收，却出现了少见的滞销现象，盼有关部门帮助疏通销售渠道。\n\n"
            "优先百姓好！\n□ 本报记者 尹波华 卢玉明\n\n" + BODY2 + "\n")
    articles = split(page)
    assert [a.title for a in articles] == ["新县那段国道修复了", "栀子丰收栀农犯愁", "优先百姓好！"]
    assert articles[1].body.startswith("素称")


def test_on_a_page_that_credits_every_story_a_headline_over_a_dateline_is_kept() -> None:
    """Class: on a page with a credit line under (almost) every headline, an uncredited headline was read as a
    section heading, even when its story opens with a dateline, which only a story does."""
    credited = "".join(f"{title}\n□ 本报记者 张军\n\n{BODY}\n\n" for title in
                       ("李鹏在北京考察企业", "北京举行新年音乐会", "全总致全国各族职工慰问信", "千户大型企业实力增强", "南京长江大桥大修竣工"))
    page = credited + "国家计委发布外商投资产业指导目录\n\n" + BODY2 + "\n"
    titles = [a.title for a in split(page)]
    assert titles[-1] == "国家计委发布外商投资产业指导目录" and len(titles) == 6


@pytest.mark.parametrize("line", ["１９９８年１月７日", "１９９７年６月", "第二章电力设施的保护范围和保护区",
                                  "东部地区１４９１４．１３６６．５０７５１１．８９", "外币账号：７１４００７７９"])
def test_dates_chapters_and_rows_of_figures_start_no_article(line: str) -> None:
    """Class: a document's date line, its chapter headings and the rows of a table were read as headlines."""
    page = "国务院关于修改《电力设施保护条例》的决定\n\n" + BODY + "\n\n" + line + "\n\n" + BODY2 + "\n"
    assert [a.title for a in split(page)] == ["国务院关于修改《电力设施保护条例》的决定"]
    assert never_a_headline(line) and not never_a_headline("上海国内生产总值突破３０００亿元")


@pytest.mark.parametrize("headline", ["饭桌上，谁先动筷子？——孩子，还是老人？", "《百年恩来》：要说的太多，太多（附图片１张）"])
def test_a_headline_that_reads_as_a_sentence_is_told_by_its_credit_line(headline: str) -> None:
    """Class: a headline with a question, a colon or a closing bracket was kept as body text (a first-sentence
    stand-in for its title); a reporter's credit line under it says it is a headline."""
    page = "李鹏在北京考察企业\n\n" + BODY + "\n\n" + headline + "\n本报记者 祝华新\n\n" + BODY2[9:] + "\n"
    articles = split(page)
    assert [(a.title, a.title_source, a.authors) for a in articles[1:]] == [(headline, "line", ("祝华新",))]


def test_the_pages_furniture_heads_nothing_and_ends_the_story_above() -> None:
    """Class: `本版新闻热线…` and `责任编辑：周泓洋`, printed at the foot of a column, were read as a headline,
    and the headline after them as its subtitle."""
    page = ("李鹏在北京考察企业\n\n" + BODY + "\n\n本版新闻热线寻呼：０１０—６４３６５５６６呼８２８３\n\n责任编辑：周泓洋\n\n"
            "听听游子心里话\n\n" + BODY2[9:] + "\n")
    assert [a.title for a in split(page)] == ["李鹏在北京考察企业", "听听游子心里话"]


def test_spaced_wrap_cuts_are_told_from_a_titles_own_gap() -> None:
    assert _spaced_cut("１９９７年是亚洲金融市场的多 事之秋。继７月２日泰国铢出现 暴跌之后")
    assert not _spaced_cut("推动专群结合 做实社区警务")
    assert not _spaced_cut("共护一江水 万里长江焕发新活力")


@pytest.mark.parametrize(
    "dateline, place, month, day",
    [
        ("新华社北京１月１６日电", "北京", 1, 16),
        ("本报济南十二月三十一日电", "济南", 12, 31),
        ("据新华社莫斯科１２月３０日电", "莫斯科", 12, 30),
        ("本报济宁讯", "济宁", None, None),
        ("本报讯", None, None, None),
        ("本报专电", None, None, None),
    ],
)
def test_datelines_name_a_place_and_a_day(dateline: str, place: str | None, month: int | None, day: int | None) -> None:
    parts = parse_dateline(dateline)
    assert (parts.place, parts.month, parts.day) == (place, month, day)


def test_the_dateline_is_a_field_of_its_own_with_its_date() -> None:
    """Class: datelines stayed in the byline or the body; their date is now read in the issue's year."""
    article = split("李鹏在北京考察企业\n\n" + BODY + "\n", date="1998-01-01", year=1998)[0]
    assert (article.dateline, article.dateline_place, article.dateline_date) == ("新华社北京１２月３１日电", "北京", "1997-12-31")
    assert article.byline is None and article.paragraphs[0].startswith("国务院总理李鹏")


def test_an_issue_known_only_by_its_year_is_dated_by_its_datelines() -> None:
    issue = Issue("t/page", Path("page.txt"), "", "utf-8", "千户大型企业实力增强\n\n" + BODY2 + "\n\n李鹏在北京考察企业\n\n" + BODY + "\n",
                  None, "text", None, None, 1998)
    dated = dated_by_datelines(issue, split_articles(issue))
    assert (dated.date, dated.date_source) == ("1998-01-04", "dateline")  # December's dateline is of the year before
    assert dated_by_datelines(dated, split_articles(dated)) is dated  # a dated issue keeps its date


def test_the_model_is_shipped_and_asked_once_per_paragraph() -> None:
    model = load_model()
    assert model.index and model.depth >= 1
    items = page_items("李鹏在北京考察企业\n\n" + BODY + "\n\n北京举行新年音乐会\n\n" + BODY2 + "\n").items
    assert decide_starts(items) == [True, False, True, False]


def _walked_one_tree_at_a_time(trees: list[list], names: list[str], found: dict[str, float]) -> float:
    """The trees as stored, walked one by one: what the flat numpy walk must reproduce."""
    total = 0.0
    for tree in trees:
        node = 0
        while tree[node][0] >= 0:
            asked, left, right, _ = tree[node]
            node = right if found.get(names[asked], 0.0) > 0.5 else left
        total += tree[node][3]
    return total


def test_the_fast_tree_walk_scores_as_the_stored_trees_do(shared_dir: Path) -> None:
    """Model.score walks all trees at once over flat arrays (splitting's speed); it must not change one score."""
    stored = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model = load_model()
    pages = sorted((shared_dir / "eval" / "split-dev" / "pages").glob("*.txt"))[:12]
    scored = 0
    for path in pages:
        items = page_items(path.read_text(encoding="utf-8")).items
        page, described, state = page_features(items), _Descriptions(items), ArticleState()
        for index, item in enumerate(items):
            if is_candidate(item):
                found = with_state(features(items, index, page, described), state, item)
                expected = stored["baseline"] + _walked_one_tree_at_a_time(stored["trees"], stored["features"], found)
                assert model.score(found) == pytest.approx(expected, abs=1e-9)
                scored += 1
            state.update(item, index == 0)
    assert scored > 100
