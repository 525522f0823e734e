"""CommonGround: parties with conflicting goals — reflect each side, find the shared
objectives, chart the overlap, and draft a shared vision."""

from __future__ import annotations

import base64
from collections.abc import Sequence

import ipywidgets as widgets
import traitlets

from mi_toolkit.core.common_ground import (
    MAX_PARTIES,
    OWN,
    Case,
    CommonGroundContent,
    CommonGroundState,
    Note,
    case_for,
    check_reflection,
    check_shared,
    check_vision,
    describe_overlap,
    load_cases,
)
from mi_toolkit.widgets._common import (
    esc,
    fit,
    html,
    message_html,
    stylesheet,
    surface_errors,
    wide,
)

__all__ = ["CommonGround", "notes_html"]

MAX_OBJECTIVES = MAX_PARTIES * 8
_TONE = {"good": "Well done", "suggest": "Suggestion", "info": "Note"}


class CommonGround(widgets.VBox):
    """Work with two to five parties whose goals conflict.

    Choose a case (a family, a workplace team, a couple, a project) or describe
    your own situation; reflect each party's position (**Check my reflections**
    codes each one and says what it does, as suggestions); tick the objectives
    every party holds (**Check shared objectives** draws the overlap chart); then
    draft a shared vision and **Check my vision**.

    The chart is drawn only when asked for (matplotlib loads then, a second or
    more on a busy server), never while the page is built or restored.

    Example::

        cg = CommonGround()
        cg.case.value = "family"
        cg.reflections[0].value = "You're worried his marks are slipping."
        cg.check_reflections.click()
        cg.objectives[0].value = True
        cg.check_shared.click()
        cg.value.to_dict()              # plain JSON, kind "common_ground"
    """

    value = traitlets.Instance(CommonGroundState)

    def __init__(
        self,
        *,
        content: CommonGroundContent | None = None,
        state: CommonGroundState | None = None,
        **kwargs,
    ) -> None:
        self.content = content or load_cases()
        self.case = widgets.Dropdown(
            layout=fit(),
            options=[(c.title, c.id) for c in self.content.cases] + [("Your own situation", OWN)],
            description="Situation",
        )
        self.setting = html()
        # The own-situation boxes and the objective tick boxes are made when first
        # needed: a page showing a prepared case does not carry 10 hidden text boxes
        # and 40 tick boxes (3 widget models each) that it may never use.
        self.party_names: list[widgets.Text] = []
        self.party_goals: list[widgets.Textarea] = []
        self.own_box = widgets.VBox()
        self.parties = html()
        self.reflections = [
            widgets.Textarea(continuous_update=False, layout=wide()) for _ in range(MAX_PARTIES)
        ]
        self.check_reflections = widgets.Button(
            layout=fit(),
            description="Check my reflections",
            tooltip="Code each reflection and suggest what might make it stronger",
            button_style="primary",
        )
        self.reflection_feedback = html()
        self.objectives: list[widgets.Checkbox] = []
        self.objective_list = widgets.VBox()
        self.check_shared = widgets.Button(
            layout=fit(),
            description="Check shared objectives",
            tooltip="See which objectives every party holds, with a chart of the overlap",
        )
        self.shared_feedback = html()
        self.chart = html()
        self.chart.add_class("mi-chart")
        self.vision = widgets.Textarea(
            description="Shared vision",
            placeholder="We all want ...",
            continuous_update=False,
            layout=wide(),
        )
        self.check_vision = widgets.Button(
            layout=fit(),
            description="Check my vision",
            tooltip="Does the vision build on what every party wants?",
        )
        self.vision_feedback = html()
        self.status = html()
        super().__init__(
            [
                stylesheet(),
                self.case,
                self.setting,
                self.own_box,
                self.parties,
                html("<h3>1. Reflect each party's position</h3>"),
                *self.reflections,
                self.check_reflections,
                self.reflection_feedback,
                html("<h3>2. Mark the objectives every party holds</h3>"),
                self.objective_list,
                self.check_shared,
                self.shared_feedback,
                self.chart,
                html("<h3>3. Draft a shared vision</h3>"),
                self.vision,
                self.check_vision,
                self.vision_feedback,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("mi-widget")
        self.add_class("mi-common-ground")
        self._restoring = False
        self.restore(state or CommonGroundState())
        self.case.observe(self._on_case, names="value")
        for w in self.reflections:
            w.observe(self._on_reflection, names="value")
        self.vision.observe(self._on_vision, names="value")
        self.check_reflections.on_click(self._on_check_reflections)
        self.check_shared.on_click(self._on_check_shared)
        self.check_vision.on_click(self._on_check_vision)

    # ------------------------------------------------------------ public

    def restore(self, state: CommonGroundState) -> None:
        """Show ``state``: its situation, with the work saved for it."""
        ids = {c.id for c in self.content.cases} | {OWN}
        if state.case_id not in ids:
            state = state.choose_case(self.content.cases[0].id)
        self._restoring = True
        try:
            self.value = state
            self.case.value = state.case_id
            if self.party_names or state.own_parties or state.case_id == OWN:
                self._make_own_boxes()
            for i in range(len(self.party_names)):
                own = state.own_parties[i] if i < len(state.own_parties) else None
                self.party_names[i].value = own.name if own else ""
                self.party_goals[i].value = "\n".join(own.goals) if own else ""
        finally:
            self._restoring = False
        self.status.value = ""
        self._render_case()

    @property
    def current_case(self) -> Case:
        return case_for(self.content, self.value)

    # ------------------------------------------------------------ parts made on demand

    def _make_own_boxes(self) -> None:
        if self.party_names:
            return
        for i in range(MAX_PARTIES):
            name = widgets.Text(
                description=f"Party {i + 1}",
                placeholder="a name or role",
                continuous_update=False,
                layout=wide(),
            )
            goals = widgets.Textarea(
                description=f"Goals of party {i + 1}",
                placeholder="what they want, one goal per line",
                continuous_update=False,
                layout=wide(),
            )
            name.observe(self._on_party, names="value")
            goals.observe(self._on_party, names="value")
            self.party_names.append(name)
            self.party_goals.append(goals)
        self.own_box.children = (
            html(
                "<p>Describe two to five parties. Write a goal the same way for two "
                "parties and it counts as held by both.</p>"
            ),
            *[w for pair in zip(self.party_names, self.party_goals, strict=True) for w in pair],
        )

    def _make_objective_boxes(self, count: int) -> None:
        count = min(count, MAX_OBJECTIVES)
        if len(self.objectives) >= count:
            return
        while len(self.objectives) < count:
            box = widgets.Checkbox(indent=False, layout=wide())
            box.observe(self._on_objective, names="value")
            self.objectives.append(box)
        self.objective_list.children = tuple(self.objectives)

    # ------------------------------------------------------------ handlers

    @surface_errors("status")
    def _on_case(self, change: dict) -> None:
        if self._restoring:
            return
        self.value = self.value.choose_case(change["new"])
        self._render_case()

    @surface_errors("status")
    def _on_party(self, change: dict) -> None:
        if self._restoring:
            return
        owner = change["owner"]
        i = (self.party_names + self.party_goals).index(owner) % MAX_PARTIES
        self.value = self.value.set_party(i, self.party_names[i].value, self.party_goals[i].value)
        self._render_case()

    @surface_errors("status")
    def _on_reflection(self, change: dict) -> None:
        if self._restoring:
            return
        i = self.reflections.index(change["owner"])
        parties = self.current_case.parties
        if i < len(parties):
            self.value = self.value.reflect(parties[i].id, change["new"])

    @surface_errors("status")
    def _on_objective(self, change: dict) -> None:
        if self._restoring:
            return
        objectives = self.current_case.objectives
        marked = [o.id for o, box in zip(objectives, self.objectives, strict=False) if box.value]
        self.value = self.value.mark_shared(marked)

    @surface_errors("status")
    def _on_vision(self, change: dict) -> None:
        if not self._restoring:
            self.value = self.value.write_vision(change["new"])

    @surface_errors("status")
    def _on_check_reflections(self, _button: widgets.Button) -> None:
        case = self.current_case
        if len(case.parties) < 2:
            self.reflection_feedback.value = message_html(
                "Describe at least two parties first.", kind="warning"
            )
            return
        self.reflection_feedback.value = "".join(
            notes_html(
                f"Your reflection of {p.name}",
                check_reflection(self.content, case, p, self.value.reflection_for(p.id)),
            )
            for p in case.parties
        )

    @surface_errors("status")
    def _on_check_shared(self, _button: widgets.Button) -> None:
        case = self.current_case
        self.shared_feedback.value = notes_html(
            "Shared objectives", check_shared(self.content, case, self.value.marked)
        )
        self._render_chart()

    @surface_errors("status")
    def _on_check_vision(self, _button: widgets.Button) -> None:
        case = self.current_case
        text = notes_html("Your shared vision", check_vision(self.content, case, self.value.vision))
        if case.vision_example and self.value.vision:
            text += (
                f'<div class="mi-follow-up"><p>One way it could be said (yours may be '
                f"better): “{esc(case.vision_example)}”</p></div>"
            )
        self.vision_feedback.value = text

    # ------------------------------------------------------------ rendering

    def _render_case(self) -> None:
        case = self.current_case
        own = self.value.case_id == OWN
        if own:
            self._make_own_boxes()
        self._make_objective_boxes(len(case.objectives))
        self.own_box.layout.display = None if own else "none"
        self.setting.value = "" if own else f"<p>{esc(case.setting)}</p>"
        self.parties.value = "".join(self._party_html(case, i) for i in range(len(case.parties)))
        self._restoring = True
        try:
            for i, box in enumerate(self.reflections):
                if i < len(case.parties):
                    party = case.parties[i]
                    box.description = f"Reflect {party.name}"
                    box.placeholder = f"a reflection of what {party.name} wants and fears"
                    box.value = self.value.reflection_for(party.id)
                    box.layout.display = None
                else:
                    box.value = ""
                    box.layout.display = "none"
            marked = set(self.value.marked)
            for i, box in enumerate(self.objectives):
                if i < len(case.objectives):
                    box.description = case.objectives[i].text
                    box.value = case.objectives[i].id in marked
                    box.layout.display = None
                else:
                    box.value = False
                    box.layout.display = "none"
            self.vision.value = self.value.vision
        finally:
            self._restoring = False
        self.reflection_feedback.value = ""
        self.shared_feedback.value = ""
        self.vision_feedback.value = ""
        self.chart.value = (
            "<p>Mark the objectives every party holds, then press <strong>Check shared "
            "objectives</strong> to see a chart of who wants what.</p>"
        )

    def _party_html(self, case: Case, i: int) -> str:
        p = case.parties[i]
        goals = "".join(f"<li>{esc(o.text)}</li>" for o in case.goals_of(p.id))
        says = f"<p>“{esc(p.says)}”</p>" if p.says else ""
        worries = "; ".join(esc(c) for c in p.concerns)
        return (
            f'<div class="mi-follow-up"><p><strong>{esc(p.name)}</strong></p>{says}'
            + (f"<p>Worried about: {worries}</p>" if worries else "")
            + f"<p>Wants:</p><ul>{goals or '<li>(no goals yet)</li>'}</ul></div>"
        )

    def _render_chart(self) -> None:
        from mi_toolkit.common_ground_plots import overlap_png

        case = self.current_case
        if len(case.parties) < 2:
            self.chart.value = "<p>The chart appears when there are at least two parties.</p>"
            return
        png = base64.b64encode(overlap_png(case, self.value.marked)).decode("ascii")
        heads = "".join(f'<th scope="col">{esc(p.name)}</th>' for p in case.parties)
        rows = "".join(
            f'<tr><th scope="row">{esc(o.text)}</th>'
            + "".join(f"<td>{'wants' if p.id in o.held_by else '–'}</td>" for p in case.parties)
            + "</tr>"
            for o in case.objectives
        )
        self.chart.value = (
            f'<figure><img src="data:image/png;base64,{png}" alt="{esc(describe_overlap(case))}">'
            "<figcaption>Filled dots: a party's goals. The shaded band: goals every party "
            "holds (common ground). A tick: objectives you marked.</figcaption></figure>"
            '<table class="mi-history"><caption>Who wants what</caption><thead><tr>'
            f'<th scope="col">Objective</th>{heads}</tr></thead><tbody>{rows}</tbody></table>'
        )


def notes_html(head: str, notes: Sequence[Note]) -> str:
    """Feedback notes in a live region; each says in words whether it is praise or a
    suggestion (not by colour alone). All text is escaped."""
    items = "".join(
        f"<li><strong>{_TONE.get(tone, 'Note')}:</strong> {esc(text)}</li>" for tone, text in notes
    )
    return (
        f'<div class="mi-follow-up" role="status" aria-live="polite">'
        f"<p>{esc(head)}</p><ul>{items}</ul></div>"
    )
