"""The default one-machine layout (checked-in endpoints.yml: SQLite, in-memory locks): a Rasa
server killed mid-triage comes back where the conversation was. And conversations expire
after SESSION_EXPIRATION_MINUTES of silence when that is set (generated endpoints file)."""

from __future__ import annotations

import time
import uuid

from prod_stack import Stack
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
