"""The nurse API in-process (bot/channels/nurse_api.py): what a nurse sees for first- and
third-person calls, offsets that point at the words, corrections under one case_id, bad bodies,
and authentication. The same service runs behind the Sanic routes (test_nurse_live.py)."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nurse_helpers import ANA, API, NURSE, PASSWORD, TOKEN, make_service, run

from bot.channels import nurse_auth
from bot.channels.nurse_api import MAX_TEXT_CHARS
from bot.triage.knowledge import default_knowledge


def assess(service, body, principal=API):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return run(service.assess(principal, raw))


def ok(service, body, principal=API) -> dict:
    reply = assess(service, body, principal)
    assert reply.status == 200, reply.body
    return reply.body


def symptom(result: dict, sid: str) -> dict:
    found = [s for s in result["symptoms"] if s["id"] == sid]
    assert found, f"{sid} not in {[s['id'] for s in result['symptoms']]}"
    return found[0]


def seed_line(source_id: str) -> int:
    return default_knowledge().sources[source_id]["line"]


# --- levels and payloads -------------------------------------------------------------------------

def test_first_person_face_drooping_is_an_emergency_with_its_rule_source_and_the_911_advice(service):
    text = "my face is drooping"
    result = ok(service, {"text": text})
    assert result["level"] == "emergency"
    assert [c["id"] for c in result["categories"]] == ["stroke"]
    face = symptom(result, "face_drooping")
    assert (face["text"], face["negated"], face["other_person"]) == ("face is drooping", False, False)
    assert text[face["start"]:face["end"]] == "face is drooping"
    rule = next(r for r in result["rules"] if r["id"] == "stroke.face_drooping")
    assert rule["level"] == "emergency"
    assert rule["source"]["document"] == "seed"
    assert rule["source"]["line"] == seed_line("seed.stroke")
    assert rule["source"]["ref"] == f"seed line {seed_line('seed.stroke')}"
    assert rule["source"]["quote"]
    assert result["questions"] == []  # a red flag is answered at once
    assert result["advice"].startswith("Call 911 now")


def test_third_person_is_triaged_as_first_person(service):
    text = "her face is drooping since lunch"
    result = ok(service, {"text": text})
    assert result["level"] == "emergency"
    face = symptom(result, "face_drooping")
    assert face["other_person"] is True and face["negated"] is False
    assert text[face["start"]:face["end"]] == face["text"] == "face is drooping"
    assert "stroke.face_drooping" in [r["id"] for r in result["rules"]]


def test_a_negated_fever_with_bleeding_gums_is_urgent_for_bleeding_only(service):
    text = "he says no fever but his gums bleed"
    result = ok(service, {"text": text})
    assert result["level"] == "urgent"
    categories = [c["id"] for c in result["categories"]]
    assert "bleeding" in categories
    assert "infection" not in categories and "infusion_reaction" not in categories  # the fever is denied
    fever, gums = symptom(result, "fever"), symptom(result, "bleeding_gums")
    assert fever["negated"] is True and text[fever["start"]:fever["end"]] == "fever"
    assert gums["negated"] is False and text[gums["start"]:gums["end"]] == "gums bleed"
    rule = next(r for r in result["rules"] if r["id"] == "bleeding.bleeding_gums")
    assert rule["source"]["line"] == seed_line("seed.blood_disorders")
    assert "Call your doctor right away" in result["advice"]


@pytest.mark.parametrize(
    "text",
    [
        "She woke up confused and her speech is slurred",
        "my husband says his left arm feels numb, no chest pain though",
        "   Her gums bleed.  And she's got tiny red spots on her legs!!",
        "pt c/o feaver and chills since yesterday's infusion",
        "Not sure if his face droops. He has a sore throat that won't go away",
    ],
)
def test_every_offset_points_at_the_words_the_symptom_came_from(service, text):
    result = ok(service, {"text": text})
    assert result["symptoms"], "no symptom found"
    for found in result["symptoms"]:
        assert found["message"] == 0
        assert text[found["start"]:found["end"]] == found["text"], found


def test_a_headache_asks_the_questions_that_can_change_the_level(service):
    result = ok(service, {"text": "she has a headache"})
    assert result["level"] == "urgent"
    # while the onset is unknown the headache is urgent at any time: only the onset can change it
    assert [q["id"] for q in result["questions"]] == ["sudden_onset"]
    facts = default_knowledge().facts
    assert [q["text"] for q in result["questions"]] == [facts[q["id"]]["question"] for q in result["questions"]]
    sudden = ok(service, {"text": "she has a headache", "sudden_onset": True})
    assert sudden["level"] == "emergency" and sudden["questions"] == []
    slow = ok(service, {"text": "she has a headache", "sudden_onset": False})
    assert [q["id"] for q in slow["questions"]] == ["days_since_infusion"]


def test_a_message_with_no_listed_sign_is_routine_and_says_so(service):
    result = ok(service, {"text": "he stubbed his toe"})
    assert (result["level"], result["symptoms"], result["rules"]) == ("routine", [], [])
    assert "not one of the warning signs" in result["advice"]


# --- cases: messages add up, corrections re-assess --------------------------------------------------

def test_neck_pain_then_days_since_infusion_10_turns_emergency_into_urgent_and_back(service, sqlite_store):
    first = ok(service, {"text": "she has neck pain", "case_id": "call-42"})
    assert first["level"] == "emergency" and first["case_id"] == "call-42"
    assert [r["id"] for r in first["rules"]] == ["stroke.neck_pain"]

    corrected = ok(service, {"text": "", "case_id": "call-42", "days_since_infusion": 10})
    assert corrected["level"] == "urgent"
    assert [r["id"] for r in corrected["rules"]] == ["stroke.neck_pain_after_window"]
    assert corrected["context"]["days_since_infusion"] == 10
    assert symptom(corrected, "neck_pain")["text"] == "neck pain"  # still known from the first message

    again = ok(service, {"text": "", "case_id": "call-42", "days_since_infusion": 1})
    assert again["level"] == "emergency"
    saved = sqlite_store.case_state("call-42")
    assert saved["days_since_infusion"] == 1 and [f["symptom"] for f in saved["findings"]] == ["neck_pain"]


def test_a_time_said_in_a_later_message_corrects_the_case(service):
    assert ok(service, {"text": "he has neck pain", "case_id": "c-time"})["level"] == "emergency"
    text = "his last infusion was 10 days ago"
    later = ok(service, {"text": text, "case_id": "c-time"})
    assert later["level"] == "urgent"
    assert later["context"]["days_since_infusion"] == 10
    assert later["message"] == 1


def test_the_latest_word_on_a_symptom_wins_and_offsets_name_their_message(service):
    first = ok(service, {"text": "she has a fever", "case_id": "c-fever", "days_since_infusion": 20})
    assert first["level"] == "urgent" and symptom(first, "fever")["negated"] is False
    second_text = "sorry, actually no fever, but her gums bleed"
    second = ok(service, {"text": second_text, "case_id": "c-fever"})
    fever = symptom(second, "fever")
    assert fever["negated"] is True and fever["message"] == 1
    assert second_text[fever["start"]:fever["end"]] == "fever"
    assert "infection" not in [c["id"] for c in second["categories"]]
    assert second["level"] == "urgent" and "bleeding" in [c["id"] for c in second["categories"]]
    assert second["context"]["days_since_infusion"] == 20  # a fact said once stays


def test_cases_do_not_mix(service):
    ok(service, {"text": "my face is drooping", "case_id": "patient-a"})
    other = ok(service, {"text": "she has a rash", "case_id": "patient-b", "days_since_infusion": 30})
    assert other["level"] == "routine"
    assert [s["id"] for s in other["symptoms"]] == ["rash"]


# --- bad bodies: 400 with a clear message, never a 500 ---------------------------------------------

BAD_BODIES = {
    "empty": b"",
    "not JSON": b"my face is drooping",
    "truncated JSON": b'{"text": "my face',
    "a list": b'["my face is drooping"]',
    "a string": b'"my face is drooping"',
    "missing text": b'{"days_since_infusion": 2}',
    "null text": b'{"text": null}',
    "number text": b'{"text": 42}',
    "list text": b'{"text": ["face drooping"]}',
    "text too long": json.dumps({"text": "a" * (MAX_TEXT_CHARS + 1)}).encode(),
    "negative days": b'{"text": "fever", "days_since_infusion": -1}',
    "fractional days": b'{"text": "fever", "days_since_infusion": 1.5}',
    "days as a string": b'{"text": "fever", "days_since_infusion": "3"}',
    "days as a boolean": b'{"text": "fever", "days_since_infusion": true}',
    "absurd days": b'{"text": "fever", "days_since_infusion": 1e400}',
    "case_id a number": b'{"text": "fever", "case_id": 7}',
    "case_id with a slash": b'{"text": "fever", "case_id": "../etc"}',
    "misspelt field": b'{"text": "neck pain", "days_since_infussion": 10}',
    "sudden_onset a string": b'{"text": "headache", "sudden_onset": "yes"}',
    "lone surrogate": b'{"text": "fever \\ud800"}',
    "NUL character": b'{"text": "fever\\u0000"}',
    "not UTF-8": b'{"text": "\xff\xfe fever"}',
    "deeply nested": b"[" * 100_000,
    "over 100 kB": json.dumps({"text": "x", "padding": " " * 100_001}).encode(),
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_a_bad_body_gets_400_with_a_clear_message(service, name):
    reply = assess(service, BAD_BODIES[name])
    assert reply.status == 400, (name, reply.body)
    assert isinstance(reply.body["error"], str) and len(reply.body["error"]) > 10
    assert "face" not in reply.body["error"]  # the message never repeats the patient's words


def test_the_longest_allowed_text_is_assessed(service):
    text = ("she has a rash. " * 700)[:MAX_TEXT_CHARS]
    assert len(text) == MAX_TEXT_CHARS
    assert assess(service, {"text": text}).status == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.text(max_size=300),
    st.dictionaries(st.sampled_from(["text", "days_since_infusion", "case_id", "sudden_onset"]),
                    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=80)))
))
def test_no_body_makes_the_service_fail(service, value):
    body = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else json.dumps(value).encode()
    assert assess(service, body).status in (200, 400)


# --- authentication ---------------------------------------------------------------------------------

def authorize(service, headers=None, cookies=None):
    return run(service.authorize(headers or {}, cookies or {}))


def test_the_bearer_token_lets_in_and_nothing_else_does(service):
    assert authorize(service, {"authorization": f"Bearer {TOKEN}"}) == API
    assert authorize(service) is None
    assert authorize(service, {"authorization": f"Bearer {TOKEN}x"}) is None
    assert authorize(service, {"authorization": f"Basic {TOKEN}"}) is None
    assert authorize(service, {"authorization": "Bearer "}) is None
    assert authorize(service, cookies={nurse_auth.COOKIE: "made-up"}) is None


def test_with_no_token_and_no_nurse_everything_is_refused(tmp_path):
    from bot.channels.nurse_store import NurseStore

    empty = NurseStore(f"sqlite:///{tmp_path / 'empty.db'}")
    service = make_service(empty, token="")
    for headers in ({}, {"authorization": "Bearer "}, {"authorization": "Bearer None"}, {"authorization": "Bearer undefined"}):
        assert authorize(service, headers) is None
    reply, token = run(service.login(json.dumps({"username": "", "password": ""}).encode()))
    assert (reply.status, token) == (401, None)


def test_a_short_token_is_not_accepted(sqlite_store):
    service = make_service(sqlite_store, token="short")
    assert authorize(service, {"authorization": "Bearer short"}) is None


def login(service, username=NURSE, password=PASSWORD):
    return run(service.login(json.dumps({"username": username, "password": password}).encode()))


def test_a_nurse_logs_in_and_the_session_identifies_her(service):
    reply, token = login(service)
    assert reply.status == 200 and reply.body["username"] == NURSE
    assert token and len(token) >= 40
    assert authorize(service, cookies={nurse_auth.COOKIE: token}) == ANA
    for wrong in ((NURSE, "wrong password!"), ("nobody", PASSWORD), (NURSE.upper(), PASSWORD)):
        reply, token = login(service, *wrong)
        assert (reply.status, token) == (401, None)
        assert reply.body == {"error": "wrong username or password"}


def test_five_failed_logins_lock_the_username_for_a_while(service):
    for _ in range(5):
        assert login(service, password="a wrong guess")[0].status == 401
    reply, token = login(service)  # even the right password, for now
    assert (reply.status, token) == (429, None)
    assert login(service, "nurse.bea", "a wrong guess")[0].status == 401  # other names are not locked


def test_sessions_expire_and_end_at_logout_and_removal(sqlite_store):
    short = make_service(sqlite_store, session_hours=0.5 / 3600)  # half a second
    _, token = login(short)
    import time

    time.sleep(1.0)
    assert authorize(short, cookies={nurse_auth.COOKIE: token}) is None

    service = make_service(sqlite_store)
    _, token = login(service)
    run(service.logout({nurse_auth.COOKIE: token}))
    assert authorize(service, cookies={nurse_auth.COOKIE: token}) is None

    _, token = login(service)
    sqlite_store.remove_user(NURSE, "test")
    assert authorize(service, cookies={nurse_auth.COOKIE: token}) is None


# --- recording and logs -------------------------------------------------------------------------------

def record(service, body, principal=ANA):
    return run(service.record(principal, json.dumps(body).encode()))


def test_a_routine_call_is_refused_and_not_queued(service):
    reply = record(service, {"text": "he stubbed his toe", "note": "just worried"})
    assert reply.status == 400 and reply.body["level"] == "routine"
    assert "not queued" in reply.body["error"]
    assert run(service.queue(ANA)).body == {"calls": []}


def test_recording_a_case_uses_everything_the_case_knows(service):
    ok(service, {"text": "his gums bleed", "case_id": "c-rec"})
    reply = record(service, {"case_id": "c-rec", "note": "call back after 5pm"})
    assert reply.status == 201
    call = reply.body["call"]
    assert (call["level"], call["categories"], call["recorded_by"], call["case_id"]) == ("urgent", ["bleeding"], NURSE, "c-rec")
    assert [s["id"] for s in call["symptoms"]] == ["bleeding_gums"]
    assert call["note"] == "call back after 5pm"
    assert record(service, {"note": "no text and no case"}).status == 400


def test_no_patient_text_or_note_in_the_logs_at_the_default_level(service, caplog):
    caplog.set_level(logging.INFO)
    words, note = "her face is drooping since lunch", "daughter Zelda answers the phone"
    ok(service, {"text": words, "case_id": "c-log"})
    assert record(service, {"text": words, "note": note}).status == 201
    run(service.queue_csv(ANA))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "nurse assess by api: emergency" in logged  # something is logged...
    for secret in ("drooping", "lunch", "Zelda", "c-log"):  # ...but not what the caller said
        assert secret not in logged


# --- start-up and a database that is down ---------------------------------------------------------------

def test_start_up_creates_the_schema_and_warns_when_nobody_can_get_in(tmp_path, caplog):
    from bot.channels.nurse_api import NurseService
    from bot.channels.nurse_settings import NurseSettings
    from bot.channels.nurse_store import SCHEMA_VERSION, NurseStore

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    run(NurseService(NurseSettings(db_url=url)).warm_up())
    assert (tmp_path / "fresh.db").exists()
    assert NurseStore(url).version() == SCHEMA_VERSION
    assert "every request is refused (401)" in caplog.text


def test_a_database_that_is_down_gives_unavailable_not_a_crash_and_needs_no_db_without_a_case():
    from bot.channels.nurse_api import NurseService, Unavailable
    from bot.channels.nurse_settings import NurseSettings

    down = NurseService(NurseSettings(api_token=TOKEN, db_url="postgresql://postgres@127.0.0.1:9/none"))
    assert ok(down, {"text": "my face is drooping"})["level"] == "emergency"  # no case, no database needed
    with pytest.raises(Unavailable):  # the route answers 503
        assess(down, {"text": "my face is drooping", "case_id": "c1"})
    with pytest.raises(Unavailable):
        run(down.authorize({}, {nurse_auth.COOKIE: "some-session"}))
    assert authorize(down, {"authorization": f"Bearer {TOKEN}"}) == API  # the token needs no database
