"""Conversations through the trained model, the real action server and the Rasa server,
over POST /webhooks/rest/webhook."""

import uuid

import pytest
from conftest import texts, triage


def new_sender():
    return f"test-{uuid.uuid4().hex[:10]}"


RED_FLAGS = [
    ("my face is drooping on one side", "stroke"),
    ("my wife can't lift her right arm", "stroke"),
    ("my husband is slurring his words", "stroke"),
    ("I suddenly can't see out of my left eye", "stroke"),
    ("she's confused and doesn't know where she is", "stroke"),
    ("worst headache of my life, it came on all at once", "stroke"),
    ("my neck really hurts and I had my infusion yesterday", "stroke"),
    ("my lips and tongue are swelling up", "infusion_reaction"),
    ("I can't breathe", "infusion_reaction"),
    ("I have crushing chest pain", "infusion_reaction"),
    ("I fainted in the bathroom", "infusion_reaction"),
    ("my heart is racing and I feel like I'm going to pass out", "infusion_reaction"),
    ("I'm coughing up blood", "bleeding"),
    ("my nose won't stop bleeding, it's been an hour", "bleeding"),
    ("I'm so short of breath even sitting still", "anemia"),
    ("fever, a stiff neck and a bad headache", "infection"),
    ("I want to kill myself", "mental_health"),
]


@pytest.mark.parametrize("message,category", RED_FLAGS)
def test_every_red_flag_gets_emergency_advice_at_once(servers, message, category):
    reply = servers.send(new_sender(), message)
    payload = triage(reply)
    assert payload is not None, f"no advice for {message!r}: {texts(reply)}"
    assert payload["level"] == "emergency"
    assert category in payload["categories"]
    advice = texts(reply)[-1]
    assert advice.startswith("Call 911 now")
    assert not any(m.get("buttons") for m in reply), "a red flag is answered before any question"


def test_first_turn_opens_with_the_safety_notice(servers):
    reply = servers.send(new_sender(), "hello")
    assert "do not replace your care team" in texts(reply)[0] and "911" in texts(reply)[0]


def test_curl_example_of_the_readme(servers):
    reply = servers.send("a", "my face is drooping on one side")
    payload = triage(reply)
    assert payload["level"] == "emergency" and payload["rules"] == ["stroke.face_drooping"]
    assert payload["symptoms"] == [{"id": "face_drooping", "text": "face is drooping", "negated": False}]


def test_urgent_advice_with_several_symptoms(servers):
    reply = servers.send(new_sender(), "I have a fever and my gums are bleeding")
    payload = triage(reply)
    assert payload["level"] == "urgent"
    assert {"infection", "bleeding"} <= set(payload["categories"])
    assert texts(reply)[-1].startswith("Call your doctor right away")


def test_headache_two_questions_then_routine(servers):
    sender = new_sender()
    first = servers.send(sender, "I have a headache")
    assert triage(first) is None and first[-1]["buttons"], "asks whether it was sudden"
    second = servers.send(sender, "no")
    assert triage(second) is None and "infusion" in texts(second)[-1]
    third = servers.send(sender, "3 weeks ago")
    payload = triage(third)
    assert payload["level"] == "routine" and payload["context"]["days_since_infusion"] == 21
    assert "not one of the warning signs" in texts(third)[-1]


def test_quick_reply_payload_answers_the_question(servers):
    sender = new_sender()
    servers.send(sender, "my head hurts")
    payload = triage(servers.send(sender, "yes"))
    assert payload["level"] == "emergency" and "stroke" in payload["categories"]


def test_second_message_adds_a_symptom_and_reassesses(servers):
    sender = new_sender()
    assert triage(servers.send(sender, "I have a fever"))["level"] == "urgent"
    payload = triage(servers.send(sender, "and now my speech is slurred"))
    assert payload["level"] == "emergency"
    assert {"fever", "trouble_speaking"} <= {s["id"] for s in payload["symptoms"]}


def test_negation_is_respected(servers):
    payload = triage(servers.send(new_sender(), "no fever, no rash, just tired of waiting for my appointment"))
    assert payload is None or payload["level"] != "emergency"


INFO = [
    ("what is lemtrada used for?", "multiple sclerosis"),
    ("how is alemtuzumab given?", "at least 4 hours"),
    ("why do I take steroids before the infusion?", "antihistamine"),
    ("what is the REMS program?", "REMS"),
    ("do I need to read the medication guide?", "Medication Guide"),
    ("do I have to carry the safety card?", "at all times"),
    ("will my doctor monitor me?", "watch you closely"),
    ("how do you pronounce alemtuzumab?", "AL-em-TOOZ-oo-mab"),
    ("can I drink alcohol with lemtrada?", "do not know"),
]


@pytest.mark.parametrize("question,expected", INFO)
def test_information_answers_have_no_level(servers, question, expected):
    reply = servers.send(new_sender(), question)
    assert triage(reply) is None
    assert any(expected in t for t in texts(reply)), texts(reply)
    assert not any(t.startswith("Call 911 now") for t in texts(reply))


def test_a_person_on_request_gives_the_clinic_number(servers):
    reply = servers.send(new_sender(), "can I talk to a real person?")
    assert any("555-0100" in t and "911" in t for t in texts(reply))


def test_gibberish_is_never_silent_and_gives_911(servers):
    for message in ["qwzx plorf", "???", "🙂"]:
        reply = servers.send(new_sender(), message)
        assert reply and "911" in texts(reply)[-1]


def test_restart_forgets_the_findings(servers):
    """A patient restarts in words; "/restart" typed by a patient is only text (tests/security)."""
    sender = new_sender()
    servers.send(sender, "my gums are bleeding")
    servers.send(sender, "restart")
    reply = servers.send(sender, "I feel weird")
    assert triage(reply)["level"] == "routine" and triage(reply)["symptoms"] == []
