"""Report layouts for the practice conversation, the quizzes, and kinds with no layout."""

from __future__ import annotations

from mi_toolkit.core.conversation import load_scenarios, start
from mi_toolkit.core.journal import Entry
from mi_toolkit.core.quiz import QuizState, load_quiz
from mi_toolkit.report import to_html, to_markdown


def _entry(state: dict, activity: str = "practice") -> Entry:
    return Entry("ana", "lesson", activity, state, "2026-11-22T00:00:00+00:00")


def test_a_conversation_is_replayed_into_the_report_with_its_summary() -> None:
    talk = start(load_scenarios()["alcohol"], seed=3)
    talk = talk.respond("What would you like to be different? <b>honestly</b>")
    talk = talk.respond("You want your evenings back.")
    page = to_html([_entry(talk.to_state().to_dict())], "ana")
    assert talk.exchanges[0].reply.text.split()[0] in page
    assert "&lt;b&gt;honestly&lt;/b&gt;" in page and "<b>honestly" not in page
    assert "Summary scores against the MITI thresholds" in page
    assert "could not be shown" not in page


def test_a_quiz_shows_each_answer_and_the_score() -> None:
    quiz = load_quiz("readiness_rulers")
    first = quiz.questions[0]
    state = QuizState().answer(first.id, first.correct).check(quiz)
    text = to_markdown([_entry(state.to_dict(), "quiz")], "ana")
    assert "Score: 1 of" in text
    assert "right" in text and "(not answered)" in text


def test_a_kind_without_a_layout_still_hands_in_what_was_saved() -> None:
    state = {"schema_version": 1, "kind": "role_play", "notes": ["<i>first</i>", "second"]}
    page = to_html([_entry(state)], "ana")
    assert "could not be shown in full" in page
    assert "notes[0]" in page and "&lt;i&gt;first&lt;/i&gt;" in page and "second" in page
