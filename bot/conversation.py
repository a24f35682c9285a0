"""One triage turn of a conversation, channel-free: what the person said this turn plus
what the conversation already knows -> a question, or advice from the engine.

At most two questions per conversation, only those the engine says can change the level;
a red flag gets advice at once. A new symptom in a later message re-assesses everything.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace

from bot.nlu.modifiers import headache_onset
from bot.nlu.time_expressions import InfusionTime
from bot.triage.engine import Assessment, Context, Finding, assess

ANSWER_INTENTS = ("affirm", "deny", "give_time")


@dataclass
class TriageState:
    findings: list[dict] = field(default_factory=list)
    days_since_infusion: int | None = None
    during_infusion: bool = False
    sudden_onset: bool | None = None
    asked: list[str] = field(default_factory=list)
    pending_question: str | None = None

    def context(self) -> Context:
        return Context(self.days_since_infusion, self.during_infusion, self.sudden_onset, tuple(self.asked))


@dataclass
class Turn:
    kind: str  # "question", "advice", "ask_symptoms", "anything_else" or "hypothetical"
    assessment: Assessment | None = None
    question: str | None = None
    question_text: str | None = None


YES = re.compile(r"^\W*(y|yes|yeah|yep|yup|yes+|sure|correct|it did|definitely|absolutely)\b", re.I)
# "no idea", "not sure" are not a no: the person cannot say
CANNOT_SAY = re.compile(
    r"^\W*(?:i am |i'm |im |honestly |really )?(no idea|no clue|not sure|unsure|not certain|do not know|don't know|dont know|dunno|"
    r"can't say|cannot say|can not say|hard to say|(?:can't|cannot|can not|don't|do not|dont|cant) (?:remember|recall|tell))\b",
    re.I,
)
NO = re.compile(r"^\W*(n|no|nope|nah|not really|it did not|it didn't|never)\b", re.I)


def _record_answer(state: TriageState, pending: str | None, intent: str | None, findings, answer, text: str) -> None:
    if pending == "days_since_infusion" and answer is not None:
        state.days_since_infusion = answer.days
        state.during_infusion = answer.during_infusion
    elif pending == "sudden_onset":
        said = [f.sudden_onset for f in findings if f.symptom == "headache" and f.sudden_onset is not None]
        in_words = headache_onset(text)
        if CANNOT_SAY.match(text) and not said:
            return  # "no idea": the onset stays unknown (urgent outside the window)
        if intent == "affirm" or (YES.match(text) and intent != "deny"):
            state.sudden_onset = True
        elif intent == "deny" or NO.match(text):
            state.sudden_onset = False
        elif said:
            state.sudden_onset = said[0]
        elif in_words is not None:  # "it came on like a thunderclap"
            state.sudden_onset = in_words


def merge_findings(old: list[dict], new: list[Finding]) -> list[dict]:
    """The latest message's word on a symptom wins ("actually no fever" corrects an earlier
    fever); within one message a symptom said present anywhere is present ("wiped out, and
    it's not my usual fatigue")."""
    merged = list(old)
    present_now = {f.symptom for f in new if not f.negated}
    new = [f for f in new if not (f.negated and f.symptom in present_now)]
    for finding in new:
        merged = [f for f in merged if f["symptom"] != finding.symptom]
        kept = {k: v for k, v in asdict(finding).items() if v not in (None, False, "")}
        if finding.sudden_onset is False:  # "it crept up": said, not unknown
            kept["sudden_onset"] = False
        merged.append(kept | {"symptom": finding.symptom, "negated": finding.negated})
    return merged


def take_turn(
    state: TriageState,
    intent: str | None,
    findings: list[Finding],
    infusion: InfusionTime | None = None,
    answer: InfusionTime | None = None,
    text: str = "",
) -> tuple[TriageState, Turn]:
    state = replace(state, findings=list(state.findings), asked=list(state.asked))
    pending, state.pending_question = state.pending_question, None
    _record_answer(state, pending, intent, findings, answer, text)
    if pending is not None and NO.match(text):
        # "no, same as my usual migraines": the "no" answers the question, it does not take back
        # the sign named after it
        findings = [f for f in findings if not f.negated]
    if pending is None and findings and all(f.hypothetical for f in findings) and not state.findings:
        return state, Turn("hypothetical")  # "can lemtrada cause nosebleeds?" is a question
    if infusion is not None:  # the person said when the infusion was: that is a correction too
        state.days_since_infusion = infusion.days
        state.during_infusion = infusion.during_infusion
    had_findings = bool(state.findings)
    state.findings = merge_findings(state.findings, findings)
    if not state.findings:
        if intent == "report_symptoms":  # something is wrong, but no listed sign in it
            return state, Turn("advice", assess([], state.context()))
        return state, Turn("ask_symptoms")
    if had_findings and not findings and pending is None and intent in ("affirm", "deny"):
        return state, Turn("anything_else")
    assessment = assess(state.findings, state.context())
    if assessment.questions:
        question = assessment.questions[0]
        state.asked.append(question)
        state.pending_question = question
        return state, Turn("question", assessment, question, assessment.question_texts[0])
    return state, Turn("advice", assessment)
