"""Download file names from a query, and the Content-Disposition header that carries them.

Browsers need an ASCII `filename=` and read the UTF-8 `filename*=` (RFC 6266,
RFC 8187) when they can, so a Chinese query names the file in Chinese and
an old client still gets a usable name.
"""
from __future__ import annotations

import re
from urllib.parse import quote

MAX_NAME_CHARS = 40
_UNSAFE = re.compile(r"[^\w-]+")  # keep letters and digits of any script (CJK too), `_` and `-`


def query_file_name(q: str, extension: str, fallback: str = "archive-export") -> str:
    """`电信诈骗 济宁` -> `电信诈骗_济宁.csv`; query syntax, slashes and dots become `_`."""
    stem = _UNSAFE.sub("_", q).strip("_")[:MAX_NAME_CHARS].strip("_")
    return f"{stem or fallback}.{extension}"


def attachment(file_name: str) -> str:
    """A Content-Disposition value that downloads as `file_name`, with an ASCII fallback."""
    ascii_name = file_name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    if ascii_name == file_name:
        return f'attachment; filename="{file_name}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"
