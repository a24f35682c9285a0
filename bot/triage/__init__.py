"""The triage engine: pure Python, no Rasa. The NLU finds symptoms; this decides."""

from bot.triage.engine import LEVELS, Assessment, Context, Finding, assess
from bot.triage.knowledge import Knowledge, KnowledgeError, load_knowledge

__all__ = [
    "LEVELS",
    "Assessment",
    "Context",
    "Finding",
    "Knowledge",
    "KnowledgeError",
    "assess",
    "load_knowledge",
]
