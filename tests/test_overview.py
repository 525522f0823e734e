"""The class overview: reading a folder of exports (good and broken), summaries, the widget."""

from __future__ import annotations

import base64
import html
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mi_toolkit.core import overview
from mi_toolkit.core.exchange import EXPORT_SCHEMA_VERSION, export_document
from mi_toolkit.core.journal import Entry, Journal
from mi_toolkit.core.overview import (
    ActivityKind,
    Column,
    KindSummary,
    OverviewError,
    Skipped,
    default_class_dir,
    describe_distribution,
    format_time,
    load_class_from_folder,
    load_class_from_journal,
    register_kind,
    ruler_distributions,
    summarize_class,
)
from mi_toolkit.core.ruler import RulerState

REPO = Path(__file__).resolve().parents[1]
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
LESSON = "01_readiness_rulers"
HOSTILE = '<img src=x onerror="window.__pwned=1">'


def ruler(change: str = "walk to work", recorded=(), **current: int) -> dict:
    """A ruler state: ``recorded`` is a list of {scale: value} dicts, one per record."""
    state = RulerState(change=change)
    for i, ratings in enumerate(recorded):
        for scale, value in ratings.items():
            state = state.rate(scale, value)
        state = state.record(T0 + timedelta(days=i))
    state = RulerState(change=state.change, history=state.history)
    for scale, value in current.items():
        state = state.rate(scale, value)
    return state.to_dict()


def write_export(folder: Path, name: str, learner: str, /, *items, **changes) -> Path:
    """Write ``name`` as a real export; items are (activity, state, saved_at) tuples."""
    entries = [Entry(learner, LESSON, act, state, saved) for act, state, saved in items]
    document = export_document(entries, learner)
    document.update(changes)
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def at(days: float) -> str:
    return (T0 + timedelta(days=days)).isoformat(timespec="milliseconds")


@pytest.fixture
def good(tmp_path: Path) -> Path:
    """Three learners' exports."""
    write_export(
        tmp_path,
        "mi-work-ana.json",
        "ana",
        ("practice", ruler(recorded=[{"importance": 3}], importance=6, confidence=4), at(3)),
    )
    write_export(
        tmp_path,
        "mi-work-ben.json",
        "ben",
        ("practice", ruler(recorded=[{"importance": 8, "readiness": 2}, {"readiness": 5}]), at(2)),
    )
    write_export(
        tmp_path,
        "mi-work-cara.json",
        "cara",
        ("practice", ruler(importance=6, confidence=10, readiness=0), at(1)),
        ("reflect", {"schema_version": 1, "kind": "reflection_practice"}, at(4)),
        ("sort", {"schema_version": 1, "kind": "change_talk_sort"}, at(0)),
        ("sort2", {"schema_version": 1, "kind": "change_talk_sort"}, at(0)),
    )
    return tmp_path


def broken_files(folder: Path) -> dict[str, str]:
    """Write one file per way an export can be unusable; returns name -> expected reason."""
    files = {
        "not_json.json": ("{ this is not json", "invalid JSON at line 1"),
        "empty.json": ("", "the file is empty"),
        "blank.json": ("  \n\t ", "the file is empty"),
        "list.json": ("[1, 2]", "not an mi_toolkit export (the top level is not an object)"),
        "other.json": ('{"name": "a package.json"}', "not an mi_toolkit export (kind is None)"),
        "deep.json": ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
        "bigint.json": ('{"x": ' + "9" * 5000 + "}", "not usable JSON"),
    }
    expected = {name: reason for name, (_, reason) in files.items()}
    for name, (text, _) in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "latin1.json").write_bytes('{"learner": "Zoë"}'.encode("latin-1"))
    expected["latin1.json"] = "not UTF-8 text"
    write_export(folder, "v2.json", "dan", schema_version=EXPORT_SCHEMA_VERSION + 1)
    expected["v2.json"] = f"export schema version {EXPORT_SCHEMA_VERSION + 1} is not supported"
    write_export(folder, "nameless.json", "x", learner="  ")
    expected["nameless.json"] = "key 'learner' is missing or empty"
    write_export(folder, "control.json", "x", learner="\u200b\u0007")
    expected["control.json"] = "has no printable characters"
    write_export(folder, "entries.json", "eve", entries={"not": "a list"})
    expected["entries.json"] = "key 'entries' must be a list"
    write_export(folder, "entry.json", "fay", entries=[{"lesson": "01", "state": {}}])
    expected["entry.json"] = "entries[0]: key 'activity' is missing or not text"
    return expected


# ---------------------------------------------------------------- loading a folder


def test_good_exports_are_grouped_per_learner(good: Path) -> None:
    data = load_class_from_folder(good)
    assert list(data.learners) == ["ana", "ben", "cara"]
    assert [e.activity for e in data.learners["cara"]] == ["practice", "reflect", "sort", "sort2"]
    assert data.skipped == () and data.notes == ()
    assert data.files_read == 3 and data.source == "folder" and data.location == str(good)


def test_every_broken_file_is_skipped_with_its_reason(good: Path) -> None:
    expected = broken_files(good)
    data = load_class_from_folder(good)
    assert list(data.learners) == ["ana", "ben", "cara"]
    reasons = {s.name: s.reason for s in data.skipped}
    assert sorted(reasons) == sorted(expected)
    for name, reason in expected.items():
        assert reason in reasons[name], (name, reasons[name])
        assert not reasons[name].startswith(name)  # the name is not repeated in the reason
    assert all(isinstance(s, Skipped) for s in data.skipped)
    assert [s.name for s in data.skipped] == sorted(reasons)  # listed in name order


def test_subfolders_hidden_and_other_files_are_ignored_not_skipped(good: Path) -> None:
    (good / "week1.json").mkdir()
    write_export(good / "week1.json", "mi-work-zed.json", "zed")
    (good / "notes.txt").write_text("hello")
    (good / ".mi-work-ana.json.swp").write_text("x")
    write_export(good, "._mi-work-ana.json", "ghost")  # macOS resource-fork twin
    os.mkfifo(good / "pipe.json")  # reading it would block forever
    data = load_class_from_folder(good)
    assert list(data.learners) == ["ana", "ben", "cara"]
    assert data.skipped == ()
    assert data.notes == (
        "5 items in the folder are not .json exports (subfolders, hidden or other files) "
        "and were ignored.",
    )


def test_upper_case_extension_and_byte_order_mark_are_read(tmp_path: Path) -> None:
    path = write_export(tmp_path, "ANA.JSON", "ana", ("practice", ruler(importance=2), at(0)))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert list(load_class_from_folder(tmp_path).learners) == ["ana"]


def test_an_export_with_no_work_still_lists_the_learner(tmp_path: Path) -> None:
    write_export(tmp_path, "new.json", "  Ana   P ")
    data = load_class_from_folder(tmp_path)
    assert data.learners == {"Ana P": ()}
    row = summarize_class(data).rows[0]
    assert row.activities == 0 and row.last_saved == "" and row.cells["importance"] is None


def test_a_file_too_large_is_skipped_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_export(tmp_path, "big.json", "ana", ("practice", ruler(importance=2), at(0)))
    monkeypatch.setattr(overview, "MAX_FILE_BYTES", 100)
    monkeypatch.setattr(
        overview, "read_export_file", lambda p: pytest.fail("a too-large file was read")
    )
    data = load_class_from_folder(tmp_path)
    assert data.learners == {}
    assert "too large for an export" in data.skipped[0].reason


def test_an_unreadable_file_is_skipped(good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (good / "locked.json").write_text("{}")
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "locked.json":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    data = load_class_from_folder(good)
    assert data.skipped == (Skipped("locked.json", "cannot be read (Permission denied)"),)
    assert list(data.learners) == ["ana", "ben", "cara"]


def test_a_huge_folder_is_read_up_to_the_limit_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(15):
        write_export(tmp_path, f"l{i:02d}.json", f"learner {i:02d}")
    monkeypatch.setattr(overview, "MAX_FILES", 10)
    data = load_class_from_folder(tmp_path)
    assert list(data.learners) == [f"learner {i:02d}" for i in range(10)]
    assert data.files_read == 10
    assert any("holds 15 .json files; only the first 10" in n for n in data.notes)


def test_a_large_class_loads(tmp_path: Path) -> None:
    state = ruler(recorded=[{"importance": i % 11} for i in range(40)], confidence=5)
    for i in range(400):
        write_export(tmp_path, f"mi-work-{i:03d}.json", f"learner {i:03d}", ("p", state, at(i)))
    summary = summarize_class(load_class_from_folder(tmp_path))
    assert len(summary.rows) == 400
    assert summary.distributions["confidence"][5] == 400
    assert sum(summary.distributions["importance"]) == 400


@pytest.mark.parametrize("make", ["missing", "file"])
def test_a_folder_that_is_not_there_raises_a_clear_error(tmp_path: Path, make: str) -> None:
    target = tmp_path / "exports"
    if make == "file":
        target.write_text("x")
    with pytest.raises(OverviewError, match="no folder at|is a file, not a folder"):
        load_class_from_folder(target)


def test_duplicate_exports_keep_the_newest_save_per_activity_and_say_so(tmp_path: Path) -> None:
    write_export(
        tmp_path,
        "mi-work-ana.json",
        "ana",
        ("practice", ruler(importance=2), at(1)),
        ("only-old", ruler(confidence=1), at(1)),
    )
    write_export(tmp_path, "mi-work-ana (1).json", "ana", ("practice", ruler(importance=9), at(5)))
    # the same instant written with another offset is older: 10:00+02:00 is 08:00 UTC
    write_export(
        tmp_path,
        "mi-work-ana (2).json",
        "ana",
        ("practice", ruler(importance=4), at(5)[:-6] + "+02:00"),
    )
    data = load_class_from_folder(tmp_path)
    kept = {e.activity: e for e in data.learners["ana"]}
    assert sorted(kept) == ["only-old", "practice"]
    assert kept["practice"].state["ratings"]["importance"] == 9
    assert data.notes == (
        "ana: 1 activity is in more than one export (mi-work-ana (1).json, "
        "mi-work-ana (2).json, mi-work-ana.json); the newest save of each is used.",
    )
    assert summarize_class(data).rows[0].cells["importance"] == 9


# ---------------------------------------------------------------- the journal


def test_the_journal_gives_the_same_data(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.save("ben", LESSON, "practice", ruler(importance=7))
    journal.save("ana", LESSON, "practice", ruler(readiness=3))
    journal.save("ana", "02", "x", {"schema_version": 1, "kind": "miti_summary"})
    data = load_class_from_journal(journal)
    assert data.source == "journal" and data.location == str(tmp_path / "journal.sqlite3")
    assert list(data.learners) == ["ana", "ben"]
    rows = {r.learner: r for r in summarize_class(data).rows}
    assert rows["ana"].activities == 2 and rows["ana"].other_kinds == {"miti_summary": 1}
    assert rows["ben"].cells["importance"] == 7


def test_a_journal_notice_becomes_a_note(tmp_path: Path) -> None:
    journal = Journal(":memory:")
    journal.notice = "Your saved work file could not be read"
    assert load_class_from_journal(journal).notes == ("Your saved work file could not be read",)


# ---------------------------------------------------------------- summaries


def test_rows_hold_the_latest_ratings_counts_and_last_save(good: Path) -> None:
    summary = summarize_class(load_class_from_folder(good))
    rows = {r.learner: r for r in summary.rows}
    # ana: current ratings (saved later) beat the recorded 3
    assert rows["ana"].cells == {
        "importance": 6,
        "confidence": 4,
        "readiness": None,
        "ruler_records": 1,
    }
    # ben: nothing current, so the newest recorded value per scale
    assert [rows["ben"].cells[s] for s in ("importance", "confidence", "readiness")] == [8, None, 5]
    assert rows["ben"].cells["ruler_records"] == 2
    assert rows["cara"].activities == 4
    assert rows["cara"].other_kinds == {"change_talk_sort": 2, "reflection_practice": 1}
    assert rows["cara"].last_saved == at(4)
    assert [c.key for c in summary.columns] == [
        "importance",
        "confidence",
        "readiness",
        "ruler_records",
    ]


def test_distributions_count_each_learners_latest_rating(good: Path) -> None:
    dist = summarize_class(load_class_from_folder(good)).distributions
    assert dist["importance"] == (0, 0, 0, 0, 0, 0, 2, 0, 1, 0, 0)
    assert dist["confidence"] == (0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1)
    assert dist["readiness"] == (1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0)
    assert ruler_distributions([]) == {s: (0,) * 11 for s in dist}


def test_a_ruler_entry_that_cannot_be_read_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    bad = ruler(importance=5) | {"schema_version": 9}
    write_export(
        tmp_path,
        "a.json",
        "ana",
        ("old", bad, at(1)),
        ("new", ruler(confidence=3), at(2)),
        (
            "odd",
            {"kind": "readiness_ruler", "schema_version": 1, "ratings": {"importance": 42}},
            at(3),
        ),
    )
    row = summarize_class(load_class_from_folder(tmp_path)).rows[0]
    assert row.cells["confidence"] == 3 and row.cells["importance"] is None
    assert row.activities == 3
    assert len(row.problems) == 2
    assert any("schema version 9" in p and "/ old" in p for p in row.problems)
    assert any("whole number from 0 to 10, got 42" in p for p in row.problems)


def test_unknown_kinds_and_entries_without_a_kind_are_counted(tmp_path: Path) -> None:
    write_export(
        tmp_path,
        "a.json",
        "ana",
        ("a", {"schema_version": 1}, at(1)),
        ("b", {"kind": "coded_transcript"}, at(1)),
        ("c", {"kind": 7}, "not a time"),
    )
    row = summarize_class(load_class_from_folder(tmp_path)).rows[0]
    assert row.other_kinds == {"7": 1, "coded_transcript": 1, "unknown": 1}
    assert row.cells["ruler_records"] == 0
    assert row.last_saved == at(1)  # an unreadable time counts as oldest


def test_a_new_kind_plugs_in_and_a_failing_one_does_not_hide_the_class(
    good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overview, "_KINDS", dict(overview._KINDS))
    register_kind(
        ActivityKind(
            "change_talk_sort",
            "Change-talk sort",
            (Column("sort_count", "Sorts done"),),
            lambda entries: KindSummary({"sort_count": len(entries)}),
        )
    )

    def broken(entries):
        raise KeyError("score")

    register_kind(ActivityKind("reflection_practice", "Reflections", (Column("r", "R"),), broken))
    summary = summarize_class(load_class_from_folder(good))
    rows = {r.learner: r for r in summary.rows}
    assert [c.key for c in summary.columns][-2:] == ["sort_count", "r"]
    assert rows["cara"].cells["sort_count"] == 2 and rows["ana"].cells["sort_count"] == 0
    assert rows["cara"].other_kinds == {}
    assert rows["cara"].cells["importance"] == 6
    assert rows["cara"].problems == ("Reflections could not be summarised ('score')",)


def test_registering_twice_or_with_a_taken_column_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(overview, "_KINDS", dict(overview._KINDS))
    with pytest.raises(ValueError, match="already registered"):
        register_kind(ActivityKind("readiness_ruler", "Again", (), lambda e: KindSummary({})))
    with pytest.raises(ValueError, match="column key 'importance'"):
        register_kind(
            ActivityKind("x", "X", (Column("importance", "I"),), lambda e: KindSummary({}))
        )
    assert register_kind(overview.RULER) is overview.RULER  # the same spec again is fine


def test_describe_distribution_names_every_bar() -> None:
    dist = {"importance": (0,) * 6 + (2, 0, 1, 0, 0), "readiness": (1,) + (0,) * 10}
    assert describe_distribution(dist) == (
        "Bar charts of each learner's latest ruler rating, one chart per scale. "
        "Importance, 3 learners: 2 at 6, 1 at 8. Confidence: no ratings yet. "
        "Readiness, 1 learner: 1 at 0."
    )


@pytest.mark.parametrize(
    ("iso", "shown"),
    [
        ("2024-03-01T09:30:12.512+00:00", "2024-03-01 09:30 UTC"),
        ("2024-03-01T11:30:00+02:00", "2024-03-01 09:30 UTC"),
        ("2024-03-01T09:30:00", "2024-03-01 09:30 UTC"),
        ("yesterday", "yesterday"),
    ],
)
def test_format_time(iso: str, shown: str) -> None:
    assert format_time(iso) == shown


def test_default_class_dir(tmp_path: Path) -> None:
    assert default_class_dir({}, tmp_path) == tmp_path / "exports"
    assert default_class_dir({"MI_TOOLKIT_CLASS_DIR": "/srv/x"}, tmp_path) == Path("/srv/x")
    assert default_class_dir({"MI_TOOLKIT_CLASS_DIR": ""}, tmp_path) == tmp_path / "exports"


# ---------------------------------------------------------------- the chart


def test_distribution_chart_is_a_png_with_the_scale_colours() -> None:
    import matplotlib.image as mpimg
    import numpy as np

    from mi_toolkit.overview_plots import COLOURS, ruler_distribution_png

    png = ruler_distribution_png({"importance": (0, 0, 5), "readiness": (1,) * 11})
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = (mpimg.imread(__import__("io").BytesIO(png))[..., :3] * 255).round()
    for scale, colour in COLOURS.items():
        rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        found = int((np.abs(pixels - rgb).sum(axis=-1) < 30).sum())
        if scale == "confidence":  # no ratings: no bars
            assert found == 0
        else:
            assert found > 100, scale
    assert ruler_distribution_png({}).startswith(b"\x89PNG")


def test_overview_modules_import_no_widgets_or_matplotlib(tmp_path: Path) -> None:
    code = (
        "import sys, mi_toolkit.core.overview, mi_toolkit.overview_plots\n"
        "print([m for m in ('ipywidgets', 'IPython', 'matplotlib') if m in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- the widget


def _overview(**kwargs):
    from mi_toolkit.widgets.overview import ClassOverview

    return ClassOverview(**kwargs)


def _rows(table_html: str) -> list[list[str]]:
    body = table_html.split("<tbody>", 1)[1]
    return [
        [
            html.unescape(c).replace("\xa0", " ")
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_widget_loads_the_folder_and_shows_table_chart_and_skipped(good: Path) -> None:
    (good / "broken.json").write_text("{", encoding="utf-8")
    write_export(good, "v2.json", "x", schema_version=2)
    view = _overview(folder=good)
    assert view.folder.value == str(good) and view.folder.description == "Export folder"
    assert "Read 5 files in" in view.status.value and "3 learners" in view.status.value
    assert "2 files were skipped" in view.status.value
    assert "<strong>broken.json</strong>: invalid JSON at line 1" in view.skipped.value
    assert "<strong>v2.json</strong>: export schema version 2 is not supported" in html.unescape(
        view.skipped.value
    )
    table = view.table.value
    assert "<caption>Learners (3)" in table
    assert '<th scope="col">Learner</th>' in table and '<th scope="row">ana</th>' in table
    assert _rows(table) == [
        ["ana", "1", "6", "4", "–", "1", "0", "2024-03-04 09:00"],
        ["ben", "1", "8", "–", "5", "2", "0", "2024-03-03 09:00"],
        ["cara", "4", "6", "10", "0", "0", "3 (change_talk_sort ×2, reflection_practice ×1)",
         "2024-03-05 09:00"],
    ]  # fmt: skip
    match = re.search(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]*)">', view.chart.value)
    assert match and base64.b64decode(match.group(1)).startswith(b"\x89PNG")
    assert html.unescape(match.group(2)) == describe_distribution(view.summary.distributions)


def test_widget_escapes_learner_names_file_names_kinds_and_reasons(tmp_path: Path) -> None:
    write_export(
        tmp_path,
        "ok.json",
        HOSTILE,
        ("practice", ruler(importance=1), at(0)),
        ("x", {"kind": "<script>alert(1)</script>"}, at(0)),
    )
    (tmp_path / "<b>bold.json").write_text("{", encoding="utf-8")
    write_export(tmp_path, "kind.json", "x", kind="<i>nope</i>")
    view = _overview(folder=tmp_path)
    shown = view.status.value + view.skipped.value + view.notes.value + view.table.value
    assert "<img" not in view.table.value and "<script" not in shown and "<b>" not in shown
    assert "<i>" not in shown
    assert html.escape(HOSTILE) in view.table.value
    assert "<strong>&lt;b&gt;bold.json</strong>" in view.skipped.value


def test_widget_without_a_folder_shows_a_friendly_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MI_TOOLKIT_CLASS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    view = _overview()
    assert view.folder.value == str(tmp_path / "exports")
    assert "There is no folder at" in view.status.value
    assert "Put the learners' exported .json files" in html.unescape(view.status.value)
    assert view.table.value == view.chart.value == view.skipped.value == ""
    assert view.data is None

    (tmp_path / "exports").mkdir()
    view.load.click()
    assert "0 learners" in view.status.value and "collect the exports" in view.status.value
    assert view.table.value == ""

    view.folder.value = "   "
    view.load.click()
    assert "Type the folder" in view.status.value


def test_widget_reads_the_folder_from_the_environment(
    good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MI_TOOLKIT_CLASS_DIR", str(good))
    view = _overview()
    assert view.folder.value == str(good)
    assert [r.learner for r in view.summary.rows] == ["ana", "ben", "cara"]


def test_widget_reloads_after_the_folder_changes(good: Path, tmp_path_factory) -> None:
    view = _overview(folder=good)
    other = tmp_path_factory.mktemp("other")
    write_export(other, "z.json", "zoe", ("practice", ruler(readiness=9), at(0)))
    view.folder.value = str(other)
    view.load.click()
    assert [r.learner for r in view.summary.rows] == ["zoe"]
    assert "ana" not in view.table.value and view.skipped.value == ""


def test_widget_reads_the_journal_when_asked(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.save("ana", LESSON, "practice", ruler(importance=7))
    view = _overview(folder=tmp_path / "nowhere", journal=journal)
    assert "There is no folder" in view.status.value
    view.use_journal.value = True
    assert view.folder.disabled
    view.load.click()
    assert (
        "this server's journal" in html.unescape(view.status.value)
        and "1 learner." in view.status.value
    )
    assert _rows(view.table.value)[0][:3] == ["ana", "1", "7"]
    view.use_journal.value = False
    assert not view.folder.disabled


def test_widget_says_when_the_server_has_no_journal(tmp_path: Path) -> None:
    view = _overview(folder=tmp_path, journal=lambda: None, load_now=False)
    assert view.status.value == ""
    view.use_journal.value = True
    view.load.click()
    assert "No learner has saved work on this server yet" in view.status.value


def test_the_default_server_journal_is_not_created_by_looking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MI_TOOLKIT_DATA_DIR", str(tmp_path / "data"))
    view = _overview(folder=tmp_path, load_now=False)
    view.use_journal.value = True
    view.load.click()
    assert "No learner has saved work" in view.status.value
    assert not (tmp_path / "data").exists()
    Journal().save("ana", LESSON, "practice", ruler(confidence=2))
    view.load.click()
    assert [r.learner for r in view.summary.rows] == ["ana"]


def test_widget_notes_duplicates_and_problems(tmp_path: Path) -> None:
    write_export(tmp_path, "a.json", "ana", ("p", ruler(importance=2), at(0)))
    write_export(
        tmp_path, "b.json", "ana", ("p", ruler(importance=3) | {"schema_version": 5}, at(1))
    )
    view = _overview(folder=tmp_path)
    notes = html.unescape(view.notes.value)
    assert "Notes (2):" in notes
    assert "ana: 1 activity is in more than one export (a.json, b.json)" in notes
    assert (
        "ana: Readiness ruler, 01_readiness_rulers / p: saved ruler state has schema version 5"
        in notes
    )
    assert "No ruler ratings in this work yet." in view.chart.value


def test_widget_lists_at_most_a_hundred_skipped_files(tmp_path: Path) -> None:
    for i in range(130):
        (tmp_path / f"bad{i:03d}.json").write_text("{")
    view = _overview(folder=tmp_path)
    assert "Skipped files (130):" in view.skipped.value
    assert view.skipped.value.count("<li>") == 101 and "… and 30 more" in view.skipped.value


def test_an_unexpected_error_is_shown_not_swallowed(
    good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mi_toolkit.widgets import overview as widget_module

    view = _overview(folder=good)

    def explode(folder):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(widget_module, "load_class_from_folder", explode)
    view.load.click()
    assert "Something went wrong (RuntimeError: disk on fire)" in view.status.value
    assert view.table.value == ""


# ---------------------------------------------------------------- the notebook


def test_the_notebook_is_thin() -> None:
    notebook = json.loads((REPO / "instructor" / "class_overview.ipynb").read_text("utf-8"))
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code == ["from mi_toolkit.widgets.overview import ClassOverview", "ClassOverview()"]
    assert all(not c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code")
