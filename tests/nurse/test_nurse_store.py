"""The follow-up queue, users, sessions and the audit trail, on SQLite and on the machine's
PostgreSQL alike (the `store` fixture runs every test on both)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
import sqlalchemy as sa
from nurse_helpers import ANA, NURSE, PASSWORD, make_service, run

from bot.channels.nurse_auth import check_password, hash_password, token_hash
from bot.channels.nurse_store import (
    SCHEMA_VERSION,
    NurseStore,
    StoreError,
    calls,
    schema_version,
)

STROKE = {"text": "her face is drooping since lunch", "note": "daughter called"}
BLEEDING = {"text": "his gums bleed", "note": "=HYPERLINK(\"http://evil\")"}


def record(service, body, principal=ANA):
    reply = run(service.record(principal, json.dumps(body).encode()))
    assert reply.status == 201, reply.body
    return reply.body["call"]


def age(store: NurseStore, call_id: int, minutes: int) -> None:
    """Pretend a call was recorded `minutes` ago."""
    stamp = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes)
    with store.engine.begin() as conn:
        conn.execute(calls.update().where(calls.c.id == call_id).values(recorded_at=stamp))


def test_the_schema_is_created_once_and_versioned(store, store_url):
    assert store.version() == SCHEMA_VERSION
    store.add_user(NURSE, hash_password(PASSWORD), "test")
    again = NurseStore(store_url)  # a second start: nothing is created twice, nothing is lost
    assert again.migrate() == SCHEMA_VERSION
    with again.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema_version)).scalar() == SCHEMA_VERSION
    assert [u["username"] for u in again.list_users()] == [NURSE]
    again.dispose()


def test_the_queue_puts_emergencies_first_then_the_oldest(store):
    service = make_service(store)
    urgent_old = record(service, BLEEDING)
    emergency_new = record(service, STROKE)
    emergency_old = record(service, {"text": "he is coughing up blood"})
    urgent_new = record(service, {"text": "she has tiny red spots on her legs"})
    age(store, urgent_old["id"], 120)
    age(store, emergency_new["id"], 5)
    age(store, emergency_old["id"], 60)
    age(store, urgent_new["id"], 1)

    queue = run(service.queue(ANA)).body["calls"]
    assert [c["id"] for c in queue] == [emergency_old["id"], emergency_new["id"], urgent_old["id"], urgent_new["id"]]
    assert [c["level"] for c in queue] == ["emergency", "emergency", "urgent", "urgent"]
    first = queue[1]
    assert first["categories"] == ["stroke"] and first["note"] == "daughter called"
    assert first["status"] == "open" and first["recorded_by"] == NURSE
    assert [s["id"] for s in first["symptoms"]] == ["face_drooping"]
    assert first["recorded_at"].endswith("Z")


def test_a_status_change_is_audited_with_the_nurse_and_leaves_the_active_queue(store):
    service = make_service(store)
    call = record(service, STROKE)
    other = record(service, BLEEDING)
    reply = run(service.set_status(ANA, call["id"], b'{"status": "called_back"}'))
    assert reply.status == 200 and reply.body["call"]["status"] == "called_back"
    assert reply.body["call"]["updated_by"] == NURSE

    bea = type(ANA)("nurse.bea", "session")
    assert run(service.set_status(bea, call["id"], b'{"status": "closed"}')).status == 200
    trail = run(service.call(ANA, call["id"])).body["audit"]
    assert [(a["action"], a["username"], a["detail"]) for a in trail] == [
        ("record", NURSE, "level=emergency"),
        ("status", NURSE, "open -> called_back"),
        ("status", "nurse.bea", "called_back -> closed"),
    ]
    assert all(a["at"].endswith("Z") for a in trail)

    assert [c["id"] for c in run(service.queue(ANA)).body["calls"]] == [other["id"]]
    assert [c["id"] for c in run(service.queue(ANA, "closed")).body["calls"]] == [call["id"]]
    assert {c["id"] for c in run(service.queue(ANA, "all")).body["calls"]} == {call["id"], other["id"]}
    assert run(service.queue(ANA, "everything")).status == 400


def test_bad_status_changes_are_refused(store):
    service = make_service(store)
    call = record(service, STROKE)
    assert run(service.set_status(ANA, call["id"], b'{"status": "done"}')).status == 400
    assert run(service.set_status(ANA, call["id"], b'{"status": "closed", "by": "x"}')).status == 400
    assert run(service.set_status(ANA, call["id"], b"closed")).status == 400
    assert run(service.set_status(ANA, 999, b'{"status": "closed"}')).status == 404
    assert run(service.call(ANA, 999)).status == 404
    with pytest.raises(StoreError):
        store.set_status(call["id"], "reopened", NURSE)
    assert store.get_call(call["id"]).status == "open"
    assert [a["action"] for a in store.audit_trail(call["id"])] == ["record"]


def test_the_csv_export_follows_the_queue_and_defuses_formulas(store):
    service = make_service(store)
    urgent = record(service, BLEEDING)
    emergency = record(service, {**STROKE, "days_since_infusion": 1})
    reply = run(service.queue_csv(ANA))
    assert reply.status == 200 and reply.content_type.startswith("text/csv")
    assert "attachment" in reply.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(reply.body)))
    assert [int(r["id"]) for r in rows] == [emergency["id"], urgent["id"]]
    top = rows[0]
    assert (top["level"], top["categories"], top["status"], top["recorded_by"]) == ("emergency", "stroke", "open", NURSE)
    assert top["symptoms"] == "face drooping (face is drooping)"
    assert top["days_since_infusion"] == "1" and top["note"] == "daughter called"
    assert rows[1]["note"] == "'" + BLEEDING["note"]  # a spreadsheet shows it, never runs it


def test_only_urgent_and_emergency_calls_can_be_stored(store):
    with pytest.raises(StoreError):
        store.record_call(level="routine", categories=[], symptoms=[], days_since_infusion=None, note="", recorded_by=NURSE)
    assert store.queue(("open", "called_back", "closed")) == []


def test_users_passwords_and_sessions(store):
    store.add_user(NURSE, hash_password(PASSWORD), "cli:root")
    with pytest.raises(StoreError):
        store.add_user(NURSE, hash_password(PASSWORD), "cli:root")
    assert check_password(store, NURSE, PASSWORD)
    assert not check_password(store, NURSE, PASSWORD + "!")
    assert not check_password(store, "nobody", PASSWORD)
    assert store.password_hash(NURSE).startswith("$argon2id$")

    store.create_session(token_hash("t1"), NURSE, hours=8)
    assert store.session_user(token_hash("t1")) == NURSE
    store.create_session(token_hash("old"), NURSE, hours=-1)  # already expired
    assert store.session_user(token_hash("old")) is None

    store.set_password(NURSE, hash_password("another long password"), "cli:root")
    assert store.session_user(token_hash("t1")) is None  # a new password ends the sessions
    assert check_password(store, NURSE, "another long password")
    store.remove_user(NURSE, "cli:root")
    assert store.list_users() == [] and not store.has_users()
    assert [(a["action"], a["username"], a["detail"]) for a in store.audit_trail()] == [
        ("user_add", "cli:root", NURSE), ("user_passwd", "cli:root", NURSE), ("user_remove", "cli:root", NURSE),
    ]


def test_a_case_is_kept_between_messages(store):
    assert store.case_state("c1") is None
    result = store.update_case("c1", NURSE, lambda saved: ({"n": 1 if saved is None else saved["n"] + 1}, "done"))
    assert result == "done"
    store.update_case("c1", NURSE, lambda saved: ({"n": saved["n"] + 1}, None))
    assert store.case_state("c1") == {"n": 2}
