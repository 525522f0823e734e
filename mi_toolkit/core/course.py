"""The course: lessons in order, which of them are available, and a learner's progress.

The lesson list is content (``course.json``). Progress comes from the learner
journal: how many activities a learner has saved in each lesson, and their quiz
score where they have checked a quiz.

Example::

    >>> course = load_course()
    >>> course.lessons[0].id
    'mi_spirit'
    >>> rows = course_progress(course, entries=[], available={"01_mi_spirit.ipynb"})
    >>> rows[0].status, rows[-1].status
    ('not started', 'coming soon')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from mi_toolkit.core.content import ContentError, read_content, require
from mi_toolkit.core.quiz import QuizState, load_quizzes, score
from mi_toolkit.core.ruler import StateError

__all__ = [
    "Course",
    "CourseLesson",
    "LessonProgress",
    "available_exercises",
    "available_files",
    "course_progress",
    "load_course",
]

SCHEMA_VERSION = 1
_FILE = "course.json"
_NOTEBOOK = re.compile(r"^[0-9]{2}_[a-z0-9_]+\.ipynb$")
_ID = re.compile(r"^[a-z0-9_]+$")
EXERCISES_FOLDER = "exercises"


@dataclass(frozen=True)
class CourseLesson:
    """One lesson: its notebook file, its journal id, title and rough length."""

    file: str
    id: str
    title: str
    minutes: int

    @property
    def exercise_file(self) -> str:
        """The lesson's exercise notebook, in the ``exercises/`` folder beside the lessons."""
        return self.file.removesuffix(".ipynb") + "_exercises.ipynb"

    @property
    def exercise_id(self) -> str:
        """The journal id the exercise notebook saves under."""
        return f"{self.id}_exercises"


@dataclass(frozen=True)
class Course:
    """The course title and its lessons in order."""

    title: str
    lessons: tuple[CourseLesson, ...]


class _Saved(Protocol):  # a journal Entry, or anything shaped like one
    lesson: str
    activity: str
    state: dict[str, Any]


@dataclass(frozen=True)
class LessonProgress:
    """A lesson with the learner's progress on it."""

    lesson: CourseLesson
    available: bool
    activities: int
    quiz: str  # "" when no quiz was checked, else "3 of 4 correct"
    exercise_activities: int = 0
    exercise_quiz: str = ""

    @property
    def status(self) -> str:
        if not self.available:
            return "coming soon"
        return _status(self.activities, self.quiz, "not started")

    @property
    def exercise_status(self) -> str:
        return _status(self.exercise_activities, self.exercise_quiz, "not started")


def _status(activities: int, quiz: str, empty: str) -> str:
    if not activities:
        return empty
    saved = f"{activities} {'activity' if activities == 1 else 'activities'} saved"
    return f"{saved}; quiz {quiz}" if quiz else saved


def load_course(path: str | Path | None = None) -> Course:
    """Load and validate ``course.json`` (the packaged one, or a file at ``path``)."""
    data, name = read_content(_FILE, path)
    return _parse(data, name)


def _parse(data: dict[str, Any], file: str) -> Course:
    version = require(data, "schema_version", int, file=file)
    if version != SCHEMA_VERSION:
        raise ContentError(
            file, "schema_version", f"version {version} is not supported (expected 1)"
        )
    title = require(data, "title", str, file=file)
    items = require(data, "lessons", list, file=file)
    if not items:
        raise ContentError(file, "lessons", "no lessons")
    lessons: list[CourseLesson] = []
    for i, item in enumerate(items):
        path = f"lessons[{i}]"
        if not isinstance(item, dict):
            raise ContentError(file, path, "expected an object")
        lesson = CourseLesson(
            file=require(item, "file", str, file=file, path=path),
            id=require(item, "id", str, file=file, path=path),
            title=require(item, "title", str, file=file, path=path),
            minutes=require(item, "minutes", int, file=file, path=path),
        )
        if not _NOTEBOOK.match(lesson.file):
            raise ContentError(file, f"{path}.file", "expected a name like 01_topic.ipynb")
        if not _ID.match(lesson.id):
            raise ContentError(file, f"{path}.id", "an id is lower-case letters, digits and _")
        if not 1 <= lesson.minutes <= 180:
            raise ContentError(file, f"{path}.minutes", "expected 1 to 180 minutes")
        for other in lessons:
            if other.id == lesson.id:
                raise ContentError(file, f"{path}.id", f"duplicate id {lesson.id!r}")
            if other.file == lesson.file:
                raise ContentError(file, f"{path}.file", f"duplicate file {lesson.file!r}")
        lessons.append(lesson)
    return Course(title=title, lessons=tuple(lessons))


def available_files(course: Course, folder: str | Path) -> set[str]:
    """The course's notebook files that exist in ``folder``."""
    base = Path(folder)
    return {lesson.file for lesson in course.lessons if (base / lesson.file).is_file()}


def available_exercises(course: Course, folder: str | Path) -> set[str]:
    """The exercise notebooks that exist in ``exercises/`` beside the lesson ``folder``."""
    base = Path(folder).parent / EXERCISES_FOLDER
    return {
        lesson.exercise_file for lesson in course.lessons if (base / lesson.exercise_file).is_file()
    }


def course_progress(
    course: Course, entries: Iterable[_Saved], available: set[str]
) -> list[LessonProgress]:
    """Each lesson in order with whether it exists, activities saved and quiz score."""
    counts: dict[str, int] = {}
    quizzes: dict[str, str] = {}
    known = load_quizzes()
    for entry in entries:
        counts[entry.lesson] = counts.get(entry.lesson, 0) + 1
        if entry.state.get("kind") == "quiz" and entry.lesson in known:
            try:
                result = score(known[entry.lesson], QuizState.from_dict(entry.state))
            except StateError:
                continue
            if result.checked:
                quizzes[entry.lesson] = f"{result.correct} of {result.total} correct"
    return [
        LessonProgress(
            lesson=lesson,
            available=lesson.file in available,
            activities=counts.get(lesson.id, 0),
            quiz=quizzes.get(lesson.id, ""),
            exercise_activities=counts.get(lesson.exercise_id, 0),
            exercise_quiz=quizzes.get(lesson.exercise_id, ""),
        )
        for lesson in course.lessons
    ]
