"""The one Schema of the index.

Two kinds of document share the index: one per article (kind="article") and
one per issue (kind="issue"), whose `sha256` is the manifest of what has been
indexed. Keeping the manifest inside the index makes a commit atomic for both.

Article text is indexed twice (see `analysis`): `*_grams` fields (character
unigrams + bigrams with positions) decide what matches; `*_words` fields
(jieba words, no positions) only add to the score. Facet and filter values
are indexed fields of their own; everything shown to a reader lives in the
one stored `data` JSON, so a search reads a single stored record per hit.
"""
from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import ngram_analyzer, words_analyzer

TEXT_FIELDS = ("title", "subtitle", "byline", "body")
RANKED_WORD_FIELDS = ("title", "subtitle", "body")


def grams_field(name: str) -> str:
    return f"{name}_grams"


def words_field(name: str) -> str:
    return f"{name}_words"


def make_schema() -> Schema:
    fields = dict(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        issue_id=ID(stored=True),
        sha256=STORED(),
        number=NUMERIC(stored=True, sortable=True),
        # YYYYMMDD, absent when undated. A string, not NUMERIC: NumericRange over
        # wide spans misses documents in Whoosh-Reloaded 2.7.5 (measured), while
        # a TermRange over fixed-width strings is exact.
        day=ID(sortable=True),
        year=ID(),
        paper=ID(),
        authors=KEYWORD(commas=True, lowercase=False),
        places=KEYWORD(commas=True, lowercase=False),
        data=STORED(),
    )
    for name in TEXT_FIELDS:
        fields[grams_field(name)] = TEXT(analyzer=ngram_analyzer(), phrase=True)
    for name in RANKED_WORD_FIELDS:
        fields[words_field(name)] = TEXT(analyzer=words_analyzer(), phrase=False)
    return Schema(**fields)
