"""The local engine end to end on a small hand-made archive, indexed for real.

Each issue file is written here, so every expectation can be read off the
text below: what is found, in which order, with which facets and marks.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from indexer.engines.whoosh import search as search_module
from indexer.engines.whoosh.bulk import term_ranking
from indexer.query import parse
from indexer.engines.whoosh.ranking import BM25_K1, Grams, build, plan
from tests.reindex_fixtures import reindex
from indexer.engines.whoosh.scoring import grams_ranking
from indexer.api import QueryError, SearchRequest, SearchResults
from indexer.engines.whoosh.engine import WhooshEngine
from indexer.settings import Settings

ISSUES = {
    "2021-04-08-05.txt": """\
date: 2021-04-08
page: 5
paper: 法治日报

# 警方破获特大电信网络诈骗案

□ 本报记者 丁国锋

近日，连南县公安局破获一起电信网络诈骗案，抓获犯罪嫌
疑人3名，冻结涉案资金５.６万元。该团伙以“杀猪盘”为手段，在湄洲岛一带作案。

民警提醒：不要轻信陌生人推荐的ABC投资平台，<b>链接</b>不要点。

# 社区民警走访辖区

□ 本报通讯员 李亚

社区民警走进北京市朝阳区，宣传中华人民共和国公安部发布的防骗提示。
""",
    "2021-04-09-05.txt": """\
date: 2021-04-09
page: 5
paper: 法治日报

# 一只貉被救助

近日，马村派出所接到报警，河边有一只貉受伤，民警将其送到专业机构救助。

# 电信诈骗与网络诈骗

本文分别介绍电信诈骗和网络诈骗两种手法，提醒群众提高警惕。
""",
    "1998/19980110-01.txt": """\
date: 1998-01-10
page: 1
paper: 人民日报

# 新年伊始话发展

各地群众欢度新年，经济发展势头良好。记者在上海市看到，商场人头攒动，诈骗案件明显减少。
""",
    "undated-note.txt": """\
# 无日期的小稿

这是一篇没有日期的稿件，内容涉及诈骗防范。
""",
}
RAID = "2021-04-08-05/1"
PATROL = "2021-04-08-05/2"
RACCOON = "2021-04-09-05/1"
TWO_KINDS = "2021-04-09-05/2"
NEW_YEAR = "1998/19980110-01/1"
UNDATED = "undated-note/1"


def write_issues(data_dir: Path, issues: dict[str, str]) -> None:
    for name, text in issues.items():
        path = data_dir / "issues" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    write_issues(root, ISSUES)
    reindex(root)
    return root


@pytest.fixture(scope="module")
def archive(data_dir: Path):
    index = WhooshEngine(Settings(data_dir=data_dir))
    yield index
    index.close()


def ids(results: SearchResults) -> list[str]:
    return [hit.id for hit in results.results]


def search(archive: WhooshEngine, q: str, **options) -> SearchResults:
    return archive.search(SearchRequest(q, **options))


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("貉", RACCOON),  # one character
        ("丁国锋", RAID),  # a name (in the byline)
        ("3名", RAID),  # digits are kept
        ("犯罪嫌疑人", RAID),  # across the OCR line break
        ("5.6万", RAID),  # typed half-width, printed full-width
        ("abc", RAID),  # letter case
        ("ＡＢＣ", RAID),  # full-width
        ("杀豬盤", RAID),  # traditional characters
        ("人民共和国", PATROL),  # part of a longer word
        ("连南", RAID),
        ('"电信网络诈骗"', RAID),
        ("“电信网络诈骗”", RAID),
        ("「电信网络诈骗」", RAID),
    ],
)
def test_text_that_occurs_finds_its_article(archive: WhooshEngine, q: str, found: str) -> None:
    assert found in ids(search(archive, q))


def test_a_phrase_matches_only_in_a_row(archive: WhooshEngine) -> None:
    assert ids(search(archive, '"电信网络诈骗"')) == [RAID]
    assert TWO_KINDS not in ids(search(archive, "电信网络诈骗"))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("民警 貉", {RACCOON}),  # AND by default
        ("民警 AND 貉", {RACCOON}),
        ("貉 OR 连南", {RACCOON, RAID}),
        ("诈骗 NOT 电信", {NEW_YEAR, UNDATED}),
        ("诈骗 -电信", {NEW_YEAR, UNDATED}),
        ("(貉 OR 连南) 民警", {RACCOON, RAID}),
        ("title:民警", {PATROL}),
        ("byline:李亚", {PATROL}),
        ("byline:民警", set()),
        ("诈骗 date:1998", {NEW_YEAR}),
        ("诈骗 date:2021-04-09", {TWO_KINDS}),
    ],
)
def test_query_language(archive: WhooshEngine, q: str, expected: set[str]) -> None:
    assert set(ids(search(archive, q, per_page=20))) == expected


def test_a_title_match_ranks_first(archive: WhooshEngine) -> None:
    assert ids(search(archive, "民警"))[0] == PATROL
    assert ids(search(archive, "电信诈骗"))[0] == TWO_KINDS


def test_no_article_with_all_words_shows_those_with_some_flagged_relaxed(archive: WhooshEngine) -> None:
    results = search(archive, "貉 上海市")
    assert results.relaxed
    assert set(ids(results)) == {RACCOON, NEW_YEAR}
    assert not search(archive, "貉 民警").relaxed


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("date", [TWO_KINDS, RAID, NEW_YEAR, UNDATED]),  # newest first, undated last
        ("-date", [NEW_YEAR, RAID, TWO_KINDS, UNDATED]),  # oldest first, undated last
    ],
)
def test_sort_by_date(archive: WhooshEngine, sort: str, order: list[str]) -> None:
    assert ids(search(archive, "诈骗", sort=sort)) == order


def test_a_blank_query_browses_everything_newest_first(archive: WhooshEngine) -> None:
    results = search(archive, "")
    assert results.total == 6
    assert ids(results)[:2] in ([RACCOON, TWO_KINDS], [TWO_KINDS, RACCOON])
    assert ids(results)[-1] == UNDATED


def test_pages_and_total(archive: WhooshEngine) -> None:
    first, second = (search(archive, "诈骗", per_page=3, page=n) for n in (1, 2))
    assert first.total == second.total == 4
    assert len(first.results) == 3 and len(second.results) == 1
    assert not set(ids(first)) & set(ids(second))


def facet(results: SearchResults, name: str) -> dict[str, tuple[int, bool]]:
    return {v.value: (v.count, v.selected) for v in results.facets[name]}


def test_facets_count_the_whole_result_set(archive: WhooshEngine) -> None:
    results = search(archive, "诈骗", per_page=1)
    assert facet(results, "year") == {"2021": (2, False), "1998": (1, False)}
    assert facet(results, "paper") == {"法治日报": (2, False), "人民日报": (1, False)}
    assert facet(results, "issue")["2021-04-08-05"] == (1, False)
    assert facet(results, "byline") == {"丁国锋": (1, False)}
    assert "上海市" in facet(results, "place")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"year": ("1998",)}, {NEW_YEAR}),
        ({"paper": ("法治日报",)}, {RAID, TWO_KINDS}),
        ({"issue": ("undated-note",)}, {UNDATED}),
        ({"byline": ("丁国锋",)}, {RAID}),
        ({"place": ("上海市",)}, {NEW_YEAR}),
        ({"paper": ("法治日报",), "year": ("1998",)}, set()),  # filters combine with AND
    ],
)
def test_facet_values_filter(archive: WhooshEngine, filters: dict, expected: set[str]) -> None:
    results = search(archive, "诈骗", filters=filters)
    assert set(ids(results)) == expected
    for name, values in filters.items():
        assert all(facet(results, name)[value][1] for value in values)  # shown as selected


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        ("2021-04-09", "2021-04-09", {TWO_KINDS}),  # inclusive, one day exactly
        ("2021-04-08", None, {RAID, TWO_KINDS}),
        (None, "2021-04-08", {NEW_YEAR, RAID}),
        ("1998-01-11", "2021-04-07", set()),  # not widened to whole years
    ],
)
def test_date_range_is_exact_and_inclusive(archive, date_from, date_to, expected) -> None:
    assert set(ids(search(archive, "诈骗", date_from=date_from, date_to=date_to))) == expected


@pytest.mark.parametrize(
    "request_options",
    [
        {"q": "(民警"},
        {"q": "foo:bar"},
        {"q": "诈骗", "date_from": "2021/04/08"},
        {"q": "诈骗", "sort": "oldest"},
        {"q": "诈骗", "filters": {"colour": ("red",)}},
        {"q": "诈骗", "page": 0},
    ],
)
def test_bad_requests_raise_query_error(archive: WhooshEngine, request_options: dict) -> None:
    with pytest.raises(QueryError):
        archive.search(SearchRequest(**request_options))


def test_snippet_marks_each_match_whole_and_escapes_the_rest(archive: WhooshEngine) -> None:
    raid = search(archive, "犯罪嫌疑人 ABC").results[0]
    assert re.findall(r"<mark>(.*?)</mark>", raid.snippet, re.S) == ["犯罪嫌\n疑人", "ABC"] or \
        re.findall(r"<mark>(.*?)</mark>", raid.snippet, re.S) == ["犯罪嫌 疑人", "ABC"]
    assert "&lt;b&gt;链接&lt;/b&gt;" in raid.snippet and "<b>" not in raid.snippet


def test_hit_carries_what_a_result_line_shows(archive: WhooshEngine) -> None:
    hit = search(archive, "连南").results[0]
    assert (hit.id, hit.title, hit.byline, hit.number) == (RAID, "警方破获特大电信网络诈骗案", "本报记者 丁国锋", 1)
    assert (hit.issue.id, hit.issue.date, hit.issue.page, hit.issue.paper) == ("2021-04-08-05", "2021-04-08", 5, "法治日报")
    assert hit.score > 0


def test_article_with_neighbours_and_highlighting(archive: WhooshEngine) -> None:
    view = archive.article(PATROL, q="社区民警 -电信")
    assert view.title == "社区民警走访辖区" and view.authors == ["李亚"]
    assert view.previous.id == RAID and view.next is None
    assert view.highlighted == ["<mark>社区民警</mark>走进北京市朝阳区，宣传中华人民共和国公安部发布的防骗提示。"]
    assert archive.article(PATROL).highlighted is None
    assert archive.article("no/such/article") is None


def test_issues_newest_first_and_one_issue_with_its_text(archive: WhooshEngine) -> None:
    page = archive.issues(page=1, per_page=10)
    assert page.total == 4
    assert [i.id for i in page.issues] == ["2021-04-09-05", "2021-04-08-05", "1998/19980110-01", "undated-note"]
    issue = archive.issue("2021-04-08-05")
    assert [a.id for a in issue.articles] == [RAID, PATROL]
    assert issue.text.startswith("date: 2021-04-08")
    assert archive.issue("nope") is None


def test_stats(archive: WhooshEngine) -> None:
    stats = archive.stats()
    assert (stats.issues, stats.articles, stats.date_min, stats.date_max) == (4, 6, "1998-01-10", "2021-04-09")
    assert stats.failed == [] and stats.generation and stats.index_bytes > 0


def test_a_new_generation_is_served_without_restart(tmp_path: Path) -> None:
    write_issues(tmp_path, {"undated-note.txt": ISSUES["undated-note.txt"]})
    reindex(tmp_path)
    index = WhooshEngine(Settings(data_dir=tmp_path, recheck_seconds=0.0))
    try:
        assert search(index, "貉").total == 0
        write_issues(tmp_path, {"2021-04-09-05.txt": ISSUES["2021-04-09-05.txt"]})
        reindex(tmp_path)
        assert ids(search(index, "貉")) == [RACCOON]
    finally:
        index.close()


def test_an_archive_never_indexed_answers_empty(tmp_path: Path) -> None:
    index = WhooshEngine(Settings(data_dir=tmp_path))
    assert search(index, "诈骗").total == 0
    assert index.issues().total == 0 and index.article(RAID) is None and index.stats().articles == 0
    with pytest.raises(QueryError):
        search(index, "(")


def test_concurrent_searches_agree_with_serial_ones(archive: WhooshEngine) -> None:
    queries = ["诈骗", "民警", "貉 OR 连南", '"电信网络诈骗"', "杀猪盘", "title:民警", ""] * 6
    serial = [ids(search(archive, q)) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda q: ids(search(archive, q)), queries))
    assert parallel == serial


def test_warm_up_leaves_results_unchanged(archive: WhooshEngine) -> None:
    before = ids(search(archive, "诈骗"))
    archive.warm_up()
    assert ids(search(archive, "诈骗")) == before


@pytest.mark.parametrize("q", ["date:2021", "-貉", "NOT 貉 date:2021"])
def test_a_query_with_nothing_to_rank_by_lists_newest_first(archive: WhooshEngine, q: str) -> None:
    results = search(archive, q)
    assert results.sort == "date"
    days = [hit.issue.date for hit in results.results]
    dated = [day for day in days if day]
    assert days == dated + [None] * (len(days) - len(dated))  # undated last
    assert dated == sorted(dated, reverse=True) and results.total > 0


@pytest.mark.parametrize("q", ["诈", "民警", "title:民警", "貉"])
def test_bulk_scoring_of_one_term_agrees_with_whoosh(archive: WhooshEngine, q: str) -> None:
    with archive._using() as snap:
        node = parse(q)
        clause = plan(node, ranked=False)
        assert isinstance(clause, Grams) and len(clause.grams) == 1
        field, text = clause.field, clause.grams[0]
        bulk = term_ranking(snap.searcher, field, text, snap.length_norms(field), BM25_K1)
        whoosh = snap.searcher.search(build(node, ranked=False), limit=None).top_n
    assert [d for _, d in bulk] == [d for _, d in whoosh]
    assert [round(s, 6) for s, _ in bulk] == [round(s, 6) for s, _ in whoosh]


@pytest.mark.parametrize("q", ["电信网络诈骗", "诈骗案", "title:电信网络", "\"特大电信\"", "网络诈骗案"])
def test_bulk_scoring_of_a_phrase_agrees_with_whoosh(archive: WhooshEngine, q: str) -> None:
    with archive._using() as snap:
        node = parse(q)
        clause = plan(node, ranked=False)
        bulk = grams_ranking(snap, clause)
        whoosh = snap.searcher.search(build(node, ranked=False), limit=None).top_n
        head = sorted(docnum for _, docnum in whoosh[:2])
        within = grams_ranking(snap, clause, within=head)
    assert bulk and [d for _, d in bulk] == [d for _, d in whoosh]
    assert [round(s, 9) for s, _ in bulk] == [round(s, 9) for s, _ in whoosh]
    assert sorted(d for _, d in within) == head


@pytest.mark.parametrize(
    "q", ["民警 貉", "诈骗 电信", "貉 OR 连南", "诈骗 NOT 电信", "诈骗 -电信 date:1998", "(貉 OR 连南) 民警", "诈骗 \"电信网络\""]
)
def test_base_scores_combine_like_whoosh(archive: WhooshEngine, q: str) -> None:
    with archive._using() as snap:
        node = parse(q)
        ours = search_module._scored(snap, node, None)
        whoosh = snap.searcher.search(build(node, ranked=False), limit=None).top_n
    assert [d for _, d in ours] == [d for _, d in whoosh]  # Whoosh adds 1.0 per NOT to every match: same order
    assert ours
