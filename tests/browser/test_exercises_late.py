"""The exercises for lessons 8 to 12, served to a class as a learner would use them.

For each notebook: the tasks are shown and the model answers are not, the practice
widget is worked by keyboard and pointer and gives its feedback, the self-check scores
the correct answers, and axe-core (WCAG 2 A and AA) finds nothing on the page.
"""

from __future__ import annotations

import json
import re
import sys
import uuid

import nbformat
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from mi_toolkit.core.quiz import load_quiz

from .conftest import REPO, VoilaServer

EXERCISES = REPO / "exercises"
# Drawing the first chart imports matplotlib in the kernel: slow on a busy machine.
CHART_MS = 60_000
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}


@pytest.fixture(scope="module")
def exercises(tmp_path_factory: pytest.TempPathFactory, chromium_path: str):
    if not sys.platform.startswith("linux"):
        pytest.skip("the browser suite runs on Linux only")
    server = VoilaServer(EXERCISES, tmp_path_factory.mktemp("exercises-late"))
    try:
        yield server
    finally:
        server.stop()


def open_exercise(
    page: Page, server: VoilaServer, name: str, widget: str, task: str, solution: str
) -> None:
    """Open as a new learner; the task heading is shown and the model answer is not."""
    assert solution in (EXERCISES / name).read_text(encoding="utf-8")  # the phrase is real
    page.goto(server.lesson_url(name) + f"?learner=late-{uuid.uuid4().hex[:12]}")
    page.locator(widget).wait_for(state="visible")
    page.locator(".mi-quiz").wait_for(state="visible")
    expect(page.get_by_role("heading", name=task)).to_be_visible()
    html = page.content()
    assert solution not in html
    assert "Model answers" not in html and "What to look for" not in html


def answer_self_check(page: Page, quiz_id: str) -> None:
    """Choose the correct option for every question, check, and read the score."""
    quiz = load_quiz(quiz_id)
    box = page.locator(".mi-quiz")
    selects = box.locator("select")
    expect(selects).to_have_count(len(quiz.questions))
    for i, question in enumerate(quiz.questions):
        selects.nth(i).select_option(label=question.option(question.correct).text)
    box.get_by_role("button", name="Check my answers").click()
    total = len(quiz.questions)
    expect(box.locator(".mi-quiz-score")).to_have_text(
        f"Score: {total} of {total} correct.", timeout=CHART_MS
    )
    expect(box.locator(".mi-right")).to_have_count(total)


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page, options=WCAG)
    violations = results.response["violations"]
    assert violations == [], results.generate_report() + json.dumps(
        [[n["target"] for n in v["nodes"]] for v in violations]
    )


def send_by_keyboard(page: Page, text: str) -> None:
    """Type a turn, Tab to Send, press Enter."""
    turn = page.get_by_label("Your turn", exact=True)
    turn.fill(text)
    turn.press("Tab")
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_focused()
    page.keyboard.press("Enter")


def test_resistance_and_discord_exercises(page: Page, exercises) -> None:
    open_exercise(
        page,
        exercises,
        "08_resistance_and_discord_exercises.ipynb",
        ".mi-practice-conversation",
        "Roll with it",
        "Discord can be quiet as well as loud",
    )
    talk = page.locator(".mi-practice-conversation")
    expect(page.get_by_label("Client", exact=True)).to_have_value(
        "The promotion and the late nights"
    )
    expect(talk).to_contain_text("Lena")
    expect(talk).to_contain_text("Change-talk momentum")  # the state is shown from the start

    send_by_keyboard(page, "You work harder than anyone, and it stings to hear you're not focused.")
    expect(talk.locator(".mi-chat")).to_contain_text("read as: reflection")
    send_by_keyboard(page, "Come on, you're making excuses.")
    expect(talk.locator(".mi-chat")).to_contain_text("read as: confront")
    discord = talk.locator("tr", has=page.locator("th", has_text="Discord")).locator("td").first
    expect(discord).not_to_have_text("0")  # the label raised discord

    answer_self_check(page, "resistance_and_discord_exercises")
    assert_no_axe_violations(page)


def test_conflicting_goals_exercises(page: Page, exercises) -> None:
    open_exercise(
        page,
        exercises,
        "09_conflicting_goals_exercises.ipynb",
        ".mi-common-ground",
        "Spot the side-taking",
        "the person most affected is not in the room",
    )
    ground = page.locator(".mi-common-ground")
    page.get_by_label("Situation", exact=True).select_option(
        label="A project: a client, a sponsor and a delivery lead"
    )
    expect(ground).to_contain_text("three months late")
    page.get_by_label("Reflect Priya (charity operations lead, the client)", exact=True).fill(
        "Your volunteers are still stuck on paper, and you're worried they will give up."
    )
    page.keyboard.press("Tab")  # to Martin's box
    page.keyboard.type("You need something to show your board in June.")
    page.keyboard.press("Tab")  # to Kai's box
    page.keyboard.type("Why don't you just pick one list?")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Check my reflections
    notes = ground.locator(".mi-follow-up").filter(has_text="Your reflection of")
    expect(notes).to_have_count(3)
    expect(notes.first).to_contain_text("reflection")
    expect(notes.nth(2)).to_contain_text("reads as persuade")  # advice, as task 3 warns

    page.get_by_label("Something working is in use by June", exact=True).focus()
    page.keyboard.press("Space")
    page.get_by_label("The project is seen as a success", exact=True).check()
    page.get_by_role("button", name="Check shared objectives").click()
    shared = ground.locator(".mi-follow-up").filter(has_text="Shared objectives")
    expect(shared).to_contain_text("well spotted", timeout=CHART_MS)

    page.get_by_label("Shared vision", exact=True).fill("We all want a system in use by June.")
    page.get_by_role("button", name="Check my vision").click()
    expect(ground).to_contain_text("One way it could be said")

    answer_self_check(page, "conflicting_goals_exercises")
    assert_no_axe_violations(page)


def test_goals_and_planning_exercises(page: Page, exercises) -> None:
    open_exercise(
        page,
        exercises,
        "10_goals_and_planning_exercises.ipynb",
        ".mi-change-plan",
        "Four cells, or the change side only?",
        "first in my family to finish",
    )
    plan = page.locator(".mi-change-plan")
    page.get_by_label("Whose plan", exact=True).select_option(
        label="Dee, 41, wants to stop smoking before her daughter's wedding"
    )
    expect(plan).to_contain_text("I managed it before")
    page.get_by_label("Goal", exact=True).fill("I want to be smoke-free for the wedding photos")
    page.get_by_label("Value it serves", exact=True).select_option(label="Family")
    page.get_by_label("Step 1", exact=True).fill(
        "Walk round the block at the Tuesday morning break instead of smoking"
    )
    page.get_by_label("Confidence in step 1", exact=True).focus()
    for _ in range(6):  # "choose", 0, 1, ... 5
        page.keyboard.press("ArrowDown")
    expect(plan.locator(".mi-follow-up").first).to_contain_text("Confidence 5 in step 1")
    page.get_by_role("button", name="Check my plan").click()
    feedback = plan.locator(".mi-follow-up").filter(has_text="Your plan")
    expect(feedback).to_contain_text("Step 1 is rated 5 for confidence")
    expect(feedback).to_contain_text("Linked to a value (Family)")

    answer_self_check(page, "goals_and_planning_exercises")
    assert_no_axe_violations(page)


def _transcript_in(name: str) -> str:
    """The transcript printed in the notebook's first task, as a learner would copy it."""
    nb = nbformat.read(EXERCISES / name, as_version=4)
    for cell in nb.cells:
        found = re.search(r"```text\n(.*?)\n```", cell.source, re.S)
        if found:
            return found.group(1)
    raise AssertionError(f"no transcript in {name}")


def test_coding_transcripts_exercises(page: Page, exercises) -> None:
    name = "11_coding_transcripts_exercises.ipynb"
    open_exercise(
        page, exercises, name, ".mi-transcript-coder", "Raise the profile", "flattered the"
    )
    coder = page.locator(".mi-transcript-coder")
    expect(coder.get_by_role("button", name="Use the sample transcript")).to_have_count(0)
    box = page.get_by_label("Transcript", exact=True)
    box.fill(_transcript_in(name))
    box.press("Tab")  # blur: the box syncs; focus moves to the button
    expect(coder.get_by_role("button", name="Code the transcript")).to_be_focused()
    page.keyboard.press("Enter")
    expect(coder.locator(".mi-status")).to_contain_text("Coded 19 turns in 1 transcript")
    expect(coder.locator("table.mi-coded tbody tr")).to_have_count(19, timeout=CHART_MS)
    # The coder's count (2.5:1) is the one task 2 asks learners to question.
    expect(coder).to_contain_text("Reflections per question (R:Q)")
    expect(coder.locator("table.mi-history").first).to_contain_text("2.50")

    answer_self_check(page, "coding_transcripts_exercises")
    assert_no_axe_violations(page)


def test_practice_conversation_exercises(page: Page, exercises) -> None:
    open_exercise(
        page,
        exercises,
        "12_practice_conversation_exercises.ipynb",
        ".mi-practice-conversation",
        "Repair the moment",
        "A missed mobilizing moment",
    )
    talk = page.locator(".mi-practice-conversation")
    expect(page.get_by_label("Client", exact=True)).to_have_value("Tablets in the drawer")
    send_by_keyboard(page, "Some days there's just too much going on for the tablets.")
    expect(talk.locator(".mi-chat")).to_contain_text("read as: reflection")
    send_by_keyboard(page, "What matters most to you about staying well?")
    expect(talk.locator(".mi-chat .mi-code")).to_have_count(2)
    page.get_by_role("button", name="End and review").click()
    expect(talk).to_contain_text(
        "Summary scores against the MITI 4.2.1 thresholds", timeout=CHART_MS
    )
    expect(talk).to_contain_text("Where change talk rose or fell")
    expect(talk.locator(".mi-chart img")).to_have_attribute(
        "alt", re.compile("^MITI summary"), timeout=CHART_MS
    )

    answer_self_check(page, "practice_conversation_exercises")
    assert_no_axe_violations(page)
