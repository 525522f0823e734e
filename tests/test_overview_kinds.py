"""The class overview's columns for the practice activities, from states the core models made."""

from __future__ import annotations

import pytest

from mi_toolkit.core import overview
from mi_toolkit.core.journal import Entry, Journal
from mi_toolkit.core.oars import OarsState
from mi_toolkit.core.overview import (
    ClassData,
    load_class_from_journal,
    registered_kinds,
    summarize_class,
)
from mi_toolkit.core.overview_kinds import (
    KINDS,
    OARS,
    REFLECTION,
    SORTER,
    TRANSCRIPT,
    judged_reflection,
    read_miti_summary,
    share,
)
from mi_toolkit.core.reflection import ReflectionState
from mi_toolkit.core.ruler import RulerState, StateError
from mi_toolkit.core.sorter import SorterState
from mi_toolkit.core.transcript_practice import TranscriptCoderState
from tests.test_report_kinds import (
    BROKEN,
    STATES,
    oars_state,
    reflection_state,
    sorter_state,
    transcript_state,
)

RULER_KEYS = ["importance", "confidence", "readiness", "ruler_records"]


def at(hour: int) -> str:
    return f"2024-03-01T{hour:02d}:00:00+00:00"


def learner(name: str, *items: tuple[str, dict, str]) -> tuple[str, tuple[Entry, ...]]:
    return name, tuple(
        Entry(name, "03", activity, state, saved) for activity, state, saved in items
    )


def summary_of(*learners: tuple[str, tuple[Entry, ...]]):
    return summarize_class(ClassData("journal", "memory", dict(learners)))


def test_the_four_practice_kinds_are_registered_after_the_ruler():
    kinds = [k.kind for k in registered_kinds()]
    assert kinds[0] == "readiness_ruler"
    assert kinds[1:5] == [
        "reflection_builder",
        "change_talk_sorter",
        "oars_practice",
        "transcript_coder",
    ]
    assert all(overview._KINDS[k.kind] is k for k in KINDS)


def test_reflection_columns():
    row = summary_of(learner("ana", ("reflect", reflection_state(), at(9)))).rows[0]
    assert row.problems == ()
    assert {k: row.cells[k] for k in ("refl_statements", "refl_attempts")} == {
        "refl_statements": 2,
        "refl_attempts": 4,
    }
    # a question, then a simple, a complex (feeling) and a complex (amplified) reflection
    assert row.cells["refl_reflections"] == "3/4 (75%)"
    assert row.cells["refl_complex"] == "2/4 (50%)"


def test_reflections_add_up_over_activities_and_the_same_statement_counts_once():
    row = summary_of(
        learner("ana", ("one", reflection_state(), at(9)), ("two", reflection_state(), at(10)))
    ).rows[0]
    assert row.cells["refl_statements"] == 2
    assert row.cells["refl_attempts"] == 8
    assert row.cells["refl_reflections"] == "6/8 (75%)"


def test_judged_reflection_reads_the_saved_label():
    assert judged_reflection("simple reflection") == "simple"
    assert judged_reflection("complex reflection: feeling, amplified") == "complex"
    assert judged_reflection("question") is None
    assert judged_reflection("righting reflex") is None
    assert judged_reflection("") is None


def test_sorter_columns():
    row = summary_of(learner("ana", ("sort", sorter_state(), at(9)))).rows[0]
    assert (row.cells["sort_cards"], row.cells["sort_score"]) == (3, "2/3 (67%)")


def test_oars_columns():
    row = summary_of(learner("ana", ("oars", oars_state(), at(9)))).rows[0]
    assert (row.cells["oars_responses"], row.cells["oars_as_asked"]) == (4, "2/4 (50%)")


def test_transcript_columns_show_the_newest_transcripts_scores_with_ratings():
    weak = transcript_state(text="T: Do you drink?\nC: Yes.\nT: Every day?\nC: Most days.\n")
    good = transcript_state()
    row = summary_of(learner("ana", ("later", good, at(11)), ("earlier", weak, at(9)))).rows[0]
    saved = good["summaries"][-1]
    assert row.cells["miti_transcripts"] == 2
    assert row.cells["miti_r_to_q"] == f"{saved['r_to_q']:.2f} ({saved['ratings']['r_to_q']})"
    assert row.cells["miti_pct_cr"] == f"{saved['pct_cr']:.0%} ({saved['ratings']['pct_cr']})"
    assert row.cells["miti_r_to_q"] == "1.00 (fair)"
    assert row.cells["miti_pct_cr"] == "100% (good)"
    older = summary_of(learner("ana", ("later", weak, at(11)), ("earlier", good, at(9)))).rows[0]
    assert older.cells["miti_r_to_q"] == "0.00 (below fair)"
    assert older.cells["miti_pct_cr"] == "not computed (no reflections)"


def test_a_transcript_saved_before_coding_counts_nothing():
    empty = TranscriptCoderState().with_text("T: Hi.\nC: Hello.", source="pasted").to_dict()
    row = summary_of(learner("ana", ("code", empty, at(9)))).rows[0]
    assert row.cells["miti_transcripts"] == 0
    assert row.cells["miti_r_to_q"] is None and row.cells["miti_pct_cr"] is None


def test_started_but_empty_activities_count_zero_with_no_share():
    row = summary_of(
        learner(
            "ana",
            ("r", ReflectionState().to_dict(), at(1)),
            ("s", SorterState().to_dict(), at(1)),
            ("o", OarsState().to_dict(), at(1)),
        )
    ).rows[0]
    assert row.cells["refl_attempts"] == 0 and row.cells["refl_reflections"] is None
    assert row.cells["sort_cards"] == 0 and row.cells["sort_score"] is None
    assert row.cells["oars_responses"] == 0 and row.cells["oars_as_asked"] is None


def test_a_learner_without_the_activity_gets_dashes_and_unused_kinds_are_hidden():
    summary = summary_of(
        learner("ana", ("sort", sorter_state(), at(9))),
        learner("ben", ("ruler", RulerState().rate("importance", 4).to_dict(), at(9))),
    )
    keys = [c.key for c in summary.columns]
    assert keys == [*RULER_KEYS, "sort_cards", "sort_score"]  # nobody reflected, wrote, coded
    rows = {r.learner: r for r in summary.rows}
    assert rows["ben"].cells["sort_cards"] is None and rows["ben"].cells["sort_score"] is None
    assert rows["ana"].cells["ruler_records"] == 0
    assert rows["ana"].other_kinds == {} and rows["ben"].other_kinds == {}


def test_a_whole_class_from_the_journal_shows_every_kind():
    journal = Journal(":memory:")
    for kind, make in STATES.items():
        journal.save("ana", "03", kind, make())
    journal.save("ben", "01", "ruler", RulerState().rate("importance", 7).to_dict())
    summary = summarize_class(load_class_from_journal(journal))
    assert [c.key for c in summary.columns] == [
        *RULER_KEYS,
        *(c.key for k in KINDS for c in k.columns),
    ]
    assert [c.heading for c in summary.columns][4:] == [
        "Statements reflected",
        "Reflection attempts",
        "Judged reflections",
        "Judged complex",
        "Cards sorted",
        "Talk type right",
        "OARS responses",
        "Read as asked",
        "Transcripts coded",
        "Latest R:Q",
        "Latest %CR",
    ]
    ana, ben = summary.rows
    assert ana.activities == 4 and ana.problems == ()
    assert all(ana.cells[c.key] is not None for k in KINDS for c in k.columns)
    assert all(ben.cells[c.key] is None for k in KINDS for c in k.columns)
    assert ben.cells["importance"] == 7


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_state_is_a_problem_never_a_crash(case: str):
    kind, state = BROKEN[case]
    good = STATES[kind]()
    row = summary_of(learner("ana", ("broken", state, at(12)), ("fine", good, at(9)))).rows[0]
    assert row.activities == 2
    assert len(row.problems) == 1, row.problems
    spec = next(k for k in KINDS if k.kind == kind)
    assert row.problems[0].startswith(f"{spec.label}, 03 / broken: ")
    assert "could not be summarised" not in row.problems[0]  # read and refused, not a crash
    # the good activity is still counted
    first_key = spec.columns[0].key
    assert isinstance(row.cells[first_key], int) and row.cells[first_key] > 0


def test_each_kind_summarises_no_entries_as_empty_cells():
    for spec in KINDS:
        result = spec.summarize([])
        assert result.problems == ()
        assert all(result.cells.get(c.key) is None for c in spec.columns)


def test_share_and_summary_reading():
    assert share(1, 3) == "1/3 (33%)"
    assert share(0, 0) is None
    saved = read_miti_summary(transcript_state()["summaries"][0])
    assert saved.questions == 2 and saved.reflections == 2
    with pytest.raises(StateError, match="must be an object"):
        read_miti_summary([])


def test_the_specs_are_the_registered_ones():
    assert (REFLECTION.kind, SORTER.kind, OARS.kind, TRANSCRIPT.kind) == tuple(
        k.kind for k in KINDS
    )
    assert all(k.hide_when_unused for k in KINDS)
    assert not overview.RULER.hide_when_unused
