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

Installed by the REST channel (bot.channels.safe_rest) when Rasa loads it.
"""

from __future__ import annotations

from typing import Any

import jsonschema
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
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


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
