"""Who is asking: a nurse with a login session (cookie), or a system with the API's bearer token.

Passwords are hashed with Argon2id (argon2-cffi). A session is a random token in an HttpOnly,
SameSite=Strict cookie; the store keeps only its SHA-256 and when it expires
(NURSE_SESSION_HOURS), so a copy of the database opens no session, and logging out or removing
a nurse ends their sessions at once. The bearer token (NURSE_API_TOKEN) is compared in constant
time. With no token and no nurse, nothing gets in: never open by default.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from bot.channels.nurse_settings import NurseSettings
from bot.channels.nurse_store import NurseStore

try:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError
except ImportError:  # pinned in requirements.txt; without it the token still works, logins do not
    PasswordHasher = None

logger = logging.getLogger(__name__)

COOKIE = "nurse_session"
API_USER = "api"  # who recorded a call made with the bearer token
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MIN_PASSWORD_CHARS = 10



@functools.lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    if PasswordHasher is None:
        raise RuntimeError("argon2-cffi is not installed: no password can be hashed or checked")
    return PasswordHasher()


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Checked when the user does not exist, so a wrong name takes as long as a wrong password."""
    return _hasher().hash(secrets.token_hex(16))


@dataclass(frozen=True)
class Principal:
    username: str
    via: str  # "session" or "token"


def valid_username(name: str) -> bool:
    return isinstance(name, str) and USERNAME.fullmatch(name) is not None and name != API_USER


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    return _hasher().hash(password)


def check_password(store: NurseStore, username: str, password: str) -> bool:
    """Blocking (Argon2 takes tens of milliseconds): call it off the event loop."""
    if PasswordHasher is None:
        logger.error("nurse login refused: argon2-cffi is not installed (see requirements.txt)")
        return False
    stored = store.password_hash(username) if valid_username(username) else None
    try:
        return _hasher().verify(stored or _dummy_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):  # a mismatch is a VerificationError
        return False


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def bearer_ok(settings: NurseSettings, authorization: str | None) -> bool:
    if not settings.token_usable or not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("utf-8", "surrogatepass"), settings.api_token.encode("utf-8"))


def authenticate(
    settings: NurseSettings, store: NurseStore | None, headers: Mapping[str, str], cookies: Mapping[str, str]
) -> Principal | None:
    """Blocking when it reads a session from the store."""
    authorization = headers.get("authorization") or headers.get("Authorization")
    if authorization:  # a request that names a token is judged by the token alone
        return Principal(API_USER, "token") if bearer_ok(settings, authorization) else None
    token = cookies.get(COOKIE)
    if token and store is not None and len(token) <= 128:
        username = store.session_user(token_hash(token))
        if username:
            return Principal(username, "session")
    return None
