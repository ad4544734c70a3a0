"""The jieba word segmenter, set up once per process.

jieba is used for ranking only (words weigh more than the character n-grams
that do the matching) and to find place names for the `place` facet. Set up
the way PITFALLS.md asks: its own `Tokenizer` (the global one is left alone),
its dictionary cache in a per-user directory the archive owns (a shared /tmp
cache can be blocked or planted by another user), our field dictionary
(`data/dict/*.txt`) loaded, import warnings and log chatter silenced, and
`enable_paddle()` never called.

Input is always `normalize.compact()` text (folded, simplified, lower case),
so the field dictionary is written in that form too.
"""
from __future__ import annotations

import logging
import os
import tempfile
import threading
import warnings
from functools import lru_cache
from pathlib import Path

DICT_DIR = Path(__file__).resolve().parents[1] / "data" / "dict"
PLACE_TAG = "ns"
# jieba tags many ordinary words `ns` (治安, 锦旗, 上门, 日志, 满意度), however
# frequent. A place must look like one: an administrative name (济宁市, 大理州,
# 扎赉特旗), or a name whose administrative form is also a place (济宁 because
# of 济宁市, 浙江 because of 浙江省). Countries and regions without such a form
# (美国, 香港, 东南亚) come from our dictionary (data/dict/places.txt).
# In order of preference when a short name stands for one (济宁 -> 济宁市).
ADMIN_SUFFIXES = tuple("省市州盟县区旗镇乡村")


_lock = threading.Lock()


def dictionary_files() -> list[Path]:
    """The field dictionaries, in load order (later files win)."""
    return sorted(DICT_DIR.glob("*.txt"))


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "newspaper-archive"
    try:
        path.mkdir(parents=True, exist_ok=True)
        return path
    except OSError:
        fallback = Path(tempfile.gettempdir()) / f"newspaper-archive-{os.getuid()}"
        fallback.mkdir(mode=0o700, exist_ok=True)
        return fallback


@lru_cache(maxsize=1)
def _jieba_module():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba


@lru_cache(maxsize=1)
def segmenter():
    """The initialised jieba Tokenizer (about 1 s and 95 MB the first time)."""
    jieba = _jieba_module()
    with _lock:
        tokenizer = jieba.Tokenizer()
        tokenizer.tmp_dir = str(_cache_dir())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tokenizer.initialize()
        for path in dictionary_files():
            with open(path, "rb") as entries:  # jieba leaves a file it opened itself unclosed
                tokenizer.load_userdict(entries)
    return tokenizer


def _jieba_places() -> dict[str, str]:
    """jieba's `ns` words (word -> its frequency field)."""
    places: dict[str, str] = {}
    with segmenter().get_dict_file() as lines:
        for raw in lines:
            parts = raw.decode("utf-8").split()
            if len(parts) == 3 and parts[2] == PLACE_TAG:
                places[parts[0]] = parts[1]
    return places


def _looks_like_place(word: str, tagged: dict[str, str]) -> bool:
    if len(word) < 2 or word.startswith("各"):
        return False
    if len(word) >= 3 and word.endswith(ADMIN_SUFFIXES):
        return True
    return any(word + suffix in tagged for suffix in ADMIN_SUFFIXES)


def _full_name(word: str, tagged: dict[str, str]) -> str:
    """The administrative form a short name stands for (济宁 -> 济宁市), or the word itself."""
    if word.endswith(ADMIN_SUFFIXES) and len(word) >= 3:
        return word
    return next((word + suffix for suffix in ADMIN_SUFFIXES if word + suffix in tagged), word)


@lru_cache(maxsize=1)
def place_names() -> dict[str, str]:
    """Word -> place name shown in the `place` facet: jieba's that pass `_looks_like_place`
    under their full name, and all of ours as written."""
    tagged = _jieba_places()
    places = {word: _full_name(word, tagged) for word in tagged if _looks_like_place(word, tagged)}
    for path in dictionary_files():
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                parts = line.split()
                if len(parts) >= 2 and parts[-1] == PLACE_TAG:
                    places[parts[0]] = parts[0]
    return places


def words(compact_text: str) -> list[str]:
    """jieba words of compact text (HMM on, so unknown names are guessed), gaps dropped."""
    return [w for w in segmenter().cut(compact_text, HMM=True) if not w.isspace()]
