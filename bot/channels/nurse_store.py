"""What the nurse channel keeps, through SQLAlchemy 1.4 Core: nurses and their password hashes,
login sessions, cases (the findings of several messages about one caller), the follow-up
queue of urgent and emergency calls, and an audit trail of who changed what and when.

SQLite file by default (NURSE_DB_URL, default sqlite:///nurse.db), PostgreSQL in production:
the same tables on both. The schema is created on start and versioned in
`nurse_schema_version`; a later change of schema is one more entry in MIGRATIONS, applied once,
in order, in a transaction.

Blocking calls: the channel runs them off the event loop (asyncio.to_thread).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

LEVEL_RANK = {"urgent": 1, "emergency": 2}
STATUSES = ("open", "called_back", "closed")
ACTIVE = ("open", "called_back")  # the queue a nurse works from

metadata = sa.MetaData()

schema_version = sa.Table(
    "nurse_schema_version", metadata,
    sa.Column("version", sa.Integer, nullable=False),
)
users = sa.Table(
    "nurse_users", metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
sessions = sa.Table(
    "nurse_sessions", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # sha256 of the cookie's token
    sa.Column("username", sa.String(64), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)
cases = sa.Table(
    "nurse_cases", metadata,
    sa.Column("case_id", sa.String(100), primary_key=True),
    sa.Column("state", sa.Text, nullable=False),  # JSON: merged findings and facts
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
calls = sa.Table(
    "nurse_calls", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("urgency", sa.Integer, nullable=False),  # 2 emergency, 1 urgent: the queue's order
    sa.Column("categories", sa.Text, nullable=False),  # JSON list of ids
    sa.Column("symptoms", sa.Text, nullable=False),  # JSON list of {id, name, text, negated}
    sa.Column("days_since_infusion", sa.Integer, nullable=True),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("recorded_by", sa.String(64), nullable=False),
    sa.Column("case_id", sa.String(100), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.Index("ix_nurse_calls_queue", "status", "urgency", "recorded_at"),
)
audit = sa.Table(
    "nurse_audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("call_id", sa.Integer, nullable=True, index=True),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)
V1_TABLES = (users, sessions, cases, calls, audit)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=list(V1_TABLES))


# version -> step; a new schema is a new entry (e.g. 2: an ALTER TABLE), never an edit of an old one
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1}
SCHEMA_VERSION = max(MIGRATIONS)


UTC = dt.timezone.utc  # datetime.UTC is Python 3.11+


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything is written in UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def iso(value: dt.datetime | None) -> str | None:
    value = utc(value)
    return value.isoformat(timespec="seconds").replace("+00:00", "Z") if value else None


class StoreError(Exception):
    """A change the store refuses (unknown call, unknown status, user exists...)."""


@dataclass
class Call:
    id: int
    recorded_at: dt.datetime
    level: str
    categories: list[str]
    symptoms: list[dict]
    days_since_infusion: int | None
    note: str
    status: str
    recorded_by: str
    case_id: str | None
    updated_at: dt.datetime
    updated_by: str

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "recorded_at": iso(self.recorded_at),
            "level": self.level,
            "categories": self.categories,
            "symptoms": self.symptoms,
            "days_since_infusion": self.days_since_infusion,
            "note": self.note,
            "status": self.status,
            "recorded_by": self.recorded_by,
            "case_id": self.case_id,
            "updated_at": iso(self.updated_at),
            "updated_by": self.updated_by,
        }


def _call(row: Any) -> Call:
    return Call(
        id=row.id, recorded_at=utc(row.recorded_at), level=row.level, categories=json.loads(row.categories),
        symptoms=json.loads(row.symptoms), days_since_infusion=row.days_since_infusion, note=row.note,
        status=row.status, recorded_by=row.recorded_by, case_id=row.case_id,
        updated_at=utc(row.updated_at), updated_by=row.updated_by,
    )


class NurseStore:
    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        options = dict(engine_options)
        if url.startswith("sqlite"):
            options.setdefault("connect_args", {"timeout": 15, "check_same_thread": False})
        else:
            options.setdefault("pool_pre_ping", True)
        self.engine: Engine = sa.create_engine(url, future=True, **options)
        self.migrate()

    # --- schema
    def migrate(self) -> int:
        """Bring the schema to SCHEMA_VERSION; returns the version found before."""
        with self.engine.begin() as conn:
            schema_version.create(conn, checkfirst=True)
            found = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0
            for version in sorted(v for v in MIGRATIONS if v > found):
                MIGRATIONS[version](conn)
                conn.execute(schema_version.insert().values(version=version))
        return found

    def version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0

    def dispose(self) -> None:
        self.engine.dispose()

    # --- audit
    @staticmethod
    def _audit(conn: Connection, username: str, action: str, detail: str = "", call_id: int | None = None) -> None:
        conn.execute(audit.insert().values(at=now(), username=username, action=action, call_id=call_id, detail=detail))

    def audit_trail(self, call_id: int | None = None) -> list[dict]:
        query = sa.select(audit).order_by(audit.c.id)
        if call_id is not None:
            query = query.where(audit.c.call_id == call_id)
        with self.engine.connect() as conn:
            return [
                {"at": iso(r.at), "username": r.username, "action": r.action, "call_id": r.call_id, "detail": r.detail}
                for r in conn.execute(query)
            ]

    # --- users
    def add_user(self, username: str, password_hash: str, by: str) -> None:
        with self.engine.begin() as conn:
            if conn.execute(sa.select(users.c.username).where(users.c.username == username)).first():
                raise StoreError(f"user {username!r} already exists")
            stamp = now()
            conn.execute(users.insert().values(username=username, password_hash=password_hash, created_at=stamp, updated_at=stamp))
            self._audit(conn, by, "user_add", username)

    def set_password(self, username: str, password_hash: str, by: str) -> None:
        with self.engine.begin() as conn:
            changed = conn.execute(
                users.update().where(users.c.username == username).values(password_hash=password_hash, updated_at=now())
            ).rowcount
            if not changed:
                raise StoreError(f"no user {username!r}")
            conn.execute(sessions.delete().where(sessions.c.username == username))  # log them out everywhere
            self._audit(conn, by, "user_passwd", username)

    def remove_user(self, username: str, by: str) -> None:
        with self.engine.begin() as conn:
            if not conn.execute(users.delete().where(users.c.username == username)).rowcount:
                raise StoreError(f"no user {username!r}")
            conn.execute(sessions.delete().where(sessions.c.username == username))
            self._audit(conn, by, "user_remove", username)

    def list_users(self) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(users.c.username, users.c.created_at, users.c.updated_at).order_by(users.c.username))
            return [{"username": r.username, "created_at": iso(r.created_at), "updated_at": iso(r.updated_at)} for r in rows]

    def password_hash(self, username: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(users.c.password_hash).where(users.c.username == username)).scalar()

    def has_users(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(users.c.username).limit(1)).first() is not None

    # --- sessions (the cookie holds a random token; the store only its sha256)
    def create_session(self, token_hash: str, username: str, hours: float) -> dt.datetime:
        stamp = now()
        expires = stamp + dt.timedelta(hours=hours)
        with self.engine.begin() as conn:
            conn.execute(sessions.delete().where(sessions.c.expires_at < stamp))
            conn.execute(sessions.insert().values(token_hash=token_hash, username=username, created_at=stamp, expires_at=expires))
        return expires

    def session_user(self, token_hash: str) -> str | None:
        """The nurse of a session that has not expired and whose account still exists."""
        query = (
            sa.select(sessions.c.username, sessions.c.expires_at)
            .join(users, users.c.username == sessions.c.username)
            .where(sessions.c.token_hash == token_hash)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or utc(row.expires_at) <= now():
            return None
        return row.username

    def end_session(self, token_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sessions.delete().where(sessions.c.token_hash == token_hash))

    # --- cases
    def update_case(self, case_id: str, username: str, change: Callable[[dict | None], tuple[dict, Any]]) -> Any:
        """Read a case's state, change it and write it back in one transaction (the row is locked
        on PostgreSQL, so two messages about one case at once cannot lose each other)."""
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    row = conn.execute(
                        sa.select(cases.c.state).where(cases.c.case_id == case_id).with_for_update()
                    ).first()
                    state, result = change(json.loads(row.state) if row else None)
                    stamp = now()
                    if row is None:
                        conn.execute(cases.insert().values(
                            case_id=case_id, state=json.dumps(state), created_by=username, created_at=stamp, updated_at=stamp))
                    else:
                        conn.execute(cases.update().where(cases.c.case_id == case_id).values(state=json.dumps(state), updated_at=stamp))
                    return result
            except sa.exc.IntegrityError:  # another request created the case first: read it again
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def case_state(self, case_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(cases.c.state).where(cases.c.case_id == case_id)).first()
        return json.loads(row.state) if row else None

    # --- the follow-up queue
    def record_call(
        self, *, level: str, categories: list[str], symptoms: list[dict], days_since_infusion: int | None,
        note: str, recorded_by: str, case_id: str | None = None,
    ) -> Call:
        if level not in LEVEL_RANK:
            raise StoreError(f"only urgent and emergency calls are queued, not {level!r}")
        stamp = now()
        values = {
            "recorded_at": stamp, "level": level, "urgency": LEVEL_RANK[level], "categories": json.dumps(categories),
            "symptoms": json.dumps(symptoms), "days_since_infusion": days_since_infusion, "note": note, "status": "open",
            "recorded_by": recorded_by, "case_id": case_id, "updated_at": stamp, "updated_by": recorded_by,
        }
        with self.engine.begin() as conn:
            call_id = conn.execute(calls.insert().values(**values)).inserted_primary_key[0]
            self._audit(conn, recorded_by, "record", f"level={level}", call_id)
            row = conn.execute(sa.select(calls).where(calls.c.id == call_id)).first()
        return _call(row)

    def get_call(self, call_id: int) -> Call | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(calls).where(calls.c.id == call_id)).first()
        return _call(row) if row else None

    def queue(self, statuses: Iterable[str] = ACTIVE) -> list[Call]:
        """Emergency before urgent, then the oldest first."""
        query = (
            sa.select(calls)
            .where(calls.c.status.in_(list(statuses)))
            .order_by(calls.c.urgency.desc(), calls.c.recorded_at.asc(), calls.c.id.asc())
        )
        with self.engine.connect() as conn:
            return [_call(r) for r in conn.execute(query)]

    def set_status(self, call_id: int, status: str, username: str) -> Call:
        if status not in STATUSES:
            raise StoreError(f"status must be one of {', '.join(STATUSES)}")
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(calls.c.status).where(calls.c.id == call_id).with_for_update()).first()
            if row is None:
                raise StoreError(f"no call {call_id}")
            if row.status != status:
                conn.execute(calls.update().where(calls.c.id == call_id).values(status=status, updated_at=now(), updated_by=username))
                self._audit(conn, username, "status", f"{row.status} -> {status}", call_id)
            updated = conn.execute(sa.select(calls).where(calls.c.id == call_id)).first()
        return _call(updated)
