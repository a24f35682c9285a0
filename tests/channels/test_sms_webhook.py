"""The SMS channel end to end: the real Rasa server and action server (one pair for the module)
behind a public URL that differs from the local one, as behind a proxy, replying through a
fake Twilio REST API. Run with -s to see every SMS with its length and segment count."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import requests
from servers import make_servers
from sms_helpers import ACCOUNT, TOKEN, FakeTwilio, inbound, sign

from bot.channels.sms_format import first_segment, is_gsm7, segments

# servers (tests/servers.py) is importable through tests/conftest.py, sms_helpers by pytest's rootdir rule.
PUBLIC_URL = "https://triage.example.org"
WEBHOOK = "/webhooks/sms/webhook"


@pytest.fixture(scope="module")
def fake_twilio():
    """A fake Twilio REST API on loopback that records the SMS it is asked to send."""
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


class Phone:
    """Texts the bot as Twilio would, and reads the replies the fake Twilio received."""

    def __init__(self, servers, fake) -> None:
        self.servers, self.fake = servers, fake

    def post(self, form: dict, signature: str | None = "sign", headers: dict | None = None) -> requests.Response:
        headers = dict(headers or {})
        if signature == "sign":
            headers["X-Twilio-Signature"] = sign(PUBLIC_URL + WEBHOOK, form)
        elif signature is not None:
            headers["X-Twilio-Signature"] = signature
        return requests.post(self.servers.url + WEBHOOK, data=form, headers=headers, timeout=30)

    def text(self, number: str, body: str, **extra) -> str:
        """Send one SMS, wait for the one SMS that answers it, print and return it."""
        before = len(self.fake.sent(number))
        reply = self.post(inbound(number, body, **extra))
        assert reply.status_code == 200
        assert reply.text.endswith("<Response></Response>")  # Twilio gets empty TwiML at once
        answer = self.fake.wait_for(number, before + 1)[before]
        print(f"\n  > {body[:70]!r}{'...' if len(body) > 70 else ''}\n  < [{len(answer)} chars, {segments(answer)} segment(s)]")
        print("    " + answer.replace("\n", "\n    "))
        return answer

    def user_texts(self, number: str) -> list[str]:
        """What reached the bot, from Rasa's tracker."""
        # the "+" stays as it is: Rasa 3.6 does not decode %2B in the conversation id
        tracker = requests.get(f"{self.servers.url}/conversations/{number}/tracker", timeout=10).json()
        return [e.get("text") for e in tracker.get("events", []) if e.get("event") == "user"]


@pytest.fixture(scope="module")
def phone(fake_twilio, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("sms")
    servers = make_servers({
        "CLINIC_NAME": "Test Clinic", "CLINIC_PHONE": "555-0100",
        "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_NUMBER": "+15005550006",
        "TWILIO_API_BASE": fake_twilio.url, "SMS_PUBLIC_URL": PUBLIC_URL,
        "SMS_OPTOUT_DB": str(workdir / "optout.db"), "SMS_RETRY_BACKOFF": "0.05",
    })
    servers.extra_args = ["--enable-api"]  # to read trackers: what reached the bot
    servers.start()
    yield Phone(servers, fake_twilio)
    servers.stop()


def assert_sms_shape(answer: str, max_segments: int = 3) -> None:
    assert answer.strip()
    assert is_gsm7(answer), answer
    assert segments(answer) <= max_segments, answer
    assert "triage" not in answer and "{" not in answer  # the JSON payload is not sent


def test_health(phone):
    reply = requests.get(phone.servers.url + "/webhooks/sms/", timeout=10)
    assert reply.status_code == 200 and reply.json() == {"status": "ok"}


# --- signatures ------------------------------------------------------------------------------
def test_only_requests_signed_by_twilio_reach_the_bot(phone):
    number = "+15550100001"
    form = inbound(number, "my face is drooping on one side")
    forged = phone.post(form, signature=sign(PUBLIC_URL + WEBHOOK, form, token="not-our-token"))
    missing = phone.post(form, signature=None)
    changed_body = phone.post({**form, "Body": "I am fine"}, signature=sign(PUBLIC_URL + WEBHOOK, form))
    changed_sender = phone.post({**form, "From": "+15550100999"}, signature=sign(PUBLIC_URL + WEBHOOK, form))
    local_url = phone.post(form, signature=sign(phone.servers.url + WEBHOOK, form))  # not the URL Twilio calls
    assert [r.status_code for r in (forged, missing, changed_body, changed_sender, local_url)] == [403] * 5
    assert phone.user_texts(number) == [] and phone.user_texts("+15550100999") == []
    answer = phone.text(number, "my face is drooping on one side")  # the genuine request is answered
    assert answer.startswith("Call 911 now")
    assert phone.user_texts(number) == ["my face is drooping on one side"]


# --- conversations --------------------------------------------------------------------------
def test_emergency_the_action_is_in_the_first_segment(phone):
    number = "+15550100002"
    print("\n[emergency]")
    answer = phone.text(number, "my face is drooping on one side")
    assert_sms_shape(answer)
    action = "Call 911 now or have someone take you to the emergency department; do not drive yourself."
    assert answer.startswith(action)
    assert action in first_segment(answer) and len(action) <= 153
    assert "stroke" in answer  # why: the warning category
    assert "I am an automated helper" in answer  # the safety notice of a first message comes after
    thanks = phone.text(number, "thank you")
    assert_sms_shape(thanks)
    assert "555-0100" in thanks and "911" in thanks


def test_urgent_advice_fits_in_three_segments(phone):
    number = "+15550100003"
    print("\n[urgent]")
    answer = phone.text(number, "I have a fever and my gums are bleeding")
    assert_sms_shape(answer)
    assert answer.startswith("I am an automated helper")
    assert "Call your doctor right away" in answer and "bleeding problem" in answer and "Call 911" in answer
    later = phone.text(number, "my last infusion was yesterday")
    assert_sms_shape(later)
    # with three categories to name, the time is left out before any category (SMS_ADVICE_LIMIT)
    assert "Call your doctor right away" in later and "bleeding problem" in later and "Call 911" in later


def test_information_over_several_turns(phone):
    number = "+15550100004"
    print("\n[information]")
    first = phone.text(number, "how is lemtrada given")
    assert "drip into a vein" in first and first.startswith("I am an automated helper")
    for question, words in (
        ("what is lemtrada for", "multiple sclerosis"),
        ("what are the warning signs", "warning signs"),
        ("thanks", "911"),
    ):
        answer = phone.text(number, question)
        assert words in answer
        assert_sms_shape(answer)
    assert_sms_shape(first)


def test_a_numbered_reply_answers_the_question(phone):
    number = "+15550100005"
    print("\n[numbered reply]")
    question = phone.text(number, "I have a headache")
    assert_sms_shape(question)
    assert "suddenly" in question
    assert question.endswith("Reply 1 for Yes, suddenly; 2 for No.")
    answer = phone.text(number, "1")
    assert answer.startswith("Call 911 now")  # a sudden headache is a red flag
    assert_sms_shape(answer)
    assert phone.user_texts(number) == ["I have a headache", "yes"]  # "1" reached the bot as its option


def test_a_number_without_a_question_goes_through_as_text(phone):
    number = "+15550100006"
    phone.text(number, "hello")
    answer = phone.text(number, "2")
    assert_sms_shape(answer)
    assert phone.user_texts(number)[-1] == "2"


# --- keywords -------------------------------------------------------------------------------
def test_stop_mid_triage_then_start_and_help(phone):
    number = "+15550100007"
    print("\n[STOP / START / HELP]")
    question = phone.text(number, "I have a headache")
    assert "Reply 1 for Yes" in question
    stopped = phone.text(number, "STOP")
    assert "no more messages" in stopped and "START" in stopped and "911" in stopped
    silent = [phone.post(inbound(number, body)) for body in ("1", "HELP", "my face is drooping on one side")]
    assert [r.status_code for r in silent] == [200, 200, 200]
    restarted = phone.text(number, "start")
    assert "Messages are on again" in restarted
    sent = phone.fake.sent(number)
    assert sent[-2:] == [stopped, restarted]  # nothing went out while opted out
    assert phone.user_texts(number) == ["I have a headache"]  # keywords and opted-out texts never reached the bot
    answer = phone.text(number, "1")  # the question asked before STOP is still open
    assert answer.startswith("Call 911 now")
    helped = phone.text(number, "help")
    for words in ("Test Clinic", "555-0100", "911", "STOP"):
        assert words in helped
    assert_sms_shape(helped, max_segments=2)


def test_unsubscribe_in_any_case_is_kept_on_disk_without_the_number(phone):
    number = "+15550100008"
    phone.text(number, "hello")
    assert "no more messages" in phone.text(number, "Unsubscribe")
    db = Path(phone.servers.env["SMS_OPTOUT_DB"])
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM opted_out").fetchone()[0] >= 1
    assert number.encode() not in db.read_bytes()
    phone.post(inbound(number, "I have a fever"))
    assert "Messages are on again" in phone.text(number, "Start")
    assert phone.user_texts(number) == ["hello"]


# --- retries and bad input ------------------------------------------------------------------
def test_a_retried_delivery_is_answered_once(phone):
    number = "+15550100009"
    form = inbound(number, "hello")
    first, retry = phone.post(form), phone.post(form)  # Twilio retrying before we have answered
    assert first.status_code == retry.status_code == 200
    phone.fake.wait_for(number, 1)
    phone.post(inbound(number, "thanks"))
    # one number's answers go out in order: once the answer to "thanks" is out, none is pending
    sent = phone.fake.wait_for(number, 2, containing="You are welcome")
    assert len(sent) == 2 and "You are welcome" in sent[1]
    assert phone.user_texts(number) == ["hello", "thanks"]


def test_a_failing_twilio_api_is_retried(phone):
    number = "+15550100010"
    phone.fake.fail[number] = 2
    answer = phone.text(number, "help")
    assert "Test Clinic" in answer
    assert [a["status"] for a in phone.fake.attempts(number)] == [503, 503, 201]


def test_an_empty_body_gets_a_safe_answer(phone):
    number = "+15550100011"
    for body, extra in (("", {}), ("   ", {}), ("", {"NumMedia": "1", "MediaUrl0": "https://example.org/a.jpg"})):
        answer = phone.text(number, body, **extra)
        assert "only read text" in answer and "911" in answer
        assert_sms_shape(answer, max_segments=1)
    assert phone.user_texts(number) == []


def test_a_1600_character_body_is_read_and_a_longer_one_answered_safely(phone):
    number = "+15550100012"
    body = ("I feel very tired today. " * 70)[:1560] + " and my face is drooping"
    body = body.ljust(1600, ".")
    assert len(body) == 1600
    answer = phone.text(number, body)
    assert_sms_shape(answer)
    assert phone.user_texts(number) == [body.strip()]
    too_long = phone.text(number, "x" * 1601)
    assert "too long" in too_long and "911" in too_long
    assert_sms_shape(too_long, max_segments=2)
    assert len(phone.user_texts(number)) == 1


def test_emoji_in_and_out(phone):
    number = "+15550100013"
    print("\n[emoji]")
    fever = phone.text(number, "🤒 I have a fever 😢")
    assert_sms_shape(fever)
    assert "Call your doctor right away" in fever
    thumbs = phone.text(number, "👍")
    assert_sms_shape(thumbs)


def test_logs_hold_neither_numbers_nor_texts(phone):
    log = (phone.servers.workdir / "servers.log").read_text(errors="replace")
    assert "sms from sms-" in log and "sms to sms-" in log  # the channel did log, by tag
    for secret in ("5550100002", "5550100007", "face is drooping", "gums are bleeding", "I have a headache"):
        assert secret not in log
