"""Write a new Whoosh segment from documents, without Whoosh's posting pool.

Why not `whoosh.writing.SegmentWriter`: profiled on a 1.15M-character
sample, most of a build went into machinery a one-shot batch does not need.
Every posting was pickled into a `PostingPool`, spilled to temporary files,
read back and heap-merged (~30 s); the field writer then looked up the
document's field length in a column, per posting (~14 s); and the analyzer
made a `Token` object per gram (~7 s).

This writer keeps each field's postings in memory (term -> list of
(document number, weight, encoded positions)), computed per document by
our tokenizers' `term_positions` (no Token objects; the per-gram loops run
in C), and remembers each document's field lengths as it goes. `finish()`
then writes every term's posting blocks and term info in the byte layout
of `W3PostingsWriter` / `W3TermInfo` / `OrderedHashWriter` (block stats
from the lengths it already has), one write per field, and the stored
fields, lengths and columns through the codec's own per-document writer,
exactly as `SegmentWriter` does. What a reader gets back is what
`SegmentWriter` writes for the same documents (tests/test_segment_writer.py
compares them term by term, posting by posting), so readers, phrase
queries and BM25F scores see no difference. The pinned Whoosh-Reloaded's
layout is relied on; that test is what catches a change.

Postings blocks are written uncompressed (`POSTINGS_COMPRESSION`): zlib on
every small block cost more build time than the space it saved is worth;
each block records its own compression, so segments written either way
read the same.

Memory: a posting costs ~100 bytes here until `finish()`; `segments` starts
a new segment once `postings` passes its limit.
"""
from __future__ import annotations

import zlib
from array import array
from collections import defaultdict, deque
from collections.abc import Iterable
from itertools import repeat
from operator import sub
from pickle import dumps
from typing import Any

from whoosh.codec.base import Segment
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.filedb.filetables import _lengths as _KEY_VALUE_LENGTHS
from whoosh.fields import FieldType
from whoosh.formats import Format, Frequency, Positions
from whoosh.index import Index
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte

from indexer.analysis import SectionedTokenizer

# zlib level of postings blocks; 0 = stored as they are (see module docstring)
POSTINGS_COMPRESSION = 0

_TERM_INFO = W3TermInfo._struct  # flags, total weight, doc freq, min/max length bytes, max weight, first/last id
_ONE = pack_uint(1)

# term (str from our tokenizers, bytes from Whoosh's fields) -> (document number, weight, encoded value)s
_Postings = defaultdict[str | bytes, list[tuple[int, float, bytes]]]


class SegmentBuilder:
    """Takes documents like `SegmentWriter.add_document`, writes them as one segment on `finish()`.

    Nothing is visible to readers until a table of contents names the
    segment (see `segments.commit`).
    """

    def __init__(self, ix: Index) -> None:
        self.schema = ix.schema
        self.storage = ix.storage
        self.codec = W3Codec(compression=POSTINGS_COMPRESSION)
        self.segment = self.codec.new_segment(self.storage, ix.indexname)
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        self.docnum = 0
        self.postings = 0  # how many postings are held in memory
        self._terms: dict[str, _Postings] = {}
        self._single: list[bytes] = []
        self._lengths: dict[str, dict[int, int]] = {}  # field -> docnum -> length (scorable fields)
        for name, field in self.schema.items():
            if field.separate_spelling() or field.vector:
                raise ValueError(f"field {name!r}: spelling and vectors are not supported by SegmentBuilder")

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
        for name in sorted(self._terms):
            if self._terms[name]:
                self._write_field(fieldwriter, name)
        fieldwriter.close()
        self.segment.set_doc_count(self.docnum)
        self.segment.create_compound_file(self.storage)
        return self.segment

    def cancel(self) -> None:
        """Close the open files; what was written stays unreferenced (the next commit deletes it)."""
        if not self.perdoc.is_closed:
            self.perdoc.close()
        self._terms.clear()

    # ------------------------------------------------------------ analysis

    def _index_field(self, name: str, field: FieldType, value: Any, docnum: int) -> int:
        """Add one field value's postings; returns its length (token count, if scorable)."""
        terms = self._terms.setdefault(name, defaultdict(list))
        analyzer = getattr(field, "analyzer", None)
        fmt = field.format
        if isinstance(analyzer, SectionedTokenizer) and type(fmt) in (Positions, Frequency):
            # str keys: their code point order is the byte order of their UTF-8 (encoded when written)
            positions, weights = analyzer.term_positions(value)
            length = sum(map(len, positions.values()))
            if type(fmt) is Positions:
                single = self._single_positions(length)
                encoded = [single[at[0]] if len(at) == 1 else _encode_positions(at) for at in positions.values()]
            else:
                encoded = list(map(pack_uint, map(len, positions.values())))
            if fmt.field_boost != 1.0:
                weights = {term: weight * fmt.field_boost for term, weight in weights.items()}
            _append_each(terms, positions, zip(repeat(docnum), weights.values(), encoded))
            self.postings += len(positions)
        else:
            items = list(field.index(value))
            length = sum(freq for _, freq, _, _ in items)
            _append_each(terms, [key for key, _, _, _ in items],
                         [(docnum, weight, encoded) for _, _, weight, encoded in items])
            self.postings += len(items)
        if not field.scorable:
            return 0
        if length:  # blocks store min/max lengths as bytes, so the exact length does
            self._lengths.setdefault(name, {})[docnum] = length
        return length

    def _single_positions(self, count: int) -> list[bytes]:
        """`Positions.encode([p])` for every p below `count` (most postings hold one position).

        Equal values then share one bytes object, which pickle writes once
        per block and a back-reference after; it reads back the same.
        """
        table = self._single
        table.extend(_ONE + dumps([p], 2) for p in range(len(table), count))
        return table

    # ------------------------------------------------------------- writing

    def _write_field(self, fieldwriter: Any, name: str) -> None:
        """Write one field's terms in byte order into the postings file and the term index."""
        field = self.schema[name]
        fieldwriter.start_field(name, field)
        postfile = fieldwriter._postfile
        offset = postfile.tell()
        blocks = _BlockEncoder(self.codec, field.format, self._lengths.get(name, {}))
        prefix = pack_ushort(fieldwriter._fieldid)
        terms = self._terms[name]
        encoded: list[bytes] = []
        entries: list[tuple[bytes, bytes]] = []
        for term in sorted(terms):
            postings, info = blocks.term(terms[term], offset)
            encoded.append(postings)
            offset += len(postings)
            entries.append((prefix + (term.encode("utf-8") if isinstance(term, str) else term), info))
        postfile.write(b"".join(encoded))
        _add_in_order(fieldwriter._tindex, entries)
        fieldwriter.finish_field()


class _BlockEncoder:
    """A term's postings as `W3PostingsWriter` writes them, with its term info as `W3TermInfo` packs it.

    Postings go in blocks of `blocklimit`, each a header (posting count,
    last id, max weight, compression, min/max length bytes) and the pickled
    (id gaps, weights, values); the weights as read back are float32.
    """

    def __init__(self, codec: W3Codec, fmt: Format, lengths: dict[int, int]) -> None:
        self.blocklimit = codec._blocklimit
        self.compression = codec._compression
        self.fixedsize = fmt.fixed_value_size()
        self.lengths = lengths

    def term(self, postings: list[tuple[int, float, bytes]], offset: int) -> tuple[bytes, bytes]:
        """The bytes of every block of the posting list, and its term info, for postings written at `offset`."""
        parts = [WHOOSH3_HEADER_MAGIC]
        total = 0.0
        maxweight: float = 0
        minlength: int | None = None
        maxlength = 0
        last = len(postings) - 1
        for start in range(0, len(postings), self.blocklimit):
            block = postings[start : start + self.blocklimit]
            docnums, weights, values = zip(*block)
            stored_weights = array("f", weights)  # what a block's weights are read back as
            block_max = max(0, max(weights))
            known = list(filter(None, map(self.lengths.get, docnums)))
            block_min = min(known) if known else None
            block_maxlength = max(known) if known else 0
            data = (tuple(map(sub, docnums, (0,) + docnums[:-1])), _mini_weights(stored_weights),
                    self._mini_values(values))
            databytes = dumps(data, 2)
            if self.compression:
                databytes = zlib.compress(databytes, self.compression)
            infobytes = dumps((len(docnums), docnums[-1], block_max, self.compression,
                               length_to_byte(block_min), length_to_byte(block_maxlength)), 2)
            size = len(infobytes) + len(databytes)
            parts += (pack_int(-size if start + self.blocklimit > last else size), infobytes, databytes)
            total += sum(stored_weights)
            maxweight = max(maxweight, block_max)
            if block_min is not None:
                minlength = block_min if minlength is None else min(minlength, block_min)
            maxlength = max(maxlength, block_maxlength)
        encoded = b"".join(parts)
        info = _TERM_INFO.pack(False, total, len(postings), 0 if minlength is None else length_to_byte(minlength),
                               length_to_byte(maxlength), maxweight, postings[0][0], postings[-1][0])
        return encoded, info + pack_long(offset) + pack_int(len(encoded))

    def _mini_values(self, values: tuple[bytes, ...]) -> tuple[bytes, ...] | bytes | None:
        nonempty = tuple(filter(None, values))
        if self.fixedsize is None or self.fixedsize < 0:
            return nonempty
        return None if self.fixedsize == 0 else b"".join(nonempty)


def _mini_weights(weights: array) -> tuple[float, ...] | float | None:
    """A block's weights as `W3PostingsWriter` stores them: None if all 1, one if all equal."""
    if weights.count(weights[0]) == len(weights):
        return None if weights[0] == 1.0 else weights[0]
    return tuple(weights)


def _add_in_order(tindex: OrderedHashWriter, entries: list[tuple[bytes, bytes]]) -> None:
    """`OrderedHashWriter.add` for many (key, value) pairs in increasing key order, in one write."""
    dbfile = tindex.dbfile
    position = dbfile.tell()
    hashfn = tindex.hashfn
    buckets = tindex.buckets
    keep_position = tindex.index.append
    records = []
    for key, value in entries:
        keep_position(position)
        hashed = hashfn(key)
        buckets[hashed & 255].append((hashed, position))
        record = _KEY_VALUE_LENGTHS.pack(len(key), len(value)) + key + value
        records.append(record)
        position += len(record)
    dbfile.write(b"".join(records))
    if entries:
        tindex.lastkey = entries[-1][0]


def _append_each(postings: defaultdict[Any, list], terms: Iterable[Any], items: Iterable[Any]) -> None:
    """postings[term].append(item) pairwise, looped in C (no Python frame per posting)."""
    deque(map(list.append, map(postings.__getitem__, terms), items), maxlen=0)


def _encode_positions(positions: list[int]) -> bytes:
    """`Positions.encode`: the count, then the pickled gaps between positions."""
    if len(positions) == 1:
        return _ONE + dumps(positions, 2)
    return pack_uint(len(positions)) + dumps([positions[0], *map(sub, positions[1:], positions)], 2)


def _encode_frequency(positions: list[int]) -> bytes:
    """`Frequency`'s posting value: the term's count in the document."""
    return pack_uint(len(positions))
