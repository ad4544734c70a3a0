"""The archive core: issue files on disk -> repaired text -> articles.

Knows nothing of Whoosh, jieba or Flask; `archive.cli` is the one entry point
that reaches up into `indexer` and `webui`.
"""
