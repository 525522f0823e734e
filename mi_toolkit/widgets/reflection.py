"""ReflectionBuilder: write a reflection of a client statement and get explained feedback."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as widgets
import traitlets

from mi_toolkit.core.reflection import (
    ClientStatement,
    ReflectionContent,
    ReflectionFeedback,
    ReflectionState,
    check_reflection,
    load_reflection_content,
)
from mi_toolkit.widgets._common import (  # client_html ... wide: re-exported, as before
    client_html,
    esc,
    feedback_html,
    fit,
    fixed_fit,
    fixed_wide,
    html,
    message_html,
    stylesheet,
    surface_errors,
    wide,
)

__all__ = ["ReflectionBuilder", "client_html", "feedback_html", "fit", "wide"]


class ReflectionBuilder(widgets.VBox):
    """Reflect a client statement; Check explains what the reflection does and does not do.

    Choose a level (from a simple reflection up to a double-sided one), read the
    client statement, write a reflection and press **Check my reflection**. After
    an attempt the model reflections can be shown; **Try again** clears the box for
    another go. Every checked attempt is kept in ``value``.

    Example::

        builder = ReflectionBuilder()
        builder.level.value = "double_sided"
        builder.response.value = "On the one hand ..., and on the other hand ..."
        builder.check.click()
        builder.feedback.value          # what the checks found, as suggestions
        builder.value.to_dict()         # plain JSON, kind "reflection_builder"
    """

    value = traitlets.Instance(ReflectionState)

    def __init__(
        self,
        *,
        content: ReflectionContent | None = None,
        state: ReflectionState | None = None,
        clock: Callable[[], datetime] | None = None,
        **kwargs,
    ) -> None:
        self.content = content or load_reflection_content()
        self._clock = clock
        self.level = widgets.Dropdown(
            layout=fixed_fit(),
            options=[(lv.label, lv.id) for lv in self.content.levels],
            description="Level",
        )
        self.task = html()
        self.task.add_class("mi-question")
        self.progress = html()
        self.statement = html()
        self.statement.add_class("mi-client-statement")
        self.next_statement = widgets.Button(
            layout=fixed_fit(),
            description="Next statement",
            tooltip="Show another client statement at this level",
        )
        self.response = widgets.Textarea(
            description="Your reflection",
            placeholder="It sounds like ...",
            rows=3,
            layout=fixed_wide(),
            # Sync when the box loses focus, not per keystroke: ipywidgets holds back a
            # model's syncs while one is unanswered, but sends a click at once, so a quick
            # "type, Tab, Enter" could reach the kernel before the last keystrokes.
            continuous_update=False,
        )
        self.response.add_class("mi-response")
        self.check = widgets.Button(
            layout=fixed_fit(),
            description="Check my reflection",
            tooltip="Get feedback on the reflection you wrote",
            button_style="primary",
        )
        self.try_again = widgets.Button(
            layout=fixed_fit(),
            description="Try again",
            tooltip="Clear the box and write another reflection",
        )
        self.reveal = widgets.Button(
            layout=fixed_fit(),
            description="Show model reflections",
            tooltip="See reflections of different kinds for this statement",
        )
        self.feedback = html()
        self.feedback.add_class("mi-practice-feedback")
        self.models = html()
        self.attempts = html()
        self.caveat = html(f'<p class="mi-anchors">{esc(self.content.feedback["caveat"])}</p>')
        self.status = html()
        super().__init__(
            [
                stylesheet(),
                self.level,
                self.task,
                self.progress,
                self.statement,
                self.next_statement,
                self.response,
                widgets.HBox([self.check, self.try_again, self.reveal]),
                self.feedback,
                self.models,
                self.attempts,
                self.caveat,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("mi-widget")
        self.add_class("mi-reflection-builder")
        self._restoring = False
        self.restore(state or ReflectionState())
        self.level.observe(self._on_level, names="value")
        self.next_statement.on_click(self._on_next)
        self.check.on_click(self._on_check)
        self.try_again.on_click(self._on_try_again)
        self.reveal.on_click(self._on_reveal)

    # ------------------------------------------------------------ public

    @property
    def current(self) -> ClientStatement:
        """The client statement on show."""
        found = self.content.statement(self.value.statement_id)
        if found is not None and found.level == self.value.level:
            return found
        return self.content.statements_for(self.value.level)[0]

    def restore(self, state: ReflectionState) -> None:
        """Show ``state``: its level and statement, the last attempt there and its feedback."""
        self._restoring = True
        try:
            if state.level not in {lv.id for lv in self.content.levels}:
                state = state.choose_level(self.content.levels[0].id)
            self.value = state
            self.level.value = state.level
            if self.value.statement_id != self.current.id:
                self.value = self.value.show(self.current.id)
            last = self.value.attempts_for(self.current.id)
            self.response.value = last[-1].text if last else ""
        finally:
            self._restoring = False
        self.status.value = ""
        self._render_statement()
        if self.response.value:
            self._show_feedback(self._check(), len(last))
        else:
            self.feedback.value = ""

    # ------------------------------------------------------------ handlers

    @surface_errors("status")
    def _on_level(self, change: dict) -> None:
        if self._restoring:
            return
        self.value = self.value.choose_level(change["new"])
        self.value = self.value.show(self.current.id)
        self._fresh_statement()

    @surface_errors("status")
    def _on_next(self, _button: widgets.Button) -> None:
        pool = self.content.statements_for(self.value.level)
        index = next((i for i, s in enumerate(pool) if s.id == self.current.id), -1)
        self.value = self.value.show(pool[(index + 1) % len(pool)].id)
        self._fresh_statement()

    @surface_errors("status")
    def _on_check(self, _button: widgets.Button) -> None:
        found = self._check()
        if not found.checked:
            self.feedback.value = message_html(found.notes[0].text, kind="warning")
            return
        now = self._clock() if self._clock else None
        self.value = self.value.record(self.current.id, self.value.level, found, now)
        self._show_feedback(found, len(self.value.attempts_for(self.current.id)))

    @surface_errors("status")
    def _on_try_again(self, _button: widgets.Button) -> None:
        self.response.value = ""
        self.feedback.value = message_html(
            "Write another reflection of the same statement, then press Check."
        )

    @surface_errors("status")
    def _on_reveal(self, _button: widgets.Button) -> None:
        self.value = self.value.reveal(self.current.id)
        self._render_models()

    # ------------------------------------------------------------ rendering

    def _check(self) -> ReflectionFeedback:
        return check_reflection(self.response.value, self.current, self.value.level, self.content)

    def _fresh_statement(self) -> None:
        self.response.value = ""
        self.feedback.value = ""
        self._render_statement()

    def _render_statement(self) -> None:
        level = self.content.level(self.value.level)
        pool = self.content.statements_for(level.id)
        statement = self.current
        number = next(i for i, s in enumerate(pool) if s.id == statement.id) + 1
        self.task.value = f"<p>Your task: {esc(level.task)}</p>"
        self.progress.value = (
            f'<p class="mi-anchors">Statement {number} of {len(pool)} at this level · '
            f"topic: {esc(statement.topic)}</p>"
        )
        self.statement.value = client_html(statement.text)
        self._render_models()
        self._render_attempts()

    def _render_models(self) -> None:
        statement = self.current
        tried = bool(self.value.attempts_for(statement.id))
        self.reveal.disabled = not tried or statement.id in self.value.revealed
        self.try_again.disabled = not tried
        if statement.id not in self.value.revealed:
            self.models.value = (
                ""
                if tried
                else (
                    '<p class="mi-anchors">Model reflections can be shown after your first '
                    "attempt at this statement.</p>"
                )
            )
            return
        kinds = self.content.kinds
        items = "".join(
            f"<li><strong>{esc(kinds[m.kind].label.capitalize())}</strong> "
            f"({esc(kinds[m.kind].about)}): {esc(m.text)}</li>"
            for m in statement.models
        )
        self.models.value = (
            f'<div class="mi-follow-up" role="status" aria-live="polite">'
            f"<p>Model reflections (one way each; yours can differ and still be good):</p>"
            f"<ul>{items}</ul></div>"
        )

    def _render_attempts(self) -> None:
        mine = self.value.attempts_for(self.current.id)
        if not mine:
            self.attempts.value = ""
            return
        rows = "".join(
            f"<tr><td>{i}</td><td>{esc(a.text)}</td><td>{esc(a.label)}</td>"
            f"<td>{'yes' if a.met_task else 'not yet'}</td></tr>"
            for i, a in enumerate(mine, 1)
        )
        self.attempts.value = (
            '<table class="mi-history"><caption>Your attempts at this statement</caption>'
            '<thead><tr><th scope="col">#</th><th scope="col">Your reflection</th>'
            '<th scope="col">Reads as</th><th scope="col">Fits the task</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )

    def _show_feedback(self, found: ReflectionFeedback, attempt: int) -> None:
        head = f"Feedback on attempt {attempt}: reads as <strong>{esc(found.label)}</strong>"
        self.feedback.value = feedback_html(head, found.notes, self.content.feedback)
        self._render_models()
        self._render_attempts()
