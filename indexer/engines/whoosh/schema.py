"""The one Whoosh Schema of the local index: the fields of `indexer.documents`, typed for Whoosh.

Both kinds of document (articles and the issue records that make up the
manifest) share the index, so one commit changes articles and manifest
together. The `*_grams` and `words` fields are analysed by
`analyzers` (n-grams with positions; jieba words without).
"""
from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from indexer.fields import SECTION_BOOSTS, SECTIONS
from indexer.engines.whoosh.analyzers import ngram_analyzer, words_analyzer


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
        title_alone_grams=TEXT(analyzer=ngram_analyzer(), phrase=True),
        byline_grams=TEXT(analyzer=ngram_analyzer(), phrase=True),
        words=TEXT(analyzer=words_analyzer(boosts), phrase=False),
    )
