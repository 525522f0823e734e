"""Discrepancy worksheet: content and cases, the worksheet state, prompts, chart, widget."""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import pytest

from mi_toolkit.core.content import ContentError
from mi_toolkit.core.discrepancy import (
    MAX_ITEMS,
    Sheet,
    StateError,
    WorksheetState,
    describe_fits,
    gaps,
    load_discrepancy,
    parse_items,
    prompts_for,
)
from mi_toolkit.core.values import ValuesSortState
from mi_toolkit.discrepancy_plots import fit_png
from mi_toolkit.widgets.discrepancy import DiscrepancyWorksheet
from mi_toolkit.widgets.values import ValuesCardSort

FIXTURES = Path(__file__).parent / "fixtures" / "content"
CONTENT = load_discrepancy()
HOSTILE = '<img src=x onerror="alert(1)">'
JUDGING = ("should", "must", "need to", "why don't you", "why do you", "wrong", "bad", "lazy")

# ---------------------------------------------------------------- content


def test_cases_cover_the_situations_taught():
    assert len(CONTENT.cases) >= 3
    owners = {v.owner for case in CONTENT.cases for v in case.values}
    assert owners == {"own", "should", "unsure"}  # the whose-goal check has real work


def test_prompts_ask_without_judging():
    for kind, templates in CONTENT.prompts.items():
        for template in templates:
            assert template.rstrip().endswith("?"), (kind, template)
            assert not any(word in template.lower() for word in JUDGING), template


BROKEN = {
    "broken_discrepancy_wrong_version.json": ("schema_version", "expected int, got str"),
    "broken_discrepancy_two_cases.json": ("cases", "needs at least 3 items"),
    "broken_discrepancy_unknown_owner.json": ("cases[1].values[0].owner", "unknown value"),
    "broken_discrepancy_missing_fit.json": ("fit_scale", "needs a label for each fit"),
    "broken_discrepancy_bad_prompt.json": ("prompts.gap[1]", "unknown placeholder {habit}"),
    "broken_discrepancy_duplicate_case.json": ("cases[2].id", "duplicate id 'dana'"),
    "broken_discrepancy_blank_quote.json": ("cases[0].quotes[0]", "expected non-empty text"),
    "broken_discrepancy_missing_owner.json": ("owners.should", "missing"),
    "broken_discrepancy_not_json.json": ("", "invalid JSON"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_fail_naming_file_and_key(name: str):
    key, problem = BROKEN[name]
    with pytest.raises(ContentError) as info:
        load_discrepancy(FIXTURES / name)
    assert info.value.file == name and info.value.key == key
    assert problem in str(info.value)


def test_every_broken_discrepancy_fixture_is_listed():
    assert {p.name for p in FIXTURES.glob("broken_discrepancy_*")} == set(BROKEN)


# ---------------------------------------------------------------- learner text


@pytest.mark.parametrize(
    ("raw", "items"),
    [
        ("", ()),
        ("\n \n\t", ()),
        ("health\nHealth\n- family", ("health", "family")),
        ("zero\u200bwidth\r\nemoji 👩‍👧 ok", ("zerowidth", "emoji 👩‍👧 ok")),
        (HOSTILE, (HOSTILE,)),
        ("\n".join(f"v{i}" for i in range(20)), tuple(f"v{i}" for i in range(MAX_ITEMS))),
    ],
)
def test_parse_items(raw: str, items: tuple):
    assert parse_items(raw)[0] == items


def test_long_lines_are_shortened_and_huge_pastes_refused():
    items, note = parse_items("word " * 100)
    assert len(items[0]) <= 120 and items[0].endswith("…") and "shortened" in note
    with pytest.raises(ValueError):
        parse_items("x" * 100_000)
    with pytest.raises(ValueError):
        WorksheetState().write_notes("x" * 100_000)


# ---------------------------------------------------------------- state


def _worked() -> WorksheetState:
    s = WorksheetState().set_values("health\nfamily").set_actions("late nights\nwalks")
    return s.rate("health", "late nights", -2).rate("family", "walks", 2).set_owner("health", "own")


def test_rating_gaps_and_pruning():
    s = _worked()
    assert gaps(s.sheet) == (("health", "late nights", -2),)
    s = s.set_actions("walks")
    assert s.sheet.fits == {("family", "walks"): 2}
    with pytest.raises(StateError):
        s.rate("health", "late nights", 1)
    with pytest.raises(StateError):
        s.rate("health", "walks", 5)
    with pytest.raises(StateError):
        s.set_owner("health", "boss")


def test_prompts_develop_discrepancy_and_check_whose_goal():
    s = _worked().set_owner("family", "should")
    health = prompts_for(CONTENT, s.sheet, "health")
    assert "late nights" in health[0] and "health" in health[0]
    assert health[-1] == CONTENT.owners["own"].prompt.format(value="health")
    family = prompts_for(CONTENT, s.sheet, "family")
    assert "Whose voice is it?" in family[-1]
    fresh = prompts_for(CONTENT, WorksheetState().set_values("x").sheet, "x")
    assert fresh == [CONTENT.texts["unrated"].format(value="x")]


def test_switching_keeps_every_sheet():
    s = _worked().switch("leo", CONTENT)
    assert s.sheet.values[0] == "finishing an engineering degree"
    s = s.rate(s.sheet.values[0], s.sheet.actions[0], -1).switch("self")
    assert s.sheet == _worked().sheet
    assert s.switch("leo", CONTENT).sheet.fits
    with pytest.raises(StateError):
        s.switch("nobody", CONTENT)


def test_state_round_trips_and_bad_state_is_refused():
    s = _worked().write_notes("I notice\n<b>late nights</b> win.").switch("dana", CONTENT)
    data = s.to_dict()
    assert data["kind"] == "discrepancy_worksheet" and data["schema_version"] == 1
    assert WorksheetState.from_dict(data) == s
    sheet = data["sheets"]["self"]
    for bad in (
        "x",
        {**data, "schema_version": 2},
        {**data, "kind": "values_card_sort"},
        {**data, "sheets": []},
        {**data, "sheets": {"self": {**sheet, "values": "health"}}},
        {**data, "sheets": {"self": {**sheet, "owners": {"health": "boss"}}}},
        {**data, "sheets": {"self": {**sheet, "fits": [{"value": "health", "fit": 9}]}}},
        {**data, "sheets": {"self": {**sheet, "fits": [{"value": "h", "fit": True}]}}},
    ):
        with pytest.raises(StateError):
            WorksheetState.from_dict(bad)


def test_chart_and_its_description():
    s = _worked()
    assert fit_png(s.sheet)[:4] == b"\x89PNG"
    assert fit_png(Sheet())[:4] == b"\x89PNG"
    text = describe_fits(CONTENT, s.sheet)
    assert "2 actions fit 2 values (2 of 4 rated)" in text
    assert "late nights: works against it (health)" in text


# ---------------------------------------------------------------- widget


def test_widget_self_practice():
    w = DiscrepancyWorksheet()
    assert w.use_top.layout.display == "none"
    w.values_box.value = "health\nfamily"
    w.actions_box.value = "late nights"
    assert w.rate_value.value == "health" and len(w.fit_boxes) == 1
    w.fit_boxes[0].value = -2
    assert w.value.sheet.fit("health", "late nights") == -2
    assert "How does late nights fit with health" in w.prompts.value
    assert (
        'alt="Chart of how 1 action fit 2 values' in w.chart.value and "The gaps" in w.chart.value
    )
    w.rate_value.value = "family"
    assert w.fit_boxes[0].value == ""
    w.owner_boxes[1].value = "should"
    assert w.value.sheet.owners == {"family": "should"}
    w.notes.value = "Late nights\ncost me."
    assert w.value.sheet.notes == "Late nights\ncost me."
    assert w.status.value == ""


def test_chart_is_drawn_on_the_first_rating_or_on_request():
    """Choosing a case or restoring saved work shows the table only: matplotlib loads
    when the learner rates an action or asks for the chart, not while the page is built."""
    code = (
        "import sys\n"
        "from mi_toolkit.widgets.discrepancy import DiscrepancyWorksheet\n"
        "w = DiscrepancyWorksheet()\n"
        "w.mode.value = 'leo'\n"
        "w.restore(w.value.rate(w.value.sheet.values[0], w.value.sheet.actions[0], -2))\n"
        "mpl = lambda: any(m.split('.')[0] == 'matplotlib' for m in sys.modules)\n"
        "print(mpl(), '<img' in w.chart.value, 'The gaps' in w.chart.value,"
        " w.show_chart.layout.display)\n"
        "w.show_chart.click()\n"
        "print(mpl(), '<img' in w.chart.value, w.show_chart.layout.display)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["False False True None", "True True none"], out.stderr
    w = DiscrepancyWorksheet()
    w.mode.value = "amir"
    assert "<img" not in w.chart.value and w.show_chart.layout.display is None
    w.rate_value.value = w.value.sheet.values[0]
    w.fit_boxes[0].value = -2
    assert "<img" in w.chart.value and w.show_chart.layout.display == "none"


def test_widget_case_practice_and_whose_goal_feedback():
    w = DiscrepancyWorksheet()
    w.mode.value = "leo"
    assert "Leo, 19" in w.case_info.value and "supposed to want this" in w.case_info.value
    w.owner_boxes[0].value = "should"
    assert "That fits their words" in w.owner_feedback.value
    w.owner_boxes[1].value = "should"
    assert "Listen again" in w.owner_feedback.value
    w.mode.value = "self"
    assert w.value.sheet.values == () and w.case_info.value == ""


def test_widget_bad_input_is_shown_not_lost():
    w = DiscrepancyWorksheet()
    w.values_box.value = "health"
    w.values_box.value = "x" * 100_000
    assert "Not saved" in w.list_note.value and w.value.sheet.values == ("health",)
    w.notes.value = "fine"
    w.notes.value = "y" * 100_000
    assert "Not saved" in w.status.value and w.value.sheet.notes == "fine"
    w.values_box.value = HOSTILE + "\n\u202eodd\u0000"
    w.actions_box.value = HOSTILE
    w.fit_boxes[0].value = -1
    for part in (w.prompts, w.chart):
        assert HOSTILE not in part.value and html.escape(HOSTILE) in part.value
    assert w.value.sheet.values == (HOSTILE, "odd")


def test_top_values_feed_the_worksheet():
    sort = ValuesCardSort()
    sheet = DiscrepancyWorksheet(values_from=sort)
    assert sheet.use_top.disabled
    sort.pile_buttons["most"].click()  # Acceptance
    assert sheet.value.sheet.values == ("Acceptance",)  # an empty list is filled in
    sort.pile_buttons["most"].click()  # Accuracy
    assert sheet.value.sheet.values == ("Acceptance",)  # a list is never overwritten
    assert "Acceptance, Accuracy" in sheet.from_sort.value
    sheet.use_top.click()
    assert sheet.value.sheet.values == ("Acceptance", "Accuracy")
    restored = ValuesSortState.from_dict(sort.value.to_dict())
    again = DiscrepancyWorksheet(values_from=ValuesCardSort(state=restored))
    assert again.value.sheet.values == ("Acceptance", "Accuracy")


def test_widget_restores_and_survives_unknown_case():
    saved = _worked().switch("ruth", CONTENT).to_dict()
    w = DiscrepancyWorksheet()
    w.restore(WorksheetState.from_dict(saved))
    assert w.mode.value == "ruth" and "Ruth, 61" in w.case_info.value
    w.restore(WorksheetState(mode="gone"))
    assert w.mode.value == "self"
