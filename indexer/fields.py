"""The fields of the documents every engine indexes (`indexer.documents` fills them).

Article text is indexed twice: the `*_grams` fields (character n-grams with
positions, `indexer.text.ngrams`) decide what matches, `words` (jieba words)
only adds to the score. Title, subtitle, byline and body are the sections of
`text_grams` and `words` (BM25F in one field); `title_grams` and
`byline_grams` serve `title:` and `byline:`, `title_alone_grams` the
title bonus of the ranking. Facet and filter values are
fields of their own. Apart from `documents` so that searching never imports
what building documents needs (article splitting, jieba).
"""
from __future__ import annotations

from indexer.api import FACETS

# Sections of the one `text_grams` / `words` value, with their BM25F weights. Changing a boost
# takes a full reindex. `original`: the OCR text that editors' corrections replaced (searched, never
# shown; see indexer.documents); weighted as body text wherever it stood, and 1 is also what an index
# built before it existed gives a section past its boosts, so such an index needs no rebuild.
SECTIONS = ("title", "subtitle", "byline", "body", "original")
SECTION_BOOSTS = {"title": 6.0, "subtitle": 3.0, "byline": 1.0, "body": 1.0, "original": 1.0}
# What the ranking adds to a text's n-gram match, on either engine: each of its jieba words in
# `words`, its grams in the title, and for a plain multi-word query the words whole as one phrase.
# Words relative to the n-gram match they refine. On pd1998 headline keywords 0 ranks as well (98.3 %):
# the words matter for body-only matches, where a whole word should beat the same characters across two.
WORD_WEIGHT = 0.5
TITLE_BONUS = 3.0  # measured with bench.ranking: 97.7 % without, 98.3 % from 3 up
# The field the title bonus reads: the title alone, no subtitle, so its length normalisation ranks a
# headline that is mostly the query above one that only starts with it (a column title 东亚经济传真 over
# 东亚经济传真 + its day's headlines); `title:` still searches title and subtitle (SCOPED_GRAMS).
# On split-dev known-item top 1: 96.7 % with the subtitle in it, 97.3 % (the ceiling) without.
TITLE_BONUS_GRAMS = "title_alone_grams"
PHRASE_BONUS = 2.0
# Fields a query can be scoped to (`title:`, `byline:`); unscoped text searches `text_grams`.
SCOPED_GRAMS = {"title": "title_grams", "byline": "byline_grams"}
TEXT_GRAMS = "text_grams"
WORDS = "words"
# A term of `words` that only articles with an `original` section hold (jieba makes no word with a
# control character): an engine finds them by its posting list, to count occurrences in what an
# article shows (its corrected text) rather than in every position of `text_grams`.
CORRECTED_MARK = "\x01corrected"


def body_parts(dateline: str | None, paragraphs: list[str] | tuple[str, ...], captions: list[str] | tuple[str, ...]) -> list[str]:
    """The lines of the `body` section as indexed: the dateline, the paragraphs, then the photo captions.

    An article shows its dateline and captions apart from its paragraphs,
    but a reader searching `新华社北京１２月３１日电` or a caption's words must
    find it, and its snippet and lines in context must show them: indexing,
    snippets and KWIC all read these lines, so what matches is what is shown.
    """
    return [*([dateline] if dateline else []), *paragraphs, *captions]


def body_text(dateline: str | None, paragraphs: list[str] | tuple[str, ...], captions: list[str] | tuple[str, ...]) -> str:
    """The `body` section as indexed and snippeted: `body_parts`, a line each."""
    return "\n".join(body_parts(dateline, paragraphs, captions))


# The document field each facet counts and filters.
FACET_FIELDS = {"year": "year", "paper": "paper", "issue": "issue_id", "byline": "authors", "place": "places"}
assert tuple(FACET_FIELDS) == FACETS
