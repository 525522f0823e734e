"""ReadinessRuler: importance, confidence and readiness rulers with evocative follow-ups."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime

import ipywidgets as widgets
import traitlets
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import TextStyle

from mi_toolkit.core.ruler import (
    SCALES,
    RulerPrompts,
    RulerState,
    clean_change_name,
    describe_history,
    follow_ups,
    load_ruler_prompts,
    question_for,
)
from mi_toolkit.plots import ruler_history_png
from mi_toolkit.widgets._common import (
    esc,
    fixed_layout,
    fixed_style,
    html,
    message_html,
    stylesheet,
    surface_errors,
)

__all__ = ["ReadinessRuler"]

_HISTORY_ROWS = 5


class ReadinessRuler(widgets.VBox):
    """Rate importance, confidence and readiness (0-10) and see the follow-up to ask.

    Each scale is a labelled drop-down (a native ``<select>``): one Tab stop, the
    arrow keys change the number, a screen reader announces "Importance", and a
    phone opens its own picker. Beside it a drawn ruler shows the number on the
    0-10 line (decorative, hidden from screen readers). Stock sliders and radio
    buttons were rejected: an ipywidgets 8 slider handle has no accessible name,
    and its radio buttons are not grouped (eleven Tab stops, no group name).

    Example::

        ruler = ReadinessRuler()
        ruler.change.value = "walk to work"
        ruler.scales["importance"].value = 6
        ruler.follow_ups["importance"].value   # "Why are you at 6 and not ..."
        ruler.record.click()
        ruler.value.to_dict()                  # plain JSON, schema_version 1

    ``value`` is a :class:`~mi_toolkit.core.RulerState`; observe it with
    ``ruler.observe(callback, names="value")`` to save the learner's work.
    """

    value = traitlets.Instance(RulerState)

    def __init__(
        self,
        *,
        prompts: RulerPrompts | None = None,
        state: RulerState | None = None,
        clock: Callable[[], datetime] | None = None,
        **kwargs,
    ) -> None:
        self.prompts = prompts or load_ruler_prompts()
        self._clock = clock
        self.change = widgets.Text(
            description="The change",
            placeholder="for example: walk to work twice a week",
            continuous_update=True,
            layout=fixed_layout(),
            style=fixed_style(TextStyle),
        )
        self.change.add_class("mi-change")
        self.change_note = html()
        self.questions: dict[str, widgets.HTML] = {}
        self.scales: dict[str, widgets.Dropdown] = {}
        self.visuals: dict[str, widgets.HTML] = {}
        self.follow_ups: dict[str, widgets.HTML] = {}
        groups = []
        for scale in SCALES:
            text = self.prompts.scales[scale]
            self.questions[scale] = html()
            self.questions[scale].add_class("mi-question")
            self.scales[scale] = widgets.Dropdown(
                options=_options(text.low_anchor, text.high_anchor),
                index=0,
                description=text.label,
                layout=fixed_layout(),
                style=fixed_style(DescriptionStyle),
            )
            self.visuals[scale] = html()
            anchors = html(
                f'<p class="mi-anchors">{esc(text.low_anchor)} · {esc(text.high_anchor)}</p>'
            )
            self.follow_ups[scale] = html()
            group = widgets.VBox(
                [
                    self.questions[scale],
                    anchors,
                    widgets.HBox([self.scales[scale], self.visuals[scale]], layout=fixed_layout()),
                    self.follow_ups[scale],
                ],
                layout=fixed_layout(),
            )
            group.add_class("mi-ruler-scale")
            groups.append(group)
        self.record = widgets.Button(
            description="Record these ratings",
            tooltip="Add the current ratings to your history chart",
            button_style="primary",
            layout=fixed_layout(),
            style=fixed_style(widgets.ButtonStyle),
        )
        self.status = html()
        self.chart = html()
        self.chart.add_class("mi-chart")
        super().__init__(
            [
                stylesheet(),
                self.change,
                self.change_note,
                *groups,
                self.record,
                self.status,
                self.chart,
            ],
            **kwargs,
        )
        self.add_class("mi-widget")
        self.add_class("mi-readiness-ruler")
        self._restoring = False
        self.restore(state or RulerState())
        self.change.observe(self._on_change, names="value")
        for scale in SCALES:
            self.scales[scale].observe(self._on_rate, names="value")
        self.record.on_click(self._on_record)

    # ------------------------------------------------------------ public

    def restore(self, state: RulerState) -> None:
        """Show ``state`` (for example, saved work after a page reload)."""
        self._restoring = True
        try:
            self.value = state
            self.change.value = state.change
            for scale in SCALES:
                rating = state.ratings.get(scale)
                # index 0 is "choose 0 to 10": shown, rather than a blank box.
                self.scales[scale].index = 0 if rating is None else rating + 1
        finally:
            self._restoring = False
        self._render_all()

    # ------------------------------------------------------------ handlers

    @surface_errors("status")
    def _on_change(self, change: dict) -> None:
        if self._restoring:
            return
        cleaned = clean_change_name(change["new"])
        self.value = self.value.rename(change["new"])
        if cleaned.was_blank:
            note = (
                "Tip: name the change you have in mind (for example, 'cut down on "
                "coffee') and the questions will use your words."
            )
        elif cleaned.was_shortened:
            note = (
                "That is a long description, so the questions use a shortened version. "
                "Your ratings are kept."
            )
        else:
            note = ""
        self.change_note.value = message_html(note, kind="warning")
        self._render_questions()
        self._render_follow_ups()

    @surface_errors("status")
    def _on_rate(self, change: dict) -> None:
        if self._restoring:
            return
        scale = next(s for s, w in self.scales.items() if w is change["owner"])
        self.value = self.value.rate(scale, change["new"])
        self._render_follow_up(scale)

    @surface_errors("status")
    def _on_record(self, _button: widgets.Button) -> None:
        if not self.value.has_ratings:
            self.status.value = message_html(
                "Choose a rating on at least one ruler first.", kind="warning"
            )
            return
        now = self._clock() if self._clock else None
        self.value = self.value.record(now)
        count = len(self.value.history)
        self.status.value = message_html(
            f"Recorded. You have {count} recorded {'rating' if count == 1 else 'ratings'}."
        )
        self._render_chart()

    # ------------------------------------------------------------ rendering

    def _render_all(self) -> None:
        self._render_questions()
        self._render_follow_ups()
        self._render_chart()

    def _render_questions(self) -> None:
        for scale in SCALES:
            question = question_for(self.prompts, scale, self.value.change)
            self.questions[scale].value = f"<p>{esc(question)}</p>"

    def _render_follow_ups(self) -> None:
        for scale in SCALES:
            self._render_follow_up(scale)

    def _render_follow_up(self, scale: str) -> None:
        rating = self.value.ratings.get(scale)
        self.visuals[scale].value = _ruler_picture(rating)
        if rating is None:
            self.follow_ups[scale].value = ""
            return
        items = "".join(
            f"<li>{esc(q)}</li>" for q in follow_ups(self.prompts, scale, rating, self.value.change)
        )
        label = esc(self.prompts.scales[scale].label)
        self.follow_ups[scale].value = (
            f'<div class="mi-follow-up" role="status" aria-live="polite">'
            f"<p>{label} {rating}: questions to ask next</p><ul>{items}</ul></div>"
        )

    def _render_chart(self) -> None:
        history = self.value.history
        if not history:
            self.chart.value = "<p>Record your ratings to see them charted here over time.</p>"
            return
        png = base64.b64encode(ruler_history_png(history)).decode("ascii")
        rows = "".join(
            "<tr><td>{}</td><td>{}</td>{}</tr>".format(
                len(history) - len(history[-_HISTORY_ROWS:]) + i + 1,
                esc(r.change or "(not named)"),
                "".join(
                    f"<td>{'–' if r.ratings.get(s) is None else r.ratings[s]}</td>" for s in SCALES
                ),
            )
            for i, r in enumerate(history[-_HISTORY_ROWS:])
        )
        heads = "".join(f'<th scope="col">{s.capitalize()}</th>' for s in SCALES)
        self.chart.value = (
            f'<figure><img src="data:image/png;base64,{png}" '
            f'alt="{esc(describe_history(history))}">'
            f"<figcaption>Your recorded ratings, oldest first.</figcaption></figure>"
            f'<table class="mi-history"><caption>Latest records</caption><thead><tr>'
            f'<th scope="col">#</th><th scope="col">Change</th>{heads}</tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )


def _options(low_anchor: str, high_anchor: str) -> list[tuple[str, int | None]]:
    """Drop-down choices: a blank first, then 0-10 with the anchors on the ends."""
    return (
        [("choose 0 to 10", None), (low_anchor, 0)]
        + [(str(i), i) for i in range(1, 10)]
        + [(high_anchor, 10)]
    )


def _ruler_picture(rating: int | None) -> str:
    """The 0-10 line with the chosen number marked (decorative: aria-hidden)."""
    cells = "".join(
        f'<span class="mi-tick{" mi-tick-on" if i == rating else ""}">{i}</span>' for i in range(11)
    )
    return f'<div class="mi-ruler-visual" aria-hidden="true">{cells}</div>'
