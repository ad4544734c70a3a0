"""Query tree -> Whoosh query: n-grams decide what matches, words and phrases rank.

For every `Text` of the query:
* required: its n-gram phrase (`ngrams.query_grams`) in `text_grams`
  (title, subtitle, byline, body as BM25F-boosted sections, so a title match
  outweighs a body match), or in `title_grams` / `byline_grams` when scoped;
* optional: its jieba words in `words` (boosted the same way), so whole
  words score above incidental character sequences;
* optional: its n-grams in `title_grams`, which has a length normalisation
  of its own (the part of BM25F one shared field lacks): a title that is
  mostly the query outranks a long article that mentions it in passing.
For a query of several plain words, an optional bonus where they occur whole
as one phrase (`电信 诈骗` ranks `电信诈骗` first).
"""
from __future__ import annotations

from whoosh import query as wq
from whoosh.scoring import BM25F

from indexer.fields import SCOPED_GRAMS, TEXT_GRAMS, WORDS
from indexer.engines.whoosh.phrase import Docnums, GramPhrase
from indexer.query import And, DateRange, Node, Not, Or, Text
from indexer.text.ngrams import covering, query_grams
from indexer.text.normalize import compact
from indexer.text.segmenter import words

# Word terms relative to the n-gram match they refine. On pd1998 headline
# keywords 0 ranks as well (98.3 %): the words matter for body-only matches,
# where a whole word should beat the same characters across two words.
WORD_WEIGHT = 0.5
PHRASE_BONUS = 2.0
TITLE_BONUS = 3.0  # measured with bench.ranking: 97.7 % without, 98.3 % from 3 up

BM25_B = 0.75
BM25_K1 = 1.2


def weighting() -> BM25F:
    return BM25F(B=BM25_B, K1=BM25_K1)


def date_range(start: int, end: int) -> wq.Query:
    """Articles dated start..end (YYYYMMDD ints, inclusive); exact, scoring nothing."""
    return wq.TermRange("day", f"{start:08d}", f"{end:08d}", constantscore=True, boost=0.0)


def match_grams(node: Text) -> tuple[str, list[str], list[int]]:
    """(field, grams, offsets): the grams the unranked query for `node` needs, gram i at p + offsets[i]."""
    grams = query_grams(node.text)
    offsets = covering(grams)
    return SCOPED_GRAMS.get(node.field, TEXT_GRAMS), [grams[i] for i in offsets], offsets


def single_term(node: Node | None) -> tuple[str, str] | None:
    """(field, term) when the unranked query for `node` is one Term (one character or one bigram)."""
    if not isinstance(node, Text):
        return None
    field, grams, _ = match_grams(node)
    return (field, grams[0]) if len(grams) == 1 else None


def grams_query(field: str, text: str, boost: float = 1.0, within: Docnums | None = None) -> wq.Query:
    """Matches `text` (compact) where its characters occur in a row in `field` (only `within`, if given)."""
    grams = query_grams(text)
    if len(grams) == 1:
        return wq.Term(field, grams[0], boost=boost)
    offsets = covering(grams)
    return GramPhrase(field, [grams[i] for i in offsets], offsets, boost=boost, within=within)


def text_query(node: Text, ranked: bool, within: Docnums | None) -> wq.Query:
    match = grams_query(SCOPED_GRAMS.get(node.field, TEXT_GRAMS), node.text)
    if not ranked:
        return match
    ranking = [wq.Term(WORDS, word, boost=WORD_WEIGHT) for word in dict.fromkeys(words(node.text))]
    if node.field is None and TITLE_BONUS:
        ranking.append(grams_query(SCOPED_GRAMS["title"], node.text, TITLE_BONUS, within))
    if not ranking:
        return match
    return wq.AndMaybe(match, ranking[0] if len(ranking) == 1 else wq.Or(ranking))


def to_whoosh(node: Node, ranked: bool = True, within: Docnums | None = None) -> wq.Query:
    if isinstance(node, Text):
        return text_query(node, ranked, within)
    if isinstance(node, DateRange):
        return date_range(node.start, node.end)
    if isinstance(node, And):
        return wq.And([to_whoosh(item, ranked, within) for item in node.items])
    if isinstance(node, Or):
        return wq.Or([to_whoosh(item, ranked, within) for item in node.items])
    if isinstance(node, Not):
        return wq.Not(to_whoosh(node.item, False))
    raise TypeError(f"not a query node: {node!r}")


def plain_texts(node: Node) -> list[str]:
    """The texts of a plain multi-word query (an AND of unscoped texts, nothing else), else []."""
    if not isinstance(node, And) or not all(isinstance(i, Text) and i.field is None for i in node.items):
        return []
    return [item.text for item in node.items]


def phrase_bonus(node: Node, within: Docnums | None = None) -> wq.Query | None:
    """Optional clause for plain multi-word queries: the words whole, in order, as one phrase."""
    texts = plain_texts(node)
    if not texts:
        return None
    whole = compact(" ".join(texts)).text  # 电信 诈骗 -> 电信诈骗, new york stays two
    return grams_query(TEXT_GRAMS, whole, PHRASE_BONUS, within)


def build(node: Node | None, ranked: bool = True, within: Docnums | None = None) -> wq.Query:
    """The Whoosh query for a parsed query; None (blank query) matches everything.

    `ranked=False` leaves out the optional ranking clauses: the same matches,
    found several times faster, for counting and facets. `within` limits the
    optional phrase clauses to those documents (re-scoring a head of results:
    a bonus phrase must not be looked for through the whole index).
    Callers keep to the articles (`Snapshot.articles`) where the query itself
    does not imply them: a date range or a NOT alone would also match the
    issue records.
    """
    if node is None:
        return wq.Every()
    main = to_whoosh(node, ranked, within)
    bonus = phrase_bonus(node, within) if ranked else None
    return wq.AndMaybe(main, bonus) if bonus is not None else main
