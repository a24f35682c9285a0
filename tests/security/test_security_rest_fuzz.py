"""2,000 odd messages over REST against the real servers (benchmarks/rest_fuzz.py, seeded):
every well-formed message answered with text and never the bot-failure fallback, every
malformed body a 400, no 5xx, and the server still triages a red flag afterwards.
The 10,000-message run: make fuzz."""

import asyncio
import importlib.util
import sys
from pathlib import Path

import pytest
from servers import make_servers

_path = Path(__file__).resolve().parents[2] / "benchmarks" / "rest_fuzz.py"
_spec = importlib.util.spec_from_file_location("rest_fuzz", _path)
rest_fuzz = importlib.util.module_from_spec(_spec)
sys.modules["rest_fuzz"] = rest_fuzz
_spec.loader.exec_module(rest_fuzz)


@pytest.fixture(scope="module")
def servers():
    running = make_servers({"CLINIC_NAME": "Fuzz Clinic", "CLINIC_PHONE": "555-0100"}).start()
    yield running
    running.stop()


def test_two_thousand_odd_messages_all_get_an_answer(servers):
    cases = rest_fuzz.Generator(seed=2000, heavy_share=0.02, senders=250).cases(2000)
    assert len({c.kind for c in cases}) >= 9, "every kind of odd message is in the run"
    result = asyncio.run(rest_fuzz.drive(servers.url, cases, concurrency=8))
    print("\n" + rest_fuzz.report(result))
    assert result.sent == 2000
    assert not result.problems, rest_fuzz.report(result)
    assert result.statuses[400] == sum(1 for c in cases if not c.well_formed)
