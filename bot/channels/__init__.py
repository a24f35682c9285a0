"""Rasa input channels of the assistant (registered in credentials.yml by class path).

Importing the package keeps sender ids out of Rasa's own log lines (bot.log_privacy)."""

from bot import log_privacy

log_privacy.install()
