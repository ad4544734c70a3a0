"""Write a new Whoosh segment from documents, without Whoosh's posting pool.

Why not `whoosh.writing.SegmentWriter`: profiled on a 1.15M-character
sample, most of a build went into machinery a one-shot batch does not need.
Every posting was pickled into a `PostingPool`, spilled to temporary files,
read back and heap-merged (~30 s); the field writer then looked up the
document's field length in a column, per posting (~14 s); and the analyzer
made a `Token` object per gram (~7 s).

This writer keeps each field's postings in memory (term -> flat list of
document number, weight, encoded positions, ...), computed per document by
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

Only posting blocks of at least `COMPRESS_FROM_BYTES` are compressed
(Whoosh compresses every one): a zlib call costs about the same for 80
bytes as for 2 KB (it sets up its state each time), and three quarters of
the blocks are that small, holding a tenth of the bytes. Measured on half
the sample: all blocks 19.4 MB in 1.9 s of zlib, from 256 bytes on
20.6 MB in 0.7 s, none 33.7 MB. Each block records its own compression,
so readers (Whoosh's and `postings`) read both kinds.

Where the time goes now (profile of the same sample, one process): jieba
about a third, `term_positions` + collecting postings a quarter, writing
them (`finish`: pickling blocks and term infos, zlib, the term hash) about
40%, a per-term cost (~200k terms per sample half).

Memory: a posting costs ~150 bytes here until `finish()`; `segments` starts
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
from struct import Struct
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

# Smaller posting blocks are stored as they are (see module docstring).
COMPRESS_FROM_BYTES = 256

_TERM_INFO = W3TermInfo._struct  # flags, total weight, doc freq, min/max length bytes, max weight, first/last id
_ONE = pack_uint(1)
_FLOAT32 = Struct("f")  # a weight as a block's array("f") holds it

# term (str from our tokenizers, bytes from Whoosh's fields) -> document number, weight, encoded value, ...
# flat, three items a posting: no tuple per posting for the garbage collector to walk again and again
_Postings = defaultdict[str | bytes, list[int | float | bytes]]


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
            _extend_each(terms, positions, zip(repeat(docnum), weights.values(), encoded))
            self.postings += len(positions)
        else:
            items = list(field.index(value))
            length = sum(freq for _, freq, _, _ in items)
            _extend_each(terms, [key for key, _, _, _ in items],
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

    def term(self, postings: list[int | float | bytes], offset: int) -> tuple[bytes, bytes]:
        """The bytes of every block of the posting list, and its term info, for postings written at `offset`."""
        count = len(postings) // 3
        if count <= self.blocklimit:  # nearly every term: the term's statistics are its one block's
            block, total, maxweight, minlength, maxlength = self._block(postings, last=True)
            encoded = WHOOSH3_HEADER_MAGIC + block
        else:
            step = 3 * self.blocklimit
            blocks = [self._block(postings[start : start + step], last=start + step >= len(postings))
                      for start in range(0, len(postings), step)]
            encoded = WHOOSH3_HEADER_MAGIC + b"".join(block[0] for block in blocks)
            total = sum(block[1] for block in blocks)
            maxweight = max(block[2] for block in blocks)
            minlength = min((block[3] for block in blocks if block[3] is not None), default=None)
            maxlength = max(block[4] for block in blocks)
        info = _TERM_INFO.pack(False, total, count, 0 if minlength is None else length_to_byte(minlength),
                               length_to_byte(maxlength), maxweight, postings[0], postings[-3])
        return encoded, info + pack_long(offset) + pack_int(len(encoded))

    def _block(self, postings: list[int | float | bytes], last: bool) -> tuple[bytes, float, float, int | None, int]:
        """One block: its bytes, total weight, max weight, min length (None: none known), max length."""
        if len(postings) == 3:
            data, total, maxweight, minlength, maxlength = self._one_posting(postings)
        else:
            data, total, maxweight, minlength, maxlength = self._postings(postings)
        databytes = dumps(data, 2)
        compression = self.compression if len(databytes) >= COMPRESS_FROM_BYTES else 0
        if compression:
            databytes = zlib.compress(databytes, compression)
        infobytes = dumps((len(postings) // 3, postings[-3], maxweight, compression,
                           length_to_byte(minlength), length_to_byte(maxlength)), 2)
        size = len(infobytes) + len(databytes)
        return pack_int(-size if last else size) + infobytes + databytes, total, maxweight, minlength, maxlength

    def _postings(self, postings: list[int | float | bytes]) -> tuple[tuple, float, float, int | None, int]:
        """A block's (id gaps, weights, values) as stored, and its statistics."""
        docnums, weights, values = postings[0::3], postings[1::3], postings[2::3]
        stored_weights = array("f", weights)  # what a block's weights are read back as
        known = list(filter(None, map(self.lengths.get, docnums)))
        data = (tuple(map(sub, docnums, [0] + docnums[:-1])), _mini_weights(stored_weights), self._mini_values(values))
        return (data, sum(stored_weights), max(0, max(weights)), min(known) if known else None,
                max(known) if known else 0)

    def _one_posting(self, posting: list[int | float | bytes]) -> tuple[tuple, float, float, int | None, int]:
        """`_postings` for a block of one posting (most blocks: most terms occur in one document)."""
        docnum, weight, value = posting
        stored_weight = _FLOAT32.unpack(_FLOAT32.pack(weight))[0]
        length = self.lengths.get(docnum)
        data = ((docnum,), None if stored_weight == 1.0 else stored_weight, self._mini_values((value,)))
        return data, stored_weight, max(0, weight), length, length or 0

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


def _extend_each(postings: defaultdict[Any, list], terms: Iterable[Any], items: Iterable[tuple]) -> None:
    """postings[term].extend(item) pairwise, looped in C (no Python frame per posting)."""
    deque(map(list.extend, map(postings.__getitem__, terms), items), maxlen=0)


def _encode_positions(positions: list[int]) -> bytes:
    """`Positions.encode`: the count, then the pickled gaps between positions."""
    if len(positions) == 1:
        return _ONE + dumps(positions, 2)
    return pack_uint(len(positions)) + dumps([positions[0], *map(sub, positions[1:], positions)], 2)
