"""Citations of one article: GB/T 7714-2015, BibTeX and RIS, from the article's JSON view.

Pure functions over the dict `webui.context.article_context` returns (so a
corrected title or byline is cited as corrected), plus the article's
absolute permanent URL. What the archive does not know is left out, as
GB/T 7714-2015 allows in the numeric (顺序编码制) system: no author, no
paper name or no page number simply drops that element and its punctuation;
an unknown day falls back to the year the text gives, then to nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_GBT_AUTHORS = 3  # GB/T 7714-2015 8.1.2: more than three authors -> the first three, then 等
_WHITESPACE = re.compile(r"\s+")
_BIBTEX_SPECIAL = re.compile(r"([\\{}%&#$_~^])")
_BIBTEX_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")


@dataclass(frozen=True)
class CitedArticle:
    """What a citation needs to know of an article, None where the archive does not know it."""

    id: str
    title: str
    authors: tuple[str, ...]
    paper: str | None
    date: str | None  # YYYY-MM-DD
    year: int | None  # known even when the day is not
    page: int | None
    url: str  # absolute permanent URL of the article page

    @classmethod
    def of(cls, article: dict[str, Any], url: str) -> CitedArticle:
        """From an article's JSON view (`article_context`) and its absolute URL."""
        issue = article["issue"]
        return cls(id=article["id"], title=one_line(article["title"]),
                   authors=tuple(one_line(name) for name in article["authors"] if name.strip()),
                   paper=one_line(issue["paper"] or "") or None,
                   date=issue["date"], year=issue["year"] or _year_of(issue["date"]), page=issue["page"], url=url)


def one_line(text: str) -> str:
    """Runs of whitespace (OCR line breaks) as one space: every format here is one line a field."""
    return _WHITESPACE.sub(" ", text).strip()


def _year_of(date: str | None) -> int | None:
    return int(date[:4]) if date else None


def gbt7714(article: CitedArticle) -> str:
    """`作者. 题名[N]. 报纸名, 出版日期(版次).`, each unknown element left out with its punctuation."""
    parts = []
    if article.authors:
        names = ", ".join(article.authors[:MAX_GBT_AUTHORS])
        parts.append(names + (", 等" if len(article.authors) > MAX_GBT_AUTHORS else "") + ". ")
    parts.append(f"{article.title}[N]. ")
    when = article.date or (str(article.year) if article.year else "")
    where = f"({article.page})" if article.page is not None else ""
    source = ", ".join(part for part in (article.paper, when + where) if part)
    return ("".join(parts) + source).rstrip() + "." if source else "".join(parts).rstrip()


def _bibtex_value(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def bibtex_key(article_id: str) -> str:
    """The citation key (and download name): the article id with what BibTeX keys cannot hold
    replaced (`003_x/1` -> `003_x-1`)."""
    return _BIBTEX_KEY_UNSAFE.sub("-", article_id).strip("-") or "article"


def bibtex(article: CitedArticle) -> str:
    """An `@article` with biblatex's `entrysubtype = {newspaper}`; each Chinese name braced whole,
    so BibTeX does not split it into first and last names."""
    fields: list[tuple[str, str]] = [("entrysubtype", "newspaper")]
    if article.authors:
        fields.append(("author", " and ".join("{" + _bibtex_value(name) + "}" for name in article.authors)))
    fields.append(("title", _bibtex_value(article.title)))
    if article.paper:
        fields.append(("journal", _bibtex_value(article.paper)))
    if article.date:
        fields.append(("date", article.date))
    if article.year:
        fields.append(("year", str(article.year)))
    if article.date:
        fields.append(("month", str(int(article.date[5:7]))))
    if article.page is not None:
        fields.append(("pages", str(article.page)))
    fields += [("url", article.url), ("langid", "chinese")]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@article{{{bibtex_key(article.id)},\n{body}\n}}\n"


def ris(article: CitedArticle) -> str:
    """One RIS record of type NEWS, with the tags Zotero's RIS import maps for a newspaper article."""
    lines = [("TY", "NEWS")]
    lines += [("AU", name) for name in article.authors]
    lines.append(("TI", article.title))
    if article.paper:
        lines.append(("T2", article.paper))
    if article.year:
        lines.append(("PY", str(article.year)))
    if article.date:
        lines.append(("DA", article.date.replace("-", "/") + "/"))
    if article.page is not None:
        lines.append(("SP", str(article.page)))
    lines += [("LA", "zh-CN"), ("UR", article.url), ("DB", "报纸档案检索"), ("AN", article.id), ("ER", "")]
    return "".join(f"{tag}  - {value}\n" for tag, value in lines)


CITATION_FORMATS = {"bibtex": (bibtex, "application/x-bibtex", "bib"),
           "ris": (ris, "application/x-research-info-systems", "ris")}


def citations(article: CitedArticle) -> dict[str, str]:
    """The JSON of `GET /api/articles/<id>/cite`."""
    return {"url": article.url, "gbt7714": gbt7714(article), "bibtex": bibtex(article), "ris": ris(article)}
