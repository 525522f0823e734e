"""DiscrepancyWorksheet: values, the actions that bear on them, how well they fit, a
chart of the gaps, questions that develop discrepancy, and a whose-goal check."""

from __future__ import annotations

import base64

import ipywidgets as widgets
import traitlets

from mi_toolkit.core.discrepancy import (
    FITS,
    OWNERS,
    SELF,
    DiscrepancyContent,
    WorksheetState,
    describe_fits,
    gaps,
    load_discrepancy,
    parse_items,
    prompts_for,
)
from mi_toolkit.widgets._common import (
    client_html,
    esc,
    fit,
    html,
    message_html,
    stylesheet,
    surface_errors,
)

__all__ = ["DiscrepancyWorksheet"]

_WIDE = {"description_width": "initial"}


class DiscrepancyWorksheet(widgets.VBox):
    """List values (or goals) and current actions, rate how each action fits each value,
    and see the gaps; questions to think about follow, without judgement.

    **Work on** chooses yourself (self-practice) or a case client (practice as a
    practitioner); each has its own sheet. Pass ``values_from=`` a
    :class:`~mi_toolkit.widgets.values.ValuesCardSort` to bring in its top values.

    The chart of the gaps is drawn once the learner rates an action or presses
    **Show the chart** (matplotlib loads then); choosing a case or restoring saved
    work shows the table of gaps without drawing.

    Example::

        sheet = DiscrepancyWorksheet()
        sheet.values_box.value = "health"
        sheet.actions_box.value = "late nights"
        sheet.fit_boxes[0].value = -2          # late nights works against health
        sheet.prompts.value                    # "How does late nights fit with health, ..."
        sheet.value.to_dict()                  # plain JSON, kind "discrepancy_worksheet"
    """

    value = traitlets.Instance(WorksheetState)

    def __init__(
        self,
        *,
        content: DiscrepancyContent | None = None,
        state: WorksheetState | None = None,
        values_from: widgets.Widget | None = None,
        **kwargs,
    ) -> None:
        self.content = content or load_discrepancy()
        self.values_from = values_from
        c = self.content
        self.mode = widgets.Dropdown(
            layout=fit(),
            options=[("myself (self-practice)", SELF)]
            + [(f"case client: {case.name}", case.id) for case in c.cases],
            description="Work on",
        )
        self.case_info = html()
        self.from_sort = html()
        self.use_top = widgets.Button(
            layout=fit(),
            description="Add my top values from the card sort",
            tooltip="Add the values you ranked highest in the card sort to this list",
        )
        self.values_box = widgets.Textarea(
            description="Values or goals (one a line)",
            rows=4,
            continuous_update=False,
            style=_WIDE,
            layout=widgets.Layout(width="95%"),
        )
        self.actions_box = widgets.Textarea(
            description="Current actions (one a line)",
            rows=4,
            continuous_update=False,
            style=_WIDE,
            layout=widgets.Layout(width="95%"),
        )
        self.list_note = html()
        self.owner_boxes: list[widgets.Dropdown] = []
        self.owners = widgets.VBox()
        self.owner_feedback = html()
        self.rate_value = widgets.Dropdown(
            layout=fit(), options=[("list a value first", "")], description="Rate actions for"
        )
        self.fit_boxes: list[widgets.Dropdown] = []
        self.fits = widgets.VBox()
        self.prompts = html()
        self.chart = html()
        self.chart.add_class("mi-chart")
        self.show_chart = widgets.Button(
            layout=fit(),
            description="Show the chart",
            tooltip="Draw the chart of how each action fits each value",
        )
        self._charted = False
        self.notes = widgets.Textarea(
            description="What do you notice?",
            rows=4,
            continuous_update=False,
            style=_WIDE,
            layout=widgets.Layout(width="95%"),
        )
        self.status = html()
        if values_from is None:
            self.use_top.layout.display = "none"
        super().__init__(
            [
                stylesheet(),
                self.mode,
                self.case_info,
                html("<h3>1. Values and actions</h3>"),
                self.from_sort,
                self.use_top,
                self.values_box,
                self.actions_box,
                self.list_note,
                html("<h3>2. Whose goal is it?</h3>"),
                self.owners,
                self.owner_feedback,
                html("<h3>3. How well does each action fit?</h3>"),
                self.rate_value,
                self.fits,
                self.prompts,
                self.show_chart,
                self.chart,
                html("<h3>4. What do you notice?</h3>"),
                self.notes,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("mi-widget")
        self.add_class("mi-discrepancy-worksheet")
        self._restoring = False
        self._last_top: tuple[str, ...] = ()
        self.restore(state or WorksheetState())
        self.mode.observe(self._on_mode, names="value")
        self.values_box.observe(self._on_values, names="value")
        self.actions_box.observe(self._on_actions, names="value")
        self.rate_value.observe(self._on_rate_value, names="value")
        self.notes.observe(self._on_notes, names="value")
        self.use_top.on_click(self._on_use_top)
        self.show_chart.on_click(self._on_show_chart)
        if values_from is not None:
            values_from.observe(self._on_sort, names="value")

    # ------------------------------------------------------------ public

    def restore(self, state: WorksheetState) -> None:
        """Show ``state`` (for example, saved work after a page reload)."""
        if state.mode != SELF and self.content.case(state.mode) is None:
            state = state.switch(SELF)
        self.value = state
        self.status.value = self.list_note.value = self.owner_feedback.value = ""
        self._offer_top(fill_empty=True)
        self._render()

    # ------------------------------------------------------------ handlers

    @surface_errors("status")
    def _on_mode(self, change: dict) -> None:
        if self._restoring:
            return
        self.value = self.value.switch(change["new"], self.content)
        self.list_note.value = self.owner_feedback.value = ""
        self._render()

    @surface_errors("status")
    def _on_values(self, change: dict) -> None:
        self._on_list(change["new"], "values")

    @surface_errors("status")
    def _on_actions(self, change: dict) -> None:
        self._on_list(change["new"], "actions")

    def _on_list(self, raw: str, which: str) -> None:
        if self._restoring:
            return
        try:
            _, note = parse_items(raw)
        except ValueError as exc:
            self.list_note.value = message_html(
                f"Not saved: {exc}. Your {which} list is unchanged.", kind="warning"
            )
            return
        setter = self.value.set_values if which == "values" else self.value.set_actions
        self.value = setter(raw)
        self._render()
        self.list_note.value = message_html(f"Note: {note}.", kind="warning") if note else ""

    @surface_errors("status")
    def _on_owner(self, value: str, owner: str) -> None:
        self.value = self.value.set_owner(value, owner or None)
        self._render_prompts()
        case = self.content.case(self.value.mode)
        truth = next((v for v in case.values if v.text == value), None) if case else None
        if truth is None or not owner:
            self.owner_feedback.value = ""
            return
        verdict = (
            "That fits their words:" if owner == truth.owner else "Listen again to their words:"
        )
        self.owner_feedback.value = (
            '<div class="mi-follow-up" role="status" aria-live="polite">'
            f"<p><strong>{esc(value)}</strong>: {esc(verdict)} {esc(truth.cue)}</p></div>"
        )

    @surface_errors("status")
    def _on_rate_value(self, change: dict) -> None:
        if not self._restoring:
            self._render_fits()

    @surface_errors("status")
    def _on_fit(self, action: str, fit_value: int | str) -> None:
        value = self.rate_value.value
        if not value:
            return
        self.value = self.value.rate(value, action, None if fit_value == "" else fit_value)
        self._charted = True
        self._render_prompts()
        self._render_chart()

    @surface_errors("status")
    def _on_show_chart(self, _button: widgets.Button) -> None:
        self._charted = True
        self._render_chart()

    @surface_errors("status")
    def _on_notes(self, change: dict) -> None:
        if self._restoring:
            return
        try:
            self.value = self.value.write_notes(change["new"])
        except ValueError as exc:
            self.status.value = message_html(
                f"Not saved: {exc}. Shorten it and click outside the box; "
                "your earlier note is kept.",
                kind="warning",
            )
            return
        self.status.value = ""

    @surface_errors("status")
    def _on_use_top(self, _button: widgets.Button) -> None:
        self.value = self.value.add_values(self._top())
        self._render()

    @surface_errors("status")
    def _on_sort(self, _change: dict) -> None:
        if self._top() == self._last_top:
            return
        self._offer_top(fill_empty=True)
        if self.value.mode == SELF:
            self._render()

    # ------------------------------------------------------------ card sort

    def _top(self) -> tuple[str, ...]:
        return tuple(getattr(self.values_from, "top_values", ())) if self.values_from else ()

    def _offer_top(self, *, fill_empty: bool) -> None:
        top = self._last_top = self._top()
        if self.values_from is None:
            return
        if not top:
            self.from_sort.value = (
                "<p>Rank values in the card sort above and your top ones can be added here.</p>"
            )
            self.use_top.disabled = True
            return
        self.from_sort.value = f"<p>Your top values from the card sort: {esc(', '.join(top))}.</p>"
        own = self.value.sheets.get(SELF)
        if fill_empty and (own is None or not own.values):
            mode = self.value.mode
            self.value = self.value.switch(SELF).add_values(top).switch(mode, self.content)
        self.use_top.disabled = self.value.mode != SELF

    # ------------------------------------------------------------ rendering

    def _render(self) -> None:
        state, sheet = self.value, self.value.sheet
        case = self.content.case(state.mode)
        self._restoring = True
        try:
            self.mode.value = state.mode
            self.values_box.value = "\n".join(sheet.values)
            self.actions_box.value = "\n".join(sheet.actions)
            self.notes.value = sheet.notes
            keep = self.rate_value.value
            self.rate_value.options = [(v, v) for v in sheet.values] or [("list a value first", "")]
            self.rate_value.value = keep if keep in sheet.values else self.rate_value.options[0][1]
        finally:
            self._restoring = False
        self.use_top.disabled = state.mode != SELF or not self._top()
        self.case_info.value = "" if case is None else self._case_html(case)
        self._render_owners(case is not None)
        self._render_fits()

    def _case_html(self, case) -> str:
        quotes = "".join(client_html(q, case.name) for q in case.quotes)
        return (
            f'<div class="mi-question"><p>{esc(case.about)}</p>{quotes}'
            "<p>Work the sheet as you hear this client: their values, their actions, "
            "and how the two fit <em>for them</em>. The questions below are ones you "
            f"might ask. <strong>Listen for:</strong> {esc(case.listen_for)}</p></div>"
        )

    def _render_owners(self, is_case: bool) -> None:
        sheet = self.value.sheet
        old = self.owner_boxes
        self.owner_boxes = []
        for value in sheet.values:
            options = [("choose", "")] + [
                (getattr(self.content.owners[o], "case_label" if is_case else "label"), o)
                for o in OWNERS
            ]
            box = widgets.Dropdown(
                options=options,
                value=sheet.owners.get(value, ""),
                description=f"Whose goal is “{value}”?",
                style=_WIDE,
                layout=fit(),
            )
            box.observe(lambda ch, v=value: self._on_owner(v, ch["new"]), names="value")
            self.owner_boxes.append(box)
        if not self.owner_boxes:
            self.owners.children = (html("<p>List a value or goal first.</p>"),)
        else:
            self.owners.children = tuple(self.owner_boxes)
        for box in old:
            box.close()

    def _render_fits(self) -> None:
        sheet, value = self.value.sheet, self.rate_value.value
        old = self.fit_boxes
        self.fit_boxes = []
        labels = self.content.fit_labels
        for action in sheet.actions if value else ():
            current = sheet.fit(value, action)
            box = widgets.Dropdown(
                options=[("not rated", "")]
                + [(f"{'+' if f > 0 else ''}{f}: {labels[f]}", f) for f in FITS],
                value="" if current is None else current,
                description=action,
                style=_WIDE,
                layout=fit(),
            )
            box.observe(lambda ch, a=action: self._on_fit(a, ch["new"]), names="value")
            self.fit_boxes.append(box)
        if self.fit_boxes:
            self.fits.children = tuple(self.fit_boxes)
        else:
            self.fits.children = (html("<p>List at least one value and one current action.</p>"),)
        for box in old:
            box.close()
        self._render_prompts()
        self._render_chart()

    def _render_prompts(self) -> None:
        value = self.rate_value.value
        if not value or not self.value.sheet.actions:
            self.prompts.value = ""
            return
        items = "".join(
            f"<li>{esc(q)}</li>" for q in prompts_for(self.content, self.value.sheet, value)
        )
        self.prompts.value = (
            '<div class="mi-follow-up" role="status" aria-live="polite">'
            f"<p>Questions to think about for <strong>{esc(value)}</strong>:</p>"
            f"<ul>{items}</ul></div>"
        )

    def _render_chart(self) -> None:
        sheet = self.value.sheet
        ready = bool(sheet.values and sheet.actions)
        self.show_chart.layout.display = None if ready and not self._charted else "none"
        if not ready:
            self.chart.value = ""
            return
        labels = self.content.fit_labels
        rows = "".join(
            f"<tr><td>{esc(a)}</td><td>{esc(v)}</td><td>{f}: {esc(labels[f])}</td></tr>"
            for v, a, f in gaps(sheet)
        )
        table = (
            '<table class="mi-history"><caption>The gaps</caption><thead><tr>'
            '<th scope="col">Action</th><th scope="col">Value</th><th scope="col">Fit</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>"
            if rows
            else "<p>No action is rated as working against a value yet.</p>"
        )
        if not self._charted:  # drawn on the first rating or on request, not on page load
            self.chart.value = table
            return
        from mi_toolkit.discrepancy_plots import fit_png

        png = base64.b64encode(fit_png(sheet)).decode("ascii")
        self.chart.value = (
            f'<figure><img src="data:image/png;base64,{png}" '
            f'alt="{esc(describe_fits(self.content, sheet))}">'
            "<figcaption>Rows: actions. Columns: values. Orange cells (negative numbers) "
            "work against a value; blue cells (positive numbers) fit it.</figcaption></figure>"
            + table
        )
