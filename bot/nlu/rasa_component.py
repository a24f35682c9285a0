"""The Rasa NLU component: symptom findings and infusion times as entities.

It runs after DIET and the FallbackClassifier. When a message reports a present symptom it
sets the intent to report_symptoms, so that a symptom said in a greeting, a question or a
garbled sentence still reaches the triage (thoughts of suicide are a symptom too, so a
crisis in words the lexicon knows is triaged the same way; DIET's crisis intent covers the
rest).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.extractor import default_extractor
from bot.nlu.rasa_entities import entities_for


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class SymptomEntityExtractor(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "report_intent": "report_symptoms",
            "unsure_intents": ["nlu_fallback", "out_of_scope", "greet", "goodbye", "thanks"],
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
            extraction = self._extractor.extract(text)
            answer = self._extractor.answer_time(text)
            entities = list(message.get(ENTITIES, [])) + entities_for(extraction, answer)
            message.set(ENTITIES, entities, add_to_output=True)
            intent = (message.get(INTENT) or {}).get("name")
            said_signs = [f for f in extraction.findings if not f.hypothetical]
            if extraction.present or (said_signs and intent in self._config["unsure_intents"]):
                # "cough and clear phlegm, no fever": a report with no listed sign, not gibberish
                message.set(
                    INTENT,
                    {"name": self._config["report_intent"], "confidence": 1.0},
                    add_to_output=True,
                )
        return messages
