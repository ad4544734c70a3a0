"""Old home of the tokenizer classes, kept because existing indexes pickle them by this name.

Whoosh pickles the schema, analyzers included, into every index's table of
contents; indexes built before the reorganisation name
`indexer.analysis.NgramTokenizer` and `indexer.analysis.WordsTokenizer`.
Unpickling resolves those names here, so such an index still opens and
searches, and its next commit pickles the classes under their new module.
Nothing else should import this module.
"""
from indexer.engines.whoosh.analyzers import NgramTokenizer, SectionedTokenizer, WordsTokenizer

__all__ = ["NgramTokenizer", "SectionedTokenizer", "WordsTokenizer"]
