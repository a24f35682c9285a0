"""Findings <-> Rasa entity dicts. The extra keys (negated, uncertain, ...) ride along in
the entity and reach the action server with the tracker."""

from __future__ import annotations

from collections.abc import Iterable

from bot.nlu.extractor import Extraction
from bot.nlu.time_expressions import InfusionTime
from bot.triage.engine import Finding

EXTRACTOR = "SymptomEntityExtractor"


def _time_entity(name: str, time: InfusionTime) -> dict:
    return {
        "entity": name,
        "value": time.days,
        "during_infusion": time.during_infusion,
        "text": time.text,
        "extractor": EXTRACTOR,
    }


def entities_for(extraction: Extraction, answer: InfusionTime | None = None) -> list[dict]:
    entities = []
    for f in extraction.findings:
        entities.append(
            {
                "entity": "symptom",
                "value": f.symptom,
                "start": f.start,
                "end": f.end,
                "text": f.text,
                "negated": f.negated,
                "uncertain": f.uncertain,
                "hypothetical": f.hypothetical,
                "other_person": f.other_person,
                "sudden_onset": f.sudden_onset,
                "extractor": EXTRACTOR,
            }
        )
    if extraction.infusion is not None:
        entities.append(_time_entity("infusion_time", extraction.infusion))
    if answer is not None:
        entities.append(_time_entity("answer_time", answer))
    return entities


def findings_from(entities: Iterable[dict]) -> list[Finding]:
    found = []
    for e in entities or ():
        if e.get("entity") != "symptom":
            continue
        found.append(
            Finding(
                symptom=e["value"],
                text=e.get("text", ""),
                negated=bool(e.get("negated")),
                uncertain=bool(e.get("uncertain")),
                hypothetical=bool(e.get("hypothetical")),
                other_person=bool(e.get("other_person")),
                sudden_onset=e.get("sudden_onset"),
            )
        )
    return found


def time_from(entities: Iterable[dict], name: str) -> InfusionTime | None:
    for e in entities or ():
        if e.get("entity") == name and e.get("value") is not None:
            return InfusionTime(int(e["value"]), bool(e.get("during_infusion")), e.get("text", ""))
    return None
