"""Helpers for the SMS channel tests: a fake Twilio REST API on loopback that records what it
receives, and Twilio's own request signing."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from twilio.request_validator import RequestValidator

TOKEN = "test-auth-token-0123456789abcdef"
ACCOUNT = "AC00000000000000000000000000000001"


def sign(url: str, params: dict, token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def inbound(number: str, body: str, sid: str | None = None, **extra: str) -> dict:
    """The form Twilio posts for an incoming SMS (with the empty fields it signs too)."""
    sid = sid or "SM" + uuid.uuid4().hex
    return {
        "AccountSid": ACCOUNT, "ApiVersion": "2010-04-01", "Body": body, "From": number,
        "To": "+15005550006", "MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid,
        "NumMedia": "0", "NumSegments": "1", "SmsStatus": "received",
        "FromCity": "", "FromState": "", "FromZip": "", "FromCountry": "US", "ToCity": "", "ToZip": "", **extra,
    }


class FakeTwilio:
    """POST /2010-04-01/Accounts/<sid>/Messages.json, recorded. `fail[number] = n` answers the
    next n messages to that number with a 503, to exercise the sender's retries; a number in
    `refuse` gets a 400 with Twilio's code 21610 (the number has opted out at Twilio)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.fail: dict[str, int] = {}
        self.refuse: set[str] = set()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                with fake._lock:
                    failing = fake.fail.get(form.get("To", ""), 0) > 0
                    if failing:
                        fake.fail[form["To"]] -= 1
                    refused = form.get("To") in fake.refuse
                    status = 503 if failing else 400 if refused else 201
                    fake.received.append({
                        "path": self.path, "auth": self.headers.get("Authorization", ""), "status": status,
                        "to": form.get("To"), "from": form.get("From"), "body": form.get("Body", ""),
                    })
                reply = {"sid": "SM" + uuid.uuid4().hex, "status": "queued"}
                if status != 201:
                    reply = {"code": 20500 if failing else 21610, "message": f"cannot send to {form.get('To')}"}
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeTwilio:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def attempts(self, number: str) -> list[dict]:
        with self._lock:
            return [r for r in self.received if r["to"] == number]

    def sent(self, number: str) -> list[str]:
        """The bodies Twilio accepted for a number, in order."""
        return [r["body"] for r in self.attempts(number) if r["status"] == 201]

    def wait_for(self, number: str, count: int, containing: str = "", timeout: float = 60) -> list[str]:
        """The SMS sent to a number once there are `count` of them (and one holds `containing`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sent = self.sent(number)
            if len(sent) >= count and any(containing in body for body in sent):
                return sent
            time.sleep(0.05)
        raise AssertionError(f"expected {count} SMS to {number} (with {containing!r}), got {self.sent(number)}")
