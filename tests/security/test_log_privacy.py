"""Rasa's own log lines carry no sender id (a phone number on SMS): bot.log_privacy."""

import logging

import pytest

from bot import log_privacy

PHONE = "+15551234567"


@pytest.fixture
def records():
    log_privacy.install()
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record)

    handler = Keep(level=logging.DEBUG)
    loggers = [logging.getLogger(name) for name in ("rasa.core.processor", "rasa.core.lock_store", "bot.elsewhere")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield seen
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.mark.parametrize(
    "name, message, args",
    [
        ("rasa.core.processor", "Circuit breaker tripped. Stopped predicting more actions for sender '%s'.", (PHONE,)),
        ("rasa.core.processor", f"Circuit breaker tripped. Stopped predicting more actions for sender '{PHONE}'.", ()),
        ("rasa.core.lock_store", f"Could not acquire lock for conversation_id '{PHONE}'.", ()),
        ("rasa.core.lock_store", f"Failed to acquire lock for conversation ID \"{PHONE}\" because 2 other item(s)", ()),
    ],
)
def test_rasa_lines_name_the_sender_by_its_tag_only(records, name, message, args):
    logging.getLogger(name).warning(message, *args)
    text = records[-1].getMessage()
    assert PHONE not in text
    assert f"#{log_privacy.tag(PHONE)}" in text


def test_other_words_of_the_line_stay_and_other_loggers_are_untouched(records):
    logging.getLogger("rasa.core.processor").warning("Starting a new session for conversation ID '%s'.", PHONE)
    assert records[-1].getMessage().startswith("Starting a new session for conversation ID '#")
    logging.getLogger("bot.elsewhere").warning("sender '%s'", "kept")
    assert records[-1].getMessage() == "sender 'kept'"


def test_a_malformed_log_call_is_left_as_it_was(records):
    make = logging.getLogRecordFactory()
    record = make("rasa.core.processor", logging.WARNING, __file__, 1, "sender '%s' and %s", ("only one",), None)
    assert (record.msg, record.args) == ("sender '%s' and %s", ("only one",))


def test_the_channels_package_installs_it():
    import importlib

    import bot.channels

    importlib.reload(bot.channels)
    assert log_privacy._installed
    assert logging.getLogRecordFactory().__name__ == "private_record"
