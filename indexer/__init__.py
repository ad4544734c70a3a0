"""Full-text index of the archive: analysis, schema, index lifecycle, search, snippets.

`webui` and `archive.cli` use only `open_archive()` and the records of
`indexer.api`; nothing from Whoosh leaves this package.
"""
