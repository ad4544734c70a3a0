"""Archives that try to break the product: bad files, hostile text, faulty disks.

Shared by the hardening tests (test_bad_files, test_hostile_queries,
test_security, test_faults). Everything is written into temporary
directories at test time; nothing big or hostile is ever committed.

The hostile archive is a sample page plus issues whose text, metadata
and even file names look like HTML, so every page and API answer over it
has something to escape.
"""
from __future__ import annotations

import hashlib
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from flask.testing import FlaskClient

from tests.reindex_fixtures import reindex
from tests.reindex_fixtures import SAMPLES
from tests.webui_fixtures import start_server, stop_server
from webui import create_app

# --- the hostile archive -----------------------------------------------------------------

# One sample page is enough real text to match; a small archive keeps thousands of generated requests cheap.
HOSTILE_SAMPLES = SAMPLES[:1]

# Ids chosen to be awkward in URLs and HTML: a quote, an ampersand, angle brackets, spaces, Chinese.
HOSTILE_ISSUES = {
    "hostile/<b>&\"'2021-05-07": """\
date: 2021-05-07
page: 2
paper: <script>alert('paper')</script>晚报

# <img src=x onerror=alert(1)>标题里的图片

□ 记者 <i>李某</i> "><script>alert('byline')</script>

正文里有 <script>alert(1)</script> 和字面的 <mark>假高亮</mark>，还有 &lt;已转义&gt; 的文字。关键词：琉璃色的刺猬。
""",
    "hostile/版面 名称 有空格": """\
date: 2021-05-08
page: 4
paper: 测试晚报

# 文件名里有空格的一期

这一期的文件名里有空格和中文，链接和页面都必须能打开它。关键词：靛蓝色的水獭。
""",
}
HOSTILE_WORD = "琉璃色的刺猬"  # occurs only in the first hostile issue


def build_hostile_archive(root: Path) -> Path:
    """root/issues/ with a sample page and the hostile issues, indexed by the real reindex."""
    issues = root / "issues"
    issues.mkdir(parents=True)
    for sample in HOSTILE_SAMPLES:
        shutil.copy(sample, issues / sample.name)
    for issue_id, text in HOSTILE_ISSUES.items():
        path = issues / f"{issue_id}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    summary = reindex(root)
    assert not summary.failed, summary.failed
    return root


@pytest.fixture(scope="session")
def hostile_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile archive, indexed once per session; tests only read it."""
    return build_hostile_archive(tmp_path_factory.mktemp("hostile-archive"))


@contextmanager
def app_client(data_dir: Path, **config: object) -> Iterator[FlaskClient]:
    """A test client of the real app over `data_dir`; the app's index files are closed afterwards."""
    app = create_app({"DATA_DIR": data_dir, "TESTING": True, **config})
    try:
        yield app.test_client()
    finally:
        app.extensions["archive"].close()


@pytest.fixture(scope="session")
def hostile_client(hostile_archive: Path) -> Iterator[FlaskClient]:
    """The real app over the hostile archive, in this process (thousands of requests are cheap here)."""
    with app_client(hostile_archive) as client:
        yield client


@pytest.fixture(scope="session")
def hostile_server(hostile_archive: Path) -> Iterator[str]:
    """Base URL of a real `archive serve` over the hostile archive; its output is in DIR/server.log."""
    process, base_url = start_server(hostile_archive)
    yield base_url
    stop_server(process)


# --- bad files -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BadFile:
    """A file a reindex must survive: either refused with a reason, or indexed and findable."""

    name: str  # path under issues/
    content: bytes
    reason: str | None = None  # a word the failure reason must contain (None: must be indexed)
    finds: str | None = None  # a query that must find this file once indexed


def _gb18030_page(marker: str) -> str:
    return "date: 1998-01-16\npage: 4\n\n# 国企改革\n\n" + f"朱镕基总理强调，国有企业改革要取得新进展。{marker}\n" * 3


LONG_LINE_CHARS = 1_000_000
LONG_LINE_MARKER = "琥珀色的独角鲸"  # at the very end of the long line: found only if all of it is indexed

BAD_FILES = (
    BadFile("binary.txt", bytes(range(256)) * 16, reason="binary"),
    BadFile("empty.txt", b"", reason="empty"),
    BadFile("only-punctuation.txt", "。，、；：！？……——《》“”\n".encode() * 40, reason="punctuation"),
    # A GB18030 download cut off in the middle of its last character: the rest is still the page.
    BadFile("truncated-gb18030.txt", _gb18030_page("截断的报纸").encode("gb18030").rstrip(b"\n")[:-1],
            finds="截断的报纸"),
    # 镕 is in GBK but not in GB2312: a reader that guesses GB2312 or Latin-1 gets it wrong.
    BadFile("gbk-page.txt", _gb18030_page("珊瑚色的海马").encode("gbk"), finds="朱镕基"),
    BadFile("one-long-line.txt", ("长" * (LONG_LINE_CHARS - len(LONG_LINE_MARKER)) + LONG_LINE_MARKER).encode(),
            finds=LONG_LINE_MARKER),
    BadFile("1998年 1月/第 3 版 人民日报 (副本).txt",
            "# 文件名里有空格\n\n文件名里有空格、括号和中文，关键词是翡翠色的海豚。\n".encode(),
            finds="翡翠色的海豚"),
)


def write_files(issues_dir: Path, files: tuple[BadFile, ...]) -> None:
    for bad in files:
        path = issues_dir / bad.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bad.content)


def write_big_file(path: Path, megabytes: int) -> None:
    """A plausible-looking text file of `megabytes` MB (written in chunks, never held in memory)."""
    chunk = ("大文件测试内容，这里有很多很多文字。\n" * 2000).encode()
    with path.open("wb") as f:
        while f.tell() < megabytes * 1024 * 1024:
            f.write(chunk)


# --- no issue file lost ----------------------------------------------------------------------


def issue_hashes(data_dir: Path) -> dict[str, str]:
    """sha256 of every file under DATA/issues/ (hidden ones too): what must survive any fault."""
    issues = data_dir / "issues"
    return {p.relative_to(issues).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(issues.rglob("*")) if p.is_file()}


# --- latency ---------------------------------------------------------------------------------


class Latencies:
    """The slowest request seen, so a test can report it (tests never assert on timing)."""

    def __init__(self) -> None:
        self.count = 0
        self.total = 0.0
        self.slowest = 0.0
        self.slowest_request = ""

    @contextmanager
    def measure(self, what: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        elapsed = time.perf_counter() - started
        self.count += 1
        self.total += elapsed
        if elapsed > self.slowest:
            self.slowest, self.slowest_request = elapsed, what

    def summary(self) -> str:
        mean = self.total / self.count if self.count else 0.0
        return (f"{self.count} requests, mean {mean * 1000:.1f} ms, "
                f"slowest {self.slowest * 1000:.0f} ms: {self.slowest_request[:120]}")
