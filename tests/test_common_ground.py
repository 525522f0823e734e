"""Common ground: the cases, the checks, saved state, the overlap chart, the widget."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mi_toolkit.common_ground_plots import overlap_png
from mi_toolkit.core.common_ground import (
    OWN,
    CommonGroundState,
    StateError,
    case_for,
    check_reflection,
    check_shared,
    check_vision,
    describe_overlap,
    load_cases,
)
from mi_toolkit.core.content import ContentError
from mi_toolkit.core.identity import Learner
from mi_toolkit.core.journal import Journal
from mi_toolkit.widgets.common_ground import CommonGround
from mi_toolkit.widgets.lesson import LessonBar

FIXTURES = Path(__file__).parent / "fixtures" / "content"
CONTENT = load_cases()
HOSTILE = '<img src=x onerror="alert(1)">'
ODD = "Z\u0336a\u0301l\u200bgo \u202eevil\u202c 👩\u200d👩\u200d👧 ｆｕｌｌ"


# ---------------------------------------------------------------- content


def test_four_kinds_of_case_with_two_to_five_parties():
    assert {c.id for c in CONTENT.cases} >= {"family", "workplace", "couple", "project"}
    for case in CONTENT.cases:
        assert 2 <= len(case.parties) <= 5
        assert case.shared, case.id
        assert all(case.goals_of(p.id) for p in case.parties)
        assert any(o not in case.shared for o in case.objectives), "something must conflict"
    project = CONTENT.case("project")
    assert any("client" in p.name for p in project.parties)
    assert any("sponsor" in p.name for p in project.parties)


BROKEN = {
    "broken_common_ground_not_json.json": ("", "invalid JSON"),
    "broken_common_ground_wrong_version.json": ("schema_version", "version 2 is not supported"),
    "broken_common_ground_one_party.json": ("cases[0].parties", "needs at least 2 items"),
    "broken_common_ground_six_parties.json": ("cases[1].parties", "at most 5 parties"),
    "broken_common_ground_unknown_holder.json": (
        "cases[2].objectives[1].held_by[0]",
        "unknown party 'sam'",
    ),
    "broken_common_ground_nothing_shared.json": ("cases[3].objectives", "held by every party"),
    "broken_common_ground_duplicate_party.json": ("cases[0].parties[1].id", "duplicate id"),
    "broken_common_ground_blank_says.json": ("cases[1].parties[0].says", "must not be empty"),
    "broken_common_ground_missing_feedback.json": ("feedback.vision_good", "missing"),
    "broken_common_ground_unknown_placeholder.json": (
        "feedback.shared_right",
        "unknown placeholder {objectives}",
    ),
}


def test_every_broken_fixture_is_listed():
    assert {p.name for p in FIXTURES.glob("broken_common_ground_*.json")} == set(BROKEN)


@pytest.mark.parametrize(("name", "expected"), sorted(BROKEN.items()))
def test_broken_content_fails_naming_file_and_key(name: str, expected: tuple[str, str]):
    key, problem = expected
    with pytest.raises(ContentError) as info:
        load_cases(FIXTURES / name)
    assert info.value.file == name
    assert info.value.key == key
    assert problem in str(info.value)


# ---------------------------------------------------------------- checks


def test_a_complex_reflection_naming_the_position_is_praised():
    case = CONTENT.case("family")
    notes = check_reflection(
        CONTENT, case, case.parties[0], "You're worried his school marks are slipping."
    )
    assert notes[0][0] == "good" and "complex reflection" in notes[0][1]
    assert notes[1][0] == "good" and "school" in notes[1][1]
    assert "suggestions" in notes[-1][1]


def test_a_question_gets_a_suggestion_not_a_verdict():
    case = CONTENT.case("workplace")
    notes = check_reflection(CONTENT, case, case.parties[1], "How long is the drive in?")
    assert notes[0][0] == "suggest"
    assert "reads as a question" in notes[0][1] and "Consider" in notes[0][1]
    assert notes[1][0] == "suggest"  # names nothing from Ruth's position


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("", "Not checked: write"), ("x " * 60_000, "over 1000"), ("1234 !!", "no words")],
)
def test_unusable_reflections_are_explained(raw: str, expected: str):
    case = CONTENT.cases[0]
    notes = check_reflection(CONTENT, case, case.parties[0], raw)
    assert len(notes) == 1 and expected in notes[0][1]


def test_odd_unicode_and_html_are_checked_as_text():
    case = CONTENT.cases[0]
    for raw in (ODD, HOSTILE + " you want him safe"):
        notes = check_reflection(CONTENT, case, case.parties[0], raw)
        assert notes


def test_shared_objectives_right_missed_and_extra():
    case = CONTENT.case("family")
    notes = dict(check_shared(CONTENT, case, ["pass_year", "sleep"]))
    assert "Leo gets through the school year" in notes["good"]
    tones = [t for t, _ in check_shared(CONTENT, case, ["pass_year", "sleep"])]
    assert tones == ["good", "suggest", "suggest"]
    assert check_shared(CONTENT, case, [])[0][0] == "suggest"
    assert [t for t, _ in check_shared(CONTENT, case, [o.id for o in case.shared])] == ["good"]


def test_vision_checks():
    case = CONTENT.case("family")
    assert "Draft" in check_vision(CONTENT, case, "  ")[0][1]
    good = check_vision(CONTENT, case, "We both want Leo to get through the school year.")
    assert good[0][0] == "good"
    bossy = check_vision(CONTENT, case, "You should stop arguing.")
    assert any("'should'" in text for _, text in bossy)
    assert check_vision(CONTENT, case, case.vision_example)[0][0] == "good"


def test_own_situation_overlap_comes_from_goals_written_the_same_way():
    state = (
        CommonGroundState(case_id=OWN)
        .set_party(0, "Me", "Quiet evenings\nSave money")
        .set_party(1, HOSTILE, "save money\n\n Travel ")
    )
    case = case_for(CONTENT, state)
    assert [p.name for p in case.parties] == ["Me", HOSTILE]
    assert [o.text for o in case.shared] == ["Save money"]
    assert "Held by everyone: Save money." in describe_overlap(case)
    # A party cleared from the middle keeps the others' numbering.
    state = state.set_party(2, "Them", "Travel").set_party(1, "", "")
    assert [p.id for p in case_for(CONTENT, state).parties] == ["p1", "p3"]


# ---------------------------------------------------------------- state


def test_state_round_trips_and_keeps_work_per_case():
    state = (
        CommonGroundState(case_id="family")
        .reflect("parent", "You want him safe.")
        .mark_shared(["pass_year"])
        .write_vision("We want calm evenings.")
        .choose_case("couple")
        .reflect("jo", ODD)
        .set_party(0, "A", "x")
    )
    data = json.loads(json.dumps(state.to_dict()))
    assert data["kind"] == "common_ground" and data["schema_version"] == 1
    again = CommonGroundState.from_dict(data)
    assert again == state
    back = again.choose_case("family")
    assert back.reflection_for("parent") == "You want him safe."
    assert back.marked == ("pass_year",) and back.vision == "We want calm evenings."


def test_huge_text_is_kept_shortened_not_lost():
    state = CommonGroundState(case_id="family").write_vision("word " * 30_000)
    assert 1000 < len(state.vision) <= 2000
    assert state.reflect("parent", "").reflections == {}


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"schema_version": 2, "kind": "common_ground"},
        {"schema_version": 1, "kind": "change_plan"},
        {"schema_version": 1, "own_parties": "x"},
        {"schema_version": 1, "own_parties": [{"name": "a"}] * 6},
        {"schema_version": 1, "reflections": {"a/b": 3}},
        {"schema_version": 1, "shared": ["x"]},
        {"schema_version": 1, "visions": []},
        {"schema_version": 1, "own_parties": [{"goals": "x"}]},
    ],
)
def test_bad_saved_state_raises_state_error(data):
    with pytest.raises(StateError):
        CommonGroundState.from_dict(data)


# ---------------------------------------------------------------- chart


def test_chart_is_a_png_for_every_case_and_own_situations():
    for case in CONTENT.cases:
        assert overlap_png(case, (case.shared[0].id,))[:4] == b"\x89PNG"
    own = case_for(CONTENT, CommonGroundState(case_id=OWN).set_party(0, "A", "x"))
    assert overlap_png(own)[:4] == b"\x89PNG"


def test_importing_the_chart_module_does_not_import_matplotlib():
    code = "import sys, mi_toolkit.common_ground_plots; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_building_and_restoring_the_widget_does_not_draw_the_chart():
    """The page shows before matplotlib is loaded: the chart is drawn when asked for."""
    code = (
        "import sys\n"
        "from mi_toolkit.core.common_ground import CommonGroundState\n"
        "from mi_toolkit.widgets.common_ground import CommonGround\n"
        "cg = CommonGround()\n"
        "cg.restore(CommonGroundState(case_id='project').mark_shared(['x']))\n"
        "cg.case.value = 'family'\n"
        "print(any(m.split('.')[0] == 'matplotlib' for m in sys.modules))\n"
        "cg.check_shared.click()\n"
        "print(any(m.split('.')[0] == 'matplotlib' for m in sys.modules), '<img' in cg.chart.value)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["False", "True True"], out.stderr


# ---------------------------------------------------------------- widget


@pytest.fixture
def cg() -> CommonGround:
    return CommonGround()


def test_starts_on_the_first_case_with_a_box_per_party(cg: CommonGround):
    case = CONTENT.cases[0]
    assert cg.case.value == case.id and cg.value.case_id == case.id
    shown = [b for b in cg.reflections if b.layout.display is None]
    assert len(shown) == len(case.parties)
    assert shown[0].description == f"Reflect {case.parties[0].name}"
    assert cg.own_box.layout.display == "none"
    assert "<img" not in cg.chart.value and "Check shared objectives" in cg.chart.value
    cg.check_shared.click()
    assert "<img" in cg.chart.value and 'alt="Chart of the goals' in cg.chart.value


def test_reflect_mark_and_draft(cg: CommonGround):
    cg.reflections[0].value = "You're worried his school marks are slipping."
    cg.reflections[1].value = "Why do you stay up?"
    cg.check_reflections.click()
    fb = html.unescape(cg.reflection_feedback.value)
    assert "Your reflection of Maya (parent)" in fb and "complex reflection" in fb
    assert "Suggestion:" in fb and "reads as a question" in fb
    cg.objectives[0].value = True
    cg.objectives[2].value = True
    cg.check_shared.click()
    assert cg.value.marked == ("pass_year", "sleep")
    assert "Not held by everyone yet" in cg.shared_feedback.value
    assert "✓ " not in cg.chart.value  # the tick is drawn in the PNG, not in the HTML
    cg.vision.value = "We both want Leo to get through the school year."
    cg.check_vision.click()
    assert "Well done:" in cg.vision_feedback.value
    assert "One way it could be said" in cg.vision_feedback.value


def test_switching_case_keeps_work(cg: CommonGround):
    cg.reflections[0].value = "You want him to pass."
    cg.case.value = "project"
    assert cg.reflections[0].value == ""
    assert len([b for b in cg.reflections if b.layout.display is None]) == 3
    cg.case.value = "family"
    assert cg.reflections[0].value == "You want him to pass."


def test_own_situation_is_escaped_and_charted(cg: CommonGround):
    cg.case.value = OWN
    assert cg.own_box.layout.display is None
    cg.check_reflections.click()
    assert "at least two parties" in cg.reflection_feedback.value
    cg.party_names[0].value = HOSTILE
    cg.party_goals[0].value = "Peace\nMoney"
    cg.party_names[1].value = "Sam"
    cg.party_goals[1].value = "money"
    assert HOSTILE not in cg.parties.value and html.escape(HOSTILE) in cg.parties.value
    visible = [b.description for b in cg.objectives if b.layout.display is None]
    assert visible == ["Peace", "Money"]
    cg.objectives[1].value = True
    cg.check_shared.click()
    assert "Shared by everyone" in cg.shared_feedback.value
    assert HOSTILE not in cg.chart.value


def test_bad_input_never_raises(cg: CommonGround):
    for text in ("", "x" * 100_000, ODD, HOSTILE):
        cg.reflections[0].value = text
        cg.vision.value = text
        cg.check_reflections.click()
        cg.check_vision.click()
    assert cg.status.value == ""
    assert HOSTILE not in cg.vision_feedback.value + cg.reflection_feedback.value


def test_restore_unknown_case_falls_back_to_the_first():
    cg = CommonGround(state=CommonGroundState(case_id="gone"))
    assert cg.case.value == CONTENT.cases[0].id


def test_lesson_bar_saves_and_restores(tmp_path: Path):
    journal = Journal(tmp_path / "j.sqlite")
    bar = LessonBar("conflicting_goals", journal=journal, learner=Learner("a", "t"), save_delay=0)
    cg = bar.track(CommonGround(), "practice")
    cg.case.value = "couple"
    cg.reflections[1].value = "You miss how things were."
    again = LessonBar("conflicting_goals", journal=journal, learner=Learner("a", "t"))
    cg2 = again.track(CommonGround(), "practice")
    assert cg2.case.value == "couple"
    assert cg2.reflections[1].value == "You miss how things were."


def test_an_error_in_a_handler_is_shown_not_raised(cg: CommonGround, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("kaput")

    monkeypatch.setattr("mi_toolkit.widgets.common_ground.check_shared", boom)
    cg.check_shared.click()
    assert "kaput" in cg.status.value and "Your work so far is kept" in cg.status.value
