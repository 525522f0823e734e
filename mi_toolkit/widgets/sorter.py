"""ChangeTalkSorter: sort client statements into change / sustain / neutral talk with
the DARN-CAT kind, see what was confused, and practise the EARS responses."""

from __future__ import annotations

import base64

import ipywidgets as widgets
import traitlets

from mi_toolkit.core._practice import fill
from mi_toolkit.core.sorter import (
    DARN_CAT,
    EARS,
    TALK_TYPES,
    DeckContent,
    SorterState,
    check_ears,
    check_sort,
    describe_confusions,
    load_deck,
    summarize,
)
from mi_toolkit.widgets._common import (
    client_html,
    esc,
    fixed_fit,
    html,
    message_html,
    stylesheet,
    surface_errors,
)

__all__ = ["ChangeTalkSorter"]

# The "choose ..." option of each drop-down has the value "", not None: with a None
# option value ipywidgets can end up with no option selected (index None, a blank
# box), depending on the order in which traitlets sends its notifications.


class ChangeTalkSorter(widgets.VBox):
    """Sort a deck of client statements and practise responding to change talk.

    For each card choose the talk type (change, sustain, neutral, or both) and, for
    change talk, its DARN-CAT kind, then press **Check**: the feedback says what it
    was and why. **Show my summary** charts which kinds were confused. Below the
    deck, EARS examples ask which response a practitioner gave to change talk.

    Example::

        sorter = ChangeTalkSorter()
        sorter.talk.value = "change"
        sorter.kind.value = "desire"
        sorter.check.click()
        sorter.feedback.value             # right or not, and why
        sorter.value.to_dict()            # plain JSON, kind "change_talk_sorter"
    """

    value = traitlets.Instance(SorterState)

    def __init__(
        self, *, deck: DeckContent | None = None, state: SorterState | None = None, **kwargs
    ) -> None:
        self.deck = deck or load_deck()
        d = self.deck
        self.progress = html()
        self.card = html()
        self.talk = widgets.Dropdown(
            layout=fixed_fit(),
            options=[("choose a talk type", "")] + [(d.talk_types[t].label, t) for t in TALK_TYPES],
            description="Talk type",
        )
        self.kind = widgets.Dropdown(
            layout=fixed_fit(),
            options=[("choose a kind (change talk only)", "")]
            + [(d.kinds[k].label, k) for k in DARN_CAT],
            description="DARN-CAT kind",
        )
        self.check = widgets.Button(
            layout=fixed_fit(),
            description="Check",
            tooltip="Check how you sorted this card",
            button_style="primary",
        )
        self.next_card = widgets.Button(
            layout=fixed_fit(), description="Next card", tooltip="Go to the next card"
        )
        self.feedback = html()
        self.show_summary = widgets.Button(
            layout=fixed_fit(),
            description="Show my summary",
            tooltip="Chart which kinds you confused so far",
        )
        self.start_again = widgets.Button(
            layout=fixed_fit(),
            description="Start the deck again",
            tooltip="Clear your answers and sort from card 1",
        )
        self.summary = html()
        self.summary.add_class("mi-chart")
        self.ears_progress = html()
        self.ears_item = html()
        self.ears_choice = widgets.Dropdown(
            layout=fixed_fit(),
            options=[("choose a response type", "")] + [(d.ears[e].label, e) for e in EARS],
            description="This response is",
        )
        self.ears_check = widgets.Button(
            layout=fixed_fit(),
            description="Check response type",
            tooltip="Check which EARS response this is",
        )
        self.ears_next = widgets.Button(
            layout=fixed_fit(), description="Next example", tooltip="Another example"
        )
        self.ears_feedback = html()
        self.status = html()
        ears_intro = "".join(
            f"<li><strong>{esc(d.ears[e].label)}</strong>: {esc(d.ears[e].about)}</li>"
            for e in EARS
        )
        super().__init__(
            [
                stylesheet(),
                html("<h3>Sort the deck</h3>"),
                self.progress,
                self.card,
                self.talk,
                self.kind,
                widgets.HBox([self.check, self.next_card]),
                self.feedback,
                widgets.HBox([self.show_summary, self.start_again]),
                self.summary,
                html(
                    f"<h3>Follow-up: responding to change talk with EARS</h3><ul>{ears_intro}</ul>"
                ),
                self.ears_progress,
                self.ears_item,
                self.ears_choice,
                widgets.HBox([self.ears_check, self.ears_next]),
                self.ears_feedback,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("mi-widget")
        self.add_class("mi-change-talk-sorter")
        self._restoring = False
        self.restore(state or SorterState())
        self.talk.observe(self._on_talk, names="value")
        self.check.on_click(self._on_check)
        self.next_card.on_click(self._on_next)
        self.show_summary.on_click(self._on_summary)
        self.start_again.on_click(self._on_start_again)
        self.ears_check.on_click(self._on_ears_check)
        self.ears_next.on_click(self._on_ears_next)

    # ------------------------------------------------------------ public

    def restore(self, state: SorterState) -> None:
        """Show ``state``: the card and EARS example on show, with any answer given."""
        self._restoring = True
        try:
            self.value = state.move_to(min(state.position, len(self.deck.cards) - 1))
            self.value = self.value.move_ears_to(
                min(state.ears_position, len(self.deck.ears_items) - 1)
            )
        finally:
            self._restoring = False
        self.status.value = ""
        self.summary.value = ""
        self._render_card()
        self._render_ears()

    # ------------------------------------------------------------ deck

    @surface_errors("status")
    def _on_talk(self, change: dict) -> None:
        self.kind.disabled = change["new"] not in ("change", "mixed")

    @surface_errors("status")
    def _on_check(self, _button: widgets.Button) -> None:
        card = self.deck.cards[self.value.position]
        result = check_sort(self.deck, card, self.talk.value, self.kind.value)
        if result.answer is None:
            self.feedback.value = message_html(result.lines[0], kind="warning")
            return
        self.value = self.value.answer(result.answer)
        self._render_card()
        if self.value.position == len(self.deck.cards) - 1:
            self._render_summary(self.deck.feedback["deck_done"])

    @surface_errors("status")
    def _on_next(self, _button: widgets.Button) -> None:
        if self.value.position >= len(self.deck.cards) - 1:
            self._render_summary(self.deck.feedback["deck_done"])
            return
        self.value = self.value.move_to(self.value.position + 1)
        self._render_card()

    @surface_errors("status")
    def _on_summary(self, _button: widgets.Button) -> None:
        self._render_summary()

    @surface_errors("status")
    def _on_start_again(self, _button: widgets.Button) -> None:
        self.value = self.value.start_again()
        self.summary.value = ""
        self._render_card()

    def _render_card(self) -> None:
        cards = self.deck.cards
        card = cards[self.value.position]
        answer = self.value.answer_for(card.id)
        self._restoring = True
        try:
            self.talk.value = answer.talk if answer else ""
            self.kind.value = (answer.kind if answer else None) or ""
        finally:
            self._restoring = False
        self.kind.disabled = self.talk.value not in ("change", "mixed")
        self.check.disabled = answer is not None
        self.progress.value = (
            f'<p class="mi-anchors">Card {self.value.position + 1} of {len(cards)} · '
            f"topic: {esc(card.topic)} · {esc(self._score())}</p>"
        )
        self.card.value = client_html(card.text)
        if answer is None:
            self.feedback.value = ""
            return
        result = check_sort(self.deck, card, answer.talk, answer.kind)
        items = "".join(f"<li>{esc(line)}</li>" for line in result.lines)
        self.feedback.value = (
            f'<div class="mi-follow-up" role="status" aria-live="polite">'
            f"<p>Feedback on card {self.value.position + 1}:</p><ul>{items}</ul></div>"
        )

    def _score(self) -> str:
        s = summarize(self.value)
        return fill(
            self.deck.feedback["score"],
            right=s.talk_right,
            total=s.sorted,
            kind_right=s.kind_right,
            kind_total=s.kind_total,
        )

    def _render_summary(self, lead: str = "") -> None:
        from mi_toolkit.sorter_plots import confusion_png

        summary = summarize(self.value)
        if not summary.sorted:
            self.summary.value = message_html(self.deck.feedback["no_answers"], kind="warning")
            return
        png = base64.b64encode(confusion_png(summary, self.deck)).decode("ascii")
        names = {"talk": self.deck.talk_types, "kind": self.deck.kinds}
        what = {"talk": "Talk type", "kind": "DARN-CAT kind"}
        rows = "".join(
            f"<tr><td>{what[w]}</td><td>{esc(names[w][e].label)}</td>"
            f"<td>{esc(names[w][c].label)}</td><td>{n}</td></tr>"
            for w, e, c, n in summary.confusions()
        )
        table = (
            '<table class="mi-history"><caption>What you confused</caption><thead><tr>'
            '<th scope="col">What</th><th scope="col">The card was</th>'
            '<th scope="col">You chose</th><th scope="col">Times</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
            if rows
            else "<p>Nothing confused so far: every card matched.</p>"
        )
        self.summary.value = (
            (message_html(lead) if lead else "")
            + f"<p>{esc(self._score())}</p>"
            + f'<figure><img src="data:image/png;base64,{png}" '
            f'alt="{esc(describe_confusions(summary, self.deck))}">'
            "<figcaption>Rows: what each card was. Columns: what you chose. Blue cells on "
            "the diagonal are right answers; orange cells are confusions.</figcaption></figure>"
            + table
        )

    # ------------------------------------------------------------ EARS

    @surface_errors("status")
    def _on_ears_check(self, _button: widgets.Button) -> None:
        item = self.deck.ears_items[self.value.ears_position]
        result = check_ears(self.deck, item, self.ears_choice.value)
        if result.answer is None:
            self.ears_feedback.value = message_html(result.lines[0], kind="warning")
            return
        self.value = self.value.answer_ears(result.answer)
        self._render_ears()

    @surface_errors("status")
    def _on_ears_next(self, _button: widgets.Button) -> None:
        position = self.value.ears_position + 1
        wrapped = position >= len(self.deck.ears_items)
        self.value = self.value.move_ears_to(0 if wrapped else position)
        self._render_ears()
        if wrapped:
            self.ears_feedback.value = message_html(self.deck.feedback["ears_done"])

    def _render_ears(self) -> None:
        items = self.deck.ears_items
        item = items[self.value.ears_position]
        answer = self.value.ears_answer_for(item.id)
        self.ears_choice.value = answer.chosen if answer else ""
        self.ears_check.disabled = answer is not None
        s = summarize(self.value)
        score = fill(self.deck.feedback["ears_score"], right=s.ears_right, total=s.ears_total)
        self.ears_progress.value = (
            f'<p class="mi-anchors">Example {self.value.ears_position + 1} of {len(items)} · '
            f"{esc(score)}</p>"
        )
        self.ears_item.value = client_html(item.client) + client_html(item.response, "Practitioner")
        if answer is None:
            self.ears_feedback.value = ""
            return
        result = check_ears(self.deck, item, answer.chosen)
        lines = "".join(f"<li>{esc(line)}</li>" for line in result.lines)
        self.ears_feedback.value = (
            f'<div class="mi-follow-up" role="status" aria-live="polite"><ul>{lines}</ul></div>'
        )
