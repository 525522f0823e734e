"""Change talk sorting: the deck, checks, scores and confusions, the chart, the widget."""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import struct
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from mi_toolkit.core.content import ContentError
from mi_toolkit.core.identity import Learner
from mi_toolkit.core.journal import Journal
from mi_toolkit.core.sorter import (
    DARN_CAT,
    EARS,
    SortAnswer,
    SorterState,
    StateError,
    check_ears,
    check_sort,
    describe_confusions,
    load_deck,
    summarize,
)
from mi_toolkit.sorter_plots import confusion_png
from mi_toolkit.widgets.lesson import LessonBar
from mi_toolkit.widgets.sorter import ChangeTalkSorter

FIXTURES = Path(__file__).parent / "fixtures" / "content"
DECK = load_deck()
CARDS = {c.id: c for c in DECK.cards}


def _card(talk: str):
    return next(c for c in DECK.cards if c.talk == talk)


# ---------------------------------------------------------------- content


def test_the_deck_is_big_and_varied():
    assert len(DECK.cards) >= 60
    talk = Counter(c.talk for c in DECK.cards)
    assert talk["change"] >= 20 and talk["sustain"] >= 10
    assert talk["neutral"] >= 8 and talk["mixed"] >= 8
    kinds = Counter(c.kind for c in DECK.cards if c.talk == "change")
    assert set(kinds) == set(DARN_CAT) and min(kinds.values()) >= 3
    assert len({c.topic for c in DECK.cards}) >= 15
    assert len({c.text for c in DECK.cards}) == len(DECK.cards)


def test_ears_items_cover_every_response():
    answers = Counter(i.answer for i in DECK.ears_items)
    assert set(answers) == set(EARS) and min(answers.values()) >= 3


def test_the_deck_is_interleaved_not_grouped():
    """No long runs of one talk type, so the order does not give the answer away."""
    run = longest = 1
    for a, b in zip(DECK.cards, DECK.cards[1:], strict=False):
        run = run + 1 if a.talk == b.talk else 1
        longest = max(longest, run)
    assert longest <= 4


def test_load_from_a_path(tmp_path: Path):
    copy = tmp_path / "deck.json"
    copy.write_bytes((resources.files("mi_toolkit.content") / "change_talk_deck.json").read_bytes())
    assert load_deck(copy) == DECK


BROKEN = {
    "broken_sorter_not_utf8.json": ("", "not UTF-8"),
    "broken_sorter_top_level_list.json": ("", "top level must be a JSON object"),
    "broken_sorter_version_is_string.json": ("schema_version", "expected int, got str"),
    "broken_sorter_unknown_talk.json": ("cards[4].talk", "unknown value 'resistance'"),
    "broken_sorter_change_without_kind.json": ("cards[0].kind", "missing"),
    "broken_sorter_sustain_with_kind.json": ("cards[1].kind", "only change and mixed"),
    "broken_sorter_missing_kind_label.json": ("kinds.need", "missing"),
    "broken_sorter_bad_ears_answer.json": ("ears_items[2].answer", "unknown value 'evoke'"),
    "broken_sorter_blank_why.json": ("cards[10].why", "must not be empty"),
    "broken_sorter_no_cards.json": ("cards", "needs at least 1 item"),
}


def _real() -> dict[str, Any]:
    ref = resources.files("mi_toolkit.content") / "change_talk_deck.json"
    return json.loads(ref.read_text("utf-8"))


def test_every_broken_sorter_fixture_is_listed():
    assert {p.name for p in FIXTURES.glob("broken_sorter_*.json")} == set(BROKEN)


@pytest.mark.parametrize(("name", "expected"), sorted(BROKEN.items()))
def test_broken_deck_fails_naming_file_and_key(name: str, expected: tuple[str, str]):
    key, problem = expected
    with pytest.raises(ContentError) as info:
        load_deck(FIXTURES / name)
    assert info.value.file == name
    assert str(info.value).startswith(name)
    assert info.value.key == key
    assert problem in str(info.value)


@pytest.mark.parametrize(
    "name", [n for n, (k, _) in BROKEN.items() if k and n != "broken_sorter_no_cards.json"]
)
def test_broken_fixture_changes_only_the_named_key(name: str):
    broken = json.loads((FIXTURES / name).read_text("utf-8"))
    real = _real()
    key = BROKEN[name][0]
    changed = [k for k in real if k not in broken or json.dumps(broken[k]) != json.dumps(real[k])]
    assert changed == [key.split(".")[0].split("[")[0]]


def test_not_utf8_and_list_fixtures_are_otherwise_the_real_deck():
    latin = json.loads((FIXTURES / "broken_sorter_not_utf8.json").read_bytes().decode("latin-1"))
    assert {k: v for k, v in latin.items() if k != "about"} == {
        k: v for k, v in _real().items() if k != "about"
    }
    listed = json.loads((FIXTURES / "broken_sorter_top_level_list.json").read_text("utf-8"))
    assert listed == [_real()]


# ---------------------------------------------------------------- checks


def test_right_talk_and_kind():
    card = CARDS["save-for-holiday"]
    result = check_sort(DECK, card, "change", "reasons")
    assert result.talk_right and result.kind_right
    assert result.answer == SortAnswer(card.id, "change", "reasons", "change", "reasons")
    assert result.lines == (
        "Right: this is Change talk.",
        "The kind is right too: Reasons.",
        card.why,
    )


def test_right_talk_wrong_kind_names_both():
    result = check_sort(DECK, CARDS["save-for-holiday"], "change", "desire")
    assert result.talk_right and result.kind_right is False
    assert "Reasons rather than Desire" in result.lines[1]


def test_wrong_talk_explains_with_the_cards_reason():
    card = CARDS["twenty-a-day"]
    result = check_sort(DECK, card, "sustain", None)
    assert not result.talk_right and result.kind_right is None
    assert result.lines == ("This one is Neutral rather than Sustain talk.", card.why)


def test_one_side_of_a_mixed_card_is_pointed_out():
    result = check_sort(DECK, CARDS["cut-down-parties"], "change", "desire")
    assert not result.talk_right and result.kind_right
    assert any("You heard one side of it" in line for line in result.lines)


def test_the_kind_is_ignored_unless_change_talk_is_chosen():
    result = check_sort(DECK, _card("neutral"), "neutral", "desire")
    assert result.answer.kind is None


@pytest.mark.parametrize(
    ("talk", "kind"), [(None, None), ("", ""), ("bogus", None), ("change", None), ("change", "")]
)
def test_missing_choices_are_asked_for_and_nothing_is_recorded(talk, kind):
    result = check_sort(DECK, _card("change"), talk, kind)
    assert result.answer is None
    assert (
        "Choose a talk type" in result.lines[0] or "also choose which DARN-CAT" in result.lines[0]
    )


def test_ears_checks():
    item = next(i for i in DECK.ears_items if i.answer == "summarize")
    assert check_ears(DECK, item, "summarize").right
    wrong = check_ears(DECK, item, "reflect")
    assert wrong.lines[0] == "This one is Summarize rather than Reflect."
    assert wrong.lines[1] == item.why
    assert check_ears(DECK, item, None).answer is None


# ---------------------------------------------------------------- state and summary


def _sorted_state() -> SorterState:
    state = SorterState()
    for card_id, talk, kind in [
        ("save-for-holiday", "change", "reasons"),
        ("football-with-kids", "change", "need"),
        ("wish-weekend-no-hangover", "change", "need"),
        ("twenty-a-day", "sustain", None),
        ("cut-down-parties", "mixed", "desire"),
    ]:
        state = state.answer(check_sort(DECK, CARDS[card_id], talk, kind).answer)
    item = DECK.ears_items[0]
    return state.answer_ears(check_ears(DECK, item, item.answer).answer).move_to(5)


def test_summary_counts_scores_and_confusions():
    summary = summarize(_sorted_state())
    assert (summary.sorted, summary.talk_right, summary.kind_total, summary.kind_right) == (
        5,
        4,
        4,
        2,
    )
    assert summary.confusions() == [
        ("kind", "desire", "need", 2),
        ("talk", "neutral", "sustain", 1),
    ]
    assert (summary.ears_right, summary.ears_total) == (1, 1)
    alt = describe_confusions(summary, DECK)
    assert "over 5 cards: talk type right 4 of 5, DARN-CAT kind right 2 of 4." in alt
    assert "Desire sorted as Need 2 times; Neutral sorted as Sustain talk 1 time." in alt


def test_describe_with_nothing_sorted_or_nothing_confused():
    assert describe_confusions(summarize(SorterState()), DECK) == "No cards sorted yet."
    card = CARDS["save-for-holiday"]
    state = SorterState().answer(check_sort(DECK, card, "change", "reasons").answer)
    assert describe_confusions(summarize(state), DECK).endswith("Nothing was confused.")


def test_the_first_answer_to_a_card_counts_until_the_deck_restarts():
    card = CARDS["save-for-holiday"]
    first = check_sort(DECK, card, "sustain", None).answer
    state = SorterState().answer(first).answer(check_sort(DECK, card, "change", "reasons").answer)
    assert state.answers == (first,)
    assert state.start_again() == SorterState()


def test_state_round_trips_through_plain_json():
    state = _sorted_state()
    data = json.loads(json.dumps(state.to_dict()))
    assert data["schema_version"] == 1 and data["kind"] == "change_talk_sorter"
    assert SorterState.from_dict(data) == state


@pytest.mark.parametrize(
    "data",
    [
        "state",
        {"schema_version": 2},
        {"schema_version": 1, "kind": "oars_practice"},
        {"schema_version": 1, "position": -1},
        {"schema_version": 1, "position": True},
        {"schema_version": 1, "answers": [{"talk": "maybe", "expected_talk": "change"}]},
        {
            "schema_version": 1,
            "answers": [{"talk": "change", "expected_talk": "change", "kind": "wish"}],
        },  # fmt: skip
        {"schema_version": 1, "ears_answers": [{"chosen": "echo", "expected": "reflect"}]},
        {"schema_version": 1, "ears_answers": "all"},
    ],
)
def test_bad_saved_state_raises_state_error(data):
    with pytest.raises(StateError):
        SorterState.from_dict(data)


# ---------------------------------------------------------------- chart


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")
    return struct.unpack(">II", data[16:24])


def test_confusion_chart_renders_empty_and_full():
    assert _png_size(confusion_png(summarize(SorterState()), DECK)) == (800, 380)
    assert _png_size(confusion_png(summarize(_sorted_state()), DECK)) == (800, 380)


def test_confusions_are_drawn_in_orange():
    import matplotlib.image as mpimg
    import numpy as np

    def orange_pixels(png: bytes) -> int:
        rgb = mpimg.imread(io.BytesIO(png), format="png")[..., :3]
        return int(((rgb[..., 0] > 0.8) & (rgb[..., 2] < 0.5)).sum())

    card = CARDS["save-for-holiday"]
    right = SorterState().answer(check_sort(DECK, card, "change", "reasons").answer)
    assert orange_pixels(confusion_png(summarize(right), DECK)) == 0
    assert orange_pixels(confusion_png(summarize(_sorted_state()), DECK)) > 100
    assert np is not None


def test_importing_the_chart_module_does_not_import_matplotlib(tmp_path: Path):
    code = (
        "import sys, mi_toolkit.sorter_plots, mi_toolkit.core.sorter\n"
        "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert out.stdout.split() == ["False", "False"]


# ---------------------------------------------------------------- widget


@pytest.fixture
def sorter() -> ChangeTalkSorter:
    return ChangeTalkSorter()


@pytest.mark.parametrize("seed", ["0", "3", "6", "8"])
def test_placeholder_options_are_selected_whatever_the_hash_seed(seed: str, tmp_path: Path):
    """A None option value could leave a drop-down blank (index None) for some seeds."""
    code = (
        "from mi_toolkit.widgets.sorter import ChangeTalkSorter\n"
        "from mi_toolkit.widgets.oars import OarsPractice\n"
        "s, o = ChangeTalkSorter(), OarsPractice()\n"
        "print(s.talk.index, s.kind.index, s.ears_choice.index, o.classify_choice.index)"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
        check=True,
    )  # fmt: skip
    assert out.stdout.split() == ["0", "0", "0", "0"]


def test_starts_on_card_one(sorter: ChangeTalkSorter):
    assert sorter.value == SorterState()
    assert f"Card 1 of {len(DECK.cards)}" in sorter.progress.value
    assert html.escape(DECK.cards[0].text) in sorter.card.value
    assert sorter.kind.disabled and not sorter.check.disabled
    assert sorter.talk.value == "" and sorter.summary.value == ""


def test_sorting_a_card_by_choosing_and_checking(sorter: ChangeTalkSorter):
    card = DECK.cards[0]
    sorter.check.click()
    assert "Choose a talk type first" in sorter.feedback.value
    sorter.talk.value = "change"
    assert not sorter.kind.disabled
    sorter.check.click()
    assert "also choose which DARN-CAT kind" in sorter.feedback.value
    sorter.kind.value = card.kind
    sorter.check.click()
    assert sorter.value.answers[0].talk_right and sorter.value.answers[0].kind_right
    assert "Right: this is Change talk." in sorter.feedback.value
    assert 'role="status"' in sorter.feedback.value
    assert sorter.check.disabled
    assert "Talk type right: 1 of 1. DARN-CAT kind right: 1 of 1." in sorter.progress.value

    sorter.next_card.click()
    assert sorter.value.position == 1
    assert sorter.talk.value == "" and sorter.feedback.value == ""
    assert not sorter.check.disabled
    sorter.talk.value = "neutral"
    assert sorter.kind.disabled
    sorter.check.click()
    assert "rather than Neutral" in sorter.feedback.value


def test_summary_shows_chart_with_alt_text_and_table(sorter: ChangeTalkSorter):
    sorter.show_summary.click()
    assert "Sort a few cards first" in sorter.summary.value
    sorter.restore(_sorted_state())
    sorter.show_summary.click()
    match = re.search(
        r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)">', sorter.summary.value
    )
    assert match
    assert _png_size(base64.b64decode(match.group(1))) == (800, 380)
    assert "Desire sorted as Need 2 times" in html.unescape(match.group(2))
    assert "<td>DARN-CAT kind</td><td>Desire</td><td>Need</td><td>2</td>" in sorter.summary.value
    assert "<caption>What you confused</caption>" in sorter.summary.value


def test_the_end_of_the_deck_shows_the_summary(sorter: ChangeTalkSorter):
    sorter.restore(SorterState(position=len(DECK.cards) - 1))
    last = DECK.cards[-1]
    sorter.talk.value = last.talk
    sorter.kind.value = last.kind
    sorter.check.click()
    assert "That was the last card" in sorter.summary.value
    assert "<img" in sorter.summary.value
    sorter.next_card.click()
    assert sorter.value.position == len(DECK.cards) - 1
    sorter.start_again.click()
    assert sorter.value.answers == () and sorter.value.position == 0
    assert sorter.summary.value == ""


def test_ears_practice(sorter: ChangeTalkSorter):
    item = DECK.ears_items[0]
    assert html.escape(item.response, quote=True) in sorter.ears_item.value
    assert "Practitioner:" in sorter.ears_item.value
    sorter.ears_check.click()
    assert "Choose which kind of response" in sorter.ears_feedback.value
    sorter.ears_choice.value = "none"
    sorter.ears_check.click()
    assert "rather than Not an EARS response" in sorter.ears_feedback.value
    assert "EARS examples right: 0 of 1." in sorter.ears_progress.value
    for _ in DECK.ears_items:
        sorter.ears_next.click()
    assert sorter.value.ears_position == 0
    assert "That was the last example" in sorter.ears_feedback.value
    assert sorter.ears_choice.value == "none"  # the answer given is shown again


def test_restore_shows_the_card_and_its_answer():
    position = next(i for i, c in enumerate(DECK.cards) if c.id == "football-with-kids")
    state = _sorted_state().move_to(position)
    sorter = ChangeTalkSorter(state=SorterState.from_dict(state.to_dict()))
    assert sorter.talk.value == "change" and sorter.kind.value == "need"
    assert sorter.check.disabled
    assert "Desire rather than Need" in sorter.feedback.value
    assert sorter.value == state


def test_restore_clamps_a_position_past_the_end():
    sorter = ChangeTalkSorter(state=SorterState(position=999, ears_position=999))
    assert sorter.value.position == len(DECK.cards) - 1
    assert sorter.value.ears_position == len(DECK.ears_items) - 1


def test_content_text_is_escaped():
    card = replace(DECK.cards[0], text="<b>bold</b> & <script>x()</script>")
    deck = replace(DECK, cards=(card, *DECK.cards[1:]))
    sorter = ChangeTalkSorter(deck=deck)
    assert "<script>" not in sorter.card.value and "<b>" not in sorter.card.value
    assert "&lt;script&gt;" in sorter.card.value


def test_lesson_bar_saves_and_restores_the_sorter():
    journal = Journal(":memory:")
    bar = LessonBar("change_talk", journal=journal, learner=Learner("bo", "url"), save_delay=0)
    sorter = bar.track(ChangeTalkSorter(), "practice")
    sorter.talk.value = "neutral"
    sorter.check.click()
    sorter.next_card.click()
    saved = journal.load("bo", "change_talk", "practice")
    assert saved["kind"] == "change_talk_sorter" and saved["position"] == 1
    again = LessonBar("change_talk", journal=journal, learner=Learner("bo", "url"))
    restored = again.track(ChangeTalkSorter(), "practice")
    assert restored.value.position == 1 and len(restored.value.answers) == 1


def test_an_error_in_a_handler_is_shown_not_raised(sorter, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ValueError("deck jammed")

    monkeypatch.setattr("mi_toolkit.widgets.sorter.check_sort", broken)
    sorter.talk.value = "neutral"
    sorter.check.click()
    assert "Something went wrong (ValueError: deck jammed)" in sorter.status.value
    assert sorter.value.answers == ()
