"""Hold a short practice conversation in Voila, as a learner would, and review it."""

from __future__ import annotations

import re
import uuid

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

LESSON = "12_practice_conversation.ipynb"
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}


def _assert_axe_clean(page: Page) -> None:
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.response["violations"] == [], results.generate_report()


def test_converse_by_keyboard_survive_a_reload_and_review(page: Page, voila) -> None:
    page.goto(voila.lesson_url(LESSON) + f"?learner={uuid.uuid4().hex[:12]}")
    widget = page.locator(".mi-practice-conversation")
    widget.wait_for(state="visible")
    chat = widget.locator(".mi-chat")
    turn = page.get_by_label("Your turn")
    send = page.get_by_role("button", name="Send", exact=True)

    # Keyboard only: type, Tab to Send, Enter.
    turn.fill("It sounds like part of you is worried about where this is going.")
    turn.press("Tab")
    expect(send).to_be_focused()
    page.keyboard.press("Enter")
    expect(chat).to_contain_text("read as: reflection")

    # Bad input: an empty turn and HTML.
    send.click()
    expect(widget.locator(".mi-note")).to_contain_text("Type something")
    turn.fill("<b>What</b> would you like to be different?")
    send.click()
    expect(chat).to_contain_text("<b>What</b> would you like to be different?")
    expect(chat.locator("b")).to_have_count(0)

    page.get_by_label("Show the client's state").check()
    expect(widget).to_contain_text("Change-talk momentum")
    _assert_axe_clean(page)

    # The conversation survives a reload (replayed from the journal).
    expect(page.locator(".mi-lesson-bar")).to_contain_text("Last saved")
    page.wait_for_timeout(800)
    page.reload()
    chat = page.locator(".mi-practice-conversation .mi-chat")
    expect(chat).to_contain_text("<b>What</b> would you like to be different?")
    expect(chat.locator(".mi-code")).to_have_count(2)

    page.get_by_role("button", name="End and review").click()
    review = page.locator(".mi-practice-conversation")
    expect(review).to_contain_text("Summary scores against the MITI 4.2.1 thresholds")
    expect(review).to_contain_text("Where change talk rose or fell")
    expect(review.locator(".mi-chart img")).to_have_attribute("alt", re.compile("^MITI summary"))
    link = page.get_by_role("link", name="Download the conversation (text)")
    expect(link).to_have_attribute("href", re.compile(r"^data:text/plain;charset=utf-8;base64,"))
    _assert_axe_clean(page)


def test_standalone_app_picks_a_client(page: Page, voila) -> None:
    page.goto(voila.lesson_url("practice_conversation_app.ipynb") + f"?learner={uuid.uuid4().hex}")
    widget = page.locator(".mi-practice-conversation")
    widget.wait_for(state="visible")
    client = page.get_by_label("Client", exact=True)
    expect(client.locator("option")).to_have_count(6)
    client.select_option(label="The shared rota")
    expect(widget).to_contain_text("Who is in the room")
    page.get_by_label("Your turn").fill("Maria, keeping the late shift covered matters to you.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(widget.locator(".mi-chat .mi-code")).to_have_count(1)
    expect(widget.locator(".mi-chat blockquote")).to_have_count(2)
    _assert_axe_clean(page)
