"""Work the values-and-discrepancy lesson (06) in Voila as a learner would, in a real
Chromium: sort values by keyboard and pointer, see the top values reach the worksheet,
rate a gap, read the questions and chart, reload to find the work kept, and run axe-core
(WCAG 2 A and AA)."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.browser.test_practice_widgets import HOSTILE, assert_no_axe_violations

LESSON = "06_values_and_discrepancy.ipynb"


def test_values_card_sort_feeds_the_discrepancy_worksheet(page: Page, voila) -> None:
    url = voila.lesson_url(LESSON) + f"?learner=values-{uuid.uuid4().hex[:10]}"
    page.goto(url)
    sort = page.locator(".mi-values-card-sort")
    sort.wait_for(state="visible")
    sheet = page.locator(".mi-discrepancy-worksheet")
    expect(sort).to_contain_text("0 of 83 sorted")

    # Keyboard: focus a pile button and press Enter / Space; the next card comes up.
    page.get_by_role("button", name="Most important", exact=True).focus()
    page.keyboard.press("Enter")  # Acceptance
    expect(sort).to_contain_text("1 of 83 sorted")
    expect(sort).to_contain_text("ACCURACY")
    page.keyboard.press("Space")  # Accuracy
    expect(sort).to_contain_text("2 of 83 sorted")
    # Pointer.
    page.get_by_role("button", name="Not important", exact=True).click()  # Achievement
    expect(sort).to_contain_text("3 of 83 sorted")
    expect(sort.locator("ol")).to_contain_text("Acceptance")

    # Rank by keyboard: choose Accuracy, Move up.
    page.get_by_label("Value to move").select_option(label="2. Accuracy")
    page.get_by_role("button", name="Move up").click()
    expect(sort.locator("ol li").first).to_contain_text("Accuracy")

    # The top values reached the (empty) worksheet.
    values = page.get_by_label("Values or goals (one a line)")
    expect(values).to_have_value("Acceptance")
    expect(sheet).to_contain_text("Your top values from the card sort: Accuracy, Acceptance.")
    actions = page.get_by_label("Current actions (one a line)")
    actions.fill(f"late nights\n{HOSTILE}")
    actions.press("Tab")  # text boxes sync on blur
    page.get_by_label("late nights", exact=True).select_option(label="-2: works against it")
    expect(sheet.locator(".mi-follow-up")).to_contain_text(
        "How does late nights fit with Acceptance, which you said matters to you?"
    )
    expect(sheet.locator(".mi-chart img")).to_have_attribute(
        "alt",
        "Chart of how 2 actions fit 1 value (1 of 2 rated). Gaps: late nights: "
        "works against it (Acceptance).",
    )
    page.get_by_label("Whose goal is “Acceptance”?").select_option(
        label="a 'should': someone else expects it"
    )
    expect(sheet).to_contain_text("Whose voice is it?")
    # Learner HTML is shown as text, never run.
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src='x']").count() == 0

    # A case client, as a practitioner.
    page.get_by_label("Work on").select_option(label="case client: Leo")
    expect(sheet).to_contain_text("supposed to want this")
    assert_no_axe_violations(page)

    # Reload: a new kernel, the work comes back from the journal.
    page.wait_for_timeout(1000)  # the journal saves 0.4 s after a change
    page.goto(url)
    sort.wait_for(state="visible")
    expect(sort).to_contain_text("3 of 83 sorted")
    expect(page.get_by_label("Work on")).to_have_value("case client: Leo")
    page.get_by_label("Work on").select_option(label="myself (self-practice)")
    expect(page.get_by_label("Current actions (one a line)")).to_have_value(
        f"late nights\n{HOSTILE}"
    )
