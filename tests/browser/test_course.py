"""Start the course in Voila: lesson list, a link to lesson 1, its quiz by keyboard, progress."""

from __future__ import annotations

import re
import uuid

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

START = "00_start.ipynb"
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}


def _no_axe_violations(page: Page) -> None:
    results = Axe().run(page, options=WCAG)
    assert results.response["violations"] == [], results.generate_report()


def test_start_page_lists_lessons_links_to_a_lesson_whose_quiz_works_by_keyboard(
    page: Page, voila
) -> None:
    learner = uuid.uuid4().hex[:12]
    page.goto(voila.lesson_url(START) + f"?learner={learner}")
    course = page.locator(".mi-course")
    course.wait_for(state="visible")
    items = course.locator("li.mi-course-lesson")
    expect(items).to_have_count(12)
    expect(items.first).to_contain_text("The spirit of MI and the four processes")
    expect(items.nth(1)).to_contain_text("OARS")
    expect(items.nth(10)).to_contain_text("Coding a transcript")
    expect(items.first).to_contain_text("not started")
    expect(course.locator(".mi-status")).to_contain_text(f"{learner}: you have saved work in 0")
    _no_axe_violations(page)

    # A relative link, opened in the same tab, carrying the learner's name.
    course.get_by_role("link", name="The spirit of MI and the four processes").click()
    page.wait_for_url(re.compile(rf"/voila/render/01_mi_spirit\.ipynb\?learner={learner}$"))
    assert len(page.context.pages) == 1
    quiz = page.locator(".mi-quiz")
    quiz.wait_for(state="visible")

    first = page.get_by_label("1. Which list names the four elements of the spirit of MI?")
    first.focus()
    page.keyboard.press("ArrowDown")  # "Engaging, focusing, ..." (the processes)
    page.keyboard.press("ArrowDown")  # "Partnership, acceptance, ..."
    expect(first).to_have_value("Partnership, acceptance, compassion, evocation")
    page.keyboard.press("Tab")  # question 2
    page.keyboard.press("ArrowDown")  # "Agreeing with ..." (wrong)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past questions 3 and 4 to the button
    expect(page.get_by_role("button", name="Check my answers")).to_be_focused()
    page.keyboard.press("Enter")

    feedback = quiz.locator(".mi-follow-up[role=status]")
    expect(feedback).to_have_count(2)
    expect(feedback.nth(0)).to_contain_text("Correct.")
    expect(feedback.nth(0)).to_contain_text("mindset behind MI")
    expect(feedback.nth(1)).to_contain_text("Not quite.")
    expect(feedback.nth(1)).to_contain_text("without approving")
    expect(quiz.locator(".mi-quiz-score")).to_have_text(
        "Score: 1 of 4 correct (2 not checked yet)."
    )
    _no_axe_violations(page)

    expect(page.locator(".mi-lesson-bar")).to_contain_text("Last saved")
    page.go_back()
    page.wait_for_url(re.compile(r"00_start\.ipynb"))
    page.locator(".mi-course").wait_for(state="visible")
    expect(page.locator("li.mi-course-lesson").first).to_contain_text(
        "1 activity saved; quiz 1 of 4 correct"
    )
