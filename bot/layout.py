"""Where the conversations and the locks live, chosen by environment variables.

The default is the one-machine layout: an embedded SQLite tracker store and an in-memory lock
store. Production sets TRACKER_STORE=postgres and LOCK_STORE=redis, so that two or more Rasa
servers share the conversations and never handle one conversation at the same time. On one
machine, SANIC_WORKERS=2 runs two worker processes of one Rasa server; their locks then live in
a SQLite file (LOCK_STORE=sqlite, the default when SANIC_WORKERS is above 1).
Table of the variables: docs/production.md. Used by bot.endpoints (the endpoints file Rasa
reads), bot.preflight (the check before start) and bot.retention.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa


class LayoutError(ValueError):
    """A variable is missing or wrong; the message says which and how to fix it."""


def _number(env: Mapping[str, str], name: str, default: float, kind=float):
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise LayoutError(f"{name}={raw!r} is not a number") from None
    if value < 0:
        raise LayoutError(f"{name} must not be negative")
    return value


@dataclass(frozen=True)
class Postgres:
    host: str = "127.0.0.1"
    port: int = 5432
    db: str = "rasa"
    user: str = "postgres"
    password: str = ""
    raw_url: str = ""  # DB_URL, when given: the endpoints file refers to ${DB_URL}, not its parts

    def url(self, database: str | None = None) -> sa.engine.URL:
        if self.raw_url:
            url = sa.engine.make_url(self.raw_url)
            return url.set(database=database) if database else url
        return sa.engine.URL.create(
            "postgresql", self.user or None, self.password or None, self.host, self.port, database or self.db
        )

    def describe(self) -> str:
        return f"PostgreSQL at {self.host}:{self.port} (database {self.db}, user {self.user})"


@dataclass(frozen=True)
class Redis:
    host: str = "127.0.0.1"
    port: int = 6379
    db: int = 1
    password: str = ""
    key_prefix: str = ""

    def describe(self) -> str:
        return f"Redis at {self.host}:{self.port} (db {self.db})"


@dataclass(frozen=True)
class Layout:
    tracker_store: str = "sqlite"  # sqlite | postgres
    sqlite_db: str = "rasa.db"
    postgres: Postgres | None = None
    lock_store: str = "memory"  # memory | redis | sqlite
    sqlite_lock_db: str = "rasa.db.locks"
    redis: Redis | None = None
    action_url: str = "http://127.0.0.1:5055/webhook"
    session_expiration_minutes: float | None = None  # None: the domain's value (720)
    connect_timeout: float = 5.0  # seconds, for PostgreSQL and Redis

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Layout:
        env = os.environ if environ is None else environ
        tracker = env.get("TRACKER_STORE", "").strip().lower() or "sqlite"
        if tracker in ("postgresql", "pg"):
            tracker = "postgres"
        if tracker not in ("sqlite", "postgres"):
            raise LayoutError(f"TRACKER_STORE={tracker!r}: use sqlite (default) or postgres")
        workers = _number(env, "SANIC_WORKERS", 1, int)
        lock = env.get("LOCK_STORE", "").strip().lower() or ("sqlite" if workers > 1 else "memory")
        if lock in ("in_memory", "inmemory"):
            lock = "memory"
        if lock not in ("memory", "redis", "sqlite"):
            raise LayoutError(f"LOCK_STORE={lock!r}: use memory (default), sqlite (workers of one machine) or redis")
        if lock == "memory" and workers > 1:
            raise LayoutError(f"SANIC_WORKERS={workers} needs a shared lock store: LOCK_STORE=sqlite (one machine) or redis")
        sqlite_db = env.get("SQLITE_DB", "").strip() or "rasa.db"
        minutes = _number(env, "SESSION_EXPIRATION_MINUTES", -1.0)
        tracker_cache_size(env)  # checked at start: a wrong value stops it with a sentence
        sqlite_synchronous(env)
        return cls(
            tracker_store=tracker,
            sqlite_db=sqlite_db,
            postgres=_postgres(env) if tracker == "postgres" else None,
            lock_store=lock,
            sqlite_lock_db=env.get("SQLITE_LOCK_DB", "").strip() or f"{sqlite_db}.locks",
            redis=_redis(env) if lock == "redis" else None,
            action_url=env.get("ACTION_ENDPOINT_URL", "").strip() or cls.action_url,
            session_expiration_minutes=None if minutes < 0 else minutes,
            connect_timeout=_number(env, "DB_CONNECT_TIMEOUT", 5.0) or 5.0,
        )

    def tracker_url(self) -> sa.engine.URL:
        """The SQLAlchemy URL of the tracker store (for retention and the start check)."""
        if self.tracker_store == "postgres":
            return self.postgres.url()
        return sa.engine.URL.create("sqlite", database=self.sqlite_db)

    def describe(self) -> str:
        tracker = self.postgres.describe() if self.postgres else f"SQLite file {self.sqlite_db}"
        if self.redis:
            lock = self.redis.describe()
        elif self.lock_store == "sqlite":
            lock = f"SQLite file {self.sqlite_lock_db} (the workers of one machine)"
        else:
            lock = "in memory (one Rasa server only)"
        return f"tracker store: {tracker}; lock store: {lock}"


def _postgres(env: Mapping[str, str]) -> Postgres:
    url = env.get("DB_URL", "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("postgresql", "postgresql+psycopg2"):
            raise LayoutError(f"DB_URL must start with postgresql:// (got {parts.scheme or 'no'} scheme)")
        try:
            port = parts.port or 5432
        except ValueError:
            raise LayoutError("DB_URL has a port that is not a number") from None
        return Postgres(
            host=parts.hostname or "127.0.0.1",
            port=port,
            db=unquote(parts.path.lstrip("/")) or "rasa",
            user=unquote(parts.username or "") or "postgres",
            password=unquote(parts.password or ""),
            raw_url=url,
        )
    return Postgres(
        host=env.get("DB_HOST", "").strip() or "127.0.0.1",
        port=int(_number(env, "DB_PORT", 5432, int)),
        db=env.get("DB_NAME", "").strip() or "rasa",
        user=env.get("DB_USER", "").strip() or "postgres",
        password=env.get("DB_PASSWORD", ""),
    )


def _redis(env: Mapping[str, str]) -> Redis:
    prefix = env.get("REDIS_KEY_PREFIX", "").strip()
    if prefix and not prefix.isalnum():
        raise LayoutError("REDIS_KEY_PREFIX must be letters and digits only (Rasa ignores any other)")
    url = env.get("REDIS_URL", "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("redis", ""):
            raise LayoutError("REDIS_URL must look like redis://host:6379/1")
        if parts.password:
            raise LayoutError("put the Redis password in REDIS_PASSWORD, not in REDIS_URL")
        try:
            port = parts.port or 6379
        except ValueError:
            raise LayoutError("REDIS_URL has a port that is not a number") from None
        path = parts.path.strip("/")
        if path and not path.isdigit():
            raise LayoutError("REDIS_URL: the database after the / must be a number")
        return Redis(parts.hostname or "127.0.0.1", port, int(path or 1), env.get("REDIS_PASSWORD", ""), prefix)
    return Redis(
        host=env.get("REDIS_HOST", "").strip() or "127.0.0.1",
        port=int(_number(env, "REDIS_PORT", 6379, int)),
        db=int(_number(env, "REDIS_DB", 1, int)),
        password=env.get("REDIS_PASSWORD", ""),
        key_prefix=prefix,
    )


SQLITE_SYNCHRONOUS = ("NORMAL", "FULL")


def tracker_cache_size(env: Mapping[str, str]) -> int:
    """TRACKER_CACHE_SIZE: conversations each Rasa server keeps in memory between turns
    (bot.tracker_store; default 1000, 0 turns it off)."""
    return int(_number(env, "TRACKER_CACHE_SIZE", 1000, int))


def sqlite_synchronous(env: Mapping[str, str]) -> str:
    value = env.get("SQLITE_SYNCHRONOUS", "").strip().upper() or "NORMAL"
    if value not in SQLITE_SYNCHRONOUS:
        raise LayoutError(f"SQLITE_SYNCHRONOUS={value!r}: use {' or '.join(SQLITE_SYNCHRONOUS)}")
    return value


def _sqlite_pragmas(engine: sa.engine.Engine, synchronous: str) -> None:
    """Write-ahead logging: a turn's commit appends to the log instead of rewriting pages
    behind a rollback journal, readers do not wait for the writer, and with synchronous=NORMAL
    a commit survives a crash of the process (a power cut may lose the last commits, never
    corrupts the file). SQLITE_SYNCHRONOUS=FULL syncs every commit."""

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def sql_engine(url: sa.engine.URL | str, connect_timeout: float = 5.0, **kwargs) -> sa.engine.Engine:
    """An engine for the tracker store's database. PostgreSQL connections time out after
    connect_timeout, are checked before use (a restarted database is no error), and use
    POSTGRESQL_SCHEMA as Rasa does. SQLite files keep their connections open (SQLAlchemy 1.4
    opened one per query) and use write-ahead logging (_sqlite_pragmas)."""
    url = sa.engine.make_url(url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        synchronous = sqlite_synchronous(os.environ)
        connect_args = {**kwargs.pop("connect_args", {}), "check_same_thread": False}
        engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, connect_args=connect_args, **kwargs)
        _sqlite_pragmas(engine, synchronous)
        return engine
    if url.get_backend_name() == "postgresql":
        connect_args = {**kwargs.pop("connect_args", {}), "connect_timeout": max(1, int(connect_timeout))}
        schema = os.environ.get("POSTGRESQL_SCHEMA")
        if schema and "options" not in connect_args:
            connect_args["options"] = f"-csearch_path={schema}"
        kwargs.update(pool_pre_ping=True, connect_args=connect_args)
    return sa.create_engine(url, **kwargs)

