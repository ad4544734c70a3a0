"""Export: every match as CSV or JSON Lines, streamed in constant memory, from the API and the CLI.

The big archive is generated here: 10,200 short articles in 204 issue
files, all mentioning 民警, so one query matches more than 10,000.
"""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner
from flask import request
from flask.testing import FlaskClient

from archive.cli import main
from tests.hardening_fixtures import app_client
from tests.research_fixtures import indexed_archive
from webui.research.context import export_stream

pytest_plugins = ["tests.webui_plugin"]  # the shared test archive, server and clients

ISSUES, PER_ISSUE = 204, 50


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pages = {}
    for n in range(ISSUES):
        day = f"2021-{1 + n // 28:02d}-{1 + n % 28:02d}"
        articles = "\n\n".join(f"# 第{n}期第{i}篇：社区安全简讯\n\n民警在第{n * PER_ISSUE + i}号路口执勤，提醒市民出行注意安全。"
                               for i in range(PER_ISSUE))
        pages[f"{day}_{n % 3 + 1:02d}"] = f"paper: 测试晚报\n\n{articles}\n"
    return indexed_archive(tmp_path_factory.mktemp("big-archive"), pages)


@pytest.fixture(scope="module")
def big_client(big_archive: Path) -> Iterator[FlaskClient]:
    with app_client(big_archive) as client:
        yield client


def stream(app, params: dict) -> tuple[int, int, int]:
    """(rows, bytes made, peak bytes allocated while making them) of one export, its dates checked
    newest first: the lines `/api/export` sends, made by the same code in this process (the test
    client's own buffering would be measured otherwise). Traced from the first line to the last:
    the match list itself (16 bytes a match) is the search's, made before and cached by it."""
    with app.test_request_context("/api/export", query_string=params):
        _, _, lines = export_stream(request.args, "http://archive.example")
        tracemalloc.start()
        try:
            size, rows, newest = 0, 0, "9999"
            for line in lines:
                size += len(line.encode("utf-8"))
                day = json.loads(line)["date"]
                assert day <= newest  # newest first, as sort=date lists them
                newest, rows = day, rows + 1
            return rows, size, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_over_ten_thousand_matches_stream_in_constant_memory(big_client):
    """Memory while streaming is a batch of articles, whatever the export's length: five times
    the rows take no more memory than a fifth of them, and far less than what was sent."""
    params = {"q": "民警", "format": "jsonl", "fields": "text", "sort": "date"}
    rows, size, peak = stream(big_client.application, params)
    assert rows == ISSUES * PER_ISSUE > 10_000
    few_rows, _, few_peak = stream(big_client.application, {**params, "to": "2021-02-15"})
    assert 1_000 < few_rows < rows / 4
    assert peak < 1.5 * few_peak + 100_000, (peak, few_peak)
    assert peak < size / 4, f"peak {peak:,} bytes while streaming {size:,}: the export was held in memory"
    ids = [line.split(",", 1)[0] for line in big_client.get("/api/export", query_string={"q": "民警"}).data.decode(
        "utf-8-sig").splitlines()[1:]]
    assert len(ids) == len(set(ids)) == rows  # every match exactly once


def test_csv_opens_in_excel_and_matches_the_search(big_client):
    response = big_client.get("/api/export", query_string={"q": "第7期第3篇", "format": "csv"})
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].endswith("filename*=UTF-8''%E7%AC%AC7%E6%9C%9F%E7%AC%AC3%E7%AF%87.csv")
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeffid,title,")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    hits = big_client.get("/api/search", query_string={"q": "第7期第3篇", "per_page": 100}).json
    assert len(rows) == hits["total"] >= 1
    assert rows[0]["title"] == hits["results"][0]["title"] and rows[0]["paper"] == "测试晚报"
    assert rows[0]["url"] == "http://localhost" + hits["results"][0]["url"]


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"q": "民警", "format": "xlsx"}, 400, "bad_parameter"),
    ({"q": "民警", "fields": "all"}, 400, "bad_parameter"),
    ({"q": "(民警"}, 400, "bad_query"),
    ({"q": "民警", "sort": "score"}, 400, "bad_parameter"),
    ({}, 400, "bad_parameter"),
    ({"q": "民" * 501}, 413, "query_too_long"),
])
def test_bad_requests_are_refused_before_any_line(http, params, status, code):
    response = http.get("/api/export", params=params)
    assert response.status_code == status and response.json()["error"]["code"] == code


def test_the_real_server_streams_a_download_with_filters_and_hostile_text_intact(http, server_url):
    response = http.get("/api/export", params={"q": "假高亮", "format": "csv", "year": "2021"})
    assert response.status_code == 200
    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert row["title"].startswith("警惕<script>") and row["url"].startswith(server_url + "/articles/")


def test_every_results_page_links_its_exports(http):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(http.get("/search", params={"q": "民警", "sort": "date", "page": "2"}).text, "html.parser")
    links = [a["href"] for a in soup.select(".research-links a[download]")]
    assert links == ["/api/export?q=%E6%B0%91%E8%AD%A6&sort=date&format=csv",
                     "/api/export?q=%E6%B0%91%E8%AD%A6&sort=date&format=jsonl",
                     "/api/export?q=%E6%B0%91%E8%AD%A6&sort=date&format=csv&fields=text"]


def test_the_cli_writes_the_same_rows_as_the_api(big_archive, big_client, tmp_path):
    output = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["--data", str(big_archive), "export", "第9期", "--format", "jsonl",
                                       "--output", str(output), "--sort", "date"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    cli_rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    api_rows = [json.loads(line) for line in big_client.get(
        "/api/export", query_string={"q": "第9期", "format": "jsonl", "sort": "date"}).data.decode().splitlines()]
    assert len(cli_rows) == PER_ISSUE
    assert [{**row, "url": "http://localhost" + row["url"]} for row in cli_rows] == api_rows


def test_the_cli_writes_csv_to_standard_output_and_refuses_a_bad_query(big_archive):
    archive = str(Path(sys.executable).parent / "archive")
    done = subprocess.run([archive, "--data", str(big_archive), "export", "第11期第2篇"], capture_output=True)
    assert done.returncode == 0 and done.stdout.startswith("\ufeffid,".encode()) and b"\r\n" in done.stdout
    bad = subprocess.run([archive, "--data", str(big_archive), "export", "(民警"], capture_output=True, text=True)
    assert bad.returncode == 2 and "括号" in bad.stderr
