"""The nurse hotline channel: a JSON API and a web console on the Rasa server, under
/webhooks/nurse/. Registered in credentials.yml as `bot.channels.nurse.NurseInput:`.

No dialogue: the routes call the triage engine and the extractor directly (nurse_api.py), keep
cases and the follow-up queue in the database (nurse_store.py), and let in only a nurse with a
session or a system with the bearer token (nurse_auth.py). Set-up and routes: docs/nurse.md;
the API: GET /webhooks/nurse/openapi.json.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import nurse_auth as auth
from bot.channels.nurse_api import (
    UNAUTHORIZED,
    NurseService,
    Reply,
    Unavailable,
    call_id,
    error,
)
from bot.channels.nurse_openapi import openapi
from bot.channels.nurse_settings import NurseSettings

logger = logging.getLogger(__name__)

CONSOLE_DIR = Path(__file__).resolve().parent / "nurse_console"
WEB = Path(__file__).resolve().parents[1] / "web"
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
PAGES = {"console": "console.html", "queue": "queue.html", "login": "login.html"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _static_files() -> dict[str, tuple[bytes, str]]:
    files = {p.name: (p.read_bytes(), STATIC_TYPES[p.suffix]) for p in CONSOLE_DIR.iterdir() if p.suffix in STATIC_TYPES}
    files["widget.css"] = ((WEB / "widget.css").read_bytes(), STATIC_TYPES[".css"])  # the widget's colours and focus ring
    files["favicon.svg"] = ((WEB / "demo" / "favicon.svg").read_bytes(), STATIC_TYPES[".svg"])
    return files


def _send(reply: Reply) -> HTTPResponse:
    headers = {**SECURITY_HEADERS, **reply.headers}
    if reply.content_type == "application/json":
        return response.json(reply.body, status=reply.status, headers=headers)
    return response.text(reply.body, status=reply.status, headers=headers, content_type=reply.content_type)


def _is_json(request: Request) -> bool:
    return (request.content_type or "").split(";")[0].strip().lower() == "application/json"


class NurseInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "nurse"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> NurseInput:
        return cls(NurseSettings.load(credentials))

    def __init__(self, settings: NurseSettings, service: NurseService | None = None) -> None:
        self.settings = settings
        self.service = service or NurseService(settings)
        self.files = _static_files()
        self.pages = {name: (CONSOLE_DIR / file).read_bytes() for name, file in PAGES.items()}
        if settings.api_token and not settings.token_usable:
            logger.error("nurse channel: NURSE_API_TOKEN is shorter than 16 characters and is not accepted")

    def _page(self, name: str) -> HTTPResponse:
        headers = {**SECURITY_HEADERS, "Content-Security-Policy": CSP}
        return response.raw(self.pages[name], headers=headers, content_type="text/html; charset=utf-8")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        nurse = Blueprint("nurse_webhook", __name__)
        service = self.service

        def guarded(handler):
            """Never a bare 500 with a traceback, and never patient text in the log."""

            @functools.wraps(handler)
            async def run(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                try:
                    return await handler(request, *args, **kwargs)
                except Unavailable as exc:
                    return _send(error(503, str(exc)))
                except Exception as exc:
                    logger.error("nurse %s %s failed: %s", request.method, request.path, type(exc).__name__)
                    if service.clinic_settings().log_patient_text:  # a traceback may quote the text
                        logger.debug("nurse route failure", exc_info=True)
                    return _send(error(500, "internal error; nothing was recorded by this request"))

            return run

        def authorized(handler):
            """401 before the body is read; a browser (session cookie) must send JSON, which a
            form on another site cannot do without the browser asking first."""

            @guarded
            @functools.wraps(handler)
            async def run(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                principal = await service.authorize(request.headers, request.cookies)
                if principal is None:
                    return _send(UNAUTHORIZED)
                if request.method == "POST" and principal.via == "session" and not _is_json(request):
                    return _send(error(400, "send the body as JSON (Content-Type: application/json)"))
                return await handler(request, principal, *args, **kwargs)

            return run

        @nurse.route("/", methods=["GET"])
        async def home(request: Request) -> HTTPResponse:
            return response.redirect(request.path.rstrip("/") + "/console", status=303)

        @nurse.route("/health", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @nurse.route("/openapi.json", methods=["GET"])
        async def openapi_json(_: Request) -> HTTPResponse:
            return response.json(openapi(), headers={"Cache-Control": "no-cache"})

        @nurse.route("/static/<name>", methods=["GET"])
        async def static(_: Request, name: str) -> HTTPResponse:
            if name not in self.files:
                return response.text("not found", status=404)
            body, kind = self.files[name]
            return response.raw(body, content_type=kind, headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"})

        @nurse.route("/login", methods=["GET"])
        async def login_page(_: Request) -> HTTPResponse:
            return self._page("login")

        async def page(request: Request, name: str) -> HTTPResponse:
            if await service.authorize({}, request.cookies) is None:
                return response.redirect(f"login?next={name}", status=303, headers=SECURITY_HEADERS)
            return self._page(name)

        @nurse.route("/console", methods=["GET"])
        @guarded
        async def console_page(request: Request) -> HTTPResponse:
            return await page(request, "console")

        @nurse.route("/queue", methods=["GET"])
        @guarded
        async def queue_page(request: Request) -> HTTPResponse:
            return await page(request, "queue")

        @nurse.route("/login", methods=["POST"])
        @guarded
        async def login(request: Request) -> HTTPResponse:
            if not _is_json(request):  # no logging a browser in from a form on another site
                return _send(error(400, "send the body as JSON (Content-Type: application/json)"))
            reply, token = await service.login(request.body)
            sent = _send(reply)
            if token:
                cookie = self._cookie(sent, request, token)
                cookie["max-age"] = int(self.settings.session_hours * 3600)
            return sent

        @nurse.route("/logout", methods=["POST"])
        @guarded
        async def logout(request: Request) -> HTTPResponse:
            sent = _send(await service.logout(request.cookies))
            self._cookie(sent, request, "")["max-age"] = 0
            return sent

        @nurse.route("/assess", methods=["POST"])
        @authorized
        async def assess(request: Request, principal: auth.Principal) -> HTTPResponse:
            return _send(await service.assess(principal, request.body))

        @nurse.route("/calls", methods=["POST"])
        @authorized
        async def record(request: Request, principal: auth.Principal) -> HTTPResponse:
            return _send(await service.record(principal, request.body))

        @nurse.route("/calls", methods=["GET"])
        @authorized
        async def queue(request: Request, principal: auth.Principal) -> HTTPResponse:
            return _send(await service.queue(principal, request.args.get("status")))

        @nurse.route("/queue.csv", methods=["GET"])
        @authorized
        async def queue_csv(request: Request, principal: auth.Principal) -> HTTPResponse:
            return _send(await service.queue_csv(principal, request.args.get("status")))

        @nurse.route("/calls/<number>", methods=["GET"])
        @authorized
        async def one_call(request: Request, principal: auth.Principal, number: str) -> HTTPResponse:
            found = call_id(number)
            return _send(error(404, "no such call") if found is None else await service.call(principal, found))

        @nurse.route("/calls/<number>/status", methods=["POST"])
        @authorized
        async def set_status(request: Request, principal: auth.Principal, number: str) -> HTTPResponse:
            found = call_id(number)
            if found is None:
                return _send(error(404, "no such call"))
            return _send(await service.set_status(principal, found, request.body))

        @nurse.listener("after_server_start")
        async def warm_up(*_: Any) -> None:
            try:
                await service.warm_up()
            except Unavailable:
                logger.error("nurse channel: the database is unavailable; the channel answers 503 until it is back")

        return nurse

    def _cookie(self, sent: HTTPResponse, request: Request, value: str):
        sent.cookies[auth.COOKIE] = value
        cookie = sent.cookies[auth.COOKIE]
        cookie["path"] = request.path.rsplit("/", 1)[0] or "/"  # the channel's prefix, /webhooks/nurse
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        if self.settings.cookie_secure:
            cookie["secure"] = True
        return cookie
