"""CourseMap: the lessons in order, with links and this learner's progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import ipywidgets as widgets

from mi_toolkit.core.course import (
    EXERCISES_FOLDER,
    Course,
    available_exercises,
    available_files,
    course_progress,
    load_course,
)
from mi_toolkit.core.identity import Learner, current_learner
from mi_toolkit.core.journal import Journal
from mi_toolkit.widgets._common import esc, html, page_environ, stylesheet, surface_errors
from mi_toolkit.widgets.lesson import LessonBar
from mi_toolkit.widgets.quiz import curriculum_stylesheet

__all__ = ["CourseMap"]


class CourseMap(widgets.VBox):
    """The course's lessons in order: a link to each one that exists, and progress.

    Lessons whose notebook is not in ``folder`` (the notebook's working folder,
    which is ``notebooks/`` under Voila and nbval) are listed as "coming soon"
    without a link. Links are relative (``./01_mi_spirit.ipynb``), so they work
    under Voila's ``/voila/render/`` and open in the same tab; they carry the
    learner's name when it came from the page address or the sign-in box.
    Each lesson also shows the learner's progress in its exercise notebook
    (``exercises/`` beside the lessons), with a link when that folder is served
    too (Binder, JupyterHub, JupyterLab; ``mi-toolkit serve`` serves one folder).

    Example::

        lesson = LessonBar("course_start")
        course = CourseMap(bar=lesson)      # follows the bar's learner and journal
        course.lessons.value                # the HTML list
        course.refresh.click()              # read the journal again
    """

    def __init__(
        self,
        *,
        bar: LessonBar | None = None,
        journal: Journal | None = None,
        learner: Learner | None = None,
        course: Course | None = None,
        folder: str | Path | None = None,
        environ: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.bar = bar
        self.course = course or load_course()
        self.folder = Path.cwd() if folder is None else Path(folder)
        self.journal = journal or (bar.journal if bar is not None else Journal())
        env = page_environ() if environ is None else dict(environ)
        self._learner = learner or current_learner(env)
        # Voila gives the page's path: /voila/render/notebooks/00_start.ipynb when
        # the folder above the lessons is served, so ../exercises/ is reachable.
        page_path = env.get("SCRIPT_NAME", "")
        self._exercise_links = not page_path or f"/{self.folder.name}/" in page_path
        self.lessons = html()
        self.summary = html()
        self.refresh = widgets.Button(
            description="Refresh my progress",
            tooltip="Read your saved work again",
            layout=widgets.Layout(width="auto", align_self="flex-start"),
        )
        self.status = html()
        super().__init__(
            [
                stylesheet(),
                curriculum_stylesheet(),
                self.summary,
                self.lessons,
                self.refresh,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("mi-widget")
        self.add_class("mi-course")
        self.refresh.on_click(lambda _button: self.render())
        if bar is not None:  # a new name in the bar means other saved work
            bar.status.observe(lambda _change: self.render(), names="value")
        self.render()

    @property
    def learner(self) -> Learner:
        return self.bar.learner if self.bar is not None else self._learner

    @surface_errors("status")
    def render(self) -> None:
        """Read the journal and the folder again and redraw the list."""
        learner = self.learner
        rows = course_progress(
            self.course,
            self.journal.entries(learner.name),
            available_files(self.course, self.folder),
        )
        exercises = available_exercises(self.course, self.folder)
        query = (
            "" if learner.source in {"jupyterhub", "default"} else f"?learner={quote(learner.name)}"
        )
        items = []
        for row in rows:
            lesson = row.lesson
            title = esc(lesson.title)
            if row.available:
                head = f'<a href="./{esc(quote(lesson.file))}{esc(query)}">{title}</a>'
                meta = f"about {lesson.minutes} minutes · {row.status}"
            else:
                head = f"<span>{title}</span>"
                meta = "coming soon"
            extra = ""
            if lesson.exercise_file in exercises:
                name = "Exercises"
                if self._exercise_links:
                    href = f"../{EXERCISES_FOLDER}/{quote(lesson.exercise_file)}{query}"
                    name = f'<a href="{esc(href)}">Exercises</a>'
                extra = (
                    f'<br><span class="mi-course-exercise">{name} '
                    f'<span class="mi-course-meta">({esc(row.exercise_status)})</span></span>'
                )
            items.append(
                f'<li class="mi-course-lesson" data-lesson="{esc(lesson.id)}">{head} '
                f'<span class="mi-course-meta">({esc(meta)})</span>{extra}</li>'
            )
        self.lessons.value = f'<ol class="mi-course-list">{"".join(items)}</ol>'
        ready = [r for r in rows if r.available]
        started = sum(1 for r in ready if r.activities)
        coming = len(rows) - len(ready)
        more = f" ({coming} more coming soon)" if coming else ""
        self.summary.value = (
            f'<p class="mi-status" role="status" aria-live="polite">'
            f"{esc(learner.name)}: you have saved work in {started} of the {len(ready)} "
            f"lessons available so far{more}.</p>"
        )
