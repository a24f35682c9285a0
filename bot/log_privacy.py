"""No sender id in the logs: a sender id can be a phone number (SMS) or a patient's chosen name.

Our channels log a short hash of the sender (`tag`). Rasa's own modules put the raw id in a few
lines ("Circuit breaker tripped ... for sender '...'", "Could not acquire lock for
conversation_id '...'"); `install()` wraps the logging record factory so that, in every record
of Rasa or Sanic, a quoted id after "sender", "sender_id", "conversation ID" or
"conversation_id" becomes its hash. Installed when the channels package is imported (Rasa loads
it from credentials.yml before the first message); installing twice is harmless.
"""

from __future__ import annotations

import hashlib
import logging
import re

_PREFIXES = ("rasa", "sanic")
_QUOTED_ID = re.compile(r"""(?i)(\b(?:sender(?:[ _]id)?|conversation[ _]id)\s*[:=]?\s*)(['"])(.*?)\2""")
_installed = False


def tag(sender: str) -> str:
    """A short, stable stand-in for a sender id in logs (not reversible in practice)."""
    return hashlib.sha256(sender.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def redact(message: str) -> str:
    """The message with every quoted sender or conversation id replaced by its tag."""
    return _QUOTED_ID.sub(lambda m: f"{m.group(1)}{m.group(2)}#{tag(m.group(3))}{m.group(2)}", message)


def install() -> None:
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def private_record(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if record.name.startswith(_PREFIXES):
            try:
                message = record.getMessage()
            except Exception:  # a malformed log call stays Rasa's problem, unchanged
                return record
            private = redact(message)
            if private != message:
                record.msg, record.args = private, None
        return record

    logging.setLogRecordFactory(private_record)
    _installed = True
