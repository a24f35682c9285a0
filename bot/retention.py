"""Delete the conversations older than N days from the tracker store (SQLite or PostgreSQL).

    python -m bot.retention --days 30 [--dry-run]      # make retention DAYS=30

A conversation is older than N days when its latest event is: one that went on yesterday is
kept whole, even if it began months ago. Every event of a deleted conversation goes (all its
sessions). The store is the one the environment chooses (bot.layout: TRACKER_STORE, SQLITE_DB,
DB_URL / DB_HOST ..., POSTGRESQL_SCHEMA); Rasa's table `events` is read directly, so the Rasa
servers may keep running. Prints how many conversations and events were deleted.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bot.layout import Layout, LayoutError, sql_engine


@dataclass(frozen=True)
class Deleted:
    conversations: int
    events: int


def delete_older_than(layout: Layout, days: float, dry_run: bool = False, now: float | None = None) -> Deleted:
    if layout.tracker_store == "sqlite" and not Path(layout.sqlite_db).exists():
        return Deleted(0, 0)
    cutoff = (time.time() if now is None else now) - days * 86400
    engine = sql_engine(layout.tracker_url(), layout.connect_timeout)
    old = sa.text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff")
    ids = sa.bindparam("ids", expanding=True)
    count = sa.text("SELECT COUNT(*) FROM events WHERE sender_id IN :ids").bindparams(ids)
    delete = sa.text("DELETE FROM events WHERE sender_id IN :ids").bindparams(ids)
    try:
        with engine.begin() as connection:  # one transaction: all or nothing
            if not sa.inspect(connection).has_table("events"):
                return Deleted(0, 0)
            senders = [row[0] for row in connection.execute(old, {"cutoff": cutoff})]
            events = 0
            for start in range(0, len(senders), 500):
                batch = {"ids": senders[start : start + 500]}
                if dry_run:
                    events += connection.execute(count, batch).scalar()
                else:
                    events += connection.execute(delete, batch).rowcount
            return Deleted(len(senders), events)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.retention", description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, required=True, help="keep the conversations active in the last N days")
    parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
    args = parser.parse_args(argv)
    if args.days <= 0:
        parser.error("--days must be more than 0")
    try:
        layout = Layout.from_env()
        deleted = delete_older_than(layout, args.days, args.dry_run)
    except LayoutError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except sa.exc.DBAPIError as error:
        print(f"error: cannot reach the tracker store: {str(error.orig).strip().splitlines()[0]}", file=sys.stderr)
        return 2
    store = layout.postgres.describe() if layout.postgres else f"SQLite file {layout.sqlite_db}"
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{verb} {deleted.conversations} conversation(s), {deleted.events} event(s), "
          f"inactive for more than {args.days:g} day(s), from {store}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
