"""What the web UI tests search: the sample issues plus one hostile issue.

The hostile issue sits in a subfolder, so its id contains `/`, and its text
holds `<script>`, an `<img onerror>`, a literal `<mark>` and `&amp;`, which
every page and API answer must show as text. Test modules import the names
here; the fixtures that build and serve this archive are in
tests/webui_fixtures.py.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from indexer.reindex import reindex

REPO = Path(__file__).resolve().parents[1]
ADMIN_TOKEN = "test-admin-token"
HOSTILE_ISSUE_ID = "2021/05/hostile-2021-05-06"
HOSTILE_ISSUE = """\
date: 2021-05-06
page: 3
paper: 测试晚报

# 警惕<script>alert(1)</script>网页攻击

□ 记者 <b>王某某</b>

有人在留言里写下 <script>alert(1)</script> 试图攻击网站，另一段文字里出现了字面的 <mark>假高亮</mark> 标签和 &amp; 符号。民警提醒：遇到可疑链接不要点击。

# 社区反诈宣传进校园

民警在社区开展反诈宣传，提醒群众不要相信“高额回报”，遇到<img src=x onerror=alert(2)>这样的代码也只是文字。
"""


def build_archive(root: Path) -> Path:
    """Copy the sample issues and the hostile one into root/issues/ and index them for real."""
    issues = root / "issues"
    issues.mkdir(parents=True)
    for sample in sorted((REPO / "data" / "issues").glob("*.txt")):
        shutil.copy(sample, issues / sample.name)
    hostile = issues / (HOSTILE_ISSUE_ID + ".txt")
    hostile.parent.mkdir(parents=True)
    hostile.write_text(HOSTILE_ISSUE, encoding="utf-8")
    reindex(root)
    return root
