"""Whoosh's term index file (`OrderedHashWriter`), written in bulk with the same bytes.

A segment's term index is a CDB-like hash file: every (key, value) record in
key order, then 256 linear-probing hash tables of (md5 hash, record position)
slots, a directory of the tables, and the record positions for ordered lookups.
Whoosh writes it one call per record and one `write` per hash slot, about
3 s of a 9 s build (profiled) for 208k terms. These two functions do the same work in a
few C-level passes and one `write` each, leaving the file and the writer's
state exactly as Whoosh's own `add` and `_write_hashes` would, so a Whoosh
reader (and `close()`, which still writes the directory and extras) cannot
tell the difference.
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, islice
from operator import lt, methodcaller
from struct import Struct

import numpy as np
from whoosh.filedb.filetables import HashWriter, OrderedHashWriter, md5_hash

try:  # CPython's own MD5: the digests of hashlib's (OpenSSL's), 2-3x faster on keys this short
    from _md5 import md5 as _md5
except ImportError:  # a Python built without it
    from hashlib import md5 as _md5

_KEY_VALUE_LENGTHS = Struct("!ii")  # each record's header, as Whoosh's filetables `_lengths`
# One hash table slot, as Whoosh's `_pointer` ("!Iq"): key hash, record position (0, 0 when empty).
_SLOT = np.dtype([("hash", ">u4"), ("position", ">i8")])
# The largest number each `GrowableArray` type code holds; it widens to the next one past that.
_TYPE_LIMITS = {"B": 2**8 - 1, "H": 2**16 - 1, "i": 2**31 - 1, "I": 2**32 - 1, "q": 2**63 - 1}
_digest = methodcaller("digest")


def add_sorted(tindex: OrderedHashWriter, keys: Sequence[bytes], values: Sequence[bytes]) -> None:
    """`tindex.add(key, value)` for each pair, keys strictly increasing, in one write.

    Same records, same hashes in the same buckets in the same order, same
    index positions and `lastkey` as the calls one by one; like `add`, keys
    that do not increase raise ValueError (and nothing is written).
    """
    if len(keys) != len(values):
        raise ValueError(f"{len(keys)} keys but {len(values)} values")
    if not keys:
        return
    if tindex.hashfn is not md5_hash:
        raise ValueError("add_sorted hashes keys with md5, as OrderedHashWriter does")
    if not (keys[0] > tindex.lastkey and all(map(lt, keys, islice(keys, 1, None)))):
        raise ValueError(f"keys must increase (after {tindex.lastkey!r})")
    dbfile = tindex.dbfile
    key_lengths = np.fromiter(map(len, keys), np.int64, len(keys))
    value_lengths = np.fromiter(map(len, values), np.int64, len(values))
    sizes = _KEY_VALUE_LENGTHS.size + key_lengths + value_lengths
    starts = dbfile.tell() + np.cumsum(sizes) - sizes  # where each record starts
    # md5_hash is the digest read as a number, masked to 32 bits: its last 4 bytes, big-endian
    digests = np.frombuffer(b"".join(map(_digest, map(_md5, keys))), ">u4")
    hashes = digests[3::4]

    records: list[bytes] = [b""] * (3 * len(keys))
    records[0::3] = map(_KEY_VALUE_LENGTHS.pack, key_lengths.tolist(), value_lengths.tolist())
    records[1::3] = keys
    records[2::3] = values
    dbfile.write(b"".join(records))

    _extend_positions(tindex, starts)
    _extend_buckets(tindex.buckets, hashes, starts)
    tindex.lastkey = keys[-1]


def _extend_positions(tindex: OrderedHashWriter, positions: np.ndarray) -> None:
    """`tindex.index.append` for each increasing position, its array widened where `append` would widen it.

    `GrowableArray.append` retypes its array on the first number that
    overflows it; the positions increase, so everything before that number
    fits and goes in as one block of bytes, and `append` itself does the retyping.
    """
    index = tindex.index
    while len(positions):
        fit = int(np.searchsorted(positions, _TYPE_LIMITS[index.typecode], side="right"))
        index.array.frombytes(positions[:fit].astype(index.typecode).tobytes())
        if fit == len(positions):
            return
        index.append(int(positions[fit]))
        positions = positions[fit + 1 :]


def _extend_buckets(buckets: list[list[tuple[int, int]]], hashes: np.ndarray, positions: np.ndarray) -> None:
    """buckets[hash & 255].append((hash, position)) for each pair, in the given order."""
    low = hashes & 255
    order = np.argsort(low, kind="stable")
    pairs = list(zip(hashes[order].tolist(), positions[order].tolist()))
    bounds = np.searchsorted(low[order], np.arange(257)).tolist()
    for bucket, start, end in zip(buckets, bounds, bounds[1:]):
        if start < end:
            bucket.extend(pairs[start:end])


def write_hash_tables(tindex: HashWriter) -> None:
    """`HashWriter._write_hashes` in one write: the 256 tables, byte for byte, and their directory entries.

    Each bucket's table has twice as many slots as entries; entries go in
    bucket order to slot (hash >> 8) % slots, or the next free slot after it,
    wrapping (linear probing). Where an entry ends up depends on the ones
    before it, so the probing stays a loop over entries; only the slot
    packing (Whoosh's per-slot `write`) is done in bulk.
    """
    dbfile = tindex.dbfile
    position = dbfile.tell()
    tables: list[bytes] = []
    for entries in tindex.buckets:
        numslots = 2 * len(entries)
        tindex.directory.append((position, numslots))
        if entries:
            tables.append(_hash_table(entries, numslots))
        position += numslots * _SLOT.itemsize
    dbfile.write(b"".join(tables))


def _hash_table(entries: list[tuple[int, int]], numslots: int) -> bytes:
    """One bucket's table: its (hash, position) entries placed by linear probing, as Whoosh places them."""
    pairs = np.fromiter(chain.from_iterable(entries), np.int64, 2 * len(entries)).reshape(-1, 2)
    homes = ((pairs[:, 0] >> 8) % numslots).tolist()
    slots = [-1] * numslots  # entry number in each slot, -1 when empty
    for entry, slot in enumerate(homes):
        while slots[slot] >= 0:
            slot += 1
            if slot == numslots:
                slot = 0
        slots[slot] = entry
    placed = np.fromiter(slots, np.int64, numslots)
    filled = placed >= 0
    table = np.zeros(numslots, _SLOT)
    table["hash"][filled] = pairs[placed[filled], 0]
    table["position"][filled] = pairs[placed[filled], 1]
    return table.tobytes()
