"""Shared values and helpers of the nurse channel's tests."""

from __future__ import annotations

import asyncio

from bot.channels.nurse_api import NurseService
from bot.channels.nurse_auth import Principal
from bot.channels.nurse_settings import NurseSettings
from bot.channels.nurse_store import NurseStore
from bot.settings import ClinicSettings

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
TOKEN = "nurse-test-token-0123456789abcdef"
NURSE, PASSWORD = "nurse.ana", "correct horse battery"
API = Principal("api", "token")
ANA = Principal(NURSE, "session")
CLINIC = ClinicSettings(clinic_name="Test Clinic", clinic_phone="555-0100")



def run(coroutine):
    return asyncio.run(coroutine)


def make_service(store: NurseStore, token: str = TOKEN, **settings) -> NurseService:
    return NurseService(NurseSettings(api_token=token, db_url=store.url, **settings), store=store, clinic=CLINIC)
