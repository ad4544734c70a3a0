"""The pure parts of the research tools: export writers, download names, KWIC lines, the trends SVG."""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import pytest

from indexer.api import ArticleView, IssueRef
from webui.research import export_formats, trends_chart
from webui.research.downloads import attachment, query_file_name
from webui.research.kwic_lines import KwicLine, kwic_lines, left_key, right_key

ARTICLE = ArticleView(
    id="2021/04/x/3", title="=HYPERLINK(\"http://evil\")", title_source="heading", subtitle=None, byline="记者 尹彤",
    authors=["尹彤", "侯宪锋"], issue=IssueRef(id="2021/04/x", date="2021-04-08", year=2021, page=5, paper="法治日报"),
    number=3, kind="article", paragraphs=["第一段，有“引号”, 逗号。", "第二段"], headings=[], places=[],
    previous=None, next=None)
URL = "http://a.example/articles/2021/04/x/3"


# --- export ---------------------------------------------------------------------------------


def test_csv_has_a_bom_a_header_and_reads_back_in_excels_dialect():
    rows = [export_formats.export_row(ARTICLE, URL, with_text=True)]
    text = "".join(export_formats.csv_lines(rows, with_text=True))
    assert text.startswith("\ufeffid,title,") and "\r\n" in text
    header, row = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header == [*export_formats.COLUMNS, "text"]
    record = dict(zip(header, row))
    assert record["title"] == "'=HYPERLINK(\"http://evil\")"  # never a formula in Excel
    assert record["authors"] == "尹彤、侯宪锋" and record["subtitle"] == "" and record["page"] == "5"
    assert record["url"] == "http://a.example/articles/2021/04/x/3"
    assert record["text"] == "第一段，有“引号”, 逗号。\n第二段"


def test_csv_without_text_has_no_text_column():
    text = "".join(export_formats.csv_lines([export_formats.export_row(ARTICLE, URL, with_text=False)], with_text=False))
    assert next(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == list(export_formats.COLUMNS)


def test_jsonl_is_one_object_a_line_in_plain_utf8():
    rows = [export_formats.export_row(ARTICLE, URL, with_text=False)] * 2
    lines = list(export_formats.jsonl_lines(rows))
    assert len(lines) == 2 and all(line.endswith("}\n") for line in lines)
    assert "尹彤" in lines[0] and json.loads(lines[0])["title"] == ARTICLE.title  # JSON keeps text as it is
    assert "text" not in json.loads(lines[0])


def test_writers_are_lazy_so_memory_stays_flat():
    def endless():
        while True:
            yield export_formats.export_row(ARTICLE, URL, with_text=False)

    lines = export_formats.lines("csv", endless(), with_text=False)
    assert next(lines).startswith("\ufeff") and next(lines).startswith("2021/04/x/3,")


@pytest.mark.parametrize(("q", "name"), [
    ("电信诈骗 济宁", "电信诈骗_济宁.csv"),
    ('"钱其琛 意大利"~10', "钱其琛_意大利_10.csv"),
    ("../../etc/passwd", "etc_passwd.csv"),
    ("", "archive-export.csv"),
    ("“”！", "archive-export.csv"),
    ("民" * 100, "民" * 40 + ".csv"),
])
def test_download_names_come_from_the_query(q, name):
    assert query_file_name(q, "csv") == name


def test_attachment_gives_an_ascii_fallback_and_the_utf8_name():
    assert attachment("a-1.bib") == 'attachment; filename="a-1.bib"'
    header = attachment("电信诈骗.csv")
    assert header.startswith('attachment; filename="____.csv"; filename*=UTF-8\'\'')
    assert unquote(header.split("''", 1)[1]) == "电信诈骗.csv"


# --- KWIC -----------------------------------------------------------------------------------


def test_kwic_contexts_are_width_characters_cut_at_paragraph_ends():
    paragraphs = ["甲乙丙丁戊己庚辛诈骗壬癸", "诈骗在段首", "段尾诈骗"]
    text = "\n".join(paragraphs)
    spans = [(i, i + 2) for i in range(len(text)) if text.startswith("诈骗", i)]
    assert kwic_lines(paragraphs, spans, width=3) == [
        KwicLine("己庚辛", "诈骗", "壬癸"), KwicLine("", "诈骗", "在段首"), KwicLine("段尾", "诈骗", "")]
    assert kwic_lines(paragraphs, spans[:1], width=20)[0].left == "甲乙丙丁戊己庚辛"


def test_kwic_shows_ocr_whitespace_as_one_space_and_a_match_across_a_line_break_whole():
    paragraphs = ["电信\n  诈骗就在 身边", "电信", "诈骗"]
    lines = kwic_lines(paragraphs, [(0, 7), (13, 18)], width=4)
    assert lines[0] == KwicLine("", "电信 诈骗", "就在 身")
    assert lines[1] == KwicLine("", "电信 诈骗", "")  # from one paragraph into the next: both ends cut


def test_sorting_by_left_context_compares_the_nearest_character_first():
    lines = [KwicLine("ab", "x", "2"), KwicLine("ca", "x", "1"), KwicLine("bb", "x", "3")]
    assert [line.right for line in sorted(lines, key=left_key)] == ["1", "2", "3"]  # a < b, read from the end
    assert [line.right for line in sorted(lines, key=right_key)] == ["1", "2", "3"]


# --- trends chart ------------------------------------------------------------------------------


def series(query: str, counts: list[int], articles: int = 100) -> dict:
    return {"query": query, "buckets": [{"period": str(2000 + i), "count": c, "articles": articles,
                                         "share": c / articles, "url": f"/search?q={i}"}
                                        for i, c in enumerate(counts)]}


def test_the_chart_is_svg_with_a_linked_bar_per_query_and_period():
    svg = ET.fromstring(trends_chart.render_chart([series("甲", [1, 0, 7]), series("乙", [2, 3, 0])]))
    ns = "{http://www.w3.org/2000/svg}"
    links = svg.findall(f"{ns}a")
    assert len(links) == 6 and links[0].get("href") == "/search?q=0"
    heights = [float(a.find(f"{ns}rect").get("height")) for a in links]
    assert heights[4] == max(heights) and heights[2] == 0  # period 2002 of 甲 is tallest; 2000 of 乙 is 2
    assert "甲 · 2002：7 篇" in links[4].find(f"{ns}rect/{ns}title").text
    assert [t.text for t in svg.findall(f"{ns}text")][-3:] == ["2000", "2001", "2002"]


def test_the_relative_view_plots_shares_and_labels_percentages():
    svg = trends_chart.render_chart([series("甲", [1, 50], articles=200)], view="share")
    labels = [t.text for t in ET.fromstring(svg).findall("{http://www.w3.org/2000/svg}text")]
    assert "25%" in labels and "0%" in labels


def test_chart_text_is_escaped():
    svg = trends_chart.render_chart([series('<script>alert(1)</script>"&', [1])])
    root = ET.fromstring(svg)  # still well-formed XML
    assert "<script>" not in svg and "<script>" in root.find("{http://www.w3.org/2000/svg}title").text


def test_many_periods_label_every_nth_so_labels_do_not_overlap():
    months = {"query": "甲", "buckets": [{"period": f"2000-{m:02d}", "count": m, "articles": 10, "share": m / 10,
                                          "url": "/"} for m in range(1, 13)] * 10}
    texts = ET.fromstring(trends_chart.render_chart([months] * 5)).findall("{http://www.w3.org/2000/svg}text")
    period_labels = [t for t in texts if t.text.startswith("2000-")]
    xs = [float(t.get("x")) for t in period_labels]
    assert 1 < len(xs) < 120 and min(b - a for a, b in zip(xs, xs[1:])) >= trends_chart.CHAR_PX * 7


@pytest.mark.parametrize(("value", "nice"), [(0, 1), (7, 10), (11, 20), (230, 250), (0.0034, 0.005)])
def test_the_axis_top_is_a_round_number(value, nice):
    assert trends_chart.nice_ceiling(value) == pytest.approx(nice)


def test_count_axis_labels_keep_their_halves():
    """An axis up to 10 has ticks at 2.5 and 7.5: labelled so, never rounded to 2 and 8."""
    one = {"query": "甲", "buckets": [{"period": "2021", "count": 7, "articles": 10, "share": 0.7, "url": "/"}]}
    texts = [t.text for t in ET.fromstring(trends_chart.render_chart([one])).findall("{http://www.w3.org/2000/svg}text")]
    assert texts[:5] == ["0", "2.5", "5", "7.5", "10"]
