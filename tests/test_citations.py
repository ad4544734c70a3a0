"""Citations and permanent links: GB/T 7714-2015, BibTeX and RIS, checked by parsing them back.

The pure formatters are checked on the cases the standard names (several
authors, more than three, none; no paper, no page, only a year); the HTTP
endpoint and the article page's 引用 box on the real server. RIS goes back
through `rispy` (a maintained RIS reader) with the tags Zotero's RIS import
maps for a newspaper article; BibTeX through `bibtexparser`.
"""
from __future__ import annotations

import bibtexparser
import pytest
import rispy
from bs4 import BeautifulSoup

from tests.webui_fixtures import HOSTILE_ISSUE_ID
from webui.research.cite import CitedArticle, bibtex, bibtex_key, citations, gbt7714, ris

pytest_plugins = ["tests.webui_plugin"]  # the shared test archive, server and clients

URL = "http://archive.example/articles/2021/04/x/3"


def article(**changes) -> CitedArticle:
    fields = dict(id="2021/04/x/3", title="济宁：举全市之力打击治理电信诈骗", authors=("尹彤", "侯宪锋"),
                  paper="法治日报", date="2021-04-08", year=2021, page=5, url=URL)
    return CitedArticle(**{**fields, **changes})


# --- GB/T 7714-2015 -------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, "尹彤, 侯宪锋. 济宁：举全市之力打击治理电信诈骗[N]. 法治日报, 2021-04-08(5)."),
    ({"authors": ("甲", "乙", "丙", "丁")}, "甲, 乙, 丙, 等. 济宁：举全市之力打击治理电信诈骗[N]. 法治日报, 2021-04-08(5)."),
    ({"authors": ("甲", "乙", "丙")}, "甲, 乙, 丙. 济宁：举全市之力打击治理电信诈骗[N]. 法治日报, 2021-04-08(5)."),
    ({"authors": ()}, "济宁：举全市之力打击治理电信诈骗[N]. 法治日报, 2021-04-08(5)."),
    ({"paper": None}, "尹彤, 侯宪锋. 济宁：举全市之力打击治理电信诈骗[N]. 2021-04-08(5)."),
    ({"page": None}, "尹彤, 侯宪锋. 济宁：举全市之力打击治理电信诈骗[N]. 法治日报, 2021-04-08."),
    ({"date": None}, "尹彤, 侯宪锋. 济宁：举全市之力打击治理电信诈骗[N]. 法治日报, 2021(5)."),
    ({"date": None, "year": None, "page": None, "paper": None, "authors": ()}, "济宁：举全市之力打击治理电信诈骗[N]."),
], ids=["all known", "four authors", "three authors", "no author", "no paper", "no page", "year only", "title only"])
def test_gbt7714_leaves_out_what_is_unknown(changes, expected):
    assert gbt7714(article(**changes)) == expected


def test_ocr_line_breaks_inside_a_title_or_name_become_one_space():
    view = {"id": "x/1", "title": "全民攻坚\n凝聚合力", "authors": ["万艾东", " "],
            "issue": {"paper": "  ", "date": None, "year": 2022, "page": None}}
    cited = CitedArticle.of(view, URL)
    assert (cited.title, cited.authors, cited.paper, cited.year) == ("全民攻坚 凝聚合力", ("万艾东",), None, 2022)


# --- BibTeX and RIS, parsed back -----------------------------------------------------------------


def parse_bibtex(text: str) -> dict[str, str]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, library.failed_blocks
    [entry] = library.entries
    return {"ENTRYTYPE": entry.entry_type, "ID": entry.key, **{field.key: field.value for field in entry.fields}}


def test_bibtex_parses_back_with_every_known_field():
    entry = parse_bibtex(bibtex(article()))
    assert entry["ENTRYTYPE"] == "article" and entry["ID"] == "2021-04-x-3"
    assert entry["author"] == "{尹彤} and {侯宪锋}"  # braced whole: BibTeX must not split a Chinese name
    assert (entry["title"], entry["journal"], entry["date"], entry["year"], entry["month"], entry["pages"],
            entry["url"]) == ("济宁：举全市之力打击治理电信诈骗", "法治日报", "2021-04-08", "2021", "4", "5", URL)


def test_bibtex_escapes_its_special_characters_and_keeps_braces_balanced():
    entry = parse_bibtex(bibtex(article(title="100% {真} & #1_a~b$", authors=("A}B",), id="a b/{c}")))
    assert entry["title"] == r"100\% \{真\} \& \#1\_a\~b\$"
    assert entry["author"] == r"{A\}B}"
    assert entry["ID"] == bibtex_key("a b/{c}") == "a-b-c"


def test_bibtex_leaves_out_unknown_fields():
    entry = parse_bibtex(bibtex(article(authors=(), paper=None, date=None, year=None, page=None)))
    assert not {"author", "journal", "date", "year", "month", "pages"} & set(entry)


def test_ris_parses_back_as_a_newspaper_article():
    [entry] = rispy.loads(ris(article()))
    assert entry["type_of_reference"] == "NEWS"
    assert entry["authors"] == ["尹彤", "侯宪锋"]
    assert entry["title"] == "济宁：举全市之力打击治理电信诈骗"
    assert entry["secondary_title"] == "法治日报"  # T2: Zotero's publicationTitle of a newspaperArticle
    assert (entry["year"], entry["date"], entry["start_page"], entry["urls"]) == ("2021", "2021/04/08/", "5", [URL])


def test_ris_leaves_out_unknown_fields_and_keeps_one_line_per_tag():
    text = ris(article(authors=(), paper=None, date=None, page=None))
    [entry] = rispy.loads(text)
    assert not {"authors", "secondary_title", "date", "start_page"} & set(entry)
    assert all(line[2:6] == "  - " for line in text.splitlines())


# --- over HTTP ----------------------------------------------------------------------------


def hostile_article_url(http) -> str:
    return http.get(f"/api/issues/{HOSTILE_ISSUE_ID}").json()["articles"][0]["url"]


def test_the_cite_endpoint_gives_every_format_and_an_absolute_permanent_url(http, server_url):
    body = http.get("/api/articles/002_48a5c07f79fd3eae/1/cite").json()
    assert set(body) == {"url", "gbt7714", "bibtex", "ris"}
    assert body["url"] == server_url + "/articles/002_48a5c07f79fd3eae/1"
    assert body["gbt7714"] == "尹彤, 美国乐, 侯宪锋, 等. 济宁：举全市之力打击治理电信诈骗[N]. 2016."
    assert http.get(body["url"].removeprefix(server_url)).status_code == 200
    assert rispy.loads(body["ris"])[0]["urls"] == [body["url"]]
    assert parse_bibtex(body["bibtex"])["url"] == body["url"]


@pytest.mark.parametrize(("chosen", "content_type", "name"), [
    ("ris", "application/x-research-info-systems; charset=utf-8", "002_48a5c07f79fd3eae-1.ris"),
    ("bibtex", "application/x-bibtex; charset=utf-8", "002_48a5c07f79fd3eae-1.bib"),
])
def test_format_downloads_that_citation_alone(http, chosen, content_type, name):
    response = http.get("/api/articles/002_48a5c07f79fd3eae/1/cite", params={"format": chosen})
    assert response.status_code == 200 and response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.content.decode("utf-8") == http.get("/api/articles/002_48a5c07f79fd3eae/1/cite").json()[chosen]


def test_an_unknown_format_is_a_400_and_an_unknown_article_a_404(http):
    bad = http.get("/api/articles/002_48a5c07f79fd3eae/1/cite", params={"format": "endnote"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_parameter" and "bibtex" in bad.json()["error"]["message"]
    missing = http.get("/api/articles/nothing/1/cite")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_the_article_page_shows_a_cite_box_with_hostile_text_as_text(http, server_url):
    url = hostile_article_url(http)
    soup = BeautifulSoup(http.get(url).text, "html.parser")
    box = soup.select_one("section.cite")
    assert not box.select("script, img, b")
    assert "<script>alert(1)</script>" in box.select_one(".citation").text
    assert box.select_one(".permalink a")["href"] == server_url + url
    downloads = {a.text: a["href"] for a in box.select(".downloads a")}
    assert downloads["RIS"] == f"/api{url}/cite?format=ris"
    ris_text = http.get(downloads["RIS"]).content.decode("utf-8")
    assert rispy.loads(ris_text)[0]["title"].startswith("警惕<script>")
