"""Text analysis for the index (placeholder: replaced by the jieba + n-gram design).

Analyzer classes must stay importable top-level names: Whoosh pickles the
schema, analyzers included, into the index.
"""
from __future__ import annotations

from whoosh.analysis import Analyzer, StandardAnalyzer


def word_analyzer() -> Analyzer:
    return StandardAnalyzer(stoplist=None, minsize=1)
