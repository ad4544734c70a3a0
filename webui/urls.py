"""URLs the pages and the API hand out.

The selection (query, facets, dates, sort, page) lives only in the query
string, so every view can be bookmarked and every link is built by
changing one argument of the current request.
"""
from __future__ import annotations

from typing import Iterable, Mapping
from urllib.parse import quote, quote_plus, urlencode

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
    return Toggler(path, args)(name, value)


class Toggler:
    """`toggle_value` for many values of one request: the unchanged arguments are encoded once.

    A search answers up to a hundred facet values, each with its toggle link;
    encoding the whole query string again for each of them was a tenth of
    the cost of a cached search.
    """

    def __init__(self, path: str, args: Args) -> None:
        self.path = path
        self.pairs = [(k, v) for k, v in _pairs(args) if k != "page"]
        self.selected = set(self.pairs)
        self.prefix = path + "?" + (urlencode(self.pairs) + "&" if self.pairs else "")

    def __call__(self, name: str, value: str) -> str:
        if (name, value) not in self.selected:
            return f"{self.prefix}{quote_plus(name)}={quote_plus(value)}"  # what urlencode writes for one pair
        pairs = list(self.pairs)
        pairs.remove((name, value))
        return self.path + ("?" + urlencode(pairs) if pairs else "")


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
