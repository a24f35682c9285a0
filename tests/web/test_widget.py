"""The chat widget in a real Chromium, on the demo clinic page, against the real servers."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from widget_driver import ROOT, Widget, new_browser

WEB = ROOT / "bot" / "web"


def level_of(li) -> str | None:
    return li.get_attribute("data-level")


def rgb(css_colour: str) -> tuple[int, int, int]:
    return tuple(int(v) for v in re.findall(r"[\d.]+", css_colour)[:3])


def test_the_panel_opens_with_the_safety_notice_and_loads_nothing_from_third_parties(web_stack, browser):
    widget = Widget(browser).load(web_stack.demo_url)
    launcher = browser.find_element(By.CSS_SELECTOR, ".tw-launcher")
    assert launcher.get_attribute("aria-expanded") == "false"
    widget.open().wait_for_opening()

    assert launcher.get_attribute("aria-expanded") == "true"
    first = widget.bot_messages()[0].get_attribute("textContent")
    assert "do not replace your care team" in first and "call 911" in first
    assert browser.switch_to.active_element == browser.find_element(By.CSS_SELECTOR, ".tw-input")
    # Every control has a name a screen reader can say.
    label = browser.find_element(By.CSS_SELECTOR, "label[for='tw-input']")
    assert label.get_attribute("textContent") == "Your message"
    for button in browser.find_elements(By.CSS_SELECTOR, ".tw-root button"):
        assert (button.get_attribute("aria-label") or button.get_attribute("textContent")).strip()
    assert browser.find_element(By.CSS_SELECTOR, ".tw-panel").get_attribute("aria-labelledby") == "tw-title"
    # Scripts, styles and the socket all come from the clinic's page server or the Rasa server.
    allowed = {urlsplit(web_stack.demo_url).netloc, urlsplit(web_stack.servers.url).netloc}
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert any(url.endswith("/vendor/socket.io.min.js") for url in loaded)
    assert {urlsplit(url).netloc for url in loaded} <= allowed
    assert widget.console_errors() == []


WATCH_TYPING = """
window.typingSeen = [];
var typing = document.querySelector('.tw-typing');
new MutationObserver(function () { window.typingSeen.push(typing.hidden); })
  .observe(typing, {attributes: true, attributeFilter: ['hidden']});
"""


def test_urgent_advice_is_styled_apart_from_other_answers(web_stack, browser):
    widget = Widget(browser).load(web_stack.demo_url).open().wait_for_opening()
    browser.execute_script(WATCH_TYPING)
    answers = widget.say("I have a fever and my gums are bleeding")
    # The typing indicator showed while the bot worked, and went away with its answer.
    assert browser.execute_script("return window.typingSeen") == [False, True]

    advice = answers[0]
    assert level_of(advice) == "urgent"
    assert "tw-level-urgent" in advice.get_attribute("class")
    action = advice.find_element(By.CSS_SELECTOR, ".tw-action strong")
    assert action.text == "Call your doctor right away, today."
    assert advice.find_element(By.CSS_SELECTOR, ".tw-badge").text.lower().startswith("urgent")
    assert advice.find_element(By.CSS_SELECTOR, "a[href='tel:5550100']").is_displayed()
    assert not advice.find_elements(By.CSS_SELECTOR, "a[href='tel:911']")
    plain = widget.bot_messages()[0].find_element(By.CSS_SELECTOR, ".tw-bubble")
    bubble = advice.find_element(By.CSS_SELECTOR, ".tw-bubble")
    assert bubble.value_of_css_property("background-color") != plain.value_of_css_property("background-color")
    assert bubble.value_of_css_property("border-left-width") == "8px"
    # The reply is announced to screen readers.
    announced = browser.find_element(By.CSS_SELECTOR, ".tw-live")
    widget.wait.until(lambda d: "Call your doctor right away" in announced.get_attribute("textContent"))


def test_an_emergency_answer_cannot_be_missed(web_stack, browser):
    widget = Widget(browser).load(web_stack.demo_url).open().wait_for_opening()
    widget.say("I have a fever and my gums are bleeding")
    answers = widget.say("my face is drooping on one side")

    advice = answers[0]
    assert level_of(advice) == "emergency"
    bubble = advice.find_element(By.CSS_SELECTOR, ".tw-bubble")
    red, green, blue = rgb(bubble.value_of_css_property("background-color"))
    assert red > 150 and green < 80 and blue < 80
    action = advice.find_element(By.CSS_SELECTOR, ".tw-action strong")
    assert action.text.startswith("Call 911 now")
    assert int(action.value_of_css_property("font-weight")) >= 700
    assert float(action.value_of_css_property("font-size").rstrip("px")) >= 20
    call_911 = advice.find_element(By.CSS_SELECTOR, "a[href='tel:911']")
    call_clinic = advice.find_element(By.CSS_SELECTOR, "a[href='tel:5550100']")
    assert call_911.is_displayed() and call_clinic.is_displayed()
    assert call_911.size["height"] >= 44
    # Scrolled so that the action and the call button are in view, not the end of the text.
    log_box = browser.find_element(By.CSS_SELECTOR, ".tw-log").rect
    assert log_box["y"] <= action.rect["y"] and call_911.rect["y"] + call_911.rect["height"] <= log_box["y"] + log_box["height"]
    # Screen readers are interrupted with it.
    urgent_region = browser.find_element(By.CSS_SELECTOR, ".tw-live-emergency")
    assert urgent_region.get_attribute("aria-live") == "assertive"
    widget.wait.until(lambda d: "Emergency. Call 911 now" in urgent_region.get_attribute("textContent"))
    # The urgent answer before it keeps its own look.
    assert [level_of(li) for li in widget.bot_messages() if level_of(li)] == ["urgent", "emergency"]
    widget.screenshot("widget-desktop.png")
    assert widget.console_errors() == []


def test_a_quick_reply_sends_its_payload_and_shows_its_title(web_stack, browser):
    widget = Widget(browser).load(web_stack.demo_url).open().wait_for_opening()
    question = widget.say("I have a headache")[-1]
    buttons = question.find_elements(By.CSS_SELECTOR, ".tw-replies button")
    assert [b.text for b in buttons] == ["Yes, suddenly", "No"]
    widget.screenshot("widget-quick-replies.png")
    assert question.find_element(By.CSS_SELECTOR, ".tw-replies").get_attribute("role") == "group"

    before = len(widget.bot_messages())
    buttons[0].click()
    answers = widget.answers_after(before)
    user_turns = browser.find_elements(By.CSS_SELECTOR, ".tw-log > li.tw-user .tw-text")
    assert user_turns[-1].text == "Yes, suddenly"  # the title is shown, the payload "yes" was sent
    assert level_of(answers[0]) == "emergency"  # a sudden headache is a red flag: "yes" reached Rasa
    assert not browser.find_elements(By.CSS_SELECTOR, ".tw-replies button")  # answered: gone
    assert browser.switch_to.active_element == browser.find_element(By.CSS_SELECTOR, ".tw-input")


def test_the_conversation_survives_a_reload_and_is_shared_across_tabs(web_stack, browser):
    widget = Widget(browser).load(web_stack.demo_url).open().wait_for_opening()
    widget.say("my face is drooping on one side")
    before = widget.texts()
    session = browser.execute_script("return Object.keys(localStorage).filter(k => k.endsWith(':session')).map(k => localStorage[k])")
    assert len(session) == 1 and len(session[0]) >= 16

    browser.refresh()
    widget.load(web_stack.demo_url)
    assert browser.find_element(By.CSS_SELECTOR, ".tw-panel").is_displayed()  # it was open: still open
    assert widget.texts() == before
    assert level_of(widget.bot_messages()[-1]) == "emergency"

    first_tab = browser.current_window_handle
    browser.switch_to.new_window("tab")
    other = Widget(browser).load(web_stack.demo_url)
    assert not browser.find_element(By.CSS_SELECTOR, ".tw-panel").is_displayed()
    other.open()
    assert other.texts() == before
    answers = other.say("what is alemtuzumab for")
    assert "multiple sclerosis" in answers[-1].get_attribute("textContent")
    after = other.texts()

    browser.switch_to.window(first_tab)
    widget.wait.until(lambda d: widget.texts() == after)  # the first tab follows along
    assert browser.execute_script(
        "return Object.keys(localStorage).filter(k => k.endsWith(':session')).map(k => localStorage[k])") == session


def test_markup_typed_by_the_patient_is_shown_as_text_and_never_run(web_stack, browser):
    widget = Widget(browser).load(web_stack.demo_url).open().wait_for_opening()
    attack = "<img src=x onerror=alert(1)>"
    widget.say(attack)

    mine = browser.find_elements(By.CSS_SELECTOR, ".tw-log > li.tw-user .tw-text")[-1]
    assert mine.get_attribute("textContent") == attack
    assert browser.find_elements(By.CSS_SELECTOR, ".tw-root img") == []
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text
    # ...after a reload from the stored history too.
    browser.refresh()
    widget.load(web_stack.demo_url)
    assert attack in widget.texts()[-2] + widget.texts()[-1]
    assert browser.find_elements(By.CSS_SELECTOR, ".tw-root img") == []


def test_the_widget_source_never_turns_text_into_html():
    source = (WEB / "widget.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source


def test_it_is_usable_with_the_keyboard_alone(web_stack, browser):
    widget = Widget(browser).load(web_stack.demo_url)
    body = browser.find_element(By.TAG_NAME, "body")
    launcher = browser.find_element(By.CSS_SELECTOR, ".tw-launcher")
    for _ in range(10):  # Tab through the clinic's page to the launcher
        body.send_keys(Keys.TAB) if browser.switch_to.active_element == body else browser.switch_to.active_element.send_keys(Keys.TAB)
        if browser.switch_to.active_element == launcher:
            break
    assert browser.switch_to.active_element == launcher
    launcher.send_keys(Keys.ENTER)
    widget.wait_for_opening()
    assert browser.switch_to.active_element.get_attribute("id") == "tw-input"

    widget.say("I have a headache")
    focused = browser.switch_to.active_element
    for _ in range(6):  # Shift+Tab back from the text box reaches the quick replies
        focused.send_keys(Keys.SHIFT, Keys.TAB)
        focused = browser.switch_to.active_element
        if "tw-reply" in (focused.get_attribute("class") or ""):
            break
    assert focused.text in ("No", "Yes, suddenly")
    before = len(widget.bot_messages())
    focused.send_keys(Keys.SPACE)
    widget.answers_after(before)

    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert not browser.find_element(By.CSS_SELECTOR, ".tw-panel").is_displayed()
    assert browser.switch_to.active_element == launcher
    assert launcher.get_attribute("aria-expanded") == "false"


CONTRAST = """
function lum(c) {
  var v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(function (x) {
    x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
function background(el) {
  for (; el; el = el.parentElement) {
    var bg = getComputedStyle(el).backgroundColor;
    if (bg && !/rgba\\(.*, 0\\)$/.test(bg) && bg !== 'transparent') return bg;
  }
  return 'rgb(255, 255, 255)';
}
return Array.from(document.querySelectorAll(arguments[0])).map(function (el) {
  var a = lum(getComputedStyle(el).color), b = lum(background(el));
  return [el.className + ' ' + el.textContent.slice(0, 30), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
});
"""


def test_text_colours_meet_wcag_aa_contrast(web_stack, browser):
    widget = Widget(browser).load(web_stack.demo_url).open().wait_for_opening()
    widget.say("I have a fever and my gums are bleeding")
    widget.say("my face is drooping on one side")
    widget.say("I have a headache")
    selectors = (
        ".tw-launcher-label, .tw-title, .tw-subtitle, .tw-clear, .tw-close, .tw-send, .tw-bubble p, "
        ".tw-bubble strong, .tw-badge, .tw-call, .tw-reply, .tw-status-text"
    )
    ratios = browser.execute_script(CONTRAST, selectors)
    assert len(ratios) >= 15
    low = [(name, round(ratio, 2)) for name, ratio in ratios if ratio < 4.5]
    assert low == []


def test_a_second_browser_gets_a_conversation_of_its_own(web_stack, browser):
    widget = Widget(browser).load(web_stack.demo_url).open().wait_for_opening()
    widget.say("my face is drooping on one side")
    stranger = new_browser()
    try:
        other = Widget(stranger).load(web_stack.demo_url).open().wait_for_opening()
        assert not any("drooping" in text for text in other.texts())
        answers = other.say("I have a headache")
        assert level_of(answers[-1]) is None  # a question, not the first patient's emergency
        assert answers[-1].find_elements(By.CSS_SELECTOR, ".tw-replies button")
    finally:
        stranger.quit()


def test_clear_starts_a_new_conversation_in_a_new_session(web_stack, browser):
    widget = Widget(browser).load(web_stack.demo_url).open().wait_for_opening()
    widget.say("my face is drooping on one side")
    read_session = "return Object.keys(localStorage).filter(k => k.endsWith(':session')).map(k => localStorage[k])[0]"
    old_session = browser.execute_script(read_session)

    browser.find_element(By.CSS_SELECTOR, ".tw-clear").click()
    browser.switch_to.alert.accept()
    widget.wait.until(lambda d: len(widget.bot_messages()) >= 2 and widget.idle())
    assert not any("drooping" in text for text in widget.texts())
    assert "do not replace your care team" in widget.texts()[0]
    assert browser.execute_script(read_session) not in (None, old_session)
    answers = widget.say("I have a headache")
    assert answers[-1].get_attribute("data-level") is None  # the old emergency is not carried over
