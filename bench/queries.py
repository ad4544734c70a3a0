"""The query mix: ≥ 200 queries drawn deterministically (fixed seed) from the corpus.

Every query is built from text that occurs in some article, so a correct
archive finds at least one hit for each (the benchmark counts the ones that
find nothing: a speed figure over empty answers would flatter). The mix
covers the query language of CONTRACT.md: words, AND, phrases, OR, NOT,
field scopes, date ranges, facet filters, date sorting, one character and
near-search.
"""
from __future__ import annotations

import json
import random
import re
import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bench.corpus import RawArticle

SEED = 6
# How many queries of each kind; the total (265) stays above the 200 the issue asks for. A kind added
# goes last: the generator then draws the same queries as before for the kinds before it.
MIX = {
    "word": 40,
    "and": 25,
    "phrase": 30,
    "or": 20,
    "not": 20,
    "title": 20,
    "byline": 15,
    "date": 25,
    "facet": 20,
    "sorted": 10,
    "char": 25,
    "near": 15,
}
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")
_BYLINE = re.compile(r"^(?:本报记者|新华社记者|本报特约记者|本报通讯员)\s*([\u4e00-\u9fff]{2,3})$", re.M)


@dataclass(frozen=True)
class BenchQuery:
    """One search request: the query text plus extra URL parameters (dates, facets, sort)."""

    kind: str
    q: str
    params: tuple[tuple[str, str], ...] = ()

    def url_params(self) -> dict[str, str]:
        return {"q": self.q, **dict(self.params)}


def _segmenter(cache_dir: Path):
    """jieba's `lcut`, with its cache in a directory we own (a shared /tmp cache blocks it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba

    cache_dir.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(cache_dir)
    jieba.setLogLevel(60)
    return jieba.lcut


def _iso(yyyymmdd: str, days: int = 0) -> str:
    day = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8])) + timedelta(days=days)
    return day.isoformat()


class _Drawer:
    """Draws queries of each kind from one article list with one seeded generator."""

    def __init__(self, arts: list[RawArticle], cache_dir: Path) -> None:
        self.rng = random.Random(SEED)
        self.arts = [a for a in arts if a.body]
        cut = _segmenter(cache_dir)
        self.title_words = [[w for w in cut(a.title) if _CJK_WORD.match(w)] for a in self.arts]
        self.bylines = sorted({m for a in self.arts for m in _BYLINE.findall(a.body[:200])})
        self.with_words = {
            minimum: [i for i, words in enumerate(self.title_words) if len(set(words)) >= minimum] for minimum in (1, 2)
        }

    def _article_with_title_words(self, minimum: int = 1) -> int:
        """Index of a random article whose title has at least `minimum` distinct words."""
        return self.rng.choice(self.with_words[minimum])

    def word(self) -> tuple[str, RawArticle]:
        """A word of some article's title, and that article."""
        i = self._article_with_title_words()
        return self.rng.choice(self.title_words[i]), self.arts[i]

    def run(self, length: int) -> str:
        """`length` consecutive Chinese characters from some article's body."""
        while True:
            runs = [r for r in _CJK_RUN.findall(self.rng.choice(self.arts).body) if len(r) >= length]
            if runs:
                text = self.rng.choice(runs)
                start = self.rng.randrange(len(text) - length + 1)
                return text[start : start + length]

    def make(self, kind: str, n: int) -> BenchQuery:
        w, art = self.word()
        if kind == "word":
            return BenchQuery(kind, w)
        if kind == "and":
            words = sorted(set(self.title_words[self._article_with_title_words(minimum=2)]))
            return BenchQuery(kind, " ".join(self.rng.sample(words, 2)))
        if kind == "phrase":
            return BenchQuery(kind, f'"{self.run(self.rng.randint(4, 7))}"')
        if kind == "or":
            return BenchQuery(kind, f"{w} OR {self.word()[0]}")
        if kind == "not":
            other = self.word()[0]
            return BenchQuery(kind, f"{w} NOT {other}" if n % 2 else f"{w} -{other}")
        if kind == "title":
            return BenchQuery(kind, f"title:{w}")
        if kind == "byline":
            return BenchQuery(kind, f"byline:{self.rng.choice(self.bylines) if self.bylines else '记者'}")
        if kind == "date":
            window = 3 if art.date < "2000" else 30
            params = (("from", _iso(art.date, -window)), ("to", _iso(art.date, window)))
            return BenchQuery(kind, w, params)
        if kind == "facet":
            return BenchQuery(kind, w, (("year", art.date[:4]),))
        if kind == "sorted":
            return BenchQuery(kind, w, (("sort", "-date"),))
        if kind == "char":
            return BenchQuery(kind, self.run(1))
        if kind == "near":  # the first and last two characters of a run, at most a few more apart than there
            text = self.run(self.rng.randint(8, 14))
            return BenchQuery(kind, f'"{text[:2]} {text[-2:]}"~{len(text) - 4 + self.rng.randint(0, 6)}')
        raise ValueError(f"unknown query kind {kind}")


def draw_queries(arts: list[RawArticle], cache_dir: Path) -> list[BenchQuery]:
    """The fixed mix, same queries on every run over the same corpus."""
    drawer = _Drawer(arts, cache_dir)
    return [drawer.make(kind, n) for kind, count in MIX.items() for n in range(count)]


def save_queries(queries: list[BenchQuery], path: Path) -> None:
    """Queries as JSON, so the baseline's own process runs exactly the same ones."""
    rows = [{"kind": q.kind, "q": q.q, "params": dict(q.params)} for q in queries]
    Path(path).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def load_queries(path: Path) -> list[BenchQuery]:
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    return [BenchQuery(r["kind"], r["q"], tuple(r["params"].items())) for r in rows]
