"""The words of an advice turn: the action first, then why (naming the warning category),
then what to tell the doctor or 911. Plain ASCII sentences.

`compact=True` is the SMS rendering: the same action and the same categories in fewer words,
so that an advice turn (with the safety notice of a first message) fits in 3 SMS segments.
"""

from __future__ import annotations

from bot.settings import ClinicSettings
from bot.triage.engine import Assessment
from bot.triage.knowledge import Knowledge, default_knowledge


def _join(items: list[str], conjunction: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def _symptom_names(assessment: Assessment, kb: Knowledge) -> list[str]:
    return [kb.symptoms[s].name for s in assessment.present]


def _category_names(assessment: Assessment, kb: Knowledge, skip: tuple = ()) -> str:
    names = [kb.categories[c]["name"] for c in assessment.categories if c not in skip]
    return _join(names, "or")


def _red_flags(assessment: Assessment, kb: Knowledge) -> tuple[list[str], list[str]]:
    """The signs and categories behind an emergency, so that the why-sentence names what made
    it one and not every other sign mentioned (those are still in what to tell 911)."""
    rules = [r for r in kb.rules if r.id in assessment.rules and r.level == "emergency"]
    present = set(assessment.present)
    symptoms = sorted({s for r in rules for s in r.symptoms & present})
    categories = list(dict.fromkeys(r.category for r in rules))
    return [kb.symptoms[s].name for s in symptoms], [kb.categories[c]["name"] for c in categories]


def _when(assessment: Assessment) -> str:
    ctx = assessment.context
    if ctx.get("during_infusion"):
        return "that this started during your infusion"
    days = ctx.get("days_since_infusion")
    if days is None:
        return "when your last infusion was"
    if days == 0:
        return "that your last infusion was today"
    if days == 1:
        return "that your last infusion was yesterday"
    return f"that your last infusion was {int(days)} days ago"


def _tell(assessment: Assessment, kb: Knowledge, who: str) -> str:
    return (
        f"Tell {who} you are treated with alemtuzumab (Lemtrada), {_when(assessment)}, "
        f"and what you noticed: {_join(_symptom_names(assessment, kb))}."
    )


def _crisis(settings: ClinicSettings) -> str:
    return (
        f"Call {settings.emergency_number} now, or call or text {settings.crisis_line} (Suicide & Crisis Lifeline) "
        "to talk with someone right away. Thoughts of suicide or self-harm need help now, "
        "and you do not have to face them alone; stay with someone you trust if you can."
    )


# Two concatenated SMS segments: with the safety notice of a first message the turn still fits in three.
SMS_ADVICE_LIMIT = 306
# From the most detailed SMS wording to the shortest: (name the symptoms, say when, categories named).
_COMPACT_STEPS = ((True, True, 3), (False, True, 3), (False, False, 3), (False, False, 2), (False, False, 1), (False, False, 0))


def _some_categories(assessment: Assessment, kb: Knowledge, most: int, skip: tuple = ()) -> str:
    names = [kb.categories[c]["name"] for c in assessment.categories if c not in skip]
    if most == 0:
        return ""
    if len(names) > most:  # the engine lists the most urgent categories first
        names = names[:most] + ["another serious side effect"]
    return _join(names, "or")


def _compact(assessment: Assessment, kb: Knowledge, settings: ClinicSettings) -> str:
    """The most detailed wording within SMS_ADVICE_LIMIT. The action always stays; the symptom
    names go first, then the infusion time, then all but the most urgent categories."""
    sos = settings.emergency_number
    ctx = assessment.context
    known_when = ctx.get("days_since_infusion") is not None or ctx.get("during_infusion")
    for named, with_when, most in _COMPACT_STEPS:
        if "mental_health" in assessment.categories:
            others = _some_categories(assessment, kb, most, skip=("mental_health",))
            text = _crisis(settings) + (f" What you describe can also be a warning sign of {others}." if others else "")
        else:
            what = _join(_symptom_names(assessment, kb)).capitalize() if named and len(assessment.present) <= 2 else "This"
            why = f"{what} can be a warning sign of {_some_categories(assessment, kb, max(most, 1))}."
            when = f" and {_when(assessment)}" if with_when and known_when else ""
            if assessment.level == "emergency":
                text = (
                    f"Call {sos} now or have someone take you to the emergency department; do not drive yourself. "
                    f"{why} Tell the {sos} operator you are treated with alemtuzumab (Lemtrada){when}."
                )
            else:
                if ctx.get("during_infusion"):
                    action = "Tell the nurse giving your infusion right now; if you are already home, call your doctor right away."
                else:
                    action = "Call your doctor right away, today, or go to urgent care if you cannot reach them."
                text = f"{action} {why} Tell them you are treated with alemtuzumab (Lemtrada){when}. Call {sos} if it gets worse."
        if len(text) <= SMS_ADVICE_LIMIT:
            break
    return text


def render_advice(
    assessment: Assessment, settings: ClinicSettings, knowledge: Knowledge | None = None, compact: bool = False
) -> str:
    kb = knowledge or default_knowledge()
    sos = settings.emergency_number
    if compact and assessment.level in ("emergency", "urgent"):
        return _compact(assessment, kb, settings)
    if assessment.level == "emergency":
        if "mental_health" in assessment.categories:
            text = _crisis(settings)
            others = _category_names(assessment, kb, skip=("mental_health",))
            if others:
                text += f" What you describe can also be a warning sign of {others}."
            return text
        symptoms, categories = _red_flags(assessment, kb)
        return (
            f"Call {sos} now, or have someone take you to the emergency department; do not drive yourself. "
            f"{_join(symptoms).capitalize()} can be a warning sign of {_join(categories, 'or')}, "
            "a serious side effect of this medicine. "
            + _tell(assessment, kb, f"the {sos} operator")
        )
    if assessment.level == "urgent":
        if assessment.context.get("during_infusion"):
            action = (
                "Tell the nurse giving your infusion right now. If you are already home, "
                "call your doctor right away."
            )
        else:
            action = (
                "Call your doctor right away, today. If you cannot reach them, go to urgent care "
                "or an emergency department."
            )
        return (
            f"{action} {_join(_symptom_names(assessment, kb)).capitalize()} can be a warning sign of "
            f"{_category_names(assessment, kb)}. "
            + _tell(assessment, kb, "them")
            + f" Call {sos} if it gets worse or feels like an emergency."
        )
    return (
        "From what you describe, this is not one of the warning signs listed for this medicine. "
        f"Contact {settings.care_team} if it lasts, gets worse or worries you, "
        f"and call {sos} if it feels like an emergency."
    )
