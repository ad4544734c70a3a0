"""normalize's fast paths give exactly what the plain definitions give."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.text.normalize import _fold_table, compact, compact_text, fold

SAMPLE_ISSUES = Path(__file__).resolve().parents[1] / "data" / "issues"


def test_fold_translates_every_character_like_the_table() -> None:
    every = "".join(chr(code) for code in range(0x10000) if not 0xD800 <= code < 0xE000) + "\U00020000𠀀"
    assert fold(every) == every.translate(_fold_table())


@pytest.mark.parametrize(
    "text",
    [
        "",
        "，。、",
        "犯罪团\n伙",
        "犯罪 团伙",
        "new york 时报",
        "ＬＥＤ 大屏",  # full-width Latin folds to spaced Latin
        "Ａ Ｂ",
        "U 盾 and QQ",
        "snake_case 变量",
        "１９９８年 １月",
        "（本报讯）记者 王某：\u3000詐騙案\t告破。",
        "  前后空白 \n",
        "a \u2e7f b \u2e80 c",  # either side of the spaced-script boundary
        "x\xa0y\u2028z 中\u3000文",
        "①② ⑩ ㍻",
    ],
)
def test_compact_text_is_compact_without_offsets(text: str) -> None:
    assert compact_text(text) == compact(text).text


def test_compact_text_on_the_sample_issues() -> None:
    pages = [path.read_text(encoding="utf-8") for path in sorted(SAMPLE_ISSUES.rglob("*.txt"))]
    assert pages
    for page in pages:
        assert compact_text(page) == compact(page).text
        for line in page.split("\n"):
            assert compact_text(line) == compact(line).text
