"""BM25 of one term for every document that has it, in one tight loop.

The commonest searches are one or two characters (`的`, `中国`): one term,
thousands of documents. Whoosh scores them through its matcher and
collector machinery, several Python calls per document; reading the
posting list once and applying the same BM25 formula in a comprehension
gives the same scores (a test checks) in about half the time.
"""
from __future__ import annotations

from whoosh.searching import Searcher


def term_ranking(searcher: Searcher, field: str, text: str, lengths: list[int], b: float,
                 k1: float) -> list[tuple[float, int]]:
    """(score, docnum) of every document containing `text` in `field`, best first (docnum breaks ties).

    `lengths[docnum]` is the document's length in `field` (Snapshot.field_lengths).
    """
    reader = searcher.reader()
    if (field, text) not in reader:
        return []
    matcher = reader.postings(field, text)
    docnums: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        docnums.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    idf = searcher.idf(field, text)
    average = searcher.avg_field_length(field) or 1.0
    scored = [
        (idf * (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths[docnum] / average)), docnum)
        for docnum, tf in zip(docnums, weights)
    ]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored
