"""Text analysis shared by every engine: folding and compact text, jieba words, place names, n-grams.

Nothing here imports Whoosh or an engine: the same functions turn a
document's text and a query's text into what an engine indexes and looks up.
"""
