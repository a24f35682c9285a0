"""Thin Rasa actions: read the tracker, call bot.conversation / bot.triage, answer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.conversation import NO, YES, TriageState, take_turn
from bot.nlu.rasa_entities import findings_from, time_from
from bot.settings import clinic_settings
from bot.triage.advice import render_advice
from bot.triage.engine import Finding

STATE_SLOTS = ("findings", "days_since_infusion", "during_infusion", "sudden_onset", "asked", "pending_question")
QUICK_REPLIES = {
    "sudden_onset": [("Yes, suddenly", "yes"), ("No", "no")],
    "days_since_infusion": [
        ("During the drip", "during the drip"),
        ("Today", "today"),
        ("Yesterday", "yesterday"),
        ("2-3 days ago", "3 days ago"),
        ("More than 3 days ago", "a week ago"),
        ("Not sure", "not sure"),
    ],
}


def _clinic_slots() -> dict[str, Any]:
    settings = clinic_settings()
    return {"care_team": settings.care_team, "emergency_number": settings.emergency_number}


class ActionSessionStart(Action):
    """Every conversation opens with the safety notice and the clinic's details."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        slots = _clinic_slots()
        dispatcher.utter_message(response="utter_safety_notice", **slots)
        return [SessionStarted(), *(SlotSet(k, v) for k, v in slots.items()), ActionExecuted("action_listen")]


class ActionTriage(Action):
    def name(self) -> str:
        return "action_triage"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        message = tracker.latest_message or {}
        entities = message.get("entities") or []
        intent = (message.get("intent") or {}).get("name")
        findings = findings_from(entities)
        # a crisis the lexicon did not word is still a crisis, unless the person denied it or
        # the message reports other signs (then DIET's "crisis" is a doubtful reading)
        if intent == "crisis" and not findings:
            findings.append(Finding("suicidal_thoughts", text=message.get("text") or ""))
        state = TriageState(**{k: v for k in STATE_SLOTS if (v := tracker.get_slot(k)) is not None})
        state, turn = take_turn(
            state,
            intent,
            findings,
            time_from(entities, "infusion_time"),
            time_from(entities, "answer_time"),
            message.get("text") or "",
        )
        slots = _clinic_slots()
        if turn.kind == "question":
            buttons = [{"title": t, "payload": p} for t, p in QUICK_REPLIES.get(turn.question, [])]
            dispatcher.utter_message(text=turn.question_text, buttons=buttons)
        elif turn.kind == "advice":
            sms = tracker.get_latest_input_channel() == "sms"  # SMS gets the compact wording
            dispatcher.utter_message(text=render_advice(turn.assessment, clinic_settings(), compact=sms))
            dispatcher.utter_message(json_message=turn.assessment.payload())
        elif turn.kind == "hypothetical":
            dispatcher.utter_message(response="utter_warning_signs", **slots)
        elif turn.kind == "anything_else":
            dispatcher.utter_message(response="utter_thanks", **slots)
        else:
            dispatcher.utter_message(response="utter_ask_symptoms", **slots)
        events = [SlotSet(k, getattr(state, k)) for k in STATE_SLOTS]
        if turn.assessment is not None:
            events.append(SlotSet("last_level", turn.assessment.level))
        return events


class AnswerOrRespond(Action):
    """For intents that are not answers: while the bot waits for the answer to its question,
    the message is that answer (DIET may read "it came on like a thunderclap" as out of
    scope); otherwise the intent's usual response."""

    intent_response = ""

    def name(self) -> str:
        return f"action_{self.intent_response.removeprefix('utter_')}_or_answer"

    def is_answer(self, tracker: Tracker) -> bool:
        return bool(tracker.get_slot("pending_question"))

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        if self.is_answer(tracker):
            return await ActionTriage().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response=self.intent_response, **_clinic_slots())
        return []


class OutOfScopeOrAnswer(AnswerOrRespond):
    intent_response = "utter_out_of_scope"


class FallbackOrAnswer(AnswerOrRespond):
    intent_response = "utter_default"


class DontKnowOrAnswer(AnswerOrRespond):
    intent_response = "utter_dont_know"


class GreetOrAnswer(AnswerOrRespond):
    intent_response = "utter_greet"  # "no, it crept up over the afternoon" is not a greeting


class ThanksOrAnswer(AnswerOrRespond):
    intent_response = "utter_thanks"


class GoodbyeOrAnswer(AnswerOrRespond):
    intent_response = "utter_goodbye"


class InfoOrAnswer(AnswerOrRespond):
    """An information intent while the bot waits for an answer: DIET may read "yes, it hit
    me all at once about half an hour ago" as a question about how long the drip takes. A
    message that opens with a yes or a no, or that gives the infusion's time when that was
    asked, is the answer; any other is the question it seems to be, answered as usual."""

    def is_answer(self, tracker: Tracker) -> bool:
        pending = tracker.get_slot("pending_question")
        text = (tracker.latest_message or {}).get("text") or ""
        entities = (tracker.latest_message or {}).get("entities") or []
        gives_time = pending == "days_since_infusion" and any(
            time_from(entities, name) is not None for name in ("infusion_time", "answer_time")
        )
        return bool(pending) and bool(YES.match(text) or NO.match(text) or gives_time)


def _info_action(response: str) -> type[InfoOrAnswer]:
    return type(f"{response.title().replace('_', '')}OrAnswer", (InfoOrAnswer,), {"intent_response": response})


INFO_ACTIONS = [
    _info_action(r)
    for r in (
        "utter_what_for",
        "utter_how_given",
        "utter_premedication",
        "utter_rems",
        "utter_medication_guide",
        "utter_safety_card",
        "utter_monitoring",
        "utter_pronunciation",
        "utter_warning_signs",
    )
]
