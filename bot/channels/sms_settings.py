"""The SMS channel's settings: each from its environment variable or, failing that, from
`bot.channels.sms.SmsInput:` in credentials.yml. Table and meanings: docs/sms.md."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class SmsSettings:
    """Each setting comes from its environment variable or, failing that, credentials.yml.
    The auth token comes from the environment only: no secret in the repo."""

    auth_token: str = ""
    account_sid: str = ""
    twilio_number: str = ""
    messaging_service_sid: str = ""
    public_url: str = ""
    api_base: str = "https://api.twilio.com"
    optout_db: str = "sms_optout.db"
    send_retries: int = 3
    retry_backoff: float = 0.5
    confirm_opt_out: bool = True

    ENV: ClassVar[dict[str, str]] = {
        "account_sid": "TWILIO_ACCOUNT_SID",
        "twilio_number": "TWILIO_NUMBER",
        "messaging_service_sid": "TWILIO_MESSAGING_SERVICE_SID",
        "public_url": "SMS_PUBLIC_URL",
        "api_base": "TWILIO_API_BASE",
        "optout_db": "SMS_OPTOUT_DB",
        "send_retries": "SMS_SEND_RETRIES",
        "retry_backoff": "SMS_RETRY_BACKOFF",
        "confirm_opt_out": "SMS_CONFIRM_OPT_OUT",
    }

    @classmethod
    def load(cls, credentials: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None) -> SmsSettings:
        env = os.environ if environ is None else environ
        credentials = credentials or {}
        default = cls()
        values: dict[str, Any] = {"auth_token": env.get("TWILIO_AUTH_TOKEN", "").strip()}
        for name, variable in cls.ENV.items():
            raw = env.get(variable, "").strip() or credentials.get(name)
            if raw is None or raw == "":
                continue
            kind = type(getattr(default, name))
            if kind is bool:
                values[name] = raw if isinstance(raw, bool) else str(raw).strip().lower() in ("1", "true", "yes", "on")
            else:
                values[name] = kind(raw)
        return cls(**values)
