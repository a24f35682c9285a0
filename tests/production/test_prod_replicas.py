"""Two Rasa servers sharing a PostgreSQL tracker store and a Redis lock store (the production
layout of `make run-prod`), real processes on loopback, one throw-away database."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from prod_stack import PostgresDatabase, Stack, safe_message
from reply_helpers import texts, triage

A, B = 0, 1


@pytest.fixture(scope="module")
def database():
    db = PostgresDatabase()
    yield db
    db.drop()


@pytest.fixture(scope="module")
def stack(database):
    env = {"TRACKER_STORE": "postgres", "DB_NAME": database.name, "LOCK_STORE": "redis",
           "REDIS_KEY_PREFIX": f"t{uuid.uuid4().hex[:8]}"}
    running = Stack.create(replicas=2, extra_env=env).start()
    yield running
    running.stop()


def new_sender() -> str:
    return f"prod-{uuid.uuid4().hex[:10]}"


def user_texts(database, sender: str) -> list[str]:
    rows = database.query("SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id", sender)
    return [json.loads(data)["text"] for (data,) in rows]


def test_the_generated_layout_uses_postgres_and_redis(stack, database):
    text = stack.endpoints.read_text()
    assert "bot.tracker_store.TriageTrackerStore" in text and "postgresql" in text and "TriageRedisLockStore" in text
    sender = new_sender()
    stack.send(sender, "hello", replica=B)
    assert user_texts(database, sender) == ["hello"]
    assert not (stack.workdir / "tracker.db").exists()


def test_a_conversation_alternating_between_servers_stays_coherent(stack):
    sender = new_sender()
    first = stack.send(sender, "I have a headache", replica=A)
    assert triage(first) is None and first[-1]["buttons"], "A asks whether it was sudden"
    second = stack.send(sender, "no", replica=B)
    assert triage(second) is None and "infusion" in texts(second)[-1], "B knows the question A asked"
    third = stack.send(sender, "3 weeks ago", replica=A)
    payload = triage(third)
    assert payload["level"] == "routine" and payload["context"]["days_since_infusion"] == 21
    assert payload["context"]["sudden_onset"] is False, "the answer given on B counts on A"
    assert "not one of the warning signs" in texts(third)[-1]


QUESTIONS = [
    ("what is lemtrada used for?", "multiple sclerosis"),
    ("how is alemtuzumab given?", "at least 4 hours"),
    ("why do I take steroids before the infusion?", "antihistamine"),
    ("what is the REMS program?", "REMS"),
    ("do I need to read the medication guide?", "Medication Guide"),
    ("do I have to carry the safety card?", "at all times"),
    ("will my doctor monitor me?", "watch you closely"),
    ("how do you pronounce alemtuzumab?", "AL-em-TOOZ-oo-mab"),
    ("can I talk to a real person?", "555-0100"),
    ("my gums are bleeding", "Call your doctor right away"),
]


def test_ten_messages_at_once_to_one_conversation_are_all_answered_in_order(stack, database):
    sender = new_sender()
    stack.send(sender, "hello")  # the session is open: every message below is a plain turn

    def send(i):
        time.sleep(0.05 * i)  # the order in which they arrive, alternately on A and B
        return stack.send(sender, QUESTIONS[i][0], replica=i % 2, timeout=90)

    with ThreadPoolExecutor(len(QUESTIONS)) as pool:
        replies = list(pool.map(send, range(len(QUESTIONS))))
    for (question, expected), reply in zip(QUESTIONS, replies, strict=True):
        assert not safe_message(reply), f"{question!r} got the fallback"
        assert any(expected in t for t in texts(reply)), f"{question!r} -> {texts(reply)}"
    assert user_texts(database, sender) == ["hello"] + [q for q, _ in QUESTIONS], "none lost, in order"
    # each turn is whole: the bot's answer to one message comes before the next message
    rows = database.query("SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", sender)
    kinds = [kind for kind, _ in rows if kind in ("user", "bot")]
    assert all(kinds[i + 1] == "bot" for i, kind in enumerate(kinds) if kind == "user")


def test_a_killed_server_restarts_and_the_triage_carries_on(stack):
    sender = new_sender()
    first = stack.send(sender, "I have a headache", replica=A)
    assert first[-1]["buttons"], "the bot asked its question"
    stack.kill(A)  # SIGKILL: no clean shutdown
    stack.start_rasa(A)
    stack.wait_ready([A])
    second = stack.send(sender, "yes", replica=A)
    payload = triage(second)
    assert payload["level"] == "emergency" and "stroke" in payload["categories"], "the answer to the question before the crash"
    assert payload["context"]["sudden_onset"] is True
