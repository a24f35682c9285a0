"""The SMS keywords (STOP, START, HELP) and the channel's own fixed answers.

The keywords are Twilio's default opt-out / opt-in / help words, so our list and Twilio's
agree when the number also has Twilio's Advanced Opt-Out on. A keyword is the whole message,
in any case, with surrounding punctuation ignored: "stop", "Stop." and "STOP!" all count,
"stop the fever" does not.
"""

from __future__ import annotations

from bot.settings import ClinicSettings

OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
OPT_IN = frozenset({"start", "unstop"})
HELP = frozenset({"help", "info"})


def keyword(body: str, opted_out: bool = False) -> str | None:
    """"stop", "start", "help" or None. "yes" restarts messages only for an opted-out number
    (as on Twilio); otherwise it is an answer to the bot."""
    word = (body or "").strip().strip(".!?,;:'\"()").strip().lower()
    if word in OPT_OUT:
        return "stop"
    if word in OPT_IN or (opted_out and word == "yes"):
        return "start"
    if word in HELP:
        return "help"
    return None


def _reach_a_person(settings: ClinicSettings) -> str:
    if settings.clinic_phone:
        return f"To reach a person, call {settings.clinic_name} at {settings.clinic_phone}."
    return "To reach a person, call your care team."


def help_text(settings: ClinicSettings) -> str:
    return (
        f"Alemtuzumab (Lemtrada) symptom helper of {settings.clinic_name}. {_reach_a_person(settings)} "
        f"In an emergency, call {settings.emergency_number} now. Reply STOP to end messages."
    )


def stop_text(settings: ClinicSettings) -> str:
    return (
        "You will get no more messages from this number. Reply START to get them again. "
        f"In an emergency, call {settings.emergency_number} now."
    )


def start_text(settings: ClinicSettings) -> str:
    return (
        "Messages are on again. Tell me how you feel or ask about the medicine. "
        f"Reply HELP for help, STOP to stop. In an emergency, call {settings.emergency_number} now."
    )


def empty_text(settings: ClinicSettings) -> str:
    return (
        "I can only read text. Tell me in words what you feel, or ask about the medicine. "
        f"In an emergency, call {settings.emergency_number} now."
    )


def too_long_text(settings: ClinicSettings, limit: int) -> str:
    return (
        f"Your message is too long for me to read. Please send a shorter one (under {limit} characters). "
        f"In an emergency, call {settings.emergency_number} now. {_reach_a_person(settings)}"
    )


def fallback_text(settings: ClinicSettings) -> str:
    """When the bot fails or says nothing: never silence."""
    return (
        f"Sorry, I cannot answer right now. If this might be an emergency, call {settings.emergency_number} now. "
        f"{_reach_a_person(settings)}"
    )
