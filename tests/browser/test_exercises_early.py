"""The exercises for lessons 2, 4, 5 and 6, served to a class and worked as a learner would:
the tasks are shown and the model answers are not; the practice widget gives feedback; the
self-check scores a full set of right answers; axe-core (WCAG 2 A and AA) finds nothing."""

from __future__ import annotations

import sys
import uuid

import pytest
from playwright.sync_api import Page, expect

from mi_toolkit.core.oars import CLASSES, load_oars_content
from mi_toolkit.core.quiz import load_quiz
from mi_toolkit.core.sorter import TALK_TYPES, load_deck

from .conftest import REPO, VoilaServer
from .test_practice_widgets import assert_no_axe_violations, focused_name

EXERCISES = REPO / "exercises"


@pytest.fixture(scope="module")
def exercises(tmp_path_factory: pytest.TempPathFactory, chromium_path: str):
    if not sys.platform.startswith("linux"):
        pytest.skip("the browser suite runs on Linux only")
    server = VoilaServer(EXERCISES, tmp_path_factory.mktemp("exercises_early"))
    try:
        yield server
    finally:
        server.stop()


def open_exercise(page: Page, server: VoilaServer, name: str, widget_class: str) -> None:
    """Open an exercise as a new learner and wait for its practice widget and self-check."""
    page.goto(server.lesson_url(name) + f"?learner=early-{uuid.uuid4().hex[:10]}")
    page.locator(widget_class).wait_for(state="visible")
    page.locator(".mi-quiz").wait_for(state="visible")


def assert_task_shown_and_solution_hidden(page: Page, name: str, task: str, solution: str) -> None:
    assert solution in (EXERCISES / name).read_text(encoding="utf-8")  # the phrase is real
    expect(page.get_by_role("heading", name=task)).to_be_visible()
    html = page.content()
    assert solution not in html
    assert "Model answers" not in html
    assert "(instructor)" not in html


def answer_self_check(page: Page, quiz_id: str) -> None:
    """Choose the right option for every question, check, and read the score."""
    quiz = load_quiz(quiz_id)
    box = page.locator(".mi-quiz")
    for i, question in enumerate(quiz.questions):
        box.locator("select").nth(i).select_option(label=question.option(question.correct).text)
    page.get_by_role("button", name="Check my answers").click()
    n = len(quiz.questions)
    expect(box.locator(".mi-quiz-score")).to_have_text(f"Score: {n} of {n} correct.")
    expect(box.locator(".mi-right")).to_have_count(n)


def choose_by_keyboard(page: Page, label: str, options: list[str], wanted: str) -> None:
    """Focus a drop-down and press the down arrow until ``wanted`` is chosen."""
    page.get_by_label(label, exact=True).focus()
    for _ in range(options.index(wanted)):
        page.keyboard.press("ArrowDown")


def test_oars_overview_exercises(page: Page, exercises) -> None:
    name = "02_oars_overview_exercises.ipynb"
    open_exercise(page, exercises, name, ".mi-oars-practice")
    assert_task_shown_and_solution_hidden(
        page, name, "Praise or affirmation?", "the sound of it not landing"
    )

    # Task 4: the quick-classify round, by keyboard.
    practice = page.locator(".mi-oars-practice")
    first = load_oars_content().classify[0]
    choose_by_keyboard(page, "This response is", ["", *CLASSES], first.answer)
    page.keyboard.press("Tab")
    assert focused_name(page) == "Check label"
    page.keyboard.press("Enter")
    expect(practice).to_contain_text("Quick classify: 1 of 1 right.")
    expect(practice.locator(".mi-follow-up").last).to_contain_text("Right:")

    answer_self_check(page, "oars_overview_exercises")
    assert_no_axe_violations(page)


def test_oars_practice_exercises(page: Page, exercises) -> None:
    name = "04_oars_practice_exercises.ipynb"
    open_exercise(page, exercises, name, ".mi-oars-practice")
    assert_task_shown_and_solution_hidden(
        page, name, "Affirm when the news is bad", "people hear it at once"
    )

    # Task 3: a vignette not used in the lesson, two responses written, checked.
    practice = page.locator(".mi-oars-practice")
    page.get_by_label("Vignette", exact=True).select_option(
        label="Football bets and a credit card statement"
    )
    expect(practice).to_contain_text("I'm not an addict.")
    page.get_by_label("Open question", exact=True).fill("Why do you keep betting?")
    page.get_by_label("Reflection", exact=True).fill(
        "The word addict doesn't fit how you see yourself."
    )
    page.get_by_role("button", name="Check my responses").click()
    open_feedback = practice.locator(".mi-follow-up").filter(has_text="your open question")
    expect(open_feedback).to_contain_text("can sound like a demand for a justification")
    reflect_feedback = practice.locator(".mi-follow-up").filter(has_text="your reflection")
    expect(reflect_feedback).to_contain_text("That is the kind asked for")
    page.get_by_role("button", name="Show example responses").click()
    expect(practice).to_contain_text("What would being smarter about it look like for you?")

    answer_self_check(page, "oars_practice_exercises")
    assert_no_axe_violations(page)


def test_change_talk_exercises(page: Page, exercises) -> None:
    name = "05_change_talk_exercises.ipynb"
    open_exercise(page, exercises, name, ".mi-change-talk-sorter")
    assert_task_shown_and_solution_hidden(page, name, "Follow the talk", "The turn comes at")

    # Task 2: sort the first card by keyboard, then one EARS example by pointer.
    sorter = page.locator(".mi-change-talk-sorter")
    deck = load_deck()
    card = deck.cards[0]
    assert card.talk == "change" and card.kind
    choose_by_keyboard(page, "Talk type", ["", *TALK_TYPES], card.talk)
    kind = page.get_by_label("DARN-CAT kind", exact=True)
    expect(kind).to_be_enabled()  # enabled once the talk type reaches the kernel
    kind.select_option(label=deck.kinds[card.kind].label)
    page.get_by_role("button", name="Check", exact=True).focus()
    page.keyboard.press("Enter")
    feedback = sorter.locator(".mi-follow-up").first
    expect(feedback).to_contain_text("Right: this is Change talk.")
    expect(feedback).to_contain_text(f"The kind is right too: {deck.kinds[card.kind].label}.")

    item = deck.ears_items[0]
    page.get_by_label("This response is", exact=True).select_option(
        label=deck.ears[item.answer].label
    )
    page.get_by_role("button", name="Check response type").click()
    expect(sorter).to_contain_text("EARS examples right: 1 of 1.")

    answer_self_check(page, "change_talk_exercises")
    assert_no_axe_violations(page)


def test_values_and_discrepancy_exercises(page: Page, exercises) -> None:
    name = "06_values_and_discrepancy_exercises.ipynb"
    open_exercise(page, exercises, name, ".mi-discrepancy-worksheet")
    assert_task_shown_and_solution_hidden(
        page, name, "When the gap is too big", "sounds like a prosecution"
    )

    # Task 3: the case client Amir, whose goal, and one rated gap.
    sheet = page.locator(".mi-discrepancy-worksheet")
    page.get_by_label("Work on", exact=True).select_option(label="case client: Amir")
    expect(sheet).to_contain_text("I want that promotion")
    # Choosing a case draws no chart (matplotlib would load then, seconds on a busy
    # machine, before the next choice is answered): it is drawn on the first rating.
    expect(page.get_by_role("button", name="Show the chart")).to_be_visible()
    assert sheet.locator(".mi-chart img").count() == 0
    page.get_by_label("Whose goal is “time with family”?").select_option(
        label="their own: they want this"
    )
    expect(sheet).to_contain_text("That fits their words:")
    # The fit boxes are rebuilt for the value chosen: rate in the new box, not the old one.
    fit = page.get_by_label("working most weekends", exact=True)
    old_box = fit.element_handle()
    page.get_by_label("Rate actions for", exact=True).select_option(label="time with family")
    old_box.wait_for_element_state("hidden")  # detached once the new boxes replace it
    fit.select_option(label="-2: works against it")
    expect(sheet.locator(".mi-follow-up").last).to_contain_text(
        "How does working most weekends fit with time with family"
    )
    expect(sheet.locator(".mi-chart img")).to_have_attribute(
        "alt",
        "Chart of how 3 actions fit 2 values (1 of 6 rated). Gaps: working most weekends: "
        "works against it (time with family).",
    )

    answer_self_check(page, "values_and_discrepancy_exercises")
    assert_no_axe_violations(page)
