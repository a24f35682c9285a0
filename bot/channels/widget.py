"""The web widget's channel: Rasa's socket.io channel with two Rasa 3.6 bugs fixed.

1. `session_request` calls python-socketio 5's coroutine `enter_room` without awaiting it
   (RasaHQ/rasa#13027), so with `session_persistence: true` no answer ever reaches the browser.
   Here it is awaited, and a session id that is not a long random token is replaced by a new one.
2. `send_custom_json` passes the custom JSON as keyword arguments to `AsyncServer.emit`
   (RasaHQ/rasa#8445), so the triage payload `{"triage": {...}}` raises a TypeError. Here it goes
   out as `{"custom": {...}}` on the bot event, the shape the REST channel returns.

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

SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


class WidgetOutput(SocketIOOutput):
    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class WidgetInput(SocketIOInput):
    """Registered in credentials.yml as `bot.channels.widget.WidgetInput:`."""

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return WidgetOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def answer_through_widget_output(message: UserMessage) -> None:
            message.output_channel = WidgetOutput(self.sio, self.bot_message_evt)
            await on_new_message(message)

        blueprint = super().blueprint(answer_through_widget_output)
        sio = self.sio

        async def session_request(sid: str, data: dict | None) -> None:
            session_id = (data or {}).get("session_id") if isinstance(data, dict) else None
            if not (isinstance(session_id, str) and SESSION_ID.fullmatch(session_id)):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        sio.on("session_request", handler=session_request, namespace=self.namespace)  # replaces Rasa's
        return blueprint
