"""Clinic settings, read from the environment so that no clinic detail lives in the repo.

CLINIC_NAME, CLINIC_PHONE, EMERGENCY_NUMBER (911) and CRISIS_LINE (988) are configurable;
LOG_PATIENT_TEXT=1 is the only way to get patient text into logs. TRIAGE_TODAY fixes the date
for evaluations.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ClinicSettings:
    clinic_name: str = "your clinic"
    clinic_phone: str = ""
    emergency_number: str = "911"
    crisis_line: str = "988"
    log_patient_text: bool = False

    @property
    def care_team(self) -> str:
        """How the bot names the care team, with the phone number when one is configured."""
        if self.clinic_phone:
            return f"your care team at {self.clinic_name} ({self.clinic_phone})"
        return "your care team"


def clinic_settings(environ: dict | None = None) -> ClinicSettings:
    env = os.environ if environ is None else environ
    default = ClinicSettings()
    return ClinicSettings(
        clinic_name=env.get("CLINIC_NAME", "").strip() or default.clinic_name,
        clinic_phone=env.get("CLINIC_PHONE", "").strip(),
        emergency_number=env.get("EMERGENCY_NUMBER", "").strip() or default.emergency_number,
        crisis_line=env.get("CRISIS_LINE", "").strip() or default.crisis_line,
        log_patient_text=env.get("LOG_PATIENT_TEXT", "") == "1",
    )


def today() -> dt.date | None:
    """The day that "Monday" and "yesterday" count from: TRIAGE_TODAY (YYYY-MM-DD) when set, so
    that an evaluation run on another day reads the labelled cases the same way; else None
    (the machine's date, also when the value is not a date). Not for production use."""
    try:
        return dt.date.fromisoformat(os.environ.get("TRIAGE_TODAY", "").strip())
    except ValueError:
        return None
