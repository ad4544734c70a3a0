"""Editors: who may correct, their API token and their login sessions.

`archive editor add|list|remove|token` and the web UI's login both come
here. Removing an editor ends their sessions and token at once (the rows
go with them), but keeps their corrections: history names who made each.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass

from archive.corrections import credentials
from archive.corrections.database import transaction

# Names appear in history, feeds and URLs: letters, digits, CJK, `._-`, at most 40.
EDITOR_NAME = re.compile(r"[\w.\-\u4e00-\u9fff]{1,40}")
SESSION_HOURS = 12


class EditorError(ValueError):
    """A request about editors that cannot be done; the message says why."""


@dataclass(frozen=True)
class Editor:
    id: int
    name: str
    created_at: str
    has_token: bool = False


def now_iso() -> str:
    """The current time as stored and shown: UTC, seconds, `Z`."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Editors:
    """Editors of one corrections database; `lock` serialises use of the shared connection."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock) -> None:
        self.conn = conn
        self.lock = lock

    def add(self, name: str, password: str) -> Editor:
        if not EDITOR_NAME.fullmatch(name):
            raise EditorError("编辑名只能用字母、数字、汉字和 . _ -，最多 40 个字符。")
        problem = credentials.password_problem(password)
        if problem:
            raise EditorError(problem)
        password_hash = credentials.hash_password(password)
        with self.lock, transaction(self.conn):
            if self.conn.execute("SELECT 1 FROM editors WHERE name = ?", (name,)).fetchone():
                raise EditorError(f"编辑 {name} 已经存在。")
            created = now_iso()
            cursor = self.conn.execute("INSERT INTO editors (name, password_hash, created_at) VALUES (?, ?, ?)",
                                       (name, password_hash, created))
        return Editor(cursor.lastrowid or 0, name, created)

    def list(self) -> list[Editor]:
        with self.lock:
            rows = self.conn.execute(
                "SELECT e.id, e.name, e.created_at, EXISTS (SELECT 1 FROM credentials c WHERE c.editor_id = e.id "
                "AND c.kind = 'token') AS has_token FROM editors e ORDER BY e.name").fetchall()
        return [Editor(r["id"], r["name"], r["created_at"], bool(r["has_token"])) for r in rows]

    def remove(self, name: str) -> None:
        with self.lock, transaction(self.conn):
            if self.conn.execute("DELETE FROM editors WHERE name = ?", (name,)).rowcount == 0:
                raise EditorError(f"没有编辑 {name}。")

    def issue_token(self, name: str) -> str:
        """A new API token for `name` (returned once); the editor's earlier tokens stop working."""
        issued = credentials.issue_secret("t")
        with self.lock, transaction(self.conn):
            editor = self._id(name)
            self.conn.execute("DELETE FROM credentials WHERE editor_id = ? AND kind = 'token'", (editor,))
            self.conn.execute("INSERT INTO credentials (id, editor_id, kind, secret_hash, created_at) "
                              "VALUES (?, ?, 'token', ?, ?)", (issued.id, editor, issued.hash, now_iso()))
        return issued.value

    def check_password(self, name: str, password: str) -> Editor | None:
        """The editor if `password` is theirs. An unknown name costs the same time as a wrong password."""
        with self.lock:
            row = self.conn.execute("SELECT id, name, created_at, password_hash FROM editors WHERE name = ?",
                                    (name,)).fetchone()
        if row is None:
            credentials.check_password(_dummy_hash(), password)
            return None
        if len(password) > credentials.MAX_PASSWORD_CHARS or not credentials.check_password(row["password_hash"], password):
            return None
        return Editor(row["id"], row["name"], row["created_at"])

    def open_session(self, editor: Editor) -> str:
        """A new login session (its value goes into the cookie); expired sessions are cleared here."""
        issued = credentials.issue_secret("s")
        expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=SESSION_HOURS)).strftime("%Y-%m-%dT%H:%M:%SZ")
        with self.lock, transaction(self.conn):
            self.conn.execute("DELETE FROM credentials WHERE kind = 'session' AND expires_at < ?", (now_iso(),))
            self.conn.execute("INSERT INTO credentials (id, editor_id, kind, secret_hash, created_at, expires_at) "
                              "VALUES (?, ?, 'session', ?, ?, ?)", (issued.id, editor.id, issued.hash, now_iso(), expires))
        return issued.value

    def close_session(self, value: str) -> None:
        parts = credentials.split_secret(value)
        if parts is None:
            return
        with self.lock, transaction(self.conn):
            self.conn.execute("DELETE FROM credentials WHERE id = ? AND kind = 'session'", (parts[0],))

    def by_secret(self, value: str, kind: str) -> Editor | None:
        """The editor a token or session value belongs to (None: unknown, wrong, expired or revoked)."""
        parts = credentials.split_secret(value)
        if parts is None:
            return None
        with self.lock:
            row = self.conn.execute(
                "SELECT e.id, e.name, e.created_at, c.secret_hash, c.expires_at FROM credentials c "
                "JOIN editors e ON e.id = c.editor_id WHERE c.id = ? AND c.kind = ?", (parts[0], kind)).fetchone()
        if row is None or (row["expires_at"] is not None and row["expires_at"] < now_iso()):
            return None
        if not credentials.check_secret(row["secret_hash"], parts[1]):
            return None
        return Editor(row["id"], row["name"], row["created_at"])

    def _id(self, name: str) -> int:
        row = self.conn.execute("SELECT id FROM editors WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise EditorError(f"没有编辑 {name}。")
        return row["id"]


@functools.cache
def _dummy_hash() -> str:
    """A password hash no one matches, checked for unknown names (made once, on first use: 0.13 s)."""
    return credentials.hash_password(secrets.token_hex(16))
