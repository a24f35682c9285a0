"""What a patient writes is only text. Channel-free helpers, used by the REST, widget and SMS
channels.

Rasa reads a message that starts with "/" as a command: "/restart" restarts the conversation
and `/report_symptoms{"symptom": "fever"}` sets an intent and entities without the NLU
(rasa/nlu/classifiers/regex_message_handler.py, run after every NLU component). A patient
must not be able to do that. `neutralise` drops the leading "/" so the words are read by the
NLU like any other text, and marks a message shaped like a command ("/restart",
"/affirm@1.0", "/intent{...}") so that its command word gives it no intent either: only what
the symptom reader finds in it counts (a warning sign is never lost). A payload the bot itself
offered on a button in its last turn passes unchanged.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Collection, Iterable
from typing import Any

logger = logging.getLogger(__name__)

COMMAND = re.compile(r"^/+\s*[^\s{@/]+(@[0-9.]*)?(\{.*\})?\s*$", re.S)
# intents the NLU may give a command-shaped message: its words report a warning sign
KEPT_INTENTS = frozenset({"report_symptoms", "crisis"})
_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def clean(text: str) -> str:
    """Control characters become spaces (tab and line breaks stay), lone surrogates (invalid
    UTF-16 halves that JSON allows but no database stores) go, the rest is kept as written."""
    text = _BREAKS.sub("\n", text)
    kept = []
    for ch in text:
        kind = unicodedata.category(ch)
        if kind == "Cs":
            continue
        kept.append(" " if kind == "Cc" and ch not in "\n\t" else ch)
    return "".join(kept).strip()


def offered_payloads(events: Iterable[Any]) -> set[str]:
    """The button payloads of the bot's last turn (since the person last wrote)."""
    payloads: set[str] = set()
    for event in reversed(list(events or [])):
        data = event if isinstance(event, dict) else {"event": getattr(event, "type_name", None), "data": getattr(event, "data", None)}
        if data.get("event") == "user":
            break
        if data.get("event") == "bot":
            for button in (data.get("data") or {}).get("buttons") or []:
                if isinstance(button, dict) and isinstance(button.get("payload"), str):
                    payloads.add(button["payload"])
    return payloads


def neutralise(text: str, offered: Collection[str] = ()) -> tuple[str, bool]:
    """(the text to read, whether it was shaped like a command). Rasa's "/" shortcut stays
    only for a payload the bot offered."""
    if not text.startswith("/") or text in offered:
        return text, False
    return text.lstrip("/").strip(), COMMAND.match(text) is not None


def without_command_intent(parse_data: dict) -> dict:
    """The NLU's reading of a command-shaped message, minus the intent its command word
    would give: unless the words report a warning sign, it is a message the bot did not
    understand (answered with 911 and the care team, or as the answer to a pending question)."""
    intent = (parse_data.get("intent") or {}).get("name")
    if intent in KEPT_INTENTS:
        return parse_data
    fallback = {"name": "nlu_fallback", "confidence": 1.0}
    return {**parse_data, "intent": fallback, "intent_ranking": [fallback]}


async def offered_to(agent: Any, sender: str) -> set[str]:
    """The payloads the bot offered this conversation in its last turn; none when they cannot
    be read (then a "/..." message is read as words, which is the safe side)."""
    if agent is None:
        return set()
    try:
        tracker = await agent.tracker_store.retrieve(sender)
    except Exception as error:  # noqa: BLE001
        logger.warning("could not read the offered buttons (%s)", type(error).__name__)
        return set()
    return offered_payloads(tracker.events) if tracker else set()


async def as_patient_text(agent: Any, sender: str, text: str, also_allowed: Collection[str] = ()) -> tuple[str, dict | None]:
    """(the text to hand to Rasa, the parse data to use instead of Rasa's or None). A "/..."
    shortcut passes only when the bot offered it or the channel itself sends it
    (also_allowed, e.g. the widget's opening "/greet")."""
    if not text.startswith("/") or text in also_allowed:
        return text, None
    text, command = neutralise(text, await offered_to(agent, sender))
    if command and text and agent is not None:
        return text, without_command_intent(await agent.parse_message(text))
    return text, None
