"""When the Rasa server is unreachable: a clear notice, nothing the patient typed is lost, and
the conversation carries on by itself once the server is back."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from widget_driver import Widget


def test_offline_notice_queue_and_reconnect(web_stack, browser):
    widget = Widget(browser, timeout=120).load(web_stack.demo_url).open().wait_for_opening()
    widget.say("I have a fever and my gums are bleeding")
    status = browser.find_element(By.CSS_SELECTOR, ".tw-status")
    assert not status.is_displayed()

    web_stack.stop_rasa()
    try:
        widget.wait.until(lambda d: status.is_displayed())
        assert status.get_attribute("role") == "status"
        assert "offline" in status.text.lower()
        assert status.find_element(By.CSS_SELECTOR, "a[href='tel:911']").is_displayed()
        assert status.find_element(By.CSS_SELECTOR, "a[href='tel:5550100']").is_displayed()

        box = browser.find_element(By.CSS_SELECTOR, ".tw-input")
        box.send_keys("my face is drooping on one side")
        box.send_keys(Keys.ENTER)
        queued = widget.messages()[-1]
        assert queued.find_element(By.CSS_SELECTOR, ".tw-text").text == "my face is drooping on one side"
        assert "Not sent yet" in queued.find_element(By.CSS_SELECTOR, ".tw-pending").text
        widget.screenshot("widget-offline.png")
        bot_before = len(widget.bot_messages())

        # A reload while offline keeps the queued message and the notice.
        browser.refresh()
        widget.load(web_stack.demo_url)
        status = browser.find_element(By.CSS_SELECTOR, ".tw-status")
        widget.wait.until(lambda d: status.is_displayed())
        assert browser.find_elements(By.CSS_SELECTOR, ".tw-log .tw-pending")
        assert len(widget.bot_messages()) == bot_before
    finally:
        web_stack.start_rasa()

    # Back online by itself: the notice goes, the queued message is sent and answered.
    answers = widget.answers_after(bot_before)
    assert not status.is_displayed()
    assert answers[0].get_attribute("data-level") == "emergency"
    assert "bleeding gums" in answers[0].get_attribute("textContent").lower()  # what was said before the stop
    assert widget.texts().count("You said: my face is drooping on one side") == 1
    # ...and the conversation carries on.
    answers = widget.say("what is alemtuzumab for")
    assert "multiple sclerosis" in answers[-1].get_attribute("textContent")
