"""Posting lists read a block at a time, straight from Whoosh's W3 files, as numpy arrays.

Whoosh walks a posting list through its matcher machinery, several Python
calls per posting; its on-disk lists are blocks of 128 postings (one
pickle each), so reading each block's arrays whole is several times faster.
Most of a block's pickle is its postings' encoded positions (each a
`_codecs.encode` call to unpickle, some 0.7 µs a posting for `的`), needed
by phrases only: the ids and weights are read without them (`_decode`),
straight from the pickle's bytes with `np.frombuffer` where every id gap
is one byte (the common lists), else by unpickling only the part before
the values. A phrase reads only the blocks that can hold one of the
documents its rarest gram is in, the way Whoosh's skip_to does.

This reads the block layout of the pinned Whoosh-Reloaded 2.7.5 (and of
indexer.engines.whoosh.codec.segment_writer, which writes the same layout); the bulk-vs-Whoosh
tests in tests/test_search.py catch a change.
"""
from __future__ import annotations

import pickle
import threading
import zlib
from array import array
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from itertools import accumulate, chain
from typing import Any, Iterator, Sequence
from weakref import WeakKeyDictionary

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.reading import IndexReader, TermNotFound
from whoosh.searching import Searcher
from whoosh.system import _INT_SIZE, unpack_int

from indexer.engines.whoosh.budget import spend
from indexer.engines.whoosh.cache import SizedLru


@dataclass
class PostingList:
    """One term's postings in docnum order (index-wide docnums): weights, and raw values if asked."""

    docnums: np.ndarray  # int64
    weights: np.ndarray  # float64 (the stored float32 weights, as Whoosh reads them)
    values: list[bytes]  # encoded positions, in step with docnums (empty unless asked for)


# Pickle opcodes of a block's (id gaps, weights, values), as Whoosh's writer and block_encoding write it.
_MARK, _TUPLE, _BININT1, _BINFLOAT, _NONE, _BINPUT = 0x28, 0x74, ord("K"), ord("G"), ord("N"), ord("q")
_TUPLE2_STOP = b"\x86."
# Protocol 2 (Whoosh's writer) pickles bytes as _codecs.encode(text, "latin1"): where the values start.
_BYTES_GLOBAL = b"c_codecs\nencode\n"


@lru_cache(maxsize=None)
def _run(opcode: int, count: int) -> bytes:
    """`count` times the one-byte `opcode` (what a block of `count` same-sized items has every few bytes)."""
    return bytes([opcode]) * count


def _fast_ids(data: bytes, count: int) -> tuple[np.ndarray, int] | None:
    """(id gaps, where the weights start) if the ids were pickled as `count` one-byte ints, else None.

    A tuple of four or more is pickled as MARK, the items, TUPLE, then
    (Whoosh's writer) BINPUT 0 or (`block_encoding`) nothing: with one-byte
    gaps, every other byte is an id gap.
    """
    end = 3 + 2 * count
    if count < 4 or data[2] != _MARK or len(data) <= end + 1 or data[end] != _TUPLE or data[3:end:2] != _run(_BININT1, count):
        return None
    return np.frombuffer(data, np.uint8, 2 * count, 3)[1::2], end + (3 if data[end + 1] == _BINPUT else 1)


def _fast_weights(data: bytes, start: int, count: int) -> np.ndarray | None:
    """The weights pickled at `start` (None, one float for all, or a tuple of BINFLOATs), or None
    if they are laid out otherwise."""
    op = data[start]
    if op == _NONE:
        return np.ones(count)
    if op == _BINFLOAT:
        return np.full(count, np.frombuffer(data, ">f8", 1, start + 1)[0], dtype=np.float64)
    end = start + 1 + 9 * count
    if op != _MARK or len(data) <= end or data[end] != _TUPLE or data[start + 1:end:9] != _run(_BINFLOAT, count):
        return None
    return np.ndarray((count,), ">f8", data, start + 2, (9,)).astype(np.float64)


class _Gathered:
    """One segment's postings of a term, block after block, in flat arrays (made numpy once)."""

    def __init__(self, values: bool) -> None:
        self.ids = array("q")
        self.weights = array("d")
        self.values: list[bytes] = []
        self.keep_values = values

    def add(self, gaps: Sequence[int], weights: object, count: int, encoded: Sequence[bytes] = ()) -> None:
        """A block as unpickled: its id gaps, its weights as stored (None: all 1, one float: all
        equal, else one each) and its values."""
        self.ids.extend(accumulate(gaps))
        if weights is None or isinstance(weights, float):
            self.weights.extend(array("d", (1.0 if weights is None else weights,)) * count)
        else:
            self.weights.extend(weights)
        if self.keep_values:
            self.values.extend(encoded)

    def add_arrays(self, gaps: np.ndarray, weights: np.ndarray) -> None:
        self.ids.frombytes(gaps.cumsum(dtype=np.int64).tobytes())
        self.weights.frombytes(weights.tobytes())

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, weights) as numpy arrays over the gathered buffers (no copy)."""
        return np.frombuffer(self.ids, np.int64), np.frombuffer(self.weights, np.float64)


def _decode(data: bytes, count: int, into: _Gathered) -> None:
    """Add a block's pickled (id gaps, weights, values) to `into`.

    Without values, the positions are not unpickled: the ids and weights come
    from the bytes directly (`_fast_ids`), or from unpickling what precedes the
    values, closed as a pair. Anything laid out otherwise is unpickled whole.
    """
    if not into.keep_values:
        fast = _fast_ids(data, count)
        if fast is not None:
            weights = _fast_weights(data, fast[1], count)
            if weights is not None:
                into.add_arrays(fast[0], weights)
                return
        cut = data.find(_BYTES_GLOBAL)
        if count >= 4 and cut > 0 and data[cut - 1] == _MARK:
            try:
                gaps, weights = pickle.loads(data[:cut - 1] + _TUPLE2_STOP)
            except (pickle.UnpicklingError, ValueError, EOFError):
                pass
            else:
                if len(gaps) == count:
                    into.add(gaps, weights, count)
                    return
    gaps, weights, encoded = pickle.loads(data)
    into.add(gaps, weights, count, encoded)


def _blocks(postfile, offset: int, length: int, within: np.ndarray | None, into: _Gathered) -> None:
    """Add to `into` each block of the list at `offset` that may hold one of `within` (sorted leaf docnums).

    The whole list (`length` bytes from `offset`, as the term info gives
    them) is read with one read, where Whoosh's matcher unpickles each
    block header from the file (two dozen small reads through Python's
    compound-file layer). The layout is Whoosh 3's
    (`W3PostingsWriter._write_block`): a magic number, then each block: a
    length (negative for the last block), the pickled block info (count,
    last id, max weight, compression, lengths), then the pickled (ids as
    deltas, weights, values), compressed or not as the info says; the values
    of a Positions field are its encoded positions.
    """
    raw = postfile.get(offset, length)
    stream = BytesIO(raw)
    position = len(WHOOSH3_HEADER_MAGIC)
    low = 0  # every id of the current block is >= low
    while True:
        size = unpack_int(raw[position:position + _INT_SIZE])[0]
        last = size < 0
        position += _INT_SIZE
        end = position - size if last else position + size
        stream.seek(position)
        count, high, _, compression = pickle.load(stream)[:4]
        if within is None or within.searchsorted(low) < within.searchsorted(high, "right"):
            spend(count)
            data = raw[stream.tell():end]
            _decode(zlib.decompress(data) if compression else data, count, into)
        if last:
            return
        low = high + 1
        position = end


def _leaf_postings(reader, info, within: np.ndarray | None, values: bool) -> _Gathered:
    """One segment's list, read from where its term info points (no Whoosh matcher: building one
    reads and unpickles the first block header); a one-posting list is inlined there."""
    gathered = _Gathered(values)
    if info.is_inlined():
        spend(1)
        ids, weights, raw = info.inlined_postings()
        gathered.ids.extend(ids)
        gathered.weights.extend(weights)
        if values:
            gathered.values.extend(raw)
        return gathered
    offset, length = info.extent()  # read back, the length is a 1-tuple (W3TermInfo.from_bytes)
    _blocks(reader._terms._postfile, offset, length[0] if isinstance(length, tuple) else length, within, gathered)
    return gathered


def _members(docnums: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """A mask of which `docnums` are in the sorted array `sorted_set`."""
    if not len(sorted_set):
        return np.zeros(len(docnums), dtype=bool)
    at = np.searchsorted(sorted_set, docnums)
    return sorted_set[np.minimum(at, len(sorted_set) - 1)] == docnums


# Term infos kept per segment reader (`term_info`): a lookup in Whoosh's on-disk hash table takes
# some 50 µs (a dozen small reads), and a search asks for each of its terms four or five times
# (order, existence, estimates, postings); LRU-bounded, since queries' terms are unbounded.
TERM_INFOS_KEPT = 20_000
_term_infos: WeakKeyDictionary[IndexReader, SizedLru[Any]] = WeakKeyDictionary()
_term_infos_lock = threading.Lock()
_MISSING = object()


def term_info(reader: IndexReader, field: str, text: str) -> Any:
    """The segment reader's term info of `text` in `field` (None if absent), remembered for the reader."""
    with _term_infos_lock:  # a segment reader may serve two snapshots' searches at once
        infos = _term_infos.get(reader)
        if infos is None:
            infos = _term_infos[reader] = SizedLru(TERM_INFOS_KEPT)
        info = infos.get((field, text))
    if info is None:
        try:
            info = reader.term_info(field, text)
        except TermNotFound:
            info = _MISSING
        with _term_infos_lock:
            infos.put((field, text), info, size=1)
    return None if info is _MISSING else info


def doc_frequency(searcher: Searcher, field: str, text: str) -> int:
    """`Searcher.doc_frequency` from the remembered term infos (deleted documents counted, as there)."""
    total = 0
    for leaf, _ in searcher.leaf_searchers():
        info = term_info(leaf.reader(), field, text)
        if info is not None:
            total += info.doc_frequency()
    return total


def postings(searcher: Searcher, field: str, text: str, within: Sequence[int] | np.ndarray | None = None,
             values: bool = False) -> PostingList:
    """Every posting of `text` in `field`, or only those of the sorted docnums `within`.

    Deleted documents (a segment's deletions) are left out, as Whoosh's own
    matcher leaves them out.
    """
    wanted = None if within is None else np.asarray(within, dtype=np.int64)
    docnums: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    found_values: list[bytes] = []
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        size = reader.doc_count_all()
        local = None
        if wanted is not None:
            local = wanted[wanted.searchsorted(offset):wanted.searchsorted(offset + size)] - offset
            if not len(local):
                continue
        info = term_info(reader, field, text)
        if info is None:
            continue
        gathered = _leaf_postings(reader, info, local, values)
        if not gathered.ids:
            continue
        ids, found_weights = gathered.arrays()
        keep = None if local is None else _members(ids, local)
        if reader.has_deletions():
            alive = ~_members(ids, np.array(sorted(reader.deleted_docs_set), dtype=np.int64))
            keep = alive if keep is None else keep & alive
        raw = gathered.values
        if keep is not None and not keep.all():
            ids, found_weights = ids[keep], found_weights[keep]
            raw = [raw[i] for i in np.flatnonzero(keep)] if values else []
        docnums.append(ids + offset if offset else ids)
        weights.append(found_weights)
        found_values.extend(raw)
    if not docnums:
        return PostingList(np.zeros(0, dtype=np.int64), np.zeros(0), [])
    return PostingList(np.concatenate(docnums), np.concatenate(weights), found_values)


def field_postings(searcher: Searcher, field: str) -> Iterator[tuple[str, list[int]]]:
    """(term, docnums) of every term of `field`, segment by segment (a term of several segments
    comes once for each): the term index read in sequence, for the per-snapshot tables (facets),
    rather than each term looked up in its hash table."""
    decode = searcher.schema[field].from_bytes
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        if field not in reader.indexed_field_names():
            continue
        deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        for text, info in reader.iter_field(field):
            yield decode(text), [docnum + offset for docnum in _leaf_postings(reader, info, None, False).ids
                                 if docnum not in deleted]


_LIST_OF_LISTS = (b"\x80\x02(", b"l.")  # a pickle's opening (protocol 2, MARK) and its LIST, STOP


def decoded_positions(encoded: list[bytes], decode) -> tuple[np.ndarray, np.ndarray]:
    """(i, position) for every position of each `encoded[i]` (`Positions.encode`: a count,
    then a pickled list of gaps), as two int64 arrays.

    Unpickled as one list of lists: each value's pickle, without its protocol
    header and STOP, leaves its list on the stack; where a value is not laid
    out so (the result differs), each is decoded by the format.
    """
    lists = _gap_lists(encoded)
    accumulated = lists is None
    if lists is None:
        lists = [decode(value) for value in encoded]
    lengths = np.fromiter(map(len, lists), np.int64, len(lists))
    flat = np.fromiter(chain.from_iterable(lists), np.int64, int(lengths.sum()))
    where = np.repeat(np.arange(len(lists), dtype=np.int64), lengths)
    if accumulated:
        return where, flat
    totals = flat.cumsum()
    firsts = np.concatenate(([0], lengths.cumsum()[:-1]))
    return where, totals - np.repeat(totals[firsts] - flat[firsts], lengths)


def _gap_lists(encoded: list[bytes]) -> list[list[int]] | None:
    """The gap lists of `encoded`, unpickled together, or None where a value is laid out otherwise."""
    if not all(value[4:6] == b"\x80\x02" and value[-1:] == b"." for value in encoded):
        return None
    try:
        lists = pickle.loads(_LIST_OF_LISTS[0] + b"".join([value[6:-1] for value in encoded]) + _LIST_OF_LISTS[1])
    except (pickle.UnpicklingError, ValueError, EOFError, IndexError):
        return None
    return lists if len(lists) == len(encoded) else None
