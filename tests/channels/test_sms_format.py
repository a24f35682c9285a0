"""SMS text shaping, keywords and the compact advice: pure functions, no server."""

from __future__ import annotations

import itertools

import pytest

from bot.channels.sms_format import (
    chosen_option,
    first_segment,
    is_gsm7,
    numbered_options,
    option_number,
    segments,
    septets,
    shape_turn,
    split_for_sms,
    to_gsm7,
)
from bot.channels.sms_keywords import help_text, keyword
from bot.settings import clinic_settings
from bot.triage import assess
from bot.triage.advice import SMS_ADVICE_LIMIT, render_advice
from bot.triage.knowledge import default_knowledge

NOTICE = (
    "I am an automated helper for people treated with alemtuzumab (Lemtrada). I do not replace your care team. "
    "In an emergency, call 911 now."
)
YES_NO = [{"title": "Yes, suddenly", "payload": "yes"}, {"title": "No", "payload": "no"}]


# --- GSM-7 -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "sms"),
    [
        ("It’s “fine” – really…", "It's \"fine\" - really..."),
        ("fever 🤒 since today 👍", "fever since today"),
        ("café in São Paulo", "café in Sao Paulo"),  # é is GSM-7, ã is not
        ("a\u00a0b\tc\u200bd", "a b cd"),
        ("line one\r\nline two", "line one\nline two"),
        ("温度", ""),
    ],
)
def test_to_gsm7_replaces_or_strips_what_gsm7_cannot_carry(raw, sms):
    assert to_gsm7(raw) == sms
    assert is_gsm7(to_gsm7(raw))


def test_emoji_and_curly_quotes_are_not_gsm7():
    assert not is_gsm7("ok 👍")
    assert not is_gsm7("it’s")
    assert is_gsm7("Call 911 now; do not drive (or ask someone) - 100% & @ £ é")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 459, 3),
        ("a" * 460, 4),
        ("€" * 80, 1),  # extension characters take two septets
        ("€" * 81, 2),
        ("é" * 160, 1),  # in the basic table: one septet
        ("👍" * 35, 1),  # UCS-2: 70 units
        ("ü" + "x" * 69 + "😀", 2),  # one non-GSM character switches the whole message to UCS-2
    ],
)
def test_segments(text, count):
    assert segments(text) == count


def test_an_escape_pair_is_never_split_across_segments():
    text = "a" * 152 + "€" + "b" * 20
    assert septets(text) == 174
    assert first_segment(text) == "a" * 152
    assert segments(text) == 2


def test_first_segment_is_153_septets_once_split():
    text = "x" * 200
    assert first_segment(text) == "x" * 153
    assert first_segment("short") == "short"


# --- numbered options --------------------------------------------------------------------------
def test_buttons_become_numbered_options():
    assert numbered_options([{"title": "Yes", "payload": "yes"}, {"title": "No", "payload": "no"}]) == (
        "Reply 1 for Yes, 2 for No."
    )
    # a title with a comma: semicolons keep the options apart
    assert numbered_options(YES_NO) == "Reply 1 for Yes, suddenly; 2 for No."


@pytest.mark.parametrize(
    ("reply", "payload"),
    [("1", "yes"), (" 2 ", "no"), ("2.", "no"), ("#1", "yes"), ("3", None), ("0", None), ("one", None),
     ("12 days", None), ("", None)],
)
def test_a_number_picks_the_option(reply, payload):
    assert chosen_option(reply, YES_NO) == payload


def test_option_number_is_only_a_bare_number():
    assert option_number("4") == 4
    assert option_number("4 days ago") is None
    assert chosen_option("1", []) is None


# --- one turn, one SMS -------------------------------------------------------------------------
def _triage(level: str) -> dict:
    return {"custom": {"triage": {"level": level, "categories": ["stroke"], "symptoms": [], "rules": []}}}


def test_an_emergency_answer_comes_first_and_the_payload_is_not_sent():
    advice = "Call 911 now or have someone take you to the emergency department; do not drive yourself."
    turn = shape_turn([{"text": NOTICE}, {"text": advice}, _triage("emergency")])
    assert turn.level == "emergency"
    assert turn.text == f"{advice}\n{NOTICE}"
    assert advice in first_segment(turn.text)
    assert "triage" not in turn.text and "{" not in turn.text


def test_other_answers_keep_their_order():
    advice = "Call your doctor right away, today."
    turn = shape_turn([{"text": NOTICE}, {"text": advice}, _triage("urgent")])
    assert turn.text == f"{NOTICE}\n{advice}"
    assert turn.level == "urgent"


def test_a_question_with_buttons_becomes_text_with_numbered_options():
    turn = shape_turn([{"text": "Did the headache come on suddenly?", "buttons": YES_NO}])
    assert turn.text == "Did the headache come on suddenly?\nReply 1 for Yes, suddenly; 2 for No."
    assert turn.options == YES_NO


def test_a_turn_without_text_is_empty():
    assert shape_turn([_triage("routine")]).text == ""
    assert shape_turn([]).text == ""


def test_long_text_is_split_into_bodies_twilio_accepts():
    text = "\n".join(["word " * 100] * 5)  # 2,504 characters
    bodies = split_for_sms(text)
    assert len(bodies) == 2
    assert all(0 < len(b) <= 1600 for b in bodies)
    assert " ".join(" ".join(bodies).split()) == " ".join(text.split())
    assert split_for_sms("x" * 3500) == ["x" * 1600, "x" * 1600, "x" * 300]


# --- keywords ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "opted_out", "word"),
    [
        ("STOP", False, "stop"), ("stop", False, "stop"), ("Stop.", False, "stop"), (" unsubscribe ", False, "stop"),
        ("UnSubscribe!", False, "stop"), ("stop the fever", False, None), ("START", True, "start"),
        ("start", False, "start"), ("yes", True, "start"), ("yes", False, None), ("HELP", False, "help"),
        ("help?", True, "help"), ("help me my face is drooping", False, None), ("", False, None),
    ],
)
def test_keywords(body, opted_out, word):
    assert keyword(body, opted_out) == word


def test_help_names_the_clinic_its_phone_and_911():
    text = help_text(clinic_settings({"CLINIC_NAME": "Test Clinic", "CLINIC_PHONE": "555-0100"}))
    assert "Test Clinic" in text and "555-0100" in text and "911" in text
    assert is_gsm7(text) and segments(text) <= 2


# --- the compact advice fits -------------------------------------------------------------------
SETTINGS = clinic_settings({"CLINIC_NAME": "Saint Example University Hospital MS Centre", "CLINIC_PHONE": "+1 (555) 010-0199"})
CONTEXTS = ({}, {"days_since_infusion": 1}, {"during_infusion": True}, {"sudden_onset": True, "days_since_infusion": 12})


def _assessments():
    symptoms = list(default_knowledge().symptoms)
    for combo in itertools.chain(itertools.combinations(symptoms, 1), itertools.combinations(symptoms, 2)):
        for context in CONTEXTS:
            yield assess(list(combo), context)


def test_every_compact_advice_fits_with_the_safety_notice_in_three_segments():
    """Every symptom and pair of symptoms, in four contexts: the SMS rendering keeps the action
    first, is GSM-7, and with the safety notice of a first message costs at most 3 segments."""
    checked = 0
    for assessment in _assessments():
        text = render_advice(assessment, SETTINGS, compact=True)
        assert len(text) <= SMS_ADVICE_LIMIT, text
        assert is_gsm7(text), text
        assert segments(f"{text}\n{NOTICE}") <= 3, text
        if assessment.level == "emergency":
            assert text.startswith("Call 911 now"), text
            assert "Call 911 now" in first_segment(f"{text}\n{NOTICE}")
        if assessment.level == "urgent" and "mental_health" not in assessment.categories:
            assert "call your doctor right away" in text.lower(), text
        checked += 1
    assert checked > 8000


def test_compact_advice_keeps_action_category_and_escalation():
    fever = assess(["fever", "bleeding_gums", "easy_bleeding"], {})
    full = render_advice(fever, SETTINGS)
    compact = render_advice(fever, SETTINGS, compact=True)
    assert segments(full) > 3 >= segments(f"{compact}\n{NOTICE}")
    for words in ("Call your doctor right away", "urgent care", "a bleeding problem from low platelets", "Call 911"):
        assert words in compact
    stroke = render_advice(assess(["face_drooping"], {}), SETTINGS, compact=True)
    assert stroke.startswith("Call 911 now or have someone take you to the emergency department; do not drive yourself.")
    assert "stroke" in stroke and "alemtuzumab" in stroke
    assert render_advice(assess(["face_drooping"], {}), SETTINGS, compact=False) != stroke  # web and nurse unchanged
