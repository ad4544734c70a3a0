"""The query tree (`indexer.query`) as a Solr (Lucene syntax) query: the same matches as the local engine.

What matches is decided exactly as on the local engine: a text must occur
with its characters in a row, found as a phrase of the n-grams
`analysis.query_grams` computes, in `text_grams` (or `title_grams`,
`byline_grams` when scoped). The phrase lists the covering grams only
(`analysis.covering`) and `|` for each position between them, which the
schema's query analyzer turns into a position gap: `高质量发展` becomes
`"高质 | 量发 发展"`, fewer posting lists than all four bigrams, the same
documents. And, Or and Not are Lucene's +, optional and - clauses; a Not
that stands alone (or inside an Or) is `(*:* -x)`, the documents without x.

Ranking is close to the local engine's but not the same (Lucene's BM25 over
each field instead of BM25F over sections): optional clauses add the
text's jieba words (`WORD_WEIGHT`) and its grams in the title alone
(`TITLE_BONUS`, `TITLE_BONUS_GRAMS`), and for plain multi-word queries the words whole as one
phrase (`PHRASE_BONUS`), as the local engine's ranking plan does.
"""
from __future__ import annotations

from indexer.fields import PHRASE_BONUS, SCOPED_GRAMS, TEXT_GRAMS, TITLE_BONUS, TITLE_BONUS_GRAMS, WORD_WEIGHT
from indexer.api import QueryError
from indexer.query import And, DateRange, Near, Node, Not, Or, Text
from indexer.text.ngrams import covering, query_grams
from indexer.text.normalize import BREAK, compact
from indexer.text.segmenter import words

BREAK_TOKEN = "_"  # what the schema's `grams` type indexes for a BREAK
GAP_TOKEN = "|"  # dropped by the schema's query analyzer: a position left out of a phrase
EVERYTHING = "*:*"


def _quoted(tokens: list[str]) -> str:
    text = " ".join(tokens).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def grams_phrase(field: str, text: str, boost: float | None = None) -> str:
    """`field` has the compact `text` with its characters in a row."""
    grams = query_grams(text)
    tokens = [GAP_TOKEN] * len(grams)
    for at in covering(grams):
        tokens[at] = BREAK_TOKEN if grams[at] == BREAK else grams[at]
    while tokens[-1] == GAP_TOKEN:
        tokens.pop()
    clause = f"{field}:{_quoted(tokens)}"
    return clause if boost is None else f"{clause}^{boost:g}"


def text_clause(node: Text, ranked: bool) -> str:
    match = grams_phrase(SCOPED_GRAMS.get(node.field, TEXT_GRAMS), node.text)
    if not ranked:
        return match
    ranking = [f"words:{_quoted([word])}^{WORD_WEIGHT:g}" for word in dict.fromkeys(words(node.text))]
    if node.field is None and TITLE_BONUS:
        ranking.append(grams_phrase(TITLE_BONUS_GRAMS, node.text, TITLE_BONUS))
    return f"(+{match} {' '.join(ranking)})" if ranking else match


def date_clause(node: DateRange) -> str:
    """Articles dated node.start..node.end inclusive (YYYYMMDD); scores nothing."""
    return f"day:[{node.start} TO {node.end}]^=0"


def clause(node: Node, ranked: bool = True) -> str:
    if isinstance(node, Text):
        return text_clause(node, ranked)
    if isinstance(node, DateRange):
        return date_clause(node)
    if isinstance(node, And):
        parts = [f"-{clause(item.item, False)}" if isinstance(item, Not) else f"+{clause(item, ranked)}"
                 for item in node.items]
        if all(isinstance(item, Not) for item in node.items):
            parts.insert(0, f"+{EVERYTHING}")
        return f"({' '.join(parts)})"
    if isinstance(node, Or):
        return f"({' '.join(clause(item, ranked) for item in node.items)})"
    if isinstance(node, Not):
        return f"({EVERYTHING} -{clause(node.item, False)})"
    if isinstance(node, Near):
        raise QueryError("近邻检索（\"…\"~N）暂时只能在本地索引上使用，Solr 引擎还不支持；请去掉 ~N 改用短语或多个词")
    raise TypeError(f"not a query node: {node!r}")


def phrase_bonus(node: Node) -> str | None:
    """Optional clause for plain multi-word queries: the words whole, in order, as one phrase."""
    if not isinstance(node, And) or not all(isinstance(i, Text) and i.field is None for i in node.items):
        return None
    return grams_phrase(TEXT_GRAMS, compact(" ".join(item.text for item in node.items)).text, PHRASE_BONUS)


def lucene_query(node: Node | None, ranked: bool = True) -> str:
    """The Lucene query for a parsed query; a blank query (None) matches everything."""
    if node is None:
        return EVERYTHING
    main = clause(node, ranked)
    bonus = phrase_bonus(node) if ranked else None
    return f"+{main} {bonus}" if bonus is not None else main
