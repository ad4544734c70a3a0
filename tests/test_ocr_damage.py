"""People's Daily pages damaged the way OCR damages them still split into their articles.

A bounded sample of ../shared/corpus/pd1998-early (every eighth page); the
whole corpus is measured by `python -m bench.title_recall`.
"""
from __future__ import annotations

import random

import pytest

from bench.title_recall import DamageStyle, GoldArticle, corpus_dir, gold_pages, measure_page, render_page

SAMPLE_STRIDE = 8
# Measured on the sample; the full corpus reaches about the same (see the bench).
MIN_SAMPLE_RECALL = 0.9


@pytest.fixture(scope="module")
def pages() -> dict[str, list[GoldArticle]]:
    if not (corpus_dir() / "articles.jsonl").is_file():
        pytest.skip("../shared/corpus/pd1998-early is not beside this checkout")
    return gold_pages(corpus_dir())


def test_the_render_damages_the_way_ocr_does() -> None:
    body = "同胞们、朋友们：在１９９８年来临之际，我十分高兴地向大家致以问候和良好的祝愿。"
    articles = [GoldArticle("迈向充满希望的新世纪", (body,))]
    title, lines = render_page(articles, DamageStyle(14, False, False, True), random.Random(0)).split("\n\n")
    assert title == "迈向充满希望的新世纪"
    assert "".join(lines.split()) == body
    assert all(len(line) <= 15 and line[0] not in "，。、：" for line in lines.split())
    spaced = render_page(articles, DamageStyle(14, True, True, False), random.Random(0))
    assert spaced.endswith(" 迈向充满希望的新世纪\n同胞们、朋友们：在１９９８年 来临之际，我十分高兴地向大家 致以问候和良好的祝愿。\n")
    assert spaced.startswith("#")


def test_damaged_pages_give_back_their_titles(pages: dict[str, list[GoldArticle]]) -> None:
    sample = sorted(pages)[::SAMPLE_STRIDE]
    results = [measure_page(page, pages[page]) for page in sample]
    titled = sum(r.titled for r in results)
    found = sum(r.titles_found for r in results)
    missed = [title for r in results for title in r.missed]
    assert found / titled >= MIN_SAMPLE_RECALL, missed
    assert len({r.style.name for r in results}) >= 4  # the sample covers several kinds of damage
