"""SMS text shaping: GSM-7 only, segment counting, numbered options instead of buttons, and
one SMS body per bot turn (so the parts of an answer cannot arrive out of order).

Pure Python, no Rasa import: the turn is the list of message dicts that Rasa's
CollectingOutputChannel gathers ({"text", "buttons", "custom", ...}).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

# GSM 03.38: the basic table is one septet a character, the extension table two (escape + char).
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "^{}\\[~]|€\f"
_GSM7 = frozenset(GSM7_BASIC + GSM7_EXTENSION)

SINGLE_SEGMENT = 160  # septets in a lone SMS
CONCAT_SEGMENT = 153  # septets per part once the message is split (the rest is the join header)
UCS2_SINGLE, UCS2_CONCAT = 70, 67
MAX_SMS_CHARS = 1600  # Twilio's limit for one message body

# Common characters outside GSM-7 and their plain replacements; anything else outside the set
# loses its accents (NFKD) or, failing that, is dropped (emoji).
_REPLACEMENTS = {
    **dict.fromkeys("‘’‚‛′`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("‐‑‒–—―−", "-"),
    **dict.fromkeys("\u00a0\u2002\u2003\u2007\u2009\u200a\u202f\t", " "),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f", ""),
    "…": "...",
    "•": "-",
    "·": "-",
    "×": "x",
    "≤": "<=",
    "≥": ">=",
    "→": "->",
}


def _plain(ch: str) -> str:
    ch = _REPLACEMENTS.get(ch, ch)
    if all(c in _GSM7 for c in ch):
        return ch
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if c in _GSM7 and c not in "\r\f")


def to_gsm7(text: str) -> str:
    """The text with only GSM-7 characters, tidy spaces and no control characters."""
    text = text.replace("\r\n", "\n")
    text = "".join(_plain(ch) for ch in text).replace("\r", "\n").replace("\f", "\n")
    text = re.sub(r"[ ]{2,}", " ", text)
    return "\n".join(line.strip() for line in text.split("\n")).strip()


def is_gsm7(text: str) -> bool:
    return all(c in _GSM7 for c in text)


def septets(text: str) -> int:
    return sum(2 if c in GSM7_EXTENSION else 1 for c in text)


def _parts(text: str) -> list[str]:
    """The text as the phone network splits it into segments."""
    if not text:
        return []
    if not is_gsm7(text):
        units = len(text.encode("utf-16-le")) // 2
        size = UCS2_SINGLE if units <= UCS2_SINGLE else UCS2_CONCAT
        return [text[i : i + size] for i in range(0, len(text), size)]  # close enough for non-GSM text
    if septets(text) <= SINGLE_SEGMENT:
        return [text]
    parts, current, used = [], "", 0
    for c in text:
        width = 2 if c in GSM7_EXTENSION else 1
        if used + width > CONCAT_SEGMENT:  # an escape pair is never split across segments
            parts.append(current)
            current, used = "", 0
        current += c
        used += width
    return parts + [current]


def segments(text: str) -> int:
    """How many SMS segments the text costs (GSM-7: 160, or 153 each when split; UCS-2: 70/67)."""
    if text and not is_gsm7(text):
        units = len(text.encode("utf-16-le")) // 2
        return 1 if units <= UCS2_SINGLE else math.ceil(units / UCS2_CONCAT)
    return len(_parts(text))


def first_segment(text: str) -> str:
    """What the first segment carries: the part a phone shows in its notification."""
    parts = _parts(text)
    return parts[0] if parts else ""


def numbered_options(buttons: list[dict]) -> str:
    """Quick replies as words: "Reply 1 for Yes, 2 for No." (';' between titles with commas)."""
    titles = [to_gsm7(str(b.get("title") or b.get("payload") or "")) for b in buttons]
    separator = "; " if any("," in t for t in titles) else ", "
    return "Reply " + separator.join(f"{i} for {t}" for i, t in enumerate(titles, 1)) + "."


def option_number(reply: str) -> int | None:
    """The number in a reply such as "1", " 2. " or "#3", else None."""
    match = re.fullmatch(r"\s*#?\s*(\d{1,2})\s*[.)!]?\s*", reply or "")
    return int(match.group(1)) if match else None


def chosen_option(reply: str, buttons: list[dict]) -> str | None:
    """The payload of the option a numbered reply picks, or None."""
    number = option_number(reply)
    if number is None or not 1 <= number <= len(buttons):
        return None
    button = buttons[number - 1]
    return str(button.get("payload") or button.get("title") or "")


@dataclass
class SmsTurn:
    """One bot turn shaped for SMS: a single GSM-7 body, the triage level if the turn carried
    advice, and the options it offered."""

    text: str
    level: str | None = None
    options: list[dict] = field(default_factory=list)

    @property
    def segments(self) -> int:
        return segments(self.text)


def shape_turn(messages: list[dict]) -> SmsTurn:
    """Rasa's messages of one turn -> one SMS body. The {"triage": ...} payload is not sent; an
    emergency answer moves ahead of everything else (the safety notice of a first message
    included), so the action sits in the first segment."""
    texts: list[str] = []
    level, advice_at, options = None, None, []
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("triage"), dict):
            level = custom["triage"].get("level")
            advice_at = len(texts) - 1 if texts else None
            continue
        text = to_gsm7(str(message.get("text") or ""))
        buttons = message.get("buttons") or message.get("quick_replies") or []
        if buttons:
            options = list(buttons)
            text = f"{text}\n{numbered_options(buttons)}" if text else numbered_options(buttons)
        if text:
            texts.append(text)
    if level == "emergency" and advice_at:
        texts.insert(0, texts.pop(advice_at))
    return SmsTurn("\n".join(texts), level, options)


def split_for_sms(text: str, limit: int = MAX_SMS_CHARS) -> list[str]:
    """Bodies of at most `limit` characters, split between lines, then between words."""
    bodies: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            bodies.extend([current] if current else [])
            bodies.append(line[:cut].strip())
            current, line = "", line[cut:].strip()
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            bodies.append(current)
            candidate = line
        current = candidate
    if current:
        bodies.append(current)
    return [b for b in bodies if b]
