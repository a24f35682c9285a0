"""The OpenAPI 3.1 description of the nurse API, built from the same constants as the code.

Served at GET /webhooks/nurse/openapi.json; docs/nurse-openapi.json is the same document, kept
in the repo (a test checks they are equal). After changing the API, regenerate the file:

    .venv/bin/python -m bot.channels.nurse_openapi > docs/nurse-openapi.json
"""

from __future__ import annotations

import json
import sys

from bot.channels.nurse_api import (
    CASE_ID,
    MAX_BODY_BYTES,
    MAX_DAYS,
    MAX_NOTE_CHARS,
    MAX_TEXT_CHARS,
    STATUS_FILTERS,
)
from bot.channels.nurse_store import STATUSES
from bot.triage.knowledge import LEVELS

PREFIX = "/webhooks/nurse"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _json(_ref("Error"), "")
AUTH_ERRORS = {
    "401": {**_json(_ref("Error"), "No valid bearer token or session; the body says nothing about any patient")},
    "503": {**_json(_ref("Error"), "The nurse database cannot be reached")},
}


def _with_errors(responses: dict, bad_request: str | None = None) -> dict:
    out = dict(responses)
    if bad_request:
        out["400"] = _json(_ref("Error"), bad_request)
    out.update(AUTH_ERRORS)
    return out


ASSESS_PROPERTIES = {
    "text": {"type": "string", "maxLength": MAX_TEXT_CHARS, "description": "What the caller says, first or third person."},
    "days_since_infusion": {
        "type": "integer", "minimum": 0, "maximum": MAX_DAYS,
        "description": "Days since the last infusion (0 = an infusion day). Corrects what a case knew.",
    },
    "sudden_onset": {"type": "boolean", "description": "Whether a headache came on suddenly (answers that question)."},
    "case_id": {
        "type": "string", "pattern": f"^{CASE_ID.pattern}$",
        "description": "Messages with the same case_id add up; the latest word on a symptom or a fact wins.",
    },
}

SCHEMAS = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "string"}, "level": {"type": "string", "enum": list(LEVELS)}},
    },
    "AssessRequest": {
        "type": "object", "required": ["text"], "additionalProperties": False, "properties": ASSESS_PROPERTIES,
    },
    "RecordRequest": {
        "type": "object", "additionalProperties": False,
        "description": "As AssessRequest, with the nurse's note; text may be left out when case_id is given.",
        "properties": {**ASSESS_PROPERTIES, "note": {"type": "string", "maxLength": MAX_NOTE_CHARS}},
    },
    "Symptom": {
        "type": "object",
        "required": ["id", "name", "text", "start", "end", "negated", "uncertain", "other_person", "message"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "text": {"type": "string", "description": "The words it was recognised in."},
            "start": {"type": ["integer", "null"], "description": "Offset of the words in the text of message `message`."},
            "end": {"type": ["integer", "null"]},
            "negated": {"type": "boolean"},
            "uncertain": {"type": "boolean", "description": "Doubt counts as present."},
            "other_person": {"type": "boolean"},
            "message": {"type": "integer", "description": "Which message of the case (0 = the first) the words are in."},
        },
    },
    "Source": {
        "type": "object", "required": ["id", "document", "ref"],
        "properties": {
            "id": {"type": "string"}, "document": {
                "type": "string", "enum": ["seed", "label", "triage", "duty"],
                "description": "seed: the drug information (line and quote); label: the prescribing information; "
                "triage: the clinical rules of TRIAGE.md; duty: the general safety duty (crisis).",
            },
            "ref": {"type": "string", "examples": ["seed line 23"]},
            "line": {"type": "integer"}, "quote": {"type": "string"}, "section": {"type": "string"},
        },
    },
    "Rule": {
        "type": "object", "required": ["id", "level", "category", "reason", "source"],
        "properties": {
            "id": {"type": "string", "examples": ["stroke.face_drooping"]},
            "level": {"type": "string", "enum": list(LEVELS[1:])},
            "category": {"type": "string"},
            "reason": {"type": "string"},
            "source": _ref("Source"),
        },
    },
    "Assessment": {
        "type": "object",
        "required": ["case_id", "message", "level", "categories", "symptoms", "rules", "questions", "context", "advice"],
        "properties": {
            "case_id": {"type": ["string", "null"]},
            "message": {"type": "integer", "description": "Index of this request's message in the case."},
            "level": {"type": "string", "enum": list(LEVELS)},
            "categories": {
                "type": "array",
                "items": {"type": "object", "required": ["id", "name"],
                          "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
            },
            "symptoms": {"type": "array", "items": _ref("Symptom")},
            "rules": {"type": "array", "items": _ref("Rule")},
            "questions": {
                "type": "array", "maxItems": 2,
                "items": {"type": "object", "required": ["id", "text"],
                          "properties": {"id": {"type": "string", "enum": ["sudden_onset", "days_since_infusion"]},
                                         "text": {"type": "string"}}},
            },
            "context": {
                "type": "object",
                "properties": {
                    "days_since_infusion": {"type": ["integer", "null"]},
                    "during_infusion": {"type": "boolean"},
                    "sudden_onset": {"type": ["boolean", "null"]},
                },
            },
            "advice": {"type": "string", "description": "The advice to read to the caller."},
        },
    },
    "Call": {
        "type": "object",
        "required": ["id", "recorded_at", "level", "categories", "symptoms", "days_since_infusion", "note",
                     "status", "recorded_by", "case_id", "updated_at", "updated_by"],
        "properties": {
            "id": {"type": "integer"},
            "recorded_at": {"type": "string", "format": "date-time"},
            "level": {"type": "string", "enum": list(LEVELS[1:])},
            "categories": {"type": "array", "items": {"type": "string"}},
            "symptoms": {
                "type": "array",
                "items": {"type": "object", "required": ["id", "name", "text", "negated"],
                          "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                         "text": {"type": "string"}, "negated": {"type": "boolean"}}},
            },
            "days_since_infusion": {"type": ["integer", "null"]},
            "note": {"type": "string"},
            "status": {"type": "string", "enum": list(STATUSES)},
            "recorded_by": {"type": "string"},
            "case_id": {"type": ["string", "null"]},
            "updated_at": {"type": "string", "format": "date-time"},
            "updated_by": {"type": "string"},
        },
    },
    "AuditEntry": {
        "type": "object", "required": ["at", "username", "action", "call_id", "detail"],
        "properties": {
            "at": {"type": "string", "format": "date-time"}, "username": {"type": "string"},
            "action": {"type": "string"}, "call_id": {"type": ["integer", "null"]}, "detail": {"type": "string"},
        },
    },
}

STATUS_PARAMETER = {
    "name": "status", "in": "query", "required": False,
    "description": "Which calls: active (open and called_back, the default), all, or one status.",
    "schema": {"type": "string", "enum": list(STATUS_FILTERS), "default": "active"},
}
CALL_ID = {"name": "call_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def openapi() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Nurse hotline API (alemtuzumab symptom triage)",
            "version": "1.0.0",
            "description": (
                "What a caller says -> the level (routine, urgent, emergency), the warning categories, each "
                "symptom with the words it came from and its negation, the rules with their source lines, the "
                "questions still worth asking and the advice to read out. Urgent and emergency calls can be "
                f"recorded in a follow-up queue. Bodies larger than {MAX_BODY_BYTES // 1000} kB are refused (400). "
                "Authentication: a bearer token (NURSE_API_TOKEN) or a nurse's session cookie from POST /login."
            ),
        },
        "servers": [{"url": PREFIX}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/assess": {"post": {
                "summary": "Assess what a caller says",
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("AssessRequest")}}},
                "responses": _with_errors(
                    {"200": _json(_ref("Assessment"), "The assessment")},
                    "Malformed JSON, a missing or wrong field, text over 10,000 characters",
                ),
            }},
            "/calls": {
                "post": {
                    "summary": "Record an urgent or emergency call in the follow-up queue",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("RecordRequest")}}},
                    "responses": _with_errors(
                        {"201": _json({"type": "object", "required": ["call", "assessment"],
                                       "properties": {"call": _ref("Call"), "assessment": _ref("Assessment")}},
                                      "Recorded")},
                        "Bad body, or a routine call (not queued; the body gives the level)",
                    ),
                },
                "get": {
                    "summary": "The follow-up queue: emergency first, then urgent; the oldest first",
                    "parameters": [STATUS_PARAMETER],
                    "responses": _with_errors(
                        {"200": _json({"type": "object", "required": ["calls"],
                                       "properties": {"calls": {"type": "array", "items": _ref("Call")}}}, "The queue")},
                        "Unknown status",
                    ),
                },
            },
            "/calls/{call_id}": {"get": {
                "summary": "One call with its audit trail",
                "parameters": [CALL_ID],
                "responses": _with_errors({
                    "200": _json({"type": "object", "required": ["call", "audit"],
                                  "properties": {"call": _ref("Call"),
                                                 "audit": {"type": "array", "items": _ref("AuditEntry")}}}, "The call"),
                    "404": ERROR | {"description": "No such call"},
                }),
            }},
            "/calls/{call_id}/status": {"post": {
                "summary": "Change a call's status (audited with the nurse's name)",
                "parameters": [CALL_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["status"], "additionalProperties": False,
                    "properties": {"status": {"type": "string", "enum": list(STATUSES)}}}}}},
                "responses": _with_errors({
                    "200": _json({"type": "object", "required": ["call"], "properties": {"call": _ref("Call")}}, "Changed"),
                    "404": ERROR | {"description": "No such call"},
                }, "Unknown status"),
            }},
            "/queue.csv": {"get": {
                "summary": "The follow-up queue as CSV, in the queue's order",
                "parameters": [STATUS_PARAMETER],
                "responses": _with_errors({"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}),
            }},
            "/login": {"post": {
                "summary": "A nurse logs in; the answer sets the session cookie",
                "security": [],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["username", "password"],
                    "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
                "responses": {
                    "200": _json({"type": "object", "properties": {"username": {"type": "string"},
                                                                   "expires_at": {"type": "string"}}}, "Logged in"),
                    "400": ERROR | {"description": "Bad body"},
                    "401": ERROR | {"description": "Wrong username or password"},
                    "429": ERROR | {"description": "Five failed logins for this username in 15 minutes"},
                },
            }},
            "/logout": {"post": {"summary": "End the session", "security": [],
                                 "responses": {"200": {"description": "Logged out"}}}},
            "/openapi.json": {"get": {"summary": "This document", "security": [],
                                      "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "NURSE_API_TOKEN"},
                "session": {"type": "apiKey", "in": "cookie", "name": "nurse_session"},
            },
        },
    }


def dumps() -> str:
    return json.dumps(openapi(), indent=2) + "\n"


if __name__ == "__main__":
    sys.stdout.write(dumps())
