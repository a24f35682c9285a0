"""The nurse API without the web framework: read a request body, assess what the caller says,
add a message to a case, record a call in the follow-up queue, list and export the queue.

Every method takes plain values and returns a Reply, so the tests call it directly; the Sanic
routes in bot/channels/nurse.py only translate. The engine and the extractor are called directly
(no dialogue): a nurse sees the whole assessment at once, questions included, and a case's
messages add up with the same merge as a patient's conversation (bot/conversation.py).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.channels import nurse_auth as auth
from bot.channels.nurse_settings import MIN_TOKEN_CHARS, NurseSettings
from bot.channels.nurse_store import (
    ACTIVE,
    LEVEL_RANK,
    STATUSES,
    NurseStore,
    StoreError,
)
from bot.conversation import (
    merge_findings,  # the latest word on a symptom wins
)
from bot.nlu.extractor import Extraction, SymptomExtractor, default_extractor
from bot.settings import ClinicSettings, clinic_settings
from bot.triage.advice import render_advice
from bot.triage.engine import Context, assess
from bot.triage.knowledge import Knowledge, default_knowledge

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 100_000
MAX_TEXT_CHARS = 10_000
MAX_NOTE_CHARS = 5_000
MAX_DAYS = 36_500
CASE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
ASSESS_FIELDS = ("text", "days_since_infusion", "sudden_onset", "case_id")
RECORD_FIELDS = (*ASSESS_FIELDS, "note")
MAX_LOGIN_FAILURES = 5  # per username, within LOGIN_LOCK_SECONDS; then 429 until they age out
LOGIN_LOCK_SECONDS = 15 * 60
STATUS_FILTERS = {"active": ACTIVE, "all": STATUSES, **{s: (s,) for s in STATUSES}}


class BadRequest(ValueError):
    """The request cannot be read; the message says why, and never repeats the patient's words."""


class Unavailable(RuntimeError):
    """The database cannot be reached."""


@dataclass
class Reply:
    status: int
    body: Any  # a JSON-able value, or str for text/csv
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)


def error(status: int, message: str, **extra: Any) -> Reply:
    return Reply(status, {"error": message, **extra})


UNAUTHORIZED = Reply(401, {"error": "authentication required"}, headers={"WWW-Authenticate": 'Bearer realm="nurse"'})


# --- reading requests -------------------------------------------------------------------------

def parse_body(body: bytes | None) -> dict:
    if body is None or not body.strip():
        raise BadRequest("the body is empty: send a JSON object such as {\"text\": \"...\"}")
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest(f"the body is larger than {MAX_BODY_BYTES // 1000} kB")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    return data


def _text(value: Any, name: str, limit: int) -> str:
    if not isinstance(value, str):
        raise BadRequest(f"'{name}' must be a string")
    if len(value) > limit:
        raise BadRequest(f"'{name}' is longer than {limit:,} characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest(f"'{name}' is not valid Unicode") from None
    if "\x00" in value:
        raise BadRequest(f"'{name}' contains a NUL character")
    return value


@dataclass(frozen=True)
class AssessRequest:
    text: str
    days_since_infusion: int | None = None
    sudden_onset: bool | None = None
    case_id: str | None = None
    note: str = ""


def read_request(data: dict, recording: bool = False) -> AssessRequest:
    allowed = RECORD_FIELDS if recording else ASSESS_FIELDS
    unknown = sorted(k for k in data if k not in allowed)
    if unknown:  # a misspelt correction ("days_since_infussion") must not be dropped silently
        raise BadRequest(f"unknown field(s): {', '.join(unknown)[:200]}; expected {', '.join(allowed)}")
    case_id = data.get("case_id")
    if case_id is not None and not (isinstance(case_id, str) and CASE_ID.fullmatch(case_id)):
        raise BadRequest("'case_id' must be a string of 1 to 100 letters, digits, '.', '_', ':' or '-'")
    if "text" not in data or data["text"] is None:
        if not (recording and case_id):
            raise BadRequest("'text' is missing: send what the caller says")
        text = ""
    else:
        text = _text(data["text"], "text", MAX_TEXT_CHARS)
    days = data.get("days_since_infusion")
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int):
            raise BadRequest("'days_since_infusion' must be a whole number of days (0 = an infusion day)")
        if not 0 <= days <= MAX_DAYS:
            raise BadRequest(f"'days_since_infusion' must be between 0 and {MAX_DAYS}")
    sudden = data.get("sudden_onset")
    if sudden is not None and not isinstance(sudden, bool):
        raise BadRequest("'sudden_onset' must be true or false")
    note = _text(data.get("note") or "", "note", MAX_NOTE_CHARS) if recording else ""
    return AssessRequest(text, days, sudden, case_id, note)


# --- a case: the messages about one caller, added up ------------------------------------------

@dataclass
class CaseState:
    findings: list[dict] = field(default_factory=list)
    days_since_infusion: int | None = None
    during_infusion: bool = False
    sudden_onset: bool | None = None
    messages: int = 0

    @classmethod
    def from_json(cls, data: dict | None) -> CaseState:
        return cls(**{k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__})

    def context(self) -> Context:
        return Context(self.days_since_infusion, self.during_infusion, self.sudden_onset)


def add_message(state: CaseState, request: AssessRequest, extraction: Extraction | None) -> CaseState:
    """One more message about the caller. A time said in the text, then a days_since_infusion
    given with the request, correct what was known: the latest word wins, as for symptoms."""
    state = CaseState(**asdict(state))
    message = state.messages
    if extraction is not None:
        state.messages += 1
        state.findings = merge_findings(state.findings, extraction.findings)
        latest = {f.symptom: f for f in extraction.findings}
        for entry in state.findings:
            found = latest.get(entry["symptom"])
            if found is not None:  # offsets into this message's text (merge drops a start of 0)
                entry.update(start=found.start, end=found.end, message=message)
        if extraction.infusion is not None and extraction.infusion.days is not None:
            state.days_since_infusion = extraction.infusion.days
            state.during_infusion = extraction.infusion.during_infusion
        elif extraction.infusion is not None and extraction.infusion.during_infusion:
            state.days_since_infusion, state.during_infusion = 0, True
    if request.days_since_infusion is not None:
        state.days_since_infusion = request.days_since_infusion
        state.during_infusion = False
    if request.sudden_onset is not None:
        state.sudden_onset = request.sudden_onset
    return state


def _source(kb: Knowledge, source_id: str) -> dict:
    src = kb.sources[source_id]
    out = {"id": source_id, "document": src.get("document"), "ref": kb.source_ref(source_id)}
    if src.get("document") == "seed":
        out.update(line=src["line"], quote=src["quote"])
    else:
        out["section"] = src.get("section", "")
    return out


def assessment_json(state: CaseState, kb: Knowledge, clinic: ClinicSettings, case_id: str | None = None) -> dict:
    assessment = assess(state.findings, state.context(), kb, dialogue=False)  # the nurse asks, not the bot
    rules = {r.id: r for r in kb.rules}
    symptoms = [
        {
            "id": f["symptom"],
            "name": kb.symptoms[f["symptom"]].name,
            "text": f.get("text", ""),
            "start": f.get("start"),
            "end": f.get("end"),
            "negated": bool(f.get("negated")),
            "uncertain": bool(f.get("uncertain")),
            "other_person": bool(f.get("other_person")),
            "message": f.get("message", 0),
        }
        for f in state.findings
    ]
    return {
        "case_id": case_id,
        "message": max(state.messages - 1, 0),
        "level": assessment.level,
        "categories": [{"id": c, "name": kb.categories[c]["name"]} for c in assessment.categories],
        "symptoms": symptoms,
        "rules": [
            {
                "id": rid,
                "level": rules[rid].level,
                "category": rules[rid].category,
                "reason": reason,
                "source": _source(kb, rules[rid].source),
            }
            for rid, reason in zip(assessment.rules, assessment.reasons, strict=True)
        ],
        "questions": [{"id": q, "text": t} for q, t in zip(assessment.questions, assessment.question_texts, strict=True)],
        "context": {
            "days_since_infusion": state.days_since_infusion,
            "during_infusion": state.during_infusion,
            "sudden_onset": assessment.context.get("sudden_onset"),
        },
        "advice": render_advice(assessment, clinic, kb),
    }


# --- CSV ---------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id", "recorded_at", "level", "categories", "symptoms", "negated", "days_since_infusion",
    "status", "recorded_by", "updated_at", "updated_by", "case_id", "note",
)


def _cell(value: Any) -> str:
    """A note that starts with = + - @ would run as a formula in a spreadsheet: quote it."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def queue_csv(calls: list) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for call in calls:
        row = call.as_json()
        row["categories"] = "; ".join(call.categories)
        row["symptoms"] = "; ".join(f"{s['name']} ({s['text']})" for s in call.symptoms if not s.get("negated"))
        row["negated"] = "; ".join(s["name"] for s in call.symptoms if s.get("negated"))
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()


# --- the service -------------------------------------------------------------------------------

class NurseService:
    def __init__(
        self,
        settings: NurseSettings,
        store: NurseStore | None = None,
        extractor: SymptomExtractor | None = None,
        knowledge: Knowledge | None = None,
        clinic: ClinicSettings | None = None,
    ) -> None:
        self.settings = settings
        self._store = store
        self._store_lock = asyncio.Lock()
        self._extractor = extractor
        self.knowledge = knowledge or default_knowledge()
        self.clinic = clinic
        # spaCy is not shared between threads here: one worker runs every extraction
        self._nlp = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nurse-nlp")
        self._failed_logins: dict[str, list[float]] = {}  # username -> times of recent failures

    # plumbing
    async def store(self) -> NurseStore:
        if self._store is None:
            async with self._store_lock:
                if self._store is None:
                    try:
                        self._store = await asyncio.to_thread(NurseStore, self.settings.db_url)
                    except Exception as exc:  # noqa: BLE001 - the channel answers 503 and tries again later
                        logger.error("nurse store: cannot open the database (%s)", type(exc).__name__)
                        raise Unavailable("the nurse database is unavailable") from None
        return self._store

    async def _db(self, fn, *args, **kwargs):
        store = await self.store()
        try:
            return await asyncio.to_thread(getattr(store, fn), *args, **kwargs)
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001
            logger.error("nurse store: %s failed (%s)", fn, type(exc).__name__)
            raise Unavailable("the nurse database is unavailable") from None

    def _extractor_now(self) -> SymptomExtractor:
        return self._extractor or default_extractor()

    async def warm_up(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._nlp, lambda: self._extractor_now().extract("headache"))
        await self.store()  # creates or migrates the schema now, not at the first request
        if not self.settings.token_usable and not await self._db("has_users"):
            logger.error(
                "nurse channel: no NURSE_API_TOKEN (of %d+ characters) and no nurse account, so every "
                "request is refused (401). Add a nurse: python -m bot.channels.nurse_users add NAME",
                MIN_TOKEN_CHARS,
            )

    async def _extract(self, text: str) -> Extraction | None:
        if not text.strip():
            return None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._nlp, self._extractor_now().extract, text)

    def clinic_settings(self) -> ClinicSettings:
        return self.clinic or clinic_settings()

    def _log(self, what: str, principal: auth.Principal, result: dict, text: str) -> None:
        logger.info(
            "nurse %s by %s: %s, %d symptom(s), %d message(s)%s", what, principal.username, result["level"],
            len(result["symptoms"]), result["message"] + 1, " (case)" if result["case_id"] else "",
        )
        if self.clinic_settings().log_patient_text:
            logger.debug("nurse %s text: %r", what, text)

    # auth
    async def authorize(self, headers, cookies) -> auth.Principal | None:
        needs_store = not (headers.get("authorization") or headers.get("Authorization")) and cookies.get(auth.COOKIE)
        store = await self.store() if needs_store else self._store
        if needs_store:
            try:
                return await asyncio.to_thread(auth.authenticate, self.settings, store, headers, cookies)
            except Exception as exc:  # noqa: BLE001
                logger.error("nurse store: session check failed (%s)", type(exc).__name__)
                raise Unavailable("the nurse database is unavailable") from None
        return auth.authenticate(self.settings, store, headers, cookies)

    async def login(self, body: bytes) -> tuple[Reply, str | None]:
        """(reply, session token for the cookie or None)."""
        try:
            data = parse_body(body)
        except BadRequest as exc:
            return error(400, str(exc)), None
        username, password = data.get("username"), data.get("password")
        if not isinstance(username, str) or not isinstance(password, str) or len(password) > 1024:
            return error(400, "send {\"username\": \"...\", \"password\": \"...\"}"), None
        key, moment = username.strip().lower()[:64], time.monotonic()
        recent = [t for t in self._failed_logins.get(key, []) if moment - t < LOGIN_LOCK_SECONDS]
        if len(recent) >= MAX_LOGIN_FAILURES:
            logger.warning("nurse login refused: too many failures for one username")
            return error(429, "too many failed logins for this username; try again in 15 minutes"), None
        store = await self.store()
        if not await asyncio.to_thread(auth.check_password, store, username, password):
            logger.warning("nurse login refused")
            if len(self._failed_logins) > 10_000:  # guessed names must not fill the memory
                self._failed_logins.clear()
            self._failed_logins[key] = [*recent, moment]
            return error(401, "wrong username or password"), None
        self._failed_logins.pop(key, None)
        token = auth.new_session_token()
        expires = await self._db("create_session", auth.token_hash(token), username, self.settings.session_hours)
        logger.info("nurse login: %s", username)
        return Reply(200, {"username": username, "expires_at": expires.isoformat(timespec="seconds")}), token

    async def logout(self, cookies) -> Reply:
        token = cookies.get(auth.COOKIE)
        if token and len(token) <= 128:
            await self._db("end_session", auth.token_hash(token))
        return Reply(200, {"status": "logged out"})

    # assessment
    async def _assess(self, principal: auth.Principal, request: AssessRequest) -> dict:
        extraction = await self._extract(request.text)
        kb, clinic = self.knowledge, self.clinic_settings()
        if request.case_id is None:
            return assessment_json(add_message(CaseState(), request, extraction), kb, clinic)

        def change(saved: dict | None) -> tuple[dict, dict]:
            state = add_message(CaseState.from_json(saved), request, extraction)
            return asdict(state), assessment_json(state, kb, clinic, request.case_id)

        return await self._db("update_case", request.case_id, principal.username, change)

    async def assess(self, principal: auth.Principal, body: bytes) -> Reply:
        try:
            request = read_request(parse_body(body))
        except BadRequest as exc:
            return error(400, str(exc))
        result = await self._assess(principal, request)
        self._log("assess", principal, result, request.text)
        return Reply(200, result)

    async def record(self, principal: auth.Principal, body: bytes) -> Reply:
        """Assess (as /assess does) and put an urgent or emergency call in the follow-up queue.
        A routine call is refused with 400: the queue is for calls that need a call back."""
        try:
            request = read_request(parse_body(body), recording=True)
        except BadRequest as exc:
            return error(400, str(exc))
        result = await self._assess(principal, request)
        if result["level"] not in LEVEL_RANK:
            return error(
                400, "a routine call is not queued: only urgent and emergency calls go to the follow-up queue",
                level=result["level"],
            )
        symptoms = [{k: s[k] for k in ("id", "name", "text", "negated")} for s in result["symptoms"]]
        call = await self._db(
            "record_call", level=result["level"], categories=[c["id"] for c in result["categories"]],
            symptoms=symptoms, days_since_infusion=result["context"]["days_since_infusion"],
            note=request.note, recorded_by=principal.username, case_id=request.case_id,
        )
        self._log(f"record #{call.id}", principal, result, request.text)
        return Reply(201, {"call": call.as_json(), "assessment": result})

    # the queue
    @staticmethod
    def _statuses(status: str | None) -> tuple[str, ...]:
        if status in (None, ""):
            return ACTIVE
        if status not in STATUS_FILTERS:
            raise BadRequest(f"status must be one of {', '.join(STATUS_FILTERS)}")
        return STATUS_FILTERS[status]

    async def queue(self, principal: auth.Principal, status: str | None = None) -> Reply:
        try:
            statuses = self._statuses(status)
        except BadRequest as exc:
            return error(400, str(exc))
        calls = await self._db("queue", statuses)
        return Reply(200, {"calls": [c.as_json() for c in calls]})

    async def queue_csv(self, principal: auth.Principal, status: str | None = None) -> Reply:
        try:
            statuses = self._statuses(status)
        except BadRequest as exc:
            return error(400, str(exc))
        calls = await self._db("queue", statuses)
        logger.info("nurse queue exported by %s: %d call(s)", principal.username, len(calls))
        return Reply(
            200, queue_csv(calls), "text/csv; charset=utf-8",
            {"Content-Disposition": 'attachment; filename="nurse-follow-up-queue.csv"'},
        )

    async def call(self, principal: auth.Principal, call_id: int) -> Reply:
        found = await self._db("get_call", call_id)
        if found is None:
            return error(404, f"no call {call_id}")
        trail = await self._db("audit_trail", call_id)
        return Reply(200, {"call": found.as_json(), "audit": trail})

    async def set_status(self, principal: auth.Principal, call_id: int, body: bytes) -> Reply:
        try:
            data = parse_body(body)
        except BadRequest as exc:
            return error(400, str(exc))
        status = data.get("status")
        if not isinstance(status, str) or status not in STATUSES or set(data) != {"status"}:
            return error(400, f"send {{\"status\": ...}} with one of {', '.join(STATUSES)}")
        try:
            call = await self._db("set_status", call_id, status, principal.username)
        except StoreError:
            return error(404, f"no call {call_id}")
        logger.info("nurse call #%d: status %s by %s", call_id, status, principal.username)
        return Reply(200, {"call": call.as_json()})


def call_id(value: str) -> int | None:
    """A call id from the path, or None."""
    if not re.fullmatch(r"[0-9]{1,9}", value):
        return None
    return int(value) or None
