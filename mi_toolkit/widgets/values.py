"""ValuesCardSort: sort the 83 Personal Values Card Sort values into five piles, then
rank the Most important pile."""

from __future__ import annotations

import ipywidgets as widgets
import traitlets

from mi_toolkit.core._practice import fill
from mi_toolkit.core.values import (
    PILES,
    PileFullError,
    ValuesContent,
    ValuesSortState,
    load_values_content,
)
from mi_toolkit.widgets._common import (
    esc,
    fixed_fit,
    html,
    message_html,
    stylesheet,
    surface_errors,
)

__all__ = ["ValuesCardSort"]


class ValuesCardSort(widgets.VBox):
    """Sort value cards into piles (not / somewhat / important / very / most important)
    and rank the Most important pile.

    One card is on show; press a pile's button (Tab to it, Enter or Space, or click)
    and the next unsorted card comes up. **Previous** / **Next** and the **Go to a
    value** drop-down move between cards, so a card can be moved to another pile.
    The piles table shows progress (n of 83 sorted). Below, choose a value in
    **Value to move** and press **Move up** or **Move down** to rank the top pile.

    Example::

        sort = ValuesCardSort()
        sort.pile_buttons["most"].click()    # card 1 into Most important
        sort.value.sorted_count              # 1
        sort.value.top_names(sort.content)   # ('Acceptance',)
        sort.value.to_dict()                 # plain JSON, kind "values_card_sort"
    """

    value = traitlets.Instance(ValuesSortState)

    def __init__(
        self,
        *,
        content: ValuesContent | None = None,
        state: ValuesSortState | None = None,
        **kwargs,
    ) -> None:
        self.content = content or load_values_content()
        c = self.content
        self.progress = html()
        self.card = html()
        self.pile_buttons = {
            p: widgets.Button(
                layout=fixed_fit(),
                description=c.piles[p].label,
                tooltip=f"Put this value in {c.piles[p].label}: {c.piles[p].about}",
            )
            for p in PILES
        }
        self.previous = widgets.Button(
            layout=fixed_fit(), description="Previous card", tooltip="Show the previous card"
        )
        self.next_card = widgets.Button(
            layout=fixed_fit(), description="Next card", tooltip="Show the next card"
        )
        self.jump = widgets.Dropdown(
            layout=fixed_fit(),
            options=[("choose a value", "")] + [(card.value, card.id) for card in c.cards],
            value="",
            description="Go to a value",
            style={"description_width": "initial"},
        )
        self.feedback = html()
        self.piles_view = html()
        self.rank_pick = widgets.Dropdown(
            layout=fixed_fit(),
            options=[("nothing ranked yet", "")],
            description="Value to move",
            style={"description_width": "initial"},
        )
        self.move_up = widgets.Button(
            layout=fixed_fit(),
            description="Move up",
            tooltip="Rank the chosen value one place higher",
        )
        self.move_down = widgets.Button(
            layout=fixed_fit(),
            description="Move down",
            tooltip="Rank the chosen value one place lower",
        )
        self.ranking = html()
        self.start_again = widgets.Button(
            layout=fixed_fit(),
            description="Start the sort again",
            tooltip="Clear every pile and start from the first card",
        )
        self.status = html()
        buttons = widgets.HBox(list(self.pile_buttons.values()))
        buttons.add_class("mi-pile-buttons")
        super().__init__(
            [
                stylesheet(),
                html("<h3>Sort the values</h3>"),
                self.progress,
                self.card,
                buttons,
                widgets.HBox([self.previous, self.next_card, self.jump]),
                self.feedback,
                self.piles_view,
                html("<h3>Rank your most important values</h3>"),
                self.ranking,
                widgets.HBox([self.rank_pick, self.move_up, self.move_down]),
                self.start_again,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("mi-widget")
        self.add_class("mi-values-card-sort")
        self._restoring = False
        self.restore(state or ValuesSortState())
        for pile, button in self.pile_buttons.items():
            button.on_click(lambda _b, pile=pile: self._on_place(pile))
        self.previous.on_click(self._on_previous)
        self.next_card.on_click(self._on_next)
        self.jump.observe(self._on_jump, names="value")
        self.move_up.on_click(lambda _b: self._on_move(-1))
        self.move_down.on_click(lambda _b: self._on_move(1))
        self.start_again.on_click(self._on_start_again)

    # ------------------------------------------------------------ public

    def restore(self, state: ValuesSortState) -> None:
        """Show ``state`` (for example, saved work after a page reload)."""
        self.value = state.fitted(self.content)
        self.status.value = ""
        self.feedback.value = ""
        self._render()

    @property
    def top_values(self) -> tuple[str, ...]:
        """The names of the top ranked values (what the discrepancy worksheet takes)."""
        return self.value.top_names(self.content)

    # ------------------------------------------------------------ handlers

    @surface_errors("status")
    def _on_place(self, pile: str) -> None:
        c = self.content
        card = c.cards[self.value.position]
        try:
            state = self.value.place(c, card.id, pile)
        except PileFullError:
            self.feedback.value = message_html(
                fill(c.feedback["pile_full"], limit=c.top_limit), kind="warning"
            )
            return
        lead = fill(c.feedback["placed"], value=card.value, pile=c.piles[pile].label)
        following = state.next_unsorted(c)
        if following is None:
            lead += " " + fill(c.feedback["all_sorted"], total=len(c.cards))
        else:
            state = state.move_to(c, following)
        self.value = state
        self._render()
        self.feedback.value = message_html(lead)

    @surface_errors("status")
    def _on_previous(self, _button: widgets.Button) -> None:
        self._show(self.value.position - 1)

    @surface_errors("status")
    def _on_next(self, _button: widgets.Button) -> None:
        self._show(self.value.position + 1)

    @surface_errors("status")
    def _on_jump(self, change: dict) -> None:
        if self._restoring or change["new"] == "":
            return
        ids = [card.id for card in self.content.cards]
        self._show(ids.index(change["new"]))

    @surface_errors("status")
    def _on_move(self, step: int) -> None:
        if self.rank_pick.value == "":
            self.feedback.value = message_html(self.content.feedback["no_top"], kind="warning")
            return
        chosen = self.rank_pick.value
        self.value = self.value.move_rank(chosen, step)
        self._render()
        self.rank_pick.value = chosen

    @surface_errors("status")
    def _on_start_again(self, _button: widgets.Button) -> None:
        self.value = self.value.start_again()
        self.feedback.value = ""
        self._render()

    # ------------------------------------------------------------ rendering

    def _show(self, position: int) -> None:
        n = len(self.content.cards)
        self.value = self.value.move_to(self.content, position % n)
        self.feedback.value = ""
        self._render()

    def _render(self) -> None:
        c, state = self.content, self.value
        card = c.cards[state.position]
        n, done = len(c.cards), state.sorted_count
        self.progress.value = (
            f'<p class="mi-anchors">Card {state.position + 1} of {n} · '
            f"<strong>{done} of {n} sorted</strong></p>"
            f'<progress max="{n}" value="{done}" aria-label="Values sorted: {done} of {n}">'
            f"{done} of {n}</progress>"
        )
        pile = state.piles.get(card.id)
        where = f"now in {c.piles[pile].label}" if pile else "not sorted yet"
        self.card.value = (
            f'<blockquote class="mi-client"><p><strong>{esc(card.value.upper())}</strong>: '
            f"{esc(card.description)}</p><p>({esc(where)})</p></blockquote>"
        )
        for p, button in self.pile_buttons.items():
            button.button_style = "primary" if p == pile else ""
        rows = "".join(
            f'<tr><th scope="row">{esc(c.piles[p].label)}</th><td>{len(cards)}</td>'
            f"<td>{esc(', '.join(x.value for x in cards)) or '–'}</td></tr>"
            for p in reversed(PILES)
            for cards in [state.in_pile(c, p)]
        )
        self.piles_view.value = (
            '<table class="mi-history"><caption>Your piles</caption><thead><tr>'
            '<th scope="col">Pile</th><th scope="col">Values</th><th scope="col">Which</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
        top = state.in_pile(c, "most")
        self._restoring = True
        try:
            self.jump.value = ""
            self.rank_pick.options = (
                [("choose a value to move", "")]
                + [(f"{i}. {x.value}", x.id) for i, x in enumerate(top, 1)]
                if top
                else [("nothing ranked yet", "")]
            )
            self.rank_pick.value = ""
        finally:
            self._restoring = False
        self.move_up.disabled = self.move_down.disabled = len(top) < 2
        if not top:
            self.ranking.value = f"<p>{esc(c.feedback['no_top'])}</p>"
            return
        items = "".join(
            f"<li><strong>{esc(x.value)}</strong>: {esc(x.description)}</li>" for x in top
        )
        names = ", ".join(state.top_names(c))
        self.ranking.value = (
            f'<ol aria-label="Most important values, ranked">{items}</ol>'
            f"<p>{esc(fill(c.feedback['ranked_top'], values=names))}</p>"
        )
