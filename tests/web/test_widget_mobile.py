"""The widget on a phone: a 360 px wide screen, where the open panel fills the screen."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from widget_driver import Widget

WIDTH, HEIGHT = 360, 740


def as_phone(browser) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 2, "mobile": True},
    )


def test_on_a_360_px_screen_the_panel_fills_the_screen_and_nothing_overflows(web_stack, browser):
    as_phone(browser)
    widget = Widget(browser).load(web_stack.demo_url)
    assert browser.execute_script("return innerWidth") == WIDTH
    launcher = browser.find_element(By.CSS_SELECTOR, ".tw-launcher")
    box = launcher.rect
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH and box["y"] + box["height"] <= HEIGHT
    assert box["height"] >= 44  # a finger-sized target

    widget.open().wait_for_opening()
    panel = browser.find_element(By.CSS_SELECTOR, ".tw-panel").rect
    assert (panel["x"], panel["y"], panel["width"], panel["height"]) == (0, 0, WIDTH, HEIGHT)
    assert not launcher.is_displayed()  # the close button in the panel takes over
    widget.say("I have a fever and my gums are bleeding")
    answers = widget.say("my face is drooping on one side")

    advice = answers[0]
    assert advice.get_attribute("data-level") == "emergency"
    call = advice.find_element(By.CSS_SELECTOR, "a[href='tel:911']")
    assert call.is_displayed() and call.size["height"] >= 44
    # Nothing is wider than the screen: no sideways scrolling in the page or in the panel.
    assert browser.execute_script("return document.documentElement.scrollWidth") <= WIDTH
    assert browser.execute_script("var l = document.querySelector('.tw-log'); return l.scrollWidth <= l.clientWidth")
    for element in browser.find_elements(By.CSS_SELECTOR, ".tw-bubble, .tw-form, .tw-header"):
        assert element.rect["x"] >= 0 and element.rect["x"] + element.rect["width"] <= WIDTH + 0.5
    send = browser.find_element(By.CSS_SELECTOR, ".tw-send").rect
    assert send["y"] + send["height"] <= HEIGHT  # the text box and Send stay on screen
    widget.screenshot("widget-mobile-360.png")
    # Full screen, the keyboard focus stays in the panel: Tab from Send wraps to its top.
    browser.find_element(By.CSS_SELECTOR, ".tw-send").send_keys(Keys.TAB)
    assert browser.execute_script("return document.querySelector('.tw-panel').contains(document.activeElement)")
    assert browser.switch_to.active_element.get_attribute("href") == "tel:911"

    browser.find_element(By.CSS_SELECTOR, ".tw-close").click()
    assert launcher.is_displayed()
