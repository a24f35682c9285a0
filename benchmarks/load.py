"""Load benchmark: our assistant against the stock `rasa init` assistant, in the same run.

Both run on loopback, one after the other under the same load: N simulated patients at once
(default 8), each going through short scripted conversations over REST (asyncio + aiohttp),
for a bounded time and number of turns. Printed for each: per-turn latency p50/p95/p99, turns
per second, errors, peak memory (RSS) of each process, cold start (process start to first
answer), one long conversation's turn 200 against its turn 5 (and its latency: one patient
alone, no queue); then the ratios and our targets. The patients send their next message as
soon as the answer comes (no reading time): the server is saturated, and latency under load
is mostly queueing behind the other patients.

Ours: the action server and the Rasa server with the default layout (SQLite tracker store,
in-memory locks, bot.channels.safe_rest). Stock: `rasa init --no-prompt` made and trained
once in .cache/stock_assistant/ (gitignored; in-memory tracker store, no action server).

  python benchmarks/load.py                       # about 5 minutes, plus the stock training once
  python benchmarks/load.py --patients 8 --duration 60 --long-turns 200 --train --profile
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from servers import MODEL, RASA, free_port  # noqa: E402

STOCK_DIR = ROOT / ".cache" / "stock_assistant"
SAFE_MESSAGE = "cannot answer right now"
SCRIPTS = [
    ["hello", "I have a headache", "no", "3 weeks ago", "what is lemtrada used for?", "thanks"],
    ["my gums are bleeding", "how is alemtuzumab given?", "can I talk to a real person?", "thanks, bye"],
    ["I have a fever", "yesterday", "and now a rash", "will my doctor monitor me?", "goodbye"],
    ["my face is drooping on one side", "thank you"],
    ["hi", "my wife can't lift her right arm", "ok"],
    ["i feel tired and dizzy", "during the drip", "do I have to carry the safety card?", "bye"],
]
LONG_CYCLE = ["I have a headache", "no", "3 weeks ago", "what is lemtrada used for?", "thanks"]
TARGETS = {"throughput_ratio": 3.0, "p95_ms": 250.0, "long_ratio": 1.5, "cold_start_s": 30.0, "training_s": 180.0}


@dataclass
class Figures:
    name: str
    latencies: list = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    cold_start: float = 0.0
    turn5: float = 0.0
    turn200: float = 0.0
    alone: list = field(default_factory=list)  # the long conversation's turns: one patient, no queue
    rss: dict = field(default_factory=dict)

    @property
    def turns(self) -> int:
        return len(self.latencies)

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")

    @property
    def rate(self) -> float:
        return self.turns / self.seconds if self.seconds else 0.0


class Assistant:
    def __init__(self, name: str, commands: list[tuple[str, list[str], Path]], env: dict, port: int) -> None:
        self.name, self.commands, self.env, self.port = name, commands, env, port
        self.processes: dict[str, subprocess.Popen] = {}
        self.log = Path(tempfile.mkdtemp(prefix=f"load-{name}-")) / "servers.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"

    def start(self) -> float:
        """Seconds from process start to the first real answer."""
        start = time.monotonic()
        with open(self.log, "ab") as log:
            for label, args, cwd in self.commands:
                self.processes[label] = subprocess.Popen(args, cwd=cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        import requests

        while time.monotonic() - start < 300:
            if any(p.poll() is not None for p in self.processes.values()):
                raise RuntimeError(f"{self.name}: a process exited while starting; see {self.log}")
            try:
                r = requests.post(self.url, json={"sender": f"cold-{uuid.uuid4().hex}", "message": "hello"}, timeout=30)
                if r.ok and r.json() and not any(SAFE_MESSAGE in m.get("text", "") for m in r.json()):
                    return time.monotonic() - start
            except requests.RequestException:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"{self.name} did not answer within 300 s; see {self.log}")

    def peak_rss(self) -> dict[str, float]:
        found = {}
        for label, process in self.processes.items():
            try:
                for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        found[label] = int(line.split()[1]) / 1024
            except OSError:
                pass
        return found

    def stop(self) -> None:
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def ours(workdir: Path, workers: int = 1, endpoints: Path | None = None) -> Assistant:
    """With more than one worker and no endpoints file given, the layout the environment
    chooses (bot.endpoints): the workers share a SQLite lock store in the work folder."""
    rasa_port, action_port = free_port(), free_port()
    env = {**os.environ, "SANIC_WORKERS": str(workers), "SQLITE_LOCK_DB": str(workdir / "locks.db"), "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore", "RASA_TELEMETRY_ENABLED": "false",
           "SQLITE_DB": str(workdir / "tracker.db"), "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
           "CLINIC_NAME": "Load Clinic", "CLINIC_PHONE": "555-0100"}
    if endpoints is None and workers > 1:
        from bot.endpoints import render
        from bot.layout import Layout

        endpoints = workdir / "endpoints.yml"
        endpoints.write_text(render(Layout.from_env(env)))
    return Assistant("ours", [
        ("action server", [RASA, "run", "actions", "--actions", "actions", "--port", str(action_port), "--quiet"], ROOT),
        ("rasa server", [RASA, "run", "--model", str(MODEL), "-i", "127.0.0.1", "--port", str(rasa_port), "--quiet",
                         "--credentials", str(ROOT / "credentials.yml"), "--endpoints", str(endpoints or ROOT / "endpoints.yml")], ROOT),
    ], env, rasa_port)


def stock_model() -> tuple[Path, float | None]:
    """The trained stock assistant, made once (rasa init trains it); the training seconds if made now."""
    models = sorted((STOCK_DIR / "models").glob("*.tar.gz")) if STOCK_DIR.exists() else []
    if models:
        return models[-1], None
    shutil.rmtree(STOCK_DIR, ignore_errors=True)
    STOCK_DIR.mkdir(parents=True)
    print(f"==> making the stock assistant in {STOCK_DIR} (rasa init --no-prompt, trains it: minutes)")
    start = time.monotonic()
    subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(STOCK_DIR)], cwd=STOCK_DIR.parent, check=True,
                   env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false"}, stdout=subprocess.DEVNULL)
    return sorted((STOCK_DIR / "models").glob("*.tar.gz"))[-1], time.monotonic() - start


def stock(model: Path) -> Assistant:
    port = free_port()
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore", "RASA_TELEMETRY_ENABLED": "false"}
    return Assistant("stock", [
        ("rasa server", [RASA, "run", "--model", str(model), "-i", "127.0.0.1", "--port", str(port), "--quiet",
                         "--credentials", str(STOCK_DIR / "credentials.yml")], STOCK_DIR),
    ], env, port)


async def _turn(session: aiohttp.ClientSession, url: str, sender: str, text: str, figures: Figures | None) -> float:
    start = time.monotonic()
    ok = False
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None)
            ok = response.status == 200 and bool(body) and not any(SAFE_MESSAGE in str(m.get("text", "")) for m in body)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        ok = False
    took = time.monotonic() - start
    if figures is not None:
        figures.latencies.append(took)
        figures.errors += 0 if ok else 1
    return took


async def load(url: str, figures: Figures, patients: int, duration: float, max_turns: int, seed: int) -> None:
    deadline = time.monotonic() + duration

    async def patient(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            while time.monotonic() < deadline and figures.turns < max_turns:
                sender = f"load-{uuid.uuid4().hex[:12]}"
                for text in rng.choice(SCRIPTS):
                    if time.monotonic() >= deadline or figures.turns >= max_turns:
                        return
                    await _turn(session, url, sender, text, figures)

    start = time.monotonic()
    await asyncio.gather(*(patient(i) for i in range(patients)))
    figures.seconds = time.monotonic() - start


async def long_conversation(url: str, turns: int) -> list[float]:
    sender = f"long-{uuid.uuid4().hex[:12]}"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        return [await _turn(session, url, sender, LONG_CYCLE[i % len(LONG_CYCLE)], None) for i in range(turns)]


def around(latencies: list[float], turn: int, width: int = 5) -> float:
    """Median latency of the `width` turns ending at `turn` (1-based): one turn is noise."""
    window = latencies[max(0, turn - width) : turn]
    return 1000 * statistics.median(window)


def training_seconds() -> float:
    out = Path(tempfile.mkdtemp(prefix="load-train-"))
    start = time.monotonic()
    # --force: Rasa would otherwise reuse its cache (.rasa/) and take seconds
    subprocess.run([RASA, "train", "--data", "data/nlu", "data/rules", "data/stories", "--out", str(out),
                    "--fixed-model-name", "bench", "--quiet", "--force"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3",
                                                   "PYTHONWARNINGS": "ignore"})
    took = time.monotonic() - start
    shutil.rmtree(out, ignore_errors=True)
    return took


def profile(pid: int, seconds: float) -> subprocess.Popen | None:
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        print("    (py-spy is not installed: no profile)")
        return None
    out = Path(tempfile.mkdtemp(prefix="load-profile-")) / "rasa.txt"
    return subprocess.Popen([str(spy), "record", "-p", str(pid), "-d", str(int(seconds)), "-f", "raw", "-o", str(out),
                             "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def print_profile(spy: subprocess.Popen) -> None:
    spy.wait()
    out = Path(spy.args[spy.args.index("-o") + 1])
    inclusive: dict[str, int] = {}
    total = 0
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [f for f in stack.split(";") if "threading.py" not in f and "thread.py" not in f]
        if not frames:
            continue  # an idle pool thread
        total += int(count)
        for frame in {f.split(":")[0] for f in frames}:
            inclusive[frame] = inclusive.get(frame, 0) + int(count)
    print(f"\nwhere our Rasa server's time goes (py-spy, {total} samples of the serving thread):")
    interesting = ("safe_rest", "parse_message", "extractor.py", "diet_classifier", "_validate_action_result",
                   "_run_action", "fetch_tracker", "save (rasa/core/tracker_store", "predict_next", "_predict_next",
                   "rasa_component", "time_expressions", "RulePolicy", "rule_policy", "memoization")
    for frame, count in sorted(inclusive.items(), key=lambda kv: -kv[1]):
        if any(word in frame for word in interesting):
            print(f"  {100 * count / total:5.1f}%  {frame}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=8, help="simulated patients at once (default 8)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load per assistant (default 60)")
    parser.add_argument("--max-turns", type=int, default=5000, help="at most this many turns per assistant")
    parser.add_argument("--long-turns", type=int, default=200, help="turns of the long conversation (default 200)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--train", action="store_true", help="also time the training of our model (about a minute)")
    parser.add_argument("--profile", action="store_true", help="py-spy our Rasa server during its load")
    parser.add_argument("--skip-stock", action="store_true", help="ours only")
    parser.add_argument("--workers", type=int, default=1, help="Sanic workers of our Rasa server (more than 1 needs a shared lock store)")
    parser.add_argument("--endpoints", type=Path, help="our endpoints file (default: the embedded layout; with --workers 2, its SQLite lock store)")
    args = parser.parse_args(argv)

    print(f"==> load benchmark: {args.patients} patients at once, {args.duration:g} s per assistant, "
          f"a {args.long_turns}-turn conversation; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    results: list[Figures] = []
    stock_training = None
    assistants = [ours(Path(tempfile.mkdtemp(prefix="load-ours-")), args.workers, args.endpoints)]
    if not args.skip_stock:
        model, stock_training = stock_model()
        assistants.append(stock(model))
    for assistant in assistants:
        figures = Figures(assistant.name)
        try:
            print(f"==> {assistant.name}: starting")
            figures.cold_start = assistant.start()
            asyncio.run(load(assistant.url, Figures("warm-up"), args.patients, 5, 200, args.seed + 1))
            spy = profile(assistant.processes["rasa server"].pid, args.duration) if args.profile and assistant.name == "ours" else None
            print(f"==> {assistant.name}: {args.patients} patients for {args.duration:g} s")
            asyncio.run(load(assistant.url, figures, args.patients, args.duration, args.max_turns, args.seed))
            if spy:
                print_profile(spy)
            print(f"==> {assistant.name}: one conversation of {args.long_turns} turns")
            long = asyncio.run(long_conversation(assistant.url, args.long_turns))
            figures.turn5, figures.turn200 = around(long, 5), around(long, len(long))
            figures.alone = sorted(long)
            figures.rss = assistant.peak_rss()
        finally:
            assistant.stop()
        results.append(figures)

    print(f"\n{'':34}" + "".join(f"{f.name:>10}" for f in results))
    rows = [("turns", lambda f: f"{f.turns}"), ("errors", lambda f: f"{f.errors}"),
            ("turns per second", lambda f: f"{f.rate:.1f}"), ("p50 ms", lambda f: f"{f.pct(50):.0f}"),
            ("p95 ms", lambda f: f"{f.pct(95):.0f}"), ("p99 ms", lambda f: f"{f.pct(99):.0f}"),
            ("turn 5 ms (median 1-5)", lambda f: f"{f.turn5:.0f}"),
            (f"turn {args.long_turns} ms (median of last 5)", lambda f: f"{f.turn200:.0f}"),
            ("one patient p50 ms", lambda f: f"{1000 * f.alone[len(f.alone) // 2]:.0f}"),
            ("one patient p95 ms", lambda f: f"{1000 * f.alone[int(0.95 * len(f.alone))]:.0f}"),
            ("cold start s", lambda f: f"{f.cold_start:.1f}")]
    for label, value in rows:
        print(f"{label:34}" + "".join(f"{value(f):>10}" for f in results))
    for f in results:
        for process, mb in f.rss.items():
            print(f"peak RSS {f.name} {process}: {mb:.0f} MB")

    mine = results[0]
    checks = [("p95 <= 250 ms", mine.pct(95) <= TARGETS["p95_ms"], f"{mine.pct(95):.0f} ms"),
              (f"turn {args.long_turns} within 1.5x of turn 5", mine.turn200 <= TARGETS["long_ratio"] * mine.turn5,
               f"{mine.turn200 / mine.turn5:.2f}x"),
              ("cold start <= 30 s", mine.cold_start <= TARGETS["cold_start_s"], f"{mine.cold_start:.1f} s"),
              ("no errors", mine.errors == 0, f"{mine.errors}")]
    if len(results) > 1:
        theirs = results[1]
        ratio = mine.rate / theirs.rate if theirs.rate else float("inf")
        checks.insert(0, (f"throughput >= 3x stock at {args.patients} patients", ratio >= TARGETS["throughput_ratio"], f"{ratio:.2f}x"))
        print(f"\nratios ours/stock: throughput {ratio:.2f}x, p50 {mine.pct(50) / theirs.pct(50):.2f}x, "
              f"p95 {mine.pct(95) / theirs.pct(95):.2f}x, cold start {mine.cold_start / theirs.cold_start:.2f}x, "
              f"RSS (Rasa server) {mine.rss.get('rasa server', 0) / max(theirs.rss.get('rasa server', 1), 1):.2f}x")
    if stock_training is not None:
        print(f"stock assistant made and trained in {stock_training:.0f} s")
    if args.train:
        seconds = training_seconds()
        checks.append(("training <= 3 min", seconds <= TARGETS["training_s"], f"{seconds:.0f} s"))
    print("\ntargets (ours):")
    for label, met, value in checks:
        print(f"  [{'met' if met else 'MISSED'}] {label}: {value}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
