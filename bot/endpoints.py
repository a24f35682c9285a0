"""Write the Rasa endpoints file for the layout the environment chooses (bot.layout).

    python -m bot.endpoints --out .run/endpoints.yml [--check] [--create-db]

Rasa's endpoints.yml expands ${VAR} but has no conditionals, so the layout (SQLite or
PostgreSQL, in-memory or Redis locks) is chosen here. With no variable set, the file says what
the checked-in endpoints.yml says (SQLite, in-memory locks). Secrets never go into the file:
it refers to ${DB_URL}, ${DB_PASSWORD} and ${REDIS_PASSWORD}, which Rasa reads from its own
environment. --check tests the services first and exits with status 2 and a clear message
when one cannot be reached (bot.preflight).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from bot.layout import Layout


def endpoints(layout: Layout) -> dict:
    config: dict = {"action_endpoint": {"url": "${ACTION_ENDPOINT_URL}"}}
    if layout.tracker_store == "sqlite":
        # with no variable set, exactly the checked-in endpoints.yml
        config["tracker_store"] = {"type": "bot.tracker_store.TriageTrackerStore", "dialect": "sqlite", "db": "${SQLITE_DB}"}
    else:
        pg = layout.postgres
        store = {"type": "bot.tracker_store.TriageTrackerStore", "dialect": "postgresql"}
        if pg.raw_url:
            store["url"] = "${DB_URL}"
        else:
            store.update(url=pg.host, port=pg.port, db=pg.db, username=pg.user)
            if pg.password:
                store["password"] = "${DB_PASSWORD}"
        store["connect_timeout"] = layout.connect_timeout
        config["tracker_store"] = store
    if layout.session_expiration_minutes is not None:
        config["tracker_store"]["session_expiration_time"] = layout.session_expiration_minutes
    if layout.redis is not None:
        red = layout.redis
        lock = {"type": "bot.lock_store.TriageRedisLockStore", "url": red.host, "port": red.port, "db": red.db, "socket_timeout": layout.connect_timeout}
        if red.password:
            lock["password"] = "${REDIS_PASSWORD}"
        if red.key_prefix:
            lock["key_prefix"] = red.key_prefix
        config["lock_store"] = lock
    elif layout.lock_store == "sqlite":
        config["lock_store"] = {"type": "bot.lock_store.TriageSQLiteLockStore", "db": layout.sqlite_lock_db}
    return config


def render(layout: Layout) -> str:
    head = f"# Written by `python -m bot.endpoints` ({layout.describe()}). Do not edit: set the\n# environment variables of docs/production.md and run it again.\n"
    return head + yaml.safe_dump(endpoints(layout), sort_keys=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.endpoints", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=".run/endpoints.yml", help="where to write the file (default .run/endpoints.yml)")
    parser.add_argument("--check", action="store_true", help="check that PostgreSQL / Redis can be reached first")
    parser.add_argument("--create-db", action="store_true", help="with --check: create the PostgreSQL database if missing")
    args = parser.parse_args(argv)
    from bot.preflight import checked_layout

    layout = checked_layout(check=args.check, create_db=args.create_db)
    if layout is None:
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(layout))
    print(f"==> {out}: {layout.describe()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
