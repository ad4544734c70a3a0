"""Query tree -> scoring plan, derived once: n-grams decide what matches, words and phrases rank.

`plan()` walks the parsed query once and says what scores a document. For
every `Text` of the query:
* required: its n-gram phrase (`ngrams.query_grams`) in `text_grams`
  (title, subtitle, byline, body as BM25F-boosted sections, so a title match
  outweighs a body match), or in `title_grams` / `byline_grams` when scoped;
* optional: its jieba words in `words` (boosted the same way), so whole
  words score above incidental character sequences;
* optional: its n-grams in the title alone (`fields.TITLE_BONUS_GRAMS`),
  which has a length normalisation of its own (the part of BM25F one shared
  field lacks): a title that is mostly the query outranks a long article
  that mentions it in passing, and a longer title that only starts with it.
For a query of several plain words, an optional bonus where they occur whole
as one phrase (`电信 诈骗` ranks `电信诈骗` first). `plan(node, ranked=False)`
leaves the optional clauses out: the same matches, scored by the n-gram match
alone (the base score).

The plan runs two ways, and they must agree to the last digit shown:
`to_whoosh` compiles it for Whoosh's own matchers (the reference, and the
shapes bulk scoring leaves to Whoosh), `scoring.plan_scores` evaluates it
over posting lists read in bulk (the fast path). tests/test_scoring.py
compares them on the benchmark's query mix.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from whoosh import query as wq
from whoosh.scoring import BM25F

from indexer.engines.whoosh.phrase import Docnums, GramPhrase
from indexer.api import QueryError
from indexer.fields import PHRASE_BONUS, SCOPED_GRAMS, TEXT_GRAMS, TITLE_BONUS, TITLE_BONUS_GRAMS, WORD_WEIGHT, WORDS
from indexer.query import And, DateRange, Near, Node, Not, Or, Text
from indexer.text.ngrams import covering, query_grams
from indexer.text.normalize import compact
from indexer.text.segmenter import words

# The ranking weights (WORD_WEIGHT, TITLE_BONUS, PHRASE_BONUS) are both engines': indexer.fields.
# A near match's score is its words' scores times 1 + PROXIMITY_BONUS / (1 + characters between them):
# words side by side count double, ten characters apart a tenth more.
PROXIMITY_BONUS = 1.0

BM25_B = 0.75
BM25_K1 = 1.2
# What Whoosh adds for each exclusion in an AND (its InverseMatcher scores 1.0 per document).
EXCLUSION_SCORE = 1.0


def weighting() -> BM25F:
    return BM25F(B=BM25_B, K1=BM25_K1)


@dataclass(frozen=True)
class Grams:
    """A compact text's characters in a row in `field`: one gram (a term), or several at `offsets` (a phrase)."""

    field: str
    grams: tuple[str, ...]
    offsets: tuple[int, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Boosted:
    """`required` decides the match; each of `optional` that also matches adds its score."""

    required: Clause
    optional: tuple[Clause, ...]


@dataclass(frozen=True)
class Word:
    """A jieba word in the `words` field."""

    word: str
    boost: float


# A plan is the query's tree with each Text replaced by what scores it: And, Or, Not and DateRange
# keep their meaning (an And adds EXCLUSION_SCORE for each Not; a DateRange scores nothing).
@dataclass(frozen=True)
class NearGrams:
    """Each word (a `Grams`, all in one field) within `distance` characters of the others, any order.
    Scored as the words' scores added up, times PROXIMITY_BONUS / (1 + the characters between)
    more: the nearer, the higher."""

    words: tuple[Grams, ...]
    distance: int
    boost: float = 1.0


Clause = Union[Grams, Word, Boosted, And, Or, Not, DateRange, NearGrams]


def grams(field: str, text: str, boost: float = 1.0) -> Grams:
    """The fewest grams that pin compact `text` down in `field` (`ngrams.query_grams`, `covering`)."""
    found = query_grams(text)
    offsets = covering(found)
    return Grams(field, tuple(found[i] for i in offsets), tuple(offsets), boost)


def plan(node: Node, ranked: bool = True) -> Clause:
    """What scores a document for `node`: the base score with `ranked=False`, the full one without."""
    main = _clause(node, ranked)
    texts = _plain_texts(node) if ranked else []
    if not texts:
        return main
    whole = compact(" ".join(texts)).text  # 电信 诈骗 -> 电信诈骗, new york stays two
    return Boosted(main, (grams(TEXT_GRAMS, whole, PHRASE_BONUS),))


def _clause(node: Node, ranked: bool) -> Clause:
    if isinstance(node, Text):
        match = grams(SCOPED_GRAMS.get(node.field, TEXT_GRAMS), node.text)
        if not ranked:
            return match
        ranking: list[Clause] = [Word(word, WORD_WEIGHT) for word in dict.fromkeys(words(node.text))]
        if node.field is None and TITLE_BONUS:
            ranking.append(grams(TITLE_BONUS_GRAMS, node.text, TITLE_BONUS))
        return Boosted(match, tuple(ranking)) if ranking else match
    if isinstance(node, DateRange):
        return node
    if isinstance(node, Near):
        field = SCOPED_GRAMS.get(node.field, TEXT_GRAMS)
        return NearGrams(tuple(grams(field, text) for text in node.texts), node.distance)
    if isinstance(node, (And, Or)):
        return type(node)(tuple(_clause(item, ranked) for item in node.items))  # type: ignore[arg-type]
    if isinstance(node, Not):
        return Not(_clause(node.item, False))  # type: ignore[arg-type]
    raise TypeError(f"not a query node: {node!r}")


def _plain_texts(node: Node) -> list[str]:
    """The texts of a plain multi-word query (an AND of unscoped texts, nothing else), else []."""
    if not isinstance(node, And) or not all(isinstance(i, Text) and i.field is None for i in node.items):
        return []
    return [item.text for item in node.items]


def to_whoosh(clause: Clause, within: Docnums | None = None, optional: bool = False) -> wq.Query:
    """The Whoosh query for a plan. `within` limits the phrases of optional clauses to those documents
    (re-scoring a head of results: a bonus phrase must not be looked for through the whole index)."""
    if isinstance(clause, Grams):
        if len(clause.grams) == 1:
            return wq.Term(clause.field, clause.grams[0], boost=clause.boost)
        return GramPhrase(clause.field, list(clause.grams), clause.offsets, boost=clause.boost,
                          within=within if optional else None)
    if isinstance(clause, Word):
        return wq.Term(WORDS, clause.word, boost=clause.boost)
    if isinstance(clause, DateRange):
        return wq.TermRange("day", f"{clause.start:08d}", f"{clause.end:08d}", constantscore=True, boost=0.0)
    if isinstance(clause, And):
        return wq.And([to_whoosh(item, within) for item in clause.items])
    if isinstance(clause, Or):
        return wq.Or([to_whoosh(item, within) for item in clause.items])
    if isinstance(clause, Not):
        return wq.Not(to_whoosh(clause.item))
    if isinstance(clause, NearGrams):  # only the bulk path checks distances (scoring.plan_scores)
        raise QueryError("近邻检索（\"…\"~N）不能放在单独的 NOT 里，也不能和单独的 NOT 或日期用 OR 连接；"
                         "请和其他检索词一起用（例如 民警 -\"钱其琛 意大利\"~10）")
    extra = [to_whoosh(item, within, optional=True) for item in clause.optional]
    return wq.AndMaybe(to_whoosh(clause.required, within), extra[0] if len(extra) == 1 else wq.Or(extra))


def build(node: Node | None, ranked: bool = True, within: Docnums | None = None) -> wq.Query:
    """The Whoosh query for a parsed query (`plan`, compiled); None (blank query) matches everything.

    Callers keep to the articles (`Snapshot.articles`) where the query itself
    does not imply them: a date range or a NOT alone would also match the
    issue records.
    """
    return wq.Every() if node is None else to_whoosh(plan(node, ranked), within)
