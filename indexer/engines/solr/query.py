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

from xml.sax.saxutils import escape

from indexer.fields import PHRASE_BONUS, SCOPED_GRAMS, TEXT_GRAMS, TITLE_BONUS, TITLE_BONUS_GRAMS, WORD_WEIGHT
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


def position_tokens(text: str) -> list[str]:
    """The token that starts at each position of compact `text`, as the schema's `grams` type indexes
    it: the bigram where two characters of one run follow, else the unigram (`_` for a BREAK). A span
    of them in a row covers exactly the text's characters, as the local engine's near-search counts."""
    return [BREAK_TOKEN if char == BREAK else text[at : at + 2] if at + 1 < len(text) and BREAK not in text[at : at + 2]
            else char for at, char in enumerate(text)]


def _span(text: str) -> str:
    terms = "".join(f"<SpanTerm>{escape(token)}</SpanTerm>" for token in position_tokens(text))
    return terms if len(text) == 1 else f"<SpanNear slop='0' inOrder='true'>{terms}</SpanNear>"


def near_clause(node: Near) -> str:
    """Every text within `distance` characters of the others, in any order, in one field: Lucene's
    unordered SpanNear (through Solr's xmlparser) of each text as a span of its positions in a row.

    Its slop is what the local engine measures (the positions the texts' span covers, less the
    texts' own lengths), and sections are `positionIncrementGap` apart (ngrams.SECTION_GAP), so the
    same articles match. A nearer match scores higher: Lucene counts each one 1 / (1 + its slop).
    """
    field = SCOPED_GRAMS.get(node.field, TEXT_GRAMS)
    spans = "".join(_span(text) for text in node.texts)
    xml = f"<SpanNear fieldName='{field}' slop='{node.distance}' inOrder='false'>{spans}</SpanNear>"
    return f"_query_:{_quoted(['{!xmlparser}' + xml])}"


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
        return near_clause(node)
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
