"""The nurse channel on the real Rasa server (one server pair for this module, from
credentials.yml): the routes over HTTP, then the console in headless Chromium: log in, type a
stroke case, see the emergency banner and the highlighted words, record the call, find it at the
top of the queue."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import requests
from nurse_helpers import NURSE, PASSWORD, TOKEN
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait
from servers import ROOT, make_servers

from bot.channels.nurse_auth import hash_password
from bot.channels.nurse_store import NurseStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))  # the widget tests' Chromium set-up
from widget_driver import CHROMEDRIVER, CHROMIUM, SCREENSHOTS, new_browser

PREFIX = "/webhooks/nurse"
CALLER = "She says her face is drooping since lunch and her left arm feels weak"
NOTE = "Daughter Philippa on the line, call back on her mobile"


@pytest.fixture(scope="module")
def nurse_server(tmp_path_factory):
    db = f"sqlite:///{tmp_path_factory.mktemp('nurse') / 'nurse.db'}"
    store = NurseStore(db)
    store.add_user(NURSE, hash_password(PASSWORD), "test")
    store.dispose()
    servers = make_servers({"NURSE_DB_URL": db, "NURSE_API_TOKEN": TOKEN, "CLINIC_NAME": "Test Clinic", "CLINIC_PHONE": "555-0100"})
    servers.start()
    servers.nurse = servers.url + PREFIX
    yield servers
    servers.stop()


def api(server, method: str, path: str, token: str | None = TOKEN, **kwargs) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, server.nurse + path, headers=headers, timeout=30, **kwargs)


# --- HTTP ---------------------------------------------------------------------------------------

def test_the_served_openapi_is_the_file_in_the_repo(nurse_server):
    served = requests.get(nurse_server.nurse + "/openapi.json", timeout=10)
    assert served.status_code == 200
    assert served.json() == json.loads((ROOT / "docs" / "nurse-openapi.json").read_text(encoding="utf-8"))


def test_third_person_assessment_over_http(nurse_server):
    text = "he says no fever but his gums bleed"
    reply = api(nurse_server, "POST", "/assess", json={"text": text})
    assert reply.status_code == 200
    result = reply.json()
    assert result["level"] == "urgent"
    found = {s["id"]: s for s in result["symptoms"]}
    assert found["fever"]["negated"] and not found["bleeding_gums"]["negated"]
    assert text[found["bleeding_gums"]["start"]:found["bleeding_gums"]["end"]] == "gums bleed"
    assert reply.headers["Cache-Control"] == "no-store"


def test_a_correction_under_one_case_id_over_http(nurse_server):
    assert api(nurse_server, "POST", "/assess", json={"text": "she has neck pain", "case_id": "live-1"}).json()["level"] == "emergency"
    later = api(nurse_server, "POST", "/assess", json={"text": "", "case_id": "live-1", "days_since_infusion": 10}).json()
    assert later["level"] == "urgent" and later["rules"][0]["id"] == "stroke.neck_pain_after_window"


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b'{"text": "my face is dro', "application/json"),
        (b"text=my face is drooping", "application/x-www-form-urlencoded"),
        (b'{"text": 3}', "application/json"),
        (json.dumps({"text": "x" * 10_001}).encode(), "application/json"),
        (b'{"text": "' + b"x" * 150_000 + b'"}', "application/json"),
    ],
)
def test_bad_bodies_get_400_over_http(nurse_server, body, content_type):
    reply = api(nurse_server, "POST", "/assess", data=body, headers={"Content-Type": content_type})
    assert reply.status_code == 400
    assert reply.json()["error"]


def test_without_a_valid_token_nothing_about_any_patient_comes_back(nurse_server):
    recorded = api(nurse_server, "POST", "/calls", json={"text": CALLER, "note": NOTE, "case_id": "live-secret"})
    assert recorded.status_code == 201
    attempts = [
        ("POST", "/assess", None, {"json": {"text": CALLER, "case_id": "live-secret"}}),
        ("POST", "/assess", "wrong-token-wrong-token-wrong", {"json": {"text": CALLER}}),
        ("POST", "/assess", "", {"json": {"text": CALLER}}),
        ("GET", "/calls", None, {}),
        ("GET", "/calls", TOKEN[:-1], {}),
        ("GET", f"/calls/{recorded.json()['call']['id']}", None, {}),
        ("GET", "/queue.csv", None, {}),
        ("POST", f"/calls/{recorded.json()['call']['id']}/status", None, {"json": {"status": "closed"}}),
        ("POST", "/calls", None, {"json": {"text": CALLER, "note": NOTE}}),
    ]
    for method, path, token, kwargs in attempts:
        reply = api(nurse_server, method, path, token=token, **kwargs)
        assert reply.status_code == 401, (method, path)
        assert reply.json() == {"error": "authentication required"}
        for secret in ("drooping", "Philippa", "live-secret", "stroke", "emergency"):
            assert secret not in reply.text
    assert api(nurse_server, "GET", f"/calls/{recorded.json()['call']['id']}").json()["call"]["status"] == "open"


def test_the_console_needs_a_login_and_forbids_outside_scripts(nurse_server):
    page = requests.get(nurse_server.nurse + "/console", allow_redirects=False, timeout=10)
    assert page.status_code == 303 and page.headers["Location"] == "login?next=console"
    login = requests.get(nurse_server.nurse + "/login", timeout=10)
    assert login.status_code == 200 and "script-src 'self'" in login.headers["Content-Security-Policy"]
    assert requests.get(nurse_server.nurse + "/queue", allow_redirects=False, timeout=10).status_code == 303
    assert requests.get(nurse_server.nurse + "/static/nothing.js", timeout=10).status_code == 404


def test_a_session_cookie_works_for_the_api_and_logout_ends_it(nurse_server):
    session = requests.Session()
    assert session.post(nurse_server.nurse + "/login", json={"username": NURSE, "password": "wrong"}, timeout=30).status_code == 401
    as_form = session.post(nurse_server.nurse + "/login", data={"username": NURSE, "password": PASSWORD}, timeout=30)
    assert as_form.status_code == 400 and "Set-Cookie" not in as_form.headers  # no login from another site's form
    logged = session.post(nurse_server.nurse + "/login", json={"username": NURSE, "password": PASSWORD}, timeout=30)
    assert logged.status_code == 200
    cookie = logged.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/webhooks/nurse" in cookie
    assert session.post(nurse_server.nurse + "/assess", json={"text": "my face is drooping"}, timeout=30).json()["level"] == "emergency"
    # a form posted from another site cannot use the cookie: it cannot send JSON
    forged = session.post(nurse_server.nurse + "/calls", data={"text": "x"}, timeout=30)
    assert forged.status_code == 400
    assert session.post(nurse_server.nurse + "/logout", timeout=30).status_code == 200
    assert session.get(nurse_server.nurse + "/calls", timeout=30).status_code == 401


# --- the console in Chromium -----------------------------------------------------------------------

@pytest.fixture
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Chromium is missing: run scripts/install_browser.sh (make test does)")
    driver = new_browser(1280, 900)
    yield driver
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)


COUNT_ASSESS_CALLS = """
window.assessCalls = 0;
var realFetch = window.fetch;
window.fetch = function (url) {
  if (String(url).endsWith("assess")) window.assessCalls++;
  return realFetch.apply(this, arguments);
};
"""


def close_every_active_call(server) -> None:
    for call in api(server, "GET", "/calls").json()["calls"]:
        assert api(server, "POST", f"/calls/{call['id']}/status", json={"status": "closed"}).status_code == 200


def test_the_console_from_login_to_the_top_of_the_queue(nurse_server, browser):
    close_every_active_call(nurse_server)
    api(nurse_server, "POST", "/calls", json={"text": "his gums bleed", "note": "older urgent call"})  # urgent: below
    wait = WebDriverWait(browser, 30)
    browser.get(nurse_server.nurse + "/console")
    wait.until(lambda d: d.current_url.endswith("/login?next=console"))

    # log in by keyboard alone: the username box has the focus, Tab to the password, Enter
    assert browser.switch_to.active_element.get_attribute("id") == "nc-username"
    browser.switch_to.active_element.send_keys(NURSE, Keys.TAB, PASSWORD, Keys.ENTER)
    wait.until(lambda d: d.current_url.endswith("/console"))
    text = wait.until(lambda d: d.find_element(By.ID, "nc-text"))
    for control in browser.find_elements(By.CSS_SELECTOR, "textarea, input, select"):
        label = browser.find_elements(By.CSS_SELECTOR, f"label[for='{control.get_attribute('id')}']")
        assert label and label[0].text.strip(), control.get_attribute("id")
    banner = browser.find_element(By.ID, "nc-banner")
    assert banner.get_attribute("aria-live") == "polite"

    assert browser.switch_to.active_element == text
    browser.execute_script(COUNT_ASSESS_CALLS)
    text.send_keys(CALLER)
    wait.until(lambda d: banner.get_attribute("data-level") == "emergency")
    assert browser.execute_script("return window.assessCalls") <= 2  # debounced: not one call per key
    assert banner.text.startswith("EMERGENCY")
    assert banner.value_of_css_property("background-color") == "rgba(179, 38, 30, 1)"  # the widget's --tw-emergency
    marks = browser.find_elements(By.CSS_SELECTOR, "#nc-highlighted mark.nc-present")
    assert "face is drooping" in [m.text for m in marks]
    assert browser.find_element(By.ID, "nc-highlighted").text == CALLER  # the whole text, nothing lost
    assert "stroke.face_drooping" in browser.find_element(By.ID, "nc-rules").text
    assert "seed line" in browser.find_element(By.ID, "nc-rules").text
    assert browser.find_element(By.ID, "nc-advice").text.startswith("Call 911 now")

    # a negation is struck through; the debounce sends one request for a burst of typing
    text.send_keys(". No fever")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#nc-highlighted s.nc-negated"))
    assert browser.find_element(By.CSS_SELECTOR, "#nc-highlighted s.nc-negated").text == "fever"

    # the days field re-assesses, then the note and the record button, by keyboard
    text.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("id") == "nc-days"
    browser.switch_to.active_element.send_keys("1", Keys.TAB, NOTE, Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("id") == "nc-record"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    status = browser.find_element(By.ID, "nc-record-status")
    wait.until(lambda d: status.get_attribute("data-call-id"))
    call_id = status.get_attribute("data-call-id")
    assert "emergency" in status.text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "nurse-console.png"))

    browser.find_element(By.LINK_TEXT, "Follow-up queue").click()
    wait.until(lambda d: d.find_element(By.ID, "nc-queue").get_attribute("data-loaded") == "true")
    rows = browser.find_elements(By.CSS_SELECTOR, "#nc-queue tr")
    assert rows[0].get_attribute("data-call-id") == call_id
    assert "emergency" in rows[0].text.lower() and NOTE in rows[0].text
    assert "urgent" in rows[1].text.lower()
    browser.save_screenshot(str(SCREENSHOTS / "nurse-queue.png"))

    # mark it called back: the change is audited with the nurse's name
    Select(browser.find_element(By.ID, f"nc-status-{call_id}")).select_by_value("called_back")
    browser.find_element(By.CSS_SELECTOR, f"[aria-label='Save the status of call {call_id}']").click()
    wait.until(lambda d: "Called back" in d.find_element(By.ID, "nc-queue-status").text)
    audit = api(nurse_server, "GET", f"/calls/{call_id}").json()
    assert audit["call"]["status"] == "called_back" and audit["call"]["days_since_infusion"] == 1
    assert [(a["action"], a["username"]) for a in audit["audit"]] == [("record", NURSE), ("status", NURSE)]
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


def log_in(browser, server) -> WebDriverWait:
    wait = WebDriverWait(browser, 30)
    browser.get(server.nurse + "/login?next=console")
    wait.until(lambda d: d.find_element(By.ID, "nc-username")).send_keys(NURSE)
    browser.find_element(By.ID, "nc-password").send_keys(PASSWORD, Keys.ENTER)
    wait.until(lambda d: d.current_url.endswith("/console"))
    return wait


def test_markup_typed_by_the_nurse_stays_text(nurse_server, browser):
    wait = log_in(browser, nurse_server)
    typed = '<img src=x onerror="window.hacked=1"> her face is drooping <b>bold</b> & no fever'
    browser.find_element(By.ID, "nc-text").send_keys(typed)
    wait.until(lambda d: d.find_element(By.ID, "nc-banner").get_attribute("data-level") == "emergency")
    shown = browser.find_element(By.ID, "nc-highlighted")
    assert shown.text == typed
    assert shown.find_elements(By.CSS_SELECTOR, "img, b") == []
    assert [m.text for m in shown.find_elements(By.CSS_SELECTOR, "mark")] == ["face is drooping"]
    wait.until(lambda d: [e.text for e in shown.find_elements(By.CSS_SELECTOR, "s")] == ["fever"])
    assert browser.execute_script("return window.hacked") is None


def test_the_server_log_holds_no_patient_text(nurse_server):
    api(nurse_server, "POST", "/calls", json={"text": CALLER, "note": NOTE})
    log = (nurse_server.workdir / "servers.log").read_text(encoding="utf-8", errors="replace")
    assert "nurse record #" in log and "nurse assess by api: urgent" in log  # the channel logs at INFO...
    for secret in ("drooping", "Philippa", "gums bleed", "live-secret"):  # ...but never what was said
        assert secret not in log
