"""What a reader is shown, built the same way whatever engine found it: snippets, views, facets.

Nothing here imports Whoosh or an engine.
"""
