"""The lexicon's matcher runs only the patterns whose first word is in the message; its
matches are exactly those of spaCy's Matcher over every pattern."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from spacy.matcher import Matcher

from bot.nlu.extractor import NOT_A_SYMPTOM, SymptomExtractor
from bot.nlu.patterns import IndexedMatcher, compile_phrase

CASES = Path(__file__).resolve().parents[2] / "benchmarks" / "cases"


@pytest.fixture(scope="module")
def extractor():
    return SymptomExtractor()


@pytest.fixture(scope="module")
def every_pattern(extractor):
    kb = extractor.knowledge
    matcher = Matcher(extractor.nlp.vocab)
    for sid, symptom in kb.symptoms.items():
        matcher.add(sid, [p for phrase in symptom.phrases for p in compile_phrase(phrase)])
    matcher.add(NOT_A_SYMPTOM, [p for phrase in kb.not_symptoms for p in compile_phrase(phrase)])
    return matcher


def doc_of(extractor, text):
    doc = extractor.nlp(extractor._normalised(text).text)
    for token in doc:
        token.norm_ = extractor.spelling(token.text)
    return doc


def sample_texts(count=200, seed=3):
    texts = [case["text"] for path in sorted(CASES.glob("dev*.yml")) for case in yaml.safe_load(path.read_text())["cases"]]
    return random.Random(seed).sample(texts, count)


ODD = ["", "?", "~ ~ ~", "blood " * 40, "my face my face is is drooping drooping", "3 weeks ago", "dizzy?", "x 2 hrs",
       "pins and needles", "thunderclap", "no no no", "😀", "kms"]


@pytest.mark.parametrize("text", sample_texts() + ODD)
def test_the_indexed_matcher_finds_what_spacys_matcher_finds(extractor, every_pattern, text):
    doc = doc_of(extractor, text)
    assert sorted(extractor.matcher(doc)) == sorted(every_pattern(doc))


def test_patterns_that_do_not_start_with_a_plain_word_always_run():
    import spacy

    nlp = spacy.blank("en")
    matcher = IndexedMatcher(nlp.vocab)
    matcher.add("regex_first", [[{"LOWER": {"REGEX": "^bleed"}}, {"NORM": "gums"}]])
    matcher.add("optional_first", [[{"NORM": "very", "OP": "?"}, {"NORM": "dizzy"}]])
    matcher.add("plain", [[{"NORM": {"IN": ["sore", "stiff"]}}, {"NORM": "neck"}]])
    found = {nlp.vocab.strings[k] for k, _, _ in matcher(nlp("bleeding gums and dizzy, stiff neck"))}
    assert found == {"regex_first", "optional_first", "plain"}
    assert matcher(nlp("nothing here")) == []
    assert len(matcher) == 3


def test_every_pattern_of_the_lexicon_is_valid_for_spacy(extractor):
    # the matcher loads them without spaCy's check, which took most of a start
    from spacy.schemas import validate_token_pattern

    kb = extractor.knowledge
    phrases = [p for s in kb.symptoms.values() for p in s.phrases] + list(kb.not_symptoms)
    errors = [(phrase, validate_token_pattern(pattern)) for phrase in phrases for pattern in compile_phrase(phrase)]
    assert [e for e in errors if e[1]] == []
    assert len(errors) > 30000


def test_a_malformed_pattern_is_caught_by_that_check():
    from spacy.schemas import validate_token_pattern

    assert validate_token_pattern([{"NORM": {"IN": "not a list"}}])
