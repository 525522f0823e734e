"""Scores and confusions of a learner's sorting, and their plain-language description
(the chart's alt text). Internal; use :mod:`mi_toolkit.core.sorter`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - types only, no import cycle at run time
    from mi_toolkit.core._sorter_content import DeckContent
    from mi_toolkit.core.sorter import SorterState

__all__ = ["SortSummary", "describe_confusions", "summarize"]


@dataclass(frozen=True)
class SortSummary:
    """Scores and confusions: ``talk`` and ``kinds`` count (expected, chosen) pairs."""

    sorted: int = 0
    talk_right: int = 0
    kind_total: int = 0
    kind_right: int = 0
    talk: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    ears_total: int = 0
    ears_right: int = 0

    def confusions(self) -> list[tuple[str, str, str, int]]:
        """``(what, expected, chosen, count)`` for every mismatch, most frequent first."""
        rows = [("talk", e, c, n) for (e, c), n in self.talk.items() if e != c]
        rows += [("kind", e, c, n) for (e, c), n in self.kinds.items() if e != c]
        return sorted(rows, key=lambda r: (-r[3], r[0], r[1], r[2]))


def summarize(state: SorterState) -> SortSummary:
    """Count right answers and (expected, chosen) pairs for talk type and DARN-CAT kind."""
    talk = Counter((a.expected_talk, a.talk) for a in state.answers)
    with_kind = [a for a in state.answers if a.expected_kind is not None and a.kind is not None]
    kinds = Counter((a.expected_kind, a.kind) for a in with_kind)
    return SortSummary(
        sorted=len(state.answers),
        talk_right=sum(a.talk_right for a in state.answers),
        kind_total=sum(a.expected_kind is not None for a in state.answers),
        kind_right=sum(a.kind_right for a in state.answers),
        talk=talk,
        kinds=kinds,
        ears_total=len(state.ears_answers),
        ears_right=sum(a.chosen == a.expected for a in state.ears_answers),
    )


def describe_confusions(summary: SortSummary, deck: DeckContent, top: int = 5) -> str:
    """A plain-language description of the confusions: the chart's alt text."""
    if not summary.sorted:
        return "No cards sorted yet."
    parts = [
        f"Chart of your sorting over {summary.sorted} "
        f"card{'s' if summary.sorted != 1 else ''}: talk type right {summary.talk_right} "
        f"of {summary.sorted}, DARN-CAT kind right {summary.kind_right} of {summary.kind_total}."
    ]
    rows = summary.confusions()
    if not rows:
        parts.append("Nothing was confused.")
        return " ".join(parts)
    names = {"talk": deck.talk_types, "kind": deck.kinds}
    described = [
        f"{names[what][e].label} sorted as {names[what][c].label} {n} time{'s' if n != 1 else ''}"
        for what, e, c, n in rows[:top]
    ]
    more = f" (and {len(rows) - top} more)" if len(rows) > top else ""
    parts.append("Most confused: " + "; ".join(described) + more + ".")
    return " ".join(parts)
