"""The HTML pages, over HTTP against the real server, read with BeautifulSoup."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.webui_fixtures import HOSTILE_ISSUE_ID

pytest_plugins = ["tests.webui_plugin"]  # the shared test archive, server and clients


def page(http, path: str, status: int = 200, headers: dict | None = None, **params) -> BeautifulSoup:
    response = http.get(path, params=params, headers=headers)
    assert response.status_code == status, response.text[:500]
    assert response.headers["Content-Type"].startswith("text/html")
    return BeautifulSoup(response.text, "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


# --- search ---------------------------------------------------------------------------


def test_the_start_page_has_a_search_box_and_says_what_is_inside(http):
    soup = page(http, "/")
    assert soup.html["lang"] == "zh-CN"
    assert soup.select_one("form[action='/search'] input[name=q]")
    assert "6 期报纸" in text(soup.select_one(".lede"))


def test_results_keep_the_query_and_show_count_time_and_highlighted_snippets(http):
    soup = page(http, "/search", q="杀猪盘")
    assert soup.select_one("input[name=q]")["value"] == "杀猪盘"
    assert "找到 1 篇文章" in text(soup.select_one(".summary")) and "毫秒" in text(soup.select_one(".summary"))
    hit = soup.select_one(".hit")
    assert hit.select_one("h2 a")["href"].endswith("?q=%E6%9D%80%E7%8C%AA%E7%9B%98#first-match")
    assert hit.select_one(".meta a")["href"] == "/issues/004_f681114cb4297908"
    assert [mark.text for mark in hit.select(".snippet mark")] == ["杀猪盘"]


def test_the_page_shows_the_same_results_as_its_json_twin(http):
    response = http.get("/search", params={"q": "民警", "page": "2"})
    json_url = response.headers["Link"].split(">")[0].lstrip("<")
    soup = BeautifulSoup(response.text, "html.parser")
    api = http.get(json_url).json()
    assert api["page"] == 2
    assert [a["href"].split("?")[0] for a in soup.select(".hit h2 a")] == [hit["url"] for hit in api["results"]]


def test_facets_show_counts_and_a_facet_link_narrows_and_can_be_undone(http):
    soup = page(http, "/search", q="民警")
    year = soup.select_one(".facet li a")
    count = int(year.find_next_sibling(class_="count").text)
    narrowed = page(http, year["href"])
    assert f"找到 {count} 篇文章" in text(narrowed.select_one(".summary"))
    chip = narrowed.select_one(".active-filters a")
    assert year.text in chip.text
    assert parse_qs(urlsplit(chip["href"]).query) == {"q": ["民警"]}


def test_sort_links_offer_relevance_newest_and_oldest(http):
    soup = page(http, "/search", q="民警", sort="date")
    assert soup.select_one(".sorts strong").text == "最新在前"
    links = {a.text: parse_qs(urlsplit(a["href"]).query) for a in soup.select(".sorts a")}
    assert links["相关度"] == {"q": ["民警"]} and links["最早在前"]["sort"] == ["-date"]
    assert soup.select_one("header input[name=sort]")["value"] == "date", "a new query keeps the chosen order"


def test_the_date_range_form_keeps_the_rest_of_the_search(http):
    soup = page(http, "/search", q="民警", year="2021", **{"from": "2021-01-01"})
    form = soup.select_one("form.date-range")
    hidden = {(i["name"], i["value"]) for i in form.select("input[type=hidden]")}
    assert hidden == {("q", "民警"), ("year", "2021")}
    assert form.select_one("input[name=from]")["value"] == "2021-01-01"


def test_pagination_links_page_forward_and_back(http):
    first = page(http, "/search", q="民警")
    assert "第 1 /" in text(first.select_one(".pager"))
    second = page(http, first.select_one(".pager a[rel=next]")["href"])
    assert "第 2 /" in text(second.select_one(".pager"))
    assert second.select_one(".hits")["start"] == "11"
    assert second.select_one(".pager a[rel=prev]")


def test_no_results_suggest_dropping_a_word_the_unquoted_form_and_the_filters(http):
    soup = page(http, "/search", q='"民警 貉子不存在" 杀猪盘', year="2016")
    assert "没有找到" in text(soup.select_one(".summary"))
    suggestions = [a.text for a in soup.select(".no-results li a")]
    assert "民警 貉子不存在 杀猪盘" in suggestions  # the unquoted form
    assert '"民警 貉子不存在"' in suggestions and "杀猪盘" in suggestions  # one word dropped
    assert "去掉筛选条件" in text(soup.select_one(".no-results"))
    assert soup.select_one(".no-results a[href='/help']")


def test_a_blank_search_goes_back_to_the_start_page(http):
    response = http.get("/search", params={"q": "  "}, allow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"] == "/"


# --- reading --------------------------------------------------------------------------


def test_an_article_highlights_the_query_and_marks_the_first_match_for_the_link_fragment(http):
    soup = page(http, "/articles/004_f681114cb4297908/1", q="杀猪盘")
    assert soup.select_one("h1").text == "全民攻坚凝聚反电诈合力"
    marks = soup.select(".body mark")
    assert marks and all(mark.text == "杀猪盘" for mark in marks)
    assert [mark.get("id") for mark in marks].count("first-match") == 1 and marks[0]["id"] == "first-match"
    assert soup.select_one(".query-note a[href='#first-match']")


def test_an_article_opened_from_results_links_back_to_the_same_results_page(http, server_url):
    results = f"{server_url}/search?q=%E6%B0%91%E8%AD%A6&year=2021&page=2"
    soup = page(http, "/articles/004_f681114cb4297908/1", q="民警", headers={"Referer": results})
    assert soup.select_one(".crumbs a.back")["href"] == "/search?q=%E6%B0%91%E8%AD%A6&year=2021&page=2"
    elsewhere = page(http, "/articles/004_f681114cb4297908/1", q="民警", headers={"Referer": "http://evil.example/search?q=x"})
    assert elsewhere.select_one(".crumbs a.back")["href"] == "/search?q=%E6%B0%91%E8%AD%A6"


def test_an_article_lists_its_places_as_filters(http):
    soup = page(http, "/articles/004_f681114cb4297908/1")
    place = soup.select_one(".places a")
    assert place["href"].startswith("/search?place=")
    assert int(text(page(http, place["href"]).select_one(".summary strong"))) > 0


def test_an_article_links_its_issue_and_its_neighbours(http):
    issue = http.get(f"/api/issues/{HOSTILE_ISSUE_ID}").json()
    soup = page(http, issue["articles"][-1]["url"])
    assert soup.select_one(".crumbs a[href='/issues/2021/05/hostile-2021-05-06']")
    assert soup.select_one(".neighbours a[rel=prev]")["href"] == issue["articles"][-2]["url"]
    assert soup.select_one(".neighbours a.up")["href"] == issue["url"]
    assert not soup.select(".body mark")


def test_an_article_without_a_printed_title_says_its_title_is_the_first_sentence(http):
    issues = http.get("/api/issues").json()["issues"]
    articles = (http.get("/api" + link["url"]).json()
                for issue in issues for link in http.get("/api" + issue["url"]).json()["articles"])
    untitled = next((a for a in articles if a["title_source"] == "first_sentence"), None)
    if untitled is None:
        pytest.skip("the segmenter found a title for every sample article")
    assert "用第一句代替" in text(page(http, untitled["url"]).select_one("article header"))


def test_an_issue_page_lists_its_articles_in_order_and_the_original_text(http):
    issue = http.get(f"/api/issues/{HOSTILE_ISSUE_ID}").json()
    soup = page(http, f"/issues/{HOSTILE_ISSUE_ID}")
    assert text(soup.select_one("h1")) == "2021年5月6日 · 第3版 · 测试晚报"
    assert [a["href"] for a in soup.select(".issue-articles a")] == [a["url"] for a in issue["articles"]]
    assert soup.select_one("pre.ocr-text").text == issue["text"]
    assert soup.select_one(f"form input[name=issue][value='{HOSTILE_ISSUE_ID}']"), "search within this page"


def test_issues_are_browsed_by_date_grouped_by_month(http):
    soup = page(http, "/issues")
    months = [h2.text for h2 in soup.select(".month h2")]
    assert months[:3] == ["2021年6月", "2021年5月", "2021年2月"]
    assert len(soup.select(".issue-list li")) == 6


def test_the_help_page_explains_the_syntax_with_runnable_examples(http):
    soup = page(http, "/help")
    examples = [a["href"] for a in soup.select(".syntax a")]
    assert len(examples) >= 6 and all(href.startswith("/search?q=") for href in examples)
    for token in ('"…"', "OR", "NOT", "title:", "byline:"):
        assert token in text(soup.select_one(".syntax"))


# --- errors and safety ----------------------------------------------------------------


@pytest.mark.parametrize("params, status", [
    ({"q": "民警", "per_page": "100000"}, 400),
    ({"q": "民警", "page": "-1"}, 400),
    ({"q": "民警", "sort": "foo"}, 400),
    ({"q": "民警", "from": "2021-13-45"}, 400),
    ({"q": "民" * 501}, 413),
])
def test_bad_search_parameters_get_a_friendly_page_that_keeps_the_query(http, params, status):
    soup = page(http, "/search", status=status, **params)
    assert soup.select_one("[role=alert] h1").text == "检索式需要修改"
    assert soup.select_one("input[name=q]")["value"] == params["q"][:500]


@pytest.mark.parametrize("path", ["/articles/no/such", "/issues/nothing", "/no-such-page", "/articles/%2e%2e/x"])
def test_unknown_pages_are_a_friendly_404(http, path):
    soup = page(http, path, status=404)
    assert soup.select_one("[role=alert] h1").text == "没有找到"
    assert soup.select_one("a[href='/']")


@pytest.mark.parametrize("path", ["/", "/search?q=民警", "/articles/004_f681114cb4297908/1", "/issues", "/help",
                                  f"/issues/{HOSTILE_ISSUE_ID}"])
def test_pages_load_nothing_from_other_hosts_and_send_security_headers(http, path):
    response = http.get(path)
    soup = BeautifulSoup(response.text, "html.parser")
    for node in soup.select("[src], link[href], form[action]"):
        address = node.get("src") or node.get("href") or node.get("action")
        assert address.startswith("/") and not address.startswith("//"), address
    assert not soup.select("script, [style], [onload], [onclick]")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"]


def test_the_stylesheet_is_served_locally(http):
    response = http.get("/static/archive.css")
    assert response.status_code == 200 and "@media" in response.text


def test_a_relaxed_search_says_no_article_has_every_word(http):
    results = page(http, "/search", q="民警 AND 貉")
    assert "没有同时包含所有检索词的文章" in text(results.select_one(".relaxed"))


def test_a_result_dated_only_by_year_shows_the_year(http):
    results = page(http, "/search", q="杀猪盘")
    assert "2022年" in text(results.select_one(".results"))


def test_the_article_page_shows_the_dateline_and_the_photo_captions(http):
    hit = http.get("/api/search", params={"q": '"本报金乡讯"'}).json()["results"][0]
    soup = page(http, hit["url"])
    assert "本报金乡讯" in text(soup.select_one("article .meta"))
    assert not text(soup.select_one(".body")).startswith("本报金乡讯")
    photo_id = http.get("/api/search", params={"q": "byline:梁平妮"}).json()["results"][0]["id"]
    soup = page(http, "/articles/" + photo_id)
    captions = soup.select(".captions li")
    assert len(captions) == 1 and text(captions[0]).endswith("赵晓姮 陈康 摄")
    assert "图片说明" in text(soup.select_one("article .meta"))
