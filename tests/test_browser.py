"""A reader in real headless Chromium: search, read, come back, narrow, page on.

Screenshots of the results and article pages go to tests/artifacts/
(results.png, article.png) for a reviewer to look at.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest

from tests.webui_fixtures import HOSTILE_ISSUE_ID

pytest_plugins = ["tests.webui_plugin"]  # the shared test archive, server and clients

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make browser)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, server_url):
    """`open_page(path, **context_options)` → a fresh tab on the test server that records what it loads."""
    contexts = []

    def open_(path: str, **options):
        context = browser.new_context(base_url=server_url, locale="zh-CN", **options)
        contexts.append(context)
        tab = context.new_page()
        tab.loaded, tab.dialogs, tab.errors = [], [], []
        tab.on("request", lambda request: tab.loaded.append(request.url))
        tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
        tab.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
        tab.goto(path)
        return tab

    yield open_
    for context in contexts:
        context.close()


def in_viewport(tab, selector: str) -> bool:
    box = tab.locator(selector).bounding_box()
    viewport = tab.viewport_size
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"]


def test_search_read_an_article_and_come_back(open_page, server_url):
    tab = open_page("/", viewport={"width": 1280, "height": 900})
    tab.get_by_role("searchbox").fill("民警")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/search?q=*")
    assert tab.locator(".summary").inner_text().startswith("找到")
    assert tab.locator(".hit .snippet mark").first.inner_text() == "民警"
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "results.png"))

    title = tab.locator(".hit h2 a").first.inner_text()
    tab.locator(".hit h2 a").first.click()
    tab.wait_for_url("**/articles/**#first-match")
    assert tab.locator("h1").inner_text() == title
    assert tab.locator("mark#first-match").inner_text() == "民警"
    assert in_viewport(tab, "mark#first-match"), "the first match is scrolled into view"
    tab.screenshot(path=str(ARTIFACTS / "article.png"))

    tab.go_back()
    tab.wait_for_url("**/search?q=*")
    assert tab.get_by_role("searchbox").input_value() == "民警"
    assert tab.locator(".hit h2 a").first.inner_text() == title
    assert all(url.startswith(server_url) for url in tab.loaded), "nothing from other hosts"
    assert not tab.errors


def test_apply_a_facet_then_remove_it(open_page):
    tab = open_page("/search?q=民警")
    year = tab.locator(".facet li").first
    label, count = year.locator("a").inner_text(), year.locator(".count").inner_text()
    year.locator("a").click()
    tab.wait_for_url("**year=*")
    assert f"找到 {count} 篇文章" in tab.locator(".summary").inner_text()
    chip = tab.locator(".active-filters a")
    assert label in chip.inner_text()
    chip.click()
    tab.wait_for_load_state()
    assert tab.locator(".active-filters").count() == 0


def test_page_forward_and_sort_by_date(open_page):
    tab = open_page("/search?q=民警")
    first_page_titles = tab.locator(".hit h2").all_inner_texts()
    tab.get_by_role("link", name="下一页 ›").click()
    tab.wait_for_url("**page=2*")
    assert "第 2 /" in tab.locator(".pager .where").inner_text()
    assert not set(first_page_titles) & set(tab.locator(".hit h2").all_inner_texts())
    tab.get_by_role("link", name="最新在前").click()
    tab.wait_for_url("**sort=date*")
    assert "第 1 /" in tab.locator(".pager .where").inner_text(), "a new order starts on page 1"


def test_everything_works_without_javascript(open_page):
    tab = open_page("/", java_script_enabled=False)
    tab.get_by_role("searchbox").fill('"电信网络诈骗"')
    tab.get_by_role("button", name="检索").click()
    tab.wait_for_url("**/search?q=*")
    assert tab.locator(".hit").count() >= 4
    tab.locator(".hit h2 a").first.click()
    tab.wait_for_url("**#first-match")
    assert tab.locator("mark#first-match").count() == 1
    assert in_viewport(tab, "mark#first-match"), "the URL fragment scrolls without any script"


@pytest.mark.parametrize("path", ["/search?q=民警", "/articles/004_f681114cb4297908/1?q=杀猪盘", "/issues",
                                  f"/issues/{HOSTILE_ISSUE_ID}", "/help"])
def test_pages_fit_a_phone_screen(open_page, path):
    tab = open_page(path, viewport={"width": 375, "height": 740}, is_mobile=True)
    overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"


def test_hostile_text_never_runs(open_page):
    tab = open_page(f"/issues/{HOSTILE_ISSUE_ID}")
    tab.locator(".issue-articles a").first.click()
    tab.wait_for_load_state()
    assert "<script>alert(1)</script>" in tab.locator("h1").inner_text()
    tab.goto("/search?q=假高亮")
    assert tab.locator(".hit mark").all_inner_texts() == ["假高亮"]
    assert tab.dialogs == []


@pytest.mark.parametrize("path, shot", [("/calendar/2021", "calendar-phone.png"),
                                        ("/articles/002_48a5c07f79fd3eae/1", "cite-phone.png")])
def test_the_calendar_and_the_cite_box_fit_a_phone(open_page, path, shot):
    """At 360 px nothing runs off the side: month grids wrap to one column, long citations and URLs break."""
    tab = open_page(path, viewport={"width": 360, "height": 740})
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360
    assert not tab.errors and all(url.startswith(tab.url.split("/", 3)[0] + "//" + tab.url.split("/")[2]) for url in tab.loaded)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / shot), full_page=True)
