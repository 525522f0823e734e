"""Personal Values Card Sort: sort 83 values into five piles, then rank the top ones.

The top values are where developing discrepancy starts: a person who has said
what matters most can look at how today's actions fit with it (see
:mod:`mi_toolkit.core.discrepancy`).

Example::

    >>> content = load_values_content()
    >>> len(content.cards)
    83
    >>> state = ValuesSortState().place(content, 3, "most").place(content, 1, "very")
    >>> state.sorted_count, state.top_names(content)
    (2, ('Achievement',))
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from mi_toolkit.core._practice import StateError, state_header
from mi_toolkit.core._values_content import (
    PILES,
    ValueCard,
    ValuesContent,
    load_value_cards,
    load_values_content,
)

__all__ = [
    "PILES",
    "PileFullError",
    "StateError",
    "ValueCard",
    "ValuesContent",
    "ValuesSortState",
    "load_value_cards",
    "load_values_content",
]

SCHEMA_VERSION = 1
KIND = "values_card_sort"
MAX_CARDS = 1000


class PileFullError(ValueError):
    """The Most important pile already holds ``top_limit`` values."""


@dataclass(frozen=True)
class ValuesSortState:
    """Which pile each card is in, the ranking of the Most important pile, and the
    card on show. Immutable: every change returns a new state.

    ``ranking`` always lists exactly the cards in the ``most`` pile, best first.
    """

    piles: dict[int, str] = field(default_factory=dict)
    ranking: tuple[int, ...] = ()
    position: int = 0

    # ------------------------------------------------------------ sorting

    def place(self, content: ValuesContent, card_id: int, pile: str) -> ValuesSortState:
        """Put a card in ``pile`` (placing it again moves it)."""
        if content.card(card_id) is None:
            raise StateError(f"there is no value card {card_id!r}")
        if pile not in PILES:
            raise StateError(f"unknown pile {pile!r}")
        if self.piles.get(card_id) == pile:
            return self
        ranking = tuple(c for c in self.ranking if c != card_id)
        if pile == "most":
            if len(ranking) >= content.top_limit:
                raise PileFullError(f"Most important already holds {content.top_limit} values")
            ranking = (*ranking, card_id)
        return replace(self, piles={**self.piles, card_id: pile}, ranking=ranking)

    def unplace(self, card_id: int) -> ValuesSortState:
        piles = {k: v for k, v in self.piles.items() if k != card_id}
        return replace(self, piles=piles, ranking=tuple(c for c in self.ranking if c != card_id))

    def move_to(self, content: ValuesContent, position: int) -> ValuesSortState:
        return replace(self, position=max(0, min(position, len(content.cards) - 1)))

    def next_unsorted(self, content: ValuesContent) -> int | None:
        """The position of the next unsorted card after the current one (wrapping)."""
        n = len(content.cards)
        for step in range(1, n + 1):
            i = (self.position + step) % n
            if content.cards[i].id not in self.piles:
                return i
        return None

    @property
    def sorted_count(self) -> int:
        return len(self.piles)

    def in_pile(self, content: ValuesContent, pile: str) -> tuple[ValueCard, ...]:
        if pile == "most":
            return tuple(c for c in (content.card(i) for i in self.ranking) if c is not None)
        return tuple(c for c in content.cards if self.piles.get(c.id) == pile)

    # ------------------------------------------------------------ ranking

    def move_rank(self, card_id: int, step: int) -> ValuesSortState:
        """Move a ranked card up (``step`` < 0) or down; a no-op at either end."""
        if card_id not in self.ranking:
            raise StateError(f"value card {card_id!r} is not in Most important")
        ranking = list(self.ranking)
        i = ranking.index(card_id)
        j = max(0, min(len(ranking) - 1, i + step))
        ranking.insert(j, ranking.pop(i))
        return replace(self, ranking=tuple(ranking))

    def top_names(self, content: ValuesContent, count: int | None = None) -> tuple[str, ...]:
        """The names of the top ranked values (``count`` defaults to the content's)."""
        count = content.feed_count if count is None else count
        return tuple(c.value for c in self.in_pile(content, "most")[:count])

    def start_again(self) -> ValuesSortState:
        return ValuesSortState()

    # ------------------------------------------------------------ saved state

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": KIND,
            "position": self.position,
            "piles": {str(k): v for k, v in sorted(self.piles.items())},
            "ranking": list(self.ranking),
        }

    @classmethod
    def from_dict(cls, data: Any) -> ValuesSortState:
        data = state_header(data, kind=KIND, version=SCHEMA_VERSION, what="values card sort")
        position = data.get("position", 0)
        if isinstance(position, bool) or not isinstance(position, int) or position < 0:
            raise StateError(f"position must be a whole number from 0, got {position!r}")
        raw_piles = data.get("piles", {})
        if not isinstance(raw_piles, dict) or len(raw_piles) > MAX_CARDS:
            raise StateError("piles must be an object of card id to pile")
        piles: dict[int, str] = {}
        for key, pile in raw_piles.items():
            if not str(key).isdigit() or pile not in PILES:
                raise StateError(f"bad pile entry {key!r}: {pile!r}")
            piles[int(key)] = pile
        raw_ranking = data.get("ranking", [])
        if not isinstance(raw_ranking, list):
            raise StateError("ranking must be a list")
        ranking: list[int] = []
        for card_id in raw_ranking:
            if isinstance(card_id, bool) or not isinstance(card_id, int):
                raise StateError(f"bad card id in ranking: {card_id!r}")
            if piles.get(card_id) == "most" and card_id not in ranking:
                ranking.append(card_id)
        # Cards in Most important missing from the ranking go at the end.
        ranking += [c for c, p in sorted(piles.items()) if p == "most" and c not in ranking]
        return cls(piles=piles, ranking=tuple(ranking), position=position)

    def fitted(self, content: ValuesContent) -> ValuesSortState:
        """This state with unknown cards dropped and the position and top pile in range
        (saved work read against content that has changed since)."""
        known = {c.id for c in content.cards}
        piles = {k: v for k, v in self.piles.items() if k in known}
        ranking = [c for c in self.ranking if c in known]
        for extra in ranking[content.top_limit :]:
            piles[extra] = "very"
        return replace(
            self,
            piles=piles,
            ranking=tuple(ranking[: content.top_limit]),
            position=max(0, min(self.position, len(content.cards) - 1)),
        )
