"""Full-text index of the archive: the shared parts, one folder per engine, and the one interface.

    api.py        the `Engine` Protocol webui and the CLI call, and the records it returns
    factory.py    open_engine(settings): the engine the settings select
    settings.py   the one Settings object, built at the edge and handed to the engine
    query.py      the query language: its parser, frozen parse tree and request limits
    documents.py  issue files -> the documents every engine indexes (fields, sections, facets)
    text/         folding and compact text, jieba words, place names, character n-grams
    present/      snippets, highlighting, article and issue views, facet shaping
    lifecycle/    scan of DATA/issues/, digests, the reindex lock, durable writes, add, watch
    engines/      whoosh/ (the local index, the default); solr/ (a SolrCloud collection)

Nothing outside `engines/` imports Whoosh or an engine, except `factory`
(which picks one) and `analysis` (kept for the pickled schemas of existing
indexes); tests/test_layout.py holds that. docs/architecture.md draws it.
"""
