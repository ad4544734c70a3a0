"""DATA/corrections.sqlite: the one file that holds editors and their corrections.

Not under DATA/.archive/ (everything there is derived and can be thrown
away; this cannot), so backing up the data directory backs it up, and
`archive reindex --full` never touches it.

Durability: WAL journal with `synchronous=FULL`, so a save is on disk
when its transaction commits and a process killed at any moment (kill -9)
leaves the database as it was before or after that transaction, never in
between (SQLite's own guarantee; tests/test_corrections_crash.py kills a
real server in the middle of saves). Every save is one
`BEGIN IMMEDIATE … COMMIT`: the version check and the write cannot be
split by another process's save.

Versions: `PRAGMA user_version` counts the migrations applied; each runs
in its own transaction, so an upgrade killed half-way is simply redone.
A database from a newer archive is refused rather than misread.
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FILE_NAME = "corrections.sqlite"
BUSY_TIMEOUT_MS = 10_000

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: editors, their tokens and sessions, corrections and where they apply now
        """CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE editors (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL)""",
        """CREATE TABLE credentials (
            id TEXT PRIMARY KEY,
            editor_id INTEGER NOT NULL REFERENCES editors(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('token', 'session')),
            secret_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT)""",
        """CREATE INDEX credentials_editor ON credentials(editor_id)""",
        """CREATE TABLE corrections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id TEXT NOT NULL,
            issue_id TEXT NOT NULL,
            field TEXT NOT NULL CHECK (field IN ('title', 'subtitle', 'byline', 'paragraph')),
            paragraph INTEGER,
            before TEXT NOT NULL,
            after TEXT NOT NULL,
            editor TEXT NOT NULL,
            at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            issue_sha256 TEXT NOT NULL,
            version INTEGER NOT NULL,
            reverts INTEGER UNIQUE REFERENCES corrections(id))""",
        """CREATE INDEX corrections_article ON corrections(article_id)""",
        """CREATE INDEX corrections_issue ON corrections(issue_id)""",
        """CREATE TABLE placements (
            correction_id INTEGER PRIMARY KEY REFERENCES corrections(id),
            issue_id TEXT NOT NULL,
            issue_sha256 TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('applied', 'review')),
            article_id TEXT NOT NULL,
            field TEXT NOT NULL,
            paragraph INTEGER,
            before TEXT NOT NULL,
            after TEXT NOT NULL)""",
        """CREATE INDEX placements_issue ON placements(issue_id)""",
        """CREATE INDEX placements_article ON placements(article_id)""",
        """CREATE TABLE articles (
            article_id TEXT PRIMARY KEY,
            issue_id TEXT NOT NULL,
            version INTEGER NOT NULL)""",
        """CREATE INDEX articles_issue ON articles(issue_id)""",
        """CREATE TABLE issues (
            issue_id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL,
            stamp INTEGER NOT NULL)""",
    ),
    (  # 2: datelines and captions are correctable; a correction needing review can be dismissed (by whom, when).
       # SQLite cannot change a CHECK: both tables are rebuilt and renamed (its "12 steps", foreign keys off: `migrate`).
        """CREATE TABLE corrections_2 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id TEXT NOT NULL,
            issue_id TEXT NOT NULL,
            field TEXT NOT NULL CHECK (field IN ('title', 'subtitle', 'byline', 'dateline', 'paragraph', 'caption')),
            paragraph INTEGER,
            before TEXT NOT NULL,
            after TEXT NOT NULL,
            editor TEXT NOT NULL,
            at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            issue_sha256 TEXT NOT NULL,
            version INTEGER NOT NULL,
            reverts INTEGER UNIQUE REFERENCES corrections(id))""",
        """INSERT INTO corrections_2 SELECT * FROM corrections""",
        """DROP TABLE corrections""",
        """ALTER TABLE corrections_2 RENAME TO corrections""",
        """CREATE INDEX corrections_article ON corrections(article_id)""",
        """CREATE INDEX corrections_issue ON corrections(issue_id)""",
        """CREATE TABLE placements_2 (
            correction_id INTEGER PRIMARY KEY REFERENCES corrections(id),
            issue_id TEXT NOT NULL,
            issue_sha256 TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('applied', 'review', 'dismissed')),
            article_id TEXT NOT NULL,
            field TEXT NOT NULL,
            paragraph INTEGER,
            before TEXT NOT NULL,
            after TEXT NOT NULL,
            dismissed_by TEXT,
            dismissed_at TEXT)""",
        """INSERT INTO placements_2 (correction_id, issue_id, issue_sha256, status, article_id, field, paragraph,
            before, after) SELECT correction_id, issue_id, issue_sha256, status, article_id, field, paragraph,
            before, after FROM placements""",
        """DROP TABLE placements""",
        """ALTER TABLE placements_2 RENAME TO placements""",
        """CREATE INDEX placements_issue ON placements(issue_id)""",
        """CREATE INDEX placements_article ON placements(article_id)""",
    ),
)


class DatabaseTooNew(RuntimeError):
    """The corrections database was written by a newer version of the archive."""


def database_path(data_dir: Path) -> Path:
    return Path(data_dir) / FILE_NAME


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with the durability settings above."""
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    if new:
        os.chmod(path, 0o600)  # password and token hashes: for the archive's owner only
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """`BEGIN IMMEDIATE` (the write lock, taken before anything is read) … COMMIT, or ROLLBACK on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations this database has not had yet, each in one transaction.

    An up-to-date database is recognised without taking the write lock: the
    indexer opens it in every reindex (and every worker), beside a server saving.
    Foreign keys are off while migrating (a rebuilt table is dropped while
    others refer to it; SQLite ignores the pragma inside a transaction, so it
    is set around them) and checked before each migration commits.
    """
    if conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS):
        return
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for number, statements in enumerate(MIGRATIONS, start=1):
            with transaction(conn):
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > len(MIGRATIONS):
                    raise DatabaseTooNew(f"{FILE_NAME} has schema version {version}, newer than this archive "
                                         f"knows ({len(MIGRATIONS)}); upgrade the archive")
                if version >= number:
                    continue
                for statement in statements:
                    conn.execute(statement)
                if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise sqlite3.IntegrityError(f"{FILE_NAME}: migration {number} would break a foreign key")
                conn.execute(f"PRAGMA user_version = {number}")
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def open_database(data_dir: Path) -> sqlite3.Connection:
    """The data directory's corrections database, created and migrated as needed."""
    conn = connect(database_path(data_dir))
    try:
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn
