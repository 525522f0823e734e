"""ChangePlan: collaborative goal setting — a goal tied to a value, small steps with a
confidence rating each, past successes, a plan for slips, and a one-page export."""

from __future__ import annotations

import base64

import ipywidgets as widgets
import traitlets
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import TextStyle

from mi_toolkit.core.change_plan import (
    MAX_STEPS,
    SELF,
    ChangePlanState,
    PlanContent,
    check_plan,
    load_plan_content,
    plan_html,
    plan_markdown,
    step_follow_ups,
)
from mi_toolkit.widgets._common import (
    client_html,
    esc,
    fixed_fit,
    fixed_layout,
    fixed_style,
    fixed_wide,
    html,
    message_html,
    stylesheet,
    surface_errors,
)
from mi_toolkit.widgets.common_ground import notes_html

__all__ = ["ChangePlan"]

_TEXT_FIELDS = ("goal", "value_why", "successes", "if_slips")


class ChangePlan(widgets.VBox):
    """Make a change plan with a case client, or for a change of your own.

    Write the goal as the person would say it and choose the value it serves; add
    up to four small steps, each with a confidence rating (0-10) that brings up the
    ruler's follow-up questions; note past successes and what to do if a step
    slips. **Check my plan** gives suggestions; **Prepare my one-page plan** makes
    HTML and Markdown downloads.

    Example::

        plan = ChangePlan()
        plan.goal.value = "I want to walk to the shops"
        plan.step_texts[0].value = "Walk to the corner shop on Monday morning"
        plan.step_confidence[0].value = 8
        plan.check.click()
        plan.value.to_dict()             # plain JSON, kind "change_plan"
    """

    value = traitlets.Instance(ChangePlanState)

    def __init__(
        self,
        *,
        content: PlanContent | None = None,
        state: ChangePlanState | None = None,
        **kwargs,
    ) -> None:
        self.content = content or load_plan_content()
        c = self.content
        self.whose = widgets.Dropdown(
            layout=fixed_fit(),
            options=[("My own change (self-practice)", SELF)] + [(k.name, k.id) for k in c.cases],
            description="Whose plan",
        )
        self.client = html()

        def text(description: str, placeholder: str, area: bool = False) -> widgets.Widget:
            kind = widgets.Textarea if area else widgets.Text
            return kind(
                description=description,
                placeholder=placeholder,
                continuous_update=False,
                layout=fixed_wide(),
                style=fixed_style(TextStyle),
            )

        self.goal = text("Goal", "in the person's own words: I want to ...")
        self.value_choice = widgets.Dropdown(
            layout=fixed_fit(),
            options=[("choose a value", "")] + [(v, v) for v in c.values],
            description="Value it serves",
        )
        self.value_why = text("Why it matters", "how the goal serves this value")
        self.step_texts = [
            text(f"Step {i + 1}", "small and concrete: what, when, where") for i in range(MAX_STEPS)
        ]
        self.step_confidence = [
            widgets.Dropdown(
                layout=fixed_fit(),
                options=[("choose 0 to 10", "")] + [(str(n), n) for n in range(11)],
                description=f"Confidence in step {i + 1}",
                style=fixed_style(DescriptionStyle),
            )
            for i in range(MAX_STEPS)
        ]
        self.step_follow_ups = [html() for _ in range(MAX_STEPS)]
        self.successes = text("Past successes", "changes managed before, and what helped", True)
        self.if_slips = text("If a step slips", "what to do then, and who can help", True)
        self.check = widgets.Button(
            layout=fixed_fit(),
            description="Check my plan",
            tooltip="Suggestions on each part of the plan",
            button_style="primary",
        )
        self.feedback = html()
        self.prepare = widgets.Button(
            layout=fixed_fit(),
            description="Prepare my one-page plan",
            tooltip="Make HTML and Markdown downloads of this plan",
        )
        self.downloads = html()
        self.status = html()
        steps = [
            widgets.VBox(
                [self.step_texts[i], self.step_confidence[i], self.step_follow_ups[i]],
                layout=fixed_layout(),
            )
            for i in range(MAX_STEPS)
        ]
        super().__init__(
            [
                stylesheet(),
                self.whose,
                self.client,
                html("<h3>1. The goal, and why it matters</h3>"),
                self.goal,
                self.value_choice,
                self.value_why,
                html("<h3>2. Small steps, with confidence in each (0-10)</h3>"),
                *steps,
                html("<h3>3. Past successes and a plan for slips</h3>"),
                self.successes,
                self.if_slips,
                widgets.HBox([self.check, self.prepare]),
                self.feedback,
                self.downloads,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("mi-widget")
        self.add_class("mi-change-plan")
        self._restoring = False
        self.restore(state or ChangePlanState())
        self.whose.observe(self._on_whose, names="value")
        self.value_choice.observe(self._on_value, names="value")
        for name in _TEXT_FIELDS:
            getattr(self, name).observe(self._on_text, names="value")
        for w in self.step_texts + self.step_confidence:
            w.observe(self._on_step, names="value")
        self.check.on_click(self._on_check)
        self.prepare.on_click(self._on_prepare)

    # ------------------------------------------------------------ public

    def restore(self, state: ChangePlanState) -> None:
        """Show ``state`` (for example, saved work after a page reload)."""
        if state.case_id != SELF and self.content.case(state.case_id) is None:
            state = state.edit(case_id=SELF)
        self._restoring = True
        try:
            self.value = state
            self.whose.value = state.case_id
            self.value_choice.value = state.value if state.value in self.content.values else ""
            for name in _TEXT_FIELDS:
                getattr(self, name).value = getattr(state, name)
            for i in range(MAX_STEPS):
                step = state.steps[i] if i < len(state.steps) else None
                self.step_texts[i].value = step.text if step else ""
                conf = step.confidence if step else None
                self.step_confidence[i].value = "" if conf is None else conf
        finally:
            self._restoring = False
        self.feedback.value = ""
        self.downloads.value = ""
        self.status.value = ""
        self._render_client()
        for i in range(MAX_STEPS):
            self._render_follow_up(i)

    # ------------------------------------------------------------ handlers

    @surface_errors("status")
    def _on_whose(self, change: dict) -> None:
        if not self._restoring:
            self.value = self.value.edit(case_id=change["new"])
            self._render_client()

    @surface_errors("status")
    def _on_value(self, change: dict) -> None:
        if not self._restoring:
            self.value = self.value.edit(value=change["new"])

    @surface_errors("status")
    def _on_text(self, change: dict) -> None:
        if self._restoring:
            return
        name = next(n for n in _TEXT_FIELDS if getattr(self, n) is change["owner"])
        self.value = self.value.edit(**{name: change["new"]})
        kept = getattr(self.value, name)
        if len(kept) < len(" ".join(str(change["new"]).split())):
            self.status.value = message_html(
                f"That was long, so the first {len(kept)} characters are kept in your plan.",
                kind="warning",
            )

    @surface_errors("status")
    def _on_step(self, change: dict) -> None:
        if self._restoring:
            return
        owner = change["owner"]
        i = (self.step_texts + self.step_confidence).index(owner) % MAX_STEPS
        self.value = self.value.set_step(i, self.step_texts[i].value, self.step_confidence[i].value)
        self._render_follow_up(i)

    @surface_errors("status")
    def _on_check(self, _button: widgets.Button) -> None:
        self.feedback.value = notes_html("Your plan", check_plan(self.content, self.value))

    @surface_errors("status")
    def _on_prepare(self, _button: widgets.Button) -> None:
        files = [
            ("One-page plan (HTML, to print)", "my-change-plan.html", "text/html", plan_html),
            ("Markdown", "my-change-plan.md", "text/markdown", plan_markdown),
        ]
        links = "".join(
            f'<li><a download="{name}" href="data:{mime};charset=utf-8;base64,'
            f"{base64.b64encode(make(self.value, self.content).encode('utf-8')).decode('ascii')}"
            f'">{esc(label)}</a></li>'
            for label, name, mime, make in files
        )
        self.downloads.value = f'<p role="status">Your plan is ready:</p><ul>{links}</ul>'

    # ------------------------------------------------------------ rendering

    def _render_client(self) -> None:
        case = self.content.case(self.value.case_id)
        if case is None:
            self.client.value = (
                "<p>Plan a change of your own. Write the goal the way you would say it.</p>"
            )
            return
        quotes = "".join(client_html(q, case.name.split(",")[0]) for q in case.says)
        self.client.value = (
            f"<p><strong>{esc(case.name)}.</strong> {esc(case.situation)}</p>{quotes}"
            "<p>Write the plan in their words, as you would agree it together.</p>"
        )

    def _render_follow_up(self, i: int) -> None:
        step = self.value.steps[i] if i < len(self.value.steps) else None
        questions = step_follow_ups(step) if step and step.text else []
        if not questions:
            self.step_follow_ups[i].value = ""
            return
        items = "".join(f"<li>{esc(q)}</li>" for q in questions)
        self.step_follow_ups[i].value = (
            f'<div class="mi-follow-up" role="status" aria-live="polite">'
            f"<p>Confidence {step.confidence} in step {i + 1}: questions to ask next</p>"
            f"<ul>{items}</ul></div>"
        )
