"""The one Schema of the index (placeholder fields; the search work extends it).

Two kinds of document share the index: one per article (kind="article") and
one per issue (kind="issue"), whose `sha256` is the manifest of what has been
indexed. Keeping the manifest inside the index makes a commit atomic for both.
"""
from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import word_analyzer


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        issue_id=ID(stored=True),
        sha256=STORED(),
        number=NUMERIC(stored=True, sortable=True),
        title=TEXT(analyzer=word_analyzer(), stored=True),
        body=TEXT(analyzer=word_analyzer()),
        data=STORED(),
    )
