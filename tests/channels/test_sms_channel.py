"""The SMS channel in-process, without Rasa: settings, a missing token, STOP during a running
turn, a failing bot, and the REST sender against the fake Twilio."""

from __future__ import annotations

import asyncio
import base64
import logging

import pytest
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from sms_helpers import ACCOUNT, TOKEN, FakeTwilio, inbound, sign

from bot.channels.sms import SmsInput, offered_options
from bot.channels.sms_settings import SmsSettings
from bot.channels.sms_twilio import Route, TwilioSender

URL = "https://triage.example.org/webhooks/sms/webhook"
NUMBER = "+15551239999"


@pytest.fixture(scope="module")
def fake_twilio():
    """A fake Twilio REST API on loopback that records the SMS it is asked to send."""
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


class RecordingSender:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, to: str, body: str, route: Route, tag: str = "sms") -> bool:
        self.sent.append((to, body))
        return True

    async def close(self) -> None:
        pass


def make_channel(tmp_path, **settings) -> SmsInput:
    values = {"auth_token": TOKEN, "account_sid": ACCOUNT, "optout_db": str(tmp_path / "optout.db"), **settings}
    return SmsInput(SmsSettings(**values), sender=RecordingSender())


async def post(channel: SmsInput, form: dict, on_new_message, token: str = TOKEN):
    return await channel.receive(form, sign(URL, form, token), URL, on_new_message)


async def never_called(message):
    raise AssertionError("the bot must not see this message")


# --- settings ---------------------------------------------------------------------------------
def test_the_environment_overrides_credentials_and_the_token_comes_only_from_it():
    credentials = {"api_base": "https://api.twilio.com", "send_retries": 5, "confirm_opt_out": False, "auth_token": "in-the-file"}
    settings = SmsSettings.load(credentials, {"TWILIO_API_BASE": "http://127.0.0.1:9", "SMS_RETRY_BACKOFF": "0.1"})
    assert settings.api_base == "http://127.0.0.1:9"
    assert settings.send_retries == 5 and settings.retry_backoff == 0.1
    assert settings.confirm_opt_out is False
    assert settings.auth_token == ""  # a token written in credentials.yml is ignored
    assert SmsSettings.load(None, {"TWILIO_AUTH_TOKEN": " abc ", "SMS_CONFIRM_OPT_OUT": "0"}).auth_token == "abc"
    assert SmsSettings.load(None, {"SMS_CONFIRM_OPT_OUT": "0"}).confirm_opt_out is False


# --- numbered replies -------------------------------------------------------------------------
def test_the_options_offered_are_those_of_the_bots_last_question_only():
    buttons = [{"title": "Yes, suddenly", "payload": "yes"}, {"title": "No", "payload": "no"}]
    asked = [UserUttered("I have a headache"), BotUttered("Did it come on suddenly?", data={"buttons": buttons}),
             SlotSet("pending_question", "sudden_onset")]
    assert offered_options(asked) == buttons
    answered = [*asked, UserUttered("yes"), BotUttered("Call 911 now.")]
    assert offered_options(answered) == []  # once the person wrote, the old options are gone
    assert offered_options([]) == []


# --- no token: nothing gets in ----------------------------------------------------------------
def test_without_a_token_every_request_is_refused_and_the_start_says_why(tmp_path, caplog, monkeypatch):
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    with caplog.at_level(logging.ERROR):
        channel = SmsInput.from_credentials({"optout_db": "optout.db"})
    assert any("TWILIO_AUTH_TOKEN is not set" in r.getMessage() for r in caplog.records)
    form = inbound(NUMBER, "my face is drooping on one side")

    async def scenario():
        return [await post(channel, form, never_called, token) for token in (TOKEN, "")]

    assert [status for status, _ in asyncio.run(scenario())] == [403, 403]
    assert not (tmp_path / "optout.db").exists()


# --- STOP wins over a turn already running ------------------------------------------------------
def test_a_stop_that_arrives_while_the_bot_is_answering_drops_that_answer(tmp_path):
    channel = make_channel(tmp_path)

    async def scenario():
        started, release = asyncio.Event(), asyncio.Event()

        async def slow_bot(message):
            started.set()
            await release.wait()
            await message.output_channel.send_text_message(message.sender_id, "Did the headache come on suddenly?")

        assert (await post(channel, inbound(NUMBER, "I have a headache"), slow_bot))[0] == 200
        await asyncio.wait_for(started.wait(), 5)
        assert (await post(channel, inbound(NUMBER, "STOP"), never_called))[0] == 200
        release.set()
        await channel.drain(5)
        return channel.sender.sent

    sent = asyncio.run(scenario())
    assert len(sent) == 1
    assert "no more messages" in sent[0][1]
    assert "headache" not in sent[0][1]


# --- never silent -----------------------------------------------------------------------------
def test_a_failing_or_silent_bot_still_gets_a_safe_answer(tmp_path, monkeypatch):
    monkeypatch.setenv("CLINIC_PHONE", "555-0100")
    channel = make_channel(tmp_path)

    async def failing_bot(message):
        raise RuntimeError("action server down")

    async def silent_bot(message):
        return None

    async def scenario():
        await post(channel, inbound(NUMBER, "my gums are bleeding"), failing_bot)
        await post(channel, inbound(NUMBER, "hello?"), silent_bot)
        await channel.drain(5)
        return [body for _, body in channel.sender.sent]

    replies = asyncio.run(scenario())
    assert len(replies) == 2
    for reply in replies:
        assert "call 911 now" in reply and "555-0100" in reply


# --- the REST sender --------------------------------------------------------------------------
def test_the_sender_retries_with_backoff_then_delivers_once(fake_twilio, caplog):
    number = "+15551230101"
    fake_twilio.fail[number] = 2
    sender = TwilioSender(TOKEN, fake_twilio.url, retries=3, backoff=0.01)
    route = Route(ACCOUNT, from_number="+15005550006")

    async def scenario():
        try:
            return await sender.send(number, "Reply 1 for Yes, 2 for No.", route, "sms-tag")
        finally:
            await sender.close()

    with caplog.at_level(logging.INFO):
        assert asyncio.run(scenario()) is True
    attempts = fake_twilio.attempts(number)
    assert [a["status"] for a in attempts] == [503, 503, 201]
    assert fake_twilio.sent(number) == ["Reply 1 for Yes, 2 for No."]
    assert attempts[0]["path"] == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert attempts[0]["auth"] == "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
    assert attempts[0]["from"] == "+15005550006"
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert "retrying" in logs and "sent" in logs
    assert number not in logs and "Reply 1" not in logs


def test_the_sender_gives_up_after_its_retries_and_never_retries_a_refusal(fake_twilio, caplog):
    down, refused = "+15551230102", "+15551230103"
    fake_twilio.fail[down] = 99
    fake_twilio.refuse.add(refused)
    sender = TwilioSender(TOKEN, fake_twilio.url, retries=2, backoff=0.01)
    route = Route(ACCOUNT, from_number="+15005550006")

    async def scenario():
        try:
            return await sender.send(down, "a", route), await sender.send(refused, "b", route)
        finally:
            await sender.close()

    with caplog.at_level(logging.INFO):
        assert asyncio.run(scenario()) == (False, False)
    assert len(fake_twilio.attempts(down)) == 3
    assert len(fake_twilio.attempts(refused)) == 1
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert "code 21610" in logs and "not sent after 3 attempts" in logs
    assert down not in logs and refused not in logs  # Twilio's error message quotes the number: not logged


def test_the_sender_survives_an_unreachable_api():
    sender = TwilioSender(TOKEN, "http://127.0.0.1:9", retries=1, backoff=0.01, timeout=2)

    async def scenario():
        try:
            return await sender.send(NUMBER, "x", Route(ACCOUNT, from_number="+15005550006"))
        finally:
            await sender.close()

    assert asyncio.run(scenario()) is False


# --- a typed "/" command is only text ------------------------------------------------------------
def test_a_slash_command_texted_by_a_patient_is_only_text(tmp_path):
    from unittest.mock import AsyncMock

    channel = make_channel(tmp_path)
    seen = []

    class Agent:
        tracker_store = AsyncMock()

        async def parse_message(self, text):
            return {"text": text, "intent": {"name": "restart", "confidence": 0.99}, "entities": []}

    Agent.tracker_store.retrieve.return_value = None

    async def bot(message):
        seen.append(message)
        await message.output_channel.send_text_message(message.sender_id, "ok")

    form = inbound(NUMBER, "/restart")

    async def scenario():
        await channel.receive(form, sign(URL, form), URL, bot, Agent())
        await channel.drain(5)

    asyncio.run(scenario())
    assert seen and seen[0].text == "restart"
    assert seen[0].parse_data["intent"]["name"] == "nlu_fallback"
