"""Title recall of split_articles on People's Daily pages damaged the way OCR damages them.

    .venv/bin/python -m bench.title_recall [--limit N] [--failures N]

The pd1998 corpus knows every article's title (articles.jsonl). Each page is
rendered as an OCR'd page would come out (`render_page`): body paragraphs
hard-wrapped at 14-22 characters or with the wraps turned into spaces,
titles as markdown headings (a page's titles share a level, one in five
at another level, as converters assign levels by font size) or as plain lines, blank lines between all
paragraphs or only between articles. The style is drawn per page from a
generator seeded with the page name, so every run renders the same pages.
Recall counts a titled article as found when one article split from its page
has exactly that title (spaces ignored). Articles printed without a title
(their first line is body text) are counted apart: found when an article's
first paragraph holds the middle of their first line.
"""
from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from archive.articles import split_articles
from archive.issues import Issue

WRAP_WIDTHS = range(14, 23)
# A gold "title" longer than this, or ending in a full stop, is the first body line of an untitled item.
MAX_GOLD_TITLE = 40


@dataclass(frozen=True)
class GoldArticle:
    """One article as the corpus gives it: its title line (if any) and the lines after it."""

    title: str | None
    lines: tuple[str, ...]


@dataclass(frozen=True)
class DamageStyle:
    """How one page is damaged."""

    wrap: int
    wraps_as_spaces: bool
    markdown_titles: bool
    blank_between_paragraphs: bool

    @property
    def name(self) -> str:
        return "/".join(
            [
                "spaces" if self.wraps_as_spaces else "wrapped",
                "markdown" if self.markdown_titles else "plain",
                "blank-paragraphs" if self.blank_between_paragraphs else "blank-articles",
            ]
        )


def corpus_dir() -> Path:
    """../shared/corpus/pd1998-early beside the repository."""
    return Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pd1998-early"


def gold_pages(corpus: Path) -> dict[str, list[GoldArticle]]:
    """Page name (`19980101-01`) -> its articles in page order."""
    pages: dict[str, list[GoldArticle]] = defaultdict(list)
    with open(corpus / "articles.jsonl", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            first, rest = record["paragraphs"][0], record["paragraphs"][1:]
            titled = len(first) <= MAX_GOLD_TITLE and not first.endswith("。")
            page = f"{record['date']}-{record['page']:02d}"
            pages[page].append(GoldArticle(first if titled else None, tuple(rest if titled else record["paragraphs"])))
    return dict(pages)


def style_for(page: str) -> DamageStyle:
    """The damage drawn for a page, the same on every run."""
    rng = random.Random(page)
    return DamageStyle(rng.choice(WRAP_WIDTHS), rng.random() < 0.5, rng.random() < 0.5, rng.random() < 0.5)


# Marks a typesetter never puts at the start of a line (kinsoku): they stay on the line before.
NO_LINE_START = "，。、；：！？）』”’》…"


def _wrap(text: str, width: int) -> list[str]:
    """Lines of `width` characters; a mark that cannot start a line stays on the line before."""
    lines, current = [], ""
    for char in text:
        if len(current) >= width and char not in NO_LINE_START:
            lines.append(current)
            current = ""
        current += char
    return lines + [current] if current else lines


def _damage_line(text: str, style: DamageStyle) -> str:
    return (" " if style.wraps_as_spaces else "\n").join(_wrap(text, style.wrap))


def _heading_level(page_level: int, rng: random.Random) -> int:
    """Mostly the page's title level; one title in five at another level, as converters do."""
    return page_level if rng.random() < 0.8 else rng.choice([level for level in (1, 2, 3) if level != page_level])


def render_page(articles: list[GoldArticle], style: DamageStyle, rng: random.Random) -> str:
    """The page as OCR would give it: damaged body lines, titles as headings or plain lines."""
    rendered = []
    paragraph_break = "\n\n" if style.blank_between_paragraphs else "\n"
    page_level = rng.randint(1, 2)
    for article in articles:
        parts = []
        if article.title is not None:
            markup = "#" * _heading_level(page_level, rng) + " " if style.markdown_titles else ""
            parts.append(markup + article.title)
        parts.extend(_damage_line(line, style) for line in article.lines)
        rendered.append(paragraph_break.join(parts))
    return "\n\n".join(rendered) + "\n"


def _key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _middle(line: str) -> str:
    """A piece from the middle of a first line: the dateline and credit come off the start of the body."""
    key = _key(line)
    return key[len(key) // 2 : len(key) // 2 + 16]


@dataclass(frozen=True)
class PageResult:
    page: str
    style: DamageStyle
    titled: int
    titles_found: int
    untitled: int
    untitled_found: int
    articles_split: int
    missed: tuple[str, ...]


def measure_page(page: str, articles: list[GoldArticle]) -> PageResult:
    """Render one page, split it, and compare the titles."""
    style = style_for(page)
    text = render_page(articles, style, random.Random(page + "/headings"))
    issue = Issue(page, Path(page + ".txt"), "", "utf-8", text, None, None, None, None)
    split = split_articles(issue)
    titles = Counter(_key(a.title) for a in split)
    starts = [_key(a.paragraphs[0]) if a.paragraphs else "" for a in split]
    titled = [a for a in articles if a.title is not None]
    found, missed = 0, []
    for article in titled:
        if titles[_key(article.title)] > 0:
            titles[_key(article.title)] -= 1
            found += 1
        else:
            missed.append(article.title)
    untitled = [a for a in articles if a.title is None]
    untitled_found = sum(1 for a in untitled if any(_middle(a.lines[0]) in s for s in starts))
    return PageResult(page, style, len(titled), found, len(untitled), untitled_found, len(split), tuple(missed))


def measure(limit: int | None = None) -> list[PageResult]:
    pages = gold_pages(corpus_dir())
    names = sorted(pages)[:limit]
    return [measure_page(name, pages[name]) for name in names]


def report(results: list[PageResult], failures: int) -> str:
    titled = sum(r.titled for r in results)
    found = sum(r.titles_found for r in results)
    untitled = sum(r.untitled for r in results)
    lines = [
        f"pages {len(results)}, articles {titled + untitled} ({titled} titled), articles split {sum(r.articles_split for r in results)}",
        f"title recall {found}/{titled} = {found / max(titled, 1):.1%}",
        f"untitled items recovered {sum(r.untitled_found for r in results)}/{untitled}",
        "by style:",
    ]
    by_style: dict[str, list[PageResult]] = defaultdict(list)
    for result in results:
        by_style[result.style.name].append(result)
    for name, group in sorted(by_style.items()):
        t, f = sum(r.titled for r in group), sum(r.titles_found for r in group)
        lines.append(f"  {name:40} {f}/{t} = {f / max(t, 1):.1%}")
    missed = [(r.page, title) for r in results for title in r.missed]
    lines.append(f"missed titles (first {failures} of {len(missed)}):")
    lines.extend(f"  {page} {title}" for page, title in missed[:failures])
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--failures", type=int, default=40, help="list this many missed titles")
    args = parser.parse_args()
    print(report(measure(args.limit), args.failures))


if __name__ == "__main__":
    main()
