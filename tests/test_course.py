"""The course list: content, progress from the journal, links only to lessons that exist."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from mi_toolkit.core.content import ContentError
from mi_toolkit.core.course import (
    available_exercises,
    available_files,
    course_progress,
    load_course,
)
from mi_toolkit.core.identity import Learner
from mi_toolkit.core.journal import Journal
from mi_toolkit.widgets.course import CourseMap
from mi_toolkit.widgets.lesson import LessonBar

FIXTURES = Path(__file__).parent / "fixtures" / "content"
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXPECTED_ORDER = [
    ("01_mi_spirit.ipynb", "mi_spirit"),
    ("02_oars_overview.ipynb", "oars_overview"),
    ("03_reflective_listening.ipynb", "reflective_listening"),
    ("04_oars_practice.ipynb", "oars_practice"),
    ("05_change_talk.ipynb", "change_talk"),
    ("06_values_and_discrepancy.ipynb", "values_and_discrepancy"),
    ("07_readiness_rulers.ipynb", "readiness_rulers"),
    ("08_resistance_and_discord.ipynb", "resistance_and_discord"),
    ("09_conflicting_goals.ipynb", "conflicting_goals"),
    ("10_goals_and_planning.ipynb", "goals_and_planning"),
    ("11_coding_transcripts.ipynb", "coding_transcripts"),
    ("12_practice_conversation.ipynb", "practice_conversation"),
]
BROKEN = {
    "broken_course_top_level_list.json": ("", "top level must be a JSON object"),
    "broken_course_wrong_version.json": ("schema_version", "version 3 is not supported"),
    "broken_course_no_lessons.json": ("lessons", "no lessons"),
    "broken_course_bad_file.json": ("lessons[0].file", "expected a name like"),
    "broken_course_duplicate_id.json": ("lessons[1].id", "duplicate id 'a'"),
    "broken_course_duplicate_file.json": ("lessons[1].file", "duplicate file"),
    "broken_course_minutes_string.json": ("lessons[0].minutes", "expected int, got str"),
    "broken_course_missing_title.json": ("lessons[0].title", "missing"),
}
QUIZ = {
    "schema_version": 1,
    "kind": "quiz",
    "quiz": "mi_spirit",
    "answers": {"spirit_elements": "b", "acceptance": "a"},
    "checked": ["spirit_elements", "acceptance"],
}


def _folder(tmp_path: Path, *files: str) -> Path:
    for name in files:
        (tmp_path / name).write_text("{}")
    return tmp_path


# ---------------------------------------------------------------- content


def test_course_lists_every_lesson_in_order():
    course = load_course()
    assert [(lesson.file, lesson.id) for lesson in course.lessons] == EXPECTED_ORDER
    assert all(20 <= lesson.minutes <= 40 for lesson in course.lessons)


def test_course_ids_match_the_lesson_bars_of_existing_notebooks():
    for lesson in load_course().lessons:
        path = NOTEBOOKS / lesson.file
        if path.exists():
            assert f'LessonBar(\\"{lesson.id}\\")' in path.read_text("utf-8"), lesson.file


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_course_files_fail_naming_file_and_key(name: str):
    key, phrase = BROKEN[name]
    with pytest.raises(ContentError) as info:
        load_course(FIXTURES / name)
    assert info.value.file == name and info.value.key == key
    assert phrase in info.value.problem


def test_every_broken_course_fixture_is_listed():
    assert {p.name for p in FIXTURES.glob("broken_course_*")} == set(BROKEN)


# ---------------------------------------------------------------- progress


def test_available_files_are_those_next_to_the_notebook(tmp_path: Path):
    course = load_course()
    folder = _folder(tmp_path, "01_mi_spirit.ipynb", "07_readiness_rulers.ipynb", "99_other.ipynb")
    (tmp_path / "02_oars_overview.ipynb").mkdir()  # a folder is not a lesson
    assert available_files(course, folder) == {"01_mi_spirit.ipynb", "07_readiness_rulers.ipynb"}


def test_progress_counts_activities_and_quiz_score():
    journal = Journal(":memory:")
    journal.save("ana", "mi_spirit", "quiz", QUIZ)
    journal.save(
        "ana", "readiness_rulers", "practice", {"schema_version": 1, "kind": "readiness_ruler"}
    )
    journal.save("ana", "readiness_rulers", "quiz", {"schema_version": 9, "kind": "quiz"})
    journal.save("bo", "oars_overview", "quiz", QUIZ)
    course = load_course()
    rows = course_progress(
        course,
        journal.entries("ana"),
        {"01_mi_spirit.ipynb", "02_oars_overview.ipynb", "07_readiness_rulers.ipynb"},
    )
    by_id = {row.lesson.id: row for row in rows}
    assert by_id["mi_spirit"].status == "1 activity saved; quiz 1 of 4 correct"
    assert by_id["readiness_rulers"].status == "2 activities saved"  # unreadable quiz: no score
    assert by_id["oars_overview"].status == "not started"  # another learner's work
    assert by_id["practice_conversation"].status == "coming soon"
    assert [row.lesson.id for row in rows] == [lesson_id for _, lesson_id in EXPECTED_ORDER]


def test_every_lesson_has_its_exercise_notebook_saving_under_its_exercise_id():
    course = load_course()
    exercises = NOTEBOOKS.parent / "exercises"
    assert available_exercises(course, NOTEBOOKS) == {
        lesson.exercise_file for lesson in course.lessons
    }
    for lesson in course.lessons:
        text = (exercises / lesson.exercise_file).read_text()
        assert f'LessonBar(\\"{lesson.exercise_id}\\")' in text, lesson.exercise_file


def test_exercise_progress_is_counted_apart_from_the_lesson():
    journal = Journal(":memory:")
    journal.save("ana", "mi_spirit_exercises", "practice", {"schema_version": 1, "kind": "x"})
    journal.save("ana", "mi_spirit_exercises", "quiz", {**QUIZ, "quiz": "mi_spirit_exercises"})
    rows = course_progress(load_course(), journal.entries("ana"), {"01_mi_spirit.ipynb"})
    first = rows[0]
    assert first.status == "not started"
    assert first.exercise_status.startswith("2 activities saved")
    assert rows[1].exercise_status == "not started"


# ---------------------------------------------------------------- widget


def _course_with_exercises(tmp_path: Path) -> Path:
    lessons = tmp_path / "notebooks"
    lessons.mkdir()
    _folder(lessons, "01_mi_spirit.ipynb")
    (tmp_path / "exercises").mkdir()
    _folder(tmp_path / "exercises", "01_mi_spirit_exercises.ipynb")
    return lessons


def test_exercises_are_linked_when_their_folder_is_served_too(tmp_path: Path):
    lessons = _course_with_exercises(tmp_path)
    journal = Journal(":memory:")
    journal.save("ana", "mi_spirit_exercises", "practice", {"schema_version": 1, "kind": "x"})
    env = {"SCRIPT_NAME": "/voila/render/notebooks/00_start.ipynb"}  # Binder, JupyterHub
    course = CourseMap(journal=journal, folder=lessons, environ=env, learner=Learner("ana", "url"))
    assert '"../exercises/01_mi_spirit_exercises.ipynb?learner=ana"' in course.lessons.value
    assert 'Exercises</a> <span class="mi-course-meta">(1 activity saved)' in (course.lessons.value)


def test_exercises_are_not_linked_when_only_the_lessons_are_served(tmp_path: Path):
    lessons = _course_with_exercises(tmp_path)
    env = {"SCRIPT_NAME": "/voila/render/00_start.ipynb"}  # mi-toolkit serve --root notebooks
    course = CourseMap(journal=Journal(":memory:"), folder=lessons, environ=env)
    assert "../exercises/" not in course.lessons.value
    assert "Exercises <span" in course.lessons.value  # progress still shown


def test_map_links_existing_lessons_and_marks_others_coming_soon(tmp_path: Path):
    folder = _folder(tmp_path, "01_mi_spirit.ipynb", "03_reflective_listening.ipynb")
    journal = Journal(":memory:")
    journal.save("me", "mi_spirit", "quiz", QUIZ)
    course = CourseMap(journal=journal, folder=folder, environ={})
    text = course.lessons.value
    links = re.findall(r'<a href="([^"]+)">', text)
    assert links == ["./01_mi_spirit.ipynb", "./03_reflective_listening.ipynb"]
    assert (
        text.index("The spirit of MI")
        < text.index("OARS: the four core skills")
        < text.index("Reflective listening")
    )
    assert "1 activity saved; quiz 1 of 4 correct" in text
    assert html.unescape(text).count("(coming soon)") == 10
    assert (
        "saved work in 1 of the 2 lessons available so far (10 more coming soon)"
        in course.summary.value
    )


def test_links_carry_a_name_from_the_address_or_sign_in(tmp_path: Path):
    folder = _folder(tmp_path, "01_mi_spirit.ipynb")
    course = CourseMap(
        journal=Journal(":memory:"), folder=folder, learner=Learner("Ana P&<b>", "url")
    )
    assert './01_mi_spirit.ipynb?learner=Ana%20P%26%3Cb%3E"' in course.lessons.value
    assert "Ana P&amp;&lt;b&gt;:" in course.summary.value
    hub = CourseMap(
        journal=Journal(":memory:"), folder=folder, learner=Learner("ana", "jupyterhub")
    )
    assert '"./01_mi_spirit.ipynb"' in hub.lessons.value


def test_map_follows_the_lesson_bar_and_refreshes(tmp_path: Path):
    folder = _folder(tmp_path, "01_mi_spirit.ipynb")
    journal = Journal(":memory:")
    bar = LessonBar("course_start", journal=journal, environ={}, save_delay=0)
    course = CourseMap(bar=bar, folder=folder)
    assert "not started" in course.lessons.value
    journal.save("Zoe", "mi_spirit", "quiz", QUIZ)
    bar.name.value = "Zoe"
    bar.switch.click()
    assert "quiz 1 of 4 correct" in course.lessons.value
    assert "?learner=Zoe" in course.lessons.value
    journal.save("Zoe", "mi_spirit", "other", {"schema_version": 1, "kind": "x"})
    course.refresh.click()
    assert "2 activities saved" in course.lessons.value


def test_map_errors_are_shown(tmp_path: Path, monkeypatch):
    course = CourseMap(journal=Journal(":memory:"), folder=tmp_path, environ={})
    monkeypatch.setattr(course.journal, "entries", lambda learner: 1 / 0)
    course.refresh.click()
    assert "ZeroDivisionError" in course.status.value
