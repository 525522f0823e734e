"""Personal Values Card Sort: the cards and piles content, the sort state, the widget."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from mi_toolkit.core.content import ContentError
from mi_toolkit.core.values import (
    PILES,
    PileFullError,
    StateError,
    ValuesSortState,
    load_value_cards,
    load_values_content,
)
from mi_toolkit.widgets.values import ValuesCardSort

FIXTURES = Path(__file__).parent / "fixtures" / "content"
CONTENT = load_values_content()
HOSTILE = '<img src=x onerror="alert(1)">'

# ---------------------------------------------------------------- content


def test_the_83_public_domain_values_ship_with_the_package():
    cards = load_value_cards()
    assert len(cards) == 83
    assert [c.id for c in cards] == list(range(1, 84))
    assert cards[0].value == "Acceptance" and cards[-1].value == "World peace"
    shared = Path(__file__).parents[2] / "shared" / "data" / "personal_values_card_sort.csv"
    if shared.exists():
        packaged = Path(__file__).parents[1] / "mi_toolkit" / "content" / shared.name
        assert packaged.read_bytes() == shared.read_bytes()


def test_piles_are_the_five_in_order():
    assert list(CONTENT.piles) == list(PILES)
    assert CONTENT.feed_count <= CONTENT.top_limit


BROKEN_CARDS = {
    "broken_values_duplicate_id.csv": ("line 3.id", "duplicate id"),
    "broken_values_bad_header.csv": ("header", "expected the columns"),
    "broken_values_blank_value.csv": ("line 3.value", "must not be empty"),
    "broken_values_short_row.csv": ("line 3", "expected 3 columns"),
    "broken_values_not_utf8.csv": ("", "not UTF-8"),
}
BROKEN_SORT = {
    "broken_values_wrong_version.json": ("schema_version", "version 2 is not supported"),
    "broken_values_missing_pile.json": ("piles", "missing the pile 'somewhat'"),
    "broken_values_unknown_pile.json": ("piles[0].id", "unknown pile 'meh'"),
    "broken_values_feed_over_limit.json": ("feed_count", "must not be more than top_limit"),
    "broken_values_unknown_placeholder.json": ("feedback.placed", "unknown placeholder {card}"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_CARDS))
def test_broken_card_files_fail_naming_file_and_key(name: str):
    key, problem = BROKEN_CARDS[name]
    with pytest.raises(ContentError) as info:
        load_value_cards(FIXTURES / name)
    assert info.value.file == name and info.value.key == key
    assert problem in str(info.value)


@pytest.mark.parametrize("name", sorted(BROKEN_SORT))
def test_broken_sort_files_fail_naming_file_and_key(name: str):
    key, problem = BROKEN_SORT[name]
    with pytest.raises(ContentError) as info:
        load_values_content(FIXTURES / name)
    assert info.value.file == name and info.value.key == key
    assert problem in str(info.value)


def test_every_broken_values_fixture_is_listed():
    found = {p.name for p in FIXTURES.glob("broken_values_*")}
    assert found == set(BROKEN_CARDS) | set(BROKEN_SORT)


# ---------------------------------------------------------------- state


def test_place_move_and_rank():
    s = ValuesSortState().place(CONTENT, 1, "most").place(CONTENT, 2, "most")
    s = s.place(CONTENT, 3, "very").place(CONTENT, 1, "important")  # moved out of the top
    assert s.ranking == (2,) and s.piles[1] == "important" and s.sorted_count == 3
    s = s.place(CONTENT, 4, "most").move_rank(4, -1)
    assert s.ranking == (4, 2)
    assert s.move_rank(4, -1).ranking == (4, 2)  # already first
    assert s.top_names(CONTENT) == ("Adventure", "Accuracy")
    assert s.unplace(4).ranking == (2,)
    with pytest.raises(StateError):
        s.move_rank(3, 1)
    with pytest.raises(StateError):
        s.place(CONTENT, 999, "most")
    with pytest.raises(StateError):
        s.place(CONTENT, 1, "meh")


def test_the_top_pile_has_a_limit():
    s = ValuesSortState()
    for card in CONTENT.cards[: CONTENT.top_limit]:
        s = s.place(CONTENT, card.id, "most")
    with pytest.raises(PileFullError):
        s.place(CONTENT, CONTENT.cards[-1].id, "most")


def test_next_unsorted_wraps_and_ends():
    s = ValuesSortState().move_to(CONTENT, 82).place(CONTENT, 1, "not")
    assert s.next_unsorted(CONTENT) == 1
    for card in CONTENT.cards:
        s = s.place(CONTENT, card.id, "somewhat")
    assert s.next_unsorted(CONTENT) is None


def test_state_round_trips_and_bad_state_is_refused():
    s = ValuesSortState().place(CONTENT, 5, "most").place(CONTENT, 6, "not").move_to(CONTENT, 7)
    data = s.to_dict()
    assert data["kind"] == "values_card_sort" and data["schema_version"] == 1
    assert ValuesSortState.from_dict(data) == s
    for bad in (
        [],
        {**data, "schema_version": 2},
        {**data, "kind": "readiness_ruler"},
        {**data, "piles": {"x": "most"}},
        {**data, "piles": {"5": "top"}},
        {**data, "ranking": "5"},
        {**data, "position": -1},
    ):
        with pytest.raises(StateError):
            ValuesSortState.from_dict(bad)


def test_restored_ranking_is_repaired_against_content():
    data = {"schema_version": 1, "piles": {"5": "most", "6": "most", "999": "most"}, "ranking": [6]}
    s = ValuesSortState.from_dict(data).fitted(CONTENT)
    assert s.ranking == (6, 5) and 999 not in s.piles


# ---------------------------------------------------------------- widget


def test_widget_sorts_by_button_and_advances():
    w = ValuesCardSort()
    w.pile_buttons["very"].click()
    assert w.value.piles == {1: "very"} and w.value.position == 1
    assert "1 of 83 sorted" in w.progress.value
    assert "Acceptance is now in Very important" in w.feedback.value
    w.previous.click()
    assert w.value.position == 0 and "now in Very important" in w.card.value
    w.pile_buttons["most"].click()
    assert w.value.ranking == (1,) and w.top_values == ("Acceptance",)
    assert w.value.position == 1  # next unsorted


def test_widget_jump_rank_and_start_again():
    w = ValuesCardSort()
    w.jump.value = 83
    assert w.value.position == 82 and w.jump.value == ""
    w.pile_buttons["most"].click()
    w.jump.value = 10
    w.pile_buttons["most"].click()
    assert w.value.ranking == (83, 10)
    w.rank_pick.value = 10
    w.move_up.click()
    assert w.value.ranking == (10, 83)
    ranked = w.ranking.value
    assert "<ol" in ranked and ranked.index(CONTENT.card(10).value) < ranked.index("World peace")
    w.start_again.click()
    assert w.value == ValuesSortState()


def test_widget_warns_when_top_pile_full():
    s = ValuesSortState()
    for card in CONTENT.cards[: CONTENT.top_limit]:
        s = s.place(CONTENT, card.id, "most")
    w = ValuesCardSort(state=s.move_to(CONTENT, 50))
    w.pile_buttons["most"].click()
    assert "already holds" in w.feedback.value and 51 not in w.value.piles
    w.move_up.click()  # nothing chosen: a message, not a traceback
    assert w.status.value == ""


def test_widget_restores_saved_state_and_escapes_content():
    cards = CONTENT.cards
    from dataclasses import replace

    hostile = replace(CONTENT, cards=(replace(cards[0], description=HOSTILE), *cards[1:]))
    w = ValuesCardSort(content=hostile)
    assert HOSTILE not in w.card.value and html.escape(HOSTILE) in w.card.value
    saved = ValuesSortState().place(CONTENT, 2, "not").move_to(CONTENT, 40).to_dict()
    w.restore(ValuesSortState.from_dict(saved))
    assert "Card 41 of 83" in w.progress.value and w.value.piles == {2: "not"}
