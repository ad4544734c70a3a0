"""An editor in real headless Chromium: log in, correct a paragraph, see the diff, save, search finds
it (and the article page its original), revert, search no longer finds it.

Runs on a server of its own (the test changes the archive), with the
editors of tests/test_corrections_http.py. The screenshot of the preview
goes to tests/artifacts/correction-preview.png.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest

from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, playwright_api
# The fixtures are module-scoped: imported here, they give this module a server and archive of its own.
from tests.test_corrections_http import archive_dir, server  # noqa: F401
from tests.test_corrections_http import ARTICLE, PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def tab(server: str) -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make browser)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=server, locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.loaded, page.errors = [], []
        page.on("request", lambda request: page.loaded.append(request.url))
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
        yield page
        browser.close()


def test_an_editor_corrects_an_article_and_reverts_it(tab, server):
    tab.goto(f"/articles/{ARTICLE}")
    tab.get_by_role("link", name="校对", exact=True).click()
    tab.wait_for_url("**/login?next=**")
    tab.get_by_label("用户名").fill("wang")
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="登录").click()
    tab.wait_for_url(f"**/articles/{ARTICLE}/edit")

    paragraph = tab.get_by_label("第 2 段")
    original = paragraph.input_value()
    paragraph.fill(original[:10] + "（浏览器校对）" + original[10:])
    tab.get_by_role("button", name="预览改动").click()
    tab.wait_for_load_state()
    assert tab.locator(".preview ins").inner_text() == "（浏览器校对）"
    assert "第 2 段" in tab.locator(".preview").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "correction-preview.png"), full_page=False)

    tab.get_by_role("button", name="保存").click()
    tab.wait_for_url(f"**/articles/{ARTICLE}?saved=**")
    assert "检索已能找到" in tab.locator(".saved-notice").inner_text()
    assert "（浏览器校对）" in tab.locator(".body").inner_text()

    tab.goto("/search?q=" + quote('"浏览器校对"'))
    results = tab.locator(".hit")
    assert results.count() == 1 and "浏览器校对" in results.first.locator("mark").first.inner_text()
    results.first.get_by_role("link").first.click()
    tab.wait_for_url(f"**/articles/{ARTICLE}**")
    tab.get_by_role("link", name="原始识别文字").click()
    assert tab.locator("details#original").get_attribute("open") is not None
    assert original[:10] in tab.locator("details#original").inner_text()

    tab.goto(f"/articles/{ARTICLE}/history")
    assert "（浏览器校对）" in tab.locator(".history li").first.inner_text()
    tab.get_by_role("button", name="撤销这条").first.click()
    tab.wait_for_url(f"**/articles/{ARTICLE}/history")
    assert "撤销了" in tab.locator(".history li").first.inner_text()
    assert tab.get_by_role("button", name="撤销这条").count() == 1, "only the revert itself can still be undone"

    tab.goto(f"/articles/{ARTICLE}/edit")
    assert tab.get_by_label("第 2 段").input_value() == original
    tab.goto("/search?q=" + quote('"浏览器校对"'))
    assert tab.locator(".hit").count() == 0, "reverted: search no longer finds it"
    assert all(url.startswith(server) for url in tab.loaded), "nothing from other hosts"
    assert not tab.errors, tab.errors
