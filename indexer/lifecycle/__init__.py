"""Around the index, for every engine: the issue files (scan, digests), the reindex lock,
durable writes, copying new issues in, and watching the issues folder.

Nothing here imports Whoosh or an engine; the engines call these.
"""
