"""The dialogue states kept between predictions (bot.rasa_speedups) are exactly Rasa's, at
every step of conversations that grow, start new sessions, restart or revert."""

from __future__ import annotations

import random

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from servers import ROOT

from bot import rasa_speedups

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
INTENTS = ["report_symptoms", "affirm", "deny", "give_time", "greet", "crisis", "nlu_fallback"]
ACTIONS = ["action_triage", "action_greet_or_answer", "action_default_or_answer", "utter_safety_notice"]


def original(tracker, **kw):
    return rasa_speedups._original_states_for_tracker_history(DOMAIN, tracker, **kw)


def kept(tracker, **kw):
    return rasa_speedups._states_for_tracker_history(DOMAIN, tracker, **kw)


def a_turn(rng):
    intent = rng.choice(INTENTS)
    events = [UserUttered("text", {"name": intent, "confidence": 1.0}), ActionExecuted(rng.choice(ACTIONS))]
    if rng.random() < 0.5:
        events.append(SlotSet("last_level", rng.choice(["urgent", "emergency", None])))
    events += [BotUttered("answer"), ActionExecuted("action_listen")]
    roll = rng.random()
    if roll < 0.05:
        events.append(SessionStarted())
    elif roll < 0.08:
        events.append(Restarted())
    elif roll < 0.10:
        events.append(UserUtteranceReverted())
    return events


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("flags", [{}, {"ignore_rule_only_turns": True, "rule_only_data": {"slots": [], "loops": []}},
                                   {"omit_unset_slots": True}])
def test_kept_states_equal_rasas_at_every_step(seed, flags):
    rng = random.Random(seed)
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_session_start"), SessionStarted(),
                                                     ActionExecuted("action_listen")], DOMAIN.slots)
    for _ in range(40):
        for event in a_turn(rng):
            tracker.update(event)
            assert kept(tracker, **flags) == original(tracker, **flags)


def test_states_handed_out_can_be_changed_without_changing_the_next_ones():
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen"),
                                                     UserUttered("hi", {"name": "greet", "confidence": 1.0}, message_id="1"),
                                                     ActionExecuted("action_greet_or_answer")], DOMAIN.slots)
    first = kept(tracker)
    for state in first:
        state.get("user", {}).clear()
    assert kept(tracker) == original(tracker)


def test_the_action_server_gets_rasas_call_with_the_last_events_only():
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen")], DOMAIN.slots)
    for i in range(30):
        for event in [UserUttered(f"message {i}", {"name": "report_symptoms", "confidence": 1.0}),
                      ActionExecuted("action_triage"), SlotSet("last_level", "urgent"), ActionExecuted("action_listen")]:
            tracker.update(event)
    action = RemoteAction("action_triage", EndpointConfig("http://127.0.0.1:1/webhook"))
    full = rasa_speedups._original_action_call_format(action, tracker, DOMAIN)
    short = rasa_speedups._action_call_format(action, tracker, DOMAIN)
    assert len(full["tracker"]["events"]) == 121
    assert short["tracker"]["events"] == full["tracker"]["events"][-rasa_speedups.ACTION_SERVER_EVENTS:]
    assert {k: v for k, v in short["tracker"].items() if k != "events"} == {k: v for k, v in full["tracker"].items() if k != "events"}
    assert short["tracker"]["latest_message"]["text"] == "message 29"
    assert {k: v for k, v in short.items() if k != "tracker"} == {k: v for k, v in full.items() if k != "tracker"}
