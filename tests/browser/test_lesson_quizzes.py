"""The checks for understanding and the practice widgets added to the lessons, worked in
Voila as a learner would, in a real Chromium.

Every lesson that gained a quiz: answer one question wrongly and the rest rightly, check,
read the score and each answer's own explanation, correct the wrong one, check again, and
run axe-core (WCAG 2 A and AA). Lessons 01, 02 and 08: work the new practice widget once
by keyboard and read its feedback."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Locator, Page, expect

from mi_toolkit.core.conversation import load_scenarios
from mi_toolkit.core.oars import load_oars_content
from mi_toolkit.core.quiz import load_quiz
from tests.browser.test_practice_widgets import assert_no_axe_violations, focused_name

QUIZ_LESSONS = {
    "03_reflective_listening.ipynb": "reflective_listening",
    "04_oars_practice.ipynb": "oars_practice",
    "05_change_talk.ipynb": "change_talk",
    "06_values_and_discrepancy.ipynb": "values_and_discrepancy",
    "09_conflicting_goals.ipynb": "conflicting_goals",
    "10_goals_and_planning.ipynb": "goals_and_planning",
    "12_practice_conversation.ipynb": "practice_conversation",
}


def open_lesson(page: Page, voila, notebook: str, widget_class: str) -> Locator:
    """Open a lesson as a new learner and wait for ``widget_class`` to appear."""
    page.goto(voila.lesson_url(notebook) + f"?learner=lesson-{uuid.uuid4().hex[:10]}")
    widget = page.locator(widget_class)
    widget.wait_for(state="visible")
    return widget


def state_cell(widget: Locator, part: str) -> Locator:
    """The 'Now' cell of one row of the practice client's state table ('Discord', ...)."""
    row = widget.locator("table.mi-history tr").filter(
        has=widget.page.get_by_role("rowheader", name=part, exact=True)
    )
    return row.locator("td").first


# ---------------------------------------------------------------- quizzes


@pytest.mark.parametrize("notebook", sorted(QUIZ_LESSONS))
def test_lesson_quiz_explains_every_answer(page: Page, voila, notebook: str) -> None:
    quiz = load_quiz(QUIZ_LESSONS[notebook])
    total = len(quiz.questions)
    assert 4 <= total <= 5
    widget = open_lesson(page, voila, notebook, ".mi-quiz")
    expect(widget).to_contain_text(quiz.title)
    expect(widget.locator(".mi-quiz-score")).to_have_text(
        f"No answers checked yet ({total} questions)."
    )

    first = quiz.questions[0]
    wrong = next(o for o in first.options if o.id != first.correct)
    selects = [
        widget.get_by_label(f"{n}. {q.prompt}", exact=True)
        for n, q in enumerate(quiz.questions, start=1)
    ]
    selects[0].select_option(label=wrong.text)
    for select, question in zip(selects[1:], quiz.questions[1:], strict=True):
        select.select_option(label=question.option(question.correct).text)
    check = widget.get_by_role("button", name="Check my answers")
    check.click()

    score = widget.locator(".mi-quiz-score")
    expect(score).to_have_text(f"Score: {total - 1} of {total} correct.")
    feedback = widget.locator(".mi-follow-up[role=status]")
    expect(feedback).to_have_count(total)
    expect(feedback.first).to_contain_text("Not quite.")
    expect(feedback.first).to_contain_text(wrong.feedback)  # why *this* answer is wrong
    for n, question in enumerate(quiz.questions[1:], start=1):
        expect(feedback.nth(n)).to_contain_text("Correct.")
        expect(feedback.nth(n)).to_contain_text(question.option(question.correct).feedback)

    # Change the wrong answer: its old verdict goes at once, and a new check scores it.
    selects[0].select_option(label=first.option(first.correct).text)
    expect(feedback).to_have_count(total - 1)
    check.click()
    expect(score).to_have_text(f"Score: {total} of {total} correct.")
    expect(feedback.first).to_contain_text("Correct.")
    expect(feedback.first).to_contain_text(first.option(first.correct).feedback)

    expect(page.locator(".mi-lesson-bar")).to_contain_text("Last saved")
    assert_no_axe_violations(page)


# ---------------------------------------------------------------- practice widgets


def test_spirit_lesson_practice_conversation_by_keyboard(page: Page, voila) -> None:
    talk = open_lesson(page, voila, "01_mi_spirit.ipynb", ".mi-practice-conversation")
    expect(page.get_by_label("Client", exact=True)).to_have_value("Getting moving again")
    expect(page.get_by_label("Show the client's state")).to_be_checked()
    discord = state_cell(talk, "Discord")
    expect(discord).to_have_text("0")

    # Fix first, as the first nurse did: type, Tab to Send, Enter.
    page.get_by_label("Your turn").focus()
    page.keyboard.type("You should really start walking to work every day.")
    page.keyboard.press("Tab")
    assert focused_name(page) == "Send"
    page.keyboard.press("Enter")
    chat = talk.locator(".mi-chat")
    expect(chat.locator(".mi-code")).to_have_count(1)
    expect(chat).to_contain_text("read as: advice")
    expect(chat.locator("blockquote")).to_have_count(2)  # the opening and Tomasz's reply
    expect(discord).not_to_have_text("0")  # advice nobody asked for raises discord
    pushed = int(discord.inner_text())
    assert pushed > 0

    # Then listen: a reflection. Focus is back on Send; Shift+Tab returns to the box.
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label("Your turn")).to_be_focused()
    page.keyboard.type("Your blood pressure is up, and you remember being fit.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(chat.locator(".mi-code")).to_have_count(2)
    expect(chat.locator(".mi-code").nth(1)).to_have_text("read as: reflection")
    expect(discord).not_to_have_text(str(pushed))  # a reflection lowers it again
    assert int(discord.inner_text()) < pushed

    assert_no_axe_violations(page)


def test_oars_overview_quick_classify_by_keyboard(page: Page, voila) -> None:
    practice = open_lesson(page, voila, "02_oars_overview.ipynb", ".mi-oars-practice")
    content = load_oars_content()
    items = content.classify
    expect(practice).to_contain_text(f"Example 1 of {len(items)}")
    expect(practice).to_contain_text(items[0].response)

    # One key press only: a second change to the same drop-down is held back until the
    # kernel is idle, and a click sent meanwhile would overtake it.
    assert items[0].answer != "other"
    choice = page.get_by_label("This response is")
    choice.focus()
    page.keyboard.press("End")  # "Something else (not OARS)": wrong for this example
    expect(choice).to_have_value(content.class_label("other"))
    page.keyboard.press("Tab")
    assert focused_name(page) == "Check label"
    page.keyboard.press("Enter")
    result = practice.locator(".mi-follow-up").last
    expect(result).to_contain_text("This one is")  # names what it is instead
    expect(practice).to_contain_text("Quick classify: 0 of 1 right.")

    expect(page.get_by_role("button", name="Check label")).to_be_disabled()  # one go each
    page.get_by_role("button", name="Next example").focus()
    page.keyboard.press("Enter")
    expect(practice).to_contain_text(f"Example 2 of {len(items)}")
    expect(practice).to_contain_text(items[1].response)
    expect(choice).to_have_value("choose a label")  # reset for the new example
    choice.select_option(label=content.class_label(items[1].answer))
    choice.focus()
    page.keyboard.press("Tab")
    assert focused_name(page) == "Check label"
    page.keyboard.press("Enter")
    expect(practice.locator(".mi-follow-up").last).to_contain_text("Right:")
    expect(practice).to_contain_text("Quick classify: 1 of 2 right.")

    assert_no_axe_violations(page)


def test_discord_lesson_practice_conversation_by_keyboard(page: Page, voila) -> None:
    talk = open_lesson(page, voila, "08_resistance_and_discord.ipynb", ".mi-practice-conversation")
    expect(page.get_by_label("Client", exact=True)).to_have_value(
        "The promotion and the late nights"
    )
    expect(talk).to_contain_text("Lena")
    expect(talk).to_contain_text("The client's state now")

    page.get_by_label("Your turn").focus()
    page.keyboard.type("You've had enough of people telling you what you're doing wrong.")
    page.keyboard.press("Tab")
    assert focused_name(page) == "Send"
    page.keyboard.press("Enter")
    chat = talk.locator(".mi-chat")
    expect(chat.locator(".mi-code")).to_have_text(["read as: reflection"])
    expect(chat.locator("blockquote")).to_have_count(2)

    page.keyboard.press("Tab")  # Send -> Hint
    assert focused_name(page) == "Hint"
    page.keyboard.press("Enter")
    hint = talk.locator(".mi-follow-up").filter(has_text="About this client:")
    expect(hint).to_contain_text("Hint:")
    expect(hint).to_contain_text(load_scenarios()["coaching"].hints[0])

    assert_no_axe_violations(page)
