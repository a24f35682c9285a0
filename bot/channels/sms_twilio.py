"""Sending an SMS through Twilio's REST API (or any server that speaks it, TWILIO_API_BASE)
without blocking the event loop: aiohttp, a timeout per attempt, and retries with exponential
backoff on network errors, 429 and 5xx. Logs carry the number's tag, lengths and status codes,
never the number or the text.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import aiohttp

from bot.channels.sms_format import segments

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Route:
    """Who sends a reply: the Twilio account, and a number or a messaging service."""

    account_sid: str
    from_number: str = ""
    messaging_service_sid: str = ""

    def form(self) -> dict[str, str]:
        if self.messaging_service_sid:
            return {"MessagingServiceSid": self.messaging_service_sid}
        return {"From": self.from_number}


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


class TwilioSender:
    def __init__(
        self,
        auth_token: str,
        api_base: str = "https://api.twilio.com",
        retries: int = 3,
        backoff: float = 0.5,
        timeout: float = 10.0,
    ) -> None:
        self.auth_token = auth_token
        self.api_base = api_base.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, to: str, body: str, route: Route, tag: str = "sms") -> bool:
        """POST one message; True once Twilio accepted it."""
        url = f"{self.api_base}/2010-04-01/Accounts/{route.account_sid}/Messages.json"
        data = {"To": to, "Body": body, **route.form()}
        auth = aiohttp.BasicAuth(route.account_sid, self.auth_token)
        shape = f"{len(body)} chars, {segments(body)} segment(s)"
        for attempt in range(1, self.retries + 2):
            try:
                async with self._client().post(url, data=data, auth=auth) as reply:
                    status = reply.status
                    if status < 300:
                        logger.info("sms to %s: sent, %s, attempt %d", tag, shape, attempt)
                        return True
                    code = await _twilio_error_code(reply)
                    if not _retryable(status):
                        logger.error("sms to %s: refused by Twilio (HTTP %d, code %s), %s", tag, status, code, shape)
                        return False
                    problem = f"HTTP {status}, code {code}"
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:  # noqa: UP041 - not the builtin on 3.10
                problem = type(error).__name__
            if attempt <= self.retries:
                delay = self.backoff * 2 ** (attempt - 1)
                logger.warning("sms to %s: attempt %d failed (%s); retrying in %.2f s", tag, attempt, problem, delay)
                await asyncio.sleep(delay)
        logger.error("sms to %s: not sent after %d attempts (%s), %s", tag, self.retries + 1, problem, shape)
        return False


async def _twilio_error_code(reply: aiohttp.ClientResponse) -> str:
    """Twilio's numeric error code; its message is not logged (it can quote the number)."""
    try:
        return str((await reply.json(content_type=None)).get("code"))
    except Exception:  # noqa: BLE001 - any unreadable error body
        return "?"
