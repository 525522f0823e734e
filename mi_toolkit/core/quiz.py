"""Checks for understanding: short multiple-choice quizzes with feedback on every option.

Quizzes are content (``quizzes.json``, keyed by lesson id). Every option carries
its own feedback, so a wrong answer is explained, not only marked.

Example::

    >>> quiz = load_quiz("mi_spirit")
    >>> first = quiz.questions[0]
    >>> state = QuizState(quiz="mi_spirit").answer(first.id, first.correct).check(quiz)
    >>> score(quiz, state).correct
    1
    >>> state.to_dict()["kind"]
    'quiz'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mi_toolkit.core.content import ContentError, load_content, read_json_file, require
from mi_toolkit.core.ruler import StateError

__all__ = [
    "MAX_QUESTIONS",
    "MIN_QUESTIONS",
    "Option",
    "Question",
    "Quiz",
    "QuizScore",
    "QuizState",
    "feedback_for",
    "load_quiz",
    "load_quizzes",
    "score",
]

SCHEMA_VERSION = 1
MIN_QUESTIONS = 3
MAX_QUESTIONS = 5
_FILE = "quizzes.json"
_ID = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class Option:
    """One answer to choose, and why it is right or wrong."""

    id: str
    text: str
    feedback: str


@dataclass(frozen=True)
class Question:
    """A question, its options, and the id of the correct option."""

    id: str
    prompt: str
    options: tuple[Option, ...]
    correct: str

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Quiz:
    """The check for understanding of one lesson."""

    lesson: str
    title: str
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


# ---------------------------------------------------------------- loading


def load_quizzes(path: str | Path | None = None) -> dict[str, Quiz]:
    """Load and validate every quiz (the packaged ``quizzes.json``, or a file at ``path``)."""
    if path is None:
        return dict(_packaged())
    name = Path(path).name
    return _parse(read_json_file(path, name=name), name)


@functools.cache
def _packaged() -> dict[str, Quiz]:
    return _parse(load_content(_FILE), _FILE)


def load_quiz(lesson: str, path: str | Path | None = None) -> Quiz:
    """The quiz for ``lesson``; a :class:`ContentError` if there is none."""
    quizzes = load_quizzes(path)
    if lesson not in quizzes:
        raise ContentError(Path(path).name if path else _FILE, f"quizzes.{lesson}", "no such quiz")
    return quizzes[lesson]


def _parse(data: dict[str, Any], file: str) -> dict[str, Quiz]:
    version = require(data, "schema_version", int, file=file)
    if version != SCHEMA_VERSION:
        raise ContentError(
            file, "schema_version", f"version {version} is not supported (expected 1)"
        )
    quizzes = require(data, "quizzes", dict, file=file)
    if not quizzes:
        raise ContentError(file, "quizzes", "no quizzes")
    return {lesson: _parse_quiz(entry, lesson, file) for lesson, entry in quizzes.items()}


def _parse_quiz(entry: Any, lesson: str, file: str) -> Quiz:
    path = f"quizzes.{lesson}"
    if not _ID.match(lesson):
        raise ContentError(file, path, "a lesson id is lower-case letters, digits and _")
    if not isinstance(entry, dict):
        raise ContentError(file, path, "expected an object")
    title = require(entry, "title", str, file=file, path=path)
    items = require(entry, "questions", list, file=file, path=path)
    if not MIN_QUESTIONS <= len(items) <= MAX_QUESTIONS:
        raise ContentError(
            file,
            f"{path}.questions",
            f"needs {MIN_QUESTIONS} to {MAX_QUESTIONS} questions, has {len(items)}",
        )
    questions = []
    for i, item in enumerate(items):
        question = _parse_question(item, f"{path}.questions[{i}]", file)
        if any(q.id == question.id for q in questions):
            raise ContentError(file, f"{path}.questions[{i}].id", f"duplicate id {question.id!r}")
        questions.append(question)
    return Quiz(lesson=lesson, title=title, questions=tuple(questions))


def _parse_question(item: Any, path: str, file: str) -> Question:
    if not isinstance(item, dict):
        raise ContentError(file, path, "expected an object")
    qid = require(item, "id", str, file=file, path=path)
    if not _ID.match(qid):
        raise ContentError(file, f"{path}.id", "an id is lower-case letters, digits and _")
    prompt = require(item, "prompt", str, file=file, path=path)
    raw_options = require(item, "options", list, file=file, path=path)
    if not 2 <= len(raw_options) <= 5:
        raise ContentError(file, f"{path}.options", "needs 2 to 5 options")
    options: list[Option] = []
    for j, raw in enumerate(raw_options):
        where = f"{path}.options[{j}]"
        if not isinstance(raw, dict):
            raise ContentError(file, where, "expected an object")
        option = Option(
            id=require(raw, "id", str, file=file, path=where),
            text=require(raw, "text", str, file=file, path=where),
            feedback=require(raw, "feedback", str, file=file, path=where),
        )
        if any(o.id == option.id for o in options):
            raise ContentError(file, f"{where}.id", f"duplicate id {option.id!r}")
        options.append(option)
    correct = require(item, "correct", str, file=file, path=path)
    if correct not in {o.id for o in options}:
        raise ContentError(file, f"{path}.correct", f"{correct!r} is not one of the option ids")
    return Question(id=qid, prompt=prompt, options=tuple(options), correct=correct)


# ---------------------------------------------------------------- learner state


@dataclass(frozen=True)
class QuizState:
    """The learner's answers (question id -> option id) and which answers were checked.

    ``checked`` holds the questions whose *current* answer has been checked:
    changing an answer takes it out again, so stale feedback is never shown.
    """

    quiz: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    checked: tuple[str, ...] = ()

    def answer(self, question_id: str, option_id: str | None) -> QuizState:
        answers = dict(self.answers)
        if option_id:
            answers[question_id] = option_id
        else:
            answers.pop(question_id, None)
        checked = tuple(q for q in self.checked if q != question_id)
        return replace(self, answers=answers, checked=checked)

    def check(self, quiz: Quiz) -> QuizState:
        """Mark every answered question as checked."""
        return replace(
            self,
            quiz=quiz.lesson,
            checked=tuple(q.id for q in quiz.questions if q.id in self.answers),
        )

    def fit(self, quiz: Quiz) -> QuizState:
        """Drop answers to questions or options the quiz no longer has (content changed)."""
        answers = {
            q.id: self.answers[q.id]
            for q in quiz.questions
            if q.id in self.answers and q.option(self.answers[q.id]) is not None
        }
        checked = tuple(q for q in self.checked if q in answers)
        return QuizState(quiz=quiz.lesson, answers=answers, checked=checked)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "quiz",
            "quiz": self.quiz,
            "answers": dict(self.answers),
            "checked": list(self.checked),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuizState:
        if not isinstance(data, dict):
            raise StateError("saved quiz state must be an object")
        if data.get("schema_version") != SCHEMA_VERSION:
            raise StateError(
                f"saved quiz state has schema version {data.get('schema_version')!r}, "
                f"expected {SCHEMA_VERSION}"
            )
        if data.get("kind", "quiz") != "quiz":
            raise StateError(f"saved state is a {data.get('kind')!r}, not a quiz")
        answers = data.get("answers", {})
        checked = data.get("checked", [])
        quiz = data.get("quiz", "")
        if not isinstance(answers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in answers.items()
        ):
            raise StateError("answers must map question ids to option ids")
        if not isinstance(checked, list) or not all(isinstance(q, str) for q in checked):
            raise StateError("checked must be a list of question ids")
        if not isinstance(quiz, str):
            raise StateError("quiz must be a lesson id")
        return cls(
            quiz=quiz,
            answers=dict(answers),
            checked=tuple(q for q in checked if q in answers),
        )


@dataclass(frozen=True)
class QuizScore:
    """How many of the quiz's questions are answered correctly and checked."""

    correct: int
    checked: int
    total: int

    def describe(self) -> str:
        if not self.checked:
            return f"No answers checked yet ({self.total} questions)."
        left = self.total - self.checked
        rest = f" ({left} not checked yet)" if left else ""
        return f"Score: {self.correct} of {self.total} correct{rest}."


def score(quiz: Quiz, state: QuizState) -> QuizScore:
    """Count correct answers among the checked ones."""
    checked = [q for q in quiz.questions if q.id in state.checked]
    correct = sum(1 for q in checked if state.answers.get(q.id) == q.correct)
    return QuizScore(correct=correct, checked=len(checked), total=len(quiz.questions))


def feedback_for(question: Question, state: QuizState) -> tuple[bool, str] | None:
    """(right?, explanation) for a checked question; None while unchecked or unanswered."""
    if question.id not in state.checked:
        return None
    option = question.option(state.answers.get(question.id, ""))
    if option is None:
        return None
    return option.id == question.correct, option.feedback
