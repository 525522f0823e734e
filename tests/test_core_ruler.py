"""The ruler model: follow-up questions, ratings, saved state, learner text, history text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mi_toolkit.core.ruler import (
    MAX_CHANGE_CHARS,
    MAX_HISTORY,
    SCALES,
    RulerPrompts,
    RulerRecord,
    RulerState,
    StateError,
    clean_change_name,
    describe_history,
    follow_ups,
    load_ruler_prompts,
    question_for,
)

VALUES = range(11)
T0 = datetime(2024, 3, 1, 9, 30, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def prompts() -> RulerPrompts:
    return load_ruler_prompts()


@pytest.fixture(scope="module")
def marker_prompts(prompts: RulerPrompts) -> RulerPrompts:
    """The packaged prompts with templates that say which branch produced them."""
    scales = {
        name: replace(
            text,
            at_zero=("ZERO value={value} change={change}",),
            in_between=("MID value={value} lower={lower} higher={higher} change={change}",),
            at_ten=("TEN value={value} change={change}",),
        )
        for name, text in prompts.scales.items()
    }
    return replace(prompts, scales=scales)


# ---------------------------------------------------------------- follow-ups


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("value", VALUES)
def test_follow_up_branch_for_each_value(marker_prompts: RulerPrompts, scale: str, value: int):
    got = follow_ups(marker_prompts, scale, value, "walk to work")
    if value == 0:
        assert got == ["ZERO value=0 change=walk to work"]
    elif value == 10:
        assert got == ["TEN value=10 change=walk to work"]
    else:
        assert got == [
            f"MID value={value} lower={value // 2} higher={value + 1} change=walk to work"
        ]


@pytest.mark.parametrize("scale", SCALES)
def test_zero_and_ten_use_their_own_packaged_prompts(prompts: RulerPrompts, scale: str):
    text = prompts.scales[scale]
    assert follow_ups(prompts, scale, 0, "x") == list(text.at_zero)
    assert follow_ups(prompts, scale, 10, "x") == list(text.at_ten)
    assert set(follow_ups(prompts, scale, 0, "x")).isdisjoint(follow_ups(prompts, scale, 5, "x"))


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("value", range(1, 10))
def test_in_between_names_the_value_and_a_lower_number(
    prompts: RulerPrompts, scale: str, value: int
):
    got = follow_ups(prompts, scale, value, "walk to work")
    assert len(got) == len(prompts.scales[scale].in_between)
    joined = " ".join(got)
    numbers = [int(n) for n in re.findall(r"\d+", joined)]
    assert value in numbers
    # "... and not a lower number, like 3?" / "... and not at 3?" / "not a 3?"
    after_not = [
        int(n) for n in re.findall(r"\bnot (?:a |at )?(?:lower number, like )?(\d+)", joined)
    ]
    assert after_not, f"no 'not <lower number>' question in {got!r}"
    assert all(n < value for n in after_not), got


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("value", VALUES)
def test_never_asks_why_not_higher(prompts: RulerPrompts, scale: str, value: int):
    for question in follow_ups(prompts, scale, value, "walk to work"):
        lowered = question.lower()
        assert "not higher" not in lowered
        assert "why not" not in lowered
        assert "not a higher" not in lowered
        numbers = [int(n) for n in re.findall(r"\d+", question)]
        assert all(n <= value + 1 for n in numbers), (value, question)
        # Whatever number follows "not" is below the rating, never above it.
        for n in re.findall(r"\bnot\b[^?]*?(\d+)", question):
            assert int(n) < value, (value, question)


@pytest.mark.parametrize("bad", [-1, 11, 3.5, True, "6", None])
def test_invalid_ratings_raise_state_error(prompts: RulerPrompts, bad: Any):
    with pytest.raises(StateError):
        follow_ups(prompts, "importance", bad)
    if bad is not None:  # None means "unrated" in state, but is not a rating to follow up
        with pytest.raises(StateError):
            RulerState().rate("importance", bad)


def test_rate_rejects_an_unknown_scale():
    with pytest.raises(StateError):
        RulerState().rate("motivation", 5)


def test_question_uses_change_or_the_default(prompts: RulerPrompts):
    assert question_for(prompts, "importance", "walk to work") == (
        "How important is it to you to walk to work?"
    )
    assert prompts.default_change in question_for(prompts, "readiness", "")


# ---------------------------------------------------------------- state


def _state_with_history() -> RulerState:
    state = RulerState(change="walk to work").rate("importance", 6).rate("confidence", 3)
    state = state.record(T0)
    state = state.rate("readiness", 10).rate("confidence", None).record(T0 + timedelta(days=1))
    return state.rename("cycle to work").rate("importance", 0)


def test_rate_returns_a_new_state():
    before = RulerState()
    after = before.rate("importance", 6)
    assert before.ratings["importance"] is None
    assert after.ratings == {"importance": 6, "confidence": None, "readiness": None}


def test_round_trip_to_dict_from_dict():
    state = _state_with_history()
    data = state.to_dict()
    assert data["schema_version"] == 1
    assert data["change"] == "cycle to work"
    assert data["ratings"] == {"importance": 0, "confidence": None, "readiness": 10}
    assert [h["ratings"] for h in data["history"]] == [
        {"importance": 6, "confidence": 3, "readiness": None},
        {"importance": 6, "confidence": None, "readiness": 10},
    ]
    assert data["history"][0]["taken_at"] == "2024-03-01T09:30:00+00:00"
    restored = RulerState.from_dict(data)
    assert restored == state
    assert restored.history[1].change == "walk to work"
    assert RulerState.from_dict(restored.to_dict()).to_dict() == data


def test_to_dict_is_plain_json():
    import json

    data = _state_with_history().to_dict()
    assert json.loads(json.dumps(data)) == data


@pytest.mark.parametrize("version", [None, 0, 2, "1", 1.5])
def test_from_dict_rejects_wrong_schema_version(version: Any):
    data = _state_with_history().to_dict()
    if version is None:
        del data["schema_version"]
    else:
        data["schema_version"] = version
    with pytest.raises(StateError, match="schema version"):
        RulerState.from_dict(data)


@pytest.mark.parametrize("data", [None, [], "state", 1, [("schema_version", 1)]])
def test_from_dict_rejects_non_dict(data: Any):
    with pytest.raises(StateError):
        RulerState.from_dict(data)


@pytest.mark.parametrize(
    "ratings",
    [
        "six",
        [6, 3, 1],
        {"importance": 11},
        {"importance": -1},
        {"confidence": "6"},
        {"readiness": 2.5},
        {"readiness": True},
    ],
)
def test_from_dict_rejects_bad_ratings(ratings: Any):
    data = _state_with_history().to_dict()
    data["ratings"] = ratings
    with pytest.raises(StateError):
        RulerState.from_dict(data)


def _good_record() -> dict[str, Any]:
    return {
        "taken_at": "2024-03-01T09:30:00+00:00",
        "change": "walk",
        "ratings": {"importance": 6},
    }


@pytest.mark.parametrize(
    "entry",
    [
        "not a record",
        None,
        7,
        ["2024-03-01", "walk", {}],
        {k: v for k, v in _good_record().items() if k != "taken_at"},
        {k: v for k, v in _good_record().items() if k != "ratings"},
        {**_good_record(), "taken_at": "yesterday"},
        {**_good_record(), "taken_at": None},
        {**_good_record(), "ratings": "6"},
        {**_good_record(), "ratings": {"importance": 12}},
        {**_good_record(), "ratings": {"importance": "6"}},
    ],
)
def test_from_dict_rejects_bad_history_entries(entry: Any):
    data = RulerState().to_dict()
    data["history"] = [_good_record(), entry]
    with pytest.raises(StateError):
        RulerState.from_dict(data)


def test_from_dict_rejects_history_that_is_not_a_list():
    data = RulerState().to_dict()
    data["history"] = {"0": _good_record()}
    with pytest.raises(StateError):
        RulerState.from_dict(data)


def test_from_dict_accepts_a_good_history_entry_and_fills_missing_scales():
    data = RulerState().to_dict()
    data["history"] = [_good_record()]
    (record,) = RulerState.from_dict(data).history
    assert record == RulerRecord(
        taken_at="2024-03-01T09:30:00+00:00",
        change="walk",
        ratings={"importance": 6, "confidence": None, "readiness": None},
    )


def test_from_dict_cleans_the_change_name():
    data = RulerState().to_dict()
    data["change"] = "  walk\u200b to\x00 work  "
    assert RulerState.from_dict(data).change == "walk to work"


def test_record_without_ratings_raises():
    with pytest.raises(StateError):
        RulerState(change="walk").record(T0)
    with pytest.raises(StateError):
        RulerState().rate("importance", 4).rate("importance", None).record(T0)


def test_record_uses_the_given_time_and_copies_ratings():
    state = RulerState(change="walk").rate("confidence", 7)
    recorded = state.record(T0)
    assert recorded.history == (
        RulerRecord(
            taken_at="2024-03-01T09:30:00+00:00",
            change="walk",
            ratings={"importance": None, "confidence": 7, "readiness": None},
        ),
    )
    later = recorded.rate("confidence", 2)
    assert later.history[0].ratings["confidence"] == 7
    assert state.history == ()


def test_record_without_a_time_uses_now_in_utc():
    before = datetime.now(UTC).replace(microsecond=0)
    taken = datetime.fromisoformat(RulerState().rate("importance", 1).record().history[0].taken_at)
    assert taken.utcoffset() == timedelta(0)
    assert before <= taken <= datetime.now(UTC)


def test_history_is_capped_at_max_history():
    state = RulerState().rate("importance", 5)
    extra = 5
    for i in range(MAX_HISTORY + extra):
        state = state.record(T0 + timedelta(minutes=i))
    assert len(state.history) == MAX_HISTORY
    assert state.history[0].taken_at == (T0 + timedelta(minutes=extra)).isoformat()
    assert (
        state.history[-1].taken_at == (T0 + timedelta(minutes=MAX_HISTORY + extra - 1)).isoformat()
    )


def test_from_dict_keeps_only_the_last_max_history_records():
    records = [
        {**_good_record(), "taken_at": (T0 + timedelta(minutes=i)).isoformat()}
        for i in range(MAX_HISTORY + 3)
    ]
    data = {**RulerState().to_dict(), "history": records}
    history = RulerState.from_dict(data).history
    assert len(history) == MAX_HISTORY
    assert history[0].taken_at == records[3]["taken_at"]


# ---------------------------------------------------------------- learner text


@pytest.mark.parametrize("raw", [None, "", " ", "   \t\n  ", "\u200b\u200b", "\x00\x07", "\u3000"])
def test_blank_change_name(raw: str | None):
    cleaned = clean_change_name(raw)
    assert cleaned.was_blank
    assert not cleaned.was_shortened
    assert cleaned.text == ""


def test_ordinary_name_is_kept():
    cleaned = clean_change_name("walk to work twice a week")
    assert cleaned.text == "walk to work twice a week"
    assert not cleaned.was_blank
    assert not cleaned.was_shortened


def test_whitespace_runs_collapse():
    assert clean_change_name("  walk \t to\n\nwork  ").text == "walk to work"


def test_long_name_with_html_is_shortened_and_html_kept_as_text():
    raw = ('<script>alert("x")</script> <b>walk</b> to work & back ' * 200)[:5000]
    assert len(raw) == 5000
    cleaned = clean_change_name(raw)
    assert cleaned.was_shortened
    assert not cleaned.was_blank
    assert len(cleaned.text) <= MAX_CHANGE_CHARS + 1
    assert cleaned.text.endswith("…")
    assert cleaned.text.startswith('<script>alert("x")</script> <b>walk</b>')
    assert "&lt;" not in cleaned.text and "&amp;" not in cleaned.text


def test_long_name_without_spaces_is_cut_at_the_limit():
    cleaned = clean_change_name("x" * 5000)
    assert cleaned.was_shortened
    assert cleaned.text == "x" * MAX_CHANGE_CHARS + "…"


def test_name_at_the_limit_is_not_shortened():
    cleaned = clean_change_name("y" * MAX_CHANGE_CHARS)
    assert not cleaned.was_shortened
    assert cleaned.text == "y" * MAX_CHANGE_CHARS


def test_combining_accents_are_normalised_to_nfc():
    raw = unicodedata.normalize("NFD", "café crème")
    assert raw != "café crème"
    assert clean_change_name(raw).text == "café crème"


def test_zero_width_and_control_characters_are_removed():
    raw = "walk\u200b to\u00ad work\x00\x1b[31m\u2060\ufeff\x7f"
    assert clean_change_name(raw).text == "walk to work[31m"


def test_emoji_and_rtl_text_are_kept():
    assert clean_change_name("walk 🚶 to work 🏢").text == "walk 🚶 to work 🏢"
    assert clean_change_name("ללכת לעבודה").text == "ללכת לעבודה"
    assert clean_change_name("المشي إلى العمل").text == "المشي إلى العمل"


def test_emoji_zwj_sequences_and_joiners_in_words_are_kept():
    assert clean_change_name("code 👩\u200d💻").text == "code 👩\u200d💻"
    assert clean_change_name("می\u200cخواهم").text == "می\u200cخواهم"


def test_stray_joiners_at_word_edges_are_dropped():
    assert clean_change_name("\u200dwalk\u200c to work").text == "walk to work"
    assert clean_change_name("\u200d \u200c").was_blank


def test_follow_ups_for_an_unknown_scale_raise_state_error():
    with pytest.raises(StateError):
        follow_ups(load_ruler_prompts(), "motivation", 5)


# ---------------------------------------------------------------- history text


def test_describe_empty_history():
    assert describe_history(()) == "No ratings recorded yet."
    assert describe_history([]) == "No ratings recorded yet."


def test_describe_history_names_each_scale_and_value():
    text = describe_history(_state_with_history().history)
    assert "2 recorded times" in text
    assert "Importance: 6, 6." in text
    assert "Confidence: 3, –." in text
    assert "Readiness: –, 10." in text


def test_describe_single_record():
    text = describe_history(RulerState().rate("readiness", 4).record(T0).history)
    assert "1 recorded time." in text
    assert "Readiness: 4." in text
    assert "Importance: –." in text


def test_describe_history_describes_only_the_last_records():
    state = RulerState()
    for value in range(11):
        state = state.rate("importance", value).record(T0 + timedelta(hours=value))
    text = describe_history(state.history, last=3)
    assert "11 recorded times" in text
    assert "the last 3 are described" in text
    assert "Importance: 8, 9, 10." in text
    default = describe_history(state.history)
    assert "the last 10 are described" in default
    assert "Importance: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10." in default
    everything = describe_history(state.history, last=20)
    assert "described" not in everything
    assert "Importance: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10." in everything
