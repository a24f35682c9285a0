"""Latency of the nurse API: N varied assessment requests with the bearer token, one figure per
percentile.

  python benchmarks/nurse_latency.py                       # starts the servers on loopback (temp DB)
  python benchmarks/nurse_latency.py --url http://127.0.0.1:5005 --token "$NURSE_API_TOKEN"
  python benchmarks/nurse_latency.py -n 1000 --concurrency 4

Requests mix first and third person, negations, typos, times, corrections under a case_id and
long notes-like texts; each is checked (HTTP 200 and a level), anything else counts as an error.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

TEXTS = [
    "my face is drooping",
    "her face is drooping since lunch",
    "he says no fever but his gums bleed",
    "she has neck pain",
    "my husband is slurring his words and can't lift his right arm",
    "I have a headache, not sure if it came on suddenly",
    "pt c/o feaver and chills since yesterday's infusion",
    "she's been bruising easily and has tiny red spots on her legs",
    "no chest pain, no trouble breathing, just a mild rash and itching",
    "he is coughing up blood",
    "her pee is dark and foamy and her ankles are swollen",
    "my throat feels tight and my lips are swelling during the drip",
    "he stubbed his toe",
    "I've lost weight without trying and I'm sweating a lot",
    "Her eyes have gone yellow and she has pain on the right side of her belly",
    "day 2 of my course, feeling dizzy and sick",
    "she says she has thoughts of hurting herself",
    "a sore throat that won't go away and swollen glands in my neck for 3 weeks",
]
LONG = " ".join(TEXTS) * 3  # a long call, about 2,700 characters


def requests_to_send(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    bodies = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.1:
            body = {"text": LONG}
        elif roll < 0.25:  # a case: first the symptom, then a correction
            case = f"bench-{i // 2}-{seed}"
            body = {"text": rng.choice(TEXTS), "case_id": case} if i % 2 == 0 else {"text": "", "case_id": case, "days_since_infusion": rng.choice([0, 1, 4, 10, 60])}
        else:
            body = {"text": rng.choice(TEXTS)}
            if rng.random() < 0.5:
                body["days_since_infusion"] = rng.choice([0, 1, 2, 3, 5, 14, 90])
        bodies.append(body)
    return bodies


async def measure(url: str, token: str, bodies: list[dict], concurrency: int, progress: bool) -> tuple[list[tuple[int, float]], list[str]]:
    latencies: list[tuple[int, float]] = []  # (characters of text, seconds)
    errors: list[str] = []
    queue: asyncio.Queue = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    bar = tqdm(total=len(bodies), desc="assess", unit="req", disable=not progress, file=sys.stderr)
    headers = {"Authorization": f"Bearer {token}"}
    timeout = aiohttp.ClientTimeout(total=30)

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            body = queue.get_nowait()
            started = time.perf_counter()
            try:
                async with session.post(f"{url}/webhooks/nurse/assess", json=body, headers=headers) as reply:
                    data = await reply.json(content_type=None)
                    if reply.status != 200 or data.get("level") not in ("routine", "urgent", "emergency"):
                        errors.append(f"HTTP {reply.status}: {str(data)[:120]}")
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:  # noqa: UP041 - Python 3.10
                errors.append(type(exc).__name__)
            latencies.append((len(body["text"]), time.perf_counter() - started))
            bar.update()

    async with aiohttp.ClientSession(timeout=timeout) as session:
        # one warm-up request, not counted: the first extraction loads nothing twice after it
        async with session.post(f"{url}/webhooks/nurse/assess", json={"text": "warm up"}, headers=headers) as reply:
            if reply.status == 401:
                raise SystemExit("401: wrong or missing token (--token or NURSE_API_TOKEN)")
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    bar.close()
    return latencies, errors


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))  # nearest rank
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="the Rasa server (default: start one on loopback)")
    parser.add_argument("--token", default=os.environ.get("NURSE_API_TOKEN", ""), help="bearer token (NURSE_API_TOKEN)")
    parser.add_argument("-n", type=int, default=300, help="requests (default 300)")
    parser.add_argument("--concurrency", type=int, default=1, help="requests in flight at once (default 1)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args()

    servers = None
    try:
        if not args.url:
            from servers import make_servers

            args.token = args.token or secrets.token_urlsafe(24)
            db = Path(tempfile.mkdtemp(prefix="nurse-bench-")) / "nurse.db"
            print("starting the action server and the Rasa server on loopback ...", file=sys.stderr)
            servers = make_servers({"NURSE_API_TOKEN": args.token, "NURSE_DB_URL": f"sqlite:///{db}"}).start()
            args.url = servers.url
        bodies = requests_to_send(args.n, args.seed)
        started = time.perf_counter()
        latencies, errors = asyncio.run(measure(args.url.rstrip("/"), args.token, bodies, args.concurrency, not args.no_progress))
        elapsed = time.perf_counter() - started
    finally:
        if servers:
            servers.stop()

    print(f"nurse API latency: {len(latencies)} requests, concurrency {args.concurrency}, {elapsed:.1f} s, "
          f"{len(latencies) / elapsed:.1f} req/s")
    groups = [("all", latencies), ("text < 500 chars", [x for x in latencies if x[0] < 500]),
              ("text >= 500 chars", [x for x in latencies if x[0] >= 500])]
    for name, group in groups:
        ms = [seconds * 1000 for _, seconds in group]
        if ms:
            print(f"  {name:18} n={len(ms):4}  p50 {percentile(ms, 50):7.1f} ms  p95 {percentile(ms, 95):7.1f} ms  "
                  f"p99 {percentile(ms, 99):7.1f} ms  mean {statistics.fmean(ms):7.1f} ms  max {max(ms):7.1f} ms")
    print(f"  errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
