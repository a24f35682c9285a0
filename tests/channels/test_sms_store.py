"""The opt-out list survives a restart and holds no phone number; MessageSids are bounded."""

from __future__ import annotations

import asyncio
import sqlite3

from bot.channels.sms_store import OptOutList, RecentMessages

NUMBER = "+15551230001"


def test_an_opt_out_survives_a_restart(tmp_path):
    path = tmp_path / "sub" / "optout.db"
    OptOutList(path).opt_out(NUMBER)
    reopened = OptOutList(path)  # a new process reads the same file
    assert reopened.is_opted_out(NUMBER)
    assert not reopened.is_opted_out("+15551230002")
    reopened.opt_in(NUMBER)
    assert not OptOutList(path).is_opted_out(NUMBER)


def test_opting_out_twice_and_in_twice_is_harmless(tmp_path):
    optouts = OptOutList(tmp_path / "optout.db")
    optouts.opt_out(NUMBER)
    optouts.opt_out(NUMBER)
    assert optouts.is_opted_out(NUMBER)
    optouts.opt_in(NUMBER)
    optouts.opt_in(NUMBER)
    assert not optouts.is_opted_out(NUMBER)


def test_the_async_calls_give_the_same_answers(tmp_path):
    optouts = OptOutList(tmp_path / "optout.db")

    async def scenario():
        await optouts.opt_out_async(NUMBER)
        stopped = await optouts.is_opted_out_async(NUMBER)
        await optouts.opt_in_async(NUMBER)
        return stopped, await optouts.is_opted_out_async(NUMBER)

    assert asyncio.run(scenario()) == (True, False)


def test_the_file_and_the_log_tag_never_hold_the_number(tmp_path):
    path = tmp_path / "optout.db"
    optouts = OptOutList(path)
    optouts.opt_out(NUMBER)
    assert NUMBER.encode() not in path.read_bytes()
    assert NUMBER[2:].encode() not in path.read_bytes()
    with sqlite3.connect(path) as db:
        (stored,) = db.execute("SELECT sender FROM opted_out").fetchone()
    assert stored != NUMBER and len(stored) == 64
    tag = optouts.tag(NUMBER)
    assert tag.startswith("sms-") and NUMBER[2:] not in tag
    assert tag == OptOutList(path).tag(NUMBER)  # stable across restarts: logs can be followed
    assert tag != optouts.tag("+15551230002")
    assert tag != OptOutList(tmp_path / "other.db").tag(NUMBER)  # keyed per install, not a bare hash


def test_a_message_sid_is_answered_once_and_the_memory_is_bounded():
    recent = RecentMessages(size=3)
    assert recent.first_time("SM1")
    assert not recent.first_time("SM1")
    for sid in ("SM2", "SM3", "SM4"):
        assert recent.first_time(sid)
    assert len(recent) == 3
    assert recent.first_time("SM1")  # the oldest was forgotten
    assert not recent.first_time("SM4")
