"""Reviewing a practice conversation: the moments change talk rose or fell, the text
export, and hints. Internal (see :mod:`mi_toolkit.core.conversation`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mi_toolkit.core._conversation_content import CommonText

if TYPE_CHECKING:  # pragma: no cover
    from mi_toolkit.core.conversation import Conversation

__all__ = ["Moment", "hint", "moments", "review_text"]


@dataclass(frozen=True)
class Moment:
    """A turn where the client's talk turned: ``direction`` is ``rose`` (towards change
    talk) or ``fell`` (towards sustain talk)."""

    index: int
    direction: str
    said: str
    move: str
    reply: str
    speaker: str
    momentum_before: int
    momentum_after: int


def moments(talk: Conversation) -> tuple[Moment, ...]:
    """Turns where the reply became change talk (or change talk grew stronger), and
    turns where it became sustain talk."""
    out = []
    previous = "neutral"
    for e in talk.exchanges:
        gain = e.after.momentum - e.before.momentum
        direction = ""
        if e.talk == "change" and (previous != "change" or gain >= 3):
            direction = "rose"
        elif e.talk == "sustain" and previous != "sustain":
            direction = "fell"
        if direction:
            speaker = e.reply.speaker or talk.scenario.client
            out.append(
                Moment(
                    e.index,
                    direction,
                    e.said,
                    e.move,
                    e.reply.text,
                    speaker,
                    e.before.momentum,
                    e.after.momentum,
                )
            )
        previous = e.talk
    return tuple(out)


def review_text(talk: Conversation) -> str:
    """The conversation as plain text, one ``T:`` / ``C:`` line a turn: the format the
    transcript coder reads, so the export can be pasted there and coded again."""
    return "".join(
        f"{'T' if u.speaker == 'practitioner' else 'C'}: {u.text}\n"
        for u in talk.transcript().utterances
    )


def hint(talk: Conversation, common: CommonText, asked: int) -> tuple[str, str]:
    """A hint for the client's state now, and one about this client; ``asked`` (how
    many hints were asked for already) rotates through them."""
    band = talk.client.band
    general = common.hints[band]
    own = talk.scenario.hints
    return general[asked % len(general)], own[asked % len(own)]
