"""The Rasa actions, with trackers built like the Rasa server builds them."""

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionSessionStart, ActionTriage
from bot.nlu.extractor import default_extractor
from bot.nlu.rasa_entities import entities_for

DOMAIN = {}


def tracker(text, intent="report_symptoms", slots=None, answering=False):
    extraction = default_extractor().extract(text)
    answer = default_extractor().extract(text, answering=True).infusion
    return Tracker.from_dict(
        {
            "sender_id": "test",
            "slots": slots or {},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 1.0},
                "entities": entities_for(extraction, answer),
            },
            "events": [],
            "latest_input_channel": "rest",
        }
    )


def run(action, trk):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, DOMAIN))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, events


def test_emergency_sends_advice_text_and_payload(monkeypatch):
    monkeypatch.setenv("EMERGENCY_NUMBER", "112")
    messages, slots, _ = run(ActionTriage(), tracker("my face is drooping on one side"))
    assert messages[0]["text"].startswith("Call 112 now")
    payload = messages[1]["custom"]["triage"]
    assert payload["level"] == "emergency" and payload["rules"] == ["stroke.face_drooping"]
    assert slots["last_level"] == "emergency" and slots["pending_question"] is None


def test_question_with_quick_replies_and_state_in_slots():
    messages, slots, _ = run(ActionTriage(), tracker("I have a headache"))
    assert len(messages) == 1 and "suddenly" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["yes", "no"]
    assert slots["pending_question"] == "sudden_onset" and slots["asked"] == ["sudden_onset"]
    assert slots["findings"][0]["symptom"] == "headache"


def test_answer_to_the_time_question_from_slots():
    slots = {
        "findings": [{"symptom": "rash", "negated": False, "text": "rash"}],
        "asked": ["days_since_infusion"],
        "pending_question": "days_since_infusion",
    }
    messages, new_slots, _ = run(ActionTriage(), tracker("3 weeks ago", intent="give_time", slots=slots))
    assert messages[1]["custom"]["triage"]["level"] == "routine"
    assert new_slots["days_since_infusion"] == 21


def test_crisis_intent_without_matched_words_is_still_an_emergency():
    messages, _, _ = run(ActionTriage(), tracker("everything is pointless and I want out", intent="crisis"))
    payload = messages[-1]["custom"]["triage"]
    assert payload["level"] == "emergency" and payload["categories"] == ["mental_health"]
    assert "988" in messages[0]["text"]


def test_nothing_reported_asks_for_symptoms():
    messages, _, _ = run(ActionTriage(), tracker("yes", intent="affirm"))
    assert len(messages) == 1 and messages[0]["response"] == "utter_ask_symptoms"


def test_session_start_sends_the_notice_and_clinic_details(monkeypatch):
    monkeypatch.setenv("CLINIC_PHONE", "555-0199")
    messages, slots, events = run(ActionSessionStart(), tracker("hi", intent="greet"))
    assert messages[0]["response"] == "utter_safety_notice"
    assert "555-0199" in slots["care_team"]
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"


def test_a_reply_while_a_question_is_pending_is_an_answer_whatever_the_intent():
    from actions.actions import OutOfScopeOrAnswer

    slots = {
        "findings": [{"symptom": "headache", "negated": False}],
        "asked": ["sudden_onset"],
        "pending_question": "sudden_onset",
    }
    messages, _, _ = run(OutOfScopeOrAnswer(), tracker("it came out of nowhere", intent="out_of_scope", slots=slots))
    assert messages[-1]["custom"]["triage"]["level"] == "emergency"


def test_out_of_scope_without_a_pending_question_says_so():
    from actions.actions import OutOfScopeOrAnswer

    messages, _, _ = run(OutOfScopeOrAnswer(), tracker("what's the weather", intent="out_of_scope"))
    assert messages[0]["response"] == "utter_out_of_scope"


def test_a_greeting_while_a_question_is_pending_is_an_answer():
    from actions.actions import GreetOrAnswer

    slots = {
        "findings": [{"symptom": "headache", "negated": False}],
        "asked": ["sudden_onset"],
        "pending_question": "sudden_onset",
    }
    messages, new_slots, _ = run(GreetOrAnswer(), tracker("no, it crept up over the afternoon", intent="greet", slots=slots))
    assert new_slots["sudden_onset"] is False and new_slots["pending_question"] == "days_since_infusion"
    assert "infusion" in messages[-1]["text"]


def _info_action(response):
    from actions.actions import INFO_ACTIONS

    return next(a for a in INFO_ACTIONS if a.intent_response == response)()


HEADACHE_ASKED = {"findings": [{"symptom": "headache", "negated": False}], "asked": ["sudden_onset"], "pending_question": "sudden_onset"}


def test_a_yes_read_as_an_information_question_still_answers_the_pending_question():
    text = "yes, it hit me all at once like a bang about half an hour ago"
    messages, _, _ = run(_info_action("utter_how_given"), tracker(text, intent="ask_how_given", slots=HEADACHE_ASKED))
    assert messages[-1]["custom"]["triage"]["level"] == "emergency"


def test_a_time_read_as_an_information_question_answers_the_time_question():
    slots = {"findings": [{"symptom": "neck_pain", "negated": False}], "asked": ["days_since_infusion"], "pending_question": "days_since_infusion"}
    messages, _, _ = run(_info_action("utter_monitoring"), tracker("the day before yesterday", intent="ask_monitoring", slots=slots))
    assert messages[-1]["custom"]["triage"]["level"] == "emergency"


def test_a_real_information_question_while_a_question_is_pending_gets_its_answer():
    messages, _, _ = run(_info_action("utter_rems"), tracker("what is the REMS programme?", intent="ask_rems", slots=HEADACHE_ASKED))
    assert messages[0]["response"] == "utter_rems"
    messages, _, _ = run(_info_action("utter_rems"), tracker("what is the REMS programme?", intent="ask_rems"))
    assert messages[0]["response"] == "utter_rems"
