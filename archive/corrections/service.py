"""Corrections joined to the issue files: what an article reads now, saving, reverting, history.

The original of an article is always re-read from its issue file (read and
split exactly as the indexer does, archive.articles), never taken from the
index: the index may be a second behind a save, and a save checked against
stale text could undo someone else's. Corrections are applied to it from
their placements (archive.corrections.carry): where each applies on the
issue file's current text. When the file's sha256 differs from the one the
placements were made on (a better scan replaced it), or the articles were
split by another version of the splitter (archive.split_version: an upgrade
may number the same page's articles otherwise), they are carried to the new
articles first, by whoever reads the issue first (a save, a page or the
reindex), in the same transaction that records the new `placed_on` key.

Versions: an article that was never corrected is version 1; every save or
revert adds one, and so does carrying its issue to a new file (a form
opened on the old text must not be saved over the new one). A save names
the version it was made on and is refused (`Conflict`) if that is not
the current one.
"""
from __future__ import annotations

import os
import secrets
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from archive.articles import Article, dateline_date, split_articles
from archive.bylines import DatelineParts, parse_dateline
from archive.corrections.carry import Placement, carry, transplant
from archive.corrections.database import database_path, open_database, transaction
from archive.corrections.diff import changed_characters
from archive.corrections.editors import Editor, Editors, now_iso
from archive.corrections.text import CORRECTABLE_FIELDS, MAX_NOTE_CHARS, ArticleText, Change, ChangeError, authors_of, plan_edits, where
from archive.issues import ISSUE_SUFFIXES, Issue, IssueReadError, read_issue
from archive.split_version import split_version


# The statuses of a correction in words, for messages (the pages say them in their templates).
STATUS_WORDS = {"applied": "已生效", "review": "需要复核", "dismissed": "复核后已处理", "reverted": "已撤销"}


class NotFound(LookupError):
    """No such article or correction (HTTP 404); the message says which."""


class Conflict(RuntimeError):
    """The save or revert would overwrite a change made meanwhile (HTTP 409); the message says what changed."""


@dataclass(frozen=True)
class Correction:
    """One corrected field as stored: who, when, the field's text before and after, and where it applies now.

    `status`: "applied" (in the text shown), "review" (the issue file was
    replaced and its `before` text was not found in the new one),
    "dismissed" (was "review" until an editor, `dismissed_by` at
    `dismissed_at`, marked it dealt with: it is never applied or carried
    again) or "reverted" (it and its revert cancel out; kept as history).
    """

    id: int
    article_id: str
    issue_id: str
    field: str
    paragraph: int | None
    before: str
    after: str
    editor: str
    at: str
    note: str
    issue_sha256: str
    version: int
    reverts: int | None
    reverted_by: int | None
    status: str
    applies_to: str | None  # the article it applies to now (after a new scan, maybe not `article_id`)
    dismissed_by: str | None = None
    dismissed_at: str | None = None


@dataclass(frozen=True)
class CorrectedArticle:
    """An article as readers see it (`article`, corrections applied) beside its OCR original."""

    article: Article
    original: ArticleText
    version: int
    review: tuple[Correction, ...]  # corrections of this article that need an editor's eye

    @classmethod
    def printed(cls, article: Article) -> CorrectedArticle:
        """An article nobody has corrected: shown as printed, version 1."""
        return cls(article, ArticleText.of(article), 1, ())

    @property
    def corrected(self) -> bool:
        return ArticleText.of(self.article) != self.original


@dataclass(frozen=True)
class CorrectedIssue:
    """An issue's articles as readers see them, and the `stamp` of the corrections they show
    (read in one transaction, so the index can record which corrections it holds)."""

    articles: list[CorrectedArticle]
    stamp: int


@dataclass(frozen=True)
class Saved:
    """What a save or revert made: the article's new version and the corrections it stored."""

    article_id: str
    version: int
    corrections: list[Correction]


@dataclass(frozen=True)
class CorrectionStats:
    corrected_articles: int
    corrected_characters: int
    corrections: int
    review: list[Correction]


def placed_on(issue: Issue) -> str:
    """What an issue's placements are made on: its file's sha256 and the split version,
    `<sha256>+s<split version>` (the `issues.sha256` column; a bare sha256 there was
    written before split versions were recorded, and is carried once like a new scan)."""
    return f"{issue.sha256}+s{split_version()}"


def corrected_article(issue: Issue, article: Article, text: ArticleText) -> Article:
    """`article` showing `text`; authors re-read from a corrected byline, headings follow their paragraphs,
    the place and day re-read from a corrected dateline (as the splitter reads them, in `issue`'s year)."""
    headings = set(article.headings)
    place, day = article.dateline_place, article.dateline_date
    if text.dateline != article.dateline:
        parts = parse_dateline(text.dateline) if text.dateline else DatelineParts(None, None, None)
        place, day = parts.place, dateline_date(issue, parts)
    return replace(
        article,
        title=text.title,
        subtitle=text.subtitle,
        byline=text.byline,
        authors=article.authors if text.byline == article.byline else authors_of(text.byline),
        paragraphs=text.paragraphs,
        headings=tuple(new for old, new in zip(article.paragraphs, text.paragraphs) if old in headings),
        dateline=text.dateline,
        dateline_place=place,
        dateline_date=day,
        captions=text.captions,
    )


_CORRECTION_COLUMNS = """
    c.id, c.article_id, c.issue_id, c.field, c.paragraph, c.before, c.after, c.editor, c.at, c.note,
    c.issue_sha256, c.version, c.reverts,
    (SELECT r.id FROM corrections r WHERE r.reverts = c.id) AS reverted_by,
    COALESCE(p.status, 'reverted') AS status, p.article_id AS applies_to, p.dismissed_by, p.dismissed_at
    FROM corrections c LEFT JOIN placements p ON p.correction_id = c.id
"""


def _correction(row: sqlite3.Row) -> Correction:
    return Correction(**{key: row[key] for key in row.keys()})


class Corrections:
    """The corrections of one data directory. Thread-safe; the database is opened on first use."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.issues_dir = self.data_dir / "issues"
        self._lock = threading.RLock()  # re-entered when the first use opens the database
        self._conn: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._inherited: list[sqlite3.Connection] = []

    @property
    def conn(self) -> sqlite3.Connection:
        """The connection of this process: an indexing worker forked with this object opens its own."""
        if self._conn is None or self._pid != os.getpid():
            with self._lock:
                if self._conn is None or self._pid != os.getpid():
                    if self._conn is not None:
                        # A connection must not be used across a fork (SQLite's rule), nor closed in the
                        # child, where closing could disturb the parent's WAL files: kept, untouched.
                        self._inherited.append(self._conn)
                    self._conn = open_database(self.data_dir)
                    self._pid = os.getpid()
        return self._conn

    @property
    def editors(self) -> Editors:
        return Editors(self.conn, self._lock)

    def signing_key(self) -> str:
        """The web UI's cookie-signing key: made once, kept in the database (so sessions survive restarts)."""
        with self._lock, transaction(self.conn):
            row = self.conn.execute("SELECT value FROM settings WHERE key = 'signing_key'").fetchone()
            if row is not None:
                return row["value"]
            key = secrets.token_urlsafe(48)
            self.conn.execute("INSERT INTO settings (key, value) VALUES ('signing_key', ?)", (key,))
            return key

    def exists(self) -> bool:
        """Whether this data directory has a corrections database (commands that only read need not create one)."""
        return self._conn is not None or database_path(self.data_dir).exists()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    # ------------------------------------------------------------ reading the issue files

    def load_issue(self, issue_id: str) -> tuple[Issue, list[Article]] | None:
        """The issue file of `issue_id`, read and split into articles as the indexer does; None if there is none."""
        parts = issue_id.split("/")
        if not issue_id or any(p in ("", ".", "..") or "\x00" in p or "\\" in p for p in parts):
            return None
        folder = self.issues_dir.joinpath(*parts[:-1])
        candidates = [folder / (parts[-1] + suffix) for suffix in ISSUE_SUFFIXES]
        for path in candidates:
            if path.is_file():
                try:
                    issue = read_issue(path, self.issues_dir)
                except IssueReadError:
                    return None
                return issue, split_articles(issue)
        return None

    def load_article(self, article_id: str) -> tuple[Issue, list[Article]] | None:
        issue_id, slash, number = article_id.rpartition("/")
        if not slash or not number.isdigit():
            return None
        loaded = self.load_issue(issue_id)
        if loaded is None or not any(a.id == article_id for a in loaded[1]):
            return None
        return loaded

    # ------------------------------------------------------------ corrected text

    def corrected_issue(self, issue: Issue, articles: Sequence[Article]) -> CorrectedIssue:
        """Every article of `issue` with its corrections applied (carried first if the file changed),
        and the issue's `stamp` read with them.

        The indexer asks this of every issue it indexes, so an issue nobody
        corrected costs one indexed read and takes no lock; without a
        corrections database nothing is created. Either way the articles come
        back as printed, stamp 0.
        """
        if self.stamp(issue.id) == 0:
            return CorrectedIssue([CorrectedArticle.printed(a) for a in articles], 0)
        with self._lock, transaction(self.conn):
            shown = self._corrected_issue(issue, articles)
            return CorrectedIssue(shown, self.conn.execute(
                "SELECT stamp FROM issues WHERE issue_id = ?", (issue.id,)).fetchone()["stamp"])

    def article(self, article_id: str) -> CorrectedArticle | None:
        """The article as readers see it now, read from its issue file; None if there is no such article."""
        loaded = self.load_article(article_id)
        if loaded is None:
            return None
        return next(c for c in self.corrected_issue(*loaded).articles if c.article.id == article_id)

    def stamp(self, issue_id: str) -> int:
        """A number that changes whenever a save or revert changes the issue's corrections (0: none yet).

        The reindex folds it into the issue's digest, so a correction makes
        its issue "changed" and only that issue is indexed again.
        """
        if not self.exists():
            return 0
        with self._lock:
            row = self.conn.execute("SELECT stamp FROM issues WHERE issue_id = ?", (issue_id,)).fetchone()
        return row["stamp"] if row else 0

    def stamps(self) -> dict[str, int]:
        """`stamp` of every issue that has corrections."""
        if not self.exists():
            return {}
        with self._lock:
            return {r["issue_id"]: r["stamp"] for r in self.conn.execute("SELECT issue_id, stamp FROM issues")}

    # ------------------------------------------------------------ saving

    def save(self, article_id: str, version: int, changes: Sequence[Change], note: str, editor: Editor) -> Saved:
        """Store `changes` as made on `version` of the article, in one transaction.

        Raises NotFound (no such article), Conflict (`version` is not the
        current one: the message says what changed since) or ChangeError
        (a bad field, paragraph or text, or nothing changed).
        """
        note = _clean_note(note)
        loaded = self.load_article(article_id)
        if loaded is None:
            raise NotFound(f"没有这篇文章：{article_id}")
        issue, articles = loaded
        with self._lock, transaction(self.conn):
            current = next(c for c in self._corrected_issue(issue, articles) if c.article.id == article_id)
            if version != current.version:
                raise Conflict(self._changes_since(article_id, version, current.version))
            edits = plan_edits(ArticleText.of(current.article), changes)
            new_version = current.version + 1
            ids = [self._insert(issue, article_id, edit.field, edit.paragraph, edit.before, edit.after, editor.name,
                                note, new_version, None) for edit in edits]
            self._finish_save(issue, article_id, new_version)
            return Saved(article_id, new_version, self._corrections("c.id BETWEEN ? AND ?", [ids[0], ids[-1]]))

    def revert(self, correction_id: int, note: str, editor: Editor) -> Saved:
        """Undo one correction with a new correction; Conflict if it was reverted already or cannot be undone now."""
        note = _clean_note(note)
        with self._lock:
            found = self._corrections("c.id = ?", [correction_id])
        if not found:
            raise NotFound(f"没有这条校对：{correction_id}")
        target = found[0]
        loaded = self.load_issue(target.issue_id)
        if loaded is None:
            raise NotFound(f"校对 {correction_id} 所在的版面已不在档案中：{target.issue_id}")
        issue, articles = loaded
        with self._lock, transaction(self.conn):
            by_id = {c.article.id: c for c in self._corrected_issue(issue, articles)}
            target = self._corrections("c.id = ?", [correction_id])[0]
            if target.reverted_by is not None:
                raise Conflict(f"校对 {correction_id} 已经被撤销过了（由 {target.reverted_by}）；要恢复它，请撤销那一条。")
            if target.status != "applied" or target.applies_to not in by_id:
                raise Conflict(f"校对 {correction_id} 现在没有作用在文中（原文件已被替换，它需要人工复核），无法撤销。")
            place = self.conn.execute("SELECT * FROM placements WHERE correction_id = ?", (correction_id,)).fetchone()
            current = by_id[place["article_id"]]
            value = ArticleText.of(current.article).value(place["field"], place["paragraph"]) or ""
            undone = transplant(place["after"], place["before"], value)
            if undone is None or undone == value:
                raise Conflict(f"校对 {correction_id} 改过的文字后来又被改动，无法自动撤销；请直接在校对页面修改。")
            new_version = current.version + 1
            new_id = self._insert(issue, current.article.id, place["field"], place["paragraph"], value, undone,
                                  editor.name, note or f"撤销校对 {correction_id}", new_version, correction_id)
            self._finish_save(issue, current.article.id, new_version)
            return Saved(current.article.id, new_version, self._corrections("c.id = ?", [new_id]))

    def dismiss(self, correction_id: int, editor: Editor) -> Correction:
        """Mark a correction that needs review as dealt with (the editor redid it by hand, or the new
        scan reads right by itself): it leaves the review lists and stays in the history, never applied
        or carried again. The issue's stamp changes, so the reindex drops it from the article's `review`.
        NotFound: no such correction; Conflict: it does not need review (any more)."""
        with self._lock:
            found = self._corrections("c.id = ?", [correction_id])
        if not found:
            raise NotFound(f"没有这条校对：{correction_id}")
        loaded = self.load_issue(found[0].issue_id)
        if loaded is None:
            raise NotFound(f"校对 {correction_id} 所在的版面已不在档案中：{found[0].issue_id}")
        issue, articles = loaded
        with self._lock, transaction(self.conn):
            self._corrected_issue(issue, articles)  # carried first if the file changed since: its status may change
            target = self._corrections("c.id = ?", [correction_id])[0]
            if target.status != "review":
                raise Conflict(f"校对 {correction_id} 不需要复核（现在的状态：{STATUS_WORDS.get(target.status, target.status)}），"
                               "不用标为已处理。")
            self.conn.execute("UPDATE placements SET status = 'dismissed', dismissed_by = ?, dismissed_at = ? "
                              "WHERE correction_id = ?", (editor.name, now_iso(), correction_id))
            self.conn.execute("UPDATE issues SET stamp = stamp + 1 WHERE issue_id = ?", (issue.id,))
            return self._corrections("c.id = ?", [correction_id])[0]

    # ------------------------------------------------------------ history

    def history(self, article_id: str) -> list[Correction]:
        """Every correction made on the article or applying to it now, oldest first."""
        if not self.exists():
            return []
        with self._lock:
            return self._corrections("c.article_id = ? OR p.article_id = ?", [article_id, article_id])

    def recent(self, limit: int = 50, before_id: int | None = None) -> list[Correction]:
        """The newest corrections across the archive, newest first (`before_id`: the next page)."""
        if not self.exists():
            return []
        with self._lock:
            rows = self.conn.execute(f"SELECT {_CORRECTION_COLUMNS} WHERE c.id < ? ORDER BY c.id DESC LIMIT ?",
                                     (before_id or 2**62, limit)).fetchall()
        return [_correction(r) for r in rows]

    def correction(self, correction_id: int) -> Correction | None:
        if not self.exists():
            return None
        with self._lock:
            found = self._corrections("c.id = ?", [correction_id])
        return found[0] if found else None

    def changes_since(self, article_id: str, given: int, current: int) -> str:
        """What changed in the article after version `given` (now `current`), in words, for a 409."""
        with self._lock:
            return self._changes_since(article_id, given, current)

    def stats(self) -> CorrectionStats:
        """Corrected articles and characters (original against corrected text, so a revert counts nothing),
        the number of corrections, and those needing review. Reads each corrected issue's file."""
        if not self.exists():
            return CorrectionStats(0, 0, 0, [])
        with self._lock:
            issues = [r["issue_id"] for r in self.conn.execute("SELECT issue_id FROM issues ORDER BY issue_id")]
            count = self.conn.execute("SELECT COUNT(*) FROM corrections").fetchone()[0]
        articles = characters = 0
        for issue_id in issues:
            loaded = self.load_issue(issue_id)
            if loaded is None:
                continue
            for shown in self.corrected_issue(*loaded).articles:
                if shown.corrected:
                    articles += 1
                    characters += _changed(shown.original, ArticleText.of(shown.article))
        with self._lock:
            review = self._corrections("p.status = 'review'", [])
        return CorrectionStats(articles, characters, count, review)

    # ------------------------------------------------------------ inside the lock and a transaction

    def _corrected_issue(self, issue: Issue, articles: Sequence[Article]) -> list[CorrectedArticle]:
        self._carry_if_replaced(issue, articles)
        rows = self.conn.execute(
            "SELECT * FROM placements WHERE issue_id = ? ORDER BY correction_id", (issue.id,)).fetchall()
        texts = {a.id: ArticleText.of(a) for a in articles}
        review: dict[str, list[int]] = {}
        for row in rows:
            if row["status"] == "applied" and row["article_id"] in texts:
                texts[row["article_id"]] = texts[row["article_id"]].with_value(row["field"], row["paragraph"], row["after"])
            elif row["status"] == "review":
                review.setdefault(row["article_id"], []).append(row["correction_id"])
        versions = {r["article_id"]: r["version"] for r in
                    self.conn.execute("SELECT article_id, version FROM articles WHERE issue_id = ?", (issue.id,))}
        flagged = {c.id: c for c in self._corrections("p.issue_id = ? AND p.status = 'review'", [issue.id])} if review else {}
        return [CorrectedArticle(corrected_article(issue, a, texts[a.id]), ArticleText.of(a), versions.get(a.id, 1),
                                 tuple(flagged[i] for i in review.get(a.id, ())))
                for a in articles]

    def _carry_if_replaced(self, issue: Issue, articles: Sequence[Article]) -> None:
        """Carry the issue's corrections to its new articles if its file or the splitter changed since they were placed."""
        row = self.conn.execute("SELECT sha256 FROM issues WHERE issue_id = ?", (issue.id,)).fetchone()
        if row is None or row["sha256"] == placed_on(issue):
            return
        rows = self.conn.execute(
            "SELECT p.*, c.reverts, (SELECT r.id FROM corrections r WHERE r.reverts = c.id) AS reverted_by "
            "FROM placements p JOIN corrections c ON c.id = p.correction_id WHERE p.issue_id = ? "
            "AND p.status != 'dismissed' ORDER BY p.correction_id", (issue.id,)).fetchall()  # dismissed: stay as they are
        by_id = {r["correction_id"]: r for r in rows}
        # A correction and the revert that undid it cancel out: carried, the revert could undo
        # what the new scan got right by itself (its `before` is the corrected text).
        neutral = {i for r in rows if r["reverted_by"] is not None and r["reverted_by"] in by_id
                   and by_id[r["reverted_by"]]["reverted_by"] is None
                   for i in (r["correction_id"], r["reverted_by"])}
        placements = [Placement(r["correction_id"], r["article_id"], r["field"], r["paragraph"], r["before"], r["after"])
                      for r in rows if r["correction_id"] not in neutral]
        outcome = carry(placements, {a.id: ArticleText.of(a) for a in articles})
        self.conn.execute("DELETE FROM placements WHERE issue_id = ? AND status != 'dismissed'", (issue.id,))
        for p in outcome.placed:
            self._place(issue, p, "applied")
        for p in placements:
            if p.correction_id in outcome.review:
                self._place(issue, p, "review")
        self.conn.execute("UPDATE articles SET version = version + 1 WHERE issue_id = ?", (issue.id,))
        self.conn.executemany("INSERT OR IGNORE INTO articles (article_id, issue_id, version) VALUES (?, ?, 2)",
                              [(a.id, issue.id) for a in articles])
        self.conn.execute("UPDATE issues SET sha256 = ? WHERE issue_id = ?", (placed_on(issue), issue.id))

    def _place(self, issue: Issue, p: Placement, status: str) -> None:
        self.conn.execute(
            "INSERT INTO placements (correction_id, issue_id, issue_sha256, status, article_id, field, paragraph, "
            "before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (p.correction_id, issue.id, issue.sha256, status, p.article_id, p.field, p.paragraph, p.before, p.after))

    def _insert(self, issue: Issue, article_id: str, field: str, paragraph: int | None, before: str, after: str,
                editor: str, note: str, version: int, reverts: int | None) -> int:
        assert field in CORRECTABLE_FIELDS
        cursor = self.conn.execute(
            "INSERT INTO corrections (article_id, issue_id, field, paragraph, before, after, editor, at, note, "
            "issue_sha256, version, reverts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, issue.id, field, paragraph, before, after, editor, now_iso(), note, issue.sha256, version,
             reverts))
        correction_id = cursor.lastrowid or 0
        self._place(issue, Placement(correction_id, article_id, field, paragraph, before, after), "applied")
        return correction_id

    def _finish_save(self, issue: Issue, article_id: str, version: int) -> None:
        """Record the article's new version and change the issue's stamp (the reindex picks it up).

        The issue's placements are on `placed_on(issue)` (`_carry_if_replaced` ran first), so that is what is recorded.
        """
        self.conn.execute("INSERT INTO articles (article_id, issue_id, version) VALUES (?, ?, ?) "
                          "ON CONFLICT (article_id) DO UPDATE SET version = excluded.version",
                          (article_id, issue.id, version))
        self.conn.execute("INSERT INTO issues (issue_id, sha256, stamp) VALUES (?, ?, 1) "
                          "ON CONFLICT (issue_id) DO UPDATE SET stamp = stamp + 1", (issue.id, placed_on(issue)))

    def _corrections(self, where_sql: str, args: Sequence[object]) -> list[Correction]:
        rows = self.conn.execute(f"SELECT {_CORRECTION_COLUMNS} WHERE {where_sql} ORDER BY c.id", list(args)).fetchall()
        return [_correction(r) for r in rows]

    def _changes_since(self, article_id: str, given: int, current: int) -> str:
        """The 409 message: which version was sent, which is current, and who changed what meanwhile."""
        newer = self._corrections("(c.article_id = ? OR p.article_id = ?) AND c.version > ?",
                                  [article_id, article_id, given])
        head = f"本文已是第 {current} 版，你的修改是在第 {given} 版上做的："
        if not newer:
            return head + "这期间原文件被新的扫描替换，校对已移到新文本上。请重新打开校对页面再改。"
        changes = "；".join(f"{c.editor} 于 {c.at} 改了{where(c.field, c.paragraph)}" for c in newer[-10:])
        return head + changes + "。请重新打开校对页面，在最新文本上再改。"


def _clean_note(note: object) -> str:
    if not isinstance(note, str):
        raise ChangeError("note 必须是字符串。")
    note = note.strip()
    if len(note) > MAX_NOTE_CHARS:
        raise ChangeError(f"说明太长（{len(note)} 个字符），最多 {MAX_NOTE_CHARS} 个字符。")
    if "\x00" in note:
        raise ChangeError("说明里不能有空字符。")
    return note


def _changed(original: ArticleText, corrected: ArticleText) -> int:
    return sum(changed_characters(a, b) for _, _, a, b in original.fields_beside(corrected) if a != b)
