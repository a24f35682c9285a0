"""`make run-prod` (scripts/run_prod.sh): two Rasa servers and an action server on loopback,
sharing PostgreSQL and Redis; a clear error at start, before Rasa, when a service is down."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests
from prod_stack import PostgresDatabase, base_env, write_endpoints
from reply_helpers import triage
from servers import MODEL, RASA, ROOT, free_port

SCRIPT = ROOT / "scripts" / "run_prod.sh"


def run_script(env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def prod_env(tmp: Path, **extra) -> dict:
    return base_env(tmp, "", {"RUN_DIR": str(tmp / "run"), "RASA_PORTS": f"{free_port()} {free_port()}",
                              "ACTION_PORT": str(free_port()), "ACTION_ENDPOINT_URL": "", **extra})


@pytest.mark.parametrize(
    "service,variable,message",
    [("PostgreSQL", "DB_PORT", "cannot reach PostgreSQL at 127.0.0.1:{port}"),
     ("Redis", "REDIS_PORT", "cannot reach Redis at 127.0.0.1:{port}")],
)
def test_a_service_down_at_start_is_a_clear_error_before_rasa_starts(tmp_path, service, variable, message):
    port = free_port()
    env = prod_env(tmp_path, DB_NAME="test", **{variable: str(port)})
    start = time.monotonic()
    done = run_script(env)
    assert done.returncode == 2 and message.format(port=port) in done.stderr, done.stderr
    assert "starting" not in done.stdout and time.monotonic() - start < 30


def test_the_api_is_not_enabled_without_a_token(tmp_path):
    done = run_script(prod_env(tmp_path, DB_NAME="test", ENABLE_API="1", RASA_API_TOKEN="short"))
    assert done.returncode == 2 and "RASA_API_TOKEN" in done.stderr


@pytest.mark.parametrize(
    "layout,message",
    [({"TRACKER_STORE": "postgres"}, "cannot reach the tracker store"),
     ({"LOCK_STORE": "redis"}, "cannot reach the Redis lock store")],
)
def test_rasa_itself_stops_with_a_clear_error_when_a_service_is_down(tmp_path, layout, message):
    """Without the script's check (rasa run by hand), Rasa's own PostgreSQL store would retry
    for ever and its Redis store would fail on the first message; ours stop at once."""
    port = str(free_port())
    env = base_env(tmp_path, "http://127.0.0.1:9/webhook", {**layout, "DB_PORT": port, "REDIS_PORT": port})
    assert write_endpoints(env, tmp_path / "endpoints.yml", check=False).returncode == 0
    done = subprocess.run([RASA, "run", "--model", str(MODEL), "-i", "127.0.0.1", "--port", str(free_port()),
                           "--credentials", str(ROOT / "credentials.yml"), "--endpoints", str(tmp_path / "endpoints.yml")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode != 0 and message in done.stdout + done.stderr


def test_run_prod_serves_one_conversation_on_both_servers_then_stops(tmp_path):
    database = f"triage_runprod_{uuid.uuid4().hex[:8]}"
    origin = "https://clinic.example.org"
    env = prod_env(tmp_path, DB_NAME=database, REDIS_KEY_PREFIX=f"t{uuid.uuid4().hex[:8]}", CORS_ORIGINS=origin)
    ports = [int(p) for p in env["RASA_PORTS"].split()]
    log = open(tmp_path / "run_prod.log", "w")
    script = subprocess.Popen(["bash", str(SCRIPT)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while "==> ready" not in (tmp_path / "run_prod.log").read_text():
            assert script.poll() is None, (tmp_path / "run_prod.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "run_prod.sh did not get ready"
            time.sleep(1)
        output = (tmp_path / "run_prod.log").read_text()
        assert f"created the PostgreSQL database {database}" in output
        url = [f"http://127.0.0.1:{port}/webhooks/rest/webhook" for port in ports]
        sender = f"runprod-{uuid.uuid4().hex[:8]}"
        first = requests.post(url[0], json={"sender": sender, "message": "I have a headache"}, timeout=60).json()
        assert first[-1]["buttons"]
        second = requests.post(url[1], json={"sender": sender, "message": "yes"}, timeout=60).json()
        assert triage(second)["level"] == "emergency", "the second server continues the first one's triage"
        # CORS for the configured origin only; the HTTP API is off
        allowed = requests.options(url[0], headers={"Origin": origin, "Access-Control-Request-Method": "POST"}, timeout=10)
        other = requests.options(url[0], headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, timeout=10)
        assert allowed.headers.get("Access-Control-Allow-Origin") == origin
        assert "Access-Control-Allow-Origin" not in other.headers
        assert requests.get(f"http://127.0.0.1:{ports[0]}/conversations/{sender}/tracker", timeout=10).status_code == 404
        script.terminate()  # as Ctrl-C or a service manager: the script stops its servers
        script.wait(timeout=60)
        for port in ports:
            with pytest.raises(requests.ConnectionError):
                requests.get(f"http://127.0.0.1:{port}/", timeout=2)
    finally:
        try:
            os.killpg(script.pid, signal.SIGKILL)  # whatever is left if the test failed
        except ProcessLookupError:
            pass
        PostgresDatabase._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
