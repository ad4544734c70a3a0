"""The `archive` command as a user runs it: real data directory, real index, real exit codes."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from webui import create_app

SEEDS = Path(__file__).resolve().parents[1] / "data" / "issues"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample issues plus one broken file, indexed once by `archive reindex`."""
    data = tmp_path_factory.mktemp("cli-data")
    shutil.copytree(SEEDS, data / "issues")
    (data / "issues" / "broken.txt").write_bytes(b"\x00\x01\x02\xff" * 64)
    result = run(data, "reindex")
    assert result.exit_code == 0, result.output
    return data


def run(data: Path, *args: str):
    return CliRunner(mix_stderr=False).invoke(main, ["--data", str(data), *args], catch_exceptions=False)


def test_reindex_prints_one_summary_line_and_names_the_broken_file(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "issues")
    (tmp_path / "issues" / "empty.txt").write_bytes(b"")
    result = run(tmp_path, "reindex")
    assert result.exit_code == 0
    summary = result.stdout.strip().splitlines()
    assert len(summary) == 1 and summary[0].startswith("added 5, updated 0, removed 0")
    assert "chars/s" in summary[0]
    assert "empty.txt" in result.stderr


def test_reindex_twice_changes_nothing(data_dir: Path) -> None:
    result = run(data_dir, "reindex")
    assert result.exit_code == 0
    assert result.stdout.startswith("added 0, updated 0, removed 0, unchanged 5")


def test_stats_json_counts_issues_articles_and_failures(data_dir: Path) -> None:
    result = run(data_dir, "stats", "--json")
    assert result.exit_code == 0
    stats = json.loads(result.stdout)
    assert stats["issues"] == 5
    assert stats["articles"] >= 25
    assert [f["path"] for f in stats["failed"]] == ["issues/broken.txt"]
    assert stats["failed"][0]["reason"]


def test_stats_text_lists_the_failed_file_with_why(data_dir: Path) -> None:
    result = run(data_dir, "stats")
    assert "issues:     5" in result.stdout
    assert "broken.txt:" in result.stdout


def test_search_prints_ranked_results_with_marked_matches(data_dir: Path) -> None:
    result = run(data_dir, "search", "杀猪盘", "--limit", "3")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[0].isdigit() and "results" in lines[0]
    assert "【杀猪盘】" in result.stdout  # piped output marks matches with brackets, no HTML
    assert "<mark>" not in result.stdout


def test_search_json_is_the_api_object(data_dir: Path) -> None:
    cli = json.loads(run(data_dir, "search", '"电信网络诈骗"', "--json").stdout)
    api = create_app({"DATA_DIR": data_dir}).test_client().get("/api/search", query_string={"q": '"电信网络诈骗"'})
    expected = api.get_json()
    for body in (cli, expected):
        body.pop("took_ms")
    assert cli == expected
    assert cli["total"] >= 4


@pytest.mark.parametrize("query", ['"电信', "(民警", "title:"])
def test_a_bad_query_exits_2_with_one_line_on_stderr(data_dir: Path, query: str) -> None:
    for extra in ([], ["--json"]):
        result = run(data_dir, "search", query, *extra)
        assert result.exit_code == 2, (query, extra, result.output)
        assert len(result.stderr.strip().splitlines()) == 1
        assert result.stdout == ""


@pytest.mark.parametrize("dates", [["--from", "2021-4-8"], ["--from", "2021-13-45"], ["--to", "2021-02-30"]])
def test_a_malformed_date_is_bad_usage(data_dir: Path, dates: list[str]) -> None:
    for extra in ([], ["--json"]):
        result = run(data_dir, "search", "民警", *dates, *extra)
        assert result.exit_code == 2, (dates, extra, result.output)
        assert "YYYY-MM-DD" in result.stderr


def test_a_date_range_that_ends_before_it_starts_is_bad_usage(data_dir: Path) -> None:
    result = run(data_dir, "search", "民警", "--from", "2022-01-01", "--to", "2021-01-01")
    assert result.exit_code == 2
    assert "2022-01-01" in result.stderr


def test_add_copies_and_indexes_then_refuses_a_different_file_of_the_same_name(
    data_dir: Path, tmp_path: Path
) -> None:
    new = tmp_path / "2023-05-06_02.txt"
    new.write_text("新闻标题示例\n\n某某县公安局破获一起独角兽诈骗案，抓获嫌疑人3名。\n", encoding="utf-8")
    result = run(data_dir, "add", str(new))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("added 1")
    assert (data_dir / "issues" / new.name).read_bytes() == new.read_bytes()
    found = json.loads(run(data_dir, "search", "独角兽", "--json").stdout)
    assert found["total"] == 1 and found["results"][0]["issue"]["date"] == "2023-05-06"

    new.write_text("另一份不同的文件\n\n内容完全不同。\n", encoding="utf-8")
    refused = run(data_dir, "add", str(new))
    assert refused.exit_code == 1
    assert new.name in refused.stderr
    replaced = run(data_dir, "add", "--replace", str(new))
    assert replaced.exit_code == 0, replaced.output
    assert json.loads(run(data_dir, "search", "独角兽", "--json").stdout)["total"] == 0
