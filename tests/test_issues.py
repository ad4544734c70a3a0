"""Reading issue files: encodings, unreadable files, ids, and where the date comes from."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from archive.issues import IssueReadError, issue_files, read_issue
from archive.metadata import date_from_filename, date_from_text, split_header

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "data" / "issues"
PAGE = "济宁：举全市之力打击治理电信诈骗\n\n本报讯 9月23日，民警再次提醒群众。\n"


def write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "data, encoding",
    [
        (PAGE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + PAGE.encode("utf-8"), "utf-8-sig"),
        (PAGE.encode("gb18030"), "gb18030"),
        (PAGE.encode("gbk"), "gb18030"),
        (PAGE.encode("gb2312"), "gb18030"),
        (PAGE.encode("utf-16"), "utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "gb2312", "utf-16-bom"],
)
def test_every_supported_encoding_decodes_to_the_same_text(tmp_path: Path, data: bytes, encoding: str) -> None:
    issue = read_issue(write(tmp_path, "page.txt", data), tmp_path)
    assert issue.text == PAGE
    assert issue.encoding == encoding


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends_become_newlines(tmp_path: Path, newline: str) -> None:
    issue = read_issue(write(tmp_path, "page.txt", PAGE.replace("\n", newline).encode("utf-8")), tmp_path)
    assert issue.text == PAGE
    assert issue.original == PAGE.replace("\n", newline)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"  \n\t\r\n ", "whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 4, "binary"),
        (b"page \x80\x80 \xff", "not UTF-8 or GB18030"),
        ("——。，！？\n……".encode("utf-8"), "no text"),
    ],
    ids=["empty", "whitespace", "png", "control-bytes", "undecodable", "punctuation-only"],
)
def test_unreadable_files_raise_with_a_plain_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(IssueReadError) as error:
        read_issue(path, tmp_path)
    assert reason in error.value.reason
    assert error.value.path == path


def test_a_bad_file_is_skipped_and_the_rest_still_read(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", PAGE.encode("utf-8"))
    write(tmp_path, "b.txt", b"\x00\x01\x02")
    write(tmp_path, "c.txt", PAGE.encode("gbk"))
    read, failed = [], []
    for path in issue_files(tmp_path):
        try:
            read.append(read_issue(path, tmp_path).id)
        except IssueReadError as exc:
            failed.append((exc.path.name, exc.reason))
    assert read == ["a", "c"]
    assert failed == [("b.txt", "binary file (contains NUL bytes), not text")]


def test_issue_files_finds_txt_and_md_at_any_depth_in_order_and_skips_hidden(tmp_path: Path) -> None:
    for name in ["2021/04/b.md", "2021/04/a.TXT", "top.txt", "notes.pdf", ".hidden/x.txt", "2021/.swap.txt"]:
        write(tmp_path, name, PAGE.encode("utf-8"))
    found = [p.relative_to(tmp_path).as_posix() for p in issue_files(tmp_path)]
    assert found == ["2021/04/a.TXT", "2021/04/b.md", "top.txt"]
    assert list(issue_files(tmp_path / "missing")) == []


def test_issue_id_is_the_path_without_extension_and_sha256_is_of_the_bytes(tmp_path: Path) -> None:
    data = PAGE.encode("gbk")
    path = write(tmp_path, "2021/04/000_143190444e71cc2b.txt", data)
    issue = read_issue(path, tmp_path)
    assert issue.id == "2021/04/000_143190444e71cc2b"
    assert issue.sha256 == hashlib.sha256(data).hexdigest()


def test_reading_never_changes_the_file(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf---\r\ndate: 2021-04-08\r\n---\r\n" + PAGE.encode("utf-8")
    path = write(tmp_path, "page.txt", data)
    before = path.stat().st_mtime_ns
    read_issue(path, tmp_path)
    assert path.read_bytes() == data
    assert path.stat().st_mtime_ns == before


@pytest.mark.parametrize(
    "text, fields, rest",
    [
        ("---\ndate: 2021-04-08\npage: 5\npaper: 山东法制报\n---\n正文", {"date": "2021-04-08", "page": "5", "paper": "山东法制报"}, "正文"),
        ("date: 1998-01-16\npage: A4\n\n正文", {"date": "1998-01-16", "page": "A4"}, "\n正文"),
        ("记者：王某\n正文", {}, "记者：王某\n正文"),
        ("正文\ndate: 2021-04-08", {}, "正文\ndate: 2021-04-08"),
    ],
)
def test_split_header_reads_front_matter_or_top_lines_only(text: str, fields: dict, rest: str) -> None:
    assert split_header(text) == (fields, rest)


def test_a_header_wins_over_the_file_name_and_is_removed_from_the_text(tmp_path: Path) -> None:
    data = "---\ndate: 2021年4月8日\npage: 第5版\npaper: 人民公安报\n---\n" + PAGE
    issue = read_issue(write(tmp_path, "19980116-04.txt", data.encode("utf-8")), tmp_path)
    assert (issue.date, issue.year, issue.date_source, issue.page, issue.paper) == ("2021-04-08", 2021, "header", 5, "人民公安报")
    assert issue.text == PAGE


@pytest.mark.parametrize(
    "name, date, page",
    [
        ("19980116-04.txt", "1998-01-16", 4),
        ("renmin_2021-04-08_p05.md", "2021-04-08", 5),
        ("paper_20210408_12.txt", "2021-04-08", 12),
        ("20210408.txt", "2021-04-08", None),
        ("20211345-01.txt", None, None),  # not a calendar date
    ],
)
def test_date_and_page_from_the_file_name(name: str, date: str | None, page: int | None) -> None:
    found, found_page = date_from_filename(name)
    assert (found.date if found else None, found_page) == (date, page)


@pytest.mark.parametrize(
    "text, date, year",
    [
        ("2020年12月22日报案，2021年2月3日破案。", "2021-02-03", 2021),
        ("2021年2月底发现线索，“云剑—2022”行动", None, 2022),
        ("今年2000余万元，96110专线，2016年以来", None, 2016),
        ("１９９８年１月１日", "1998-01-01", 1998),
        ("一九九八年新年讲话", None, 1998),
        ("到2999年建成，1800年以前", None, None),  # implausible years are ignored
        ("2019年以来，力争到2025年建成", None, 2019),  # a target is not the page's time
        ("2020年12月至2021年2月", None, 2021),  # the end of a range is
        ("没有日期的正文", None, None),
    ],
)
def test_date_from_text_takes_the_latest_plausible_year(text: str, date: str | None, year: int | None) -> None:
    found = date_from_text(text)
    assert (found.date if found else None, found.year if found else None) == (date, year)


@pytest.mark.parametrize(
    "seed, year",
    [
        ("000_143190444e71cc2b", 2021),
        ("001_6457ba5cca22f5f1", 2020),
        ("002_48a5c07f79fd3eae", 2016),
        ("003_24cd6c31f59ac330", 2021),
        ("004_f681114cb4297908", 2022),
    ],
)
def test_sample_issues_get_their_year_from_the_text(seed: str, year: int) -> None:
    issue = read_issue(SEEDS / f"{seed}.txt", SEEDS)
    assert (issue.id, issue.year, issue.date_source) == (seed, year, "text")
    assert issue.date is None or issue.date.startswith(str(year))
