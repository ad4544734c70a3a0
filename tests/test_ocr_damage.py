"""People's Daily and CCTV pages damaged the way OCR damages them still split into their articles.

A bounded sample rendered by bench.renders (every second page the splitter's
model was not trained on, and every twentieth CCTV day it was not trained on);
the whole sets are measured by `python -m bench.title_recall` (docs/splitting.md).
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from archive.issues import read_issue
from bench.corpus import shared_dir
from bench.renders import STYLES, SourceArticle, pd1998_heldout_pages, render, render_page, xwlb_pages
from bench.title_recall import Figures, score_split, split_set

SAMPLE_STRIDE = 2
# Measured on the samples (docs/splitting.md gives the whole sets); the floors leave room for a page or two.
MIN_RECALL = 0.95
MAX_COUNT_ERROR = 0.08
MIN_BYLINES = 0.95


@pytest.fixture(scope="module")
def corpus() -> Path:
    try:
        return shared_dir() / "corpus"
    except FileNotFoundError:
        pytest.skip("../shared/corpus is not beside this checkout")


def test_the_render_damages_the_way_split_dev_does() -> None:
    body = "同胞们、朋友们：在１９９８年来临之际，我十分高兴地向大家致以问候和良好的祝愿。"
    articles = [SourceArticle("迈向充满希望的新世纪", (body,))] * 4
    pages = {style: render_page("19980101-01", articles, random.Random(seed)) for seed, style in
             ((seed, render_page("19980101-01", articles, random.Random(seed)).gold["style"]) for seed in range(40))}
    assert set(pages) == set(STYLES)
    assert pages["md"].text.startswith("# 迈向充满希望的新世纪")
    for block in pages["wrap"].text.strip().split("\n\n"):
        lines = [line for line in block.split("\n") if not line.startswith(("迈向", "□", "本报记者"))]
        assert len({len(line) for line in lines[:-1]}) <= 1  # cut every N characters, the last line shorter
    spaced = pages["spaced"].text.split("\n\n")[1]
    assert " " in spaced and "".join(spaced.split()) == body
    for page in pages.values():
        assert all(name in page.text.replace(" ", "") for byline in page.bylines for name in byline["names"])


@pytest.mark.slow
@pytest.mark.parametrize("source", ["pd1998-heldout", "xwlb"])
def test_damaged_pages_give_back_titles_articles_and_bylines(corpus: Path, source: str, tmp_path: Path) -> None:
    pages = pd1998_heldout_pages() if source == "pd1998-heldout" else xwlb_pages(stride=20)
    sample = dict(sorted(pages.items())[::SAMPLE_STRIDE] if source == "pd1998-heldout" else sorted(pages.items()))
    gold = render(sample, tmp_path, "test")
    assert len({page["style"] for page in gold["pages"].values()}) >= 3  # several kinds of damage
    figures = Figures(source)
    split, _ = split_set(tmp_path / "pages")
    score_split(figures, gold, split)
    found, titles = figures.titles
    split_n, gold_n = figures.count
    good, bylines = figures.bylines
    assert found / titles >= MIN_RECALL, figures.failures["title"]
    assert abs(split_n - gold_n) / gold_n <= MAX_COUNT_ERROR, figures.failures["count"]
    assert good / bylines >= MIN_BYLINES, figures.failures["byline"]
    assert read_issue(next((tmp_path / "pages").glob("*.txt")), tmp_path / "pages").text.strip()
