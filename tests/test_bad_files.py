"""Bad files in DATA/issues/: the reindex finishes, names each failure and why, and indexes the rest.

One archive holds two sample pages and every kind of bad file at once
(tests/hardening_fixtures.py BAD_FILES): binary, empty, only punctuation,
a GB18030 file cut off mid-character, a GBK page, a 1,000,000-character
line, a name with spaces, brackets and Chinese. It is indexed once by the
real `archive reindex`; the failures must then show up alike on the command
line, in `archive stats --json` and in `/api/health`. Rarer faults (a 50 MB
file, a file name that is not UTF-8, a file deleted mid-reindex) get an
archive of their own.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from tests.reindex_fixtures import reindex
from tests.hardening_fixtures import BAD_FILES, app_client, LONG_LINE_MARKER, write_big_file, write_files
from tests.reindex_fixtures import SAMPLES, run_archive

REFUSED = [bad for bad in BAD_FILES if bad.reason]
INDEXED = [bad for bad in BAD_FILES if not bad.reason]


def issue_id(name: str) -> str:
    return name.rsplit(".", 1)[0]


def make_data_dir(root: Path) -> Path:
    """root/issues/ with two sample pages: the good files that must survive their bad neighbours."""
    (root / "issues").mkdir(parents=True)
    for sample in SAMPLES[:2]:
        shutil.copy(sample, root / "issues" / sample.name)
    return root


@pytest.fixture(scope="module")
def bad_archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    data = make_data_dir(tmp_path_factory.mktemp("bad-files"))
    write_files(data / "issues", BAD_FILES)
    return data, run_archive(data, "reindex")


@pytest.fixture(scope="module")
def client(bad_archive: tuple[Path, subprocess.CompletedProcess]) -> Iterator[FlaskClient]:
    with app_client(bad_archive[0]) as client:
        yield client


def search_ids(client: FlaskClient, q: str) -> set[str]:
    response = client.get("/api/search", query_string={"q": q, "per_page": 100})
    assert response.status_code == 200, response.json
    return {hit["issue"]["id"] for hit in response.json["results"]}


def test_the_reindex_finishes_and_names_each_refused_file_with_its_reason(bad_archive):
    _, result = bad_archive
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"added {len(SAMPLES[:2]) + len(INDEXED)},"), result.stdout
    for bad in REFUSED:
        lines = [line for line in result.stderr.splitlines() if bad.name in line]
        assert lines and bad.reason in lines[0], f"{bad.name} not reported with '{bad.reason}':\n{result.stderr}"
    assert "Traceback" not in result.stderr


def test_stats_lists_every_refused_file_with_its_reason(bad_archive):
    data, _ = bad_archive
    result = run_archive(data, "stats", "--json")
    assert result.returncode == 0, result.stderr
    failed = {Path(f["path"]).name: f["reason"] for f in json.loads(result.stdout)["failed"]}
    assert set(failed) == {Path(bad.name).name for bad in REFUSED}
    for bad in REFUSED:
        assert bad.reason in failed[Path(bad.name).name]


def test_health_lists_the_same_failures(client, bad_archive):
    data, _ = bad_archive
    stats = json.loads(run_archive(data, "stats", "--json").stdout)
    health = client.get("/api/health").json
    assert health["status"] == "ok"
    assert health["failed"] == stats["failed"]
    assert health["issues"] == len(SAMPLES[:2]) + len(INDEXED)


@pytest.mark.parametrize("bad", INDEXED, ids=lambda bad: bad.name)
def test_every_readable_file_is_indexed_and_findable(client, bad):
    assert issue_id(bad.name) in search_ids(client, bad.finds)


def test_the_good_pages_beside_the_bad_ones_are_all_indexed(client):
    issues = {issue["id"] for issue in client.get("/api/issues", query_string={"per_page": 100}).json["issues"]}
    assert {sample.stem for sample in SAMPLES[:2]} <= issues


def test_a_gbk_page_reads_right(client):
    hit = client.get("/api/search", query_string={"q": "珊瑚色的海马"}).json["results"][0]
    article = client.get("/api" + hit["url"]).json
    assert article["title"] == "国企改革"
    assert "朱镕基总理强调，国有企业改革要取得新进展。珊瑚色的海马" in "".join(article["paragraphs"])


def test_the_whole_of_a_million_character_line_is_indexed(client):
    hit = client.get("/api/search", query_string={"q": LONG_LINE_MARKER}).json["results"][0]
    assert f"<mark>{LONG_LINE_MARKER}</mark>" in hit["snippet"]


def test_a_name_with_spaces_brackets_and_chinese_opens_as_issue_page_and_article(client):
    name = next(bad.name for bad in INDEXED if " " in bad.name)
    issue = client.get("/api/issues/" + quote(issue_id(name)))
    assert issue.status_code == 200, issue.json
    article_url = issue.json["articles"][0]["url"]
    assert client.get(article_url).status_code == 200
    assert client.get("/issues/" + quote(issue_id(name))).status_code == 200


def test_a_file_name_that_is_not_utf8_is_reported_and_the_rest_indexed(tmp_path):
    """A name in GBK bytes, as unzipped from a Windows archive: one bad name must not stop the reindex."""
    data = make_data_dir(tmp_path)
    gbk_name = os.fsencode(data / "issues") + b"/" + "人民日报 第3版.txt".encode("gbk")
    Path(os.fsdecode(gbk_name)).write_text("# 标题\n\n文件名不是 UTF-8 的一期。\n", encoding="utf-8")
    result = run_archive(data, "reindex")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("added 2,"), result.stdout
    stats = json.loads(run_archive(data, "stats", "--json").stdout)
    assert len(stats["failed"]) == 1 and "UTF-8" in stats["failed"][0]["reason"], stats["failed"]
    assert "人民日报 第3版" in stats["failed"][0]["path"], "the name is shown as the user knows it"
    json.dumps(stats, ensure_ascii=False).encode("utf-8")  # the report itself is printable UTF-8


@pytest.mark.timeout(180)
def test_a_50_mb_file_is_refused_as_too_large_and_the_rest_indexed(tmp_path):
    """Not a newspaper page: refused before it is read, so it cannot hold up the archive for minutes."""
    data = make_data_dir(tmp_path)
    write_big_file(data / "issues" / "huge.txt", megabytes=50)
    summary = reindex(data)
    assert [(f.path, "too large" in f.reason) for f in summary.failed] == [("issues/huge.txt", True)]
    assert summary.added == 2


def test_a_file_deleted_mid_reindex_is_reported_and_the_next_reindex_is_clean(tmp_path):
    """The file is listed and hashed, then deleted before it is read (the progress callback runs in between)."""
    data = make_data_dir(tmp_path)
    doomed = data / "issues" / "zz-deleted-while-indexing.txt"
    doomed.write_text("# 将被删除\n\n这一期在重建索引时被删除了。\n", encoding="utf-8")

    def delete_before_indexing(done: int, total: int, characters: int) -> None:
        if done == 0:
            doomed.unlink()

    summary = reindex(data, progress=delete_before_indexing)
    assert [f.path for f in summary.failed] == ["issues/zz-deleted-while-indexing.txt"]
    assert summary.failed[0].reason
    assert summary.added == 2
    again = reindex(data)
    assert (again.added, again.removed, again.failed) == (0, 0, [])


def test_an_undated_page_added_later_keeps_stats_and_date_sorting_working(tmp_path):
    """The later reindex writes a segment with no dated page in it; every view must still read the dates."""
    data = make_data_dir(tmp_path)
    reindex(data)
    (data / "issues" / "undated.txt").write_text("# 无日期\n\n没有日期的一篇短讯，关键词是青铜色的麋鹿。\n", encoding="utf-8")
    reindex(data)
    with app_client(data) as client:
        assert client.get("/api/health").json["issues"] == 3
        for sort in ("date", "-date"):
            response = client.get("/api/search", query_string={"q": "麋鹿 OR 民警", "sort": sort, "per_page": 100})
            assert response.status_code == 200, response.json
            assert response.json["results"][-1]["issue"]["id"] == "undated", "undated pages come last"
