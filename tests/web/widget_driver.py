"""Helpers of the browser tests: the servers to restart, a Chromium to start, a widget to drive."""

from __future__ import annotations

import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from servers import ROOT, Servers

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = ROOT / "benchmarks" / "screenshots"
CLINIC = {"CLINIC_NAME": "Test Clinic", "CLINIC_PHONE": "555-0100"}
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass
class WebStack:
    servers: Servers
    demo_url: str

    def stop_rasa(self) -> None:
        process = self._rasa_process()
        process.terminate()
        process.wait(timeout=30)

    def start_rasa(self, timeout: float = 180) -> None:
        """Start the Rasa server again, same command, same port, same tracker store."""
        old = self._rasa_process()
        with open(self.servers.workdir / "servers.log", "ab") as log:
            new = subprocess.Popen(old.args, cwd=ROOT, env=self.servers.env, stdout=log, stderr=subprocess.STDOUT)
        self.servers.processes[self.servers.processes.index(old)] = new
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert new.poll() is None, f"the Rasa server stopped while starting; see {self.servers.workdir}"
            try:
                if requests.get(f"{self.servers.url}/", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError("the Rasa server did not start again")

    def _rasa_process(self) -> subprocess.Popen:
        return next(p for p in self.servers.processes if "actions" not in p.args)


def new_browser(width: int = 1280, height: int = 800) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="triage-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.profile_dir = profile
    return driver


class Widget:
    """What a patient does with the widget, and what they see."""

    def __init__(self, driver: webdriver.Chrome, timeout: float = 60):
        self.driver = driver
        self.wait = WebDriverWait(driver, timeout)

    def load(self, url: str) -> Widget:
        self.driver.get(url)
        self.wait.until(lambda d: d.execute_script(
            "var r = document.querySelector('.tw-root'); return r && !r.hidden && window.TriageWidget"))
        return self

    def open(self) -> Widget:
        self.driver.find_element(By.CSS_SELECTOR, ".tw-launcher").click()
        self.wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".tw-panel").is_displayed())
        return self

    def wait_for_opening(self) -> Widget:
        self.wait.until(lambda d: len(self.bot_messages()) >= 2 and self.idle())
        return self

    def say(self, text: str) -> list:
        """Type a message, press Enter, wait for the answers; return the new bot messages."""
        before = len(self.bot_messages())
        box = self.driver.find_element(By.CSS_SELECTOR, ".tw-input")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)
        return self.answers_after(before)

    def answers_after(self, before: int) -> list:
        self.wait.until(lambda d: len(self.bot_messages()) > before and self.idle())
        return self.bot_messages()[before:]

    def idle(self) -> bool:
        """Every message sent and acknowledged: Rasa acknowledges after its last answer."""
        return self.driver.execute_script(
            "return !document.querySelector('.tw-log .tw-pending') && document.querySelector('.tw-typing').hidden")

    def messages(self) -> list:
        return self.driver.find_elements(By.CSS_SELECTOR, ".tw-log > li")

    def bot_messages(self) -> list:
        return self.driver.find_elements(By.CSS_SELECTOR, ".tw-log > li.tw-bot")

    def texts(self) -> list[str]:
        return [li.get_attribute("textContent") for li in self.messages()]

    def console_errors(self) -> list[dict]:
        return [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / name
        self.driver.save_screenshot(str(path))
        return path
