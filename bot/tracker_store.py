"""Rasa's SQL tracker store (same tables, same data) with five changes, for production and the
default SQLite layout alike.

1. Start fails at once with a clear error when the database cannot be reached: Rasa's own
   store retries every 5 s for ever, so a wrong DB_HOST looked like a slow start.
2. PostgreSQL connections are checked before use (SQLAlchemy's pool_pre_ping) and time out
   after DB_CONNECT_TIMEOUT: after the database was restarted or unreachable, the next
   message works again instead of failing once on a dead pooled connection.
3. A failing query raises an error that names the database's complaint without the SQL and
   its parameters (Rasa logs the error whole, and the parameters hold the patient's words).
4. `session_expiration_time` (minutes), when set, replaces the domain's value at run time, so
   the idle time after which a conversation starts afresh is a deployment setting
   (SESSION_EXPIRATION_MINUTES) rather than a retrain.
5. Reading a conversation back reads only the events' JSON (no ORM object per event): faster,
   and the more so the longer the conversation.
6. SQLite (the default layout) keeps its connections and writes ahead (bot.layout.sql_engine):
   a turn's save took 3.0 ms with a new connection and a rollback journal, 2.0 ms now.
7. The conversation a turn has just saved is kept in memory (TRACKER_CACHE_SIZE conversations,
   default 1000) and handed back as it is at the next turn when the database still holds exactly
   those events (the same last row: one step down an index).
   Rebuilding a tracker from its stored events grew with the conversation (a quarter of a turn
   at turn 200). When another writer (the other replica, or the other worker of a server with
   SANIC_WORKERS=2) has appended events since, only those are read and replayed onto it, as
   Rasa replays a conversation it reads. A deletion (the retention command), a new session or
   a turn that failed before saving makes it read the whole session from the database again.
8. Saving a conversation that came from memory (7.) appends its new events without asking the
   database how many it holds: the mark checked at the start of the turn says so. Rasa's save
   counts them first, and the cache mark took a second query; a turn now needs one query
   before its insert instead of three. A conversation read from the database gets its mark
   from that same read.

Named in endpoints.yml and in the files `python -m bot.endpoints` writes as
`type: bot.tracker_store.TriageTrackerStore`.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain, SessionConfig
from rasa.shared.core.events import SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import ConnectionException

from bot.layout import sql_engine, tracker_cache_size

logger = logging.getLogger(__name__)


class TrackerStoreUnavailable(ConnectionException):
    """The tracker store's database cannot be reached."""


def _engine(url: Any, connect_timeout: float) -> sa.engine.Engine:
    return sql_engine(url, connect_timeout, **create_engine_kwargs(url))


def describe_error(error: BaseException) -> str:
    """The database's own first line, without the SQL or its parameters: SQLAlchemy's message
    carries both, and the parameters of an INSERT are the patient's words."""
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error).strip()
    return f"{type(error).__name__}: {text.splitlines()[0] if text else 'no detail'}"


def check_reachable(url: Any, connect_timeout: float = 5.0) -> None:
    """Raise TrackerStoreUnavailable, naming the database (never its password), if it cannot be reached."""
    engine = _engine(url, connect_timeout)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError as error:
        raise TrackerStoreUnavailable(
            f"cannot reach the tracker store {sa.engine.make_url(url)!r}: {describe_error(error)}"
        ) from None
    finally:
        engine.dispose()


class TriageTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Domain | None = None,
        dialect: str = "sqlite",
        host: str | None = None,
        port: int | None = None,
        db: str = "rasa.db",
        username: str | None = None,
        password: str | None = None,
        event_broker: Any = None,
        login_db: str | None = None,
        query: dict | None = None,
        session_expiration_time: float | None = None,
        connect_timeout: float = 5.0,
        **kwargs: Any,
    ) -> None:
        self._session_minutes = None if session_expiration_time in (None, "") else float(session_expiration_time)
        self._cache: OrderedDict[str, tuple[Any, tuple[int, int | None]]] = OrderedDict()
        self._cache_size = tracker_cache_size(os.environ)
        url = self.get_db_url(dialect, host, int(port) if port else None, db, username, password, login_db, query)
        check_reachable(url, connect_timeout)
        super().__init__(domain, dialect, host, port, db, username, password, event_broker, login_db, query, **kwargs)
        if self.engine.dialect.name in ("postgresql", "sqlite"):
            engine_url = self.engine.url
            self.engine.dispose()
            self.engine = _engine(engine_url, connect_timeout)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.domain = self._domain

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        self._domain = domain or Domain.empty()
        minutes = getattr(self, "_session_minutes", None)
        if domain is not None and minutes is not None:
            # the processor reads this same Domain object (Agent shares it with the store)
            domain.session_config = SessionConfig(minutes, domain.session_config.carry_over_slots)
            logger.info("Conversations expire after %s idle minutes (SESSION_EXPIRATION_MINUTES)", minutes)

    def _stored_mark(self, session: Any, sender_id: str) -> tuple[int, int | None]:
        """(how many events the current session has stored, the id of the last one)."""
        query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).order_by(None)
        count, last = query.with_entities(sa.func.count(self.SQLEvent.id), sa.func.max(self.SQLEvent.id)).one()
        return int(count or 0), last

    def _last_id(self, session: Any, sender_id: str) -> int | None:
        """The id of the conversation's last stored event: one step down the sender_id index,
        where counting the session's events (Rasa's session query) read every row of it. Rows
        are only ever appended, or deleted a whole conversation at a time (bot.retention), so
        an unchanged last id means an unchanged session."""
        return session.query(sa.func.max(self.SQLEvent.id)).filter(self.SQLEvent.sender_id == sender_id).scalar()

    def _cached(self, session: Any, sender_id: str) -> Any:
        entry = self._cache.get(sender_id)
        if entry is None:
            return None
        tracker, (count, last) = entry
        stored_last = self._last_id(session, sender_id)
        if stored_last != last:
            tracker = self._caught_up(session, tracker, (count, last), stored_last)
        elif len(tracker.events) != count:
            tracker = None  # events of a turn that failed before saving: not handed back
        if tracker is None:
            del self._cache[sender_id]
            return None
        self._cache.move_to_end(sender_id)
        return tracker

    def _caught_up(self, session: Any, tracker: Any, mark: tuple[int, int | None], stored_last: int | None) -> Any:
        """The remembered conversation with the events another writer (the other replica or
        worker) appended since, replayed onto it as Rasa replays a conversation it reads; None
        when it must be read afresh: unsaved events here, rows deleted, or a new session."""
        count, last = mark
        if len(tracker.events) != count or last is None or stored_last is None or stored_last < last:
            return None
        rows = (
            session.query(self.SQLEvent.type_name, self.SQLEvent.data)
            .filter(self.SQLEvent.sender_id == tracker.sender_id, self.SQLEvent.id > last)
            .order_by(self.SQLEvent.id)
            .all()
        )
        if any(type_name == SessionStarted.type_name for type_name, _ in rows):
            return None
        new_events = deserialise_events([json.loads(data) for _, data in rows])
        if len(new_events) != len(rows):
            return None  # a row Rasa would skip: its own read decides
        for event in new_events:
            tracker.update(event)
        self._cache[tracker.sender_id] = (tracker, (count + len(rows), stored_last))
        return tracker

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        """Rasa's query, reading only the `id` and `data` columns: Rasa builds an ORM object per
        stored event first, a quarter of a turn's time in a 200-turn conversation. The current
        session of a conversation this process saved or read last comes from memory (7. above)."""
        caching = not fetch_events_from_all_sessions and self._cache_size
        with self.session_scope() as session:
            if caching:
                tracker = self._cached(session, sender_id)
                if tracker is not None:
                    return tracker
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            rows = query.with_entities(self.SQLEvent.id, self.SQLEvent.data).all()
        if not (self.domain and rows):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(data) for _, data in rows], self.domain.slots)
        if caching:
            self._keep(tracker, (len(rows), max(row_id for row_id, _ in rows)))
        return tracker

    def _keep(self, tracker: Any, mark: tuple[int, int | None]) -> None:
        if mark[0] != len(tracker.events):
            self._cache.pop(tracker.sender_id, None)  # not the session's events one for one
            return
        self._cache[tracker.sender_id] = (tracker, mark)
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def _remember(self, tracker: Any) -> None:
        with self.session_scope() as session:
            mark = self._stored_mark(session, tracker.sender_id)
        self._keep(tracker, mark)

    def _row(self, sender_id: str, event: Any) -> Any:
        """One event as Rasa's own save stores it."""
        data = event.as_dict()
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=event.type_name,
            timestamp=data.get("timestamp"),
            intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
            action_name=data.get("name"),
            data=json.dumps(data),
        )

    async def _append(self, tracker: Any, stored: tuple[int, int | None]) -> tuple[int, int | None] | None:
        """Store the events after the `stored` ones (8. above); the new mark, or None when a new
        session started among them (the session's count is then the database's to say)."""
        await self.stream_events(tracker)
        count, last = stored
        new_events = list(itertools.islice(tracker.events, count, None))
        with self.session_scope() as session:
            rows = [self._row(tracker.sender_id, event) for event in new_events]
            session.add_all(rows)
            session.flush()
            ids = [row.id for row in rows]
            session.commit()
        if any(isinstance(event, SessionStarted) for event in new_events):
            return None
        return count + len(new_events), max([last or 0, *ids]) if ids else last

    # Errors leave the store without SQL or parameters (describe_error): Rasa logs them whole.
    async def retrieve(self, sender_id: str) -> Any:
        try:
            return await super().retrieve(sender_id)
        except sa.exc.SQLAlchemyError as error:
            raise TrackerStoreUnavailable(describe_error(error)) from None

    async def retrieve_full_tracker(self, conversation_id: str) -> Any:
        try:
            return await super().retrieve_full_tracker(conversation_id)
        except sa.exc.SQLAlchemyError as error:
            raise TrackerStoreUnavailable(describe_error(error)) from None

    async def save(self, tracker: Any) -> None:
        entry = self._cache.pop(tracker.sender_id, None)
        try:
            if entry is not None and entry[0] is tracker and len(tracker.events) >= entry[1][0]:
                mark = await self._append(tracker, entry[1])
            else:
                await super().save(tracker)
                mark = None
            if self._cache_size:
                self._keep(tracker, mark) if mark is not None else self._remember(tracker)
        except sa.exc.SQLAlchemyError as error:
            raise TrackerStoreUnavailable(describe_error(error)) from None

    async def keys(self) -> Any:
        try:
            return await super().keys()
        except sa.exc.SQLAlchemyError as error:
            raise TrackerStoreUnavailable(describe_error(error)) from None

