"""PracticeConversation: talk with a virtual client, then review the coded conversation."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import traitlets

from mi_toolkit.core.conversation import (
    Conversation,
    ConversationState,
    Scenario,
    StateError,
    TurnError,
    hint,
    load_common,
    load_scenarios,
    replay,
)
from mi_toolkit.widgets._common import (
    esc,
    fixed_fit,
    fixed_wide,
    html,
    message_html,
    stylesheet,
    surface_errors,
)

__all__ = ["PracticeConversation"]

_TALK = {"change": "change talk", "sustain": "sustain talk", "neutral": "neutral"}
_BANDS = {
    "discord": "defensive: there is friction between you",
    "guarded": "guarded: saying little",
    "ambivalent": "in two minds",
    "engaged": "engaged and talking about change",
    "mobilizing": "getting ready to act",
}


class PracticeConversation(widgets.VBox):
    """A conversation with a virtual client who answers the way your moves invite.

    Pick a client, read their situation, type a turn and press **Send**. Each turn is
    coded (reflection, open question, advice, ...); the client's reply follows from
    it and from how the conversation has gone. **Hint** suggests a next move;
    **Show the client's state** reveals engagement, discord, change-talk momentum and
    readiness. **End and review** shows the coded transcript, the MITI summary against
    the thresholds, where change talk rose or fell, and a download of the text.

    Example::

        talk = PracticeConversation(scenario="alcohol", seed_source=lambda: 1)
        talk.message.value = "It sounds like the test results worried you."
        talk.send.click()
        talk.conversation.exchanges[-1].talk      # 'change', 'sustain' or 'neutral'
        talk.end.click()
        talk.value.to_dict()                       # kind "practice_conversation"
    """

    value = traitlets.Instance(ConversationState)

    def __init__(
        self,
        *,
        scenarios: dict[str, Scenario] | None = None,
        scenario: str | None = None,
        state: ConversationState | None = None,
        show_state: bool = False,
        seed_source: Callable[[], int] | None = None,
        **kwargs: Any,
    ) -> None:
        self.scenarios = scenarios or load_scenarios()
        self.common = load_common()
        self._new_seed = seed_source or (lambda: secrets.randbelow(2**31))
        first = scenario if scenario in self.scenarios else next(iter(self.scenarios))
        self.scenario = widgets.Dropdown(
            description="Client",
            options=[(s.title, s.id) for s in self.scenarios.values()],
            value=first,
            layout=fixed_fit(),
        )
        self.new_conversation = widgets.Button(
            description="Start a new conversation",
            tooltip="Start again with the client chosen above",
            layout=fixed_fit(),
        )
        self.about = html()
        self.chat = html()
        self.chat.add_class("mi-chat")
        self.show_state = widgets.Checkbox(
            value=show_state, description="Show the client's state", indent=False
        )
        self.client_state = html()
        self.message = widgets.Textarea(
            description="Your turn",
            placeholder="Type what you would say, then press Send.",
            rows=2,
            layout=fixed_wide(),
            continuous_update=False,  # see ReflectionBuilder: "type, Tab, Enter" stays in order
        )
        self.message.add_class("mi-response")
        self.send = widgets.Button(
            description="Send", tooltip="Say this to the client", button_style="primary",
            layout=fixed_fit(),
        )  # fmt: skip
        self.hint = widgets.Button(
            description="Hint", tooltip="Suggest a next move for this moment", layout=fixed_fit()
        )
        self.end = widgets.Button(
            description="End and review",
            tooltip="Finish and see the coded conversation, the MITI summary and a download",
            layout=fixed_fit(),
        )
        self.hint_text = html()
        self.status = html()
        self.review = html()
        self.chart = html()
        self.chart.add_class("mi-chart")
        self.download = html()
        super().__init__(
            [stylesheet(), widgets.HBox([self.scenario, self.new_conversation]), self.about,
             self.chat, self.show_state, self.client_state, self.message,
             widgets.HBox([self.send, self.hint, self.end]), self.status, self.hint_text,
             self.review, self.chart, self.download],
            **kwargs,
        )  # fmt: skip
        self.add_class("mi-widget")
        self.add_class("mi-practice-conversation")
        self._hints_asked = 0
        self._restoring = False
        self.restore(state or ConversationState())
        self.scenario.observe(self._on_scenario, names="value")
        self.show_state.observe(self._on_show_state, names="value")
        self.new_conversation.on_click(self._on_new)
        self.send.on_click(self._on_send)
        self.hint.on_click(self._on_hint)
        self.end.on_click(self._on_end)

    # ------------------------------------------------------------ public

    def restore(self, state: ConversationState) -> None:
        """Show ``state``: its turns are replayed, so the client is where they were."""
        note = ""
        if state.scenario_id not in self.scenarios:
            if state.turns:
                note = f"The saved client {state.scenario_id!r} is not available; started afresh."
            state = ConversationState(self.scenario.value, self._new_seed())
        try:
            self.conversation = replay(state, self.scenarios)
        except StateError as exc:
            note = f"The saved conversation could not be replayed ({exc}); a new one started."
            state = ConversationState(state.scenario_id, self._new_seed())
            self.conversation = replay(state, self.scenarios)
        self._restoring = True
        try:
            self.scenario.value = state.scenario_id
        finally:
            self._restoring = False
        self.value = state
        self.message.value = ""
        self._hints_asked = 0
        self.hint_text.value = ""
        self.status.value = message_html(note, kind="warning")
        self._render()

    # ------------------------------------------------------------ handlers

    @surface_errors("status")
    def _on_scenario(self, change: dict) -> None:
        if self._restoring or change["new"] == self.conversation.scenario.id:
            return
        if self.conversation.exchanges and not self.conversation.ended:
            self.status.value = message_html(
                f"Your conversation with {self.conversation.scenario.client} is kept. Press "
                "Start a new conversation to talk with the client you chose instead.",
                kind="warning",
            )
            return
        self._start_new()

    @surface_errors("status")
    def _on_new(self, _button: widgets.Button) -> None:
        self._start_new()

    @surface_errors("status")
    def _on_show_state(self, _change: dict) -> None:
        self._render_state()

    @surface_errors("status")
    def _on_send(self, _button: widgets.Button) -> None:
        try:
            talk = self.conversation.respond(self.message.value)
        except TurnError as exc:
            self.status.value = message_html(str(exc), kind="warning")
            return
        self.conversation = talk
        self.value = talk.to_state()
        self.message.value = ""
        self.status.value = ""
        self.hint_text.value = ""
        self._render()

    @surface_errors("status")
    def _on_hint(self, _button: widgets.Button) -> None:
        general, own = hint(self.conversation, self.common, self._hints_asked)
        self._hints_asked += 1
        self.hint_text.value = (
            '<div class="mi-follow-up" role="status" aria-live="polite"><p><strong>Hint:</strong> '
            f"{esc(general)}</p><p><strong>About this client:</strong> {esc(own)}</p></div>"
        )

    @surface_errors("status")
    def _on_end(self, _button: widgets.Button) -> None:
        if not self.conversation.exchanges:
            self.status.value = message_html(
                "Say something to the client first: there is nothing to review yet.",
                kind="warning",
            )
            return
        self.conversation = self.conversation.end()
        self.value = self.conversation.to_state()
        self.status.value = message_html("Conversation ended. Your review is below.")
        self._render()

    # ------------------------------------------------------------ rendering

    def _start_new(self) -> None:
        self.restore(ConversationState(self.scenario.value, self._new_seed()))
        self.status.value = message_html(
            f"New conversation with {self.conversation.scenario.client}."
        )

    def _render(self) -> None:
        talk = self.conversation
        s = talk.scenario
        self.about.value = _about_html(s)
        self.chat.value = _chat_html(talk)
        ended = talk.ended
        for control in (self.message, self.send, self.hint, self.end):
            control.disabled = ended
        self._render_state()
        if ended:
            self._render_review()
        else:
            self.review.value = self.chart.value = self.download.value = ""

    def _render_state(self) -> None:
        if not self.show_state.value:
            self.client_state.value = ""
            return
        client = self.conversation.client
        rows = "".join(
            f'<tr><th scope="row">{esc(label)}</th><td>{getattr(client, key)}</td>'
            f"<td>{esc(means)}</td></tr>"
            for key, (label, means) in self.common.state_labels.items()
        )
        self.client_state.value = (
            f"<p>{esc(self.conversation.scenario.client)} is {esc(_BANDS[client.band])}.</p>"
            '<table class="mi-history"><caption>The client\'s state now (0 to 10; momentum '
            'from -10 to 10)</caption><thead><tr><th scope="col">Part</th><th scope="col">'
            'Now</th><th scope="col">What it means</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>"
        )

    def _render_review(self) -> None:
        from mi_toolkit.miti_plots import describe_miti_chart, miti_summary_png
        from mi_toolkit.widgets.transcript_coder import _summary_html, _table_html

        talk = self.conversation
        summary = talk.summary()
        counts = talk.counts()
        self.review.value = (
            f"<h3>Review: your conversation with {esc(talk.scenario.client)}</h3>"
            f"<p>The client's replies were {counts['change']} change talk, "
            f"{counts['sustain']} sustain talk and {counts['neutral']} neutral. The coder's "
            "reading of every turn is below; it is automatic, so check it against your own "
            "judgement.</p>"
            + _summary_html(summary)
            + _moments_html(talk, self.common.moves)
            + _table_html(talk.transcript(), talk.codings())
        )
        png = base64.b64encode(miti_summary_png(summary)).decode("ascii")
        self.chart.value = (
            f'<img src="data:image/png;base64,{png}" alt="{esc(describe_miti_chart(summary))}">'
        )
        data = base64.b64encode(talk.export_text().encode("utf-8")).decode("ascii")
        name = f"practice-conversation-{talk.scenario.id}.txt"
        self.download.value = (
            f'<p><a download="{esc(name)}" href="data:text/plain;charset=utf-8;base64,{data}">'
            "Download the conversation (text)</a> — it can be pasted into the transcript "
            "coder.</p>"
        )


def _about_html(s: Scenario) -> str:
    values = "".join(f"<li>{esc(v)}</li>" for v in s.values)
    people = "".join(
        f"<li><strong>{esc(name)}</strong> wants {esc(goal)}.</li>" for name, goal in s.stakeholders
    )
    return (
        f'<div class="mi-question"><p>{esc(s.title)}: {esc(s.topic)}</p></div>'
        f"<p>{esc(s.situation)}</p>"
        + (f"<p>Who is in the room:</p><ul>{people}</ul>" if people else "")
        + f"<p>What matters to {esc(s.client)}:</p><ul>{values}</ul>"
    )


def _chat_html(talk: Conversation) -> str:
    name = talk.scenario.client
    lines = [_said(talk.opening.speaker or name, talk.opening.text)]
    for e in talk.exchanges:
        move = e.move.replace("_", " ")
        lines.append(
            f'<p class="mi-chat-you"><strong>You:</strong> {esc(e.said)} '
            f'<span class="mi-code">read as: {esc(move)}</span></p>'
        )
        lines.append(_said(e.reply.speaker or name, e.reply.text))
    return '<div role="log" aria-label="The conversation so far">' + "".join(lines) + "</div>"


def _said(who: str, text: str) -> str:
    return (
        f'<blockquote class="mi-client"><p><strong>{esc(who)}:</strong> {esc(text)}</p>'
        "</blockquote>"
    )


def _moments_html(talk: Conversation, moves: dict[str, tuple[str, str]]) -> str:
    found = talk.moments()
    if not found:
        return (
            "<h4>Where change talk rose or fell</h4><p>The client's talk did not clearly turn "
            "either way in this conversation.</p>"
        )
    items = "".join(
        f"<li>Turn {m.index}: change talk <strong>{'rose' if m.direction == 'rose' else 'fell'}"
        f"</strong>. You said “{esc(m.said)}” (a {esc(moves[m.move][0])}, which "
        f"{esc(moves[m.move][1])}); {esc(m.speaker)} answered “{esc(m.reply)}”.</li>"
        for m in found
    )
    return f"<h4>Where change talk rose or fell</h4><ol>{items}</ol>"
