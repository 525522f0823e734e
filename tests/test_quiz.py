"""Quizzes: the content loads and is sound; the state and the widget behave as a learner expects."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from mi_toolkit.core.content import ContentError
from mi_toolkit.core.quiz import (
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    QuizState,
    feedback_for,
    load_quiz,
    load_quizzes,
    score,
)
from mi_toolkit.core.ruler import StateError
from mi_toolkit.widgets.quiz import Quiz

FIXTURES = Path(__file__).parent / "fixtures" / "content"
LESSONS = [
    "mi_spirit",
    "oars_overview",
    "resistance_and_discord",
    "readiness_rulers",
    "coding_transcripts",
]
SCRIPT = "<script>alert('hi')</script>"

# file -> (key named in the error, a phrase of the problem)
BROKEN = {
    "broken_quiz_not_json.json": ("", "invalid JSON"),
    "broken_quiz_wrong_version.json": ("schema_version", "version 2 is not supported"),
    "broken_quiz_no_quizzes.json": ("quizzes", "missing"),
    "broken_quiz_too_few_questions.json": (
        "quizzes.demo.questions",
        "needs 3 to 5 questions, has 2",
    ),
    "broken_quiz_too_many_questions.json": ("quizzes.demo.questions", "has 6"),
    "broken_quiz_unknown_correct.json": (
        "quizzes.demo.questions[1].correct",
        "not one of the option",
    ),
    "broken_quiz_missing_feedback.json": (
        "quizzes.demo.questions[2].options[1].feedback",
        "missing",
    ),
    "broken_quiz_blank_prompt.json": ("quizzes.demo.questions[0].prompt", "must not be empty"),
    "broken_quiz_duplicate_question.json": ("quizzes.demo.questions[2].id", "duplicate id 'q2'"),
    "broken_quiz_duplicate_option.json": ("quizzes.demo.questions[1].options[1].id", "duplicate"),
    "broken_quiz_one_option.json": ("quizzes.demo.questions[0].options", "2 to 5 options"),
}


def _answer_all(quiz_widget: Quiz, *, right: bool) -> None:
    for question in quiz_widget.quiz.questions:
        wrong = next(o.id for o in question.options if o.id != question.correct)
        quiz_widget.choices[question.id].value = question.correct if right else wrong


# ---------------------------------------------------------------- content


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_has_a_sound_quiz(lesson: str):
    quiz = load_quiz(lesson)
    assert MIN_QUESTIONS <= len(quiz.questions) <= MAX_QUESTIONS
    for question in quiz.questions:
        assert question.option(question.correct) is not None
        assert len({o.text for o in question.options}) == len(question.options)
        for option in question.options:
            assert len(option.feedback) > 20, option  # explains, not only marks


def test_correct_answers_are_not_always_in_the_same_place():
    positions = {
        [o.id for o in q.options].index(q.correct)
        for quiz in load_quizzes().values()
        for q in quiz.questions
    }
    assert positions == {0, 1, 2}


def test_content_facts_match_the_reference():
    quizzes = load_quizzes()
    spirit = quizzes["mi_spirit"].question("spirit_elements")
    assert spirit.option(spirit.correct).text == "Partnership, acceptance, compassion, evocation"
    rq = quizzes["coding_transcripts"].question("rq")
    assert "fair but not good" in rq.option(rq.correct).text  # 12/8 = 1.5: fair 1:1, good 2:1
    cr = quizzes["coding_transcripts"].question("cr")
    assert "reaches good" in cr.option(cr.correct).text  # 60% >= 50%
    ruler = quizzes["readiness_rulers"].question("follow_up")
    assert "not a 2" in ruler.option(ruler.correct).text  # why not lower, never why not higher


def test_unknown_lesson_names_file_and_key():
    with pytest.raises(ContentError, match=r"quizzes.json, key 'quizzes.nope': no such quiz"):
        load_quiz("nope")


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_quiz_files_fail_naming_file_and_key(name: str):
    key, phrase = BROKEN[name]
    with pytest.raises(ContentError) as info:
        load_quizzes(FIXTURES / name)
    assert info.value.file == name
    assert info.value.key == key
    assert phrase in info.value.problem


def test_every_broken_quiz_fixture_is_listed():
    assert {p.name for p in FIXTURES.glob("broken_quiz_*")} == set(BROKEN)


# ---------------------------------------------------------------- state


def test_state_answers_checks_and_scores():
    quiz = load_quiz("mi_spirit")
    first, second = quiz.questions[:2]
    wrong = next(o.id for o in second.options if o.id != second.correct)
    state = QuizState().answer(first.id, first.correct).answer(second.id, wrong)
    assert feedback_for(first, state) is None  # nothing before Check
    state = state.check(quiz)
    assert score(quiz, state).correct == 1 and score(quiz, state).checked == 2
    assert feedback_for(first, state) == (True, first.option(first.correct).feedback)
    assert feedback_for(second, state)[0] is False
    changed = state.answer(second.id, second.correct)
    assert feedback_for(second, changed) is None  # stale feedback is never shown
    assert (
        score(quiz, changed).describe()
        == f"Score: 1 of {len(quiz.questions)} correct (3 not checked yet)."
    )
    assert changed.answer(first.id, None).answers == {second.id: second.correct}


def test_state_round_trips_as_plain_json():
    quiz = load_quiz("oars_overview")
    state = QuizState().answer("summary", "c").answer("affirmation", "a").check(quiz)
    data = state.to_dict()
    assert data == {
        "schema_version": 1,
        "kind": "quiz",
        "quiz": "oars_overview",
        "answers": {"summary": "c", "affirmation": "a"},
        "checked": ["affirmation", "summary"],
    }
    assert QuizState.from_dict(data) == state


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"schema_version": 2},
        {"schema_version": 1, "kind": "readiness_ruler"},
        {"schema_version": 1, "answers": {"q": 3}},
        {"schema_version": 1, "answers": [], "checked": []},
        {"schema_version": 1, "checked": "q1"},
        {"schema_version": 1, "quiz": 7},
    ],
)
def test_bad_saved_state_is_refused(data):
    with pytest.raises(StateError):
        QuizState.from_dict(data)


def test_fit_drops_answers_the_quiz_no_longer_has():
    quiz = load_quiz("mi_spirit")
    state = QuizState(
        answers={"gone": "a", "acceptance": "zz", "evocation": "a"}, checked=("gone", "evocation")
    )
    fitted = state.fit(quiz)
    assert fitted.answers == {"evocation": "a"} and fitted.checked == ("evocation",)


# ---------------------------------------------------------------- widget


def test_widget_labels_each_dropdown_with_its_question():
    quiz = Quiz("resistance_and_discord")
    assert len(quiz.choices) == 5
    for number, question in enumerate(quiz.quiz.questions, start=1):
        choice = quiz.choices[question.id]
        assert choice.description == f"{number}. {question.prompt}"
        assert choice.value == "" and choice.options[0] == ("choose an answer", "")
    assert quiz.value == QuizState(quiz="resistance_and_discord")
    assert "No answers checked yet (5 questions)." in quiz.score.value


def test_check_shows_feedback_per_question_and_a_score():
    quiz = Quiz("readiness_rulers")
    _answer_all(quiz, right=True)
    quiz.choices["at_zero"].value = "a"  # wrong: nothing is lower than 0
    assert all(f.value == "" for f in quiz.feedback.values())
    quiz.check.click()
    assert "Score: 3 of 4 correct." in quiz.score.value
    assert 'role="status"' in quiz.score.value
    zero = html.unescape(quiz.feedback["at_zero"].value)
    assert 'role="status"' in zero and "Not quite." in zero and "nothing lower than 0" in zero
    assert "Correct." in quiz.feedback["follow_up"].value
    quiz.choices["at_zero"].value = "c"
    assert quiz.feedback["at_zero"].value == ""
    quiz.check.click()
    assert "Score: 4 of 4 correct." in quiz.score.value
    assert quiz.value.checked == tuple(q.id for q in quiz.quiz.questions)


def test_check_with_nothing_chosen_says_what_to_do():
    quiz = Quiz("mi_spirit")
    quiz.check.click()
    assert "Choose an answer" in quiz.status.value
    assert quiz.value.checked == ()


def test_restore_shows_saved_answers_and_feedback():
    saved = QuizState(quiz="mi_spirit", answers={"acceptance": "c"}, checked=("acceptance",))
    quiz = Quiz("mi_spirit", state=saved)
    assert quiz.choices["acceptance"].value == "c"
    assert "Correct." in quiz.feedback["acceptance"].value
    assert "Score: 1 of 4 correct" in quiz.score.value
    quiz.restore(QuizState())
    assert quiz.choices["acceptance"].value == "" and quiz.feedback["acceptance"].value == ""


def test_value_changes_are_observable_for_saving():
    quiz = Quiz("mi_spirit")
    seen = []
    quiz.observe(lambda change: seen.append(change["new"]), names="value")
    quiz.choices["evocation"].value = "a"
    quiz.check.click()
    assert [s.to_dict()["checked"] for s in seen] == [[], ["evocation"]]


def test_content_text_is_escaped(tmp_path):
    from dataclasses import replace

    content = load_quiz("mi_spirit")
    question = content.questions[0]
    options = tuple(replace(o, feedback=SCRIPT) for o in question.options)
    content = replace(
        content,
        title=SCRIPT,
        questions=(replace(question, options=options), *content.questions[1:]),
    )
    quiz = Quiz("mi_spirit", quiz=content)
    quiz.choices[question.id].value = question.correct
    quiz.check.click()
    everything = quiz.title.value + quiz.feedback[question.id].value
    assert "<script>" not in everything and "&lt;script&gt;" in everything


def test_errors_in_handlers_are_shown(monkeypatch):
    quiz = Quiz("mi_spirit")
    quiz.choices["evocation"].value = "a"
    monkeypatch.setattr(QuizState, "check", lambda self, q: 1 / 0)
    quiz.check.click()
    assert re.search("Something went wrong .*ZeroDivisionError", quiz.status.value)
