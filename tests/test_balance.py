"""Decisional balance: content with its caveat, saved state, the widget."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from mi_toolkit.core.balance import (
    CELLS,
    BalanceState,
    StateError,
    evocative_questions,
    load_balance_content,
)
from mi_toolkit.core.content import ContentError
from mi_toolkit.widgets.balance import DecisionalBalance

FIXTURES = Path(__file__).parent / "fixtures" / "content"
CONTENT = load_balance_content()
HOSTILE = '<img src=x onerror="alert(1)">'


def test_the_caveat_cites_miller_and_rose_and_offers_the_alternative():
    assert "Miller & Rose, 2013" in CONTENT.caveat
    assert "lower commitment" in CONTENT.caveat and "evocative alternative" in CONTENT.caveat
    assert {c.ambivalent for c in CONTENT.cases} == {True, False}


BROKEN = {
    "broken_balance_missing_cell.json": ("cells.same_costs", "missing"),
    "broken_balance_unknown_cell.json": ("cells.status_quo", "unknown cell"),
    "broken_balance_bad_question.json": ("evocative.questions[1]", "only {change}"),
    "broken_balance_ambivalent_string.json": ("cases[1].ambivalent", "expected bool"),
    "broken_balance_blank_caveat.json": ("caveat", "must not be empty"),
    "broken_balance_not_utf8.json": ("", "not UTF-8"),
}


def test_every_broken_fixture_is_listed():
    assert {p.name for p in FIXTURES.glob("broken_balance_*.json")} == set(BROKEN)


@pytest.mark.parametrize(("name", "expected"), sorted(BROKEN.items()))
def test_broken_content_fails_naming_file_and_key(name: str, expected: tuple[str, str]):
    key, problem = expected
    with pytest.raises(ContentError) as info:
        load_balance_content(FIXTURES / name)
    assert (info.value.file, info.value.key) == (name, key)
    assert problem in str(info.value)


def test_questions_use_the_change_or_the_case():
    assert "walk to work" in evocative_questions(CONTENT, BalanceState(change="walk to work"))[0]
    case = CONTENT.cases[0]
    assert case.change in evocative_questions(CONTENT, BalanceState(case_id=case.id))[0]


def test_state_round_trips_and_refuses_bad_data():
    state = BalanceState().edit(change="x", mode="four_cells").write("same_costs", "y " * 9000)
    assert len(state.cells["same_costs"]) <= 2000
    assert BalanceState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
    for bad in (None, {"schema_version": 1, "mode": "pros"}, {"schema_version": 1, "cells": []}):
        with pytest.raises(StateError):
            BalanceState.from_dict(bad)
    with pytest.raises(StateError):
        state.write("pros", "x")


def test_widget_shows_the_caveat_and_starts_evocative():
    w = DecisionalBalance()
    assert "Miller &amp; Rose, 2013" in w.caveat.value
    assert w.mode.value == "evocative" and w.cells_box.layout.display == "none"
    w.answers.value = HOSTILE
    w.summarize.click()
    assert HOSTILE not in w.summary.value and html.escape(HOSTILE) in w.summary.value


def test_four_cells_warn_when_the_person_is_ambivalent():
    w = DecisionalBalance()
    w.mode.value = "four_cells"
    assert w.cells_box.layout.display is None and "lower commitment" in w.mode_note.value
    w.whose.value = next(c.id for c in CONTENT.cases if not c.ambivalent)
    assert w.mode_note.value == ""
    for cell in CELLS:
        w.cells[cell].value = f"{cell} {HOSTILE}"
    w.summarize.click()
    assert HOSTILE not in w.summary.value and "Costs of staying the same" in w.summary.value
    again = DecisionalBalance(state=w.value)
    assert again.cells["same_costs"].value.startswith("same_costs")
