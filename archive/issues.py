"""Read issue files (one OCR'd newspaper page each) into `Issue` records.

Seam: this module decodes bytes and finds metadata; it never rewrites a file.
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from archive.metadata import find_metadata, split_header

ISSUE_SUFFIXES = (".txt", ".md")

# Control characters other than tab, newline, carriage return and form feed.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Refused unread: the largest real page seen is ~90 KB, and a file of tens of
# MB would hold a reindex (and its memory) for minutes.
MAX_ISSUE_BYTES = 4 * 2**20

# Share of control characters above which decoded "text" is really binary.
CONTROL_CHAR_LIMIT = 0.05


class IssueReadError(Exception):
    """A file that cannot be read as an issue; `reason` is shown to the user next to the path."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Issue:
    """One issue file, decoded, with its metadata.

    `id` is the path under DATA/issues/ without extension, `/`-separated.
    `text` is the decoded original (BOM stripped, CRLF -> LF, header removed);
    `original` is the decoded file exactly as it is (header and CRLF kept),
    for showing the page as received. `sha256` is of the raw bytes, so a
    changed file is detected by content.

    `date` is set only when the day is known; `year` whenever any date is
    (see archive.metadata for the rule), because facets need the year even
    when a page only says `2021年`.
    """

    id: str
    path: Path
    sha256: str
    encoding: str
    text: str
    date: str | None  # YYYY-MM-DD
    date_source: str | None  # "header" | "filename" | "text" | None
    page: int | None
    paper: str | None
    year: int | None = None
    original: str = ""


def issue_files(issues_dir: Path) -> Iterator[Path]:
    """Every .txt/.md file below issues_dir, at any depth, in sorted order.

    Hidden files and folders (editor swap files, `.git`) are not issues.
    """
    issues_dir = Path(issues_dir)
    if not issues_dir.is_dir():
        return iter(())
    found = (
        path
        for path in issues_dir.rglob("*")
        if path.suffix.lower() in ISSUE_SUFFIXES
        and path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(issues_dir).parts)
    )
    return iter(sorted(found, key=lambda p: p.relative_to(issues_dir).as_posix()))


def issue_id(path: Path, issues_dir: Path) -> str:
    """The path under issues_dir without its extension, `/`-separated (the file stem if outside)."""
    try:
        relative = Path(path).relative_to(issues_dir)
    except ValueError:
        relative = Path(Path(path).name)
    return relative.with_suffix("").as_posix()


def decode_issue_bytes(raw: bytes) -> tuple[str, str]:
    """(text, encoding) of an issue file, or ValueError with the reason in plain words.

    Strict UTF-8 first (with or without BOM), then GB18030, which also reads
    GBK and GB2312. UTF-16 is taken only with its BOM. Anything else is
    reported rather than guessed: a general detector misreads short Chinese
    samples (PITFALLS), and a wrongly decoded page is worse than a skipped one.
    """
    if not raw:
        raise ValueError("empty file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ValueError("broken UTF-16 text (starts with a UTF-16 byte-order mark)") from None
    if b"\x00" in raw:
        raise ValueError("binary file (contains NUL bytes), not text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = _decode_cut_off(raw, encoding)
        except UnicodeDecodeError:
            continue
        name = "utf-8" if encoding == "utf-8-sig" and not raw.startswith(b"\xef\xbb\xbf") else encoding
        return text, name
    raise ValueError("not UTF-8 or GB18030/GBK text; save it as UTF-8 and add it again")


def _decode_cut_off(raw: bytes, encoding: str) -> str:
    """Decode strictly, except for a last character cut in half (an interrupted copy or download).

    The page before the cut is intact and worth keeping; only an error
    right at the end of the file is forgiven, anything else still raises.
    """
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.end != len(raw) or exc.reason not in ("unexpected end of data", "incomplete multibyte sequence"):
            raise
        return raw[: exc.start].decode(encoding)


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / len(text)


def _has_words(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR (old Mac files) become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _links_out_of(path: Path, issues_dir: Path) -> bool:
    """True for a file in issues_dir that a symbolic link leads out of it.

    The archive publishes every issue's text: a link dropped into a watched
    folder must not publish the server's own files.
    """
    inside = Path(os.path.abspath(path)).is_relative_to(os.path.abspath(issues_dir))
    return inside and not path.resolve().is_relative_to(issues_dir.resolve())


def read_issue(path: Path, issues_dir: Path) -> Issue:
    """Decode and describe one issue file; raises IssueReadError with a reason."""
    path = Path(path)
    if _links_out_of(path, Path(issues_dir)):
        raise IssueReadError(path, "symbolic link to a file outside the issues folder; copy the file in instead")
    try:
        size = path.stat().st_size
        if size > MAX_ISSUE_BYTES:
            raise IssueReadError(path, f"file too large ({size / 2**20:.0f} MB; an issue page is at most "
                                       f"{MAX_ISSUE_BYTES // 2**20} MB): is it really one newspaper page?")
        raw = path.read_bytes()
    except OSError as exc:
        raise IssueReadError(path, f"cannot read file ({exc.strerror or exc})") from exc
    try:
        original, encoding = decode_issue_bytes(raw)
    except ValueError as exc:
        raise IssueReadError(path, str(exc)) from None
    if _control_share(original) > CONTROL_CHAR_LIMIT:
        raise IssueReadError(path, "binary file (mostly control characters), not text")
    header, text = split_header(normalize_newlines(original))
    if not text.strip():
        raise IssueReadError(path, "no text (the file is empty or only whitespace)")
    if not _has_words(text):
        raise IssueReadError(path, "no text (only punctuation or symbols)")
    meta = find_metadata(header, path.name, text)
    return Issue(
        id=issue_id(path, issues_dir),
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        encoding=encoding,
        text=text,
        date=meta.date.date,
        date_source=meta.date.source,
        page=meta.page,
        paper=meta.paper,
        year=meta.date.year,
        original=original,
    )
