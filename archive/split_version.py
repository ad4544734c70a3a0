"""Which splitter made an issue's articles: a version that changes whenever splitting may change.

The same issue file split by another version of the archive may come apart
into other articles (issue 12 changed where articles start, what a caption
or a dateline is). Whatever keeps articles of a file (the index's manifest,
the corrections' placements) records this version beside the file's sha256,
so that an upgrade re-splits the issues split before, as a new file would be.

It is derived from what decides the split: `SPLIT_RULES_VERSION`, bumped by
hand with a change to the rules in archive/ (paragraph roles, bylines, OCR
repair, the walk over a page) that changes the articles of any page, and
the sha256 of the learned model (archive/models/article_starts.json), so a
retrained model counts without anyone remembering to bump anything.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

from archive.article_starts import MODEL_PATH

SPLIT_RULES_VERSION = 1


@lru_cache(maxsize=1)
def model_digest() -> str:
    """The first 12 hex digits of the splitter model file's sha256 (read once per process)."""
    return hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()[:12]


def split_version() -> str:
    """`<rules version>.<model digest>`, e.g. `1.3f9a0c2b7d41`."""
    return f"{SPLIT_RULES_VERSION}.{model_digest()}"
