"""Work the three practice lessons in Voila as a learner would, in a real Chromium:
reflective listening (03), OARS (04) and change talk (05). Each test completes the
lesson's main activity by keyboard or pointer, reads the feedback, and runs axe-core
(WCAG 2 A and AA) on the page as the learner left it."""

from __future__ import annotations

import json
import uuid

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from mi_toolkit.core.oars import load_oars_content
from mi_toolkit.core.sorter import load_deck

HOSTILE = '<img src=x onerror="window.__pwned=1">'


def open_lesson(page: Page, voila, notebook: str, widget_class: str) -> None:
    """Open a lesson as a new learner (a fresh journal entry for every test)."""
    page.goto(voila.lesson_url(notebook) + f"?learner=practice-{uuid.uuid4().hex[:10]}")
    page.locator(widget_class).wait_for(state="visible")


def focused_name(page: Page) -> str:
    """The focused element's visible text (buttons) or its label (form controls)."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " const label = e.id && document.querySelector(`label[for='${e.id}']`);"
        " return (label ? label.textContent : e.textContent || '').trim(); }"
    )


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}})
    violations = results.response["violations"]
    assert violations == [], results.generate_report() + json.dumps(
        [[n["target"] for n in v["nodes"]] for v in violations]
    )


def test_reflective_listening_by_keyboard(page: Page, voila) -> None:
    open_lesson(page, voila, "03_reflective_listening.ipynb", ".mi-reflection-builder")
    builder = page.locator(".mi-reflection-builder")
    feedback = builder.locator(".mi-follow-up").first

    page.get_by_label("Level").focus()
    page.keyboard.press("End")  # the last level: a double-sided reflection
    expect(builder).to_contain_text("Reflect both sides")
    page.keyboard.press("Tab")  # -> Next statement
    page.keyboard.press("Tab")  # -> the reflection box
    expect(page.get_by_label("Your reflection")).to_be_focused()
    page.keyboard.type("So the drinks help you relax?")
    page.keyboard.press("Tab")
    assert focused_name(page) == "Check my reflection"
    page.keyboard.press("Enter")
    expect(feedback).to_contain_text("reads as question")
    expect(feedback).to_contain_text("This reads as a question (it ends with '?')")

    page.keyboard.press("Tab")  # -> Try again (enabled after the first attempt)
    assert focused_name(page) == "Try again"
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your reflection")).to_have_value("")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label("Your reflection")).to_be_focused()
    page.keyboard.type(
        "Drinks help you unwind, and at the same time you're waking at 3 and useless the next day."
    )
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(feedback).to_contain_text("Feedback on attempt 2")
    expect(feedback).to_contain_text("This fits the task: both sides, ending on the side of change")

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused_name(page) == "Show model reflections"
    page.keyboard.press("Enter")
    expect(builder.locator(".mi-follow-up").nth(1)).to_contain_text("Model reflections")
    expect(builder.locator("table.mi-history tbody tr")).to_have_count(2)

    # A learner's HTML is shown as text, never run.
    page.get_by_label("Your reflection").fill(HOSTILE + " you relax with a drink.")
    page.get_by_role("button", name="Check my reflection").click()
    expect(builder.locator("table.mi-history")).to_contain_text(HOSTILE)
    assert page.evaluate("window.__pwned") is None
    assert builder.locator("img[src='x']").count() == 0

    assert_no_axe_violations(page)


def test_oars_practice_written_responses_and_quick_classify(page: Page, voila) -> None:
    open_lesson(page, voila, "04_oars_practice.ipynb", ".mi-oars-practice")
    practice = page.locator(".mi-oars-practice")
    page.get_by_label("Open question").fill("Do you work nights?")
    page.get_by_label("Affirmation").fill("Well done!")
    page.get_by_label("Summary").fill(
        "So you nearly fell asleep driving, you rely on energy drinks, and your partner "
        "wants you on days. What have I missed?"
    )
    page.get_by_role("button", name="Check my responses").click()
    open_feedback = practice.locator(".mi-follow-up").filter(has_text="your open question")
    expect(open_feedback).to_contain_text("This reads as a closed question")
    expect(open_feedback).to_contain_text("it starts with 'do you'")
    affirm_feedback = practice.locator(".mi-follow-up").filter(has_text="your affirmation")
    expect(affirm_feedback).to_contain_text("general praise ('well done')")
    summary_feedback = practice.locator(".mi-follow-up").filter(has_text="your summary")
    expect(summary_feedback).to_contain_text("It gathers 3 things they told you")
    expect(practice).to_contain_text("Not checked: this box is empty.")  # the reflection box

    page.get_by_role("button", name="Show example responses").click()
    expect(practice).to_contain_text("Example responses (one way each")

    first = load_oars_content().classify[0]
    label = page.get_by_label("This response is")
    label.focus()
    options = ["choose a label", "open", "affirm", "reflect", "summary", "other"]
    for _ in range(options.index(first.answer)):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert focused_name(page) == "Check label"
    page.keyboard.press("Enter")
    expect(practice).to_contain_text("Quick classify: 1 of 1 right.")
    expect(practice.locator(".mi-follow-up").last).to_contain_text("Right:")

    assert_no_axe_violations(page)


def test_change_talk_sorting_summary_and_ears(page: Page, voila) -> None:
    open_lesson(page, voila, "05_change_talk.ipynb", ".mi-change-talk-sorter")
    sorter = page.locator(".mi-change-talk-sorter")
    deck = load_deck()
    card = deck.cards[0]
    assert card.talk == "change"
    wrong_kind = next(k for k in deck.kinds if k != card.kind)

    page.get_by_role("button", name="Check", exact=True).click()
    expect(sorter).to_contain_text("Choose a talk type first")
    page.get_by_label("Talk type").select_option(label="Change talk")
    page.get_by_label("DARN-CAT kind").select_option(label=deck.kinds[wrong_kind].label)
    page.get_by_role("button", name="Check", exact=True).click()
    feedback = sorter.locator(".mi-follow-up").first
    expect(feedback).to_contain_text("Right: this is Change talk.")
    expect(feedback).to_contain_text(
        f"{deck.kinds[card.kind].label} rather than {deck.kinds[wrong_kind].label}"
    )
    expect(feedback).to_contain_text(card.why)

    page.get_by_role("button", name="Next card").click()
    expect(sorter).to_contain_text(f"Card 2 of {len(deck.cards)}")
    page.get_by_role("button", name="Show my summary").click()
    chart = sorter.locator(".mi-chart img")
    expect(chart).to_have_attribute(
        "alt",
        f"Chart of your sorting over 1 card: talk type right 1 of 1, DARN-CAT kind right 0 of 1. "
        f"Most confused: {deck.kinds[card.kind].label} sorted as "
        f"{deck.kinds[wrong_kind].label} 1 time.",
    )
    expect(sorter.locator("table.mi-history")).to_contain_text("What you confused")

    item = deck.ears_items[0]
    choice = page.get_by_label("This response is")
    choice.focus()
    options = ["choose", "elaborate", "affirm", "reflect", "summarize", "none"]
    for _ in range(options.index(item.answer)):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert focused_name(page) == "Check response type"
    page.keyboard.press("Enter")
    expect(sorter).to_contain_text("EARS examples right: 1 of 1.")

    assert_no_axe_violations(page)
