"""The SMS channel: a Twilio-compatible webhook, `POST /webhooks/sms/webhook`.

Registered in credentials.yml as `bot.channels.sms.SmsInput:`. Unlike Rasa's stock Twilio
channel it checks every request's X-Twilio-Signature (no token, no service), answers a
retried MessageSid once, honours STOP/START/HELP, and replies through Twilio's REST API with
aiohttp off the request: the webhook answers Twilio at once with empty TwiML, the bot's turn
runs in the background, one turn at a time per number, and goes out as one GSM-7 SMS body.
Set-up: docs/sms.md.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    UserMessage,
)
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels import sms_keywords as keywords
from bot.channels.patient_text import as_patient_text
from bot.channels.sms_format import (
    MAX_SMS_CHARS,
    chosen_option,
    option_number,
    shape_turn,
    split_for_sms,
)
from bot.channels.sms_settings import SmsSettings
from bot.channels.sms_store import OptOutList, RecentMessages
from bot.channels.sms_twilio import Route, TwilioSender
from bot.settings import clinic_settings

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
MAX_INBOUND_CHARS = MAX_SMS_CHARS  # Twilio delivers at most 1,600 characters in one Body


def _twilio_form(request: Request) -> RequestParameters:
    """The posted fields, empty ones included: Twilio signs "FromCity=" and an empty Body too,
    and Sanic's request.form drops them, which would fail the signature of real messages."""
    if request.content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        return RequestParameters(parse_qs(request.body.decode("utf-8"), keep_blank_values=True))
    return request.form


class SmsCollector(CollectingOutputChannel):
    """Gathers one bot turn. Named "sms" so that `channel: sms` response variations apply."""

    @classmethod
    def name(cls) -> str:
        return "sms"


def offered_options(events) -> list[dict]:
    """The buttons of the bot's last question, if it asked one since the person last wrote."""
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return []
        if isinstance(event, BotUttered) and (event.data or {}).get("buttons"):
            return list(event.data["buttons"])
    return []


class SmsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SmsInput:
        return cls(SmsSettings.load(credentials))

    def __init__(self, settings: SmsSettings, sender: TwilioSender | None = None) -> None:
        self.settings = settings
        self.recent = RecentMessages()
        self._tasks: set[asyncio.Task] = set()
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        if not settings.auth_token:
            logger.error(
                "SMS channel disabled: TWILIO_AUTH_TOKEN is not set, so every request to "
                "/webhooks/sms/webhook is refused (403). See docs/sms.md."
            )
            self.validator, self.optouts, self.sender = None, None, None
            return
        self.validator = RequestValidator(settings.auth_token)
        self.optouts = OptOutList(settings.optout_db)
        self.sender = sender or TwilioSender(
            settings.auth_token, settings.api_base, settings.send_retries, settings.retry_backoff
        )
        if not settings.public_url:
            logger.warning(
                "SMS channel: SMS_PUBLIC_URL is not set; signatures are checked against the URL this "
                "server sees, which fails behind a proxy or tunnel. Set it to the public base URL."
            )
        if not (settings.twilio_number or settings.messaging_service_sid):
            logger.info("SMS channel: replies go out from the number each message was sent to")

    # The webhook, free of Sanic so that it can be tested directly.
    async def receive(
        self,
        form: Mapping[str, Any],
        signature: str | None,
        url: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        agent: Any = None,
    ) -> tuple[int, str]:
        """Checks, keywords and bookkeeping happen here, before Twilio gets its answer; the
        bot's turn and every reply run in the background."""
        if self.validator is None:
            return 403, "SMS channel disabled: TWILIO_AUTH_TOKEN is not set"
        if not signature or not self.validator.validate(url, form, signature):
            logger.warning("SMS webhook: refused a request with a %s signature", "bad" if signature else "missing")
            return 403, "invalid signature"
        number = str(form.get("From") or "").strip()
        if not number:
            return 400, "From is missing"
        tag = self.optouts.tag(number)
        sid = str(form.get("MessageSid") or form.get("SmsMessageSid") or "")
        if sid and not self.recent.first_time(sid):
            logger.info("sms from %s: %s is a repeated delivery; already answered", tag, sid)
            return 200, EMPTY_TWIML
        body = str(form.get("Body") or "")
        route = self._route(form)
        clinic = clinic_settings()
        opted_out = await self.optouts.is_opted_out_async(number)
        word = keywords.keyword(body, opted_out)
        logger.info("sms from %s: %s, %d chars%s", tag, sid or "no sid", len(body), f", keyword {word}" if word else "")
        if word == "stop":  # recorded now, so a turn still running for this number sends nothing
            await self.optouts.opt_out_async(number)
            if self.settings.confirm_opt_out:
                self._spawn(self._reply(number, tag, keywords.stop_text(clinic), route, force=True))
        elif word == "start":
            await self.optouts.opt_in_async(number)
            if self.settings.confirm_opt_out:
                self._spawn(self._reply(number, tag, keywords.start_text(clinic), route))
        elif opted_out:
            logger.info("sms from %s: opted out, not answered", tag)
        elif word == "help":
            self._spawn(self._reply(number, tag, keywords.help_text(clinic), route))
        elif not body.strip():
            self._spawn(self._reply(number, tag, keywords.empty_text(clinic), route))
        elif len(body) > MAX_INBOUND_CHARS:
            self._spawn(self._reply(number, tag, keywords.too_long_text(clinic, MAX_INBOUND_CHARS), route))
        else:
            self._spawn(self._turn(number, tag, body, route, on_new_message, agent))
        return 200, EMPTY_TWIML

    def _route(self, form: Mapping[str, Any]) -> Route:
        """Reply from the configured number or service, else from the number the person texted."""
        return Route(
            account_sid=self.settings.account_sid or str(form.get("AccountSid") or ""),
            from_number=self.settings.twilio_number or str(form.get("To") or ""),
            messaging_service_sid=self.settings.messaging_service_sid,
        )

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _lock(self, number: str) -> asyncio.Lock:
        lock = self._locks.get(number)
        if lock is None:
            lock = self._locks[number] = asyncio.Lock()
        return lock

    async def _reply(self, number: str, tag: str, text: str, route: Route, force: bool = False) -> None:
        async with self._lock(number):
            await self._deliver(number, tag, text, route, force)

    async def _turn(self, number, tag, text, route, on_new_message, agent) -> None:
        async with self._lock(number):
            text = await self._resolve_number(agent, number, text)
            collector = SmsCollector()
            try:
                # a typed "/restart" or "/intent{...}" is only text; a chosen option's payload passes
                text, parse_data = await as_patient_text(agent, number, text)
                await on_new_message(UserMessage(text, collector, number, input_channel=self.name(), parse_data=parse_data))
            except Exception as error:  # noqa: BLE001 - the person must still get an answer
                logger.error("sms from %s: the bot failed (%s); sending the fallback", tag, type(error).__name__)
            turn = shape_turn(collector.messages)
            await self._deliver(number, tag, turn.text or keywords.fallback_text(clinic_settings()), route)

    async def _resolve_number(self, agent: Any, number: str, text: str) -> str:
        """A reply of "1" picks option 1 of the bot's last question, read from the tracker."""
        if agent is None or option_number(text) is None:
            return text
        try:
            tracker = await agent.tracker_store.retrieve(number)
        except Exception as error:  # noqa: BLE001 - without the options, the text goes as it is
            logger.warning("sms: could not read the offered options (%s)", type(error).__name__)
            return text
        options = offered_options(tracker.events) if tracker else []
        return chosen_option(text, options) or text

    async def _deliver(self, number: str, tag: str, text: str, route: Route, force: bool = False) -> None:
        if not force and await self.optouts.is_opted_out_async(number):
            logger.info("sms to %s: opted out, reply dropped", tag)
            return
        if not route.account_sid:
            logger.error("sms to %s: no Twilio account SID (set TWILIO_ACCOUNT_SID); reply dropped", tag)
            return
        for body in split_for_sms(text):
            await self.sender.send(number, body, route, tag)

    async def drain(self, timeout: float = 30) -> None:
        """Wait for the turns and replies still under way."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    def _signed_url(self, request: Request) -> str:
        """The URL Twilio signed: its public address, not the one behind a proxy."""
        if not self.settings.public_url:
            return request.url
        query = f"?{request.query_string}" if request.query_string else ""
        return self.settings.public_url.rstrip("/") + request.path + query

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sms = Blueprint("sms_webhook", __name__)

        @sms.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            if self.validator is None:
                return response.json({"status": "disabled", "reason": "TWILIO_AUTH_TOKEN is not set"}, status=503)
            return response.json({"status": "ok"})

        @sms.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            try:
                form = _twilio_form(request)
            except (UnicodeDecodeError, ValueError):
                return response.text("unreadable form", status=400)
            status, text = await self.receive(
                form,
                request.headers.get("X-Twilio-Signature"),
                self._signed_url(request),
                on_new_message,
                getattr(request.app.ctx, "agent", None),
            )
            if status == 200:
                return response.text(text, content_type="text/xml")
            return response.text(text, status=status)

        @sms.listener("before_server_stop")
        async def finish(*_: Any) -> None:
            await self.drain(timeout=10)
            if self.sender is not None:
                await self.sender.close()

        return sms
