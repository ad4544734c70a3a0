"""The fields of the documents every engine indexes (`indexer.documents` fills them).

Article text is indexed twice: the `*_grams` fields (character n-grams with
positions, `indexer.text.ngrams`) decide what matches, `words` (jieba words)
only adds to the score. Title, subtitle, byline and body are the sections of
`text_grams` and `words` (BM25F in one field); `title_grams` and
`byline_grams` serve `title:` and `byline:`. Facet and filter values are
fields of their own. Apart from `documents` so that searching never imports
what building documents needs (article splitting, jieba).
"""
from __future__ import annotations

from indexer.api import FACETS

# Sections of the one `text_grams` / `words` value, with their BM25F weights. Changing a boost
# takes a full reindex.
SECTIONS = ("title", "subtitle", "byline", "body")
SECTION_BOOSTS = {"title": 6.0, "subtitle": 3.0, "byline": 1.0, "body": 1.0}
# Fields a query can be scoped to (`title:`, `byline:`); unscoped text searches `text_grams`.
SCOPED_GRAMS = {"title": "title_grams", "byline": "byline_grams"}
TEXT_GRAMS = "text_grams"
WORDS = "words"


def body_text(dateline: str | None, paragraphs: list[str] | tuple[str, ...], captions: list[str] | tuple[str, ...]) -> str:
    """The `body` section as indexed and snippeted: the dateline, the paragraphs, then the photo captions, a line each.

    An article shows its dateline and captions apart from its paragraphs,
    but a reader searching `新华社北京１２月３１日电` or a caption's words must
    find it, and its snippet must show them: indexing and snippets both read
    this text, so what matches is what is shown.
    """
    return "\n".join([*([dateline] if dateline else []), *paragraphs, *captions])


# The document field each facet counts and filters.
FACET_FIELDS = {"year": "year", "paper": "paper", "issue": "issue_id", "byline": "authors", "place": "places"}
assert tuple(FACET_FIELDS) == FACETS
