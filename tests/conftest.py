import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import make_servers  # noqa: E402


@pytest.fixture(scope="session")
def servers():
    """The real action server and Rasa server on loopback, shared by the end-to-end tests."""
    running = make_servers({"CLINIC_NAME": "Test Clinic", "CLINIC_PHONE": "555-0100"}).start()
    yield running
    running.stop()


def texts(messages):
    return [m["text"] for m in messages if "text" in m]


def triage(messages):
    payloads = [m["custom"]["triage"] for m in messages if "triage" in (m.get("custom") or {})]
    return payloads[-1] if payloads else None
