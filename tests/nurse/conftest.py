"""Fixtures of the nurse channel's tests: a store on SQLite and on the machine's PostgreSQL
(a schema of its own per test, dropped after), and the API service in-process."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from nurse_helpers import NURSE, PASSWORD, POSTGRES, make_service

from bot.channels.nurse_auth import hash_password
from bot.channels.nurse_store import NurseStore


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """The same tests on both databases; each PostgreSQL test gets a fresh schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'nurse.db'}"
        return
    schema = "nurse_test_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(POSTGRES, future=True)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {POSTGRES} is not reachable: {exc}")
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(store_url):
    opened = NurseStore(store_url)
    yield opened
    opened.dispose()


@pytest.fixture
def sqlite_store(tmp_path):
    opened = NurseStore(f"sqlite:///{tmp_path / 'nurse.db'}")
    opened.add_user(NURSE, hash_password(PASSWORD), "test")
    yield opened
    opened.dispose()


@pytest.fixture
def service(sqlite_store):
    return make_service(sqlite_store)
