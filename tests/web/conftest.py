"""Browser tests of the chat widget: Debian's Chromium (scripts/install_browser.sh) driven by
Selenium, against the real Rasa and action servers and the demo clinic page, all on loopback."""

from __future__ import annotations

import shutil
import threading

import pytest
from servers import free_port, make_servers
from widget_driver import CHROMEDRIVER, CHROMIUM, CLINIC, WebStack, new_browser

from bot.web_demo import make_server


@pytest.fixture(scope="session")
def web_stack():
    """Rasa + action servers (CORS open to the demo page only) and the demo page's static server."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Chromium is missing: run scripts/install_browser.sh (make test does)")
    web_port = free_port()
    origin = f"http://127.0.0.1:{web_port}"
    servers = make_servers(CLINIC)
    servers.extra_args = ["--cors", origin]
    servers.start()
    httpd = make_server("127.0.0.1", web_port, servers.url, environ=CLINIC)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield WebStack(servers, f"{origin}/demo/index.html")
    httpd.shutdown()
    httpd.server_close()
    servers.stop()


@pytest.fixture
def browser():
    driver = new_browser()
    yield driver
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)
