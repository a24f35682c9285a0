"""The web widget's channel: Rasa's socket.io channel with two Rasa 3.6 bugs fixed.

1. `session_request` calls python-socketio 5's coroutine `enter_room` without awaiting it
   (RasaHQ/rasa#13027), so with `session_persistence: true` no answer ever reaches the browser.
   Here it is awaited, and a session id that is not a long random token is replaced by a new one.
2. `send_custom_json` passes the custom JSON as keyword arguments to `AsyncServer.emit`
   (RasaHQ/rasa#8445), so the triage payload `{"triage": {...}}` raises a TypeError. Here it goes
   out as `{"custom": {...}}` on the bot event, the shape the REST channel returns.

3. What the patient types is only text (bot.channels.patient_text): "/restart" or
   `/intent{...}` typed in the widget sets no intent; the payload of a button the bot offered,
   and the widget's own opening message (its `initPayload`, "/greet"), still work.

Everything else is Rasa's own channel, with the keys of `socketio:` in credentials.yml.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.patient_text import as_patient_text

SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
WIDGET_SENDS = frozenset({"/greet"})  # widget.js's default initPayload


class WidgetOutput(SocketIOOutput):
    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class WidgetInput(SocketIOInput):
    """Registered in credentials.yml as `bot.channels.widget.WidgetInput:`."""

    app: Any = None

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return WidgetOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def answer_through_widget_output(message: UserMessage) -> None:
            output = WidgetOutput(self.sio, self.bot_message_evt)
            agent = getattr(getattr(self.app, "ctx", None), "agent", None)
            text, parse_data = await as_patient_text(agent, message.sender_id, message.text or "", WIDGET_SENDS)
            await on_new_message(
                UserMessage(
                    text, output, message.sender_id, input_channel=message.input_channel,
                    metadata=message.metadata, parse_data=parse_data,
                )
            )

        blueprint = super().blueprint(answer_through_widget_output)
        sio = self.sio

        @blueprint.listener("before_server_start")
        async def remember_app(app: Any, *_: Any) -> None:
            self.app = app  # its ctx.agent reads the offered buttons and parses "/..." as words

        async def session_request(sid: str, data: dict | None) -> None:
            session_id = (data or {}).get("session_id") if isinstance(data, dict) else None
            if not (isinstance(session_id, str) and SESSION_ID.fullmatch(session_id)):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        sio.on("session_request", handler=session_request, namespace=self.namespace)  # replaces Rasa's
        return blueprint
