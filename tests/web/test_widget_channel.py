"""The widget's channel fixes two Rasa 3.6 socket.io bugs; checked here without a server."""

from __future__ import annotations

import asyncio
from unittest.mock import AsyncMock

from bot.channels.widget import WidgetInput, WidgetOutput


def run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def test_the_triage_payload_goes_out_as_custom_to_the_session_room():
    sio = AsyncMock()
    payload = {"triage": {"level": "emergency", "categories": ["stroke"]}}
    run(WidgetOutput(sio, "bot_uttered").send_custom_json("session-1", payload))
    sio.emit.assert_awaited_once_with("bot_uttered", {"custom": payload}, room="session-1")


def channel_with_mocked_server():
    channel = WidgetInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": True}
    )
    channel.blueprint(AsyncMock())
    handler = channel.sio.handlers["/"]["session_request"]
    channel.sio.enter_room = AsyncMock()
    channel.sio.emit = AsyncMock()
    return channel, handler


def test_a_session_request_joins_the_session_room_and_confirms_it():
    channel, session_request = channel_with_mocked_server()
    run(session_request("sid-1", {"session_id": "0123456789abcdef0123456789abcdef"}))
    channel.sio.enter_room.assert_awaited_once_with("sid-1", "0123456789abcdef0123456789abcdef", namespace=None)
    channel.sio.emit.assert_awaited_once_with(
        "session_confirm", "0123456789abcdef0123456789abcdef", room="sid-1", namespace=None
    )


def test_a_missing_or_guessable_session_id_gets_a_new_random_one():
    channel, session_request = channel_with_mocked_server()
    issued = []
    for data in (None, {}, {"session_id": None}, {"session_id": "1"}, {"session_id": "x" * 65}, {"session_id": "a b" * 10}):
        channel.sio.emit.reset_mock()
        run(session_request("sid-2", data))
        issued.append(channel.sio.emit.await_args.args[1])
    assert all(len(session_id) == 32 for session_id in issued)
    assert len(set(issued)) == len(issued)


def test_answers_to_a_widget_message_go_through_the_fixed_output():
    received = []

    async def on_new_message(message):
        received.append(message)

    channel = WidgetInput.from_credentials({"session_persistence": True})
    channel.blueprint(on_new_message)
    handle_message = channel.sio.handlers["/"]["user_uttered"]
    run(handle_message("sid-3", {"message": "hello", "session_id": "0123456789abcdef0123456789abcdef"}))
    assert isinstance(received[0].output_channel, WidgetOutput)
    assert received[0].sender_id == "0123456789abcdef0123456789abcdef"
    assert isinstance(channel.get_output_channel(), WidgetOutput)


class FakeAgent:
    """The two things the channel asks of Rasa's agent: the conversation and a parse."""

    def __init__(self, offered=()):
        buttons = [{"title": p, "payload": p} for p in offered]
        self.tracker_store = AsyncMock()
        self.tracker_store.retrieve.return_value = type("T", (), {"events": [{"event": "bot", "data": {"buttons": buttons}}]})()

    async def parse_message(self, text):
        return {"text": text, "intent": {"name": "restart", "confidence": 0.99}, "entities": []}


def widget_message(text, agent):
    from types import SimpleNamespace

    received = []

    async def on_new_message(message):
        received.append(message)

    channel = WidgetInput.from_credentials({"session_persistence": True})
    channel.blueprint(on_new_message)
    channel.app = SimpleNamespace(ctx=SimpleNamespace(agent=agent))
    handle_message = channel.sio.handlers["/"]["user_uttered"]
    run(handle_message("sid-4", {"message": text, "session_id": "0123456789abcdef0123456789abcdef"}))
    return received[0]


def test_a_slash_command_typed_in_the_widget_is_only_text():
    message = widget_message("/restart", FakeAgent())
    assert message.text == "restart"
    assert message.parse_data["intent"]["name"] == "nlu_fallback"  # not Rasa's /restart


def test_the_widgets_opening_message_and_an_offered_button_still_work():
    assert widget_message("/greet", FakeAgent()).text == "/greet"
    offered = widget_message('/affirm{"sudden": true}', FakeAgent(offered=['/affirm{"sudden": true}']))
    assert offered.text == '/affirm{"sudden": true}' and offered.parse_data is None
