"""Passwords, API tokens and session ids of editors: made here, stored only as argon2 hashes.

argon2 (`argon2-cffi`) is the hash made for passwords. A password gets
the library's default profile (RFC 9106's low-memory one: 64 MiB, 3
passes; about 0.13 s to check here), which is what makes guessing
expensive. A token or session id is 32 random bytes that nobody can
guess however cheap each try is, so its hash uses a light profile
(about 5 ms here): it is checked on every request that carries it.

A token is `<id>.<secret>`: the id (public, random) finds the one stored
hash to check, so no request ever tries every editor's hash.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

PASSWORDS = PasswordHasher()
SECRETS = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1_000  # argon2 takes any length; a megabyte "password" is an attack on CPU


def hash_password(password: str) -> str:
    return PASSWORDS.hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    return _verify(PASSWORDS, stored_hash, password)


def password_problem(password: str) -> str | None:
    """Why a new password is refused (Simplified Chinese), or None."""
    if len(password) < MIN_PASSWORD_CHARS:
        return f"密码至少 {MIN_PASSWORD_CHARS} 个字符。"
    if len(password) > MAX_PASSWORD_CHARS:
        return f"密码最多 {MAX_PASSWORD_CHARS} 个字符。"
    return None


@dataclass(frozen=True)
class IssuedSecret:
    """A new token or session id: `value` goes to its owner once, `id` and `hash` are stored."""

    id: str
    secret: str
    hash: str

    @property
    def value(self) -> str:
        """What the owner presents: `<id>.<secret>` (read back by `split_secret`)."""
        return f"{self.id}.{self.secret}"


def issue_secret(prefix: str) -> IssuedSecret:
    """A fresh `<prefix><id>.<secret>` with the argon2 hash of the secret."""
    ident = prefix + secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return IssuedSecret(ident, secret, SECRETS.hash(secret))


def split_secret(value: str) -> tuple[str, str] | None:
    """(id, secret) of a presented token or session id; None if it cannot be one."""
    ident, dot, secret = value.strip().partition(".")
    if not dot or not ident or not secret or len(value) > 200 or not value.isascii():
        return None
    return ident, secret


def check_secret(stored_hash: str, secret: str) -> bool:
    return _verify(SECRETS, stored_hash, secret)


def _verify(hasher: PasswordHasher, stored_hash: str, given: str) -> bool:
    try:
        return hasher.verify(stored_hash, given)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
