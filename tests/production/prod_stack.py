"""Helpers of the production tests: a TCP proxy we can stop and slow down (to make PostgreSQL,
Redis or the action server unreachable or slow without touching the machine's services), a
throw-away PostgreSQL database, and a stack of real processes (one action server, one or more
Rasa servers) started from the endpoints file `python -m bot.endpoints` writes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import requests
from servers import MODEL, RASA, ROOT, free_port

PY = sys.executable


class TcpProxy:
    """127.0.0.1:port -> target. stop() closes the port and cuts every connection (the service
    looks down); start() opens the same port again; `delay` holds each answer back (slow)."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.delay = 0.0
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    async def _pipe(self, reader, writer, slow: bool) -> None:
        try:
            while data := await reader.read(65536):
                if slow and self.delay:
                    await asyncio.sleep(self.delay)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer) -> None:
        try:
            target_reader, target_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        self._writers |= {client_writer, target_writer}
        await asyncio.gather(
            self._pipe(client_reader, target_writer, slow=False),
            self._pipe(target_reader, client_writer, slow=True),
        )
        self._writers -= {client_writer, target_writer}

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    def start(self) -> TcpProxy:
        self._call(self._start())
        return self

    def stop(self) -> None:
        self._call(self._stop())

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)


class PostgresDatabase:
    """A database of its own on the machine's PostgreSQL (trust auth, user postgres)."""

    def __init__(self, prefix: str = "triage_test") -> None:
        self.name = f"{prefix}_{uuid.uuid4().hex[:8]}"
        self._admin(f'CREATE DATABASE "{self.name}"')

    @staticmethod
    def _admin(sql: str) -> None:
        connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql)
        connection.close()

    def query(self, sql: str, *args) -> list[tuple]:
        connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname=self.name)
        with connection, connection.cursor() as cursor:
            cursor.execute(sql, args)
            rows = cursor.fetchall() if cursor.description else []
        connection.close()
        return rows

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def base_env(workdir: Path, action_url: str, extra: dict | None = None) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONWARNINGS": "ignore",
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "SQLITE_DB": str(workdir / "tracker.db"),
        "ACTION_ENDPOINT_URL": action_url,
        "CLINIC_NAME": "Test Clinic",
        "CLINIC_PHONE": "555-0100",
    }
    env.update(extra or {})
    return env


def write_endpoints(env: dict, out: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run the real generator, as scripts/run.sh and scripts/run_prod.sh do."""
    args = [PY, "-m", "bot.endpoints", "--out", str(out)] + (["--check"] if check else [])
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@dataclass
class Stack:
    """One action server and N Rasa servers, each a real process on a loopback port."""

    env: dict
    workdir: Path
    endpoints: Path
    action_port: int
    rasa_ports: list[int]
    processes: dict = field(default_factory=dict)

    @classmethod
    def create(cls, replicas: int = 1, extra_env: dict | None = None, action_via: TcpProxy | None = None,
               endpoints: Path | None = None) -> Stack:
        workdir = Path(tempfile.mkdtemp(prefix="triage-prod-"))
        action_port = free_port()
        action_url = f"http://127.0.0.1:{(action_via.port if action_via else action_port)}/webhook"
        env = base_env(workdir, action_url, extra_env)
        if endpoints is None:
            endpoints = workdir / "endpoints.yml"
            done = write_endpoints(env, endpoints)
            if done.returncode:
                raise RuntimeError(f"bot.endpoints failed: {done.stderr}")
        return cls(env, workdir, endpoints, action_port, [free_port() for _ in range(replicas)])

    @property
    def log_path(self) -> Path:
        return self.workdir / "servers.log"

    def url(self, replica: int = 0) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[replica]}"

    def _spawn(self, key, args: list[str]) -> None:
        log = open(self.log_path, "ab")
        self.processes[key] = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start_action_server(self) -> None:
        self._spawn("action", [RASA, "run", "actions", "--actions", "actions", "--port", str(self.action_port)])

    def start_rasa(self, replica: int = 0) -> None:
        self._spawn(replica, [RASA, "run", "--model", str(MODEL), "-i", "127.0.0.1", "--port", str(self.rasa_ports[replica]),
                              "--credentials", str(ROOT / "credentials.yml"), "--endpoints", str(self.endpoints)])

    def _ready(self, key) -> bool:
        try:
            if key == "action":
                return requests.get(f"http://127.0.0.1:{self.action_port}/health", timeout=1).ok
            return requests.get(f"{self.url(key)}/", timeout=1).ok
        except requests.RequestException:
            return False

    def wait_ready(self, keys, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        pending = set(keys)
        while pending and time.monotonic() < deadline:
            for key in list(pending):
                if self.processes[key].poll() is not None:
                    raise RuntimeError(f"{key} exited while starting; see {self.log_path}")
                if self._ready(key):
                    pending.discard(key)
            time.sleep(0.3)
        if pending:
            raise RuntimeError(f"{pending} did not start in {timeout} s; see {self.log_path}")

    def start(self) -> Stack:
        self.start_action_server()
        for replica in range(len(self.rasa_ports)):
            self.start_rasa(replica)
        try:
            self.wait_ready(["action", *range(len(self.rasa_ports))])
        except RuntimeError:
            self.stop()
            raise
        return self

    def kill(self, key, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(key)
        process.send_signal(sig)
        process.wait(timeout=30)

    def send(self, sender: str, message: str, replica: int = 0, timeout: float = 60) -> list[dict]:
        r = requests.post(f"{self.url(replica)}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=timeout)
        assert r.status_code == 200, f"HTTP {r.status_code}: {r.text[:300]}"
        return r.json()

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


def safe_message(reply: list[dict]) -> bool:
    """The channel's fixed answer when the bot fails: the emergency number and the clinic."""
    return any("cannot answer right now" in m.get("text", "") and "911" in m["text"] and "555-0100" in m["text"] for m in reply)
