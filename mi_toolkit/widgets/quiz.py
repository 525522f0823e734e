"""Quiz: a short check for understanding, with feedback on every answer."""

from __future__ import annotations

import ipywidgets as widgets
import traitlets
from ipywidgets.widgets.widget_description import DescriptionStyle

from mi_toolkit.core.quiz import Quiz as QuizContent
from mi_toolkit.core.quiz import QuizState, feedback_for, load_quiz, score
from mi_toolkit.widgets._common import (
    esc,
    fixed_layout,
    fixed_style,
    html,
    message_html,
    shared_stylesheet,
    stylesheet,
    surface_errors,
)

__all__ = ["Quiz"]

_BLANK = ("choose an answer", "")


def curriculum_stylesheet() -> widgets.HTML:
    """An invisible HTML widget carrying the quiz and course-map styles (one per kernel)."""
    return shared_stylesheet("curriculum.css")


class Quiz(widgets.VBox):
    """The lesson's check for understanding: one drop-down per question, then Check.

    Each question is a labelled drop-down (a native ``<select>`` whose label is
    the question), so it is one Tab stop and the arrow keys choose an answer.
    After **Check my answers** every answered question shows whether it is right
    and why, in a polite live region, and the score appears below.

    Example::

        quiz = Quiz("mi_spirit")
        quiz.choices["spirit_elements"].value = "b"
        quiz.check.click()
        quiz.feedback["spirit_elements"].value   # "Correct. ... " and why
        quiz.score.value                         # "Score: 1 of 4 correct. ..."
        quiz.value.to_dict()                     # plain JSON, kind "quiz"
    """

    value = traitlets.Instance(QuizState)

    def __init__(
        self,
        lesson: str,
        *,
        quiz: QuizContent | None = None,
        state: QuizState | None = None,
        **kwargs,
    ) -> None:
        self.quiz = quiz or load_quiz(lesson)
        self.title = html(f'<p class="mi-question">{esc(self.quiz.title)}</p>')
        self.choices: dict[str, widgets.Dropdown] = {}
        self.feedback: dict[str, widgets.HTML] = {}
        blocks = []
        for number, question in enumerate(self.quiz.questions, start=1):
            choice = widgets.Dropdown(
                options=[_BLANK] + [(o.text, o.id) for o in question.options],
                value="",
                description=f"{number}. {question.prompt}",
                style=fixed_style(DescriptionStyle, description_width="initial"),
                layout=fixed_layout(),
            )
            self.choices[question.id] = choice
            self.feedback[question.id] = html()
            block = widgets.VBox([choice, self.feedback[question.id]], layout=fixed_layout())
            block.add_class("mi-quiz-question")
            blocks.append(block)
        self.check = widgets.Button(
            description="Check my answers",
            tooltip="See which answers are right, and why",
            button_style="primary",
            layout=widgets.Layout(width="auto", align_self="flex-start"),
        )
        self.score = html()
        self.status = html()
        super().__init__(
            [
                stylesheet(),
                curriculum_stylesheet(),
                self.title,
                *blocks,
                self.check,
                self.score,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("mi-widget")
        self.add_class("mi-quiz")
        self._restoring = False
        self.restore(state or QuizState(quiz=self.quiz.lesson))
        for choice in self.choices.values():
            choice.observe(self._on_choose, names="value")
        self.check.on_click(self._on_check)

    # ------------------------------------------------------------ public

    def restore(self, state: QuizState) -> None:
        """Show ``state`` (for example, saved answers after a page reload)."""
        state = state.fit(self.quiz)
        self._restoring = True
        try:
            self.value = state
            for qid, choice in self.choices.items():
                choice.value = state.answers.get(qid, "")
        finally:
            self._restoring = False
        self._render()

    # ------------------------------------------------------------ handlers

    @surface_errors("status")
    def _on_choose(self, change: dict) -> None:
        if self._restoring:
            return
        qid = next(q for q, w in self.choices.items() if w is change["owner"])
        self.value = self.value.answer(qid, change["new"])
        self._render_question(qid)
        self._render_score()

    @surface_errors("status")
    def _on_check(self, _button: widgets.Button) -> None:
        if not self.value.answers:
            self.status.value = message_html("Choose an answer to at least one question first.")
            return
        self.status.value = ""
        self.value = self.value.check(self.quiz)
        self._render()

    # ------------------------------------------------------------ rendering

    def _render(self) -> None:
        for question in self.quiz.questions:
            self._render_question(question.id)
        self._render_score()

    def _render_question(self, qid: str) -> None:
        question = self.quiz.question(qid)
        result = None if question is None else feedback_for(question, self.value)
        if result is None:
            self.feedback[qid].value = ""
            return
        right, why = result
        verdict = (
            '<span class="mi-right">Correct.</span>'
            if right
            else '<span class="mi-wrong">Not quite.</span>'
        )
        self.feedback[qid].value = (
            f'<div class="mi-follow-up" role="status" aria-live="polite">'
            f"<p>{verdict} {esc(why)}</p></div>"
        )

    def _render_score(self) -> None:
        result = score(self.quiz, self.value)
        self.score.value = (
            f'<p class="mi-status mi-quiz-score" role="status" aria-live="polite">'
            f"{esc(result.describe())}</p>"
        )
