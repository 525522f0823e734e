"""Decisional balance: the benefits and costs of changing and of staying the same.

The four cells are a well-known tool, and a risky one: with a person who is in two
minds, filling in the benefits of the status quo rehearses sustain talk, and it can
lower commitment to change (Miller & Rose, 2013). It suits a practitioner who has
chosen to stay neutral. So the content carries a caveat that is always shown, and
an evocative alternative: the change side only, explored with open questions.

Example::

    >>> content = load_balance_content()
    >>> state = BalanceState(change="walk to work").write("change_benefits", "Fresh air")
    >>> state.cells["change_benefits"]
    'Fresh air'
    >>> evocative_questions(content, state)[0]
    'What would be better for you if you were to walk to work?'
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mi_toolkit.core._plan_text import keep_text
from mi_toolkit.core._practice import Reader, StateError, fill, state_header, text_field
from mi_toolkit.core.content import read_content
from mi_toolkit.core.ruler import clean_change_name

__all__ = [
    "CELLS",
    "MODES",
    "SELF",
    "BalanceCase",
    "BalanceContent",
    "BalanceState",
    "StateError",
    "evocative_questions",
    "load_balance_content",
]

SCHEMA_VERSION = 1
KIND = "decisional_balance"
CELLS = ("change_benefits", "change_costs", "same_benefits", "same_costs")
MODES = ("evocative", "four_cells")
SELF = "self"
_FILE = "decisional_balance.json"


@dataclass(frozen=True)
class BalanceCase:
    id: str
    name: str
    change: str
    situation: str
    ambivalent: bool


@dataclass(frozen=True)
class BalanceContent:
    default_change: str
    caveat: str
    cells: dict[str, tuple[str, str]]  # cell -> (label, prompt)
    evocative_intro: str
    questions: tuple[str, ...]
    cases: tuple[BalanceCase, ...]

    def case(self, case_id: str) -> BalanceCase | None:
        return next((c for c in self.cases if c.id == case_id), None)


def load_balance_content(path: str | Path | None = None) -> BalanceContent:
    """Load and validate ``decisional_balance.json`` (packaged, or the file at ``path``)."""
    data, name = read_content(_FILE, path)
    r = Reader(name, SCHEMA_VERSION)
    r.check_version(data)
    raw_cells = r.obj(r.get(data, "cells", dict), "cells")
    cells = {}
    for cell in CELLS:
        entry = r.obj(r.get(raw_cells, cell, dict, "cells"), f"cells.{cell}")
        where = f"cells.{cell}"
        cells[cell] = (r.get(entry, "label", str, where), r.get(entry, "prompt", str, where))
    unknown = sorted(set(raw_cells) - set(CELLS))
    if unknown:
        raise r.error(f"cells.{unknown[0]}", "unknown cell")
    evocative = r.obj(r.get(data, "evocative", dict), "evocative")
    questions = r.texts(evocative, "questions", "evocative")
    for i, q in enumerate(questions):
        rest = q.replace("{change}", "")
        if "{" in rest or "}" in rest:
            raise r.error(f"evocative.questions[{i}]", "only {change} may be filled in")
    cases = []
    for i, e in enumerate(r.unique_ids(r.items(data, "cases"), "cases")):
        where = f"cases[{i}]"
        cases.append(
            BalanceCase(
                e["id"],
                r.get(e, "name", str, where),
                r.get(e, "change", str, where),
                r.get(e, "situation", str, where),
                r.get(e, "ambivalent", bool, where),
            )
        )
    return BalanceContent(
        r.get(data, "default_change", str),
        r.get(data, "caveat", str),
        cells,
        r.get(evocative, "intro", str, "evocative"),
        questions,
        tuple(cases),
    )


@dataclass(frozen=True)
class BalanceState:
    """The learner's balance sheet. ``mode`` is ``evocative`` (change side only, the
    default) or ``four_cells``; ``cells`` maps a cell to its text."""

    case_id: str = SELF
    change: str = ""
    mode: str = "evocative"
    cells: dict[str, str] = field(default_factory=lambda: dict.fromkeys(CELLS, ""))
    answers: str = ""

    def write(self, cell: str, text: str) -> BalanceState:
        if cell not in CELLS:
            raise StateError(f"unknown cell {cell!r}")
        return replace(self, cells={**self.cells, cell: keep_text(text).text})

    def edit(self, **fields: Any) -> BalanceState:
        """Set ``case_id``, ``change``, ``mode`` or ``answers`` (cleaned, checked)."""
        out = {}
        for key, raw in fields.items():
            if key == "mode":
                if raw not in MODES:
                    raise StateError(f"unknown mode {raw!r}")
                out[key] = raw
            elif key == "case_id":
                out[key] = str(raw or SELF)[:100]
            elif key == "change":
                out[key] = clean_change_name(raw).text
            elif key == "answers":
                out[key] = keep_text(raw).text
            else:
                raise StateError(f"unknown field {key!r}")
        return replace(self, **out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": KIND,
            "case_id": self.case_id,
            "change": self.change,
            "mode": self.mode,
            "cells": dict(self.cells),
            "answers": self.answers,
        }

    @classmethod
    def from_dict(cls, data: Any) -> BalanceState:
        data = state_header(data, kind=KIND, version=SCHEMA_VERSION, what="decisional balance")
        cells = data.get("cells", {})
        if not isinstance(cells, dict):
            raise StateError("cells must be an object")
        state = cls().edit(
            case_id=text_field(data, "case_id", SELF, limit=100),
            change=text_field(data, "change", limit=10_000),
            mode=data.get("mode", "evocative"),
            answers=text_field(data, "answers", limit=10_000),
        )
        for cell in CELLS:
            state = state.write(cell, text_field(cells, cell, limit=10_000))
        return state


def evocative_questions(content: BalanceContent, state: BalanceState) -> list[str]:
    """The evocative alternative's open questions about the change (plain text)."""
    case = content.case(state.case_id)
    change = state.change or (case.change if case else content.default_change)
    return [fill(q, change=change) for q in content.questions]
