"""The safe REST channel in-process, with a stand-in for the bot: never an empty answer."""

import asyncio
import time

import pytest
import rasa.core.actions.action as rasa_actions
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.channels.safe_rest import RestLimits, SafeRestInput


@pytest.fixture(autouse=True)
def clinic(monkeypatch):
    monkeypatch.setenv("CLINIC_NAME", "Test Clinic")
    monkeypatch.setenv("CLINIC_PHONE", "555-0100")
    monkeypatch.setenv("EMERGENCY_NUMBER", "112")


def run(channel, message, bot):
    return asyncio.run(channel.answer("p1", message, bot))


def is_safe(reply):
    text = reply[-1]["text"]
    return reply[-1]["recipient_id"] == "p1" and "cannot answer right now" in text and "112" in text and "555-0100" in text


def test_a_normal_answer_passes_unchanged():
    async def bot(message):
        await message.output_channel.send_text_message(message.sender_id, "Call your doctor right away.")
        await message.output_channel.send_custom_json(message.sender_id, {"triage": {"level": "urgent"}})

    reply = run(SafeRestInput(), "I have a fever", bot)
    assert reply == [
        {"recipient_id": "p1", "text": "Call your doctor right away."},
        {"recipient_id": "p1", "custom": {"triage": {"level": "urgent"}}},
    ]


def test_a_bot_that_says_nothing_gives_the_safe_message():
    async def silent(message):
        return None

    reply = run(SafeRestInput(), "I have a fever", silent)
    assert len(reply) == 1 and is_safe(reply)


def test_a_bot_that_raises_gives_the_safe_message():
    async def broken(message):
        raise ConnectionError("database down")

    assert is_safe(run(SafeRestInput(), "I have a fever", broken))


def test_a_turn_longer_than_the_timeout_gives_the_safe_message_in_time():
    async def slow(message):
        await asyncio.sleep(30)

    start = time.monotonic()
    reply = run(SafeRestInput(RestLimits(turn_timeout=0.5)), "I have a fever", slow)
    assert is_safe(reply) and time.monotonic() - start < 5


def test_a_failed_action_after_a_partial_answer_adds_the_safe_message():
    """Rasa's processor swallows a failing custom action; the channel still learns of it."""
    channel = SafeRestInput(RestLimits(action_timeout=1.5))
    assert rasa_actions.DEFAULT_REQUEST_TIMEOUT == 1.5
    action = RemoteAction("action_triage", EndpointConfig("http://127.0.0.1:9/webhook"))

    async def half(message):
        await message.output_channel.send_text_message(message.sender_id, "I am an automated helper.")
        try:
            await action.run(message.output_channel, None, _Tracker(), _Domain())
        except Exception:  # the processor logs and goes on, as Rasa 3.6 does
            pass

    reply = run(channel, "I have a fever", half)
    assert reply[0]["text"] == "I am an automated helper." and is_safe(reply)


@pytest.mark.parametrize("message", ["", "   ", "\x00\x01", "/"])
def test_an_empty_message_gets_a_polite_answer_without_the_bot(message):
    async def must_not_run(message):
        raise AssertionError("the bot was called")

    reply = run(SafeRestInput(), message, must_not_run)
    assert "only read text" in reply[0]["text"] and "112" in reply[0]["text"]


def test_a_long_message_gets_a_polite_answer_without_the_bot():
    async def must_not_run(message):
        raise AssertionError("the bot was called")

    reply = run(SafeRestInput(RestLimits(max_message_chars=50)), "a" * 51, must_not_run)
    assert "too long" in reply[0]["text"] and "under 50 characters" in reply[0]["text"]
    assert "555-0100" in reply[0]["text"]


def test_the_client_cannot_choose_the_input_channel_and_text_is_cleaned():
    seen = []

    async def bot(message):
        seen.append((message.text, message.input_channel, message.metadata))
        await message.output_channel.send_text_message(message.sender_id, "ok")

    run(SafeRestInput(), "fever\x00 today", bot)
    assert seen == [("fever  today", "rest", None)]


class _Tracker:
    sender_id = "p1"

    def current_state(self, *args, **kwargs):
        return {"sender_id": "p1"}


class _Domain:
    def as_dict(self):
        return {}


def test_action_answers_are_still_validated_after_the_speed_up():
    from jsonschema import ValidationError

    SafeRestInput()
    action = RemoteAction("action_triage", None)
    assert action._validate_action_result({"events": [], "responses": [{"text": "hi"}]}) is True
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})


def test_events_are_read_back_as_before_the_speed_up():
    from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered

    from bot import rasa_speedups

    rasa_speedups.install()
    for event in [UserUttered("I have a fever", {"name": "report_symptoms"}), BotUttered("Call your doctor"),
                  SlotSet("findings", [{"symptom": "fever"}]), ActionExecuted("action_listen")]:
        again = Event.from_parameters(event.as_dict())
        assert type(again) is type(event) and again == event
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no such event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no such event")
