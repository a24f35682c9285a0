"""Load and validate the triage knowledge in data/triage/.

Loading fails with a KnowledgeError naming the file and the entry when anything is off:
unknown ids, a rule without a source, a phrase listed twice. The engine never runs on
knowledge that did not validate.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "triage"
LEVELS = ("routine", "urgent", "emergency")
KNOWN_FACTS = ("sudden_onset", "days_since_infusion")


class KnowledgeError(ValueError):
    """The triage knowledge in data/triage/ is invalid."""


@dataclass(frozen=True)
class Symptom:
    id: str
    name: str
    phrases: tuple[str, ...]
    acute_only: bool = False
    counts_when_resolved: bool = False
    # a red flag in anyone (stroke signs, blood coughed up, a crisis): still a finding when
    # the person is said not to be on this medicine
    counts_for_anyone: bool = False


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    level: str
    # each group is satisfied by any one of its symptom ids; all groups must be satisfied
    groups: tuple[frozenset[str], ...]
    source: str
    window: str | None = None
    outside: str | None = None
    facts: tuple[tuple[str, Any], ...] = ()
    # with the time unknown, the rule waits while the time question can still be asked
    # (its answer decides between this rule and another); once asked, unknown counts as inside
    ask_time_first: bool = False
    # the counterpart: applies only while that time question is open
    until_time_asked: bool = False

    @property
    def symptoms(self) -> frozenset[str]:
        return frozenset().union(*self.groups)


@dataclass(frozen=True)
class Knowledge:
    symptoms: dict[str, Symptom]
    categories: dict[str, dict]
    rules: tuple[Rule, ...]
    windows: dict[str, int]
    facts: dict[str, dict]
    sources: dict[str, dict]
    shorthand: dict[str, str] = field(default_factory=dict)
    context_rules: tuple[dict, ...] = ()
    not_symptoms: tuple[str, ...] = ()
    complaint_words: tuple[str, ...] = ()
    crisis_words: tuple[str, ...] = ()

    def source_ref(self, source_id: str) -> str:
        """A short human reference for a source id, e.g. 'seed line 23'."""
        src = self.sources[source_id]
        if src.get("document") == "seed":
            return f"seed line {src['line']}"
        return src.get("document", "source")


def _read(directory: Path, name: str, top_key: str) -> Any:
    path = directory / name
    try:
        with path.open(encoding="utf-8") as fh:
            content = yaml.safe_load(fh)
    except FileNotFoundError:
        raise KnowledgeError(f"{path}: file is missing") from None
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(content, dict) or top_key not in content:
        raise KnowledgeError(f"{path}: expected a top-level '{top_key}:' key")
    return content[top_key]


def _normalise_phrase(phrase: str) -> str:
    return re.sub(r"\s+", " ", phrase.strip().lower())


def _load_symptoms(directory: Path) -> dict[str, Symptom]:
    raw = _read(directory, "symptoms.yml", "symptoms")
    where = directory / "symptoms.yml"
    symptoms: dict[str, Symptom] = {}
    seen: dict[str, str] = {}
    for sid, entry in (raw or {}).items():
        if not isinstance(entry, dict) or not entry.get("name"):
            raise KnowledgeError(f"{where}: symptom '{sid}' needs a name")
        phrases = entry.get("phrases") or []
        if not phrases:
            raise KnowledgeError(f"{where}: symptom '{sid}' has no phrases")
        for phrase in phrases:
            if not isinstance(phrase, str) or not phrase.strip():
                raise KnowledgeError(f"{where}: symptom '{sid}' has an empty phrase")
            key = _normalise_phrase(phrase)
            if key in seen:
                raise KnowledgeError(
                    f"{where}: phrase '{phrase}' of symptom '{sid}' is already listed "
                    f"under '{seen[key]}'"
                )
            seen[key] = sid
        symptoms[sid] = Symptom(
            sid,
            entry["name"],
            tuple(phrases),
            bool(entry.get("acute_only")),
            bool(entry.get("counts_when_resolved")),
            bool(entry.get("counts_for_anyone")),
        )
    return symptoms


def _expand_rules(raw: list, where: Path) -> list[dict]:
    """Turn `signs:` groups into one rule per sign."""
    rules = []
    for index, entry in enumerate(raw or []):
        if not isinstance(entry, dict):
            raise KnowledgeError(f"{where}: rule #{index + 1} is not a mapping")
        if "signs" in entry:
            base = {k: v for k, v in entry.items() if k != "signs"}
            for sign in entry["signs"]:
                rules.append({**base, "id": f"{entry.get('category')}.{sign}", "all": [sign]})
        else:
            rules.append(entry)
    return rules


def _load_rules(directory, symptoms, categories, windows, facts, sources) -> tuple[Rule, ...]:
    where = directory / "rules.yml"
    rules: list[Rule] = []
    ids: set[str] = set()
    for entry in _expand_rules(_read(directory, "rules.yml", "rules"), where):
        rid = entry.get("id")
        if not rid:
            raise KnowledgeError(f"{where}: a rule has no id: {entry}")
        if rid in ids:
            raise KnowledgeError(f"{where}: rule '{rid}' is defined twice")
        ids.add(rid)
        if entry.get("category") not in categories:
            raise KnowledgeError(f"{where}: rule '{rid}' has unknown category '{entry.get('category')}'")
        if entry.get("level") not in LEVELS[1:]:
            raise KnowledgeError(f"{where}: rule '{rid}' has level '{entry.get('level')}', expected urgent or emergency")
        if not entry.get("source"):
            raise KnowledgeError(f"{where}: rule '{rid}' has no source")
        if entry["source"] not in sources:
            raise KnowledgeError(f"{where}: rule '{rid}' cites unknown source '{entry['source']}'")
        groups = []
        for group in entry.get("all") or []:
            members = frozenset(group if isinstance(group, list) else [group])
            unknown = sorted(m for m in members if m not in symptoms)
            if unknown:
                raise KnowledgeError(f"{where}: rule '{rid}' names unknown symptom(s) {', '.join(unknown)}")
            groups.append(members)
        if not groups:
            raise KnowledgeError(f"{where}: rule '{rid}' names no symptom")
        for key in ("window", "outside"):
            if entry.get(key) is not None and entry[key] not in windows:
                raise KnowledgeError(f"{where}: rule '{rid}' has unknown {key} '{entry[key]}'")
        if entry.get("ask_time_first") and not entry.get("window"):
            raise KnowledgeError(f"{where}: rule '{rid}' has ask_time_first without a window")
        rule_facts = entry.get("facts") or {}
        for fact in rule_facts:
            if fact not in facts:
                raise KnowledgeError(f"{where}: rule '{rid}' has unknown fact '{fact}'")
        rules.append(
            Rule(
                id=rid,
                category=entry["category"],
                level=entry["level"],
                groups=tuple(groups),
                source=entry["source"],
                window=entry.get("window"),
                outside=entry.get("outside"),
                facts=tuple(sorted(rule_facts.items())),
                ask_time_first=bool(entry.get("ask_time_first", False)),
                until_time_asked=bool(entry.get("until_time_asked", False)),
            )
        )
    used = set().union(*(r.symptoms for r in rules)) if rules else set()
    unused = sorted(set(symptoms) - used)
    if unused:
        raise KnowledgeError(f"{directory / 'symptoms.yml'}: symptom(s) {', '.join(unused)} are used by no rule")
    without_rule = sorted(set(categories) - {r.category for r in rules})
    if without_rule:
        raise KnowledgeError(f"{where}: categories {', '.join(without_rule)} have no rule")
    return tuple(rules)


def load_knowledge(directory: Path | str = DATA_DIR) -> Knowledge:
    directory = Path(directory)
    sources = _read(directory, "sources.yml", "sources") or {}
    for sid, src in sources.items():
        doc = (src or {}).get("document")
        if doc == "seed" and not (isinstance(src.get("line"), int) and src.get("quote")):
            raise KnowledgeError(f"{directory / 'sources.yml'}: seed source '{sid}' needs a line number and a quote")
        if doc != "seed" and not (src or {}).get("section"):
            raise KnowledgeError(f"{directory / 'sources.yml'}: source '{sid}' needs a section")
    categories = _read(directory, "categories.yml", "categories") or {}
    for cid, cat in categories.items():
        if not (cat or {}).get("name") or (cat or {}).get("source") not in sources:
            raise KnowledgeError(f"{directory / 'categories.yml'}: category '{cid}' needs a name and a known source")
    raw_windows = _read(directory, "windows.yml", "windows") or {}
    windows = {}
    for name, win in raw_windows.items():
        if not isinstance((win or {}).get("days"), int) or win.get("source") not in sources:
            raise KnowledgeError(f"{directory / 'windows.yml'}: window '{name}' needs whole days and a known source")
        windows[name] = win["days"]
    facts = _read(directory, "windows.yml", "facts") or {}
    for name in facts:
        if name not in KNOWN_FACTS or not facts[name].get("question"):
            raise KnowledgeError(f"{directory / 'windows.yml'}: fact '{name}' is unknown or has no question")
    symptoms = _load_symptoms(directory)
    rules = _load_rules(directory, symptoms, categories, windows, facts, sources)
    shorthand = _read(directory, "shorthand.yml", "shorthand") or {}
    context_rules = tuple(_read(directory, "context.yml", "context_rules") or ())
    with (directory / "symptoms.yml").open(encoding="utf-8") as fh:
        extra = yaml.safe_load(fh)
    not_symptoms = tuple(extra.get("not_symptoms") or ())
    word_lists = {key: tuple(extra.get(key) or ()) for key in ("complaint_words", "crisis_words")}
    for key, words in word_lists.items():
        if not all(isinstance(w, str) and w.strip() for w in words):
            raise KnowledgeError(f"{directory / 'symptoms.yml'}: {key} must be a list of words")
    return Knowledge(
        symptoms, categories, rules, windows, facts, sources, shorthand, context_rules, not_symptoms, **word_lists
    )


@functools.lru_cache(maxsize=1)
def default_knowledge() -> Knowledge:
    return load_knowledge(DATA_DIR)
