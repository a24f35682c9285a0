"""Reading REST answers in tests: the texts, the triage payload. (`from conftest import ...`
is ambiguous once another test folder has a conftest.py of its own.)"""


def texts(messages):
    return [m["text"] for m in messages if "text" in m]


def triage(messages):
    payloads = [m["custom"]["triage"] for m in messages if "triage" in (m.get("custom") or {})]
    return payloads[-1] if payloads else None
