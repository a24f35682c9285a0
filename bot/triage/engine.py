"""assess(findings, context) -> Assessment: the one place where a level is decided.

The engine never guesses downward: an unknown time since the infusion counts as inside
every window, and a fact is asked about only when its answer can change the level.
A red flag is answered at once, with no question.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.triage.knowledge import LEVELS, Knowledge, Rule, default_knowledge

QUESTION_ORDER = ("sudden_onset", "days_since_infusion")
MAX_QUESTIONS = 2


@dataclass
class Finding:
    """One symptom as the NLU found it in a message."""

    symptom: str
    text: str = ""
    negated: bool = False
    uncertain: bool = False
    other_person: bool = False
    hypothetical: bool = False  # named in a question or the past, not reported: not present
    start: int | None = None
    end: int | None = None
    sudden_onset: bool | None = None  # only said of headaches

    @classmethod
    def from_any(cls, value: Finding | Mapping[str, Any] | str) -> Finding:
        if isinstance(value, Finding):
            return value
        if isinstance(value, str):
            return cls(symptom=value)
        known = {k: value[k] for k in cls.__dataclass_fields__ if k in value}
        if "symptom" not in known and "id" in value:
            known["symptom"] = value["id"]
        return cls(**known)


@dataclass
class Context:
    days_since_infusion: float | None = None
    during_infusion: bool = False
    sudden_onset: bool | None = None
    asked: tuple[str, ...] = ()

    @classmethod
    def from_any(cls, value: Context | Mapping[str, Any] | None) -> Context:
        if isinstance(value, Context):
            return value
        value = value or {}
        return cls(
            days_since_infusion=value.get("days_since_infusion"),
            during_infusion=bool(value.get("during_infusion")),
            sudden_onset=value.get("sudden_onset"),
            asked=tuple(value.get("asked") or ()),
        )


@dataclass
class Assessment:
    level: str
    categories: list[str]
    symptoms: list[dict]
    context: dict
    reasons: list[str]
    rules: list[str]
    questions: list[str] = field(default_factory=list)
    question_texts: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)

    def payload(self) -> dict:
        """The machine-readable payload of TRIAGE.md, the same on every channel."""
        return {
            "triage": {
                "level": self.level,
                "categories": self.categories,
                "symptoms": self.symptoms,
                "context": self.context,
                "reasons": self.reasons,
                "rules": self.rules,
            }
        }

    def as_dict(self) -> dict:
        return asdict(self)


def _rank(level: str) -> int:
    return LEVELS.index(level)


def _sudden_onset(findings: list[Finding], context: Context) -> bool | None:
    if context.sudden_onset is not None:
        return bool(context.sudden_onset)
    said = [f.sudden_onset for f in findings if f.symptom == "headache" and not f.negated]
    if True in said:
        return True
    if False in said:
        return False
    return None


def _rule_applies(rule: Rule, present: set[str], facts: dict, kb: Knowledge, waiting_for_time: bool) -> bool:
    if not all(group & present for group in rule.groups):
        return False
    days = facts["days_since_infusion"]
    if (rule.ask_time_first and waiting_for_time) or (rule.until_time_asked and not waiting_for_time):
        return False
    if rule.window and days is not None and days > kb.windows[rule.window]:
        return False
    if rule.outside and (days is None or days <= kb.windows[rule.outside]):
        return False
    for name, wanted in rule.facts:
        value = facts.get(name)
        if wanted == "unknown":  # a rule for when the person cannot say
            if value is not None:
                return False
            continue
        if value is None:
            value = kb.facts[name].get("unknown_means")
        if value != wanted:
            return False
    return True


def _matching(present: set[str], facts: dict, kb: Knowledge, asked: tuple = ()) -> list[Rule]:
    """`asked`: the questions already asked; while the time is unknown and its question can
    still be asked, the rules marked ask_time_first wait for the answer."""
    waiting_for_time = (
        facts["days_since_infusion"] is None and "days_since_infusion" not in asked and len(asked) < MAX_QUESTIONS
    )
    return [r for r in kb.rules if _rule_applies(r, present, facts, kb, waiting_for_time)]


def _level(rules: Iterable[Rule]) -> str:
    return max((r.level for r in rules), key=_rank, default="routine")


def _alternatives(fact: str, kb: Knowledge) -> list:
    if fact == "days_since_infusion":
        return sorted({0, *(d + 1 for d in kb.windows.values()), 30})
    return [True, False]


def _questions(present: set[str], facts: dict, level: str, asked: tuple, kb: Knowledge) -> list[str]:
    """Facts still unknown whose answer could change the level, red flags excepted."""
    if level == "emergency":
        return []
    worth_asking = []
    for fact in QUESTION_ORDER:
        if fact not in kb.facts or facts.get(fact) is not None or fact in asked:
            continue
        levels = {_level(_matching(present, {**facts, fact: alt}, kb)) for alt in _alternatives(fact, kb)}
        if len(levels) > 1:
            worth_asking.append(fact)
    return worth_asking[: max(0, MAX_QUESTIONS - len(asked))]


def _reason(rule: Rule, present: set[str], kb: Knowledge) -> str:
    names = [kb.symptoms[s].name for s in sorted(rule.symptoms & present)]
    what = " with ".join(names)
    category = kb.categories[rule.category]["name"]
    when = ""
    if rule.window:
        when = f", within {kb.windows[rule.window]} days of an infusion"
    if rule.outside:
        when = f", more than {kb.windows[rule.outside]} days after an infusion"
    return f"{what} is a warning sign of {category}{when} ({kb.source_ref(rule.source)})"


def assess(
    findings: Iterable[Finding | Mapping[str, Any] | str],
    context: Context | Mapping[str, Any] | None = None,
    knowledge: Knowledge | None = None,
    dialogue: bool = True,
) -> Assessment:
    """`dialogue=False` (a nurse's one-shot assessment): no rule waits for an answer, the
    questions are listed beside the level."""
    kb = knowledge or default_knowledge()
    found = [Finding.from_any(f) for f in findings]
    ctx = Context.from_any(context)
    unknown = sorted({f.symptom for f in found} - set(kb.symptoms))
    if unknown:
        raise ValueError(f"unknown symptom id(s): {', '.join(unknown)}")
    present = {f.symptom for f in found if not f.negated}
    days = ctx.days_since_infusion
    if ctx.during_infusion:
        days = 0
    facts = {"days_since_infusion": days, "sudden_onset": _sudden_onset(found, ctx)}
    matched = _matching(present, facts, kb, tuple(ctx.asked) if dialogue else tuple(QUESTION_ORDER))
    level = _level(matched)
    # the most urgent rules first, so the advice names what matters most
    matched.sort(key=lambda r: -_rank(r.level))
    categories = list(dict.fromkeys(r.category for r in matched))
    questions = _questions(present, facts, level, ctx.asked, kb)
    context_out = {k: v for k, v in facts.items() if v is not None}
    if ctx.during_infusion:
        context_out["during_infusion"] = True
    symptoms = []
    for f in found:
        entry = {"id": f.symptom, "text": f.text or kb.symptoms[f.symptom].name, "negated": f.negated}
        if entry not in symptoms:
            symptoms.append(entry)
    return Assessment(
        level=level,
        categories=categories,
        symptoms=symptoms,
        context=context_out,
        reasons=[_reason(r, present, kb) for r in matched],
        rules=[r.id for r in matched],
        questions=questions,
        question_texts=[kb.facts[q]["question"] for q in questions],
        present=sorted(present),
    )
