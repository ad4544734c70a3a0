"""Corrections by editors: the OCR text of an article fixed by hand, the original kept.

The pure parts (applying corrections to an article, character diffs,
carrying corrections to a new scan of an issue) know nothing of storage;
`store` keeps editors, sessions and corrections in DATA/corrections.sqlite;
`service` joins them to the issue files. Nothing here imports Flask, Whoosh
or an engine: the web UI and the indexer call these functions.
"""
