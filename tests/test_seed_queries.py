"""The evaluation queries of ../shared/eval/seed_queries.json, against the real index of data/issues.

Each case says what a correct archive returns: an issue among the first N
results, a title, a minimum total, a text marked whole in the snippet.
`MORE_CASES` are ours, in the same format, for what we found on the way.
"""
from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.solr_fixtures import indexed_on
from indexer.api import Engine, SearchRequest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "eval" / "seed_queries.json"

MORE_CASES = [
    {"q": "人民共和国", "expect": {"min_total": 1}, "why": "part of 中华人民共和国"},
    {"q": "726名", "expect": {"issue": "003_24cd6c31f59ac330", "in_top": 1, "mark": "726名"},
     "why": "numbers are kept, with the character after them"},
    {"q": "詐騙", "expect": {"min_total": 5}, "why": "traditional characters find simplified text (all 5 pages say 诈骗)"},
    {"q": "１７００余起", "expect": {"issue": "002_48a5c07f79fd3eae", "in_top": 1}, "why": "full-width digits"},
    {"q": "犯罪团伙 杀猪盘", "expect": {"issue": "004_f681114cb4297908", "in_top": 1}},
    {"q": "反诈中心 -金乡", "expect": {"issue": "001_6457ba5cca22f5f1", "in_top": 1}},
    {"q": "title:(醉驾 OR 袭警)", "expect": {"min_total": 2}},
]


def load_cases() -> list[dict]:
    seeds = json.loads(SEEDS.read_text(encoding="utf-8"))["cases"] if SEEDS.is_file() else []
    return seeds + MORE_CASES


pytest_plugins = ["tests.solr_plugin"]


@pytest.fixture(scope="module", params=["local", "solr"])
def archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The sample issues indexed on each engine (Solr: a collection of the session's SolrCloud)."""
    root = tmp_path_factory.mktemp("seeds")
    shutil.copytree(REPO / "data" / "issues", root / "issues")
    index = indexed_on(request, root, "seeds")
    yield index
    index.close()


@pytest.mark.parametrize("case", load_cases(), ids=lambda case: case["q"])
def test_seed_query(archive: Engine, case: dict) -> None:
    expect = case["expect"]
    results = archive.search(SearchRequest(case["q"], per_page=max(10, expect.get("in_top", 10))))
    top = results.results[: expect.get("in_top", 10)]
    if "min_total" in expect:
        assert results.total >= expect["min_total"]
    if "issue" in expect:
        assert any(hit.issue.id == expect["issue"] for hit in top), [hit.issue.id for hit in top]
    if "title_has" in expect:
        assert any(expect["title_has"] in hit.title for hit in top), [hit.title for hit in top]
    if "mark" in expect:
        wanted = [hit for hit in top if hit.issue.id == expect.get("issue", hit.issue.id)]
        assert any(f"<mark>{expect['mark']}</mark>" in hit.snippet for hit in wanted)


def test_the_seed_file_is_read() -> None:
    if not SEEDS.is_file():
        pytest.skip("../shared/eval/seed_queries.json is not beside this checkout")
    assert len(load_cases()) > len(MORE_CASES)
