"""Rasa's Redis lock store, made safe for two or more Rasa servers.

Rasa 3.6's RedisLockStore reads a conversation's ticket lock, changes it and writes it back in
three separate Redis calls. With two servers taking tickets for one conversation at once, one
write overwrites the other: a ticket is lost or issued twice, so two turns of one conversation
run together, or every later message waits for a ticket nobody holds until it expires (60 s).
Seen here with ten messages sent at once through two servers (tests/production). This store
does each change in one Redis transaction (WATCH/MULTI: retried if another server changed the
lock in between), polls for its turn every 50 ms instead of every second, and fails at start
with a clear error when Redis cannot be reached.

Written into the endpoints file by `python -m bot.endpoints` as
`type: bot.lock_store.TriageRedisLockStore`.

TriageSQLiteLockStore keeps the same ticket locks in a SQLite file for one machine without
Redis: the workers of one Rasa server (SANIC_WORKERS=2 in the default layout) share it. Each
change is one `BEGIN IMMEDIATE` transaction, SQLite's write lock across processes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore
from rasa.shared.exceptions import ConnectionException
from rasa.utils.endpoints import EndpointConfig


class LockStoreUnavailable(ConnectionException):
    """The lock store (Redis, or the SQLite file) cannot be reached."""


class _AtomicTickets:
    """Ticket operations as single atomic changes (`_change`), and a 50 ms poll."""

    poll_interval: float = 0.05

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, Any]]) -> Any:
        raise NotImplementedError

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, take)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def give_back(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, give_back)

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float | None = None
    ) -> AsyncGenerator[TicketLock, None]:
        wait = self.poll_interval if wait_time_in_seconds is None else wait_time_in_seconds
        async with super().lock(conversation_id, lock_lifetime, wait) as ticket_lock:
            yield ticket_lock


class TriageRedisLockStore(_AtomicTickets, RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        options = {**(endpoint_config.kwargs if endpoint_config else {}), **kwargs}
        self.poll_interval = float(options.pop("poll_interval", 0.05))
        host = (endpoint_config.url if endpoint_config else None) or options.pop("host", "localhost")
        super().__init__(host=host, **options)
        try:
            self.red.ping()
        except redis.RedisError as error:
            port = options.get("port", 6379)
            raise LockStoreUnavailable(f"cannot reach the Redis lock store at {host}:{port}: {error}") from None

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, Any]]) -> Any:
        """Read, change and write one lock atomically; the lock goes when nobody holds a ticket."""
        key = self.key_prefix + conversation_id
        result: dict = {}

        def work(pipe: redis.client.Pipeline) -> None:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            lock, result["value"] = change(lock)
            pipe.multi()
            if lock is None or not lock.is_someone_waiting():
                pipe.delete(key)
            else:
                pipe.set(key, lock.dumps())

        self.red.transaction(work, key)
        return result.get("value")


class TriageSQLiteLockStore(_AtomicTickets, LockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        options = {**(endpoint_config.kwargs if endpoint_config else {}), **kwargs}
        self.poll_interval = float(options.pop("poll_interval", 0.05))
        self.path = str(options.pop("db", None) or (endpoint_config.url if endpoint_config else None) or "locks.db")
        self._mutex = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=OFF")  # locks last seconds: no disk sync per ticket
            self._db.execute("CREATE TABLE IF NOT EXISTS locks (conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)")
        except sqlite3.Error as error:
            raise LockStoreUnavailable(f"cannot open the SQLite lock store at {self.path}: {error}") from None

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        with self._mutex:
            row = self._db.execute("SELECT lock FROM locks WHERE conversation_id = ?", (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: str) -> None:
        with self._mutex:
            self._db.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))

    def save_lock(self, lock: TicketLock) -> None:
        with self._mutex:
            self._db.execute("INSERT OR REPLACE INTO locks VALUES (?, ?)", (lock.conversation_id, lock.dumps()))

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, Any]]) -> Any:
        with self._mutex:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT lock FROM locks WHERE conversation_id = ?", (conversation_id,)).fetchone()
                lock, value = change(TicketLock.from_dict(json.loads(row[0])) if row else None)
                if lock is None or not lock.is_someone_waiting():
                    self._db.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))
                else:
                    self._db.execute("INSERT OR REPLACE INTO locks VALUES (?, ?)", (conversation_id, lock.dumps()))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return value
