"""The practice client's dynamics: its state, how each move changes it, which reply
follows. Internal (see :mod:`mi_toolkit.core.conversation`)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mi_toolkit.core._conversation_content import BUCKET_TALK, STATE_KEYS, Reply

if TYPE_CHECKING:  # pragma: no cover
    from mi_toolkit.core.coder import Coding
    from mi_toolkit.core.conversation import Conversation

__all__ = ["EFFECTS", "ClientState", "Exchange", "band_of", "move_of", "step"]

LISTENING = {"reflection", "open_question", "affirm", "autonomy"}
PUSHING = {"advice", "confront"}
# How a move changes (engagement, discord, momentum) before the client answers.
EFFECTS = {
    "complex_reflection": (2, -2, 2),
    "reflection": (1, -1, 1),
    "open_question": (1, 0, 1),
    "closed_question": (0, 0, 0),
    "affirm": (2, -1, 1),
    "autonomy": (1, -2, 1),
    "advice_with_permission": (0, 0, 1),
    "information": (0, 0, 0),
    "advice": (-1, 2, -2),
    "confront": (-2, 3, -3),
    "other": (0, 0, 0),
}
_FAMILY = {
    "SR": "reflection",
    "CR": "reflection",
    "Affirm": "affirm",
    "Autonomy": "autonomy",
    "Seek": "autonomy",
    "PersuadeWithPermission": "advice_with_permission",
    "GI": "information",
    "Persuade": "advice",
    "Confront": "confront",
    "Other": "other",
}


@dataclass(frozen=True)
class ClientState:
    """The client's inner state; every field is a whole number in the range of
    ``STATE_KEYS`` (momentum from -10 to 10, the others 0 to 10)."""

    engagement: int = 5
    discord: int = 0
    momentum: int = 0
    readiness: int = 3

    @classmethod
    def from_start(cls, start: Mapping[str, int]) -> ClientState:
        return cls(**{k: int(start[k]) for k in STATE_KEYS})

    def moved(self, **deltas: int) -> ClientState:
        """A new state with each delta added and every value kept in its range."""
        values = {}
        for key, (low, high) in STATE_KEYS.items():
            values[key] = max(low, min(high, getattr(self, key) + deltas.get(key, 0)))
        return ClientState(**values)

    @property
    def band(self) -> str:
        return band_of(self)

    def to_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in STATE_KEYS}


def band_of(state: ClientState) -> str:
    """The band the client's replies are drawn from: ``discord``, ``guarded``,
    ``ambivalent``, ``engaged`` or ``mobilizing``."""
    if state.discord >= 5:
        return "discord"
    if state.engagement <= 2:
        return "guarded"
    if state.readiness >= 7 and state.momentum >= 5 and state.engagement >= 6:
        return "mobilizing"
    if state.engagement >= 6 and state.momentum >= 1:
        return "engaged"
    return "ambivalent"


def move_of(coding: Coding) -> str:
    """The move family of a coded learner turn (``reflection``, ``open_question``, ...)."""
    if coding.code == "Question":
        return "open_question" if coding.question_type == "open" else "closed_question"
    return _FAMILY.get(coding.code, "other")


@dataclass(frozen=True)
class Exchange:
    """One learner turn and the client's reply, with the state before and after."""

    index: int
    said: str
    coding: Coding
    move: str
    reply: Reply
    bucket: str
    talk: str
    before: ClientState
    after: ClientState


# ---------------------------------------------------------------- dynamics


def step(talk: Conversation, said: str, coding: Coding) -> Exchange:
    """The client's reply to ``said`` (coded as ``coding``) and the state it leaves."""
    before = talk.client
    move = move_of(coding)
    effect = "complex_reflection" if coding.code == "CR" else move
    d_eng, d_dis, d_mom = EFFECTS[effect]
    if move in LISTENING and before.discord >= 5:
        d_mom = 0  # rolling with discord lowers it first; change talk comes later
    recent = [e.move for e in talk.exchanges[-2:]]
    if move == "closed_question" and recent == ["closed_question"] * 2:
        d_eng -= 1  # a run of closed questions feels like an interview
    state = before.moved(engagement=d_eng, discord=d_dis, momentum=d_mom)
    index = len(talk.exchanges) + 1
    rng = random.Random(f"{talk.scenario.id}:{talk.seed}:{index}")
    bucket = _bucket(state, move, rng)
    kind = BUCKET_TALK[bucket]
    after = state.moved(momentum={"change": 1, "sustain": -1}.get(kind, 0))
    if kind == "change" and after.momentum >= 3:
        after = after.moved(readiness=2 if bucket == "mobilizing" else 1)
    elif kind == "sustain" and after.momentum <= -3:
        after = after.moved(readiness=-1)
    reply = _pick(talk, bucket, rng)
    return Exchange(index, said, coding, move, reply, bucket, kind, before, after)


def _bucket(state: ClientState, move: str, rng: random.Random) -> str:
    band = band_of(state)
    if move in PUSHING:
        return "defensive" if move == "confront" or band == "discord" else "sustain"
    if band == "discord":
        return "softening" if move in LISTENING else "defensive"
    if move in {"closed_question", "information", "other"}:
        return "guarded" if band == "guarded" else "neutral_answer"
    if band == "guarded":
        return "guarded"
    if move == "advice_with_permission":
        return "considering"
    if band == "mobilizing":
        return "mobilizing"
    chance = 0.55 + 0.08 * state.momentum + 0.04 * (state.engagement - 5)
    if rng.random() < max(0.15, min(0.95, chance)):
        return "answer" if move == "open_question" else "elaborate"
    return "sustain"


def _pick(talk: Conversation, bucket: str, rng: random.Random) -> Reply:
    """A reply from ``bucket`` not used in this conversation yet, while any are left."""
    pool = talk.scenario.replies[bucket]
    used = [e.reply for e in talk.exchanges if e.bucket == bucket]
    fresh = [r for r in pool if r not in used[-(len(pool) - 1) :]] if len(pool) > 1 else []
    return rng.choice(fresh or list(pool))
