"""The NLU component's word on the intent: a listed sign, a complaint or a doubtful crisis
guess changes what the classifier said."""

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.rasa_component import SymptomEntityExtractor


@pytest.fixture(scope="module")
def component():
    return SymptomEntityExtractor(SymptomEntityExtractor.get_default_config())


def intent_after(component, text, intent, confidence=0.9):
    message = Message(data={TEXT: text, INTENT: {"name": intent, "confidence": confidence}})
    component.process([message])
    return message.get(INTENT)["name"]


@pytest.mark.parametrize("intent", ["greet", "out_of_scope", "nlu_fallback", "ask_other"])
def test_a_listed_sign_is_always_a_report(component, intent):
    assert intent_after(component, "hi, my gums keep bleeding", intent) == "report_symptoms"


@pytest.mark.parametrize(
    "text,intent",
    [
        ("twisted my knee playing football", "out_of_scope"),
        ("constipated for a couple of days", "give_time"),
        ("I can't sleep at night", "deny"),
        ("hey, my back aches", "greet"),
    ],
)
def test_a_complaint_the_classifier_was_unsure_of_is_a_report(component, text, intent):
    assert intent_after(component, text, intent) == "report_symptoms"


@pytest.mark.parametrize(
    "text,intent",
    [
        ("what pain relief can I take with lemtrada?", "ask_other"),  # a question stays a question
        ("no", "deny"),
        ("3 days ago", "give_time"),
        ("thanks a lot", "thanks"),
    ],
)
def test_other_messages_keep_their_intent(component, text, intent):
    assert intent_after(component, text, intent) == intent


def test_a_crisis_guess_without_any_word_of_harm_or_despair_is_not_believed(component):
    assert intent_after(component, "my wee is a normal colour, the nurse asked me to keep an eye on it", "crisis") != "crisis"


@pytest.mark.parametrize("text", ["I hurt so much inside I want it all to stop", "everyone would manage fine if I was gone"])
def test_a_crisis_guess_with_such_words_stays(component, text):
    assert intent_after(component, text, "crisis") in ("crisis", "report_symptoms")


def test_crisis_words_in_the_lexicon_make_a_report_with_the_crisis_sign(component):
    message = Message(data={TEXT: "I've been saving up my tablets", INTENT: {"name": "crisis", "confidence": 0.9}})
    component.process([message])
    assert message.get(INTENT)["name"] == "report_symptoms"
    assert any(e.get("value") == "suicidal_thoughts" for e in message.get("entities"))


def test_loading_the_model_does_not_silence_the_servers_info_log():
    import logging
    import subprocess
    import sys

    code = (
        "import logging; logging.basicConfig(level=logging.INFO); "
        "import bot.nlu.rasa_component; "
        "from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier; "
        "import skops.io; print(logging.getLogger().level)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == str(logging.INFO), out.stderr[-2000:]


def test_triage_today_fixes_the_day_weekdays_count_from(monkeypatch):
    import datetime as dt

    from bot.settings import today

    monkeypatch.setenv("TRIAGE_TODAY", "2026-11-26")
    assert today() == dt.date(2026, 11, 26)
    for bad in ("", "tomorrow", "2026-13-40"):
        monkeypatch.setenv("TRIAGE_TODAY", bad)
        assert today() is None  # the machine's date; a wrong value never breaks a turn
