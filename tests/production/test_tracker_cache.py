"""The tracker store hands back the conversation it saved last only while the database still
holds exactly its events; anything else reads the database again."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import EventVerbosity
from servers import ROOT

from bot.tracker_store import TriageTrackerStore


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def store_at(path) -> TriageTrackerStore:
    return TriageTrackerStore(Domain.load(str(ROOT / "domain.yml")), dialect="sqlite", db=str(path))


def said(tracker) -> list[str]:
    """What the person wrote in the conversation, in order."""
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def turn(tracker, text):
    tracker.update(UserUttered(text, {"name": "report_symptoms", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_listen"))


def test_the_saved_conversation_comes_back_from_memory_with_its_events(tmp_path):
    store = store_at(tmp_path / "a.db")
    tracker = run(store.get_or_create_tracker("p1"))
    turn(tracker, "my gums bleed")
    run(store.save(tracker))
    again = run(store.retrieve("p1"))
    assert again is tracker
    assert said(again) == ["my gums bleed"]


def test_another_writers_events_are_caught_up_and_an_unsaved_change_makes_it_read_the_database(tmp_path):
    path = tmp_path / "b.db"
    first, second = store_at(path), store_at(path)  # two replicas on one database
    tracker = run(first.get_or_create_tracker("p2"))
    turn(tracker, "I have a fever")
    run(first.save(tracker))
    other = run(second.retrieve("p2"))
    turn(other, "and a rash now")
    other.update(SlotSet("last_level", "urgent"))
    run(second.save(other))
    seen = run(first.retrieve("p2"))
    assert said(seen) == ["I have a fever", "and a rash now"]
    assert seen.get_slot("last_level") == "urgent"
    # the same conversation, state and all, as a replica that reads it whole
    assert seen.current_state(EventVerbosity.ALL) == run(store_at(path).retrieve("p2")).current_state(EventVerbosity.ALL)
    turn(seen, "and now my gums bleed")
    run(first.save(seen))
    assert said(run(store_at(path).retrieve("p2"))) == ["I have a fever", "and a rash now", "and now my gums bleed"]
    # a turn that failed before saving left events only in memory: they are not handed back
    turn(seen, "never saved")
    assert "never saved" not in said(run(first.retrieve("p2")))


def test_deleted_conversations_are_not_served_from_memory(tmp_path):
    path = tmp_path / "c.db"
    store = store_at(path)
    tracker = run(store.get_or_create_tracker("p3"))
    turn(tracker, "hello")
    run(store.save(tracker))
    with store.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'p3'"))
    assert run(store.retrieve("p3")) is None


def test_a_new_session_is_read_from_the_database(tmp_path):
    store = store_at(tmp_path / "d.db")
    tracker = run(store.get_or_create_tracker("p4"))
    turn(tracker, "old session")
    run(store.save(tracker))
    tracker.update(SessionStarted())
    turn(tracker, "new session")
    run(store.save(tracker))
    again = run(store.retrieve("p4"))
    texts = said(again)
    assert texts == ["new session"]  # only the current session, as Rasa's own store gives


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_CACHE_SIZE", "0")
    store = store_at(tmp_path / "e.db")
    tracker = run(store.get_or_create_tracker("p5"))
    turn(tracker, "hi")
    run(store.save(tracker))
    assert run(store.retrieve("p5")) is not tracker


def test_sqlite_writes_ahead(tmp_path):
    store = store_at(tmp_path / "f.db")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_a_wrong_cache_size_is_refused_with_a_sentence(tmp_path, monkeypatch):
    import pytest

    monkeypatch.setenv("TRACKER_CACHE_SIZE", "lots")
    with pytest.raises(ValueError, match="TRACKER_CACHE_SIZE=.lots. is not a number"):
        store_at(tmp_path / "g.db")


def test_the_start_check_names_a_wrong_cache_size_or_sync_setting():
    import pytest

    from bot.layout import Layout, LayoutError

    with pytest.raises(LayoutError, match="TRACKER_CACHE_SIZE"):
        Layout.from_env({"TRACKER_CACHE_SIZE": "-3"})
    with pytest.raises(LayoutError, match="SQLITE_SYNCHRONOUS"):
        Layout.from_env({"SQLITE_SYNCHRONOUS": "sometimes"})
    assert Layout.from_env({"TRACKER_CACHE_SIZE": "0", "SQLITE_SYNCHRONOUS": "full"}).tracker_store == "sqlite"


def statements_during(store, action):
    """The SQL statements the store sends while `action` runs."""
    seen: list[str] = []

    def listen(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", listen)
    try:
        action()
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", listen)
    return seen


def test_a_turn_on_a_remembered_conversation_asks_one_question_before_its_insert(tmp_path):
    path = tmp_path / "h.db"
    store = store_at(path)
    tracker = run(store.get_or_create_tracker("p6"))
    turn(tracker, "first")
    run(store.save(tracker))

    def one_turn():
        again = run(store.retrieve("p6"))
        turn(again, "second")
        run(store.save(again))

    statements = statements_during(store, one_turn)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    # the check of the mark, nothing more: the last row's id, without reading the session's rows
    assert len(selects) == 1 and "max(events.id)" in selects[0].lower() and "type_name" not in selects[0].lower()
    assert len(inserts) == 2  # the user's message and the listen action
    # what was appended is exactly what Rasa's own store reads back
    fresh = run(store_at(path).retrieve("p6"))
    assert said(fresh) == ["first", "second"]
    assert len(fresh.events) == len(run(store.retrieve("p6")).events)


def test_a_conversation_read_from_the_database_is_remembered_from_that_read(tmp_path):
    path = tmp_path / "i.db"
    writer = store_at(path)
    tracker = run(writer.get_or_create_tracker("p7"))
    turn(tracker, "written by another replica")
    run(writer.save(tracker))
    reader = store_at(path)
    first = run(reader.retrieve("p7"))
    assert run(reader.retrieve("p7")) is first
    turn(first, "answered here")
    run(reader.save(first))
    assert said(run(writer.retrieve("p7"))) == [
        "written by another replica",
        "answered here",
    ]


def test_many_remembered_turns_store_every_event_once(tmp_path):
    path = tmp_path / "j.db"
    store = store_at(path)
    tracker = run(store.get_or_create_tracker("p8"))
    for n in range(30):
        tracker = run(store.retrieve("p8")) or tracker
        turn(tracker, f"message {n}")
        run(store.save(tracker))
    with store.engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = 'p8'")).scalar()
    assert stored == len(tracker.events) == 1 + 60  # the new tracker's first listen, then 30 turns
    fresh = run(store_at(path).retrieve("p8"))
    assert said(fresh) == [f"message {n}" for n in range(30)]


def test_replicas_taking_turns_read_only_the_other_ones_new_events(tmp_path):
    path = tmp_path / "k.db"
    replicas = [store_at(path), store_at(path)]
    tracker = run(replicas[0].get_or_create_tracker("p11"))
    turn(tracker, "message 0")
    run(replicas[0].save(tracker))
    run(replicas[1].retrieve("p11"))  # each replica has read the conversation once
    for index in range(1, 7):
        store = replicas[index % 2]
        got: list = []
        reads = statements_during(store, lambda store=store, got=got: got.append(run(store.retrieve("p11"))))
        tracker = got[0]
        assert said(tracker) == [f"message {i}" for i in range(index)]
        turn(tracker, f"message {index}")
        run(store.save(tracker))
        # the last id, then the rows after it: never the session's whole query
        assert len(reads) == (1 if index == 1 else 2) and not any("type_name =" in statement for statement in reads)
    fresh = run(store_at(path).retrieve("p11"))
    assert said(fresh) == [f"message {i}" for i in range(7)]
    for store in replicas:
        assert run(store.retrieve("p11")).current_state(EventVerbosity.ALL) == fresh.current_state(EventVerbosity.ALL)
