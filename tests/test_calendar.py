"""Browse by date: `/calendar`, `/calendar/<year>`, a day's page, and the coverage on the start page."""
from __future__ import annotations

from bs4 import BeautifulSoup

from webui.research.calendar import coverage, day_issues, year_calendar

pytest_plugins = ["tests.webui_plugin"]  # the shared test archive, server and clients


def issue(id_: str, date: str | None, year: int | None = None, page: int | None = None) -> dict:
    return {"id": id_, "date": date, "year": year or (int(date[:4]) if date else None), "page": page,
            "paper": None, "articles": 3, "url": f"/issues/{id_}"}


ISSUES = [issue("a", "1998-01-01", page=2), issue("b", "1998-01-01", page=1), issue("c", "1998-03-31"),
          issue("d", "2021-06-03"), issue("e", None, 2021), issue("f", None)]


def test_coverage_gives_first_and_last_day_and_issues_per_year():
    assert coverage(ISSUES) == {
        "issues": 6, "first": "1998-01-01", "last": "2021-06-03",
        "years": [{"year": 1998, "issues": 3, "url": "/calendar/1998"}, {"year": 2021, "issues": 2, "url": "/calendar/2021"}],
        "undated": 2,
    }


def test_a_year_is_twelve_month_grids_starting_on_monday_with_links_on_days_with_issues():
    year = year_calendar(ISSUES, 1998)
    assert year["issues"] == 3 and len(year["months"]) == 12
    january = year["months"][0]
    assert january["issues"] == 2
    first_week = january["weeks"][0]
    assert first_week[:3] == [None, None, None]  # 1 January 1998 was a Thursday
    assert first_week[3] == {"day": 1, "date": "1998-01-01", "issues": 2, "url": "/calendar/1998/01/01"}
    assert first_week[4]["url"] is None
    assert [e["id"] for e in year_calendar(ISSUES, 2021)["year_only"]] == ["e"]


def test_a_days_issues_come_in_page_order():
    assert [i["id"] for i in day_issues(ISSUES, "1998-01-01")] == ["b", "a"]


def test_the_pages_and_their_json_twins(http):
    soup = BeautifulSoup(http.get("/calendar").text, "html.parser")
    years = {a.text: a["href"] for a in soup.select(".coverage-years a")}
    assert years == {"2016年": "/calendar/2016", "2020年": "/calendar/2020", "2021年": "/calendar/2021",
                     "2022年": "/calendar/2022"}
    api = http.get("/api/calendar").json()
    assert (api["first"], api["last"]) == ("2021-02-03", "2021-06-03")

    year = BeautifulSoup(http.get("/calendar/2021").text, "html.parser")
    days = [a["href"] for a in year.select(".month-grid a")]
    assert days == ["/calendar/2021/02/03", "/calendar/2021/05/06", "/calendar/2021/06/03"]
    assert year.select_one("a[rel=prev]")["href"] == "/calendar/2020"
    assert http.get("/api/calendar/2021").json()["issues"] == 3
    assert [i["id"] for i in http.get("/api/calendar/2016").json()["year_only"]] == ["002_48a5c07f79fd3eae"]

    day = BeautifulSoup(http.get("/calendar/2021/05/06").text, "html.parser")
    assert [a["href"] for a in day.select(".issue-list a")] == ["/issues/2021/05/hostile-2021-05-06"]
    assert "第3版 · 测试晚报" in day.select_one(".issue-list a").text
    assert http.get("/api/calendar/2021/05/06").json()["issues"][0]["id"] == "2021/05/hostile-2021-05-06"


def test_days_and_years_that_do_not_exist_are_404(http):
    for path in ("/calendar/2021/02/30", "/calendar/0", "/calendar/99999", "/calendar/2021/13/01", "/calendar/abc",
                 "/api/calendar/2021/02/29", "/api/calendar/10000"):
        assert http.get(path).status_code == 404, path
    empty = BeautifulSoup(http.get("/calendar/1990").text, "html.parser")
    assert "没有收录" in empty.text


def test_the_start_page_shows_the_coverage_by_year(http):
    soup = BeautifulSoup(http.get("/").text, "html.parser")
    assert [a["href"] for a in soup.select(".coverage-years a")][:1] == ["/calendar/2016"]
    assert soup.select_one(".site-nav a[href='/calendar']")
