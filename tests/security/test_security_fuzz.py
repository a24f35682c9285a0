"""Fuzzing the symptom reader and the triage engine (hypothesis, derandomised: the same
examples every run). Any text: no crash, findings that point into the text, known symptom
ids. The engine: a level always, and never a lower level for more signs or less knowledge."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.nlu.extractor import default_extractor
from bot.triage.engine import assess
from bot.triage.knowledge import LEVELS, default_knowledge

KB = default_knowledge()
SYMPTOMS = sorted(KB.symptoms)
PHRASES = sorted({p for s in KB.symptoms.values() for p in getattr(s, "phrases", ())} or {"fever", "headache"})
WORDS = ["no", "not", "never", "maybe", "sure", "my", "her", "his", "wife", "since", "yesterday", "today", "3 weeks ago",
         "during the drip", "day 2 of my course", "on Monday", "last spring", "suddenly", "worst ever", "but", "and",
         "had", "if", "could", "lemtrada", "infusion", "?", "!", ".", ",", "🙂", "🤒", "’", "\n", "  ", "/", "{", "}", '"']
FUZZ = settings(max_examples=300, deadline=timedelta(seconds=2), derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module", autouse=True)
def loaded_extractor():
    """Load spaCy and medspaCy once, outside the per-example deadline."""
    default_extractor().extract("warm up: fever since yesterday")


def patient_like() -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(PHRASES), st.sampled_from(WORDS), st.text(max_size=12))
    return st.lists(piece, max_size=25).map(" ".join)


def check_extraction(text: str) -> None:
    extractor = default_extractor()
    # offsets point into the text as typed, or into its NFKC form when NFKC changes its
    # length ("¼" -> "1⁄4"): bot/nlu/normalise.py keeps a 1:1 map only
    quoted = text if len(unicodedata.normalize("NFKC", text)) == len(text) else unicodedata.normalize("NFKC", text)
    for answering in (False, True):
        extraction = extractor.extract(text, answering=answering)
        for finding in extraction.findings:
            assert finding.symptom in KB.symptoms
            assert 0 <= finding.start <= finding.end <= len(quoted)
            assert quoted[finding.start : finding.end] == finding.text
        if extraction.infusion is not None and extraction.infusion.days is not None:
            assert extraction.infusion.days >= 0, f"{extraction.infusion} in the future"
        assess(extraction.findings)  # what the reader finds, the engine takes


@FUZZ
@given(st.text(max_size=300))
def test_any_text_is_read_without_a_crash(text):
    check_extraction(text)


@FUZZ
@given(st.lists(st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr)), max_size=200).map("".join))
def test_text_with_lone_surrogates_is_read_without_a_crash(text):
    """JSON lets a client send "\ud83d" alone; spaCy's tokenizer crashed on it (fixed in extract)."""
    default_extractor().extract(text)
    default_extractor().extract(text, answering=True)


@FUZZ
@given(patient_like())
def test_patient_like_text_is_read_without_a_crash(text):
    check_extraction(text)


@pytest.mark.parametrize("text", ["", " ", "\x00", "🙂" * 500, "fever " * 400, "no " * 700 + "fever", "a" * 2000,
                                  "\u202e\u200b\u00ad", "ＦＥＶＥＲ", "day 99999999999 of my course", "10000000000 weeks ago"])
def test_edge_texts_are_read_without_a_crash(text):
    check_extraction(text)


findings = st.lists(
    st.builds(dict, symptom=st.sampled_from(SYMPTOMS), negated=st.booleans(), sudden_onset=st.sampled_from([None, True, False])),
    max_size=6,
)
contexts = st.builds(
    dict,
    days_since_infusion=st.one_of(st.none(), st.integers(0, 4000), st.floats(0, 4000, allow_nan=False)),
    during_infusion=st.booleans(),
    sudden_onset=st.sampled_from([None, True, False]),
)


def rank(assessment) -> int:
    return LEVELS.index(assessment.level)


@FUZZ
@given(findings, contexts, st.sampled_from(SYMPTOMS))
def test_one_more_sign_never_lowers_the_level(found, context, extra):
    before = assess(found, context)
    assert before.level in LEVELS and len(before.questions) <= 2
    after = assess(found + [{"symptom": extra}], context)
    assert rank(after) >= rank(before)


@FUZZ
@given(findings, contexts, st.sampled_from(SYMPTOMS))
def test_a_denied_sign_counts_as_absent(found, context, denied):
    others = [f for f in found if f["symptom"] != denied]
    with_denial = assess(others + [{"symptom": denied, "negated": True}], context)
    assert with_denial.level == assess(others, context).level
    assert rank(with_denial) <= rank(assess(others + [{"symptom": denied}], context))


@FUZZ
@given(findings, st.one_of(st.integers(0, 4000), st.floats(0, 4000, allow_nan=False)), st.sampled_from([None, True, False]))
def test_not_knowing_a_fact_never_guesses_downward(found, days, sudden):
    """Unknown -> the higher level, or a question about it."""
    unknown = assess(found, {"sudden_onset": sudden})
    known = assess(found, {"days_since_infusion": days, "sudden_onset": sudden})
    assert rank(unknown) >= rank(known) or "days_since_infusion" in unknown.questions
    for onset in (True, False):
        told = assess(found, {"days_since_infusion": days, "sudden_onset": onset})
        untold = assess(found, {"days_since_infusion": days})
        assert rank(untold) >= rank(told) or "sudden_onset" in untold.questions or rank(untold) == LEVELS.index("emergency")
