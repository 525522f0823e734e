"""OarsPractice: write an open question, affirmation, reflection and summary for a
vignette, with coded feedback; then label practitioner responses in a quick round."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as widgets
import traitlets

from mi_toolkit.core._practice import fill
from mi_toolkit.core.oars import (
    CLASSES,
    OARS,
    ClassifyAnswer,
    OarsContent,
    OarsFeedback,
    OarsState,
    Vignette,
    check_classify,
    check_response,
    load_oars_content,
    load_reflection_content,
)
from mi_toolkit.core.reflection import ReflectionContent
from mi_toolkit.widgets._common import (
    client_html,
    esc,
    feedback_html,
    fixed_fit,
    fixed_wide,
    html,
    message_html,
    stylesheet,
    surface_errors,
)

__all__ = ["OarsPractice"]

# The "choose ..." option of each drop-down has the value "", not None: with a None
# option value ipywidgets can end up with no option selected (index None, a blank
# box), depending on the order in which traitlets sends its notifications.


class OarsPractice(widgets.VBox):
    """Practise OARS: one response of each kind for a vignette, then a quick-classify round.

    Write an open question, an affirmation, a reflection and a summary (any or all)
    and press **Check my responses**: each is coded, and the feedback says whether it
    reads as the kind asked for and why. Example responses can be shown after a
    first attempt. Below, **Quick classify** asks which kind a practitioner's
    response is.

    Example::

        practice = OarsPractice()
        practice.responses["open"].value = "Do you work nights?"
        practice.check.click()
        practice.feedbacks["open"].value    # "... reads as a closed question ..."
        practice.value.to_dict()            # plain JSON, kind "oars_practice"
    """

    value = traitlets.Instance(OarsState)

    def __init__(
        self,
        *,
        content: OarsContent | None = None,
        reflection: ReflectionContent | None = None,
        state: OarsState | None = None,
        clock: Callable[[], datetime] | None = None,
        **kwargs,
    ) -> None:
        self.content = content or load_oars_content()
        self.reflection = reflection or load_reflection_content()
        self._clock = clock
        c = self.content
        self.vignette = widgets.Dropdown(
            layout=fixed_fit(),
            options=[(v.title, v.id) for v in c.vignettes],
            description="Vignette",
        )
        self.scene = html()
        self.responses: dict[str, widgets.Textarea] = {}
        self.feedbacks: dict[str, widgets.HTML] = {}
        boxes = []
        for kind in OARS:
            text = c.kinds[kind]
            self.responses[kind] = widgets.Textarea(
                description=text.label,
                placeholder=text.prompt,
                rows=2,
                layout=fixed_wide(),
                continuous_update=False,  # whole text synced before a click (see reflection.py)
            )
            self.responses[kind].add_class("mi-response")
            self.feedbacks[kind] = html()
            boxes += [self.responses[kind], self.feedbacks[kind]]
        self.check = widgets.Button(
            layout=fixed_fit(),
            description="Check my responses",
            tooltip="Code each response you wrote and explain what it reads as",
            button_style="primary",
        )
        self.reveal = widgets.Button(
            layout=fixed_fit(),
            description="Show example responses",
            tooltip="See one example of each kind for this vignette",
        )
        self.check_note = html()
        self.examples = html()
        self.classify_progress = html()
        self.classify_item = html()
        self.classify_choice = widgets.Dropdown(
            layout=fixed_fit(),
            options=[("choose a label", "")] + [(c.class_label(k), k) for k in CLASSES],
            description="This response is",
        )
        self.classify_check = widgets.Button(
            layout=fixed_fit(), description="Check label", tooltip="Check the label you chose"
        )
        self.classify_next = widgets.Button(
            layout=fixed_fit(), description="Next example", tooltip="Another example"
        )
        self.classify_feedback = html()
        self.status = html()
        super().__init__(
            [
                stylesheet(),
                html("<h3>Write one response of each kind</h3>"),
                self.vignette,
                self.scene,
                *boxes,
                widgets.HBox([self.check, self.reveal]),
                self.check_note,
                self.examples,
                html(f'<p class="mi-anchors">{esc(c.feedback["caveat"])}</p>'),
                html("<h3>Quick classify</h3>"),
                self.classify_progress,
                self.classify_item,
                self.classify_choice,
                widgets.HBox([self.classify_check, self.classify_next]),
                self.classify_feedback,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("mi-widget")
        self.add_class("mi-oars-practice")
        self._restoring = False
        self.restore(state or OarsState())
        self.vignette.observe(self._on_vignette, names="value")
        self.check.on_click(self._on_check)
        self.reveal.on_click(self._on_reveal)
        self.classify_check.on_click(self._on_classify_check)
        self.classify_next.on_click(self._on_classify_next)

    # ------------------------------------------------------------ public

    @property
    def current(self) -> Vignette:
        return self.content.vignette(self.value.vignette_id) or self.content.vignettes[0]

    def restore(self, state: OarsState) -> None:
        """Show ``state``: the vignette with your latest responses and their feedback."""
        self._restoring = True
        try:
            self.value = state
            if self.content.vignette(state.vignette_id) is None:
                self.value = state.show(self.content.vignettes[0].id)
            last = len(self.content.classify) - 1
            if self.value.classify_position > last:
                self.value = self.value.move_classify_to(last)
            self.vignette.value = self.current.id
        finally:
            self._restoring = False
        self.status.value = ""
        self._show_vignette()
        self._render_classify()

    # ------------------------------------------------------------ writing

    @surface_errors("status")
    def _on_vignette(self, change: dict) -> None:
        if self._restoring:
            return
        self.value = self.value.show(change["new"])
        self._show_vignette()

    @surface_errors("status")
    def _on_check(self, _button: widgets.Button) -> None:
        f = self.content.feedback
        if not any(box.value.strip() for box in self.responses.values()):
            self.check_note.value = message_html(f["all_blank"], kind="warning")
            return
        self.check_note.value = ""
        state = self.value
        now = self._clock() if self._clock else None
        for kind in OARS:
            found = self._check_one(kind)
            if found is None:
                self.feedbacks[kind].value = message_html(f["blank"])
                continue
            if not found.checked:
                self.feedbacks[kind].value = message_html(found.notes[0].text, kind="warning")
                continue
            latest = state.latest(self.current.id, kind)
            if latest is None or latest.text != found.text:
                state = state.record(self.current.id, found, now)
            self._show_feedback(found)
        self.value = state
        self._render_reveal()

    @surface_errors("status")
    def _on_reveal(self, _button: widgets.Button) -> None:
        self.value = self.value.reveal(self.current.id)
        self._render_reveal()

    def _check_one(self, kind: str) -> OarsFeedback | None:
        raw = self.responses[kind].value
        if not raw.strip():
            return None
        return check_response(kind, raw, self.current, self.content, self.reflection)

    def _show_vignette(self) -> None:
        v = self.current
        points = "".join(f"<li>“{esc(p.said)}”</li>" for p in v.points)
        self.scene.value = (
            f"<p>{esc(v.setting)}</p><p>Earlier in the conversation they told you:</p>"
            f"<ul>{points}</ul><p>Now they say:</p>{client_html(v.client)}"
        )
        for kind in OARS:
            latest = self.value.latest(v.id, kind)
            self.responses[kind].value = latest.text if latest else ""
            found = self._check_one(kind) if latest else None
            if found is not None and found.checked:
                self._show_feedback(found)
            else:
                self.feedbacks[kind].value = ""
        self.check_note.value = ""
        self._render_reveal()

    def _show_feedback(self, found: OarsFeedback) -> None:
        label = esc(self.content.kinds[found.kind].label)
        self.feedbacks[found.kind].value = feedback_html(
            f"Feedback on your {label.lower()}:", found.notes, self.reflection.feedback
        )

    def _render_reveal(self) -> None:
        v = self.current
        tried = any(a.vignette_id == v.id for a in self.value.attempts)
        shown = v.id in self.value.revealed
        self.reveal.disabled = not tried or shown
        if not shown:
            self.examples.value = (
                ""
                if tried
                else '<p class="mi-anchors">Example responses can be shown after you have '
                "checked at least one response for this vignette.</p>"
            )
            return
        items = "".join(
            f"<li><strong>{esc(self.content.kinds[k].label)}:</strong> {esc(v.examples[k])}</li>"
            for k in OARS
        )
        self.examples.value = (
            '<div class="mi-follow-up" role="status" aria-live="polite">'
            f"<p>Example responses (one way each; yours can differ and still be good):</p>"
            f"<ul>{items}</ul></div>"
        )

    # ------------------------------------------------------------ quick classify

    @surface_errors("status")
    def _on_classify_check(self, _button: widgets.Button) -> None:
        item = self.content.classify[self.value.classify_position]
        chosen = self.classify_choice.value
        if chosen not in CLASSES:
            self.classify_feedback.value = message_html(
                self.content.feedback["classify_choose"], kind="warning"
            )
            return
        self.value = self.value.classify(ClassifyAnswer(item.id, chosen, item.answer))
        self._render_classify()

    @surface_errors("status")
    def _on_classify_next(self, _button: widgets.Button) -> None:
        position = self.value.classify_position + 1
        wrapped = position >= len(self.content.classify)
        self.value = self.value.move_classify_to(0 if wrapped else position)
        self._render_classify()
        if wrapped:
            self.classify_feedback.value = message_html(self.content.feedback["classify_done"])

    def _render_classify(self) -> None:
        items = self.content.classify
        item = items[self.value.classify_position]
        answer = self.value.classify_answer_for(item.id)
        self.classify_choice.value = answer.chosen if answer else ""
        self.classify_check.disabled = answer is not None
        right, total = self.value.classify_score
        score = fill(self.content.feedback["classify_score"], right=right, total=total)
        self.classify_progress.value = (
            f'<p class="mi-anchors">Example {self.value.classify_position + 1} of '
            f"{len(items)} · {esc(score)}</p>"
        )
        self.classify_item.value = client_html(item.client) + client_html(
            item.response, "Practitioner"
        )
        if answer is None:
            self.classify_feedback.value = ""
            return
        result = check_classify(self.content, item, answer.chosen)
        lines = "".join(f"<li>{esc(line)}</li>" for line in result.lines)
        self.classify_feedback.value = (
            f'<div class="mi-follow-up" role="status" aria-live="polite"><ul>{lines}</ul></div>'
        )
