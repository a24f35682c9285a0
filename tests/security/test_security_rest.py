"""Bad input, intent shortcuts, the HTTP API, CORS and logs, over the real servers (default
layout, REST channel bot.channels.safe_rest). Never a crash or a 500; patient text is text."""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from reply_helpers import texts, triage
from servers import make_servers

ORIGIN = "https://clinic.example.org"
SENT: list[str] = []
EXTRA_ARGS: list[str] = []  # a check of the tests themselves sets ["--credentials", <Rasa's rest: only>]  # every patient message of this module: none may reach the logs


@pytest.fixture(scope="module")
def stack():
    servers = make_servers({"CLINIC_NAME": "Test Clinic", "CLINIC_PHONE": "555-0100"})
    servers.extra_args = ["--cors", ORIGIN, *EXTRA_ARGS]
    servers.start()
    yield servers
    servers.stop()


def new_sender() -> str:
    return f"sec-{uuid.uuid4().hex[:10]}"


def send(stack, sender, message):
    SENT.append(message)
    return stack.send(sender, message)


def post(stack, body: bytes, **headers) -> requests.Response:
    return requests.post(f"{stack.url}/webhooks/rest/webhook", data=body, headers=headers, timeout=60)


# --- "/" shortcuts --------------------------------------------------------------------------

def test_slash_restart_typed_by_a_patient_does_not_restart(stack):
    sender = new_sender()
    send(stack, sender, "my gums are bleeding")
    reply = send(stack, sender, "/restart")
    assert "911" in texts(reply)[-1], "answered as not understood, with 911"
    payload = triage(send(stack, sender, "I feel weird"))
    assert payload["level"] == "urgent" and "bleeding_gums" in {s["id"] for s in payload["symptoms"]}, "the findings are still there"


def test_a_shortcut_cannot_report_a_symptom(stack):
    reply = send(stack, new_sender(), '/report_symptoms{"symptom": "face_drooping"}')
    assert triage(reply) is None or triage(reply)["level"] != "emergency"
    assert not any(t.startswith("Call 911 now") for t in texts(reply)) and "911" in texts(reply)[-1]


def test_a_shortcut_cannot_answer_the_bot_s_question(stack):
    sender = new_sender()
    send(stack, sender, "I have a headache")
    reply = send(stack, sender, "/affirm@1.0")
    assert triage(reply) is None or triage(reply)["level"] != "emergency", "the shortcut did not say 'yes, sudden'"


def test_a_shortcut_cannot_pick_an_intent(stack):
    reply = send(stack, new_sender(), "/ask_pronunciation")
    assert not any("AL-em-TOOZ" in t for t in texts(reply)) and "911" in texts(reply)[-1]


def test_words_after_a_slash_are_still_read(stack):
    payload = triage(send(stack, new_sender(), "/my face is drooping on one side"))
    assert payload["level"] == "emergency" and "stroke" in payload["categories"]


def test_a_command_shaped_message_naming_a_warning_sign_is_still_triaged(stack):
    payload = triage(send(stack, new_sender(), "/fever"))
    assert payload["level"] == "urgent" and "infection" in payload["categories"]


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b'{"sender": "a", "message": "hi"', b"\xff\xfe\x00garbage", b'{"sender": "a", "message": "caf\xe9"}',
     b"[]", b"null", b'"text"', b'{"message": "hi"}', b'{"sender": "", "message": "hi"}', b'{"sender": ["a"], "message": "hi"}',
     b'{"sender": "a"}', b'{"sender": "a", "message": 42}', b'{"sender": "a", "message": null}'],
)
def test_a_malformed_body_is_a_clear_400(stack, body):
    r = post(stack, body, **{"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]


def test_a_body_over_a_megabyte_is_a_400(stack):
    r = post(stack, json.dumps({"sender": "a", "message": "a" * 1_100_000}).encode())
    assert r.status_code == 400 and "larger than" in r.json()["error"]


@pytest.mark.parametrize(
    "message,expected",
    [("", "only read text"), ("   \n\t ", "only read text"), ("\x00\x07\x1b", "only read text"), ("/", "only read text"),
     ("a" * 2001, "too long"), ("my face is drooping " * 5000, "too long")],
    ids=["empty", "whitespace", "control characters", "slash only", "2001 characters", "100 kB"],
)
def test_empty_and_too_long_messages_get_a_polite_answer(stack, message, expected):
    SENT.append(message)
    reply = stack.send(new_sender(), message)
    assert len(reply) == 1 and expected in reply[0]["text"] and "911" in reply[0]["text"]


def test_a_message_at_the_limit_is_read(stack):
    message = ("I have a fever. " * 200)[:2000]
    payload = triage(send(stack, new_sender(), message))
    assert payload["level"] == "urgent"


@pytest.mark.parametrize("message", ["🙂", "🤒🤒🤒", "👍🏽", "\u200b", "\ud83d", "fever\x00 and rash\x1b", "\u202eevif", "ｆｅｖｅｒ"])
def test_odd_characters_get_an_answer(stack, message):
    body = json.dumps({"sender": new_sender(), "message": message}).encode()  # lone surrogates kept as \\ud83d
    r = post(stack, body, **{"Content-Type": "application/json"})
    assert r.status_code == 200 and r.json() and any(m.get("text") for m in r.json())


def test_the_client_cannot_claim_another_channel(stack):
    sender = new_sender()
    r = post(stack, json.dumps({"sender": sender, "message": "I have a fever and my gums are bleeding",
                                "input_channel": "sms", "metadata": {"x": 1}}).encode())
    SENT.append("I have a fever and my gums are bleeding")
    advice = texts(r.json())[-1]
    reference = texts(send(stack, new_sender(), "I have a fever and my gums are bleeding"))[-1]
    assert advice == reference, "the REST wording, not the compact SMS one"


# --- the HTTP API, CORS ---------------------------------------------------------------------

@pytest.mark.parametrize(
    "method,path",
    [("GET", "/conversations/a/tracker"), ("POST", "/conversations/a/messages"), ("POST", "/model/parse"),
     ("GET", "/status"), ("PUT", "/model"), ("GET", "/domain")],
)
def test_the_http_api_is_off(stack, method, path):
    r = requests.request(method, stack.url + path, json={"text": "hi"}, timeout=10)
    assert r.status_code in (404, 405)


def test_cors_allows_the_configured_origin_only(stack):
    url = f"{stack.url}/webhooks/rest/webhook"
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = requests.options(url, headers={"Origin": ORIGIN, **preflight}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == ORIGIN
    other = requests.options(url, headers={"Origin": "https://evil.example", **preflight}, timeout=10)
    assert "Access-Control-Allow-Origin" not in other.headers
    r = requests.post(url, json={"sender": new_sender(), "message": "hello"}, headers={"Origin": "https://evil.example"}, timeout=30)
    assert "Access-Control-Allow-Origin" not in r.headers


# --- logs (last: it reads everything this module sent) --------------------------------------

def test_no_patient_text_or_phone_number_in_the_logs(stack):
    phone = "+16175550199"
    conversation = ["Hi, this is Bartholomew, my neck hurts since the zucchini dinner",
                    "no it came on slowly", "my infusion was 3 weeks ago",
                    "call me back at 617-555-0199 please", "thanks, goodbye"]
    for message in conversation:
        send(stack, phone, message)
    log = (stack.workdir / "servers.log").read_text(errors="replace")
    assert "Rasa server is up and running" in log, "the log was captured"
    for needle in [phone, "617-555-0199", "5550199", "Bartholomew", "zucchini", "neck hurts"]:
        assert needle not in log, f"{needle!r} is in the servers' log"
    leaked = [m for m in SENT if len(m.strip()) >= 12 and m.strip() in log]
    assert not leaked, f"patient text in the log: {leaked[:3]}"
