"""The bulk term index writer gives the bytes Whoosh's own OrderedHashWriter gives, and reads back."""
from __future__ import annotations

import random
from functools import partial
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter, md5_hash

from indexer.engines.whoosh.codec.term_table import add_sorted, write_hash_tables

Pairs = list[tuple[bytes, bytes]]


def _write(storage: FileStorage, name: str, batches: list[Pairs], bulk_add: bool, bulk_tables: bool) -> bytes:
    """A term index of `batches` (one per field), added and closed the Whoosh way or the bulk way."""
    tindex = OrderedHashWriter(storage.create_file(name))
    for batch in batches:
        if bulk_add:
            add_sorted(tindex, [key for key, _ in batch], [value for _, value in batch])
        else:
            for key, value in batch:
                tindex.add(key, value)
    if bulk_tables:
        tindex._write_hashes = partial(write_hash_tables, tindex)
    tindex.close()
    return Path(storage.folder, name).read_bytes()


def _field_batches(rng: random.Random, sizes: list[int], value_size: int) -> list[Pairs]:
    """Terms of consecutive fields as the segment writer keys them: field number (2 bytes) + term."""
    batches = []
    for field, size in enumerate(sizes):
        terms = {rng.randbytes(rng.randint(1, 12)) for _ in range(size)}
        batches.append([(field.to_bytes(2, "big") + term, rng.randbytes(rng.randint(0, value_size)))
                        for term in sorted(terms)])
    return batches


def _colliding_keys() -> list[bytes]:
    """Ten keys all in hash bucket 7, six of them wanting its last slot: probing has to wrap around."""
    last, others = [], []
    number = 0
    while len(last) < 6 or len(others) < 4:
        key = b"k%d" % number
        number += 1
        hashed = md5_hash(key)
        if hashed & 255 != 7:
            continue
        if (hashed >> 8) % 20 == 19 and len(last) < 6:
            last.append(key)
        elif (hashed >> 8) % 20 != 19 and len(others) < 4:
            others.append(key)
    return sorted(last + others)


rng = random.Random(20261123)
CASES = {
    "empty": [],
    "one key": [[(b"\x00\x01only", b"value")]],
    "empty key value": [[(b"\x00\x00a", b""), (b"\x00\x00b", b"x")]],
    "wrapping collisions": [[(key, key * 3) for key in _colliding_keys()]],
    "fields": _field_batches(rng, [1, 300, 0, 2000, 50], value_size=40),
    # records past 64 KiB: the position index widens from ushort to int, within and between batches
    "wide positions": _field_batches(rng, [3000, 40, 6000], value_size=60),
}


@pytest.mark.parametrize("batches", CASES.values(), ids=CASES.keys())
def test_bulk_writes_whooshs_bytes_and_reads_back(tmp_path: Path, batches: list[Pairs]) -> None:
    storage = FileStorage(str(tmp_path))
    expected = _write(storage, "whoosh.hsh", batches, bulk_add=False, bulk_tables=False)
    assert _write(storage, "add.hsh", batches, bulk_add=True, bulk_tables=False) == expected
    assert _write(storage, "tables.hsh", batches, bulk_add=False, bulk_tables=True) == expected
    assert _write(storage, "both.hsh", batches, bulk_add=True, bulk_tables=True) == expected

    reader = OrderedHashReader.open(storage, "both.hsh")
    try:
        pairs = [pair for batch in batches for pair in batch]
        assert list(reader.items()) == pairs
        for key, value in pairs:
            assert reader[key] == value
            assert reader.closest_key(key) == key
        assert b"\xff\xffmissing" not in reader
    finally:
        reader.close()


def test_add_sorted_leaves_the_writer_as_add_does(tmp_path: Path) -> None:
    """Index positions, buckets and last key: later `add` calls and `close` carry on from them."""
    storage = FileStorage(str(tmp_path))
    one_by_one = OrderedHashWriter(storage.create_file("a.hsh"))
    bulk = OrderedHashWriter(storage.create_file("b.hsh"))
    batch = _field_batches(random.Random(5), [4000], value_size=30)[0]
    for key, value in batch:
        one_by_one.add(key, value)
    add_sorted(bulk, [key for key, _ in batch], [value for _, value in batch])
    assert (bulk.index.typecode, list(bulk.index)) == (one_by_one.index.typecode, list(one_by_one.index))
    assert bulk.buckets == one_by_one.buckets
    assert bulk.lastkey == one_by_one.lastkey
    for writer in (one_by_one, bulk):
        writer.add(b"\x01\x00after", b"more")
        writer.close()
    assert (tmp_path / "a.hsh").read_bytes() == (tmp_path / "b.hsh").read_bytes()


@pytest.mark.parametrize("keys", [[b"b", b"a"], [b"a", b"a"], [b"\x00"]], ids=["decreasing", "repeated", "not after last"])
def test_add_sorted_refuses_keys_that_do_not_increase(tmp_path: Path, keys: list[bytes]) -> None:
    tindex = OrderedHashWriter(FileStorage(str(tmp_path)).create_file("t.hsh"))
    tindex.add(b"\x00", b"first")
    size = tindex.tell()
    with pytest.raises(ValueError):
        add_sorted(tindex, keys, [b"v"] * len(keys))
    assert tindex.tell() == size and tindex.lastkey == b"\x00"
    tindex.close()
