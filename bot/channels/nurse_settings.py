"""The nurse channel's settings: each from its environment variable or, failing that, from
`bot.channels.nurse.NurseInput:` in credentials.yml. The API token comes from the environment
only: no secret in the repo. Table and meanings: docs/nurse.md."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

MIN_TOKEN_CHARS = 16


@dataclass(frozen=True)
class NurseSettings:
    api_token: str = ""
    db_url: str = "sqlite:///nurse.db"
    session_hours: float = 8.0
    cookie_secure: bool = False  # set it when the console is served over HTTPS

    ENV: ClassVar[dict[str, str]] = {
        "db_url": "NURSE_DB_URL",
        "session_hours": "NURSE_SESSION_HOURS",
        "cookie_secure": "NURSE_COOKIE_SECURE",
    }

    @classmethod
    def load(cls, credentials: Mapping[str, Any] | None, environ: Mapping[str, str] | None = None) -> NurseSettings:
        env = os.environ if environ is None else environ
        credentials = credentials or {}
        default = cls()
        values: dict[str, Any] = {"api_token": env.get("NURSE_API_TOKEN", "").strip()}
        for name, variable in cls.ENV.items():
            raw = env.get(variable, "").strip() or credentials.get(name)
            if raw is None or raw == "":
                continue
            kind = type(getattr(default, name))
            if kind is bool:
                values[name] = raw if isinstance(raw, bool) else str(raw).strip().lower() in ("1", "true", "yes", "on")
            else:
                values[name] = kind(raw)
        if values.get("session_hours", default.session_hours) <= 0:
            raise ValueError("NURSE_SESSION_HOURS must be more than 0")
        return cls(**values)

    @property
    def token_usable(self) -> bool:
        return len(self.api_token) >= MIN_TOKEN_CHARS
