"""The one Schema of the index.

Two kinds of document share the index: one per article (kind="article") and
one per issue (kind="issue"), whose `sha256` is the manifest of what has been
indexed. Keeping the manifest inside the index makes a commit atomic for both.

Article text is indexed twice (see `analysis`): `*_grams` fields (character
unigrams + bigrams with positions) decide what matches; the `words` field
(jieba words, no positions) only adds to the score. Title, subtitle, byline
and body share `text_grams` and `words` as boosted sections (BM25F in one
field); `title_grams` (title + subtitle) and `byline_grams` serve `title:`
and `byline:`. Facet and filter values
are indexed fields of their own; everything shown to a reader lives in the
one stored `data` JSON, so a search reads a single stored record per hit.
"""
from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from indexer.engines.whoosh.analyzers import ngram_analyzer, words_analyzer

# Sections of the one `text_grams` / `words` value, with their BM25F weights
# (see `analysis`). Changing a boost takes a full reindex.
SECTIONS = ("title", "subtitle", "byline", "body")
SECTION_BOOSTS = {"title": 6.0, "subtitle": 3.0, "byline": 1.0, "body": 1.0}
# Fields a query can be scoped to (`title:`, `byline:`); unscoped text searches `text_grams`.
SCOPED_GRAMS = {"title": "title_grams", "byline": "byline_grams"}
TEXT_GRAMS = "text_grams"
WORDS = "words"


def make_schema() -> Schema:
    boosts = tuple(SECTION_BOOSTS[name] for name in SECTIONS)
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        issue_id=ID(stored=True),
        sha256=STORED(),
        number=STORED(),  # article order in its issue: read back, never searched
        # YYYYMMDD, absent when undated. A string, not NUMERIC: NumericRange over
        # wide spans misses documents in Whoosh-Reloaded 2.7.5 (measured), while
        # a TermRange over fixed-width strings is exact.
        day=ID(sortable=True),
        year=ID(),
        paper=ID(),
        authors=KEYWORD(commas=True, lowercase=False),
        places=KEYWORD(commas=True, lowercase=False),
        data=STORED(),
        text_grams=TEXT(analyzer=ngram_analyzer(boosts), phrase=True),
        title_grams=TEXT(analyzer=ngram_analyzer(), phrase=True),
        byline_grams=TEXT(analyzer=ngram_analyzer(), phrase=True),
        words=TEXT(analyzer=words_analyzer(boosts), phrase=False),
    )
