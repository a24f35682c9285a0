"""The REST channel, never silent: `POST /webhooks/rest/webhook {"sender": ..., "message": ...}`.

Registered in credentials.yml as `bot.channels.safe_rest.SafeRestInput:` in place of `rest:`;
same path, same answer (the list Rasa's REST channel returns) for every normal message. What
differs from Rasa's RestInput (rasa/core/channels/rest.py):

- When the bot fails or says nothing (action server down or slower than ACTION_TIMEOUT, the
  database or Redis unreachable, a turn longer than TURN_TIMEOUT), the answer is a fixed safe
  message with the emergency number and the clinic's phone (bot.settings), never an empty list
  or a 500. Rasa 3.6 waits 5 minutes for the action server and, when an action fails, drops
  its answer and carries on; here each call to the action server gives up after ACTION_TIMEOUT
  seconds, and a failed call adds the safe message to what the bot said. When the tracker
  store fails, Rasa would answer from an empty conversation; here the turn stops (nothing is
  half-saved) and the answer is the safe message.
- The body is checked: not JSON, not UTF-8, not an object, no sender, or a message that is not
  a string get a 400 with a reason; an empty or control-character-only message, or one longer
  than MAX_MESSAGE_CHARS (2,000), a polite answer. Control characters are removed.
- What the patient writes is only text (bot.channels.patient_text): no "/intent{...}" shortcut.
- The client cannot choose the input channel or add metadata (Rasa's channel lets it claim to
  be "sms" or another channel).
- Logs carry no patient text and no sender id, only a short hash of it.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import rasa.core.actions.action as rasa_actions
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_speedups
from bot.channels import sms_keywords as fixed_answers
from bot.channels.patient_text import clean, neutralise, offered_to, without_command_intent
from bot.log_privacy import tag as sender_tag
from bot.settings import clinic_settings
from bot.tracker_store import describe_error

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 255  # the sender_id column of Rasa's SQL tracker store


@dataclass(frozen=True)
class RestLimits:
    max_message_chars: int = 2000
    max_body_bytes: int = 1_000_000
    action_timeout: float = 10.0  # seconds, each call to the action server
    turn_timeout: float = 30.0  # seconds, the whole turn (locks, store, NLU, actions)

    ENV = {
        "max_message_chars": "MAX_MESSAGE_CHARS",
        "max_body_bytes": "MAX_BODY_BYTES",
        "action_timeout": "ACTION_TIMEOUT",
        "turn_timeout": "TURN_TIMEOUT",
    }

    @classmethod
    def load(cls, credentials: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> RestLimits:
        env = os.environ if environ is None else environ
        credentials = credentials or {}
        values = {}
        for name, variable in cls.ENV.items():
            raw = env.get(variable, "").strip() or credentials.get(name)
            if raw not in (None, ""):
                value = type(getattr(cls, name))(raw)
                if value <= 0:
                    raise ValueError(f"{variable} must be more than 0")
                values[name] = value
        return cls(**values)


# Which turns saw a call to the action server fail. RemoteAction.run is wrapped once so that a
# failure Rasa's processor swallows (it logs, drops the action's answer and goes on) is known
# to the channel, which then adds the safe message; and so that the turn's later actions do
# not wait for a server that just failed (without its session start, a new conversation
# matches no rule, and Rasa would call the fallback action ten times, each up to the timeout).
_failures: contextvars.ContextVar[list | None] = contextvars.ContextVar("triage_action_failures", default=None)


def _watch_remote_actions(action_timeout: float) -> None:
    rasa_actions.DEFAULT_REQUEST_TIMEOUT = action_timeout  # read by RemoteAction.run at each call
    remote = rasa_actions.RemoteAction
    if getattr(remote.run, "_triage_watched", False):
        return
    original = remote.run

    async def run(self, *args: Any, **kwargs: Any) -> Any:
        failures = _failures.get()
        if failures:  # the action server already failed in this turn: do not wait for it again
            raise RasaException(f"skipped custom action '{self.name()}': the action server failed in this turn")
        try:
            return await original(self, *args, **kwargs)
        except Exception as error:
            if failures is not None:
                failures.append((self.name(), type(error).__name__))
            raise

    run._triage_watched = True
    remote.run = run


def _store_failed(error: Exception) -> None:
    """Called by Rasa's FailSafeTrackerStore when the tracker store fails. Rasa would go on
    with an empty tracker (the bot greets a patient who was answering its question) and keep
    the turn in memory only; in a REST turn the failure ends the turn instead, and the patient
    gets the safe message. Other channels keep Rasa's behaviour; the log names no patient."""
    failures = _failures.get()
    if failures is None:
        logger.error("tracker store failed (%s); Rasa goes on with a tracker in memory", describe_error(error))
        return
    failures.append(("tracker store", type(error).__name__))
    raise error


def _guard_tracker_store(agent: Any) -> None:
    store = getattr(agent, "tracker_store", None)
    if isinstance(store, FailSafeTrackerStore) and store._on_tracker_store_error is not _store_failed:
        store._on_tracker_store_error = _store_failed


class BadRequest(ValueError):
    pass


def _read_body(body: bytes, limits: RestLimits) -> tuple[str, str]:
    if len(body) > limits.max_body_bytes:
        raise BadRequest(f"the body is larger than {limits.max_body_bytes} bytes")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest('the body must be JSON in UTF-8: {"sender": "...", "message": "..."}') from None
    if not isinstance(data, dict):
        raise BadRequest('the body must be a JSON object: {"sender": "...", "message": "..."}')
    sender, message = data.get("sender"), data.get("message")
    if not isinstance(sender, str) or not clean(sender):
        raise BadRequest('"sender" must be a non-empty string that names the conversation')
    if len(sender) > MAX_SENDER_CHARS:
        raise BadRequest(f'"sender" must be at most {MAX_SENDER_CHARS} characters')
    if not isinstance(message, str):
        raise BadRequest('"message" must be a string')
    return clean(sender), message


class SafeRestInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"  # same URL (/webhooks/rest/webhook) and input channel as Rasa's REST channel

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any] | None) -> SafeRestInput:
        return cls(RestLimits.load(credentials))

    def __init__(self, limits: RestLimits | None = None) -> None:
        self.limits = limits or RestLimits()
        _watch_remote_actions(self.limits.action_timeout)
        rasa_speedups.install()

    def _fixed(self, sender: str, text: str) -> list[dict]:
        return [{"recipient_id": sender, "text": text}]

    async def answer(
        self, sender: str, message: str, on_new_message: Callable[[UserMessage], Awaitable[Any]], agent: Any = None
    ) -> list[dict]:
        """One patient message in, the bot's answer out: never empty."""
        settings = clinic_settings()
        _guard_tracker_store(agent)
        text = clean(message)
        if len(text) > self.limits.max_message_chars:
            return self._fixed(sender, fixed_answers.too_long_text(settings, self.limits.max_message_chars))
        command = False
        if text.startswith("/"):
            text, command = neutralise(text, await offered_to(agent, sender))
        if not text:
            return self._fixed(sender, fixed_answers.empty_text(settings))
        collector = CollectingOutputChannel()
        failures: list = []
        token = _failures.set(failures)
        tag = sender_tag(sender)
        try:
            await asyncio.wait_for(self._turn(text, command, sender, collector, on_new_message, agent), self.limits.turn_timeout)
        except asyncio.TimeoutError:
            failures.append(("turn", f"longer than {self.limits.turn_timeout:g} s"))
        except Exception as error:  # noqa: BLE001 - the patient must still get an answer
            failures.append(("turn", type(error).__name__))
        finally:
            _failures.reset(token)
        messages = list(collector.messages)
        if failures:
            logger.error("rest %s: the bot failed (%s); answered with the safe message", tag,
                         ", ".join(f"{where}: {what}" for where, what in failures))
        elif not any(m.get("text") for m in messages):
            logger.error("rest %s: the bot said nothing; answered with the safe message", tag)
        else:
            return messages
        return messages + self._fixed(sender, fixed_answers.fallback_text(settings))

    async def _turn(self, text: str, command: bool, sender: str, collector, on_new_message, agent) -> None:
        parse_data = None
        if command and agent is not None:
            parse_data = without_command_intent(await agent.parse_message(text))
        await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), parse_data=parse_data))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rest = Blueprint("safe_rest_webhook", __name__)

        @rest.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            try:
                sender, message = _read_body(request.body or b"", self.limits)
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            agent = getattr(request.app.ctx, "agent", None)
            return response.json(await self.answer(sender, message, on_new_message, agent))

        return rest
