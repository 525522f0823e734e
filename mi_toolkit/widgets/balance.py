"""DecisionalBalance: the four cells, with the caveat always on show and the evocative
alternative (the change side only) as the default."""

from __future__ import annotations

import ipywidgets as widgets
import traitlets

from mi_toolkit.core.balance import (
    CELLS,
    SELF,
    BalanceContent,
    BalanceState,
    evocative_questions,
    load_balance_content,
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

__all__ = ["DecisionalBalance"]


class DecisionalBalance(widgets.VBox):
    """Weigh a change: the evocative alternative (open questions on the change side
    only) or the four cells of a decisional balance, with the Miller & Rose (2013)
    caveat always shown.

    Example::

        balance = DecisionalBalance()
        balance.mode.value = "four_cells"
        balance.cells["change_benefits"].value = "More energy"
        balance.summarize.click()
        balance.value.to_dict()          # plain JSON, kind "decisional_balance"
    """

    value = traitlets.Instance(BalanceState)

    def __init__(
        self,
        *,
        content: BalanceContent | None = None,
        state: BalanceState | None = None,
        **kwargs,
    ) -> None:
        self.content = content or load_balance_content()
        c = self.content
        self.caveat = html(
            f'<div class="mi-follow-up" role="note"><p><strong>Caveat:</strong> '
            f"{esc(c.caveat)}</p></div>"
        )
        self.whose = widgets.Dropdown(
            layout=fit(),
            options=[("My own change (self-practice)", SELF)] + [(k.name, k.id) for k in c.cases],
            description="Whose decision",
        )
        self.situation = html()
        self.change = widgets.Text(
            description="The change",
            placeholder="for example: take the new job",
            continuous_update=False,
            layout=wide(),
        )
        self.mode = widgets.ToggleButtons(
            options=[
                ("Change side only (evocative)", "evocative"),
                ("Four cells (neutral)", "four_cells"),
            ],
            tooltips=[
                "Open questions about the reasons for change only",
                "Benefits and costs of changing and of staying the same",
            ],
            description="Approach",
        )
        self.mode_note = html()
        self.questions = html()
        self.answers = widgets.Textarea(
            description="Their reasons",
            placeholder="the reasons for change you heard, in their words",
            continuous_update=False,
            layout=wide(),
        )
        self.cells = {
            cell: widgets.Textarea(
                description=c.cells[cell][0],
                placeholder=c.cells[cell][1],
                continuous_update=False,
                layout=wide(),
            )
            for cell in CELLS
        }
        self.evocative_box = widgets.VBox([self.questions, self.answers])
        self.cells_box = widgets.VBox(list(self.cells.values()))
        self.summarize = widgets.Button(
            layout=fit(), description="Summarise", tooltip="Gather what has been written"
        )
        self.summary = html()
        self.status = html()
        super().__init__(
            [
                stylesheet(),
                self.caveat,
                self.whose,
                self.situation,
                self.change,
                self.mode,
                self.mode_note,
                self.evocative_box,
                self.cells_box,
                self.summarize,
                self.summary,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("mi-widget")
        self.add_class("mi-decisional-balance")
        self._restoring = False
        self.restore(state or BalanceState())
        self.whose.observe(self._on_whose, names="value")
        self.change.observe(self._on_change, names="value")
        self.mode.observe(self._on_mode, names="value")
        self.answers.observe(self._on_answers, names="value")
        for box in self.cells.values():
            box.observe(self._on_cell, names="value")
        self.summarize.on_click(self._on_summarize)

    def restore(self, state: BalanceState) -> None:
        """Show ``state`` (for example, saved work after a page reload)."""
        if state.case_id != SELF and self.content.case(state.case_id) is None:
            state = state.edit(case_id=SELF)
        self._restoring = True
        try:
            self.value = state
            self.whose.value = state.case_id
            self.change.value = state.change
            self.mode.value = state.mode
            self.answers.value = state.answers
            for cell, box in self.cells.items():
                box.value = state.cells.get(cell, "")
        finally:
            self._restoring = False
        self.summary.value = ""
        self.status.value = ""
        self._render()

    @surface_errors("status")
    def _on_whose(self, change: dict) -> None:
        if not self._restoring:
            self.value = self.value.edit(case_id=change["new"])
            self._render()

    @surface_errors("status")
    def _on_change(self, change: dict) -> None:
        if not self._restoring:
            self.value = self.value.edit(change=change["new"])
            self._render()

    @surface_errors("status")
    def _on_mode(self, change: dict) -> None:
        if not self._restoring:
            self.value = self.value.edit(mode=change["new"])
            self._render()

    @surface_errors("status")
    def _on_answers(self, change: dict) -> None:
        if not self._restoring:
            self.value = self.value.edit(answers=change["new"])

    @surface_errors("status")
    def _on_cell(self, change: dict) -> None:
        if self._restoring:
            return
        cell = next(k for k, box in self.cells.items() if box is change["owner"])
        self.value = self.value.write(cell, change["new"])

    @surface_errors("status")
    def _on_summarize(self, _button: widgets.Button) -> None:
        s = self.value
        if s.mode == "evocative":
            text = s.answers or "(nothing written yet)"
            self.summary.value = (
                f'<div class="mi-follow-up" role="status"><p>Reasons for change heard: '
                f"{esc(text)}</p><p>A summary of these, in their words, can lead to a key "
                "question: what, if anything, would you like to do next?</p></div>"
            )
            return
        rows = "".join(
            f'<tr><th scope="row">{esc(self.content.cells[c][0])}</th>'
            f"<td>{esc(s.cells.get(c) or '–')}</td></tr>"
            for c in CELLS
        )
        self.summary.value = (
            '<table class="mi-history"><caption>Your balance</caption><tbody>'
            f"{rows}</tbody></table>"
        )

    def _render(self) -> None:
        case = self.content.case(self.value.case_id)
        self.situation.value = (
            f"<p><strong>{esc(case.name)}.</strong> {esc(case.situation)}</p>" if case else ""
        )
        four = self.value.mode == "four_cells"
        self.cells_box.layout.display = None if four else "none"
        self.evocative_box.layout.display = "none" if four else None
        note = ""
        if four and (case is None or case.ambivalent):
            who = "this person is" if case else "you are"
            note = (
                f"If {who} in two minds about the change, the four cells may lower commitment "
                "(Miller & Rose, 2013): consider the change side only instead."
            )
        self.mode_note.value = message_html(note, kind="warning")
        items = "".join(f"<li>{esc(q)}</li>" for q in evocative_questions(self.content, self.value))
        self.questions.value = f"<p>{esc(self.content.evocative_intro)}</p><ul>{items}</ul>"
