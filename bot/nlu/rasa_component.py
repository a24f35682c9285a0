"""The Rasa NLU component: symptom findings and infusion times as entities.

It runs after the intent classifier and the FallbackClassifier. When a message reports a
present symptom it sets the intent to report_symptoms, so that a symptom said in a greeting,
a question or a garbled sentence still reaches the triage (thoughts of suicide are a symptom
too, so a crisis in words the lexicon knows is triaged the same way; the classifier's crisis
intent covers the rest, unless the message has no word of death, harm or despair at all).
A message the classifier was unsure of that names a complaint ("twisted my knee") is a
report too, and gets the routine answer.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.extractor import default_extractor
from bot.nlu.rasa_entities import entities_for
from bot.settings import today as settings_today


def _import_skops_keeping_the_log_level() -> None:
    """Rasa's LogisticRegressionClassifier imports skops.io when the model loads, and that
    import sets the root logger to WARNING: every INFO line of the server (our channels'
    included) went silent from then on. Imported here first, with the level put back."""
    root = logging.getLogger()
    level = root.level
    try:
        import skops.io  # noqa: F401
    except ImportError:  # pragma: no cover - skops comes with rasa 3.6
        pass
    finally:
        root.setLevel(level)


_import_skops_keeping_the_log_level()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class SymptomEntityExtractor(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "report_intent": "report_symptoms",
            "unsure_intents": ["nlu_fallback", "out_of_scope", "greet", "goodbye", "thanks"],
            # a complaint word turns these into a report too ("constipated for 2 days" is not
            # only a time, "can't sleep" not only a no); answers to the bot's questions are
            # still read from the words (bot/conversation.py)
            "complaint_intents": ["give_time", "affirm", "deny"],
            "crisis_intent": "crisis",
            "fallback_intent": "nlu_fallback",
        }

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config
        self._extractor = default_extractor()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SymptomEntityExtractor:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text: str | None = message.get(TEXT)
            if not text:
                continue
            today = settings_today()
            extraction = self._extractor.extract(text, today=today)
            answer = self._extractor.answer_time(text, today=today)
            entities = list(message.get(ENTITIES, [])) + entities_for(extraction, answer)
            message.set(ENTITIES, entities, add_to_output=True)
            intent = (message.get(INTENT) or {}).get("name")
            said_signs = [f for f in extraction.findings if not f.hypothetical]
            unsure = intent in self._config["unsure_intents"]
            if intent == self._config["crisis_intent"] and not self._extractor.mentions_crisis_words(text):
                # the classifier's crisis with not one word of death, harm or despair: unsure
                unsure = True
                message.set(INTENT, {"name": self._config["fallback_intent"], "confidence": 0.0}, add_to_output=True)
            complaint = self._extractor.mentions_complaint(text)
            if intent in self._config["complaint_intents"] and complaint:
                unsure = True
            if extraction.present or (unsure and (said_signs or complaint)):
                # "cough and clear phlegm, no fever", "twisted my knee": a report with no
                # listed sign (routine answer), not gibberish or chit-chat
                message.set(
                    INTENT,
                    {"name": self._config["report_intent"], "confidence": 1.0},
                    add_to_output=True,
                )
        return messages
