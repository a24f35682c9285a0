"""Start the real action server and Rasa server on free loopback ports, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "triage.tar.gz"
RASA = str(Path(sys.executable).with_name("rasa"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Servers:
    rasa_port: int
    action_port: int
    workdir: Path
    env: dict
    processes: list = field(default_factory=list)
    extra_args: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def send(self, sender: str, message: str, timeout: float = 30) -> list[dict]:
        r = requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=timeout)
        r.raise_for_status()
        return r.json()

    def start(self, timeout: float = 180) -> Servers:
        log = open(self.workdir / "servers.log", "ab")
        self.processes.append(
            subprocess.Popen(
                [RASA, "run", "actions", "--actions", "actions", "--port", str(self.action_port)],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        )
        self.processes.append(
            subprocess.Popen(
                [RASA, "run", "--model", str(MODEL), "--port", str(self.rasa_port), "--credentials",
                 str(ROOT / "credentials.yml"), "--endpoints", str(ROOT / "endpoints.yml"), *self.extra_args],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.processes):
                self.stop()
                raise RuntimeError(f"a server exited while starting; see {self.workdir / 'servers.log'}")
            try:
                if (
                    requests.get(f"{self.url}/", timeout=1).ok
                    and requests.get(f"http://127.0.0.1:{self.action_port}/health", timeout=1).ok
                ):
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"servers did not start in {timeout} s; see {self.workdir / 'servers.log'}")

    def stop(self) -> None:
        for p in self.processes:
            if p.poll() is None:
                p.terminate()
        for p in self.processes:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        self.processes.clear()


def make_servers(extra_env: dict | None = None) -> Servers:
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` (make test does it)")
    workdir = Path(tempfile.mkdtemp(prefix="triage-e2e-"))
    rasa_port, action_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONWARNINGS": "ignore",
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLITE_DB": str(workdir / "tracker.db"),
        "NURSE_DB_URL": f"sqlite:///{workdir / 'nurse.db'}",
        "SMS_OPTOUT_DB": str(workdir / "sms_optout.db"),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        **(extra_env or {}),
    }
    return Servers(rasa_port, action_port, workdir, env)
