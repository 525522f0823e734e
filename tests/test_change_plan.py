"""Change plan: content, checks, saved state, the one-page export, the widget."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import pytest

from mi_toolkit.core.change_plan import (
    MAX_STEPS,
    SELF,
    ChangePlanState,
    StateError,
    check_plan,
    load_plan_content,
    plan_html,
    plan_markdown,
    step_follow_ups,
)
from mi_toolkit.core.content import ContentError
from mi_toolkit.core.identity import Learner
from mi_toolkit.core.journal import Journal
from mi_toolkit.widgets.change_plan import ChangePlan
from mi_toolkit.widgets.lesson import LessonBar

FIXTURES = Path(__file__).parent / "fixtures" / "content"
CONTENT = load_plan_content()
HOSTILE = '<img src=x onerror="alert(1)">'
ODD = "Z\u0336a\u0301l\u200bgo \u202eevil\u202c 👩\u200d👩\u200d👧 ｆｕｌｌ"


def test_content_has_values_and_case_clients():
    assert len(CONTENT.values) >= 10 and len(CONTENT.cases) >= 2
    assert all(c.says for c in CONTENT.cases)


BROKEN = {
    "broken_plan_wrong_version.json": ("schema_version", "expected int, got str"),
    "broken_plan_duplicate_value.json": ("values[3]", "duplicate value"),
    "broken_plan_bad_cue.json": ("concrete_cues[1]", "bad pattern"),
    "broken_plan_case_id_self.json": ("cases[0].id", "kept for self-practice"),
    "broken_plan_no_says.json": ("cases[1].says", "needs at least 1 item"),
    "broken_plan_missing_feedback.json": ("feedback.step_low", "missing"),
    "broken_plan_top_level_list.json": ("", "top level must be a JSON object"),
}


def test_every_broken_fixture_is_listed():
    assert {p.name for p in FIXTURES.glob("broken_plan_*.json")} == set(BROKEN)


@pytest.mark.parametrize(("name", "expected"), sorted(BROKEN.items()))
def test_broken_content_fails_naming_file_and_key(name: str, expected: tuple[str, str]):
    key, problem = expected
    with pytest.raises(ContentError) as info:
        load_plan_content(FIXTURES / name)
    assert (info.value.file, info.value.key) == (name, key)
    assert problem in str(info.value)


# ---------------------------------------------------------------- checks


def _good_plan() -> ChangePlanState:
    return (
        ChangePlanState()
        .edit(goal="I want to walk more", value="Health", successes="Walked daily in 2019")
        .edit(if_slips="Walk the next day instead")
        .set_step(0, "Walk to the shop on Monday morning", 8)
    )


def test_a_complete_plan_gets_only_praise():
    assert {tone for tone, _ in check_plan(CONTENT, _good_plan())} == {"good"}


def test_an_empty_plan_gets_a_suggestion_for_each_part():
    notes = check_plan(CONTENT, ChangePlanState())
    assert [t for t, _ in notes] == ["suggest"] * 5


def test_should_vague_and_low_confidence_are_suggestions():
    plan = ChangePlanState(goal="My doctor says I must exercise").set_step(0, "Be healthier", 4)
    text = " ".join(t for _, t in check_plan(CONTENT, plan))
    assert "whose goal this is" in text and "'must'" in text
    assert "could be more concrete" in text
    assert "rated 4" in text and "7 or more" in text


def test_too_many_steps_and_unrated_steps():
    plan = ChangePlanState()
    for i in range(MAX_STEPS):
        plan = plan.set_step(i, f"Step on day {i}", None)
    text = " ".join(t for _, t in check_plan(CONTENT, plan))
    assert "has no confidence rating" in text and "With 4 steps" in text


def test_confidence_follow_ups_come_from_the_ruler():
    assert "not a 2" in step_follow_ups(ChangePlanState().set_step(0, "x", 5).steps[0])[0]
    assert step_follow_ups(ChangePlanState().set_step(0, "x", None).steps[0]) == []
    at_ten = step_follow_ups(ChangePlanState().set_step(0, "x", 10).steps[0])
    assert all("higher" not in q and "not higher" not in q for q in at_ten)


# ---------------------------------------------------------------- state


def test_state_round_trips_through_json():
    plan = _good_plan().edit(case_id="walking").set_step(2, ODD, 0)
    data = json.loads(json.dumps(plan.to_dict()))
    assert data["kind"] == "change_plan" and data["schema_version"] == 1
    assert ChangePlanState.from_dict(data) == plan
    assert plan.set_step(2, "", "").steps == plan.steps[:1]  # trailing blank steps dropped


def test_huge_and_odd_text_is_cleaned_and_kept():
    plan = ChangePlanState().edit(successes="word " * 30_000, goal="a\u200b\x00 b")
    assert 1900 <= len(plan.successes) <= 2000
    assert plan.goal == "a b"


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"schema_version": 3},
        {"schema_version": 1, "kind": "readiness_ruler"},
        {"schema_version": 1, "steps": {}},
        {"schema_version": 1, "steps": [{}] * 5},
        {"schema_version": 1, "steps": [{"text": "x", "confidence": 11}]},
        {"schema_version": 1, "steps": [{"text": "x", "confidence": True}]},
        {"schema_version": 1, "steps": ["x"]},
        {"schema_version": 1, "goal": 5},
    ],
)
def test_bad_saved_state_raises_state_error(data):
    with pytest.raises(StateError):
        ChangePlanState.from_dict(data)


def test_unknown_fields_and_indexes_are_refused():
    with pytest.raises(StateError):
        ChangePlanState().edit(colour="red")
    with pytest.raises(StateError):
        ChangePlanState().set_step(MAX_STEPS, "x", 1)


# ---------------------------------------------------------------- export


def test_exports_escape_learner_text():
    plan = _good_plan().edit(goal=HOSTILE + " *bold* # head")
    page = plan_html(plan, CONTENT)
    assert HOSTILE not in page and html.escape(HOSTILE) in page
    assert page.startswith("<!DOCTYPE html>") and "http" not in page  # self-contained
    md = plan_markdown(plan, CONTENT)
    assert "<img" not in md and r"\*bold\*" in md and r"\# head" in md
    assert "1. Walk to the shop on Monday morning (confidence 8/10)" in md


def test_export_names_the_case_client():
    plan = ChangePlanState().edit(case_id="study")
    assert "Omar" in plan_markdown(plan, CONTENT)


# ---------------------------------------------------------------- widget


@pytest.fixture
def widget() -> ChangePlan:
    return ChangePlan()


def test_rating_a_step_shows_the_follow_ups(widget: ChangePlan):
    widget.step_texts[0].value = "Walk on Monday"
    assert widget.step_follow_ups[0].value == ""
    widget.step_confidence[0].value = 6
    assert "Why" not in widget.step_follow_ups[0].value
    assert "What makes you a 6 and not a 3?" in widget.step_follow_ups[0].value
    widget.step_confidence[0].value = ""
    assert widget.value.steps[0].confidence is None
    assert widget.step_follow_ups[0].value == ""


def test_fill_check_and_prepare(widget: ChangePlan):
    widget.goal.value = "I want " + HOSTILE
    widget.value_choice.value = "Family"
    widget.step_texts[1].value = "Phone my sister every Sunday"
    widget.step_confidence[1].value = 9
    widget.successes.value = "Stopped sugar in tea"
    widget.if_slips.value = "Call on Monday"
    widget.check.click()
    assert "Well done:" in widget.feedback.value
    assert HOSTILE not in widget.feedback.value
    widget.prepare.click()
    pattern = r'href="data:text/(\w+);charset=utf-8;base64,([^"]+)"'
    links = re.findall(pattern, widget.downloads.value)
    assert [kind for kind, _ in links] == ["html", "markdown"]
    page = base64.b64decode(links[0][1]).decode("utf-8")
    assert "Phone my sister every Sunday (confidence 9/10)" in page
    assert HOSTILE not in page


def test_case_client_is_shown_escaped(widget: ChangePlan):
    widget.whose.value = "smoking"
    assert "Dee" in widget.client.value and "blockquote" in widget.client.value
    assert widget.value.case_id == "smoking"
    widget.whose.value = SELF
    assert "of your own" in widget.client.value


def test_huge_paste_is_kept_with_a_note(widget: ChangePlan):
    widget.successes.value = "y" * 100_000
    assert len(widget.value.successes) == 2000
    assert "first 2000 characters" in widget.status.value
    widget.goal.value = ODD
    widget.check.click()
    assert "Something went wrong" not in widget.status.value


def test_restore_puts_everything_back():
    plan = _good_plan().edit(case_id="walking", value="Not in the list")
    widget = ChangePlan(state=plan)
    assert widget.goal.value == plan.goal and widget.whose.value == "walking"
    assert widget.step_confidence[0].value == 8
    assert widget.value_choice.value == ""  # an unknown value shows the placeholder
    assert "questions to ask next" in widget.step_follow_ups[0].value
    assert ChangePlan(state=ChangePlanState(case_id="gone")).whose.value == SELF


def test_lesson_bar_saves_and_restores(tmp_path: Path):
    journal = Journal(tmp_path / "j.sqlite")
    learner = Learner("a", "t")
    bar = LessonBar("goals_and_planning", journal=journal, learner=learner, save_delay=0)
    bar.track(ChangePlan(), "change_plan").step_texts[0].value = "Walk at 7"
    again = LessonBar("goals_and_planning", journal=journal, learner=learner)
    assert again.track(ChangePlan(), "change_plan").step_texts[0].value == "Walk at 7"


def test_an_error_in_a_handler_is_shown_not_raised(widget: ChangePlan, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("kaput")

    monkeypatch.setattr("mi_toolkit.widgets.change_plan.check_plan", boom)
    widget.check.click()
    assert "kaput" in widget.status.value
