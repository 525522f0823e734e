"""Practice conversation with a virtual client: the scenario engine.

A virtual client has a situation, values and ambivalence (from content) and an
internal state: **engagement**, **discord**, change-talk **momentum** and
**readiness**, each a whole number. Every learner turn is coded by the MI coder; the
move it makes (a reflection, an open or closed question, an affirmation, advice with
or without permission, a confrontation, ...) changes the state, and the client's
reply is picked from the scenario's authored lines by the state and the move.
Reflections and open questions draw out change talk; confrontation and advice nobody
asked for draw sustain talk and discord.

It is deterministic: the reply to turn *n* is chosen with ``random.Random`` seeded
from the conversation's seed and *n*, so the saved form (scenario id, seed, the
learner's turns) replays to exactly the same conversation.

Example::

    >>> scenarios = load_scenarios()
    >>> talk = start(scenarios["alcohol"], seed=1)
    >>> talk = talk.respond("It sounds like part of you is worried about the drinking.")
    >>> talk.exchanges[-1].move, talk.exchanges[-1].talk in {"change", "sustain", "neutral"}
    ('reflection', True)
    >>> replay(talk.to_state(), scenarios) == talk
    True
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from mi_toolkit.core._conversation_content import (
    CommonText,
    Reply,
    Scenario,
    load_common,
    load_scenario_file,
    load_scenarios,
)
from mi_toolkit.core._conversation_dynamics import (
    ClientState,
    Exchange,
    band_of,
    move_of,
    step,
)
from mi_toolkit.core._conversation_review import Moment, hint, moments, review_text
from mi_toolkit.core._practice import clean_response, read_list, state_header, text_field
from mi_toolkit.core.ruler import StateError
from mi_toolkit.core.transcript import CLIENT, PRACTITIONER, Transcript, Utterance

if TYPE_CHECKING:  # pragma: no cover - the coder loads when first used
    from mi_toolkit.core.coder import Coding
    from mi_toolkit.core.miti import MitiSummary

__all__ = [
    "MAX_TURNS",
    "MAX_TURN_CHARS",
    "ClientState",
    "CommonText",
    "Conversation",
    "ConversationState",
    "Exchange",
    "Moment",
    "Scenario",
    "StateError",
    "TurnError",
    "band_of",
    "hint",
    "load_common",
    "load_scenario_file",
    "load_scenarios",
    "move_of",
    "replay",
    "start",
]

SCHEMA_VERSION = 1
KIND = "practice_conversation"
MAX_TURNS = 40
MAX_TURN_CHARS = 600
_PROBLEMS = {
    "blank": "Type something to say to the client first.",
    "too_long": "That turn is too long ({chars:,} characters; the limit is {limit}). In a "
    "conversation, shorter turns work better: say one thing at a time.",
    "no_words": "That turn has no words in it. Say something to the client in words.",
    "not_english": "The practice client understands English only. Please write your turn in "
    "English.",
}


class TurnError(ValueError):
    """A learner turn that cannot be said (blank, too long, no words, too many turns).

    ``problem`` is a short key (``blank``, ``too_long``, ``no_words``, ``not_english``,
    ``ended``, ``too_many``); the message says what to do, in plain words.
    """

    def __init__(self, problem: str, message: str) -> None:
        self.problem = problem
        super().__init__(message)


@dataclass(frozen=True)
class ConversationState:
    """What is saved: the scenario, the seed and the learner's turns. Replaying them
    (:func:`replay`) rebuilds the whole conversation, client state included.

    Example::

        >>> s = ConversationState("smoking", 7, ("What brings you in?",))
        >>> ConversationState.from_dict(s.to_dict()) == s
        True
    """

    scenario_id: str = ""
    seed: int = 0
    turns: tuple[str, ...] = ()
    ended: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": KIND,
            "scenario_id": self.scenario_id,
            "seed": self.seed,
            "turns": list(self.turns),
            "ended": self.ended,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConversationState:
        data = state_header(data, kind=KIND, version=SCHEMA_VERSION, what="practice conversation")
        seed = data.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
            raise StateError(f"seed must be a whole number from 0, got {seed!r}")
        turns = read_list(data, "turns", _saved_turn, MAX_TURNS)
        ended = data.get("ended", False)
        if not isinstance(ended, bool):
            raise StateError("ended must be true or false")
        return cls(text_field(data, "scenario_id", limit=100), seed, turns, ended)


def _saved_turn(raw: Any) -> str:
    if not isinstance(raw, str):
        raise StateError(f"a turn must be text, got {type(raw).__name__}")
    checked = clean_response(raw, limit=MAX_TURN_CHARS)
    if checked.problem in {"blank", "too_long", "no_words"}:
        raise StateError(f"a saved turn cannot be replayed ({checked.problem})")
    return checked.text


@dataclass(frozen=True)
class Conversation:
    """A conversation in progress (immutable: :meth:`respond` returns a new one).

    ``exchanges`` holds every learner turn with the client's reply; ``client`` is
    the client's state now.
    """

    scenario: Scenario
    seed: int
    opening: Reply
    exchanges: tuple[Exchange, ...] = ()
    ended: bool = False

    @property
    def client(self) -> ClientState:
        if self.exchanges:
            return self.exchanges[-1].after
        return ClientState.from_start(self.scenario.start)

    def respond(self, raw: str | None) -> Conversation:
        """Say ``raw`` to the client; the new conversation has the client's reply.

        Raises :class:`TurnError` (nothing said) for a blank, over-long or wordless
        turn, after the end, or past ``MAX_TURNS``.
        """
        if self.ended:
            raise TurnError("ended", "This conversation has ended. Start a new one to go on.")
        if len(self.exchanges) >= MAX_TURNS:
            raise TurnError(
                "too_many", f"That is {MAX_TURNS} turns: press End and review to see how it went."
            )
        checked = clean_response(raw, limit=MAX_TURN_CHARS)
        if checked.problem is not None:
            message = _PROBLEMS[checked.problem].format(chars=checked.chars, limit=MAX_TURN_CHARS)
            raise TurnError(checked.problem, message)
        previous = self.exchanges[-1].reply.text if self.exchanges else self.opening.text
        from mi_toolkit.core.coder import code_utterance  # loaded on the first turn

        coding = code_utterance(checked.text, PRACTITIONER, previous=previous)
        exchange = step(self, checked.text, coding)
        return replace(self, exchanges=self.exchanges + (exchange,))

    def end(self) -> Conversation:
        return replace(self, ended=True)

    def to_state(self) -> ConversationState:
        turns = tuple(e.said for e in self.exchanges)
        return ConversationState(self.scenario.id, self.seed, turns, self.ended)

    # ------------------------------------------------------------ review

    def counts(self) -> dict[str, int]:
        """How many client replies were change, sustain and neutral talk (as authored)."""
        out = dict.fromkeys(("change", "sustain", "neutral"), 0)
        for e in self.exchanges:
            out[e.talk] += 1
        return out

    def transcript(self) -> Transcript:
        """The conversation as a :class:`Transcript` (the client's opening first)."""
        rows: list[tuple[str, str]] = [(CLIENT, _voiced(self.opening))]
        for e in self.exchanges:
            rows += [(PRACTITIONER, e.said), (CLIENT, _voiced(e.reply))]
        utterances = tuple(
            Utterance(self.scenario.id, str(i), speaker, text, i)
            for i, (speaker, text) in enumerate(rows, 1)
        )
        return Transcript(self.scenario.id, utterances)

    def codings(self) -> tuple[Coding, ...]:
        """A coding per transcript turn: the learner's as coded when said, the client's
        coded in the light of the turn before."""
        from mi_toolkit.core.coder import code_utterance

        out = [code_utterance(self.opening.text, CLIENT)]
        for e in self.exchanges:
            out += [e.coding, code_utterance(e.reply.text, CLIENT, previous=e.said)]
        return tuple(out)

    def summary(self) -> MitiSummary:
        """The MITI summary of the conversation so far."""
        from mi_toolkit.core.miti import summarize

        return summarize(self.transcript(), self.codings())

    def moments(self) -> tuple[Moment, ...]:
        """The turns where change talk rose or fell, with the move just before."""
        return moments(self)

    def export_text(self) -> str:
        """The conversation as plain text (``T:`` / ``C:`` lines, readable by the
        transcript coder)."""
        return review_text(self)


def _voiced(reply: Reply) -> str:
    return f"({reply.speaker}) {reply.text}" if reply.speaker else reply.text


def start(scenario: Scenario, seed: int = 0) -> Conversation:
    """A new conversation with ``scenario``'s client, who speaks first."""
    rng = random.Random(f"{scenario.id}:{seed}:opening")
    return Conversation(scenario, seed, rng.choice(scenario.opening))


def replay(state: ConversationState, scenarios: Mapping[str, Scenario]) -> Conversation:
    """Rebuild a conversation from its saved form. A turn that can no longer be said is
    a :class:`StateError`; so is an unknown scenario."""
    scenario = scenarios.get(state.scenario_id)
    if scenario is None:
        raise StateError(f"unknown scenario {state.scenario_id!r}")
    talk = start(scenario, state.seed)
    for turn in state.turns:
        try:
            talk = talk.respond(turn)
        except TurnError as exc:
            raise StateError(f"a saved turn cannot be replayed: {exc}") from None
    return talk.end() if state.ended else talk
