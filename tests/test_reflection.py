"""Reflective listening: content, checks, saved state and the ReflectionBuilder widget."""

from __future__ import annotations

import html
import json
import logging
from collections import Counter
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from mi_toolkit.core.content import ContentError
from mi_toolkit.core.identity import Learner
from mi_toolkit.core.journal import Journal
from mi_toolkit.core.reflection import (
    KINDS,
    LEVELS,
    MAX_RESPONSE_CHARS,
    ReflectionState,
    StateError,
    check_reflection,
    clean_response,
    load_reflection_content,
)
from mi_toolkit.widgets.lesson import LessonBar
from mi_toolkit.widgets.reflection import ReflectionBuilder

FIXTURES = Path(__file__).parent / "fixtures" / "content"
CONTENT = load_reflection_content()
T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
SCRIPT = "<script>alert('x')</script>"
DRINKS = CONTENT.statement("drinks-and-3am")
PHONE = CONTENT.statement("phone-late-nights")


def _check(text: str, statement=DRINKS, level: str = "double_sided"):
    return check_reflection(text, statement, level, CONTENT)


def _text(feedback) -> str:
    return " ".join(n.text for n in feedback.notes)


def _all_html(widget: widgets.Widget) -> str:
    found = [widget.value] if isinstance(widget, widgets.HTML) else []
    for child in getattr(widget, "children", ()):
        found.append(_all_html(child))
    return "\n".join(found)


# ---------------------------------------------------------------- content


def test_packaged_content_has_enough_statements_across_levels_and_topics():
    assert len(CONTENT.statements) >= 40
    levels = Counter(s.level for s in CONTENT.statements)
    assert set(levels) == set(LEVELS)
    assert min(levels.values()) >= 8
    assert len({s.topic for s in CONTENT.statements}) >= 15
    assert [lv.id for lv in CONTENT.levels] == list(LEVELS)


@pytest.mark.parametrize("statement", CONTENT.statements, ids=lambda s: s.id)
def test_every_statement_has_models_of_two_kinds_that_the_checks_recognise(statement):
    assert len(statement.models) >= 2
    assert len({m.kind for m in statement.models}) >= 2
    for model in statement.models:
        found = check_reflection(model.text, statement, statement.level, CONTENT)
        assert found.form == "reflection", (model.text, found.notes)
        if model.kind == "simple":
            assert found.depth == "simple", (model.text, found.kinds)
        else:
            assert model.kind in found.kinds, (model.text, found.kinds)
        if model.kind == "double_sided":
            assert found.ends_on == "change", model.text


def test_double_sided_statements_say_which_words_are_which_side():
    for statement in CONTENT.statements_for("double_sided"):
        assert statement.change_words and statement.sustain_words, statement.id


def test_all_kinds_have_wording():
    assert set(CONTENT.kinds) == set(KINDS)
    assert all(CONTENT.kinds[k].label and CONTENT.kinds[k].about for k in KINDS)


def test_load_from_a_path_gives_the_same_content(tmp_path: Path):
    copy = tmp_path / "mine.json"
    copy.write_bytes(
        (resources.files("mi_toolkit.content") / "reflection_statements.json").read_bytes()
    )
    assert load_reflection_content(copy) == CONTENT


def test_a_level_without_statements_is_named(tmp_path: Path):
    data = _real()
    data["statements"] = [s for s in data["statements"] if s["level"] != "complex"]
    path = tmp_path / "no_complex.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_reflection_content(path)
    assert info.value.key == "levels[2]"
    assert "no statement has level 'complex'" in str(info.value)


# ---------------------------------------------------------------- broken content

BROKEN = {
    "broken_reflection_not_json.json": ("", "invalid JSON"),
    "broken_reflection_wrong_version.json": ("schema_version", "version 2 is not supported"),
    "broken_reflection_missing_levels.json": ("levels", "missing"),
    "broken_reflection_unknown_level.json": ("levels[1].id", "unknown level 'feelings'"),
    "broken_reflection_models_one_kind.json": ("statements[0].models", "at least two kinds"),
    "broken_reflection_one_model.json": ("statements[3].models", "at least 2 items"),
    "broken_reflection_bad_model_kind.json": ("statements[2].models[1].kind", "'sarcastic'"),
    "broken_reflection_duplicate_id.json": ("statements[5].id", "duplicate id"),
    "broken_reflection_double_sided_no_sides.json": ("statements[33].sides", "missing"),
    "broken_reflection_bad_cue_pattern.json": ("cues.feeling[0]", "bad pattern"),
    "broken_reflection_unknown_placeholder.json": ("feedback.question", "{cues}"),
    "broken_reflection_missing_feedback.json": ("feedback.ends_change", "missing"),
    "broken_reflection_blank_text.json": ("statements[7].text", "must not be empty"),
}


def _real() -> dict[str, Any]:
    ref = resources.files("mi_toolkit.content") / "reflection_statements.json"
    return json.loads(ref.read_text("utf-8"))


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Paths (in the error-key notation) where two JSON values differ, coarsest first."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            sub = f"{path}.{key}" if path else key
            out += [sub] if (key in a) != (key in b) else differences(a[key], b[key], sub)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += differences(x, y, f"{path}[{i}]")
        return out
    return [] if type(a) is type(b) and a == b else [path]


def test_every_broken_reflection_fixture_is_listed():
    assert {p.name for p in FIXTURES.glob("broken_reflection_*.json")} == set(BROKEN)


@pytest.mark.parametrize(("name", "expected"), sorted(BROKEN.items()))
def test_broken_file_fails_naming_file_and_key(name: str, expected: tuple[str, str]):
    key, problem = expected
    with pytest.raises(ContentError) as info:
        load_reflection_content(FIXTURES / name)
    assert info.value.file == name
    assert str(info.value).startswith(name)
    assert info.value.key == key
    assert problem in str(info.value)


@pytest.mark.parametrize(("name", "key"), [(n, k) for n, (k, _) in sorted(BROKEN.items()) if k])
def test_broken_fixture_is_the_real_file_with_one_thing_wrong(name: str, key: str):
    """One difference from the real file, at (or inside) the key the error names."""
    broken = json.loads((FIXTURES / name).read_text("utf-8"))
    [where] = differences(_real(), broken)
    assert where == key or where.startswith((key + ".", key + "["))


def test_not_json_fixture_is_the_real_file_truncated():
    text = (FIXTURES / "broken_reflection_not_json.json").read_text("utf-8")
    assert json.loads(text + "}") == _real()


# ---------------------------------------------------------------- learner text


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "blank"),
        (None, "blank"),
        (" \n\t\u200b\u2060 ", "blank"),
        ("x" * 100_000, "too_long"),
        ("word " * 250, "too_long"),
        ("😀 🎉 ✨", "no_words"),
        ("1234 !!!", "no_words"),
        ("你好像很累，但是又想改变", "not_english"),
        ("Ты устал и хочешь перемен", "not_english"),
    ],
)
def test_text_that_cannot_be_checked_says_why(raw, problem):
    assert clean_response(raw).problem == problem
    found = _check(raw)
    assert found.problem == problem
    assert not found.checked and found.form == "unchecked"
    assert len(found.notes) == 1 and found.notes[0].text


def test_huge_text_message_gives_the_size_and_limit():
    found = _check("x" * 100_000)
    assert "100,000 characters" in found.notes[0].text
    assert f"{MAX_RESPONSE_CHARS:,}" in found.notes[0].text


@pytest.mark.parametrize(
    "raw",
    [
        "You\u200b enjoy a\u202e drink,\x00 and at the same time you want your mornings back.",
        "𝒀𝒐𝒖 𝒆𝒏𝒋𝒐𝒚 𝒂 𝒅𝒓𝒊𝒏𝒌, and at the same time you want your mornings back.",
        "Ｙｏｕ enjoy a drink, and at the same time you want your mornings back.",
        "Y̷̛o̵u̸ enjoy a drink, and at the same time you want your mornings back.",
        "You enjoy a drink \ud800, and at the same time you want your mornings back.",
        "You enjoy a drink 🍷, and at the same time you want your mornings back 🌅.",
    ],
)
def test_odd_unicode_is_cleaned_and_checked(raw: str):
    found = _check(raw)
    assert found.checked
    assert found.form == "reflection"
    assert "double_sided" in found.kinds and found.ends_on == "change"
    assert not any(ch in found.text for ch in "\u200b\u202e\x00\ud800")


# ---------------------------------------------------------------- checks


def test_a_question_is_named_with_its_cue():
    found = _check("Do you think you drink too much?")
    assert found.form == "question"
    assert "it starts with 'do you' and ends with '?'" in found.notes[0].text
    assert "a reflection is a statement" in found.notes[0].text.lower()
    assert not found.met_task


def test_a_reflection_with_a_question_mark_is_told_to_drop_it():
    found = _check("So the drinks help you relax?")
    assert found.form == "question"
    assert "(it ends with '?')" in found.notes[0].text
    assert any(n.key == "question_fixable" for n in found.notes)


def test_a_request_to_say_more_is_not_a_reflection():
    found = _check("Tell me more about the mornings.")
    assert found.form == "question"
    assert found.notes[0].key == "request_more"


@pytest.mark.parametrize(
    ("text", "key", "cue"),
    [
        ("Have you tried herbal tea instead?", "righting_advice", "have you tried"),
        ("Don't worry, lots of people drink after work.", "righting_reassurance", "do not worry"),
        ("You should stop drinking on weeknights.", "righting_persuasion", "you should"),
        ("Why don't you just skip the wine?", "righting_advice", "why do not you"),
    ],
)
def test_the_righting_reflex_is_named(text: str, key: str, cue: str):
    found = _check(text)
    assert found.form == "righting"
    assert found.notes[0].key == key
    assert cue in found.notes[0].text
    assert any(n.key == "righting_why" for n in found.notes)


def test_an_acknowledgement_is_not_a_reflection():
    found = _check("Mm-hmm.")
    assert found.form == "other"
    assert found.notes[0].key == "acknowledgement"


def test_simple_reflection_meets_the_simple_task():
    found = check_reflection("You're up late on your phone.", PHONE, "simple", CONTENT)
    assert (found.form, found.depth, found.kinds, found.met_task) == (
        "reflection",
        "simple",
        (),
        True,
    )
    assert found.label == "simple reflection"


def test_a_complex_reflection_misses_the_simple_task_but_is_named():
    found = check_reflection("You're exhausted and fed up with it.", PHONE, "simple", CONTENT)
    assert found.depth == "complex" and "feeling" in found.kinds
    assert not found.met_task
    assert found.notes[-1].key == "level_miss"
    assert "fed up" in _text(found) or "exhausted" in _text(found)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("It sounds like you're worried about the mornings.", "feeling"),
        ("You couldn't get through an evening at all without a drink.", "amplified"),
        ("Your evenings matter a lot to you.", "reframe"),
        (
            "And you're starting to wonder whether the evenings are worth the mornings.",
            "continuing",
        ),
        ("The evenings and mornings are a tug of war.", "metaphor"),
    ],
)
def test_kinds_of_complex_reflection_are_named(text: str, kind: str):
    found = check_reflection(text, DRINKS, "complex", CONTENT)
    assert found.form == "reflection"
    assert kind in found.kinds
    assert found.depth == "complex" and found.met_task
    assert any(n.key == f"kind_{kind}" for n in found.notes)


def test_a_word_the_client_used_is_not_counted_as_added_meaning():
    statement = CONTENT.statement("brothers-condition")
    found = check_reflection("Your brother won't invite you.", statement, "feeling", CONTENT)
    assert "feeling" not in found.kinds
    stressed = CONTENT.statement("knee-and-food")
    assert "feeling" in check_reflection("You're torn.", stressed, "feeling", CONTENT).kinds


def test_double_sided_ending_on_change_meets_the_task():
    found = _check(
        "On one hand, drinking helps you unwind, and on the other you're waking at 3 "
        "and feeling useless."
    )
    assert found.kinds[0] == "double_sided"
    assert found.ends_on == "change"
    assert found.met_task
    assert any(n.key == "ends_change" and "useless" in n.text for n in found.notes)


def test_double_sided_ending_on_sustain_is_asked_to_swap():
    found = _check(
        "On one hand, you're not sleeping well, and on the other, drinking helps you unwind."
    )
    assert "double_sided" in found.kinds
    assert found.ends_on == "sustain"
    assert not found.met_task
    note = next(n for n in found.notes if n.key == "ends_sustain")
    assert "'unwind'" in note.text and "swapping the two halves" in note.text


def test_but_as_the_pivot_gets_a_tip():
    found = _check("You enjoy a drink to relax, but it's ruining your sleep.")
    assert "double_sided" in found.kinds and found.ends_on == "change"
    assert any(n.key == "but_pivot" for n in found.notes)


def test_side_is_unclear_without_side_words():
    found = _check("On the one hand there is this, and on the other hand there is that.")
    assert found.ends_on == "unclear"
    assert not found.met_task


# ---------------------------------------------------------------- state


def _state() -> ReflectionState:
    found = _check("You enjoy a drink, and at the same time you want your mornings back.")
    return (
        ReflectionState()
        .choose_level("double_sided")
        .show(DRINKS.id)
        .record(DRINKS.id, "double_sided", found, T0)
        .reveal(DRINKS.id)
    )


def test_state_round_trips_through_plain_json():
    state = _state()
    data = json.loads(json.dumps(state.to_dict()))
    assert data["schema_version"] == 1
    assert data["kind"] == "reflection_builder"
    assert data["attempts"][0]["checked_at"] == "2024-03-01T09:30:00+00:00"
    assert data["attempts"][0]["met_task"] is True
    assert ReflectionState.from_dict(data) == state


def test_unchecked_text_is_not_kept_as_an_attempt():
    with pytest.raises(StateError):
        ReflectionState().record(DRINKS.id, "simple", _check(""))


def test_reveal_twice_keeps_one_entry():
    assert _state().reveal(DRINKS.id).revealed == (DRINKS.id,)


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"schema_version": 2, "kind": "reflection_builder"},
        {"schema_version": 1, "kind": "readiness_ruler"},
        {"schema_version": 1, "level": "expert"},
        {"schema_version": 1, "attempts": {}},
        {"schema_version": 1, "attempts": [{"level": "simple", "met_task": "yes"}]},
        {"schema_version": 1, "attempts": [{"level": "simple", "checked_at": "yesterday"}]},
        {"schema_version": 1, "attempts": ["text"]},
        {"schema_version": 1, "revealed": [1]},
        {"schema_version": 1, "statement_id": 7},
    ],
)
def test_bad_saved_state_raises_state_error(data):
    with pytest.raises(StateError):
        ReflectionState.from_dict(data)


# ---------------------------------------------------------------- widget


@pytest.fixture
def builder() -> ReflectionBuilder:
    return ReflectionBuilder(clock=lambda: T0)


def test_starts_on_the_first_simple_statement(builder: ReflectionBuilder):
    assert builder.value == ReflectionState(statement_id=PHONE.id)
    assert "I&#x27;m on my phone until two" in builder.statement.value
    assert "Statement 1 of 11" in builder.progress.value
    assert builder.reveal.disabled and builder.try_again.disabled
    assert builder.feedback.value == ""
    assert "Rewrite" not in builder.task.value  # the task, not the level's label
    assert "Say back what you heard" in builder.task.value


def test_check_gives_feedback_and_keeps_the_attempt(builder: ReflectionBuilder):
    builder.response.value = "So you're up late on your phone?"
    builder.check.click()
    text = html.unescape(builder.feedback.value)
    assert 'role="status"' in builder.feedback.value
    assert "Feedback on attempt 1: reads as <strong>question</strong>" in text
    assert "<strong>Suggestion:</strong> This reads as a question (it ends with '?')" in text
    assert len(builder.value.attempts) == 1
    assert builder.value.attempts[0].label == "question"
    assert not builder.reveal.disabled and not builder.try_again.disabled
    assert "So you&#x27;re up late on your phone?" in builder.attempts.value

    builder.try_again.click()
    assert builder.response.value == ""
    assert "Write another reflection" in builder.feedback.value
    builder.response.value = "You're up late on your phone."
    builder.check.click()
    assert "Looks good:</strong> This fits the task" in html.unescape(builder.feedback.value)
    assert "<td>2</td>" in builder.attempts.value
    assert [a.met_task for a in builder.value.attempts] == [False, True]


def test_models_show_only_after_an_attempt(builder: ReflectionBuilder):
    assert "after your first attempt" in builder.models.value
    builder.response.value = "You stay up late."
    builder.check.click()
    builder.reveal.click()
    assert builder.value.revealed == (PHONE.id,)
    assert builder.reveal.disabled
    text = html.unescape(builder.models.value)
    for model in PHONE.models:
        assert model.text in text


def test_level_and_next_statement_move_through_the_content(builder: ReflectionBuilder):
    builder.level.value = "double_sided"
    pool = CONTENT.statements_for("double_sided")
    assert builder.value.level == "double_sided"
    assert builder.value.statement_id == pool[0].id
    assert "double-sided" in builder.task.value.lower() or "both sides" in builder.task.value
    for expected in [*pool[1:], pool[0]]:
        builder.next_statement.click()
        assert builder.value.statement_id == expected.id
    assert f"Statement 1 of {len(pool)}" in builder.progress.value


@pytest.mark.parametrize(
    ("raw", "phrase"),
    [
        ("", "Write your reflection in the box first"),
        ("x" * 100_000, "That is 100,000 characters"),
        ("🙂🙂", "There are no words here to check"),
        ("你好像很累", "can only read English"),
    ],
)
def test_unusable_input_gets_a_message_not_an_attempt(builder, raw, phrase):
    builder.response.value = raw
    builder.check.click()
    assert phrase in html.unescape(builder.feedback.value)
    assert "mi-note" in builder.feedback.value
    assert builder.value.attempts == ()
    assert builder.status.value == ""


def test_learner_html_is_escaped_everywhere(builder: ReflectionBuilder):
    builder.response.value = f'{SCRIPT} & "quotes", you stay up late.'
    builder.check.click()
    everything = _all_html(builder)
    assert "<script>" not in everything
    assert "&lt;script&gt;" in builder.attempts.value
    assert builder.value.attempts[0].text == f'{SCRIPT} & "quotes", you stay up late.'


def test_restore_shows_the_last_attempt_and_its_feedback():
    state = _state()
    builder = ReflectionBuilder(state=ReflectionState.from_dict(state.to_dict()))
    assert builder.level.value == "double_sided"
    assert builder.response.value == state.attempts[-1].text
    assert "This fits the task" in builder.feedback.value
    assert DRINKS.models[0].text.replace("'", "&#x27;") in builder.models.value
    assert builder.value == state


def test_restore_with_an_unknown_statement_falls_back_to_the_level():
    state = ReflectionState(level="feeling", statement_id="gone-from-content")
    builder = ReflectionBuilder(state=state)
    assert builder.value.statement_id == CONTENT.statements_for("feeling")[0].id


def test_lesson_bar_restores_and_saves_the_builder():
    journal = Journal(":memory:")
    bar = LessonBar("reflective_listening", journal=journal, learner=Learner("ana", "url"),
                    save_delay=0)  # fmt: skip
    builder = bar.track(ReflectionBuilder(), "practice")
    builder.response.value = "You stay up late on your phone."
    builder.check.click()
    saved = journal.load("ana", "reflective_listening", "practice")
    assert saved["kind"] == "reflection_builder" and len(saved["attempts"]) == 1
    again = LessonBar("reflective_listening", journal=journal, learner=Learner("ana", "url"))
    restored = again.track(ReflectionBuilder(), "practice")
    assert restored.response.value == "You stay up late on your phone."


def test_an_error_in_a_handler_is_shown_not_raised(builder, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("coder on fire")

    monkeypatch.setattr("mi_toolkit.widgets.reflection.check_reflection", broken)
    builder.response.value = "You stay up late."
    with caplog.at_level(logging.ERROR, logger="mi_toolkit"):
        builder.check.click()
    assert "Something went wrong (RuntimeError: coder on fire)" in builder.status.value
    assert builder.value.attempts == ()
