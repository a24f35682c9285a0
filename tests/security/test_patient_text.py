"""What a patient writes is only text: the helpers of the safe REST channel, without servers."""

import pytest

from bot.channels.patient_text import clean, neutralise, offered_payloads, without_command_intent
from bot.channels.safe_rest import BadRequest, RestLimits, _read_body


@pytest.mark.parametrize(
    "text,expected",
    [
        ("/restart", ("restart", True)),
        ('/report_symptoms{"symptom": "fever"}', ('report_symptoms{"symptom": "fever"}', True)),
        ("/affirm@1.0", ("affirm@1.0", True)),
        ("//restart", ("restart", True)),
        ("/my face is drooping", ("my face is drooping", False)),
        ("/", ("", False)),
        ("my face / arm", ("my face / arm", False)),
    ],
)
def test_a_leading_slash_is_dropped_and_commands_are_marked(text, expected):
    assert neutralise(text) == expected


def test_a_payload_the_bot_offered_passes_unchanged():
    assert neutralise("/restart", offered={"/restart"}) == ("/restart", False)
    assert neutralise("/restart", offered={"/greet"}) == ("restart", True)


def test_offered_payloads_are_those_of_the_bot_s_last_turn_only():
    events = [
        {"event": "bot", "data": {"buttons": [{"title": "Old", "payload": "/old"}]}},
        {"event": "user", "text": "hi"},
        {"event": "bot", "text": "Sudden?", "data": {"buttons": [{"title": "Yes", "payload": "yes"}, {"title": "R", "payload": "/restart"}]}},
        {"event": "action", "name": "action_listen"},
    ]
    assert offered_payloads(events) == {"yes", "/restart"}
    assert offered_payloads(events + [{"event": "user", "text": "yes"}]) == set()
    assert offered_payloads([]) == set()


def test_a_command_word_gives_no_intent_but_a_warning_sign_is_kept():
    parsed = {"text": "restart", "intent": {"name": "restart", "confidence": 0.99}, "entities": []}
    assert without_command_intent(parsed)["intent"]["name"] == "nlu_fallback"
    symptom = {"text": "stroke", "intent": {"name": "report_symptoms", "confidence": 1.0}, "entities": [{"entity": "symptom"}]}
    assert without_command_intent(symptom) == symptom
    crisis = {"text": "suicide", "intent": {"name": "crisis", "confidence": 0.9}, "entities": []}
    assert without_command_intent(crisis)["intent"]["name"] == "crisis"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("  fever\x00\x07 and rash\x1b ", "fever   and rash"),
        ("line one\r\nline two\rthree", "line one\nline two\nthree"),
        ("bad half \ud800 gone", "bad half  gone"),
        ("\x00\x01\x02", ""),
        ("🙂👍🏽", "🙂👍🏽"),
        ("tab\tkept", "tab\tkept"),
    ],
)
def test_clean_removes_control_characters_and_lone_surrogates(raw, expected):
    assert clean(raw) == expected


LIMITS = RestLimits()


@pytest.mark.parametrize(
    "body,reason",
    [
        (b"not json", "JSON in UTF-8"),
        (b'{"sender": "a", "message": "caf\xe9"}', "JSON in UTF-8"),
        (b"[1, 2]", "JSON object"),
        (b'"hello"', "JSON object"),
        (b'{"message": "hi"}', '"sender"'),
        (b'{"sender": "", "message": "hi"}', '"sender"'),
        (b'{"sender": 7, "message": "hi"}', '"sender"'),
        (b'{"sender": "a"}', '"message"'),
        (b'{"sender": "a", "message": null}', '"message"'),
        (b'{"sender": "a", "message": {"text": "hi"}}', '"message"'),
        (b'{"sender": "' + b"s" * 256 + b'", "message": "hi"}', "at most 255"),
    ],
)
def test_a_bad_body_is_refused_with_a_reason(body, reason):
    with pytest.raises(BadRequest, match=reason):
        _read_body(body, LIMITS)


def test_a_body_larger_than_the_limit_is_refused_before_parsing():
    with pytest.raises(BadRequest, match="larger than"):
        _read_body(b" " * 2000, RestLimits(max_body_bytes=1000))


def test_a_good_body_gives_sender_and_message():
    assert _read_body(b'{"sender": " a1 ", "message": "I have a fever", "input_channel": "sms"}', LIMITS) == ("a1", "I have a fever")


def test_limits_come_from_the_environment_first_then_credentials():
    limits = RestLimits.load({"max_message_chars": 500, "action_timeout": 4}, {"ACTION_TIMEOUT": "2.5"})
    assert (limits.max_message_chars, limits.action_timeout, limits.turn_timeout) == (500, 2.5, 30.0)
    with pytest.raises(ValueError):
        RestLimits.load({}, {"TURN_TIMEOUT": "0"})
