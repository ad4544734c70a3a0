"""Query tree -> Whoosh query: n-grams decide what matches, words and phrases rank.

For every `Text` of the query:
* required: its n-gram phrase (`analysis.query_grams`) in any text field in
  scope, boosted per field (BM25F: a title match outweighs a body match);
* optional: its jieba words in the `*_words` fields, boosted the same way,
  so whole words score above incidental character sequences.
For a query of several plain words, an optional bonus where they occur whole
as one phrase (`电信 诈骗` ranks `电信诈骗` first).
"""
from __future__ import annotations

from whoosh import query as wq
from whoosh.scoring import BM25F

from indexer.analysis import query_grams
from indexer.normalize import compact
from indexer.query import And, DateRange, Node, Not, Or, Text
from indexer.schema import RANKED_WORD_FIELDS, TEXT_FIELDS, grams_field, words_field
from indexer.segmenter import words

FIELD_BOOST = {"title": 6.0, "subtitle": 3.0, "byline": 1.0, "body": 1.0}
WORD_WEIGHT = 0.5  # word terms relative to the n-gram match they refine
PHRASE_BONUS = 2.0

ARTICLES = wq.Term("kind", "article")


def weighting() -> BM25F:
    return BM25F(B=0.75, K1=1.2)


def date_range(start: int, end: int) -> wq.Query:
    """Articles dated start..end (YYYYMMDD ints, inclusive); exact, scoring nothing."""
    return wq.TermRange("day", f"{start:08d}", f"{end:08d}", constantscore=True, boost=0.0)


def grams_query(field: str, text: str, boost: float = 1.0) -> wq.Query:
    """Matches `text` (compact) where its characters occur in a row in `field`."""
    grams = query_grams(text)
    name = grams_field(field)
    if len(grams) == 1:
        return wq.Term(name, grams[0], boost=boost)
    return wq.Phrase(name, grams, boost=boost)


def text_query(node: Text) -> wq.Query:
    fields = (node.field,) if node.field else TEXT_FIELDS
    match = wq.Or([grams_query(f, node.text, FIELD_BOOST[f]) for f in fields])
    ranking = [
        wq.Term(words_field(f), word, boost=FIELD_BOOST[f] * WORD_WEIGHT)
        for f in fields
        if f in RANKED_WORD_FIELDS
        for word in dict.fromkeys(words(node.text))
    ]
    return wq.AndMaybe(match, wq.Or(ranking)) if ranking else match


def to_whoosh(node: Node) -> wq.Query:
    if isinstance(node, Text):
        return text_query(node)
    if isinstance(node, DateRange):
        return date_range(node.start, node.end)
    if isinstance(node, And):
        return wq.And([to_whoosh(item) for item in node.items])
    if isinstance(node, Or):
        return wq.Or([to_whoosh(item) for item in node.items])
    if isinstance(node, Not):
        return wq.Not(to_whoosh(node.item))
    raise TypeError(f"not a query node: {node!r}")


def phrase_bonus(node: Node) -> wq.Query | None:
    """Optional clause for plain multi-word queries: the words whole, in order, as one phrase."""
    if not isinstance(node, And) or not all(isinstance(i, Text) and i.field is None for i in node.items):
        return None
    whole = compact(" ".join(item.text for item in node.items)).text  # 电信 诈骗 -> 电信诈骗, new york stays two
    return wq.Or([grams_query(f, whole, FIELD_BOOST[f] * PHRASE_BONUS) for f in ("title", "body")])


def build(node: Node | None) -> wq.Query:
    """The Whoosh query for a parsed query; None (blank query) matches everything.

    Callers always filter on `ARTICLES`: a date range or a NOT alone would
    otherwise also match the issue records that share the index.
    """
    if node is None:
        return wq.Every()
    main = to_whoosh(node)
    bonus = phrase_bonus(node)
    return wq.AndMaybe(main, bonus) if bonus is not None else main
