"""URLs the pages and the API hand out.

The selection (query, facets, dates, sort, page) lives only in the query
string, so every view can be bookmarked and every link is built by
changing one argument of the current request.
"""
from __future__ import annotations

from typing import Iterable, Mapping
from urllib.parse import quote, urlencode

from werkzeug.datastructures import MultiDict

Args = Mapping[str, str] | MultiDict


def _pairs(args: Args) -> list[tuple[str, str]]:
    if isinstance(args, MultiDict):
        return list(args.items(multi=True))
    return list(args.items())


def with_args(path: str, args: Args, **changes: str | int | None) -> str:
    """`path` with the current arguments, each of `changes` replacing its argument (None drops it)."""
    pairs = [(k, v) for k, v in _pairs(args) if k not in changes]
    pairs += [(k, str(v)) for k, v in changes.items() if v is not None and v != ""]
    return path + ("?" + urlencode(pairs) if pairs else "")


def toggle_value(path: str, args: Args, name: str, value: str) -> str:
    """Add `name=value` to a repeatable argument, or remove it if present; back to page 1 either way."""
    pairs = [(k, v) for k, v in _pairs(args) if k != "page"]
    if (name, value) in pairs:
        pairs.remove((name, value))
    else:
        pairs.append((name, value))
    return path + ("?" + urlencode(pairs) if pairs else "")


def without(path: str, args: Args, names: Iterable[str]) -> str:
    """`path` with the current arguments minus every argument in `names` (and back to page 1)."""
    dropped = set(names) | {"page"}
    pairs = [(k, v) for k, v in _pairs(args) if k not in dropped]
    return path + ("?" + urlencode(pairs) if pairs else "")


def quote_id(record_id: str) -> str:
    """An article or issue id as a URL path: `/` stays a separator, everything else is escaped."""
    return quote(record_id, safe="/")


def article_url(article_id: str, q: str | None = None) -> str:
    """The article page; with a query it highlights the matches and jumps to the first (works without JS)."""
    url = "/articles/" + quote_id(article_id)
    return f"{url}?{urlencode({'q': q})}#first-match" if q else url


def issue_url(issue_id: str) -> str:
    return "/issues/" + quote_id(issue_id)


def search_url(q: str) -> str:
    return "/search?" + urlencode({"q": q})
