"""Change talk and sustain talk: sort client statements, name the DARN-CAT kind, and
practise the EARS responses to change talk.

Each card is sorted as change talk, sustain talk, neutral, or both (a statement that
mixes the two); change talk also gets its DARN-CAT kind. The learner's answers are
kept with the expected ones, so a summary of what was confused with what can be
built from the saved state alone.

Example::

    >>> deck = load_deck()
    >>> card = deck.cards[0]
    >>> result = check_sort(deck, card, card.talk, card.kind)
    >>> result.talk_right
    True
    >>> state = SorterState().answer(result.answer)
    >>> summarize(state).talk_right
    1
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from mi_toolkit.core._practice import StateError, fill, read_list, state_header, text_field
from mi_toolkit.core._sorter_content import (
    DARN_CAT,
    EARS,
    TALK_TYPES,
    Card,
    DeckContent,
    EarsItem,
    Label,
    load_deck,
)
from mi_toolkit.core._sorter_summary import SortSummary, describe_confusions, summarize

__all__ = [
    "DARN_CAT",
    "EARS",
    "TALK_TYPES",
    "Card",
    "DeckContent",
    "EarsAnswer",
    "EarsItem",
    "EarsResult",
    "Label",
    "SortAnswer",
    "SortResult",
    "SortSummary",
    "SorterState",
    "StateError",
    "check_ears",
    "check_sort",
    "describe_confusions",
    "load_deck",
    "summarize",
]

SCHEMA_VERSION = 1
KIND = "change_talk_sorter"
MAX_ANSWERS = 1000


# ---------------------------------------------------------------- answers


@dataclass(frozen=True)
class SortAnswer:
    """One sorted card: what the learner chose and what was expected."""

    card_id: str
    talk: str
    kind: str | None
    expected_talk: str
    expected_kind: str | None

    @property
    def talk_right(self) -> bool:
        return self.talk == self.expected_talk

    @property
    def kind_right(self) -> bool:
        return self.expected_kind is not None and self.kind == self.expected_kind

    def to_dict(self) -> dict[str, Any]:
        return {
            "card_id": self.card_id,
            "talk": self.talk,
            "kind": self.kind,
            "expected_talk": self.expected_talk,
            "expected_kind": self.expected_kind,
        }

    @classmethod
    def from_dict(cls, data: Any) -> SortAnswer:
        if not isinstance(data, dict):
            raise StateError("a sorted card must be an object")
        talk, expected = data.get("talk"), data.get("expected_talk")
        if talk not in TALK_TYPES or expected not in TALK_TYPES:
            raise StateError(f"unknown talk type in a sorted card: {talk!r} / {expected!r}")
        kind, expected_kind = data.get("kind"), data.get("expected_kind")
        for value in (kind, expected_kind):
            if value is not None and value not in DARN_CAT:
                raise StateError(f"unknown DARN-CAT kind {value!r}")
        return cls(text_field(data, "card_id", limit=200), talk, kind, expected, expected_kind)


@dataclass(frozen=True)
class EarsAnswer:
    """One labelled EARS example."""

    item_id: str
    chosen: str
    expected: str

    def to_dict(self) -> dict[str, Any]:
        return {"item_id": self.item_id, "chosen": self.chosen, "expected": self.expected}

    @classmethod
    def from_dict(cls, data: Any) -> EarsAnswer:
        if not isinstance(data, dict):
            raise StateError("an EARS answer must be an object")
        chosen, expected = data.get("chosen"), data.get("expected")
        if chosen not in EARS or expected not in EARS:
            raise StateError(f"unknown EARS response {chosen!r} / {expected!r}")
        return cls(text_field(data, "item_id", limit=200), chosen, expected)


# ---------------------------------------------------------------- checking


@dataclass(frozen=True)
class SortResult:
    """Feedback on one sorted card. ``answer`` is ``None`` when nothing was recorded
    (talk type or kind not chosen yet); ``lines`` say what was right and why."""

    answer: SortAnswer | None
    lines: tuple[str, ...]
    talk_right: bool = False
    kind_right: bool | None = None


def check_sort(deck: DeckContent, card: Card, talk: str | None, kind: str | None) -> SortResult:
    """Check a learner's sorting of ``card``: talk type, then the DARN-CAT kind."""
    f = deck.feedback
    if talk not in TALK_TYPES:
        return SortResult(None, (f["choose_talk"],))
    chosen_talk = deck.talk_types[talk].label
    if talk in ("change", "mixed") and kind not in DARN_CAT:
        return SortResult(None, (fill(f["choose_kind"], chosen=chosen_talk),))
    kind = kind if talk in ("change", "mixed") else None
    answer = SortAnswer(card.id, talk, kind, card.talk, card.kind)
    expected_talk = deck.talk_types[card.talk].label
    lines = []
    if answer.talk_right:
        lines.append(fill(f["talk_right"], expected=expected_talk))
    else:
        lines.append(fill(f["talk_wrong"], expected=expected_talk, chosen=chosen_talk))
        if card.talk == "mixed" and talk in ("change", "sustain"):
            lines.append(f["mixed_half"])
    kind_right = None
    if card.kind is not None and kind is not None:
        kind_right = kind == card.kind
        expected_kind = deck.kinds[card.kind].label
        if kind_right:
            lines.append(fill(f["kind_right"], expected=expected_kind))
        else:
            chosen_kind = deck.kinds[kind].label
            lines.append(fill(f["kind_wrong"], expected=expected_kind, chosen=chosen_kind))
    lines.append(card.why)
    return SortResult(answer, tuple(lines), answer.talk_right, kind_right)


@dataclass(frozen=True)
class EarsResult:
    answer: EarsAnswer | None
    lines: tuple[str, ...]
    right: bool = False


def check_ears(deck: DeckContent, item: EarsItem, chosen: str | None) -> EarsResult:
    """Check the EARS label a learner gave ``item``."""
    f = deck.feedback
    if chosen not in EARS:
        return EarsResult(None, (f["ears_choose"],))
    answer = EarsAnswer(item.id, chosen, item.answer)
    expected = deck.ears[item.answer].label
    if chosen == item.answer:
        first = fill(f["ears_right"], expected=expected)
    else:
        first = fill(f["ears_wrong"], expected=expected, chosen=deck.ears[chosen].label)
    return EarsResult(answer, (first, item.why), chosen == item.answer)


# ---------------------------------------------------------------- state


@dataclass(frozen=True)
class SorterState:
    """Where the learner is in the deck and the EARS examples, and every answer.

    One answer per card: the first one counts (a card can be sorted again only
    after :meth:`start_again`, which clears the deck).
    """

    position: int = 0
    answers: tuple[SortAnswer, ...] = ()
    ears_position: int = 0
    ears_answers: tuple[EarsAnswer, ...] = ()

    def answer(self, answer: SortAnswer) -> SorterState:
        if self.answer_for(answer.card_id) is not None:
            return self
        return replace(self, answers=(*self.answers, answer)[-MAX_ANSWERS:])

    def answer_for(self, card_id: str) -> SortAnswer | None:
        return next((a for a in self.answers if a.card_id == card_id), None)

    def move_to(self, position: int) -> SorterState:
        return replace(self, position=max(0, position))

    def start_again(self) -> SorterState:
        return replace(self, position=0, answers=())

    def answer_ears(self, answer: EarsAnswer) -> SorterState:
        if self.ears_answer_for(answer.item_id) is not None:
            return self
        return replace(self, ears_answers=(*self.ears_answers, answer)[-MAX_ANSWERS:])

    def ears_answer_for(self, item_id: str) -> EarsAnswer | None:
        return next((a for a in self.ears_answers if a.item_id == item_id), None)

    def move_ears_to(self, position: int) -> SorterState:
        return replace(self, ears_position=max(0, position))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": KIND,
            "position": self.position,
            "answers": [a.to_dict() for a in self.answers],
            "ears_position": self.ears_position,
            "ears_answers": [a.to_dict() for a in self.ears_answers],
        }

    @classmethod
    def from_dict(cls, data: Any) -> SorterState:
        data = state_header(data, kind=KIND, version=SCHEMA_VERSION, what="change-talk sorting")
        positions = []
        for key in ("position", "ears_position"):
            value = data.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise StateError(f"{key} must be a whole number from 0, got {value!r}")
            positions.append(value)
        return cls(
            position=positions[0],
            answers=_first_per(read_list(data, "answers", SortAnswer.from_dict, MAX_ANSWERS)),
            ears_position=positions[1],
            ears_answers=_first_per(
                read_list(data, "ears_answers", EarsAnswer.from_dict, MAX_ANSWERS)
            ),
        )


def _first_per(answers: tuple) -> tuple:
    seen: set[str] = set()
    out = []
    for a in answers:
        key = getattr(a, "card_id", None) or getattr(a, "item_id", "")
        if key not in seen:
            seen.add(key)
            out.append(a)
    return tuple(out)
