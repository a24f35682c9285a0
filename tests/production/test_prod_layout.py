"""The layout chosen by environment variables: the endpoints file, the start check, retention."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
import yaml
from prod_stack import PostgresDatabase, write_endpoints
from servers import ROOT, free_port

from bot.endpoints import endpoints, render
from bot.layout import Layout, LayoutError
from bot.preflight import problems
from bot.retention import delete_older_than


def test_the_default_layout_is_the_checked_in_endpoints_file():
    checked_in = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    assert endpoints(Layout.from_env({})) == checked_in
    assert yaml.safe_load(render(Layout.from_env({}))) == checked_in


def test_two_workers_on_one_machine_share_a_sqlite_lock_file():
    config = endpoints(Layout.from_env({"SANIC_WORKERS": "2", "SQLITE_DB": "/var/triage/rasa.db"}))
    assert config["lock_store"] == {"type": "bot.lock_store.TriageSQLiteLockStore", "db": "/var/triage/rasa.db.locks"}
    assert config["tracker_store"]["dialect"] == "sqlite"
    chosen = endpoints(Layout.from_env({"SANIC_WORKERS": "2", "LOCK_STORE": "sqlite", "SQLITE_LOCK_DB": "/tmp/l.db"}))
    assert chosen["lock_store"]["db"] == "/tmp/l.db"
    assert "lock_store" not in endpoints(Layout.from_env({"SANIC_WORKERS": "1"}))


def test_production_layout_from_parts_keeps_secrets_out_of_the_file():
    env = {"TRACKER_STORE": "postgres", "DB_HOST": "db.internal", "DB_PORT": "6543", "DB_NAME": "triage",
           "DB_USER": "bot", "DB_PASSWORD": "s3cret!", "LOCK_STORE": "redis", "REDIS_HOST": "cache",
           "REDIS_PORT": "6380", "REDIS_DB": "2", "REDIS_PASSWORD": "hunter2", "REDIS_KEY_PREFIX": "triage"}
    text = render(Layout.from_env(env))
    assert "s3cret" not in text and "hunter2" not in text
    config = yaml.safe_load(text)
    assert config["tracker_store"] == {
        "type": "bot.tracker_store.TriageTrackerStore", "dialect": "postgresql", "url": "db.internal", "port": 6543,
        "db": "triage", "username": "bot", "password": "${DB_PASSWORD}", "connect_timeout": 5.0,
    }
    assert config["lock_store"] == {"type": "bot.lock_store.TriageRedisLockStore", "url": "cache", "port": 6380, "db": 2, "socket_timeout": 5.0,
                                    "password": "${REDIS_PASSWORD}", "key_prefix": "triage"}


def test_a_db_url_is_referred_to_not_copied():
    layout = Layout.from_env({"TRACKER_STORE": "postgres", "DB_URL": "postgresql://bot:pw@db:5433/triage?sslmode=require",
                              "LOCK_STORE": "redis", "REDIS_URL": "redis://cache:6390/3"})
    config = endpoints(layout)
    assert config["tracker_store"]["url"] == "${DB_URL}" and "pw" not in render(layout)
    assert (layout.postgres.host, layout.postgres.port, layout.postgres.db) == ("db", 5433, "triage")
    assert layout.tracker_url().query == {"sslmode": "require"}
    assert (config["lock_store"]["url"], config["lock_store"]["port"], config["lock_store"]["db"]) == ("cache", 6390, 3)


def test_session_expiry_goes_to_the_tracker_store():
    config = endpoints(Layout.from_env({"SESSION_EXPIRATION_MINUTES": "30"}))
    assert config["tracker_store"]["type"] == "bot.tracker_store.TriageTrackerStore"
    assert config["tracker_store"]["session_expiration_time"] == 30.0


@pytest.mark.parametrize(
    "env,message",
    [
        ({"TRACKER_STORE": "mongo"}, "TRACKER_STORE"),
        ({"LOCK_STORE": "etcd"}, "LOCK_STORE"),
        ({"TRACKER_STORE": "postgres", "DB_URL": "mysql://x/y"}, "postgresql://"),
        ({"TRACKER_STORE": "postgres", "DB_PORT": "five"}, "DB_PORT"),
        ({"LOCK_STORE": "redis", "REDIS_URL": "redis://:pw@cache:6379/1"}, "REDIS_PASSWORD"),
        ({"LOCK_STORE": "redis", "REDIS_KEY_PREFIX": "a-b"}, "REDIS_KEY_PREFIX"),
        ({"SESSION_EXPIRATION_MINUTES": "-3"}, "negative"),
        ({"SANIC_WORKERS": "2", "LOCK_STORE": "memory"}, "needs a shared lock store"),
        ({"SANIC_WORKERS": "two"}, "SANIC_WORKERS"),
    ],
)
def test_a_wrong_variable_is_named(env, message):
    with pytest.raises(LayoutError, match=message):
        Layout.from_env(env)


def test_unreachable_services_are_reported_clearly():
    closed = free_port()
    layout = Layout.from_env({"TRACKER_STORE": "postgres", "DB_PORT": str(closed), "LOCK_STORE": "redis",
                              "REDIS_PORT": str(closed), "DB_CONNECT_TIMEOUT": "2"})
    found = problems(layout)
    assert len(found) == 2
    assert found[0].startswith(f"cannot reach PostgreSQL at 127.0.0.1:{closed}") and "refused" in found[0]
    assert found[1].startswith(f"cannot reach Redis at 127.0.0.1:{closed}")


def test_the_machine_s_services_pass_the_check():
    assert problems(Layout.from_env({"TRACKER_STORE": "postgres", "DB_NAME": "test", "LOCK_STORE": "redis"})) == []


def test_the_generator_refuses_to_write_when_a_service_is_down(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TRACKER_STORE": "postgres", "DB_PORT": str(free_port())}
    done = write_endpoints(env, tmp_path / "endpoints.yml")
    assert done.returncode == 2 and "cannot reach PostgreSQL" in done.stderr
    assert not (tmp_path / "endpoints.yml").exists()


def test_a_missing_database_is_created_on_request():
    name = f"triage_create_{int(time.time() * 1000) % 10**8}"
    env = {"TRACKER_STORE": "postgres", "DB_NAME": name}
    try:
        assert "does not exist" in problems(Layout.from_env(env))[0]
        assert problems(Layout.from_env(env), create_db=True) == []
        assert problems(Layout.from_env(env)) == []
    finally:
        PostgresDatabase._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- retention -------------------------------------------------------------------------------

DAY = 86400


def _fill(url: str) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    engine = sa.create_engine(url)
    SQLTrackerStore.Base.metadata.create_all(engine)
    now = time.time()
    rows = [("old", now - 40 * DAY), ("old", now - 35 * DAY),  # inactive 35 days
            ("long", now - 90 * DAY), ("long", now - 1 * DAY),  # began long ago, active yesterday
            ("new", now - 3600)]
    with engine.begin() as connection:
        for sender, ts in rows:
            connection.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'user', :t, '{}')"),
                               {"s": sender, "t": ts})
    engine.dispose()


def _senders(url: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = sorted({row[0] for row in connection.execute(sa.text("SELECT sender_id FROM events"))})
    engine.dispose()
    return found


def _retention(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.retention", *args], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env}, timeout=60)


def test_retention_on_sqlite_deletes_only_inactive_conversations(tmp_path):
    db = tmp_path / "tracker.db"
    _fill(f"sqlite:///{db}")
    env = {"SQLITE_DB": str(db)}
    dry = _retention(env, "--days", "30", "--dry-run")
    assert dry.returncode == 0 and "would delete 1 conversation(s), 2 event(s)" in dry.stdout
    assert _senders(f"sqlite:///{db}") == ["long", "new", "old"]
    done = _retention(env, "--days", "30")
    assert done.returncode == 0 and "deleted 1 conversation(s), 2 event(s)" in done.stdout
    assert _senders(f"sqlite:///{db}") == ["long", "new"]
    assert "deleted 1 conversation(s), 2 event(s)" in _retention(env, "--days", "0.5").stdout
    assert _senders(f"sqlite:///{db}") == ["new"]


def test_retention_on_postgres():
    database = PostgresDatabase()
    try:
        url = f"postgresql://postgres@127.0.0.1:5432/{database.name}"
        _fill(url)
        done = _retention({"TRACKER_STORE": "postgres", "DB_URL": url}, "--days", "30")
        assert done.returncode == 0, done.stderr
        assert "deleted 1 conversation(s), 2 event(s)" in done.stdout and database.name in done.stdout
        assert _senders(url) == ["long", "new"]
        assert delete_older_than(Layout.from_env({"TRACKER_STORE": "postgres", "DB_URL": url}), 0.5).conversations == 1
        assert _senders(url) == ["new"]
    finally:
        database.drop()


def test_retention_refuses_a_missing_or_zero_day_count():
    assert _retention({}, "--days", "0").returncode == 2
    assert _retention({}).returncode == 2


def test_retention_reports_an_unreachable_database():
    done = _retention({"TRACKER_STORE": "postgres", "DB_PORT": str(free_port())}, "--days", "30")
    assert done.returncode == 2 and "cannot reach the tracker store" in done.stderr
