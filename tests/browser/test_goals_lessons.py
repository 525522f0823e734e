"""Work the goals lessons in Voila as a learner would, in a real Chromium: conflicting
goals (09, CommonGround) and goals and planning (10, ChangePlan and DecisionalBalance).
Each test works the main activity by keyboard and pointer, reads the feedback, checks
that a learner's HTML is shown as text, reloads to see the work restored, and runs
axe-core (WCAG 2 A and AA) on the page."""

from __future__ import annotations

import json
import re
import uuid

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

HOSTILE = '<img src=x onerror="window.__pwned=1">'


def open_lesson(page: Page, voila, notebook: str, widget_class: str, learner: str) -> None:
    page.goto(voila.lesson_url(notebook) + f"?learner={learner}")
    page.locator(widget_class).wait_for(state="visible")


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}})
    violations = results.response["violations"]
    assert violations == [], results.generate_report() + json.dumps(
        [[n["target"] for n in v["nodes"]] for v in violations]
    )


def test_conflicting_goals_common_ground(page: Page, voila) -> None:
    learner = f"goals-{uuid.uuid4().hex[:10]}"
    open_lesson(page, voila, "09_conflicting_goals.ipynb", ".mi-common-ground", learner)
    cg = page.locator(".mi-common-ground")
    # No chart until asked for: matplotlib is not loaded while the page is built.
    expect(cg.locator(".mi-chart")).to_contain_text("Check shared objectives")
    assert cg.locator(".mi-chart img").count() == 0

    parent = page.get_by_label("Reflect Maya (parent)")
    parent.fill("You're worried his school marks are slipping.")
    page.keyboard.press("Tab")  # blur: the box syncs, focus moves to Leo's box
    expect(page.get_by_label("Reflect Leo (15)")).to_be_focused()
    page.keyboard.type(HOSTILE + " Why do you stay up?")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Check my reflections
    feedback = cg.locator(".mi-follow-up").filter(has_text="Your reflection of")
    expect(feedback.first).to_contain_text("complex reflection")
    expect(feedback.nth(1)).to_contain_text("reads as a question")

    page.get_by_label("Leo gets through the school year").focus()
    page.keyboard.press("Space")
    page.get_by_label("Leo sleeps enough on school nights").check()
    page.get_by_role("button", name="Check shared objectives").click()
    shared = cg.locator(".mi-follow-up").filter(has_text="Shared objectives")
    expect(shared).to_contain_text("well spotted: Leo gets through the school year")
    expect(shared).to_contain_text("Not held by everyone yet")
    expect(cg.locator("table.mi-history")).to_contain_text("Stop the nightly arguments")
    expect(cg.locator(".mi-chart img")).to_have_attribute(
        "alt", re.compile("^Chart of the goals of 2 parties")
    )

    page.get_by_label("Shared vision").fill("We both want Leo to get through the school year.")
    page.get_by_role("button", name="Check my vision").click()
    expect(cg).to_contain_text("One way it could be said")
    assert page.evaluate("window.__pwned") is None
    assert cg.locator("img[src='x']").count() == 0
    assert_no_axe_violations(page)

    # Reload: a new kernel, the work comes back from the journal.
    page.wait_for_timeout(800)  # the journal saves after a short debounce
    open_lesson(page, voila, "09_conflicting_goals.ipynb", ".mi-common-ground", learner)
    expect(page.get_by_label("Reflect Maya (parent)")).to_have_value(
        "You're worried his school marks are slipping."
    )
    expect(page.get_by_label("Leo gets through the school year")).to_be_checked()


def test_goals_and_planning_change_plan_and_balance(page: Page, voila) -> None:
    learner = f"plan-{uuid.uuid4().hex[:10]}"
    open_lesson(page, voila, "10_goals_and_planning.ipynb", ".mi-change-plan", learner)
    plan = page.locator(".mi-change-plan")
    page.get_by_label("Whose plan").select_option(
        label="Grace, 58, recently told her blood sugar is high"
    )
    expect(plan).to_contain_text("see them grow up")

    page.get_by_label("Goal", exact=True).fill("I want to walk " + HOSTILE)
    page.get_by_label("Value it serves").select_option(label="Family")
    page.get_by_label("Step 1", exact=True).fill("Walk to the shops on Monday morning")
    page.get_by_label("Confidence in step 1").focus()
    for _ in range(7):  # "choose", 0, 1, ... 6
        page.keyboard.press("ArrowDown")
    expect(plan.locator(".mi-follow-up").first).to_contain_text("What makes you a 6 and not a 3?")
    page.get_by_label("Past successes").fill("Walked everywhere before the car")
    page.get_by_role("button", name="Check my plan").click()
    feedback = plan.locator(".mi-follow-up").filter(has_text="Your plan")
    expect(feedback).to_contain_text("Step 1 is rated 6 for confidence")
    expect(feedback).to_contain_text("planning for a slip")
    page.get_by_role("button", name="Prepare my one-page plan").click()
    link = plan.get_by_role("link", name="One-page plan (HTML, to print)")
    expect(link).to_have_attribute("download", "my-change-plan.html")

    balance = page.locator(".mi-decisional-balance")
    expect(balance).to_contain_text("Miller & Rose, 2013")
    balance.get_by_role("button", name="Four cells (neutral)").click()
    expect(balance.locator(".mi-note")).to_contain_text("lower commitment")
    page.get_by_label("Benefits of staying the same").fill(HOSTILE)
    balance.get_by_role("button", name="Summarise").click()
    expect(balance.locator("table.mi-history")).to_contain_text(HOSTILE)
    assert page.evaluate("window.__pwned") is None
    assert_no_axe_violations(page)
