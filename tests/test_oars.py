"""OARS practice: content, coded feedback on written responses, quick classify, the widget."""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from mi_toolkit.core.content import ContentError
from mi_toolkit.core.identity import Learner
from mi_toolkit.core.journal import Journal
from mi_toolkit.core.oars import (
    CLASSES,
    OARS,
    ClassifyAnswer,
    OarsState,
    StateError,
    check_classify,
    check_response,
    load_oars_content,
    load_reflection_content,
    points_heard,
)
from mi_toolkit.widgets.lesson import LessonBar
from mi_toolkit.widgets.oars import OarsPractice

FIXTURES = Path(__file__).parent / "fixtures" / "content"
CONTENT = load_oars_content()
REFLECTION = load_reflection_content()
SHIFTS = CONTENT.vignette("night-shifts")
T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def _check(kind: str, text: str, vignette=SHIFTS):
    return check_response(kind, text, vignette, CONTENT, REFLECTION)


def _keys(found) -> list[str]:
    return [n.key for n in found.notes]


# ---------------------------------------------------------------- content


def test_content_has_vignettes_and_a_classify_round():
    assert len(CONTENT.vignettes) >= 6
    assert len(CONTENT.classify) >= 20
    answers = Counter(i.answer for i in CONTENT.classify)
    assert set(answers) == set(CLASSES) and min(answers.values()) >= 3
    assert set(CONTENT.kinds) == set(OARS)


@pytest.mark.parametrize("vignette", CONTENT.vignettes, ids=lambda v: v.id)
def test_every_example_response_reads_as_its_kind(vignette):
    for kind in OARS:
        found = _check(kind, vignette.examples[kind], vignette)
        assert found.ok, (kind, vignette.examples[kind], [n.text for n in found.notes])


@pytest.mark.parametrize("vignette", CONTENT.vignettes, ids=lambda v: v.id)
def test_every_point_is_found_in_its_own_words(vignette):
    for point in vignette.points:
        assert points_heard(point.said, replace(vignette, points=(point,))), point.said


def test_load_from_a_path(tmp_path: Path):
    copy = tmp_path / "oars.json"
    copy.write_bytes((resources.files("mi_toolkit.content") / "oars_vignettes.json").read_bytes())
    assert load_oars_content(copy) == CONTENT


BROKEN = {
    "broken_oars_wrong_version.json": ("schema_version", "version 0 is not supported"),
    "broken_oars_missing_example.json": ("vignettes[1].examples.summary", "missing"),
    "broken_oars_one_point.json": ("vignettes[0].points", "needs at least 2 items"),
    "broken_oars_keyword_not_string.json": (
        "vignettes[2].points[1].keywords[0]",
        "expected non-empty text",
    ),
    "broken_oars_unknown_classify_answer.json": ("classify[3].answer", "'question'"),
    "broken_oars_unknown_feedback_key.json": ("feedback.open_great", "unknown feedback key"),
    "broken_oars_bad_template.json": ("feedback.summary_ok", "bad template"),
    "broken_oars_missing_reads_as.json": ("reads_as.praise", "missing"),
    "broken_oars_duplicate_vignette_id.json": ("vignettes[1].id", "duplicate id"),
}


def _real() -> dict[str, Any]:
    ref = resources.files("mi_toolkit.content") / "oars_vignettes.json"
    return json.loads(ref.read_text("utf-8"))


def test_every_broken_oars_fixture_is_listed():
    assert {p.name for p in FIXTURES.glob("broken_oars_*.json")} == set(BROKEN)


@pytest.mark.parametrize(("name", "expected"), sorted(BROKEN.items()))
def test_broken_content_fails_naming_file_and_key(name: str, expected: tuple[str, str]):
    key, problem = expected
    with pytest.raises(ContentError) as info:
        load_oars_content(FIXTURES / name)
    assert info.value.file == name
    assert str(info.value).startswith(name)
    assert info.value.key == key
    assert problem in str(info.value)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_fixture_changes_only_one_top_level_section(name: str):
    broken = json.loads((FIXTURES / name).read_text("utf-8"))
    real = _real()
    keys = real.keys() | broken.keys()
    changed = [k for k in keys if json.dumps(real.get(k)) != json.dumps(broken.get(k))]
    assert changed == [BROKEN[name][0].split(".")[0].split("[")[0]]


# ---------------------------------------------------------------- written responses


def test_open_question_ok():
    found = _check("open", "What would need to change for nights to feel safe?")
    assert found.ok and found.reads_as == "an open question"
    assert _keys(found) == ["asked_for", "open_ok"]
    assert found.notes[0].text == "Asked for: open question. This reads as an open question."


def test_a_closed_question_where_an_open_one_was_asked():
    found = _check("open", "Do you want to stop working nights?")
    assert not found.ok and found.reads_as == "a closed question"
    assert "(it starts with 'do you' and ends with '?')" in found.notes[1].text
    assert "Try starting with 'what' or 'how'" in found.notes[1].text


def test_stacked_and_why_questions_get_tips():
    assert "open_stacked" in _keys(_check("open", "What happened? How did you feel? Who knows?"))
    found = _check("open", "Why do you keep working nights?")
    assert found.ok and "open_why" in _keys(found)


def test_advice_as_a_question_is_the_righting_reflex():
    found = _check("open", "Have you thought about asking for day shifts?")
    assert not found.ok and found.reads_as.startswith("advice or persuasion")
    assert "have you thought about" in found.notes[1].text


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Well done!", "affirm_praise"),
        ("Great job for coming in.", "affirm_praise"),
        ("I'm so proud of you.", "affirm_approval"),
    ],
)
def test_praise_is_not_a_specific_affirmation(text: str, key: str):
    found = _check("affirm", text)
    assert not found.ok and found.reads_as == "general praise"
    assert key in _keys(found)
    assert "specific" in found.notes[1].text or "about them" in found.notes[1].text


@pytest.mark.parametrize(
    "text",
    [
        "You came in and talked about it honestly, even though it clearly shook you.",
        "You care a lot about getting home safely to your partner.",
        "You're a hard worker, and you're looking for a safer way to keep going.",
    ],
)
def test_specific_affirmations(text: str):
    found = _check("affirm", text)
    assert found.ok and found.reads_as == "an affirmation"
    assert "affirm_ok" in _keys(found)


def test_specific_affirmation_with_praise_tacked_on_gets_a_note():
    found = _check("affirm", "You're so honest about it, well done.")
    assert found.ok and "affirm_praise_plus" in _keys(found)


def test_a_reflection_asked_as_an_affirmation():
    found = _check("affirm", "You're worried about the drive home.")
    assert not found.ok and "affirm_reflection" in _keys(found)


def test_reflection_reuses_the_reflection_checks():
    found = _check("reflect", "You're scared it could happen again.")
    assert found.ok and "kind_feeling" in _keys(found) and _keys(found)[-1] == "reflect"
    question = _check("reflect", "Are you scared it could happen again?")
    assert not question.ok and question.reads_as == "a closed question"


def test_summary_gathers_points_and_invites():
    found = _check(
        "summary",
        "So you nearly fell asleep driving, you rely on energy drinks, and your partner "
        "wants you on days. What have I missed?",
    )
    assert found.ok and found.reads_as == "a summary"
    assert "3 things they told you ('driving', 'energy drinks', 'partner')" in found.notes[1].text
    assert "summary_invite" in _keys(found)


def test_summary_with_a_closed_check_or_no_invitation():
    closed = _check(
        "summary", "So you nearly fell asleep driving and the pay is good. Is that right?"
    )
    assert closed.ok and "summary_closed_check" in _keys(closed)
    plain = _check("summary", "So you nearly fell asleep driving and the pay is good.")
    assert plain.ok and "summary_no_invite" in _keys(plain)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("So you nearly fell asleep at the wheel.", "summary_one"),
        ("Lots of things are going on for you.", "summary_none"),
        ("What else is going on?", "summary_question"),
    ],
)
def test_thin_summaries_are_explained(text: str, key: str):
    found = _check("summary", text)
    assert not found.ok and key in _keys(found)


@pytest.mark.parametrize(
    ("raw", "problem", "phrase"),
    [
        ("", "blank", "this box is empty"),
        ("x" * 100_000, "too_long", "Your summary is 100,000 characters"),
        ("🚗💤", "no_words", "no words in your summary"),
        ("我差点在开车时睡着了", "not_english", "your summary was not checked"),
    ],
)
def test_unusable_text_says_why(raw, problem, phrase):
    found = _check("summary", raw)
    assert not found.checked and found.problem == problem
    assert phrase in found.notes[0].text


# ---------------------------------------------------------------- quick classify


def test_classify_feedback():
    item = next(i for i in CONTENT.classify if i.answer == "affirm")
    right = check_classify(CONTENT, item, "affirm")
    assert right.right and right.lines == ("Right: Affirmation.", item.why)
    wrong = check_classify(CONTENT, item, "other")
    assert not wrong.right
    assert wrong.lines[0].startswith("This one is Affirmation rather than Something else")


# ---------------------------------------------------------------- state


def _state() -> OarsState:
    found = _check("open", "What would make nights safer?")
    item = CONTENT.classify[0]
    return (
        OarsState()
        .show(SHIFTS.id)
        .record(SHIFTS.id, found, T0)
        .reveal(SHIFTS.id)
        .classify(ClassifyAnswer(item.id, "other", item.answer))
        .move_classify_to(1)
    )


def test_state_round_trips_through_plain_json():
    state = _state()
    data = json.loads(json.dumps(state.to_dict()))
    assert data["schema_version"] == 1 and data["kind"] == "oars_practice"
    assert data["attempts"][0] == {
        "vignette_id": SHIFTS.id,
        "kind": "open",
        "text": "What would make nights safer?",
        "ok": True,
        "reads_as": "an open question",
        "checked_at": "2024-03-01T09:30:00+00:00",
    }
    assert OarsState.from_dict(data) == state
    assert state.classify_score == (0, 1)


def test_first_classify_answer_counts():
    item = CONTENT.classify[0]
    state = OarsState().classify(ClassifyAnswer(item.id, "other", item.answer))
    again = state.classify(ClassifyAnswer(item.id, item.answer, item.answer))
    assert again == state


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"schema_version": "1"},
        {"schema_version": 1, "kind": "reflection_builder"},
        {"schema_version": 1, "classify_position": "2"},
        {"schema_version": 1, "attempts": [{"kind": "question"}]},
        {"schema_version": 1, "attempts": [{"kind": "open", "ok": 1}]},
        {"schema_version": 1, "classify_answers": [{"chosen": "O", "expected": "open"}]},
        {"schema_version": 1, "revealed": [None]},
    ],
)
def test_bad_saved_state_raises_state_error(data):
    with pytest.raises(StateError):
        OarsState.from_dict(data)


# ---------------------------------------------------------------- widget


@pytest.fixture
def practice() -> OarsPractice:
    return OarsPractice(clock=lambda: T0)


def test_starts_on_the_first_vignette(practice: OarsPractice):
    assert practice.value == OarsState(vignette_id=CONTENT.vignettes[0].id)
    assert html.escape(CONTENT.vignettes[0].client, quote=True) in practice.scene.value
    assert all(box.value == "" for box in practice.responses.values())
    assert practice.reveal.disabled
    assert [practice.responses[k].description for k in OARS] == [
        "Open question",
        "Affirmation",
        "Reflection",
        "Summary",
    ]


def test_checking_codes_each_written_response(practice: OarsPractice):
    practice.check.click()
    assert "Write at least one response" in practice.check_note.value
    assert practice.value.attempts == ()
    practice.responses["open"].value = "Do you work nights?"
    practice.responses["affirm"].value = "Great job!"
    practice.check.click()
    assert practice.check_note.value == ""
    assert "reads as a closed question" in practice.feedbacks["open"].value
    assert "reads as general praise" in practice.feedbacks["affirm"].value
    assert "this box is empty" in practice.feedbacks["reflect"].value
    assert [(a.kind, a.ok) for a in practice.value.attempts] == [("open", False), ("affirm", False)]
    assert not practice.reveal.disabled

    practice.check.click()  # nothing changed: no duplicate attempts
    assert len(practice.value.attempts) == 2
    practice.responses["open"].value = "What is the night shift like for you?"
    practice.check.click()
    assert "Looks good:</strong> Asked for: open question" in practice.feedbacks["open"].value
    assert len(practice.value.attempts) == 3


def test_examples_show_after_an_attempt(practice: OarsPractice):
    assert "after you have checked" in practice.examples.value
    practice.responses["reflect"].value = "Nights pay well."
    practice.check.click()
    practice.reveal.click()
    assert practice.value.revealed == (SHIFTS.id,)
    text = html.unescape(practice.examples.value)
    assert all(SHIFTS.examples[k] in text for k in OARS)


def test_huge_and_hostile_text(practice: OarsPractice):
    practice.responses["summary"].value = "x" * 100_000
    practice.responses["reflect"].value = "<img src=x onerror=alert(1)> you're tired"
    practice.check.click()
    assert "100,000 characters" in practice.feedbacks["summary"].value
    assert "mi-note" in practice.feedbacks["summary"].value
    assert [a.kind for a in practice.value.attempts] == ["reflect"]
    everything = "".join(w.value for w in practice.feedbacks.values())
    assert "<img" not in everything
    assert practice.status.value == ""


def test_switching_vignettes_keeps_each_ones_responses(practice: OarsPractice):
    practice.responses["open"].value = "What are nights like?"
    practice.check.click()
    practice.vignette.value = "inhaler"
    assert practice.value.vignette_id == "inhaler"
    assert practice.responses["open"].value == "" and practice.feedbacks["open"].value == ""
    practice.vignette.value = SHIFTS.id
    assert practice.responses["open"].value == "What are nights like?"
    assert "an open question" in practice.feedbacks["open"].value


def test_quick_classify(practice: OarsPractice):
    item = CONTENT.classify[0]
    practice.classify_check.click()
    assert "Choose a label first" in practice.classify_feedback.value
    practice.classify_choice.value = item.answer
    practice.classify_check.click()
    assert "Right:" in practice.classify_feedback.value
    assert "1 of 1 right" in practice.classify_progress.value
    assert practice.classify_check.disabled
    for _ in CONTENT.classify:
        practice.classify_next.click()
    assert practice.value.classify_position == 0
    assert "That was the last example" in practice.classify_feedback.value


def test_restore_puts_responses_feedback_and_examples_back():
    state = _state()
    practice = OarsPractice(state=OarsState.from_dict(state.to_dict()))
    assert practice.responses["open"].value == "What would make nights safer?"
    assert "an open question" in practice.feedbacks["open"].value
    assert "Example responses" in practice.examples.value
    assert practice.classify_choice.value == ""  # position 1 is not answered yet
    assert practice.value == state


def test_restore_with_unknown_vignette_and_position_falls_back():
    practice = OarsPractice(state=OarsState(vignette_id="gone", classify_position=500))
    assert practice.value.vignette_id == CONTENT.vignettes[0].id
    assert practice.value.classify_position == len(CONTENT.classify) - 1


def test_lesson_bar_saves_and_restores_oars_practice():
    journal = Journal(":memory:")
    bar = LessonBar("oars_practice", journal=journal, learner=Learner("cy", "url"), save_delay=0)
    practice = bar.track(OarsPractice(), "practice")
    practice.responses["open"].value = "What matters most to you here?"
    practice.check.click()
    saved = journal.load("cy", "oars_practice", "practice")
    assert saved["kind"] == "oars_practice" and saved["attempts"][0]["ok"] is True
    again = LessonBar("oars_practice", journal=journal, learner=Learner("cy", "url"))
    restored = again.track(OarsPractice(), "practice")
    assert restored.responses["open"].value == "What matters most to you here?"


def test_an_error_in_a_handler_is_shown_not_raised(practice, monkeypatch):
    def broken(*_args, **_kwargs):
        raise KeyError("cue")

    monkeypatch.setattr("mi_toolkit.widgets.oars.check_response", broken)
    practice.responses["open"].value = "What now?"
    practice.check.click()
    assert "Something went wrong (KeyError: &#x27;cue&#x27;)" in practice.status.value
    assert practice.value.attempts == ()
