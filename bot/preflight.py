"""Check the services of the layout before Rasa starts: a clear message instead of a server
that retries for ever (PostgreSQL) or fails on its first message (Redis).

    python -m bot.preflight [--create-db]      # exit 0, or 2 with one line per problem
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sqlalchemy as sa

from bot.layout import Layout, LayoutError


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _postgres_problem(layout: Layout, create_db: bool) -> str | None:
    import psycopg2

    pg = layout.postgres
    timeout = max(1, int(layout.connect_timeout))
    url = pg.url()
    try:
        psycopg2.connect(**_dsn(url), connect_timeout=timeout).close()
        return None
    except psycopg2.OperationalError as error:
        reason = _first_line(error).rstrip(".")
    if "does not exist" in reason and f'"{url.database}"' in reason and create_db:
        try:
            connection = psycopg2.connect(**_dsn(url.set(database="postgres")), connect_timeout=timeout)
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{url.database}"')
            connection.close()
            print(f"==> created the PostgreSQL database {url.database}")
            return None
        except psycopg2.Error as error:
            reason = f"{reason}; creating it failed: {_first_line(error)}"
    hint = "set DB_URL or DB_HOST / DB_PORT / DB_NAME / DB_USER / DB_PASSWORD, and start PostgreSQL"
    if "does not exist" in reason:
        hint = f"create it (createdb {url.database}, or run with --create-db)"
    return f"cannot reach {pg.describe()}: {reason}. {hint[0].upper()}{hint[1:]}."


def _dsn(url: sa.engine.URL) -> dict:
    dsn = {"host": url.host, "port": url.port or 5432, "dbname": url.database, "user": url.username}
    if url.password:
        dsn["password"] = url.password
    dsn.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    return {k: v for k, v in dsn.items() if v is not None}


def _redis_problem(layout: Layout) -> str | None:
    import redis

    red = layout.redis
    client = redis.Redis(
        host=red.host,
        port=red.port,
        db=red.db,
        password=red.password or None,
        socket_connect_timeout=layout.connect_timeout,
        socket_timeout=layout.connect_timeout,
    )
    try:
        client.ping()
        return None
    except redis.RedisError as error:
        return (
            f"cannot reach {red.describe()}: {_first_line(error).rstrip('.')}. Set REDIS_URL or REDIS_HOST / REDIS_PORT "
            "(REDIS_PASSWORD), and start Redis; or LOCK_STORE=memory for a single Rasa server."
        )
    finally:
        client.close()


def _sqlite_problem(layout: Layout) -> str | None:
    folder = Path(layout.sqlite_db).resolve().parent
    if not folder.is_dir():
        return f"the folder of SQLITE_DB ({folder}) does not exist"
    return None


def problems(layout: Layout, create_db: bool = False) -> list[str]:
    found = [_postgres_problem(layout, create_db) if layout.postgres else _sqlite_problem(layout)]
    if layout.redis is not None:
        found.append(_redis_problem(layout))
    return [p for p in found if p]


def checked_layout(check: bool = True, create_db: bool = False) -> Layout | None:
    """The layout the environment chooses, its services tested when `check`; None after one
    printed line per problem (a bad variable, a service that cannot be reached)."""
    try:
        layout = Layout.from_env()
    except LayoutError as error:
        print(f"error: {error}", file=sys.stderr)
        return None
    found = problems(layout, create_db=create_db) if check else []
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    return None if found else layout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.preflight", description=__doc__.split("\n\n")[0])
    parser.add_argument("--create-db", action="store_true", help="create the PostgreSQL database if missing")
    args = parser.parse_args(argv)
    layout = checked_layout(create_db=args.create_db)
    if layout is None:
        return 2
    print(f"==> services reachable: {layout.describe()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
