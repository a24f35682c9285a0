"""Failure drills on the production layout: the action server, PostgreSQL or Redis down or slow
in the middle of conversations. Each service is reached through a TCP proxy of this test,
stopped to make the service unreachable (the machine's services keep running). What the
patient sees: always an answer with 911 and the clinic's number, and the conversation goes on
where it was once the service is back."""

from __future__ import annotations

import time
import uuid

import pytest
from prod_stack import PostgresDatabase, Stack, TcpProxy, safe_message
from reply_helpers import texts, triage

ACTION_TIMEOUT = 2


@pytest.fixture(scope="module")
def proxies():
    found = {"postgres": TcpProxy(5432).start(), "redis": TcpProxy(6379).start(), "action": TcpProxy(0)}
    yield found
    for proxy in found.values():
        proxy.close()


@pytest.fixture(scope="module")
def stack(proxies):
    database = PostgresDatabase()
    env = {"TRACKER_STORE": "postgres", "DB_PORT": str(proxies["postgres"].port), "DB_NAME": database.name,
           "LOCK_STORE": "redis", "REDIS_PORT": str(proxies["redis"].port), "REDIS_KEY_PREFIX": f"t{uuid.uuid4().hex[:8]}",
           "DB_CONNECT_TIMEOUT": "2", "ACTION_TIMEOUT": str(ACTION_TIMEOUT)}
    running = Stack.create(replicas=1, extra_env=env, action_via=proxies["action"])
    proxies["action"].target = ("127.0.0.1", running.action_port)
    proxies["action"].start()
    running.start()
    yield running
    running.stop()
    database.drop()


@pytest.fixture
def restore(proxies):
    """Every service back, undelayed, after each drill, even a failed one."""
    yield
    for proxy in proxies.values():
        proxy.delay = 0
        if proxy._server is None:
            proxy.start()


def new_sender() -> str:
    return f"drill-{uuid.uuid4().hex[:10]}"


def timed_send(stack, sender, message):
    start = time.monotonic()
    reply = stack.send(sender, message)
    return reply, time.monotonic() - start


def start_headache_triage(stack, sender):
    first = stack.send(sender, "I have a headache")
    assert first[-1].get("buttons"), "the bot asked whether it was sudden"


def carries_on(stack, sender):
    """The headache triage goes on from the question asked before the outage."""
    second = stack.send(sender, "no")
    assert not safe_message(second) and "infusion" in texts(second)[-1]
    payload = triage(stack.send(sender, "3 weeks ago"))
    assert payload["level"] == "routine" and payload["context"] == {"days_since_infusion": 21, "sudden_onset": False}


def test_action_server_down(stack, proxies, restore):
    sender = new_sender()
    start_headache_triage(stack, sender)
    proxies["action"].stop()
    reply, took = timed_send(stack, sender, "no")
    assert safe_message(reply) and took < 10
    newcomer, took = timed_send(stack, new_sender(), "my face is drooping on one side")
    assert safe_message(newcomer) and took < 15, "a new conversation too: 911 and the clinic, never silence"
    proxies["action"].start()
    carries_on(stack, sender)


def test_action_server_slower_than_the_timeout(stack, proxies, restore):
    sender = new_sender()
    start_headache_triage(stack, sender)
    proxies["action"].delay = ACTION_TIMEOUT * 4
    reply, took = timed_send(stack, sender, "no")
    assert safe_message(reply)
    assert ACTION_TIMEOUT <= took < ACTION_TIMEOUT * 3, f"answered after {took:.1f} s"
    newcomer, took = timed_send(stack, new_sender(), "my face is drooping on one side")
    assert safe_message(newcomer) and took < ACTION_TIMEOUT * 3, "a new conversation waits for one timeout, not ten"
    proxies["action"].delay = 0
    carries_on(stack, sender)


def test_postgres_unreachable_mid_conversation(stack, proxies, restore):
    sender = new_sender()
    start_headache_triage(stack, sender)
    proxies["postgres"].stop()
    for _ in range(2):
        reply, took = timed_send(stack, sender, "no")
        assert safe_message(reply) and took < 10
    assert safe_message(stack.send(new_sender(), "I have a fever"))
    proxies["postgres"].start()
    carries_on(stack, sender)


def test_redis_unreachable_mid_conversation(stack, proxies, restore):
    sender = new_sender()
    start_headache_triage(stack, sender)
    proxies["redis"].stop()
    reply, took = timed_send(stack, sender, "no")
    assert safe_message(reply) and took < 10
    proxies["redis"].start()
    carries_on(stack, sender)


def test_the_server_log_names_the_failures_without_patient_text(stack):
    log = stack.log_path.read_text(errors="replace")
    assert "answered with the safe message" in log
    for words in ("headache", "face is drooping", "I have a fever"):
        assert words not in log
