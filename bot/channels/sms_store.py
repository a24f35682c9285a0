"""What the SMS channel remembers: the opt-out list (a small SQLite file, so a STOP survives a
restart), a keyed hash of each phone number for the logs, and the recent MessageSids.

Numbers are stored and logged only as an HMAC under a random key kept in the same file: the
opt-out list works without holding the numbers, and a log line cannot be turned back into one.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS opted_out (sender TEXT PRIMARY KEY, since TEXT NOT NULL)",
)


class OptOutList:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.parent != Path("."):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('sender_key', ?)", (secrets.token_hex(32),))
            self._key = bytes.fromhex(db.execute("SELECT value FROM meta WHERE key = 'sender_key'").fetchone()[0])

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=5)
        try:
            with db:  # one transaction, committed on success
                yield db
        finally:
            db.close()

    def _id(self, number: str) -> str:
        return hmac.new(self._key, number.strip().encode(), hashlib.sha256).hexdigest()

    def tag(self, number: str) -> str:
        """A short, stable stand-in for the number in logs."""
        return "sms-" + self._id(number)[:12]

    # Short blocking calls; the async versions below run them off the event loop.
    def is_opted_out(self, number: str) -> bool:
        with self._connect() as db:
            return db.execute("SELECT 1 FROM opted_out WHERE sender = ?", (self._id(number),)).fetchone() is not None

    def opt_out(self, number: str) -> None:
        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with self._connect() as db:
            db.execute("INSERT OR IGNORE INTO opted_out VALUES (?, ?)", (self._id(number), since))

    def opt_in(self, number: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM opted_out WHERE sender = ?", (self._id(number),))

    async def is_opted_out_async(self, number: str) -> bool:
        return await asyncio.to_thread(self.is_opted_out, number)

    async def opt_out_async(self, number: str) -> None:
        await asyncio.to_thread(self.opt_out, number)

    async def opt_in_async(self, number: str) -> None:
        await asyncio.to_thread(self.opt_in, number)


class RecentMessages:
    """The last `size` MessageSids seen, so a retried delivery is answered once."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._seen: OrderedDict[str, None] = OrderedDict()

    def first_time(self, sid: str) -> bool:
        """True the first time a sid is seen (and remembers it), False for a repeat."""
        if sid in self._seen:
            self._seen.move_to_end(sid)
            return False
        self._seen[sid] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._seen)
