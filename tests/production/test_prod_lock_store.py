"""The Redis lock store shared by two or more Rasa servers, against the machine's Redis, and
the SQLite lock file shared by the workers of one Rasa server."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from servers import free_port

from bot.lock_store import LockStoreUnavailable, TriageRedisLockStore, TriageSQLiteLockStore


def store(prefix: str) -> TriageRedisLockStore:
    return TriageRedisLockStore(EndpointConfig(url="127.0.0.1", port=6379, db=1, key_prefix=prefix))


def take_tickets_at_once(stores, conversation: str, per_store: int = 10) -> list[int]:
    barrier = threading.Barrier(len(stores) * per_store)
    tickets: list[int] = []

    def take(s):
        barrier.wait()
        tickets.append(s.issue_ticket(conversation))

    threads = [threading.Thread(target=take, args=(s,)) for s in stores for _ in range(per_store)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tickets


def test_tickets_taken_at_once_by_two_servers_are_all_distinct_and_kept():
    prefix = f"t{uuid.uuid4().hex[:8]}"
    a, b = store(prefix), store(prefix)
    conversation = "c1"
    tickets = take_tickets_at_once([a, b], conversation)
    assert sorted(tickets) == list(range(20))
    assert len(a.get_lock(conversation).tickets) == 20
    for ticket in tickets:
        (a if ticket % 2 else b).cleanup(conversation, ticket)
    assert a.get_lock(conversation) is None, "the lock goes when the last ticket is given back"


def test_rasa_s_own_redis_lock_store_loses_tickets_this_way():
    """Why bot.lock_store exists: the same load on Rasa 3.6's store (read, change, write)."""
    prefix = f"t{uuid.uuid4().hex[:8]}"
    stores = [RedisLockStore(host="127.0.0.1", port=6379, db=1, key_prefix=prefix) for _ in range(2)]
    lost = 0
    for attempt in range(5):
        tickets = take_tickets_at_once(stores, f"c{attempt}")
        held = len(stores[0].get_lock(f"c{attempt}").tickets)
        lost += (len(tickets) - len(set(tickets))) + (len(tickets) - held)
        stores[0].delete_lock(f"c{attempt}")
    assert lost > 0


def five_turns(a, b, hold: float) -> tuple[list[str], float]:
    """Five turns of conversation "c", alternately through stores a and b, each holding the
    lock `hold` seconds: the order they entered and left in ("0+", "0-", ...), and the time."""
    order: list[str] = []

    async def turn(s, name, delay):
        await asyncio.sleep(delay)
        async with s.lock("c"):
            order.append(f"{name}+")
            await asyncio.sleep(hold)
            order.append(f"{name}-")

    async def main():
        start = time.monotonic()
        await asyncio.gather(*(turn(a if i % 2 else b, str(i), i * 0.01) for i in range(5)))
        return time.monotonic() - start

    took = asyncio.run(main())
    return order, took


def test_turns_of_one_conversation_run_one_at_a_time_in_order():
    prefix = f"t{uuid.uuid4().hex[:8]}"
    order, took = five_turns(store(prefix), store(prefix), 0.1)
    assert order == [x for i in range(5) for x in (f"{i}+", f"{i}-")]
    assert took < 2.0, f"waiting turns poll every 50 ms, not every second ({took:.2f} s)"


def test_an_unreachable_redis_is_a_clear_error_at_start():
    port = free_port()
    with pytest.raises(LockStoreUnavailable, match=f"cannot reach the Redis lock store at 127.0.0.1:{port}"):
        TriageRedisLockStore(EndpointConfig(url="127.0.0.1", port=port, socket_timeout=2))


def sqlite_stores(tmp_path, count: int = 2) -> list[TriageSQLiteLockStore]:
    return [TriageSQLiteLockStore(EndpointConfig(db=str(tmp_path / "locks.db"))) for _ in range(count)]


def test_sqlite_tickets_taken_at_once_by_two_workers_are_all_distinct_and_kept(tmp_path):
    a, b = sqlite_stores(tmp_path)
    tickets = take_tickets_at_once([a, b], "c1")
    assert sorted(tickets) == list(range(20))
    assert len(b.get_lock("c1").tickets) == 20
    for ticket in tickets:
        (a if ticket % 2 else b).cleanup("c1", ticket)
    assert a.get_lock("c1") is None, "the lock goes when the last ticket is given back"


def test_sqlite_turns_of_one_conversation_run_one_at_a_time_in_order(tmp_path):
    a, b = sqlite_stores(tmp_path)
    order, _ = five_turns(a, b, 0.05)
    assert order == [x for i in range(5) for x in (f"{i}+", f"{i}-")]
    assert a.get_lock("c") is None


def test_an_unopenable_sqlite_lock_file_is_a_clear_error_at_start(tmp_path):
    with pytest.raises(LockStoreUnavailable, match="cannot open the SQLite lock store"):
        TriageSQLiteLockStore(EndpointConfig(db=str(tmp_path / "no" / "such" / "dir" / "locks.db")))
