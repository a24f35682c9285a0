"""Free text -> canonical symptom findings, with negation, uncertainty, someone else and
the time since the last infusion. Pure spaCy + medspaCy; the Rasa component and the nurse
API both call this, so every channel sees the same findings."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import spacy
from medspacy.context import ConText, ConTextRule
from spacy.tokens import Span

from bot.nlu import modifiers
from bot.nlu.normalise import Normalised, Normaliser
from bot.nlu.patterns import (
    IndexedMatcher,
    Spelling,
    compile_phrase,
    default_known_words,
    lexicon_words,
    load_known_words,
)
from bot.nlu.time_expressions import InfusionTime, infusion_time
from bot.triage.engine import Finding
from bot.triage.knowledge import DATA_DIR, Knowledge, default_knowledge

SPAN_GROUP = "symptoms"
NOT_A_SYMPTOM = "_not_a_symptom"
SPAN_ATTRS = {
    "NEGATED_EXISTENCE": {"is_negated": True},
    "POSSIBLE_EXISTENCE": {"is_uncertain": True},
    "HYPOTHETICAL": {"is_hypothetical": True},
    "HISTORICAL": {"is_historical": True},
}


@dataclass
class Extraction:
    findings: list[Finding] = field(default_factory=list)
    infusion: InfusionTime | None = None

    @property
    def present(self) -> list[str]:
        return sorted({f.symptom for f in self.findings if not f.negated})

    @property
    def hypothetical_only(self) -> bool:
        """Symptoms were named, but only as a question or the past ("what if I get a fever")."""
        return bool(self.findings) and all(f.hypothetical for f in self.findings if f.negated)


_QUESTION_START = re.compile(
    r"^\s*(what|how|why|when|where|which|who|is it|is there|are there|can i|could i|should i|do i|does it|will it)\b"
)


def _word_alternatives(words: tuple[str, ...]) -> re.Pattern | None:
    """One regex for "a|b|c" words and "stem*" stems (complaint_words, crisis_words in symptoms.yml)."""
    parts = []
    for entry in words:
        for word in entry.split("|"):
            word = word.strip().lower()
            stem = word.endswith("*")
            parts.append(re.escape(word.rstrip("*")).replace("\\ ", r"\s+") + (r"\w*" if stem else ""))
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b") if parts else None


class SymptomExtractor:
    def __init__(self, knowledge: Knowledge | None = None, known_words_path: Path | None = None):
        kb = knowledge or default_knowledge()
        self.knowledge = kb
        self.normalise = Normaliser(kb.shorthand)
        self._complaint = _word_alternatives(kb.complaint_words)
        self._crisis_words = _word_alternatives(kb.crisis_words)
        self._categories: dict[str, set[str]] = {sid: set() for sid in kb.symptoms}
        for rule in kb.rules:
            for sid in rule.symptoms:
                self._categories[sid].add(rule.category)
        phrases = [p for s in kb.symptoms.values() for p in s.phrases]
        known = default_known_words(
            lexicon_words(phrases), load_known_words(known_words_path or DATA_DIR / "known_words.txt")
        )
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        self.spelling = Spelling(lexicon_words(phrases), known)
        self.matcher = IndexedMatcher(self.nlp.vocab)
        for sid, symptom in kb.symptoms.items():
            patterns = [p for phrase in symptom.phrases for p in compile_phrase(phrase)]
            self.matcher.add(sid, patterns)
        if kb.not_symptoms:
            self.matcher.add(NOT_A_SYMPTOM, [p for phrase in kb.not_symptoms for p in compile_phrase(phrase)])
        self.context = ConText(
            self.nlp,
            rules=None,
            input_span_type="group",
            span_group_name=SPAN_GROUP,
            span_attrs=SPAN_ATTRS,
            prune_on_target_overlap=True,  # a word inside a symptom phrase ("eyes have gone yellow") is not a trigger
        )
        self.context.add(
            [
                ConTextRule(
                    literal=r["literal"],
                    category=r["category"],
                    direction=r.get("direction", "BIDIRECTIONAL"),
                    # medspaCy 1.3.1 only lets a TERMINATE cut a scope that its own scope does not
                    # strictly contain (util.tuple_overlaps), so give terminators a scope of one word
                    max_scope=r.get("max_scope") or (1 if r.get("direction") == "TERMINATE" else None),
                    allowed_types=set(r["allowed_types"]) if r.get("allowed_types") else None,
                )
                for r in kb.context_rules
            ]
        )

    def _spans(self, doc, max_words: int | None = None) -> tuple[list[Span], list[Span]]:
        """Matches of every symptom (of overlapping matches of one symptom, the longest), and
        the matches of words that only look like a sign (not_symptoms)."""
        by_label: dict[str, list[Span]] = {}
        for match_id, start, end in self.matcher(doc):
            label = self.nlp.vocab.strings[match_id]
            by_label.setdefault(label, []).append(Span(doc, start, end, label=label))
        excluded = by_label.pop(NOT_A_SYMPTOM, [])
        spans = []
        for found in by_label.values():
            found = [s for s in found if not any(x.start <= s.start and s.end <= x.end for x in excluded)]
            if max_words is not None:
                found = [s for s in found if len(modifiers.FRAGMENT_WORD.findall(s.text)) <= max_words]
            kept: list[Span] = []
            for span in sorted(found, key=lambda s: (-(s.end - s.start), s.start)):
                if all(span.end <= k.start or span.start >= k.end for k in kept):
                    kept.append(span)
            spans.extend(kept)
        return sorted(spans, key=lambda s: (s.start, s.end)), excluded

    def extract(self, text: str, today: dt.date | None = None, answering: bool = False) -> Extraction:
        norm = self._normalised(text)
        findings, _ = self._findings(norm, today)
        joined = modifiers.fragments_joined(norm.text)
        if joined is not None:
            # a sign told in fragments ("Lips. Swollen.", "Blood. When I cough.") is read again
            # with those full stops as commas. That reading adds the signs the first one missed
            # when they are said in a few words ("Spots. Tiny. Red.", not a long gap across
            # fragments: "Short of breath. Walking upstairs. ... Fine sitting down."), and drops
            # what only looks like a sign across fragments ("Blister. Heel. New shoes.")
            more, not_signs = self._findings(replace(norm, text=joined), today, modifiers.JOINED_SIGN_WORDS)
            findings = [f for f in findings if not any(s <= f.start and f.end <= e for s, e in not_signs)]
            seen = {f.symptom for f in findings}
            findings += [f for f in more if f.symptom not in seen]
        return Extraction(self._without_echoes(findings), infusion_time(norm.text, today, answering))

    def _findings(
        self, norm: Normalised, today: dt.date | None, max_words: int | None = None
    ) -> tuple[list[Finding], list[tuple[int, int]]]:
        """The findings of one reading, and where (in the original text) words only look like a sign."""
        doc = self.nlp.make_doc(norm.text)
        for token in doc:  # the patterns compare NORM: the lexicon word a misspelling stands for
            token.norm_ = self.spelling(token.text)
        for _, proc in self.nlp.pipeline:
            doc = proc(doc)
        doc.spans[SPAN_GROUP], excluded = self._spans(doc, max_words)
        doc = self.context(doc)
        findings = []
        reported = modifiers.reported_as_own(norm.text)
        asked_about = modifiers.terms_asked_about(norm.text)
        someone_untreated = modifiers.not_the_patient(norm.text)
        for span in doc.spans[SPAN_GROUP]:
            start, end = norm.original_span(span.start_char, span.end_char)
            negated, uncertain, hypothetical, historical, resolved = _nearest_context(span)
            if any(s <= span.start_char and span.end_char <= e for s, e in asked_about):
                hypothetical = True  # "what does petechiae mean?": a word asked about, not a report
            hypothetical = hypothetical and not reported
            symptom = self.knowledge.symptoms[span.label_]
            sentence = span.sent.text
            if negated and modifiers.never_like_this(sentence, span.start_char - span.sent.start_char):
                negated = False  # "never had a headache like this": the worst yet, not a denial
            if (historical and not modifiers.back_again(sentence)) or (
                symptom.acute_only and modifiers.long_standing(sentence)
            ):
                negated = True
            elif modifiers.long_ago(sentence, (today or dt.date.today()).year, span.start_char - span.sent.start_char):
                negated = True
            if resolved and not symptom.counts_when_resolved:
                negated = True
            if modifiers.about_a_pet(sentence):
                negated = True
            if span.sent.end < len(doc) and modifiers.denied_in_answer(sentence, next(doc[span.sent.end :].sents).text):
                negated = True  # a checklist answered: "Rash? No."
            other_person = modifiers.about_someone_else(sentence)
            if other_person and someone_untreated and not symptom.counts_for_anyone:
                negated = True  # a child's hives, "not the one on treatment": not a patient's sign
            finding = Finding(
                symptom=span.label_,
                text=norm.original[start:end],
                negated=negated,
                uncertain=uncertain,
                other_person=other_person,
                start=start,
                end=end,
            )
            finding.hypothetical = hypothetical and not negated
            finding.negated = finding.negated or hypothetical
            if span.label_ == "headache":  # its own sentence first, else the whole message
                onset = modifiers.headache_onset(sentence)
                finding.sudden_onset = onset if onset is not None else modifiers.headache_onset(norm.text)
            findings.append(finding)
        return findings, [norm.original_span(x.start_char, x.end_char) for x in excluded]

    def mentions_complaint(self, text: str) -> bool:
        """The message says the person feels unwell in some way, listed sign or not
        ("twisted my knee"), and is not a question."""
        norm = self._normalised(text).text.lower()
        if self._complaint is None or norm.rstrip().endswith("?") or _QUESTION_START.match(norm):
            return False
        return bool(self._complaint.search(norm))

    def mentions_crisis_words(self, text: str) -> bool:
        """Any word about death, harm, despair or means (crisis_words in symptoms.yml); with
        no such list every text counts."""
        if self._crisis_words is None:
            return True
        norm = self._normalised(text).text.lower()
        return bool(self._crisis_words.search(norm))

    def answer_time(self, text: str, today: dt.date | None = None) -> InfusionTime | None:
        """The infusion time read as an answer to the bot's question ("yesterday", "10"),
        without matching symptoms again."""
        return infusion_time(self._normalised(text).text, today, answering=True)

    def _normalised(self, text: str | None) -> Normalised:
        # a lone surrogate (JSON allows "\ud83d") crashed spaCy's tokenizer: "?" keeps the offsets
        return self.normalise((text or "").encode("utf-8", "replace").decode("utf-8"))

    def _without_echoes(self, findings: list[Finding]) -> list[Finding]:
        """Drop a finding inside another one's words when both point at the same warning
        category ("bleed" inside "my gums bleed", "fever" inside "fever blister")."""
        kept = []
        for f in findings:
            inside = [
                g
                for g in findings
                if g is not f
                and g.start <= f.start
                and f.end <= g.end
                and (g.end - g.start) > (f.end - f.start)
                and self._categories[f.symptom] & self._categories[g.symptom]
            ]
            if not inside:
                kept.append(f)
        return kept


# "not A, it's B" / "not A but B" inside one match: what follows the turn is asserted
_CONTRAST = re.compile(r",\s*(?:it is|it's|its|it was|only|just)\b|\bbut\b|\binstead\b")


def _contrast_inside(span: Span) -> int | None:
    found = _CONTRAST.search(span.text)
    return None if found is None else span.start_char + found.start()


def _nearest_context(span: Span) -> tuple[bool, bool, bool, bool, bool]:
    """(negated, uncertain, hypothetical, historical, resolved) from the triggers around the
    symptom; the nearest of negation and doubt wins: in "it's a bit sore, no bleeding" the
    "no" decides about the bleeding, not "a bit"."""
    best: dict[str, int] = {}
    contrast = _contrast_inside(span)
    for modifier in span._.modifiers:
        start, end = modifier.modifier_span
        if contrast is not None and end <= span.start and modifier.category == "NEGATED_EXISTENCE":
            continue  # "it's not my head that hurts, it's my neck": the match ends on what is said
        distance = span.start - end if end <= span.start else start - span.end
        best[modifier.category] = min(distance, best.get(modifier.category, distance))
    negation = best.get("NEGATED_EXISTENCE")
    doubt = best.get("POSSIBLE_EXISTENCE")
    negated = negation is not None and (doubt is None or negation < doubt)
    return negated, doubt is not None and not negated, "HYPOTHETICAL" in best, "HISTORICAL" in best, "RESOLVED" in best


@functools.lru_cache(maxsize=1)
def default_extractor() -> SymptomExtractor:
    return SymptomExtractor()
