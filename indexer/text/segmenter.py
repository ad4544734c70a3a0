"""The jieba word segmenter, set up once per process.

jieba is used for ranking only (words weigh more than the character n-grams
that do the matching) and to find place names for the `place` facet
(`indexer.text.places`). Set up
the way PITFALLS.md asks: its own `Tokenizer` (the global one is left alone),
its dictionary cache in a per-user directory the archive owns (a shared /tmp
cache can be blocked or planted by another user), our field dictionary
(`indexer/text/dictionary/*.txt`) loaded, import warnings and log chatter silenced, and
`enable_paddle()` never called.

Input is always `normalize.compact()` text (folded, simplified, lower case),
so the field dictionary is written in that form too.
"""
from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
import threading
import warnings
from functools import lru_cache
from itertools import chain
from pathlib import Path

from indexer.settings import default_cache_dir

# The field dictionary ships inside the package (package data), so an installed wheel has it too.
DICT_DIR = Path(__file__).resolve().with_name("dictionary")
# Clauses whose words `words()` remembers, per process. On the 1x corpus in one process it saves
# 96% of what an unbounded cache would (19.3% of the Chinese characters not segmented again,
# against 20.0%; 16.6% with the build's two workers) and holds ~84 MiB when full (~330 B a clause:
# the clause, its tuple, lru bookkeeping; the interned words are shared with the index's terms).
CLAUSE_CACHE_SIZE = 1 << 18
_lock = threading.Lock()
_cache_dir: Path | None = None  # Settings.jieba_cache_dir, once an engine passes it on (`use_cache_dir`)


def dictionary_files() -> list[Path]:
    """The field dictionaries, in load order (later files win); an installation without them is broken,
    and says so rather than segmenting without them."""
    files = sorted(DICT_DIR.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"the field dictionary is missing from this installation (no {DICT_DIR}/*.txt); "
                                "reinstall the package")
    return files


@lru_cache(maxsize=1)
def dictionary_digest() -> str:
    """The first 12 hex digits of the sha256 of the field dictionaries (names and bytes, in load order):
    part of the documents version (indexer.documents), since they decide the `words` and `places` of
    every document. Read once per process."""
    digest = hashlib.sha256()
    for path in dictionary_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def use_cache_dir(path: Path) -> None:
    """Where jieba's dictionary cache goes (Settings.jieba_cache_dir): jieba is loaded once per
    process, so this takes effect if it is set before the first `segmenter()` call."""
    global _cache_dir
    _cache_dir = Path(path)


def _usable_cache_dir() -> Path:
    """The cache directory (the settings' default if no engine set one), created if need be; if it
    cannot be (a read-only home), a private one in the system's temporary directory."""
    path = _cache_dir or default_cache_dir()
    try:
        path.mkdir(parents=True, exist_ok=True)
        return path
    except OSError:
        fallback = Path(tempfile.gettempdir()) / f"newspaper-archive-{os.getuid()}"
        fallback.mkdir(mode=0o700, exist_ok=True)
        return fallback


@lru_cache(maxsize=1)
def _jieba_module():
    """jieba, imported without `pkg_resources`.

    jieba imports setuptools' `pkg_resources` only to open its own data
    files and falls back to plain `open()` when that import fails; the
    import costs 0.18 s of every server start and `archive add` (and warns
    on new setuptools), so it is made to fail for the length of jieba's import.
    """
    hidden = "pkg_resources" not in sys.modules
    if hidden:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import -> ImportError
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import jieba
    finally:
        if hidden:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    return jieba


def _load_cached_dictionary(tokenizer) -> bool:
    """Load jieba's dictionary cache the way `initialize()` would, but 4x faster; False if there is none.

    jieba reads its cache with `marshal.load(file)`, which pulls the 9 MB
    through many small reads: 1.0-1.4 s here, the biggest part of a server's
    start-up and of every `archive add`. `marshal.loads` of the file's bytes
    builds the same (FREQ, total) in 0.3 s. The cache is jieba's own file for
    its default dictionary (`jieba.cache` in `tmp_dir`; jieba does not check
    its age either), written by `initialize()` atomically; anything unreadable
    is left to `initialize()`, which rebuilds it.
    """
    if tokenizer.dictionary != _jieba_module().DEFAULT_DICT or tokenizer.cache_file:
        return False
    try:
        freq, total = marshal.loads((Path(tokenizer.tmp_dir) / "jieba.cache").read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return False
    if not isinstance(freq, dict) or not isinstance(total, int):
        return False
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
    return True


def segmenter():
    """The initialised jieba Tokenizer (about 0.5 s and 95 MB the first time).

    Threads that ask while it loads (a server's first searches while it warms
    up in the background) wait for that one load instead of starting their own.
    """
    with _lock:
        return _load_segmenter()


@lru_cache(maxsize=1)
def _load_segmenter():
    jieba = _jieba_module()
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(_usable_cache_dir())
    if not _load_cached_dictionary(tokenizer):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tokenizer.initialize()  # builds the dictionary and writes the cache for next time
    for path in dictionary_files():
        with open(path, "rb") as entries:  # jieba leaves a file it opened itself unclosed
            tokenizer.load_userdict(entries)
    return tokenizer


def words(compact_text: str) -> list[str]:
    """jieba words of compact text (HMM on, so unknown names are guessed), gaps dropped.

    jieba's `cut` splits its text with `re_han_default` into clauses (runs of
    Chinese, letters and digits, and the gaps between them) and segments each
    one on its own, so the words of a text are the words of its clauses one
    after the other. A fifth of the corpus's Chinese is in clauses that occur
    more than once (source lines like 央视网消息, set phrases, openers like
    今年以来), so each clause's words are remembered rather than segmented
    again, with exactly the words `cut` of the whole text gives. Measured:
    `words()` over the corpus takes about a tenth less CPU (a clause not yet
    seen now costs a `cut` call of its own).
    """
    clauses = filter(None, _jieba_module().re_han_default.split(compact_text))
    return list(chain.from_iterable(map(_clause_words, clauses)))


@lru_cache(maxsize=CLAUSE_CACHE_SIZE)
def _clause_words(clause: str) -> tuple[str, ...]:
    """The words of one clause, remembered (the dictionary never changes after `segmenter()` loads it).

    Words are interned: a clause's tuple then shares the strings that other
    clauses and the index's term tables hold, instead of keeping its own copies.
    """
    return tuple(sys.intern(w) for w in segmenter().cut(clause, HMM=True) if not w.isspace())
