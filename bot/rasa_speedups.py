"""Speed-ups of Rasa 3.6 that change no behaviour, found by profiling the Rasa server under
load (py-spy, benchmarks/load.py; docs/production.md).

Rasa checks every answer of the action server against a JSON schema with
`jsonschema.validate`, which first validates the schema itself against the JSON-Schema
meta-schema, on every call: a quarter of the Rasa server's time per turn here (two calls to
the action server per new conversation, one per later turn). The schema never changes, so
its validator is built and checked once; each answer is still validated, with the same
error when it is wrong.

Reading a conversation back from the tracker store turns each stored event into its class
with `Event.resolve_by_type`, which walks every subclass of Event (recursively, asking
`inspect.isabstract` of each) for every event: a third of a turn's time in a 200-turn
conversation, growing with its length. The class of each type name is remembered after the
first walk (an unknown name walks again, so classes imported later are still found).

The policies (RulePolicy, MemoizationPolicy) ask for the dialogue states of the whole
conversation at every prediction, two to four times a turn, and Rasa rebuilds them from the
first event each time (Domain.states_for_tracker_history: a replay of every event and a state
per action): over half of a turn at turn 300, and the reason a turn grew with the length of the
conversation. The states of the events already seen never change while events are only
appended, so they are kept on the tracker object and only the new events are replayed
(_StatesCursor). Anything that rewrites history (a restart, a new session, a reverted action
or utterance, an active loop) starts the states afresh from that point or falls back to Rasa's
own function, so the states are always exactly Rasa's (tests/production/test_speedups.py).

Every call to the action server carried the whole conversation as JSON (Rasa's
EventVerbosity.ALL), serialised by Rasa and parsed by the action server at every turn: the
other part of a turn that grew with the conversation. Our actions read the latest message,
the slots and the latest channel, which travel apart from the events; the call now carries
the last ACTION_SERVER_EVENTS events (everything else in it is Rasa's).

Rasa asks for the applied events (DialogueStateTracker.applied_events: the events after the
last restart or session start, less the reverted ones) at least twice a turn, to see whether a
session has started and when the patient last wrote, and rebuilds the list from the first
event each time. With no event that rewrites history (a revert, an active loop) that list is
exactly the events after the last restart or session start, which _history_marks already
finds reading only the new events; otherwise Rasa's own function runs.

Before running each action, Rasa copies the tracker (DialogueStateTracker.copy), and the copy
replays every event of the conversation onto a fresh tracker: two or three replays a turn,
the other part that grew with the conversation. The replay of the events seen so far is kept
on the tracker (_Replay), only new events are replayed onto it, and the copy is a clone of
that replayed tracker: the same state as Rasa's copy, at the cost of the new events.

Rasa runs its two graphs (the NLU pipeline on each message, the policies on each prediction)
through dask's local scheduler, which rebuilds the task graph, orders it and keeps its
bookkeeping for every run: dask itself was about a tenth of a turn. The graphs hold a dozen
nodes, run one after the other in one thread; _run_graph runs the same nodes in the order
dask gives them (computed once per set of targets), with the same inputs, outputs and errors.

Installed by the REST channel (bot.channels.safe_rest) when Rasa loads it.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import dask
import dask.order
import jsonschema
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core import constants as core_constants
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

_validator: Any = None


def _validate_action_result(self: RemoteAction, result: dict) -> bool:
    global _validator
    if _validator is None:
        schema = self.action_response_format_spec()
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    error = best_match(_validator.iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


_event_classes: dict[str, type] = {}


def _resolve_by_type(type_name: str, default: type | None = None) -> type | None:
    """Rasa's Event.resolve_by_type, with the walk over Event's subclasses remembered."""
    found = _event_classes.get(type_name)
    if found is None:
        for cls in all_subclasses(Event):  # the first class with the name wins, as in Rasa
            _event_classes.setdefault(cls.type_name, cls)
        found = _event_classes.get(type_name)
    if found is not None:
        return found
    if type_name == "topic":
        return None  # Rasa's backwards compatibility with old TopicSet events
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


ACTION_SERVER_EVENTS = 40
_original_action_call_format = RemoteAction._action_call_format


def _action_call_format(self: RemoteAction, tracker: Any, domain: Domain) -> dict:
    """Rasa's call to the action server, with the last ACTION_SERVER_EVENTS events only."""
    result = _original_action_call_format(self, _WithoutEvents(tracker), domain)
    events = itertools.islice(tracker.events, max(0, len(tracker.events) - ACTION_SERVER_EVENTS), None)
    result["tracker"]["events"] = [e.as_dict() for e in events]
    return result


class _WithoutEvents:
    """The tracker, whose current_state() leaves the events out (they are added after)."""

    def __init__(self, tracker: Any) -> None:
        self._tracker = tracker

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)

    def current_state(self, event_verbosity: Any = None) -> dict:
        from rasa.shared.core.trackers import EventVerbosity

        return self._tracker.current_state(EventVerbosity.NONE)


_original_states_for_tracker_history = Domain.states_for_tracker_history
_FRESH_START = (Restarted, SessionStarted)  # applied_events() forgets what came before these
_REWRITES = (ActionReverted, UserUtteranceReverted, ActiveLoop)  # these rewrite history: Rasa's own way


class _StatesCursor:
    """Domain.states_for_tracker_history, one event at a time: the states before each action
    of the events seen so far, and the replayed tracker to go on from."""

    def __init__(self, domain: Domain, tracker: Any, omit_unset_slots: bool, ignore_rule_only_turns: bool,
                 rule_only_data: dict | None) -> None:
        self.domain = domain
        self.omit_unset_slots = omit_unset_slots
        self.ignore_rule_only_turns = ignore_rule_only_turns
        self.rule_only_data = rule_only_data
        self.replay = tracker.init_copy()
        self.states: list = []
        self.last_ml_action_sub_state: Any = None
        self.turn_was_hidden = False
        self.seen = 0
        self.last_event: Any = None

    def follows(self, events: Any, start: int) -> bool:
        """The tracker (from start on) still begins with the events this cursor has seen."""
        return len(events) - start >= self.seen and (self.seen == 0 or events[start + self.seen - 1] is self.last_event)

    def advance(self, events: Any, start: int) -> None:
        for event in itertools.islice(events, start + self.seen, None):
            if isinstance(event, ActionExecuted):
                state, self.last_ml_action_sub_state, self.turn_was_hidden = self._state(event.hide_rule_turn)
                if state is not None:
                    self.states.append(state)
            self.replay.update(event)
            self.last_event = event
        self.seen = len(events) - start

    def all_states(self) -> list:
        final, _, _ = self._state(False)  # the tracker as it is now: not kept, more events may come
        return self.states + ([final] if final is not None else [])

    def _state(self, hide_rule_turn: bool) -> tuple[Any, Any, bool]:
        """The body of Rasa's loop for the replayed tracker (rasa/shared/core/domain.py)."""
        domain, tr = self.domain, self.replay
        last_ml_action_sub_state, turn_was_hidden = self.last_ml_action_sub_state, self.turn_was_hidden
        if self.ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action_sub_state = domain._get_prev_action_sub_state(tr)
            if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
                turn_was_hidden = hide_rule_turn
            if turn_was_hidden:
                return None, last_ml_action_sub_state, turn_was_hidden
        state = domain.get_active_state(tr, omit_unset_slots=self.omit_unset_slots)
        if self.ignore_rule_only_turns:
            domain._remove_rule_only_features(state, self.rule_only_data)
            if self.states:
                domain._substitute_rule_only_user_input(state, self.states[-1])
            if last_ml_action_sub_state:
                state[core_constants.PREVIOUS_ACTION] = last_ml_action_sub_state
        return domain._clean_state(state), last_ml_action_sub_state, turn_was_hidden


_KINDS: dict[type, str] = {}


def _kind(event: Any) -> str:
    """"rewrite", "fresh" or "" for an event's class (isinstance against Rasa's abstract event
    classes is slow, and every event of the conversation is checked)."""
    cls = type(event)
    kind = _KINDS.get(cls)
    if kind is None:
        kind = _KINDS[cls] = "rewrite" if issubclass(cls, _REWRITES) else "fresh" if issubclass(cls, _FRESH_START) else ""
    return kind


def _history_marks(tracker: Any) -> tuple[bool, int]:
    """(whether an event rewrites history, where applied_events() starts), reading only the
    events appended since the last call on this tracker object."""
    events = tracker.events
    seen, last, rewrites, start = tracker.__dict__.get("_triage_scan") or (0, None, False, 0)
    if len(events) < seen or (seen and events[seen - 1] is not last):
        seen, rewrites, start = 0, False, 0
    for index, event in enumerate(itertools.islice(events, seen, None), start=seen):
        kind = _kind(event)
        if kind == "rewrite":
            rewrites = True
        elif kind == "fresh":
            start = index + 1
    tracker.__dict__["_triage_scan"] = (len(events), events[-1] if events else None, rewrites, start)
    return rewrites, start


def _states_for_tracker_history(
    self: Domain, tracker: Any, omit_unset_slots: bool = False, ignore_rule_only_turns: bool = False,
    rule_only_data: dict | None = None,
) -> list:
    rewrites, start = _history_marks(tracker)
    if rewrites:
        return _original_states_for_tracker_history(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    # applied_events() starts afresh at the last restart or session start: so does the cursor
    key = (id(self), omit_unset_slots, ignore_rule_only_turns, repr(rule_only_data), start)
    cursors = tracker.__dict__.setdefault("_triage_states", {})
    cursor = cursors.get(key)
    if cursor is None or not cursor.follows(tracker.events, start):
        for stale in [k for k in cursors if k[-1] != start]:  # an older session's
            del cursors[stale]
        cursor = cursors[key] = _StatesCursor(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    cursor.advance(tracker.events, start)
    # fresh dicts to two levels, as Rasa's are: the featurizers delete keys of a state's parts
    return [{k: dict(v) if isinstance(v, dict) else v for k, v in s.items()} for s in cursor.all_states()]


_original_applied_events = DialogueStateTracker.applied_events
_original_copy = DialogueStateTracker.copy


def _applied_events(self: DialogueStateTracker) -> list:
    """Rasa's applied_events: with nothing that rewrites history, the events after the last
    restart or session start."""
    rewrites, start = _history_marks(self)
    if rewrites:
        return _original_applied_events(self)
    return list(itertools.islice(self.events, start, None))


class _Replay:
    """Rasa's copy of a tracker replays every event onto a fresh one; this keeps that replay and
    feeds it only the events appended since."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self.replay = tracker.init_copy()
        self.seen = 0
        self.last_event: Any = None
        self.stopped = False  # an event whose timestamp is NaN: Rasa's replay stops there

    def follows(self, events: Any) -> bool:
        return len(events) >= self.seen and (self.seen == 0 or events[self.seen - 1] is self.last_event)

    def advance(self, events: Any) -> None:
        for event in itertools.islice(events, self.seen, None):
            if not event.timestamp <= float("inf"):
                self.stopped = True
            if not self.stopped:
                self.replay.update(event)
            self.last_event = event
        self.seen = len(events)

    def clone(self) -> DialogueStateTracker:
        """A tracker in the replay's state that shares nothing the two could change: its own
        events, slots, active loop and latest action (events are shared, as in Rasa's copy)."""
        replay = self.replay
        clone = copy.copy(replay)
        for key in [k for k in clone.__dict__ if k.startswith("_triage")]:
            del clone.__dict__[key]
        clone.events = copy.copy(replay.events)
        clone.slots = copy.copy(replay.slots)
        for name, slot in clone.slots.items():
            clone.slots[name] = copy.copy(slot)
        clone.active_loop = copy.copy(replay.active_loop)  # Rasa changes its fields in place
        clone.latest_action = copy.copy(replay.latest_action)
        return clone


def _copy(self: DialogueStateTracker) -> DialogueStateTracker:
    """Rasa's DialogueStateTracker.copy, replaying only the events new since the last copy."""
    events = self.events
    replay = self.__dict__.get("_triage_replay")
    if replay is None or not replay.follows(events):
        replay = self.__dict__["_triage_replay"] = _Replay(self)
    replay.advance(events)
    return _original_copy(self) if replay.stopped else replay.clone()


_original_graph_run = DaskGraphRunner.run


def _graph_order(self: DaskGraphRunner, targets: tuple) -> list:
    """The nodes the targets need, in the order dask's scheduler runs them (kept per runner)."""
    orders = self.__dict__.setdefault("_triage_orders", {})
    if targets not in orders:
        schema = self._graph_schema.minimal_graph_schema(list(targets))
        needs = {name: list(node.needs.values()) for name, node in schema.nodes.items()}
        priority = dask.order.order({name: (len, *deps) for name, deps in needs.items()})
        done: set = set()
        order: list = []
        while len(order) < len(needs):
            ready = [n for n in needs if n not in done and all(d in done or d not in needs for d in needs[n])]
            if not ready:
                return []  # a cycle: Rasa's own run reports it
            first = min(ready, key=lambda n: priority.get(n, 0))
            order.append(first)
            done.add(first)
        orders[targets] = order
    return orders[targets]


def _run_graph(self: DaskGraphRunner, inputs: dict | None = None, targets: list | None = None) -> dict:
    """DaskGraphRunner.run without dask: each node called once, in dask's order, with the
    outputs of the nodes it needs ((name, output) pairs; an input or node that is missing is
    handed over as its bare name, as dask does)."""
    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    order = _graph_order(self, run_targets)
    if not order:
        return _original_graph_run(self, inputs, targets)
    results: dict = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and value in self._graph_schema.nodes:
            return _original_graph_run(self, inputs, targets)  # Rasa's error for a clashing input
        results[name] = (name, value)
    schema_nodes = self._graph_schema.nodes
    try:
        for name in order:
            node_inputs = [results.get(need, need) for need in schema_nodes[name].needs.values()]
            results[name] = self._instantiated_nodes[name](*node_inputs)
    except RuntimeError as error:
        raise GraphRunError("Error running runner.") from error
    return dict(results.get(target, target) for target in run_targets)


def install() -> None:
    DaskGraphRunner.run = _run_graph
    DialogueStateTracker.applied_events = _applied_events
    DialogueStateTracker.copy = _copy
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
    Domain.states_for_tracker_history = _states_for_tracker_history
    RemoteAction._action_call_format = _action_call_format
