"""OCR-damaged newspaper pages rendered from the shared corpora, with their gold.

    .venv/bin/python -m bench.renders OUT_DIR [--source pd1998|xwlb] [--seed S]

Writes OUT_DIR/pages/*.txt and OUT_DIR/gold.json in the format of
`../shared/eval/split-dev` (so `score_split.py --gold OUT_DIR/gold.json`
scores a server over them), for training and validating the splitter on pages
nobody has tuned it on.

The damage is what split-dev shows (measured there, not guessed): one of four
styles per page, drawn with equal odds —
- `md`: titles as `# ` headings, one paragraph a line, blank lines between;
- `plain`: titles as plain lines, otherwise as `md`;
- `spaced`: paragraphs cut every W characters (W in 14..22) and the cuts
  turned into spaces (`多 事之秋`), blank lines between paragraphs;
- `wrap`: paragraphs hard-wrapped every W characters (a line may start with
  `，` or `。`: the cut ignores punctuation), blank lines between paragraphs,
  the title glued to the line under it half of the time, and one paragraph
  in twenty cut in two by a blank line;
and, in every style: a reporter's credit line under three titles in ten
(`□ 本报记者 董某某`, `本报记者 …`, `□ 通讯员 …`, one or two made-up names,
the only names the gold counts as bylines), a paragraph printed twice on
about every second page, and a stray character of a vertical headline
(`电`, `扎`) on a line of its own on about every second page.
Titles are never cut: a corpus item whose first line is not a title (40
characters or longer, or ending in `。`) is an untitled item, and a page with
one is left out of the article count, as split-dev does.

`pd1998` renders the People's Daily pages again with other damage (the same
articles as split-dev: checks the damage, not the text); `pd1998-heldout`
only its pages of 11-15 January, which the splitter's model is not trained
on; `xwlb` renders CCTV transcripts (every tenth day, none of them trained
on: other days, other words).
"""
from __future__ import annotations

import argparse
import json
import logging
import random
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import shared_dir

STYLES = ("md", "plain", "spaced", "wrap")
WRAP_WIDTHS = range(14, 23)
MAX_GOLD_TITLE = 40
BYLINE_SHARE = 0.29
GLUED_TITLE_SHARE = 0.5
CUT_PARAGRAPH_SHARE = 0.05
REPEATS_PER_PAGE = 0.6
STRAYS_PER_PAGE = 0.6
KNOWN_ITEMS_PER_PAGE = 1.15
# Characters of vertical headlines the OCR reads as lines of their own.
STRAY_CHARACTERS = "电才扎民掉实犯交生席证玉学华"
# Made-up reporters: common surnames and given-name characters.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红斌宇文辉建国志新立海峰波宁晓春雪松林云飞鹏"
CREDIT_FORMS = ("□ 本报记者 {}", "本报记者 {}", "□ 通讯员 {}")


@dataclass(frozen=True)
class SourceArticle:
    """One corpus item: its title (None when its first line is body text) and its paragraphs."""

    title: str | None
    paragraphs: tuple[str, ...]


def _split_item(lines: list[str]) -> SourceArticle:
    first = lines[0]
    titled = len(first) <= MAX_GOLD_TITLE and not first.endswith("。")
    return SourceArticle(first if titled else None, tuple(lines[1:] if titled else lines))


def pd1998_pages() -> dict[str, list[SourceArticle]]:
    """People's Daily pages (`19980101-01`) -> items, from articles.jsonl (paragraphs as printed)."""
    pages: dict[str, list[SourceArticle]] = {}
    path = shared_dir() / "corpus" / "pd1998-early" / "articles.jsonl"
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            page = f"{record['date']}-{record['page']:02d}"
            pages.setdefault(page, []).append(_split_item(record["paragraphs"]))
    return pages


# bench.train_splitter trains on People's Daily pages up to this day; later days are held out.
LAST_TRAINING_DAY = "19980110"


def pd1998_heldout_pages() -> dict[str, list[SourceArticle]]:
    """The People's Daily pages the splitter's model never saw, in any damage (11-15 January)."""
    return {name: articles for name, articles in pd1998_pages().items() if name[:8] > LAST_TRAINING_DAY}


def xwlb_pages(stride: int = 10, offset: int = 0) -> dict[str, list[SourceArticle]]:
    """Every `stride`-th day of the CCTV transcripts from `offset` on -> its items (blank-line blocks, title first)."""
    days = sorted((shared_dir() / "corpus" / "xwlb").glob("*.txt"))[offset::stride]
    pages = {}
    for path in days:
        blocks = [b.strip().split("\n") for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
        pages[path.stem] = [_split_item([line.strip() for line in block if line.strip()]) for block in blocks]
    return pages


def _cut(text: str, width: int) -> list[str]:
    """Lines of `width` characters, cut without regard to punctuation (as split-dev's wrap is)."""
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


@dataclass
class RenderedPage:
    text: str
    gold: dict
    bylines: list[dict]
    known_items: list[dict]


def render_page(page: str, articles: list[SourceArticle], rng: random.Random) -> RenderedPage:
    """One page in a style drawn from `rng`, with its gold record (split-dev's fields)."""
    style = rng.choice(STYLES)
    width = rng.choice(WRAP_WIDTHS)
    blocks: list[str] = []  # blank-line separated
    body_blocks: set[int] = set()  # the blocks that are body text: only they are ever printed twice
    bylines: list[dict] = []

    def paragraph(text: str) -> list[str]:
        if style in ("md", "plain"):
            return [text]
        lines = _cut(text, width)
        if style == "spaced":
            return [" ".join(lines)]
        if len(lines) > 2 and rng.random() < CUT_PARAGRAPH_SHARE:
            at = rng.randrange(1, len(lines) - 1)
            return ["\n".join(lines[:at]), "\n".join(lines[at:])]
        return ["\n".join(lines)]

    for article in articles:
        parts = [p for text in article.paragraphs for p in paragraph(text)]
        if article.title is None:
            body_blocks.update(range(len(blocks), len(blocks) + len(parts)))
            blocks.extend(parts)
            continue
        head = ("# " if style == "md" else "") + article.title
        if rng.random() < BYLINE_SHARE:
            names = [_name(rng) for _ in range(rng.choice((1, 2)))]
            credit = rng.choice(CREDIT_FORMS).format(" ".join(names))
            head = f"{head}\n\n{credit}" if style == "md" else f"{head}\n{credit}"
            bylines.append({"page": page, "title": article.title, "names": names})
        if parts and style == "wrap" and rng.random() < GLUED_TITLE_SHARE:
            head, parts = f"{head}\n{parts[0]}", parts[1:]
        body_blocks.update(range(len(blocks) + 1, len(blocks) + 1 + len(parts)))
        blocks.extend([head, *parts])
    for _ in range(_count(rng, REPEATS_PER_PAGE)):
        at = rng.randrange(len(blocks))
        if at in body_blocks and len(blocks[at]) > 12:
            blocks.insert(at + 1, blocks[at])
            body_blocks = {b + (b > at) for b in body_blocks}
    for _ in range(_count(rng, STRAYS_PER_PAGE)):
        blocks.insert(rng.randrange(1, len(blocks) + 1), rng.choice(STRAY_CHARACTERS))
    titles = [a.title for a in articles if a.title is not None]
    gold = {"style": style, "titles": titles, "all_titled": len(titles) == len(articles), "articles": len(articles)}
    known = [{"q": q, "page": page, "title": t} for t in rng.sample(titles, min(len(titles), _count(rng, KNOWN_ITEMS_PER_PAGE)))
             if (q := known_item_query(t, rng))]
    return RenderedPage("\n\n".join(blocks) + "\n", gold, bylines, known)


def _count(rng: random.Random, mean: float) -> int:
    """A small count with the given mean: its whole part, plus one with the fraction's odds."""
    return int(mean) + (rng.random() < mean - int(mean))


def known_item_query(title: str, rng: random.Random) -> str | None:
    """Two or three words of a title, in random order, as split-dev's known-item queries are (`追回 国宝 被盗`)."""
    import jieba  # only the renderer needs it; imported late so `--help` stays fast

    jieba.setLogLevel(logging.WARNING)  # no dictionary-loading chatter in the report

    words = [w for w in dict.fromkeys(jieba.cut(re.sub(r"[（(].*?[）)]", "", title))) if len(w) >= 2 and re.search(r"[\u4e00-\u9fff]", w)]
    if len(words) < 2:
        return None
    chosen = rng.sample(words, min(3, len(words)))
    return " ".join(chosen)


def render(pages: dict[str, list[SourceArticle]], out: Path, seed: str) -> dict:
    """Render every page into out/pages and write out/gold.json; returns the gold."""
    (out / "pages").mkdir(parents=True, exist_ok=True)
    gold: dict = {"pages": {}, "bylines": [], "known_item": []}
    for name, articles in sorted(pages.items()):
        rendered = render_page(name, articles, random.Random(f"{seed}/{name}"))
        (out / "pages" / f"{name}.txt").write_text(rendered.text, encoding="utf-8")
        gold["pages"][name] = rendered.gold
        gold["bylines"].extend(rendered.bylines)
        gold["known_item"].extend(rendered.known_items)
    # A title printed on several pages (`国内联播快讯`, `图片新闻`) names no one item: no known-item case.
    printed = Counter(title for page in gold["pages"].values() for title in set(page["titles"]))
    gold["known_item"] = [case for case in gold["known_item"] if printed[case["title"]] == 1]
    (out / "gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
    return gold


SOURCES = {"pd1998": pd1998_pages, "pd1998-heldout": pd1998_heldout_pages, "xwlb": xwlb_pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--source", choices=sorted(SOURCES), default="xwlb")
    parser.add_argument("--seed", default="render")
    args = parser.parse_args()
    gold = render(SOURCES[args.source](), args.out, args.seed)
    print(f"{len(gold['pages'])} pages, {len(gold['bylines'])} bylines, {len(gold['known_item'])} known items -> {args.out}")


if __name__ == "__main__":
    main()
