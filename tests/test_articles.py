"""Splitting pages into articles: the five sample pages as read by a person, then each named rule."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from archive.articles import Article, split_articles
from archive.bylines import has_dateline, parse_byline, parse_name_line, split_opening, split_trailing_credit
from archive.issues import Issue, read_issue
from archive.paragraph_roles import looks_like_title

SEEDS = Path(__file__).resolve().parents[1] / "data" / "issues"


def seed_articles(seed: str) -> list[Article]:
    return split_articles(read_issue(SEEDS / f"{seed}.txt", SEEDS))


def page_articles(text: str) -> list[Article]:
    return split_articles(Issue("t/page", Path("page.txt"), "", "utf-8", text, None, None, None, None))


def titles(articles: list[Article]) -> list[str]:
    return [a.title for a in articles if a.title_source != "first_sentence"]


def by_title(articles: list[Article], title: str) -> Article:
    return next(a for a in articles if a.title == title)


def is_subsequence(wanted: list[str], found: list[str]) -> bool:
    rest = iter(found)
    return all(any(item == f for f in rest) for item in wanted)


# The titles a reader sees on each page, in page order. 002 and 003 are
# scrambled by the OCR (columns interleaved), so their lists need only appear
# in order among what the splitter finds.
SEED_TITLES = {
    "000_143190444e71cc2b": [
        "金乡：深化“三无”措施持续打击电信诈骗",
        "桓台多措并举推动教育整顿深入开展",
        "海阳交警夯实“时段警务”提升管控成效",
        "推动专群结合 做实社区警务",
        "平原一男子醉酒袭警被刑拘",
        "禹城交警全力打造安全畅通交通环境",
    ],
    "001_6457ba5cca22f5f1": [
        "全州公安机关打击治理电信网络诈骗犯罪取得明显成效",
        "宾川县公安局圆满完成“轮训轮值、战训合一”大练兵",
        "剑川县公安局五措并举有效遏制命案高发势头",
        "祥云县公安局“三查三治三禁”深入推进队伍纪律作风建设",
        "村民捡到药品 民警帮寻失主",
        "好友千里相会 醉驾双双被查",
    ],
    "002_48a5c07f79fd3eae": [
        "济宁：举全市之力打击治理电信诈骗",
        "“国家网络安全宣传周”现场宣传活动举办",
        "市中区公安局启动 警营文化周",
        "金乡7镇街 配发消防车",
        "户籍民警热心肠 攻坚克难落户口",
        "共青团路派出所 开展“两学一做” 学习教育活动",
        "任城公安多措并举推进执法规范化",
    ],
    "003_24cd6c31f59ac330": [
        "最小实战单元施展最大警务能量",
        '青海推动"三州一市"公安交管战略合作',
        '广西梧州创新机制打造校园安防"四重门"',
        '江苏泗阳探索"四个常态化"社会治理模式',
        '慈溪古塘"警情通办"实现矛盾化解联调联动',
        '莆田湄洲派出所努力创建"五无"平安岛屿',
        "四川宁南开展酒驾毒驾集中整治",
    ],
    "004_f681114cb4297908": [
        "全民攻坚凝聚反电诈合力",
        "联勤巡防新机制 联控快反保平安",
        "巡逻防控不停歇",
        "让群众切实感受到安全就在身边",
    ],
}
EXACT = {"000_143190444e71cc2b", "001_6457ba5cca22f5f1", "004_f681114cb4297908"}


@pytest.mark.parametrize("seed", sorted(SEED_TITLES))
def test_sample_pages_give_the_titles_a_reader_sees(seed: str) -> None:
    found = titles(seed_articles(seed))
    if seed in EXACT:
        assert found == SEED_TITLES[seed]
    else:
        assert is_subsequence(SEED_TITLES[seed], found), found


@pytest.mark.parametrize(
    "seed, title, byline, authors",
    [
        ("002_48a5c07f79fd3eae", "济宁：举全市之力打击治理电信诈骗", "本报记者 尹彤 美国乐 本报通讯员 侯宪锋 李亚", ("尹彤", "美国乐", "侯宪锋", "李亚")),
        ("002_48a5c07f79fd3eae", "金乡7镇街 配发消防车", "记者 尹彤 通讯员 苏培银 报道", ("尹彤", "苏培银")),
        ("003_24cd6c31f59ac330", "最小实战单元施展最大警务能量", "本报记者 丁国锋 本报通讯员 关宁 柳青", ("丁国锋", "关宁", "柳青")),
        ("003_24cd6c31f59ac330", '广西梧州创新机制打造校园安防"四重门"', "记者莫小松 马艳 通讯员 周庆肇", ("莫小松", "马艳", "周庆肇")),
        ("001_6457ba5cca22f5f1", "全州公安机关打击治理电信网络诈骗犯罪取得明显成效", "通讯员 赵奇志 杨永春", ("赵奇志", "杨永春")),
        ("001_6457ba5cca22f5f1", "祥云县公安局“三查三治三禁”深入推进队伍纪律作风建设", "通讯员 杨少军", ("杨少军",)),
        ("001_6457ba5cca22f5f1", "村民捡到药品 民警帮寻失主", "通讯员 施浩花文/图", ("施浩花",)),
        ("000_143190444e71cc2b", "桓台多措并举推动教育整顿深入开展", "【胡正学】", ("胡正学",)),
        ("000_143190444e71cc2b", "推动专群结合 做实社区警务", "【王芳】", ("王芳",)),
        ("004_f681114cb4297908", "全民攻坚凝聚反电诈合力", "通讯员 万艾东 李亚", ("万艾东", "李亚")),
        ("004_f681114cb4297908", "让群众切实感受到安全就在身边", "通讯员 侯宪锋 代瑜", ("侯宪锋", "代瑜")),
    ],
)
def test_sample_bylines_are_pulled_out_with_their_names(seed: str, title: str, byline: str, authors: tuple[str, ...]) -> None:
    article = by_title(seed_articles(seed), title)
    assert (article.byline, article.authors) == (byline, authors)
    assert not any(name in article.paragraphs[0][:12] for name in authors)


def test_titles_subtitles_and_bylines_are_not_repeated_in_the_body() -> None:
    for seed in SEED_TITLES:
        for article in seed_articles(seed):
            assert article.title_source == "first_sentence" or article.title not in article.paragraphs
            assert article.subtitle is None or article.subtitle not in article.paragraphs
            assert article.byline is None or all(article.byline not in p for p in article.paragraphs)


def test_000_column_label_caption_subtitle_and_sections() -> None:
    articles = seed_articles("000_143190444e71cc2b")
    assert by_title(articles, "桓台多措并举推动教育整顿深入开展").column == "公安一线·经验谈"
    assert "公安一线·经验谈" not in [a.title for a in articles]
    caption = articles[2]
    assert (caption.kind, caption.byline, caption.title_source) == ("caption", "王子强 摄", "first_sentence")
    assert caption.paragraphs[0].endswith("赢得了广大外卖员的好评。")
    jinxiang = articles[0]
    assert jinxiang.headings == ("现行工作机制“零缺口”", "靶向施策会战“零缺失”", "打击电诈犯罪“零容忍”")
    assert "人民群众财产安全和经济利益" in jinxiang.body  # the paragraph cut by a blank line is whole again
    jump = by_title(articles, "推动专群结合 做实社区警务")
    assert jump.subtitle == "日照开发区分局“一村一警务助理”发挥大作用"
    assert jump.paragraphs[0].startswith("省公安厅部署基层基础建设工作以来")  # continued in another column
    assert jump.headings[0] == "抓统筹谋划 确保工作整体推进"


def test_001_duplicated_paragraphs_are_dropped_and_datelines_taken_off() -> None:
    articles = seed_articles("001_6457ba5cca22f5f1")
    binchuan = articles[1]
    assert sum(p.startswith("通过为期6天的分班集训") for p in binchuan.paragraphs) == 1
    assert binchuan.dateline == "本报讯"
    assert any(p.startswith("10月28日至11月3日") for p in binchuan.paragraphs)
    assert articles[0].headings == ("三个强化 统筹推进", "完善机制 长效长治", "广泛宣传 群防群治", "协同作战 全力攻坚")


def test_002_run_in_section_headings_stay_in_their_article() -> None:
    jining = seed_articles("002_48a5c07f79fd3eae")[0]
    assert jining.headings[0] == "全力侦查破案——保持严打高压态势"
    assert "梁山公安机关及时将假冒购物网站客服" in jining.body  # a headline had cut this sentence in two
    rencheng = by_title(seed_articles("002_48a5c07f79fd3eae"), "任城公安多措并举推进执法规范化")
    assert rencheng.headings == ("执法规范根植民警心中", "非执法主体不能参与执法", "健全内部监督机制", "提高民警单警执法能力")


def test_003_spaces_from_line_breaks_and_stray_headline_characters_are_gone() -> None:
    articles = seed_articles("003_24cd6c31f59ac330")
    first = articles[0]
    assert first.subtitle == "连云港公安726名社区民警全部回归主责主业"
    assert "劲往基层使" in first.body
    assert not any(p in {"掉", "电", "犯", "才"} for a in articles for p in a.paragraphs)


def test_003_the_story_with_a_vertical_headline_keeps_its_credit_and_text() -> None:
    """The 连南 story's headline is printed vertically: the OCR kept only stray characters of it
    (`掉`, `电`, `犯`, `才`, dropped as noise), so no title can be read and a first sentence stands in;
    its credit and its text stay together in one article."""
    lianan = next(a for a in seed_articles("003_24cd6c31f59ac330") if "章宁旦" in (a.byline or ""))
    assert (lianan.title_source, lianan.authors) == ("first_sentence", ("章宁旦", "郭晓雯"))
    assert "连南县公安局继续深挖前期线索" in lianan.body and "得益于连南县反诈防范宣传工作" in lianan.body


def test_004_titles_printed_after_their_articles() -> None:
    articles = seed_articles("004_f681114cb4297908")
    first = articles[0]
    assert (first.title, first.title_source) == ("全民攻坚凝聚反电诈合力", "after")
    assert first.paragraphs[1].startswith("今年3月，市公安局市中分局")
    assert "犯罪团伙被彻底摧毁" in first.body  # `犯罪团\n伙` rejoined
    zoucheng = articles[1]
    assert (zoucheng.kicker, zoucheng.title) == ("邹城市公安局", "联勤巡防新机制 联控快反保平安")
    yutai = by_title(articles, "巡逻防控不停歇")
    assert (yutai.kicker, yutai.subtitle) == ("鱼台县公安局", "守护平安我在场")
    untitled = [a for a in articles if a.title_source == "first_sentence"]
    assert [a.byline for a in untitled] == ["通讯员 孙闫慧", "通讯员 张凯", "通讯员 张海霞 胡勇", "通讯员 代瑜 摄", "通讯员 宋敏", "通讯员 赵方敏"]


@pytest.mark.parametrize("seed", sorted(SEED_TITLES))
def test_article_ids_are_numbered_in_page_order_and_stable(seed: str) -> None:
    first, again = seed_articles(seed), seed_articles(seed)
    assert first == again
    assert [a.id for a in first] == [f"{seed}/{n}" for n in range(1, len(first) + 1)]
    assert all(a.paragraphs or a.title for a in first)


@pytest.mark.parametrize(
    "text, title",
    [
        ("全民攻坚凝聚反电诈合力", True),
        ("推动专群结合 做实社区警务", True),
        ("守平安，“小案”不“小看”", True),
        ("如此美容美发店！", True),
        ("全力侦查破案——", True),
        ("130余人次，取得了良好的效果。", False),
        ("今年3月1日,该所民警通过可视化指挥", False),  # a comma in a long line: a cut sentence
        ("安排一天时间集中接待群众来访;村主要", False),
        ("威等4人曾到河南省郑州市、南阳市、安阳市、江苏省南京市", False),
        ("看着主持人的分析，曲阜师范大学学生小邢不禁后怕", False),
        ("（河南西峡县陈飞方仙云）", False),
        ("民显真情”的锦旗送到邹城市公安局", False),  # a quote closed but never opened
    ],
)
def test_what_looks_like_a_title(text: str, title: bool) -> None:
    assert looks_like_title(text) is title


RULE_CASES = {
    "byline_follows": (
        "济宁：举全市之力打击治理电信诈骗\n\n□ 本报记者 尹彤\n\n近年来，新型违法犯罪在全国快速蔓延，发案数逐年增多，严重危害人民群众的财产安全。\n\n"
        "执法规范根植民警心中\n\n执法能否规范，根源在主体，关键在意识。\n\n"
        "金乡7镇街 配发消防车\n\n□ 记者 尹彤\n\n本报金乡讯 9月21日下午，民警处置了一起火患。\n",
        ["济宁：举全市之力打击治理电信诈骗", "金乡7镇街 配发消防车"],
    ),
    "closed_article": (
        "海阳交警提升管控成效\n\n早晨路面群体以务工流和学生流为主，大队坚持全体民警上路。\n\n【于建勇】\n\n"
        "近日，微山县公安局巡逻民警接到110指令称，有一名醉酒男子。\n\n通讯员 张凯\n",
        ["海阳交警提升管控成效", "近日，微山县公安局巡逻民警接到110指令称，有一名醉酒男子。"],
    ),
    "heading_level": (
        "# 全州公安机关打击电诈取得成效\n\n今年以来，州公安局党委整合多方资源。\n\n## 三个强化 统筹推进\n\n强化组织领导。\n\n"
        "# 剑川县公安局有效遏制命案高发势头\n\n近年来，剑川县公安局坚持预防命案。\n",
        ["全州公安机关打击电诈取得成效", "剑川县公安局有效遏制命案高发势头"],
    ),
    "third_heading": (
        "# 推动专群结合 做实社区警务\n\n## 日照开发区分局警务助理发挥大作用\n\n### 平原一男子醉酒袭警被刑拘\n\n3月31日，平原县公安局接到指令。\n",
        ["推动专群结合 做实社区警务", "平原一男子醉酒袭警被刑拘"],
    ),
    "article_blocks": (
        "宁夏：农业产业化铺筑致富路\n本报银川１月２日电记者胡继鸿报道：宁夏积极探索农业产业化。\n据自治区介绍，进程始于８０年代。\n"
        "二、市场带动\n各地建立了农副产品市场。\n\n"
        "给黄土地“拜年”\n本报记者陈国琦\n新年第一天，记者来到陕北。\n",
        ["宁夏：农业产业化铺筑致富路", "给黄土地“拜年”"],
    ),
    "caption_under_title": (
        "任城公安推进执法规范化\n\n□ 本报记者 尹彤\n\n济宁市公安局任城区分局在活动中坚持执法抓规范，规范抓主体，实现执法质量的提高。\n\n"
        "冬泳迎新年（图片）\n\n１９９８年元旦，全国各地开展丰富多彩的健身活动。（新华社记者陈天湖摄）\n",
        ["任城公安推进执法规范化", "冬泳迎新年（图片）"],
    ),
    "verse": (
        "# 普通的水（外二首）\n\n普通的水，比空气还空\n\n与我们不离形影\n\n随时享用，而又随时忘却\n\n甚至，忘个干净\n\n"
        "# 树桩上的雪\n\n是支撑天空的一棵树\n",
        ["普通的水（外二首）", "树桩上的雪"],
    ),
    "long_block_titles": (
        "习近平回信勉励山东省地矿局第六地质大队全体地质工作者 在找矿突破战略行动中发挥更大作用 奋力书写“英雄地质队”新篇章\n"
        "央视网消息（新闻联播）：中共中央总书记、国家主席、中央军委主席习近平10月2日给山东省地矿局第六地质大队全体地质工作者回信，"
        "对他们给予亲切勉励。\n习近平在回信中表示，建队以来，你们一代代队员跋山涉水，风餐露宿，攻坚克难，取得了丰硕的找矿成果，"
        "展现了新时代地质工作者的风采。\n\n"
        "二十四节气·小满\n央视网消息（新闻联播）：今天是二十四节气中的小满，小满是夏季的第二个节气，此时北方夏熟作物的籽粒开始灌浆饱满，"
        "南方则进入雨水丰沛的时节。\n各地农民抓住农时，加强田间管理，确保夏粮丰收，农业农村部门组织农技人员深入田间地头开展指导服务。\n",
        ["习近平回信勉励山东省地矿局第六地质大队全体地质工作者 在找矿突破战略行动中发挥更大作用 奋力书写“英雄地质队”新篇章", "二十四节气·小满"],
    ),
}


@pytest.mark.parametrize("rule", sorted(RULE_CASES))
def test_named_layout_rules(rule: str) -> None:
    page, expected = RULE_CASES[rule]
    assert [a.title for a in page_articles(page)] == expected


def test_titles_after_rule_and_first_sentence_fallback() -> None:
    page = (
        "“真是太感谢了。”近日，市民钱先生将一面锦旗送到邹城市公安局。新机制运行以来，全市实现零发案。 通讯员 蒋帅\n\n"
        "邹城市公安局\n\n联勤巡防新机制 联控快反保平安\n\n"
        "近日，嘉祥县公安局马村派出所接到报警。民警迅速赶到现场。\n\n通讯员 孙闫慧\n\n"
        "连日来，鱼台县公安局积极打造巡逻防控模式，全方位护航民生发展。 通讯员 刘猛\n\n"
        "巡逻防控不停歇\n守护平安我在场\n"
    )
    found = [(a.title, a.title_source, a.kicker, a.subtitle, a.byline) for a in page_articles(page)]
    assert found == [
        ("联勤巡防新机制 联控快反保平安", "after", "邹城市公安局", None, "通讯员 蒋帅"),
        ("近日，嘉祥县公安局马村派出所接到报警。", "first_sentence", None, None, "通讯员 孙闫慧"),
        ("巡逻防控不停歇", "after", None, "守护平安我在场", "通讯员 刘猛"),
    ]


@pytest.mark.parametrize(
    "line, text, authors",
    [
        ("□ 本报记者 尹彤 美国乐", "本报记者 尹彤 美国乐", ("尹彤", "美国乐")),
        ("□ 本报记者 丁国锋 □ 本报通讯员 关 宁 柳 青", "本报记者 丁国锋 本报通讯员 关宁 柳青", ("丁国锋", "关宁", "柳青")),
        ("通讯员 侯宪锋 刘廷好 报道", "通讯员 侯宪锋 刘廷好 报道", ("侯宪锋", "刘廷好")),
        ("【胡正学】", "【胡正学】", ("胡正学",)),
        ("■通讯员 代瑜 摄", "通讯员 代瑜 摄", ("代瑜",)),
        ("王子强 摄", "王子强 摄", ("王子强",)),
        ("新华社记者赵金川", "新华社记者赵金川", ("赵金川",)),
        ("本报驻美国记者李云飞", "本报驻美国记者李云飞", ("李云飞",)),
        ("（新华社记者李欣摄）", "（新华社记者李欣摄）", ("李欣",)),
        ("（本报华盛顿１月５日电）", "（本报华盛顿１月５日电）", ()),
        ("本报评论员", "本报评论员", ()),
    ],
)
def test_credit_lines_and_their_names(line: str, text: str, authors: tuple[str, ...]) -> None:
    byline = parse_byline(line)
    assert byline is not None and (byline.text, byline.authors) == (text, authors)


@pytest.mark.parametrize("line", ["全民攻坚凝聚反电诈合力", "三个强化 统筹推进", "（图片）", "（附图片１张）", "记者节快乐，大家辛苦了。"])
def test_titles_and_notes_are_not_credits(line: str) -> None:
    assert parse_byline(line) is None


def test_a_bare_name_under_a_title_is_an_author_line() -> None:
    assert parse_name_line("廖志承").authors == ("廖志承",)
    assert parse_name_line("健全内部监督机制") is None


@pytest.mark.parametrize(
    "paragraph, dateline, credit, rest",
    [
        ("本报讯(通讯员 杨少军)按照中央政法委的部署", "本报讯", "通讯员 杨少军", "按照中央政法委的部署"),
        ("本报济宁讯 9月22日，济宁市公安局", "本报济宁讯", None, "9月22日，济宁市公安局"),
        ("本报讯 记者莫小松 马艳 通讯员 周庆肇 一键报警、手机App", "本报讯", "记者莫小松 马艳 通讯员 周庆肇", "一键报警、手机App"),
        ("本报讯 通讯员张耀西 倪海霞 为 进一步推动", "本报讯", "通讯员张耀西 倪海霞", "为 进一步推动"),
        ("新华社北京１２月３１日电忠诚的共产主义战士", "新华社北京１２月３１日电", None, "忠诚的共产主义战士"),
        ("本报北京１月７日讯记者白剑峰报道：因拒当", "本报北京１月７日讯", "记者白剑峰", "因拒当"),
        ("本报北京１月４日讯记者施明慎 报道：中国人民银行", "本报北京１月４日讯", "记者施明慎", "中国人民银行"),
        ("近日，本报讯不在段首", None, None, "近日，本报讯不在段首"),
    ],
)
def test_datelines_and_their_credits_come_off_the_body(paragraph: str, dateline: str | None, credit: str | None, rest: str) -> None:
    opening = split_opening(paragraph)
    assert (opening.dateline, opening.byline.text if opening.byline else None, opening.rest) == (dateline, credit, rest)
    assert has_dateline(paragraph) is (dateline is not None)


@pytest.mark.parametrize(
    "paragraph, body, credit, photo",
    [
        ("涉诈手机卡减少近一半。 通讯员 万艾东 李亚", "涉诈手机卡减少近一半。", "通讯员 万艾东 李亚", False),
        ("赢得了广大外卖员的好评。 王子强 摄", "赢得了广大外卖员的好评。", "王子强 摄", True),
        ("就在身边。 ■通讯员 代瑜 摄", "就在身边。", "通讯员 代瑜 摄", True),
        ("他说这是好事。我们都同意", "他说这是好事。我们都同意", None, False),
        ("质量。（新华社记者陈飞摄）", "质量。", "（新华社记者陈飞摄）", True),
        ("就在身边。 ■通讯员 代瑜 摄  ", "就在身边。", "通讯员 代瑜 摄", True),  # trailing spaces: the credit still ends it
        ("本报记者 尹彤。", "本报记者 尹彤。", None, False),  # ends on a full stop: no credit after it
    ],
)
def test_closing_credits_come_off_the_end_of_the_body(paragraph: str, body: str, credit: str | None, photo: bool) -> None:
    found_body, found_credit, found_photo = split_trailing_credit(paragraph)
    assert (found_body, found_credit.text if found_credit else None, found_photo) == (body, credit, photo)


PIECES = ["# 标题", "## 副题", "□ 本报记者 尹彤", "通讯员 张凯", "【王芳】", "本报讯 记者徐鹏 8月6日，", "掉", "——",
          "近日，民警赶到现场。", "犯罪团", "伙被摧毁", "守平安，“小案”", "（新华社记者李欣摄）", "王子强 摄", "", "", " ", "１、"]


@pytest.mark.parametrize("seed", range(40))
def test_any_page_splits_into_well_formed_articles(seed: int) -> None:
    rng = random.Random(seed)
    page = "\n".join(rng.choice(PIECES) + rng.choice(["", "。", "，"]) for _ in range(rng.randint(0, 60)))
    articles = page_articles(page)
    assert [a.number for a in articles] == list(range(1, len(articles) + 1))
    for article in articles:
        assert article.title and all(article.paragraphs)
        assert article.kind in ("article", "caption")
        assert set(article.headings) <= set(article.paragraphs)


SEED_PHOTOS = {
    # Read off the pages: each seed's photos, with the credit printed with them and where they belong.
    "000_143190444e71cc2b": [("caption", "王子强 摄", ("王子强",))],  # the 外卖 safety class: no story beside it
    "003_24cd6c31f59ac330": [("caption", "本报记者 梁平妮 本报通讯员 赵晓姮 陈康 摄", ("梁平妮", "赵晓姮", "陈康"))],  # 潍坊 border check
    "004_f681114cb4297908": [("caption", "通讯员 代瑜 摄", ("代瑜",))],
}


@pytest.mark.parametrize("seed", sorted(SEED_TITLES))
def test_sample_photos_stand_alone_with_their_credits(seed: str) -> None:
    photos = [(a.kind, a.byline, a.authors) for a in seed_articles(seed) if a.kind == "caption"]
    assert photos == SEED_PHOTOS.get(seed, [])


@pytest.mark.parametrize(
    "seed, title, dateline, place",
    [
        ("002_48a5c07f79fd3eae", "金乡7镇街 配发消防车", "本报金乡讯", "金乡"),
        ("002_48a5c07f79fd3eae", "户籍民警热心肠 攻坚克难落户口", "本报微山讯", "微山"),
        ("003_24cd6c31f59ac330", '青海推动"三州一市"公安交管战略合作', "本报讯", None),
        ("001_6457ba5cca22f5f1", "祥云县公安局“三查三治三禁”深入推进队伍纪律作风建设", "本报讯", None),
    ],
)
def test_sample_datelines_are_fields_of_their_own(seed: str, title: str, dateline: str, place: str | None) -> None:
    article = by_title(seed_articles(seed), title)
    assert (article.dateline, article.dateline_place, article.dateline_date) == (dateline, place, None)
    assert not article.paragraphs[0].startswith(dateline)
