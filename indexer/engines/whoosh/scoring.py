"""Scores from bulk postings (`bulk`): the base score of a text, and the full score of a head of results.

The base score of a text is its n-gram match (a term or a gram phrase in
`text_grams`, or the scoped field), as Whoosh scores the unranked query.
The full score, what `ranking.build` scores, is needed for a few dozen
documents only (the head that `search` re-orders): the base score plus
what the ranking clauses add, each text's jieba words (`WORD_WEIGHT`) and
its n-grams in the title (`TITLE_BONUS`), and for plain multi-word queries
the words whole as one phrase (`PHRASE_BONUS`). And and Or add up the
parts that match; a date range adds nothing, a NOT `EXCLUSION_SCORE`.
Whoosh computes the same sums through matchers that walk and skip every
list one posting at a time (50-100 ms for two common words); here each
list is read only in the blocks that hold a head document.
"""
from __future__ import annotations

from indexer.fields import WORDS
from indexer.engines.whoosh.bulk import PackedRanking, phrase_ranking, term_ranking
from indexer.engines.whoosh.codec.postings import doc_frequency
from indexer.text.normalize import compact
from indexer.query import And, DateRange, Node, Not, Or, Text
from indexer.engines.whoosh.ranking import BM25_K1, PHRASE_BONUS, TITLE_BONUS, WORD_WEIGHT, match_grams, plain_texts
from indexer.text.segmenter import words
from indexer.engines.whoosh.snapshot import Snapshot

Scores = dict[int, float]
# What Whoosh adds for each exclusion in an AND (its InverseMatcher scores 1.0 per document):
# added here too, so the scores shown stay what they were.
EXCLUSION_SCORE = 1.0


def text_ranking(snap: Snapshot, node: Text, within: list[int] | None = None) -> PackedRanking:
    """The base score of every document (of the sorted docnums `within`, if given) matching `node`, best first.

    Whole rankings are cached per snapshot (`Snapshot.texts`): different
    queries share their common words (联播 in 国内 联播, 快讯 联播, 联播 -快讯),
    and the commonest cost the most to read. Where a text's whole ranking is
    cached, the documents `within` are taken from it; a single term is read
    whole (and cached) when `within` is a quarter of its list or more, since
    its documents are then in nearly every block anyway.
    """
    field, grams, offsets = match_grams(node)
    cached = snap.texts.get(node)
    if cached is None and within is not None and len(grams) == 1 \
            and 4 * len(within) >= doc_frequency(snap.searcher, field, grams[0]):
        cached = text_ranking(snap, node)
    if cached is not None:
        return cached if within is None else cached.among(within)
    norms = snap.length_norms(field)
    if len(grams) == 1:
        ranking = term_ranking(snap.searcher, field, grams[0], norms, BM25_K1, within)
    else:
        ranking = phrase_ranking(snap.searcher, field, grams, offsets, norms, BM25_K1, within)
    if within is None:
        snap.texts.put(node, ranking, size=len(ranking) + 1)
    return ranking


def _scores(ranking: PackedRanking, boost: float = 1.0) -> Scores:
    return ranking.by_docnum() if boost == 1.0 else PackedRanking(ranking.scores * boost, ranking.docnums).by_docnum()


def _ranking_clauses(snap: Snapshot, node: Text, head: list[int]) -> list[Scores]:
    """The optional clauses `ranking.text_query` adds to a text: its words, and its grams in the title."""
    clauses = [_scores(term_ranking(snap.searcher, WORDS, word, snap.length_norms(WORDS), BM25_K1, head),
                       WORD_WEIGHT) for word in dict.fromkeys(words(node.text))]
    if node.field is None and TITLE_BONUS:
        clauses.append(_scores(text_ranking(snap, Text(node.text, "title"), head), TITLE_BONUS))
    return clauses


def _text_scores(snap: Snapshot, node: Text, head: list[int]) -> Scores:
    """The text's match plus, where any of them matches, the sum of its ranking clauses."""
    match = _scores(text_ranking(snap, node, head))
    clauses = _ranking_clauses(snap, node, head)
    for docnum in match:
        extra = [clause[docnum] for clause in clauses if docnum in clause]
        if extra:
            match[docnum] += sum(extra)
    return match


def _tree_scores(snap: Snapshot, node: Node, head: list[int]) -> Scores | None:
    """docnum -> full score of the head documents `node` matches; None for a part that cannot
    stand alone (a NOT or a date range outside an AND: the caller leaves those to Whoosh)."""
    if isinstance(node, Text):
        return _text_scores(snap, node, head)
    if isinstance(node, (And, Or)):
        items = tuple(dict.fromkeys(node.items))  # Whoosh drops repeated subqueries
        positives = [item for item in items if not isinstance(item, (Not, DateRange))]
        if not positives or (isinstance(node, Or) and len(positives) < len(items)):
            return None
        parts = [_tree_scores(snap, item, head) for item in positives]
        if any(part is None for part in parts):
            return None
        merged: Scores = {}
        if isinstance(node, And):  # the head matched the base query: every part holds every document
            excluded = EXCLUSION_SCORE * sum(isinstance(item, Not) for item in items)
            for docnum in parts[0]:
                if all(docnum in part for part in parts):
                    merged[docnum] = sum(part[docnum] for part in parts) + excluded
            return merged
        for part in parts:
            for docnum, score in part.items():
                merged[docnum] = merged.get(docnum, 0.0) + score
        return merged
    return None


def full_scores(snap: Snapshot, node: Node, head: list[int]) -> Scores | None:
    """docnum -> full score of each document of the sorted `head` (all matches of `node`), or None
    where the query has a shape left to Whoosh.
    """
    scores = _tree_scores(snap, node, head)
    if scores is None or len(scores) != len(head):
        return None
    texts = plain_texts(node)
    if texts:
        bonus = _scores(text_ranking(snap, Text(compact(" ".join(texts)).text), head), PHRASE_BONUS)
        for docnum, score in bonus.items():
            scores[docnum] += score
    return scores
