"""Write a new Whoosh segment from documents, without Whoosh's posting pool.

Why not `whoosh.writing.SegmentWriter`: profiled on a 1.15M-character
sample, most of a build went into machinery a one-shot batch does not need.
Every posting was pickled into a `PostingPool`, spilled to temporary files,
read back and heap-merged (~30 s); the field writer then looked up the
document's field length in a column, per posting (~14 s); and the analyzer
made a `Token` object per gram (~7 s).

This writer keeps each field's values in memory in the cheapest form that
still gives the postings (`field_postings`: the n-gram fields' position
texts, the words' numbers), and remembers each document's field lengths as
it goes. `finish()` sorts each field's tokens into postings with numpy and
hands them, a chunk of terms at a time, to `block_encoding.encode`, which
writes the blocks and term infos in the byte layout `W3PostingsWriter` /
`W3TermInfo` read (its docstring says where the bytes differ from Whoosh's
and why no reader can tell); the term index goes through `term_table`
(the same bytes as Whoosh's, in bulk); the stored fields, lengths and columns go
through the codec's own per-document writer, exactly as `SegmentWriter`
does. What a reader gets back is what `SegmentWriter` writes for the same
documents (tests/test_segment_writer.py compares them term by term, posting
by posting), so readers, phrase queries and BM25F scores see no difference.

Only posting blocks of at least `COMPRESS_FROM_BYTES` are compressed, at
zlib level 1 (Whoosh compresses every block at level 3): a zlib call costs
about the same for 80 bytes as for 2 KB, and three quarters of the blocks
are that small, holding a tenth of the bytes; level 1 took half the time of
level 3 on the sample for an index as large (46 MB either way). Each block
records its own compression, so readers read both kinds.

Memory: a few bytes a token until `finish()` (`segments` starts a new
segment once `tokens` passes its limit); sorting the largest field then
takes ~80 bytes a token, and encoding a chunk of `CHUNK_POSTINGS` postings
some 50 bytes per byte it writes.
"""
from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
from whoosh.codec.base import Segment
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import FieldType
from whoosh.index import Index
from whoosh.system import pack_ushort
from whoosh.util.numeric import length_to_byte

from indexer.engines.whoosh.codec.block_encoding import BlockFormat, TermPostings, encode
from indexer.engines.whoosh.codec.field_postings import VALUE_KINDS, FieldPostings
from indexer.engines.whoosh.codec.term_table import add_sorted, write_hash_tables

# Smaller posting blocks are stored as they are (see module docstring).
COMPRESS_FROM_BYTES = 256
COMPRESSION_LEVEL = 1
# Terms are encoded in chunks of about this many postings (bounds the encoder's scratch memory).
CHUNK_POSTINGS = 400_000

class SegmentBuilder:
    """Takes documents like `SegmentWriter.add_document`, writes them as one segment on `finish()`.

    Nothing is visible to readers until a table of contents names the
    segment (see `segments.commit`).
    """

    def __init__(self, ix: Index) -> None:
        self.schema = ix.schema
        self.storage = ix.storage
        self.codec = W3Codec()
        self.segment = self.codec.new_segment(self.storage, ix.indexname)
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        self.docnum = 0
        self._fields: dict[str, FieldPostings] = {}
        self._lengths: dict[str, dict[int, int]] = {}  # field -> docnum -> length (scorable fields)
        for name, field in self.schema.items():
            if field.separate_spelling() or field.vector:
                raise ValueError(f"field {name!r}: spelling and vectors are not supported by SegmentBuilder")
            if field.indexed and type(field.format) not in VALUE_KINDS:
                raise ValueError(f"field {name!r}: format {type(field.format).__name__} is not supported")

    @property
    def tokens(self) -> int:
        """How many tokens (postings, for fields that are not tokenized) are held in memory."""
        return sum(postings.tokens for postings in self._fields.values())

    def add_document(self, **fields: Any) -> None:
        """Add one document (field name -> value); its postings stay in memory until `finish`."""
        docnum = self.docnum
        perdoc = self.perdoc
        perdoc.start_doc(docnum)
        for name in sorted(fields):
            value = fields[name]
            if value is None:
                continue
            field = self.schema[name]
            length = self._index_field(name, field, value, docnum) if field.indexed else 0
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self.docnum += 1

    def finish(self) -> Segment | None:
        """Write the postings and close the segment; None (and nothing written) if no document was added."""
        self.perdoc.close()
        if not self.docnum:
            return None
        fieldwriter = self.codec.field_writer(self.storage, self.segment)
        tindex = fieldwriter._tindex
        tindex._write_hashes = partial(write_hash_tables, tindex)  # the same tables, in bulk, when it closes
        for name in sorted(self._fields):
            self._write_field(fieldwriter, name, self._fields.pop(name))
        fieldwriter.close()
        self.segment.set_doc_count(self.docnum)
        self.segment.create_compound_file(self.storage)
        return self.segment

    def cancel(self) -> None:
        """Close the open files; what was written stays unreferenced (the next commit deletes it)."""
        if not self.perdoc.is_closed:
            self.perdoc.close()
        self._fields.clear()

    def _index_field(self, name: str, field: FieldType, value: Any, docnum: int) -> int:
        """Add one field value's postings; returns its length (token count, if scorable)."""
        postings = self._fields.get(name)
        if postings is None:
            postings = self._fields[name] = FieldPostings(field)
        length = postings.add(docnum, value)
        if not field.scorable:
            return 0
        if length:  # a document without tokens has no length (blocks record only documents that have one)
            self._lengths.setdefault(name, {})[docnum] = length
        return length

    # ------------------------------------------------------------- writing

    def _write_field(self, fieldwriter: Any, name: str, field_postings: FieldPostings) -> None:
        """Write one field's terms in byte order into the postings file and the term index."""
        postings = field_postings.sorted_postings()
        if not postings.terms:
            return
        fieldwriter.start_field(name, self.schema[name])
        postfile = fieldwriter._postfile
        fmt = BlockFormat(field_postings.kind, self.codec._blocklimit, COMPRESSION_LEVEL, COMPRESS_FROM_BYTES)
        length_bytes = self._length_bytes(name)
        infos: list[bytes] = []
        offset = postfile.tell()
        for first_term, end_term, start, end in _chunks(postings.term_sizes, CHUNK_POSTINGS):
            positions = None
            if postings.positions is not None and postings.position_at is not None:
                positions = postings.positions[postings.position_at[start]:postings.position_at[end]]
            chunk = TermPostings(postings.term_sizes[first_term:end_term], postings.docs[start:end],
                             postings.weights[start:end], postings.counts[start:end], positions)
            data, chunk_infos = encode(chunk, length_bytes, fmt, offset)
            postfile.write(data)
            offset += len(data)
            infos += chunk_infos
        prefix = pack_ushort(fieldwriter._fieldid)
        keys = [prefix + (term.encode("utf-8") if isinstance(term, str) else term) for term in postings.terms]
        add_sorted(fieldwriter._tindex, keys, infos)
        fieldwriter.finish_field()

    def _length_bytes(self, name: str) -> np.ndarray:
        """Each document's length in field `name` as a length byte; -1 where it has none."""
        out = np.full(self.docnum, -1, np.int16)
        lengths = self._lengths.get(name, {})
        if lengths:
            out[np.fromiter(lengths.keys(), np.int64, len(lengths))] = list(map(length_to_byte, lengths.values()))
        return out


def _chunks(term_sizes: np.ndarray, postings: int) -> list[tuple[int, int, int, int]]:
    """(first term, end term, first posting, end posting) of runs of whole terms of about `postings` postings."""
    ends = np.cumsum(term_sizes, dtype=np.int64)
    cuts = np.unique(np.searchsorted(ends, np.arange(postings, int(ends[-1]), postings), side="left") + 1)
    bounds = [0, *[int(c) for c in cuts if c < len(term_sizes)], len(term_sizes)]
    starts = np.concatenate(([0], ends))
    return [(a, b, int(starts[a]), int(starts[b])) for a, b in zip(bounds, bounds[1:])]


