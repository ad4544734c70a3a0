"""Whoosh's W3 segment files, read and written in bulk with numpy: postings, blocks, term tables.

Byte for byte Whoosh-Reloaded 2.7.5's layout (tests/test_segment_writer.py
and tests/test_term_table.py compare with Whoosh's own writer).
"""
