"""Triage safety evaluation on the labelled cases of benchmarks/cases/.

Each case is played as a conversation (at most three turns, the bot's questions answered
from the case's `answers`), the level is read from the {"triage": ...} payload, and the
figures are printed: emergency recall, under-triage, exact level, over-triage, category
hits, info questions answered without a level, turns without a reply, then the failures.

  python benchmarks/triage_eval.py                      # in-process: extractor + engine, seconds
  python benchmarks/triage_eval.py --mode rest --start  # real Rasa + action servers on loopback
  python benchmarks/triage_eval.py --mode rest --url http://127.0.0.1:5005
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

CASES = ROOT / "benchmarks" / "cases"
# the day the cases were written and labelled (a Thursday): "my drip was on Monday" is read
# from it in both modes, so the figures do not change with the day of the week
CASES_DAY = dt.date(2026, 11, 26)
RANK = {"none": 0, "routine": 1, "urgent": 2, "emergency": 3}
# what advice says first; the opening notice ("In an emergency, call 911 now") is not an alarm
ALARM = re.compile(r"(^|\. )(Call \S+ now|Call your doctor right away|Tell the nurse giving your infusion)")
YES = re.compile(r"^\s*(y|yes|yeah|yep|yup|sure|correct|it did|suddenly)\b", re.I)
# greetings, thanks and goodbyes: the classifier's chit-chat intents, approximated in-process
CHAT = re.compile(
    r"^\W*(hi|hello|hey|good (morning|afternoon|evening)|thanks?|thank you|ty|cheers|ok|okay|cool|bye|goodbye)\b", re.I
)
NO = re.compile(r"^\s*(n|no|nope|nah|not really|it didn'?t)\b", re.I)
QUESTION = re.compile(
    r"\?\s*$|^\s*(what|how|why|when|where|who|which|can (i|you|it|lemtrada|alemtuzumab)|could i|does|do (i|you|they)|"
    r"is (it|there|lemtrada|alemtuzumab|my|the|this)|are (there|you)|should|will|would)\b"
    r"|\b(asks?|asking) (what|how|when|why|whether|if|about)\b|\bhow (long|many|much|often|far)\b",
    re.I,
)
ABOUT_THE_MEDICINE = re.compile(
    r"\b(lemtrada|alemtuzumab|rems|medication guide|leaflet|pre-?meds?|premedication|safety card|pronounce|monitor|monitored|monitoring|"
    r"(?:first|second|third|next) course)\b",
    re.I,
)
TARGETS = {
    "emergency_recall": (">=", 1.00),
    "under_triage": ("<=", 0.01),
    "exact_level": (">=", 0.95),
    "category_hit": (">=", 0.95),
    "info_without_level": (">=", 1.00),
    "silent_turns": ("<=", 0),
}


@dataclass
class Outcome:
    case: dict
    level: str = "none"
    categories: list = field(default_factory=list)
    replies: list = field(default_factory=list)
    silent_turns: int = 0

    @property
    def expected(self) -> str:
        return self.case["level"]


def load_cases(names: list[str]) -> list[dict]:
    cases = []
    for name in names:
        path = Path(name) if Path(name).exists() else CASES / f"{name}.yml"
        for case in yaml.safe_load(path.read_text())["cases"]:
            cases.append({**case, "set": path.stem})
    return cases


def question_asked(text: str) -> str | None:
    if "suddenly" in text or "worst headache" in text:
        return "sudden_onset"
    if "infusion" in text and text.rstrip().endswith(tuple("?.")) and "When" in text:
        return "days_since_infusion"
    return None


class InProcessBot:
    """The extractor, the conversation logic and the engine, without Rasa. Intents are
    approximated: yes/no words, a symptom -> report, a question without symptom -> info."""

    def __init__(self):
        from bot.conversation import TriageState
        from bot.nlu.extractor import default_extractor

        self.extractor = default_extractor()
        self.new_state = TriageState

    def play(self, case: dict) -> Outcome:
        from bot.conversation import take_turn

        outcome, state, text = Outcome(case), self.new_state(), case["text"]
        for _ in range(3):
            extraction = self.extractor.extract(text, today=CASES_DAY)
            answer = self.extractor.answer_time(text, today=CASES_DAY)
            short = len(text.split()) <= 4
            if short and YES.match(text) and not extraction.findings:
                intent = "affirm"
            elif short and NO.match(text) and not extraction.findings:
                intent = "deny"
            elif CHAT.match(text) and not extraction.findings:
                intent = "info"
            elif extraction.present or self.extractor.mentions_complaint(text) or not (
                QUESTION.search(self.extractor.normalise(text).text)
                or (ABOUT_THE_MEDICINE.search(text) and not extraction.findings)
            ):
                intent = "report_symptoms"
            else:
                intent = "info"
            if intent == "info" and state.pending_question is None:
                outcome.replies.append("(information answer)")
                return outcome
            state, turn = take_turn(state, intent, extraction.findings, extraction.infusion, answer, text)
            if turn.kind == "advice":
                outcome.level, outcome.categories = turn.assessment.level, turn.assessment.categories
                outcome.replies.append(f"[{turn.assessment.level}] {turn.assessment.rules}")
                return outcome
            if turn.kind != "question":
                outcome.replies.append(turn.kind)
                return outcome
            outcome.replies.append(turn.question_text)
            text = str((case.get("answers") or {}).get(turn.question, "not sure"))
        return outcome


class RestBot:
    def __init__(self, url: str):
        import requests

        self.url, self.http = url.rstrip("/"), requests.Session()

    def play(self, case: dict) -> Outcome:
        outcome, sender, text = Outcome(case), f"eval-{uuid.uuid4().hex[:12]}", case["text"]
        for _ in range(3):
            r = self.http.post(f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
            messages = r.json() if r.ok else []
            said = [m["text"] for m in messages if m.get("text")]
            outcome.replies.extend(said or [f"(HTTP {r.status_code}, no reply)"])
            if not messages:
                outcome.silent_turns += 1
                return outcome
            payloads = [m["custom"]["triage"] for m in messages if "triage" in (m.get("custom") or {})]
            if payloads:
                outcome.level, outcome.categories = payloads[-1]["level"], payloads[-1]["categories"]
                return outcome
            asked = question_asked(said[-1]) if said else None
            if asked is None:
                if any(ALARM.search(t) for t in said):
                    outcome.level = "alarm-without-payload"
                return outcome
            text = str((case.get("answers") or {}).get(asked, "not sure"))
        return outcome


def summarise(outcomes: list[Outcome]) -> dict:
    leveled = [o for o in outcomes if o.expected != "none"]
    emergencies = [o for o in outcomes if o.expected == "emergency"]
    with_categories = [o for o in outcomes if o.case.get("categories")]
    info = [o for o in outcomes if o.expected == "none"]
    rank = lambda level: RANK.get(level, 0)  # noqa: E731
    return {
        "cases": len(outcomes),
        "emergency_recall": sum(o.level == "emergency" for o in emergencies) / max(1, len(emergencies)),
        "under_triage": sum(rank(o.level) < rank(o.expected) for o in leveled) / max(1, len(leveled)),
        "exact_level": sum(o.level == o.expected for o in outcomes) / max(1, len(outcomes)),
        "over_triage": sum(rank(o.level) > rank(o.expected) for o in leveled) / max(1, len(leveled)),
        "category_hit": sum(set(o.case["categories"]) <= set(o.categories) for o in with_categories)
        / max(1, len(with_categories)),
        "info_without_level": sum(o.level == "none" and not any(ALARM.search(r) for r in o.replies) for o in info)
        / max(1, len(info)),
        "silent_turns": sum(o.silent_turns for o in outcomes),
    }


def failures(outcomes: list[Outcome]) -> list[Outcome]:
    return [
        o
        for o in outcomes
        if o.level != o.expected or not set(o.case.get("categories") or []) <= set(o.categories) or o.silent_turns
    ]


def meets_targets(figures: dict) -> list[str]:
    missed = []
    for name, (op, target) in TARGETS.items():
        value = figures[name]
        if (op == ">=" and value < target) or (op == "<=" and value > target):
            missed.append(f"{name} {value:.3f} (target {op} {target})")
    return missed


def report(figures: dict, failed: list[Outcome], title: str) -> str:
    pct = lambda v: f"{100 * v:5.1f} %"  # noqa: E731
    lines = [
        f"== {title}: {figures['cases']} cases",
        f"emergency recall            {pct(figures['emergency_recall'])}   (target 100 %)",
        f"under-triage rate           {pct(figures['under_triage'])}   (target <= 1 %)",
        f"exact-level accuracy        {pct(figures['exact_level'])}   (target >= 95 %)",
        f"over-triage rate            {pct(figures['over_triage'])}",
        f"category hit rate           {pct(figures['category_hit'])}   (target >= 95 %)",
        f"info answered without level {pct(figures['info_without_level'])}   (target 100 %)",
        f"turns without a reply       {figures['silent_turns']:5d}     (target 0)",
        f"failures: {len(failed)}",
    ]
    for o in failed:
        lines.append(
            f"  - {o.case['id']} [{o.case['set']}] expected {o.expected} {o.case.get('categories') or []}, "
            f"got {o.level} {o.categories}: {o.case['text']!r}"
        )
        for r in o.replies[-2:]:
            lines.append(f"      bot: {r[:160]}")
    return "\n".join(lines)


def evaluate(bot, cases: list[dict], progress: bool = True) -> list[Outcome]:
    return [bot.play(c) for c in tqdm(cases, desc="cases", unit="case", disable=not progress, file=sys.stderr)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="*", default=["dev", "heldout"], help="case sets (names in benchmarks/cases or paths)")
    parser.add_argument("--mode", choices=["inprocess", "rest"], default="inprocess")
    parser.add_argument("--url", help="a running Rasa server (rest mode)")
    parser.add_argument("--start", action="store_true", help="start the Rasa and action servers on loopback (rest mode)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a set misses the targets")
    args = parser.parse_args(argv)

    servers = None
    if args.mode == "rest":
        if args.start or not args.url:
            from servers import make_servers

            print("starting the action server and the Rasa server on loopback ...", file=sys.stderr)
            servers = make_servers({"TRIAGE_TODAY": CASES_DAY.isoformat()}).start()
            args.url = servers.url
        bot = RestBot(args.url)
    else:
        bot = InProcessBot()
    missed_any = False
    try:
        for name in args.sets:
            cases = load_cases([name])
            outcomes = evaluate(bot, cases)
            figures = summarise(outcomes)
            print(report(figures, failures(outcomes), f"{name} ({args.mode})"))
            missed = meets_targets(figures)
            print("targets met" if not missed else "targets missed: " + "; ".join(missed))
            missed_any |= bool(missed)
    finally:
        if servers:
            servers.stop()
    return 1 if (args.check and missed_any) else 0


if __name__ == "__main__":
    sys.exit(main())
