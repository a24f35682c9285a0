"""The default one-machine layout (checked-in endpoints.yml: SQLite, in-memory locks): a Rasa
server killed mid-triage comes back where the conversation was. Conversations expire after
SESSION_EXPIRATION_MINUTES of silence when that is set (generated endpoints file). With
SANIC_WORKERS=2 the two worker processes share a SQLite lock file."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prod_stack import Stack, safe_message
from reply_helpers import texts, triage
from servers import ROOT


def new_sender() -> str:
    return f"sqlite-{uuid.uuid4().hex[:10]}"


def test_a_killed_server_restarts_and_the_triage_carries_on():
    stack = Stack.create(replicas=1, endpoints=ROOT / "endpoints.yml").start()
    try:
        sender = new_sender()
        first = stack.send(sender, "I have a headache")
        assert first[-1]["buttons"], "the bot asked whether it was sudden"
        stack.kill(0)  # SIGKILL in the middle of the triage
        stack.start_rasa(0)
        stack.wait_ready([0])
        second = stack.send(sender, "no")
        assert "infusion" in texts(second)[-1], "the answer to the question asked before the crash"
        payload = triage(stack.send(sender, "3 weeks ago"))
        assert payload["level"] == "routine" and payload["context"] == {"days_since_infusion": 21, "sudden_onset": False}
        assert (stack.workdir / "tracker.db").exists()
    finally:
        stack.stop()


def test_a_conversation_expires_after_the_idle_time_set_in_the_environment():
    stack = Stack.create(replicas=1, extra_env={"SESSION_EXPIRATION_MINUTES": "0.1"}).start()
    try:
        assert "session_expiration_time: 0.1" in stack.endpoints.read_text()
        sender = new_sender()
        first = stack.send(sender, "I have a headache")
        assert "do not replace your care team" in texts(first)[0]
        second = stack.send(sender, "no")
        assert "infusion" in texts(second)[-1] and "do not replace" not in texts(second)[0], "same session"
        time.sleep(8)  # 0.1 minute = 6 s of silence
        third = stack.send(sender, "no")
        assert "do not replace your care team" in texts(third)[0], "a new session opens with the safety notice"
        assert triage(third) is None and "infusion" not in texts(third)[-1], "the old question is forgotten"
    finally:
        stack.stop()


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_two_workers_answer_ten_messages_at_once_to_one_conversation_in_order():
    stack = Stack.create(replicas=1, extra_env={"SANIC_WORKERS": "2"}).start()
    try:
        assert "TriageSQLiteLockStore" in stack.endpoints.read_text()
        assert len(children(stack.processes[0].pid)) >= 2, "two worker processes serve the one port"
        sender = new_sender()
        stack.send(sender, "hello")
        questions = [("what is lemtrada used for?", "multiple sclerosis"), ("how is alemtuzumab given?", "at least 4 hours"),
                     ("what is the REMS program?", "REMS"), ("do I have to carry the safety card?", "at all times"),
                     ("my gums are bleeding", "Call your doctor right away")] * 2

        def send(i):
            time.sleep(0.05 * i)
            return stack.send(sender, questions[i][0], timeout=90)

        with ThreadPoolExecutor(len(questions)) as pool:
            replies = list(pool.map(send, range(len(questions))))
        for (question, expected), reply in zip(questions, replies, strict=True):
            assert not safe_message(reply), f"{question!r} got the fallback"
            assert any(expected in t for t in texts(reply)), f"{question!r} -> {texts(reply)}"
        with sqlite3.connect(stack.workdir / "tracker.db") as db:
            rows = db.execute("SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()
        said = [json.loads(data)["text"] for kind, data in rows if kind == "user"]
        assert said == ["hello"] + [q for q, _ in questions], "none lost, in order"
        kinds = [kind for kind, _ in rows if kind in ("user", "bot")]
        assert all(kinds[i + 1] == "bot" for i, kind in enumerate(kinds) if kind == "user"), "each turn is whole"
        assert (stack.workdir / "tracker.db.locks").exists()
    finally:
        stack.stop()
