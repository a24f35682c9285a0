"""The dialogue states kept between predictions (bot.rasa_speedups) are exactly Rasa's, at
every step of conversations that grow, start new sessions, restart or revert."""

from __future__ import annotations

import asyncio
import random

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
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


def session_start():
    """A conversation as Rasa starts one: the session start, then listening."""
    return DialogueStateTracker.from_events("s", [ActionExecuted("action_session_start"), SessionStarted(),
                                                  ActionExecuted("action_listen")], DOMAIN.slots)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("flags", [{}, {"ignore_rule_only_turns": True, "rule_only_data": {"slots": [], "loops": []}},
                                   {"omit_unset_slots": True}])
def test_kept_states_equal_rasas_at_every_step(seed, flags):
    rng = random.Random(seed)
    tracker = session_start()
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


def a_rare_turn(rng):
    """a_turn, now and then with the events that rewrite history or set state without a slot."""
    events = a_turn(rng)
    roll = rng.random()
    if roll < 0.05:
        events.append(ActionReverted())
    elif roll < 0.10:
        events.append(FollowupAction("action_triage"))
    elif roll < 0.13:
        events.append(ActiveLoop(rng.choice(["a_form", None])))
    if rng.random() < 0.3:
        events.append(SlotSet("findings", [{"symptom": rng.choice(["fever", "rash"])}]))
    return events


def state_of(tracker):
    """Everything a copy of a tracker carries."""
    return (tracker.current_state(EventVerbosity.ALL), {n: (s.value, s.has_been_set) for n, s in tracker.slots.items()},
            tracker.followup_action, tracker._paused, tracker.active_loop, tracker.latest_action,
            tracker.latest_message, tracker.latest_bot_utterance, tracker.sender_id, tracker.model_id)


@pytest.mark.parametrize("seed", range(12))
def test_kept_copies_and_applied_events_equal_rasas_at_every_step(seed):
    rng = random.Random(seed)
    tracker = session_start()
    for _ in range(40):
        for event in a_rare_turn(rng):
            tracker.update(event)
            assert rasa_speedups._applied_events(tracker) == rasa_speedups._original_applied_events(tracker)
            assert state_of(rasa_speedups._copy(tracker)) == state_of(rasa_speedups._original_copy(tracker))


def test_a_copy_can_be_changed_without_changing_the_tracker_or_the_next_copy():
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen"),
                                                     UserUttered("hi", {"name": "greet", "confidence": 1.0}),
                                                     SlotSet("last_level", "urgent"), ActiveLoop("a_form"),
                                                     ActionExecuted("action_greet_or_answer")], DOMAIN.slots)
    first = rasa_speedups._copy(tracker)
    first.update(SlotSet("last_level", "emergency"))
    first.active_loop.rejected = True
    first.latest_action["action_name"] = "changed"
    assert len(first.events) == len(tracker.events) + 1
    assert state_of(tracker)[1:] == state_of(rasa_speedups._original_copy(tracker))[1:]
    assert state_of(rasa_speedups._copy(tracker)) == state_of(rasa_speedups._original_copy(tracker))
    assert rasa_speedups._copy(tracker).get_slot("last_level") == "urgent"


def test_a_tracker_whose_events_were_replaced_is_copied_afresh():
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen"), SlotSet("last_level", "urgent")],
                                               DOMAIN.slots)
    rasa_speedups._copy(tracker)
    tracker.recreate_from_dialogue(DialogueStateTracker.from_events("s", [SlotSet("last_level", "routine")],
                                                                    DOMAIN.slots).as_dialogue())
    assert rasa_speedups._copy(tracker).get_slot("last_level") == "routine"
    assert state_of(rasa_speedups._copy(tracker)) == state_of(rasa_speedups._original_copy(tracker))


@pytest.fixture(scope="module")
def processor():
    from rasa.core.agent import Agent
    from servers import MODEL

    return Agent.load(str(MODEL)).processor


def with_runner(monkeypatch, run, action):
    from rasa.engine.runner.dask import DaskGraphRunner

    monkeypatch.setattr(DaskGraphRunner, "run", run)
    return action()


@pytest.mark.parametrize("text", ["my face is drooping on one side", "hello", "what is lemtrada used for?", "yesterday",
                                  "no", "", "/restart", "I had my infusion 3 days ago and now my gums bleed"])
def test_the_graphs_run_without_dask_give_rasas_parse(processor, monkeypatch, text):
    from rasa.core.channels import UserMessage

    def parse():
        return asyncio.new_event_loop().run_until_complete(processor.parse_message(UserMessage(text)))

    ours = with_runner(monkeypatch, rasa_speedups._run_graph, parse)
    theirs = with_runner(monkeypatch, rasa_speedups._original_graph_run, parse)
    assert ours == theirs
    assert ours["intent"]["name"]


@pytest.mark.parametrize("seed", range(4))
def test_the_graphs_run_without_dask_give_rasas_predictions(processor, monkeypatch, seed):
    rng = random.Random(seed)
    tracker = session_start()
    for _ in range(8):
        for event in a_turn(rng):
            tracker.update(event)
        # each on its own copy: a prediction clears the tracker's follow-up action
        ours = with_runner(monkeypatch, rasa_speedups._run_graph,
                           lambda: processor._predict_next_with_tracker(rasa_speedups._original_copy(tracker)))
        theirs = with_runner(monkeypatch, rasa_speedups._original_graph_run,
                             lambda: processor._predict_next_with_tracker(rasa_speedups._original_copy(tracker)))
        assert (ours.policy_name, ours.probabilities, ours.events, ours.is_end_to_end_prediction) == \
               (theirs.policy_name, theirs.probabilities, theirs.events, theirs.is_end_to_end_prediction)


def test_a_failing_node_fails_the_run_as_in_rasa(processor, monkeypatch):
    from rasa.engine.exceptions import GraphComponentException

    def broken(*args, **kwargs):
        raise ValueError("broken component")

    runner = processor.graph_runner
    node = next(n for n in runner._instantiated_nodes.values() if "Tokenizer" in str(n._component_class))
    monkeypatch.setattr(node, "_fn", broken)
    from rasa.core.channels import UserMessage

    for run in (rasa_speedups._run_graph, rasa_speedups._original_graph_run):
        with pytest.raises(GraphComponentException):
            with_runner(monkeypatch, run, lambda: asyncio.new_event_loop().run_until_complete(
                processor.parse_message(UserMessage("hello"))))
