"""REST fuzzing: thousands of odd messages against the real servers, checking that every one
gets an answer and the server stays up.

Messages (seeded, the same every run): patient-like sentences built from the lexicon, random
Unicode (control characters, lone surrogates, emoji, right-to-left marks), "/intent{...}"
shortcuts, answers to the bot's questions, empty and whitespace-only, at and over the length
limit, 100 kB, and malformed bodies (not JSON, not UTF-8, wrong types). Conversations are
spread over 60 senders by default (plus odd sender ids), each sender's messages in order, several
senders at once.

Checked: a well-formed body gets HTTP 200 and at least one text, never the safe "cannot answer
right now" message (that would be a crash inside the bot); a malformed one gets a 400 with a
reason; no 5xx, no dropped connection; afterwards the server still answers a red flag.

  python benchmarks/rest_fuzz.py --start                 # 10,000 messages, own servers
  python benchmarks/rest_fuzz.py --url http://127.0.0.1:5005 --count 2000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

SAFE_MESSAGE = "cannot answer right now"
WORDS = ["no", "not", "never", "maybe", "not sure if", "my", "her", "his", "my wife", "since", "yesterday", "today",
         "3 weeks ago", "during the drip", "day 2 of my course", "on Monday", "last spring", "suddenly", "worst ever",
         "but", "and", "I had", "what if", "could", "lemtrada", "infusion", "?", "!", ".", ",", "🙂", "’", "\n", "lol",
         "pls", "u", "idk", "ok", "thx", "help", "stop", "restart", "person"]
ANSWERS = ["yes", "no", "1", "2", "Yes, suddenly", "during the drip", "today", "yesterday", "3 days ago", "a week ago",
           "not sure", "maybe", "idk", "it came on like a thunderclap", "actually no fever", "and now my speech is slurred"]
RANGES = [(0x0, 0x1F), (0x20, 0x7E), (0x7F, 0x9F), (0xA0, 0x24F), (0x300, 0x36F), (0x590, 0x6FF), (0x200B, 0x200F),
          (0x202A, 0x202E), (0x2028, 0x2029), (0x4E00, 0x4E80), (0xD800, 0xDFFF), (0xFE00, 0xFE0F), (0xFF01, 0xFF5E),
          (0x1F300, 0x1F6FF), (0x1F900, 0x1F9FF), (0xE0000, 0xE007F)]


@dataclass(frozen=True)
class Case:
    sender: str
    body: bytes
    kind: str  # what was sent
    well_formed: bool


@dataclass
class Result:
    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    problems: list = field(default_factory=list)
    seconds: float = 0.0


def _lexicon_phrases() -> list[str]:
    from bot.triage.knowledge import default_knowledge

    return sorted({p for s in default_knowledge().symptoms.values() for p in s.phrases})


def _intents() -> list[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    return list(domain.get("intents", [])) + ["session_start", "nlu_fallback", "back", "out_of_scope"]


class Generator:
    def __init__(self, seed: int, heavy_share: float = 0.06, senders: int = 60) -> None:
        """heavy_share: the part of messages of 1,990 to 2,600 characters (the costliest to
        read); senders: how many conversations the messages are spread over."""
        self.rng = random.Random(seed)
        self.heavy_share = heavy_share
        self.phrases = _lexicon_phrases()
        self.intents = _intents()
        self.senders = [f"fuzz-{seed}-{i}" for i in range(senders)]

    def _unicode(self, size: int) -> str:
        out = []
        for _ in range(size):
            low, high = self.rng.choice(RANGES)
            out.append(chr(self.rng.randint(low, high)))
        return "".join(out)

    def _patient(self, pieces: int) -> str:
        choice = self.rng.choice
        return " ".join(choice([choice(self.phrases), choice(WORDS), choice(WORDS)]) for _ in range(pieces))

    def _shortcut(self) -> str:
        text = "/" * self.rng.randint(1, 2) + self.rng.choice(self.intents)
        if self.rng.random() < 0.3:
            text += f"@{self.rng.random():.2f}"
        if self.rng.random() < 0.5:
            entity = self.rng.choice(["symptom", "infusion_time", "answer_time", "care_team", "emergency_number"])
            text += json.dumps({entity: self.rng.choice(["face_drooping", "fever", "0", "x" * 40, None, 3])})
        return text

    def _sender(self) -> str:
        if self.rng.random() < 0.03:
            return self.rng.choice(["+16175550199", "émoji🙂", "a" * 255, " spaced ", "x\u202e", "0"])
        return self.rng.choice(self.senders)

    def _bad(self, sender: str) -> bytes:
        good = json.dumps({"sender": sender, "message": "I have a fever"})
        return self.rng.choice([
            good[: self.rng.randint(0, len(good) - 1)].encode(),
            b"\xff\xfe" + good.encode()[2:],
            json.dumps({"sender": sender, "message": self._patient(2)}).encode().replace(b"a", b"\xe9", 1),
            b"[]", b"null", b"42", b'"just text"', json.dumps({"message": "hi"}).encode(),
            json.dumps({"sender": sender}).encode(), json.dumps({"sender": sender, "message": 7}).encode(),
            json.dumps({"sender": sender, "message": ["a"]}).encode(), json.dumps({"sender": 12, "message": "hi"}).encode(),
            json.dumps({"sender": "", "message": "hi"}).encode(), json.dumps({"sender": "s" * 300, "message": "hi"}).encode(),
        ])

    def case(self) -> Case:
        sender = self._sender()
        roll = self.rng.random()
        if roll < 0.06:
            return Case(sender, self._bad(sender), "malformed body", False)
        if roll < 0.40:
            kind, message = "patient-like", self._patient(self.rng.randint(1, 12))
        elif roll < 0.55:
            kind, message = "answer", self.rng.choice(ANSWERS)
        elif roll < 0.72:
            kind, message = "random unicode", self._unicode(self.rng.randint(0, 120))
        elif roll < 0.82:
            kind, message = "shortcut", self._shortcut()
        elif roll < 0.88:
            kind, message = "empty or blank", self.rng.choice(["", " ", "\n\t", "\x00", "\u200b", "   \x07  "])
        elif roll < 0.88 + self.heavy_share:
            kind, message = "near the limit", (self._patient(400) + " ")[: self.rng.choice([1990, 2000, 2001, 2600])]
        elif roll < 0.89 + self.heavy_share:
            kind, message = "100 kB", self._unicode(100_000) if self.rng.random() < 0.5 else "fever " * 17000
        else:
            kind, message = "emoji only", "".join(self.rng.choice("🙂🤒😷💉🩸🧠❤️👍🏽") for _ in range(self.rng.randint(1, 8)))
        # ensure_ascii: lone surrogates travel as \udXXX escapes, as a browser's JSON.stringify sends them
        return Case(sender, json.dumps({"sender": sender, "message": message}).encode(), kind, True)

    def cases(self, count: int) -> list[Case]:
        return [self.case() for _ in range(count)]


def _check(case: Case, status: int, body: bytes) -> str | None:
    if status >= 500:
        return f"HTTP {status}"
    try:
        data = json.loads(body)
    except ValueError:
        return f"HTTP {status} with a body that is not JSON"
    if not case.well_formed:
        return None if status == 400 and isinstance(data, dict) and data.get("error") else f"HTTP {status} for a malformed body"
    if status != 200:
        return f"HTTP {status} for a well-formed body: {data}"
    text = [m.get("text") for m in data if isinstance(m, dict) and m.get("text")]
    if not text:
        return "no text in the answer"
    if any(SAFE_MESSAGE in t for t in text):
        return "the bot failed (safe message)"
    return None


async def _worker(session: aiohttp.ClientSession, url: str, queue: list[Case], result: Result) -> None:
    for case in queue:
        try:
            async with session.post(url, data=case.body, headers={"Content-Type": "application/json"}) as response:
                body = await response.read()
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            status, body = 0, b""
            result.problems.append((case, f"no answer: {type(error).__name__}"))
        else:
            problem = _check(case, status, body)
            if problem:
                result.problems.append((case, problem))
        result.sent += 1
        result.statuses[status] += 1
        result.kinds[case.kind] += 1


async def drive(base_url: str, cases: list[Case], concurrency: int = 8, timeout: float = 60) -> Result:
    """Each sender's messages in order on one worker; `concurrency` workers at once."""
    queues: list[list[Case]] = [[] for _ in range(concurrency)]
    for case in cases:
        queues[zlib.crc32(case.sender.encode("utf-8", "surrogatepass")) % concurrency].append(case)
    result = Result()
    start = time.monotonic()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        url = f"{base_url}/webhooks/rest/webhook"
        await asyncio.gather(*(_worker(session, url, q, result) for q in queues))
        async with session.get(f"{base_url}/") as response:
            if response.status != 200:
                result.problems.append((None, f"the server is not up afterwards: HTTP {response.status}"))
        async with session.post(url, json={"sender": f"after-fuzz-{time.time()}", "message": "my face is drooping on one side"}) as response:
            after = await response.json()
            if not any(str(m.get("text", "")).startswith("Call 911 now") for m in after):
                result.problems.append((None, f"a red flag after the fuzz run did not get emergency advice: {after}"))
    result.seconds = time.monotonic() - start
    return result


def report(result: Result) -> str:
    lines = [f"sent {result.sent} messages in {result.seconds:.1f} s ({result.sent / max(result.seconds, 1e-9):.1f}/s)",
             "HTTP status: " + ", ".join(f"{k}: {v}" for k, v in sorted(result.statuses.items())),
             "kinds: " + ", ".join(f"{k}: {v}" for k, v in result.kinds.most_common()),
             f"problems: {len(result.problems)}"]
    for case, problem in result.problems[:20]:
        lines.append(f"  - {problem}: {case.kind if case else ''} {case.body[:120]!r}" if case else f"  - {problem}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=8)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="a running Rasa server, e.g. http://127.0.0.1:5005")
    target.add_argument("--start", action="store_true", help="start the action and Rasa servers on loopback")
    args = parser.parse_args(argv)
    cases = Generator(args.seed).cases(args.count)
    servers = None
    if args.start:
        from servers import make_servers

        servers = make_servers({"CLINIC_NAME": "Fuzz Clinic", "CLINIC_PHONE": "555-0100"}).start()
    try:
        result = asyncio.run(drive(servers.url if servers else args.url.rstrip("/"), cases, args.concurrency))
    finally:
        if servers:
            servers.stop()
    print(report(result))
    return 1 if result.problems else 0


if __name__ == "__main__":
    sys.exit(main())
