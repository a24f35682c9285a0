"""The OpenAPI description: the file in the repo is the one the code builds (the live server
serves it: test_nurse_live.py), and real answers match its schemas."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from nurse_helpers import ANA, API, run
from servers import ROOT

from bot.channels.nurse_openapi import openapi

DOC = ROOT / "docs" / "nurse-openapi.json"


def validator(spec: dict, name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": spec["components"]})


def test_the_file_in_the_repo_is_the_description_the_code_builds():
    assert json.loads(DOC.read_text(encoding="utf-8")) == openapi(), (
        "docs/nurse-openapi.json is stale: .venv/bin/python -m bot.channels.nurse_openapi > docs/nurse-openapi.json"
    )


def test_it_describes_every_route_of_the_api():
    paths = openapi()["paths"]
    assert {"/assess", "/calls", "/calls/{call_id}", "/calls/{call_id}/status", "/queue.csv", "/login"} <= set(paths)
    assert openapi()["openapi"].startswith("3.")
    for schema in openapi()["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)  # each schema is valid JSON Schema


@pytest.mark.parametrize("text", ["her face is drooping since lunch", "he says no fever but his gums bleed", "she has a headache", "hello"])
def test_real_assessments_match_the_schema(service, text):
    reply = run(service.assess(API, json.dumps({"text": text, "case_id": "c1"}).encode()))
    assert reply.status == 200
    validator(openapi(), "Assessment").validate(reply.body)


def test_recorded_calls_errors_and_the_queue_match_the_schema(service):
    spec = openapi()
    recorded = run(service.record(ANA, json.dumps({"text": "my face is drooping", "note": "n"}).encode()))
    validator(spec, "Call").validate(recorded.body["call"])
    validator(spec, "Assessment").validate(recorded.body["assessment"])
    for call in run(service.queue(ANA)).body["calls"]:
        validator(spec, "Call").validate(call)
    validator(spec, "AuditEntry").validate(run(service.call(ANA, recorded.body["call"]["id"])).body["audit"][0])
    validator(spec, "Error").validate(run(service.assess(API, b"{")).body)
    request_schema = validator(spec, "AssessRequest")
    assert request_schema.is_valid({"text": "x", "days_since_infusion": 3, "case_id": "a-1"})
    assert not request_schema.is_valid({"text": "x", "days_since_infusion": -1})
    assert not request_schema.is_valid({"days_since_infusion": 3})


def test_every_source_document_of_the_knowledge_is_in_the_schema():
    from bot.channels.nurse_openapi import openapi
    from bot.triage.knowledge import default_knowledge

    allowed = set(openapi()["components"]["schemas"]["Source"]["properties"]["document"]["enum"])
    assert {src["document"] for src in default_knowledge().sources.values()} <= allowed
