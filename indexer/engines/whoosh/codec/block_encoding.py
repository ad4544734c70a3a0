"""Posting lists encoded as Whoosh 3 posting blocks with numpy, many terms at a time.

Why: after jieba, writing the posting blocks was the largest part of a
build, and nearly all of it was Python work per term and per block (a
1.15M-character sample has 208,000 terms in 212,000 blocks: pickling each
block and its header, its statistics, ~28 µs a term). Here a chunk of terms
is encoded in a fixed number of numpy steps: every pickle is put together
from pieces, either literal opcodes or spans of arrays in which every id
gap, weight and position is already pickled (`_pickled_ints`,
`_pickled_floats`), and the pieces are copied in one gather (`_assemble`).
Only zlib still runs once per (large) block.

What a reader gets back is what `W3PostingsWriter` writes: the same blocks
of `block_limit` postings, the same block headers (count, last id, max
weight, compression, min/max length bytes) and the same values, so Whoosh's
matchers and `indexer.engines.whoosh.codec.postings` read them unchanged
(tests/test_segment_writer.py compares every posting with Whoosh's own
writer). The bytes differ in ways no unpickler sees:

* a block's data is pickled as protocol 3, where Whoosh uses protocol 2:
  protocol 2 writes each encoded position list (bytes) as a call to
  `_codecs.encode(str, "latin1")`, protocol 3 as the bytes themselves
  (measured on a 128-posting block: 105 -> 15 µs to dump, 90 -> 15 µs to
  load, 6.6 -> 4.2 KB);
* no memo opcodes (BINPUT) around them: they only matter for an object
  seen twice.

An encoded position list (`Positions.encode`: a 4-byte count, then the
pickled list of gaps) is byte for byte what Whoosh writes, which
`indexer.engines.whoosh.codec.postings.decoded_positions` relies on.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Literal

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC

ValueKind = Literal["positions", "frequency", "existence"]

_BININT1, _BININT2, _BININT, _BINFLOAT = ord("K"), ord("M"), ord("J"), ord("G")
_SHORT_BINBYTES, _BINBYTES = ord("C"), ord("B")
_LARGEST_INT = 2**31 - 1  # BININT is a signed 4-byte int
_PICKLE_BATCH = 1000  # pickle writes a list's items in batches of this many
_NO_LENGTH = 256  # above every length byte: "no document of this block has a length"
# closes a tuple of n items: TUPLE after a MARK (n >= 4), else TUPLE1, TUPLE2, TUPLE3 at offset n
_TUPLE_CLOSERS = b"t\x85\x86\x87"

# `W3TermInfo.to_bytes` of a term whose postings are in the postings file: "!BfIBBfII" + "!q" + "!i"
_TERM_INFO = np.dtype([("flags", "u1"), ("weight", ">f4"), ("df", ">u4"), ("min_length", "u1"), ("max_length", "u1"),
                       ("max_weight", ">f4"), ("min_id", ">u4"), ("max_id", ">u4"), ("offset", ">i8"), ("size", ">i4")])


@dataclass(frozen=True)
class TermPostings:
    """Some terms' posting lists, sorted by term, then document.

    The first `term_sizes[0]` postings are the first term's, and so on.
    `counts` are the positions per posting (Positions) or the frequencies
    (Frequency); `positions` holds each posting's positions in a row
    (Positions only).
    """

    term_sizes: np.ndarray
    docs: np.ndarray
    weights: np.ndarray
    counts: np.ndarray
    positions: np.ndarray | None


@dataclass(frozen=True)
class BlockFormat:
    """How a field's blocks are written: the codec's settings and what the field's values hold."""

    kind: ValueKind
    block_limit: int
    compression: int  # zlib level for blocks of at least `compress_from` bytes; 0: never
    compress_from: int


def encode(postings: TermPostings, length_bytes: np.ndarray, fmt: BlockFormat, offset: int) -> tuple[bytes, list[bytes]]:
    """The posting blocks of every term of `postings`, to be written at `offset` of the postings file,
    and each term's term info (`W3TermInfo.to_bytes`), in term order.

    `length_bytes[doc]` is the document's field length as a length byte,
    or -1 where the document has none: block headers and term infos keep
    the smallest and largest length byte of their postings' documents.
    """
    blocks = _Blocks(postings.term_sizes, fmt.block_limit)
    docs = postings.docs.astype(np.int64)
    stats = _Statistics(blocks, docs, postings.weights, length_bytes[docs])
    data, data_sizes = _block_data(blocks, docs, postings, stats, fmt.kind)
    compressed = data_sizes >= fmt.compress_from if fmt.compression else np.zeros(len(data_sizes), bool)
    data_at = _offsets(data_sizes)
    packed = [zlib.compress(data[start:end], fmt.compression)
              for start, end in zip(data_at[:-1][compressed].tolist(), data_at[1:][compressed].tolist())]
    stored_sizes = data_sizes.copy()
    stored_sizes[compressed] = [len(p) for p in packed]
    headers, header_sizes = _block_headers(blocks, docs, stats, np.where(compressed, fmt.compression, 0))

    source = _Source()
    magic = source.add(WHOOSH3_HEADER_MAGIC)
    block_sizes = header_sizes + stored_sizes
    signed_sizes = source.add(np.where(blocks.last_of_term, -block_sizes, block_sizes).astype(">i4"))
    header_start = source.add(headers) + _offsets(header_sizes)[:-1]
    data_start = source.add(data) + data_at[:-1]
    packed_start = source.add(np.frombuffer(b"".join(packed), np.uint8))
    data_start[compressed] = packed_start + _offsets(stored_sizes[compressed])[:-1]
    out, piece_sizes = _assemble(source, len(block_sizes), [
        (magic, np.where(blocks.first_of_term, len(WHOOSH3_HEADER_MAGIC), 0)),  # each list starts with it
        (signed_sizes + 4 * np.arange(len(block_sizes)), 4),  # negative for a list's last block
        (header_start, header_sizes),
        (data_start, stored_sizes),
    ])
    term_bytes = np.add.reduceat(piece_sizes, blocks.term_first_block)
    return out.tobytes(), _term_infos(blocks, docs, stats, offset + _offsets(term_bytes)[:-1], term_bytes)


class _Blocks:
    """Where each block of each posting list starts and ends, as posting indexes."""

    def __init__(self, term_sizes: np.ndarray, block_limit: int) -> None:
        self.term_sizes = term_sizes.astype(np.int64)
        self.term_first = _offsets(self.term_sizes)[:-1]
        count = int(self.term_sizes.sum())
        rank = np.arange(count) - np.repeat(self.term_first, self.term_sizes)  # within its list
        self.first = np.flatnonzero(rank % block_limit == 0)
        self.count = np.diff(np.append(self.first, count))
        self.last = self.first + self.count - 1
        per_term = (self.term_sizes + block_limit - 1) // block_limit
        self.term_first_block = _offsets(per_term)[:-1]
        self.first_of_term = np.zeros(len(self.first), bool)
        self.first_of_term[self.term_first_block] = True
        self.last_of_term = np.zeros(len(self.first), bool)
        self.last_of_term[self.term_first_block + per_term - 1] = True
        self.tuple_open = self.count >= 4  # a tuple of 4 or more items is MARK ... TUPLE

    def tuple_closer(self, source_at: int) -> np.ndarray:
        """Where, in a source holding _TUPLE_CLOSERS at `source_at`, each block's tuple closer is."""
        return source_at + np.where(self.tuple_open, 0, self.count)


class _Statistics:
    """Per block: the stored weights' smallest, largest and sum, the largest weight, the smallest and largest length byte."""

    def __init__(self, blocks: _Blocks, docs: np.ndarray, weights: np.ndarray, length_bytes: np.ndarray) -> None:
        self.stored_weights = weights.astype(np.float32).astype(np.float64)  # a block keeps weights as float32
        self.low = np.minimum.reduceat(self.stored_weights, blocks.first)
        self.high = np.maximum.reduceat(self.stored_weights, blocks.first)
        self.total = np.add.reduceat(self.stored_weights, blocks.first)
        self.max_weight = np.maximum(np.maximum.reduceat(weights.astype(np.float64), blocks.first), 0.0)
        known = np.where(length_bytes < 0, _NO_LENGTH, length_bytes)
        self.min_length = np.minimum.reduceat(known, blocks.first)
        self.max_length = np.maximum(np.maximum.reduceat(length_bytes, blocks.first), 0)


def _block_data(blocks: _Blocks, docs: np.ndarray, postings: TermPostings, stats: _Statistics,
                kind: ValueKind) -> tuple[np.ndarray, np.ndarray]:
    """Each block's pickled (id gaps, weights, values), in a row, and their sizes."""
    gaps = np.diff(docs, prepend=0)
    gaps[blocks.first] = docs[blocks.first]  # a block's first id is written whole
    same = stats.low == stats.high
    ones = same & (stats.low == 1.0)
    gap_bytes, gap_at = _pickled_ints(gaps)

    source = _Source()
    opening = source.add(b"\x80\x03(")  # protocol 3, then a MARK if the ids' tuple needs one
    mark = source.add(b"(")
    none = source.add(b"N")
    closer = blocks.tuple_closer(source.add(_TUPLE_CLOSERS))
    gap_start = source.add(gap_bytes)
    weight_start = source.add(_pickled_floats(stats.stored_weights))
    listed = ~same  # weights are written one each (else None for all 1.0, or the one weight)
    columns = [
        (opening, np.where(blocks.tuple_open, 3, 2)),
        (gap_start + gap_at[blocks.first], gap_at[blocks.last + 1] - gap_at[blocks.first]),
        (closer, 1),
        (mark, listed & blocks.tuple_open),
        (np.where(ones, none, weight_start + 9 * blocks.first), np.where(ones, 1, np.where(same, 9, 9 * blocks.count))),
        (closer, listed.astype(np.int64)),
    ]
    if kind == "positions":
        items, item_at = _position_values(postings.counts, postings.positions)
        item_start = source.add(items)
        columns += [(mark, blocks.tuple_open.astype(np.int64)),
                    (item_start + item_at[blocks.first], item_at[blocks.last + 1] - item_at[blocks.first]),
                    (closer, 1)]
    elif kind == "frequency":  # one bytes object: every posting's frequency as a 4-byte unsigned int
        headers, header_sizes = _bytes_headers(4 * blocks.count)
        header_start = source.add(headers)
        frequency_start = source.add(postings.counts.astype(">u4"))
        columns += [(header_start + 5 * np.arange(len(blocks.first)), header_sizes),
                    (frequency_start + 4 * blocks.first, 4 * blocks.count)]
    else:
        columns.append((none, 1))
    columns.append((source.add(b"\x87."), 2))  # the (ids, weights, values) tuple, STOP
    return _assemble(source, len(blocks.first), columns)


def _position_values(counts: np.ndarray, positions: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Each posting's `Positions.encode` value, pickled as bytes, in a row; and where each starts (plus the end).

    A value is the count as a 4-byte unsigned int, then the pickled list
    of gaps between positions (the first position whole). Written in
    place, a few bytes of every value per numpy step (these are most of the
    postings file: a gather of five pieces a value cost six times as much).
    """
    if positions is None:
        raise ValueError("a Positions field needs its positions")
    counts = counts.astype(np.int64)
    first = _offsets(counts)[:-1]
    gaps = np.diff(positions.astype(np.int64), prepend=0)
    gaps[first] = positions[first]
    rank = np.arange(len(gaps)) - np.repeat(first, counts)
    int_bytes, int_at = _pickled_ints(gaps, (rank > 0) & (rank % _PICKLE_BATCH == 0))
    int_sizes = int_at[first + counts] - int_at[first]
    several = counts > 1  # one position: APPEND, else MARK ... APPENDS
    sizes = 11 + several + int_sizes  # count 4, PROTO 2, EMPTY_LIST + BINPUT 3, ints, APPEND(S) + STOP 2
    headers, header_sizes = _bytes_headers(sizes)
    item_at = _offsets(header_sizes + sizes)
    out = np.empty(int(item_at[-1]), np.uint8)
    at = item_at[:-1].copy()
    _put(out, at, headers.reshape(-1, 5), header_sizes)
    at += header_sizes
    _put(out, at, counts.astype(">u4").view(np.uint8).reshape(-1, 4))
    at += 4
    _put(out, at, np.frombuffer(b"\x80\x02]q\x00(", np.uint8)[None, :], 5 + several)
    at += 5 + several
    out[np.arange(len(int_bytes)) + np.repeat(at - int_at[first], int_sizes)] = int_bytes
    at += int_sizes
    out[at] = np.where(several, ord("e"), ord("a"))
    out[at + 1] = ord(".")
    return out, item_at


def _put(out: np.ndarray, at: np.ndarray, rows: np.ndarray, widths: np.ndarray | None = None) -> None:
    """out[at[i] + k] = rows[i, k] (one row for all if `rows` has one) for k below widths[i] (default: all)."""
    for k in range(rows.shape[1]):
        chosen = slice(None) if widths is None else widths > k
        out[at[chosen] + k] = rows[chosen, k] if len(rows) > 1 else rows[0, k]


def _block_headers(blocks: _Blocks, docs: np.ndarray, stats: _Statistics,
                   compression: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each block's pickled (count, last id, max weight, compression, min length byte, max length byte)."""
    min_length = np.where(stats.min_length == _NO_LENGTH, 0, stats.min_length)
    ints = np.stack([blocks.count, docs[blocks.last], compression, min_length, stats.max_length], axis=1)
    int_bytes, int_at = _pickled_ints(ints.ravel())
    five = 5 * np.arange(len(blocks.first))

    source = _Source()
    opening = source.add(b"\x80\x02(")
    int_start = source.add(int_bytes)
    weight_start = source.add(_pickled_floats(stats.max_weight))
    closing = source.add(b"t.")
    return _assemble(source, len(blocks.first), [
        (opening, 3),
        (int_start + int_at[five], int_at[five + 2] - int_at[five]),  # count, last id
        (weight_start + 9 * np.arange(len(blocks.first)), 9),
        (int_start + int_at[five + 2], int_at[five + 5] - int_at[five + 2]),  # compression, lengths
        (closing, 2),
    ])


def _term_infos(blocks: _Blocks, docs: np.ndarray, stats: _Statistics, offsets: np.ndarray,
                sizes: np.ndarray) -> list[bytes]:
    first_block = blocks.term_first_block
    min_length = np.minimum.reduceat(stats.min_length, first_block)
    infos = np.zeros(len(blocks.term_sizes), _TERM_INFO)
    infos["weight"] = np.add.reduceat(stats.total, first_block)
    infos["df"] = blocks.term_sizes
    infos["min_length"] = np.where(min_length == _NO_LENGTH, 0, min_length)
    infos["max_length"] = np.maximum.reduceat(stats.max_length, first_block)
    infos["max_weight"] = np.maximum.reduceat(stats.max_weight, first_block)
    infos["min_id"] = docs[blocks.term_first]
    infos["max_id"] = docs[blocks.term_first + blocks.term_sizes - 1]
    infos["offset"] = offsets
    infos["size"] = sizes
    raw = infos.tobytes()
    size = _TERM_INFO.itemsize
    return [raw[at:at + size] for at in range(0, len(raw), size)]


# ------------------------------------------------------------ pickling in bulk


def _pickled_ints(values: np.ndarray, new_batch: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each value as pickle writes an int (BININT1, BININT2 or BININT), in a row; where each starts (plus the end).

    Where `new_batch` is true, the int is preceded by APPENDS and a MARK:
    pickle appends a list's items in batches of 1,000.
    """
    values = values.astype(np.int64)
    if len(values) and (values.min() < 0 or values.max() > _LARGEST_INT):
        raise ValueError("posting numbers must be from 0 to 2**31 - 1")
    widths = np.where(values < 0x100, 2, np.where(values < 0x10000, 3, 5))
    breaks = np.zeros(len(values), np.int64) if new_batch is None else 2 * new_batch.astype(np.int64)
    at = _offsets(widths + breaks)
    out = np.empty(int(at[-1]), np.uint8)
    batch_at = at[:-1][breaks > 0]
    out[batch_at] = ord("e")
    out[batch_at + 1] = ord("(")
    start = at[:-1] + breaks
    out[start] = np.where(widths == 2, _BININT1, np.where(widths == 3, _BININT2, _BININT))
    out[start + 1] = values & 0xFF  # little-endian
    wide = widths > 2
    out[start[wide] + 2] = (values[wide] >> 8) & 0xFF
    widest = widths == 5
    out[start[widest] + 3] = (values[widest] >> 16) & 0xFF
    out[start[widest] + 4] = (values[widest] >> 24) & 0xFF
    return out, at


def _pickled_floats(values: np.ndarray) -> np.ndarray:
    """Each value as pickle writes a float (BINFLOAT: a big-endian double), 9 bytes each."""
    out = np.empty((len(values), 9), np.uint8)
    out[:, 0] = _BINFLOAT
    out[:, 1:] = values.astype(">f8").view(np.uint8).reshape(-1, 8)
    return out.ravel()


def _bytes_headers(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The opcode and length that start pickled bytes of each size (SHORT_BINBYTES below 256, else
    BINBYTES), 5 bytes reserved each; and how many of the 5 each uses."""
    out = np.empty((len(sizes), 5), np.uint8)
    short = sizes < 256
    out[:, 0] = np.where(short, _SHORT_BINBYTES, _BINBYTES)
    out[:, 1:] = sizes.astype("<u4").view(np.uint8).reshape(-1, 4)
    return out.ravel(), np.where(short, 2, 5)


# ------------------------------------------------------------ assembling pieces


class _Source:
    """One byte array that pieces are copied from: each `add` appends and says where it went."""

    def __init__(self) -> None:
        self._parts: list[np.ndarray] = []
        self._size = 0

    def add(self, data: bytes | np.ndarray) -> int:
        part = np.frombuffer(data, np.uint8) if isinstance(data, bytes) else data.reshape(-1).view(np.uint8)
        start = self._size
        self._parts.append(part)
        self._size += len(part)
        return start

    def array(self) -> np.ndarray:
        return np.concatenate(self._parts) if self._parts else np.empty(0, np.uint8)


Column = tuple[int | np.ndarray, int | np.ndarray]  # (start in the source, length): one piece per row


def _assemble(source: _Source, rows: int, columns: list[Column]) -> tuple[np.ndarray, np.ndarray]:
    """Row after row, each row's pieces in column order, copied out of `source`; and each row's size."""
    starts = np.stack([np.broadcast_to(np.asarray(start, np.int64), (rows,)) for start, _ in columns], axis=1)
    lengths = np.stack([np.broadcast_to(np.asarray(length, np.int64), (rows,)) for _, length in columns], axis=1)
    return _gather(source.array(), starts.ravel(), lengths.ravel()), lengths.sum(axis=1)


def _gather(source: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """source[starts[0]:starts[0] + lengths[0]], then the next span, and so on, as one array."""
    used = lengths > 0
    starts, lengths = starts[used], lengths[used]
    ends = np.cumsum(lengths)
    index = np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
    index += np.repeat(starts - (ends - lengths), lengths)
    return source[index]


def _offsets(sizes: np.ndarray) -> np.ndarray:
    """0, then the running sums of `sizes`: where each item starts, plus the end."""
    out = np.zeros(len(sizes) + 1, np.int64)
    np.cumsum(sizes, out=out[1:])
    return out
