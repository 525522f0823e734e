"""The learner journal: round trips, upserts, set-aside copies, where it lives, SQLite setup."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

import pytest

from mi_toolkit.core.journal import ENV_DATA_DIR, FILE_NAME, SCHEMA_VERSION, Journal, data_dir

LESSON = "01_readiness_rulers"
TRICKY = "<script>alert('x')</script> & \"quotes\" café 日本語 👋🏽 عربى — 1 < 2 | a\\b"


def _state(**extra: object) -> dict:
    return {"schema_version": 1, "kind": "readiness_ruler", **extra}


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    j = Journal(tmp_path / FILE_NAME)
    yield j
    j.close()


def _raw(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read the file with a connection of our own, not the journal's."""
    db = sqlite3.connect(path)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


# ---------------------------------------------------------------- round trips


def test_save_then_load_returns_the_state(journal: Journal):
    saved_at = journal.save("ana", LESSON, "practice", _state(change="walk", n=[1, 2]))
    assert journal.load("ana", LESSON, "practice") == _state(change="walk", n=[1, 2])
    assert datetime.fromisoformat(saved_at).utcoffset().total_seconds() == 0
    assert journal.notice == ""
    assert journal.persistent


def test_load_of_a_missing_key_is_none(journal: Journal):
    journal.save("ana", LESSON, "practice", _state())
    assert journal.load("ana", LESSON, "other") is None
    assert journal.load("bo", LESSON, "practice") is None
    assert journal.load("ana", "02_other", "practice") is None


def test_work_survives_closing_and_reopening(tmp_path: Path):
    path = tmp_path / FILE_NAME
    first = Journal(path)
    saved_at = first.save("ana", LESSON, "practice", _state(change="walk"))
    first.close()
    again = Journal(path)
    assert again.load("ana", LESSON, "practice") == _state(change="walk")
    [entry] = again.entries()
    assert (entry.learner, entry.lesson, entry.activity, entry.saved_at) == (
        "ana",
        LESSON,
        "practice",
        saved_at,
    )
    again.close()


def test_entries_are_keyed_by_learner_lesson_and_activity(journal: Journal):
    keys = [
        ("bo", LESSON, "practice"),
        ("ana", "02_reflections", "a"),
        ("ana", LESSON, "b"),
        ("ana", LESSON, "a"),
    ]
    for i, key in enumerate(keys):
        journal.save(*key, _state(n=i))
    found = [(e.learner, e.lesson, e.activity, e.state["n"]) for e in journal.entries()]
    assert found == [
        ("ana", "01_readiness_rulers", "a", 3),
        ("ana", "01_readiness_rulers", "b", 2),
        ("ana", "02_reflections", "a", 1),
        ("bo", "01_readiness_rulers", "practice", 0),
    ]
    assert [e.activity for e in journal.entries("bo")] == ["practice"]
    assert journal.entries("nobody") == []
    assert journal.learners() == ["ana", "bo"]


def test_entry_properties_and_to_dict(journal: Journal):
    saved_at = journal.save("ana", LESSON, "practice", _state(change="walk"))
    [entry] = journal.entries()
    assert entry.kind == "readiness_ruler"
    assert entry.schema_version == 1
    assert entry.to_dict() == {
        "learner": "ana",
        "lesson": LESSON,
        "activity": "practice",
        "saved_at": saved_at,
        "state": _state(change="walk"),
    }


def test_a_second_journal_on_the_same_file_sees_the_saves(tmp_path: Path):
    path = tmp_path / FILE_NAME
    one, two = Journal(path), Journal(path)
    one.save("ana", LESSON, "practice", _state(n=1))
    assert two.load("ana", LESSON, "practice") == _state(n=1)
    two.save("ana", LESSON, "practice", _state(n=2))
    assert one.load("ana", LESSON, "practice") == _state(n=2)
    assert [e.state["n"] for e in one.entries()] == [2]
    one.close()
    two.close()


# ---------------------------------------------------------------- upsert


def test_saving_again_replaces_the_entry(journal: Journal, tmp_path: Path):
    first = journal.save("ana", LESSON, "practice", _state(n=1))
    second = journal.save("ana", LESSON, "practice", _state(n=2, extra="x"))
    assert second >= first
    assert journal.load("ana", LESSON, "practice") == _state(n=2, extra="x")
    rows = _raw(tmp_path / FILE_NAME, "SELECT state, saved_at FROM entries")
    assert len(rows) == 1
    assert json.loads(rows[0][0]) == _state(n=2, extra="x")
    assert rows[0][1] == second
    assert [e.saved_at for e in journal.entries()] == [second]


def test_kind_and_schema_version_are_stored_in_columns(journal: Journal, tmp_path: Path):
    journal.save("ana", LESSON, "practice", _state())
    journal.save("ana", LESSON, "practice", {"schema_version": 7, "kind": "other"})
    journal.save("ana", LESSON, "bare", {"text": "no kind, no version"})
    rows = _raw(
        tmp_path / FILE_NAME,
        "SELECT activity, kind, schema_version FROM entries ORDER BY activity",
    )
    assert rows == [("bare", "unknown", 0), ("practice", "other", 7)]


def test_a_state_that_is_not_json_is_refused_and_the_old_one_kept(journal: Journal):
    journal.save("ana", LESSON, "practice", _state(n=1))
    with pytest.raises(ValueError):
        journal.save("ana", LESSON, "practice", _state(n=float("nan")))
    with pytest.raises(TypeError):
        journal.save("ana", LESSON, "practice", _state(n={1, 2}))
    assert journal.load("ana", LESSON, "practice") == _state(n=1)
    assert [e.state for e in journal.entries()] == [_state(n=1)]


def test_an_imported_entry_keeps_its_timestamp(journal: Journal, tmp_path: Path):
    stamp = "2024-03-01T09:30:00.000+00:00"
    assert journal.save("ana", LESSON, "practice", _state(), saved_at=stamp) == stamp
    assert [e.saved_at for e in journal.entries()] == [stamp]
    assert _raw(tmp_path / FILE_NAME, "SELECT saved_at FROM entries") == [(stamp,)]


def test_changing_the_dict_after_saving_does_not_change_the_journal(journal: Journal):
    state = _state(items=["a"])
    journal.save("ana", LESSON, "practice", state)
    state["items"].append("b")
    assert journal.load("ana", LESSON, "practice") == _state(items=["a"])
    assert journal.entries()[0].state == _state(items=["a"])


# ---------------------------------------------------------------- text kept verbatim


def test_unicode_and_html_are_stored_verbatim(journal: Journal, tmp_path: Path):
    journal.save(TRICKY, LESSON, TRICKY, _state(change=TRICKY, nested={TRICKY: [TRICKY]}))
    assert journal.load(TRICKY, LESSON, TRICKY) == _state(change=TRICKY, nested={TRICKY: [TRICKY]})
    assert journal.learners() == [TRICKY]
    [(learner, activity, text)] = _raw(
        tmp_path / FILE_NAME, "SELECT learner, activity, state FROM entries"
    )
    assert learner == TRICKY
    assert activity == TRICKY
    assert TRICKY.replace("\\", "\\\\").replace('"', '\\"') in text  # not \u-escaped or HTML


# ---------------------------------------------------------------- set aside


def test_set_aside_keeps_a_copy_with_the_reason(journal: Journal, tmp_path: Path):
    journal.save("ana", LESSON, "practice", _state(schema_version=99, change=TRICKY))
    assert journal.load("ana", LESSON, "practice")["schema_version"] == 99
    journal.set_aside("ana", LESSON, "practice", "schema version 99, expected 1")
    rows = _raw(tmp_path / FILE_NAME, "SELECT * FROM set_aside")
    assert len(rows) == 1
    learner, lesson, activity, state, reason, set_aside_at = rows[0]
    assert (learner, lesson, activity, reason) == (
        "ana",
        LESSON,
        "practice",
        "schema version 99, expected 1",
    )
    assert json.loads(state) == _state(schema_version=99, change=TRICKY)
    datetime.fromisoformat(set_aside_at)
    # Setting aside copies; the entry stays until the learner's new work replaces it.
    assert journal.load("ana", LESSON, "practice")["schema_version"] == 99
    journal.save("ana", LESSON, "practice", _state())
    assert len(_raw(tmp_path / FILE_NAME, "SELECT * FROM set_aside")) == 1


def test_set_aside_of_an_unknown_entry_does_nothing(journal: Journal, tmp_path: Path):
    journal.set_aside("ana", LESSON, "never-saved", "why not")
    assert _raw(tmp_path / FILE_NAME, "SELECT * FROM set_aside") == []
    assert journal.notice == ""


# ---------------------------------------------------------------- in memory


def test_memory_journal_works_and_writes_no_file(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    one, two = Journal(":memory:"), Journal(":memory:")
    one.save("ana", LESSON, "practice", _state(n=1))
    assert one.load("ana", LESSON, "practice") == _state(n=1)
    assert [e.activity for e in one.entries("ana")] == ["practice"]
    assert two.load("ana", LESSON, "practice") is None  # each one is separate
    one.set_aside("ana", LESSON, "practice", "test")
    assert not one.persistent
    assert one.notice == ""
    assert list(tmp_path.iterdir()) == []
    one.close()
    two.close()


def test_a_closed_journal_still_answers_from_memory(tmp_path: Path):
    journal = Journal(tmp_path / FILE_NAME)
    journal.save("ana", LESSON, "practice", _state(n=1))
    journal.close()
    assert not journal.persistent
    assert journal.load("ana", LESSON, "practice") == _state(n=1)
    journal.close()  # twice is fine


# ---------------------------------------------------------------- SQLite setup


def test_file_journal_is_in_wal_mode(journal: Journal, tmp_path: Path):
    journal.save("ana", LESSON, "practice", _state())
    path = tmp_path / FILE_NAME
    assert _raw(path, "PRAGMA journal_mode") == [("wal",)]
    assert path.with_name(FILE_NAME + "-wal").exists()


def test_schema_is_created(journal: Journal, tmp_path: Path):
    path = tmp_path / FILE_NAME
    tables = {r[0] for r in _raw(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"entries", "set_aside"} <= tables
    columns = {r[1]: r[5] for r in _raw(path, "PRAGMA table_info(entries)")}  # name -> pk index
    assert set(columns) == {
        "learner",
        "lesson",
        "activity",
        "kind",
        "schema_version",
        "state",
        "saved_at",
    }
    assert {name for name, pk in columns.items() if pk} == {"learner", "lesson", "activity"}
    aside = {r[1] for r in _raw(path, "PRAGMA table_info(set_aside)")}
    assert aside == {"learner", "lesson", "activity", "state", "reason", "set_aside_at"}
    assert _raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_opening_creates_missing_folders(tmp_path: Path):
    path = tmp_path / "a" / "b" / FILE_NAME
    journal = Journal(path)
    journal.save("ana", LESSON, "practice", _state())
    assert path.is_file()
    assert journal.persistent
    journal.close()


def test_an_empty_file_is_a_fresh_journal_not_a_corrupt_one(tmp_path: Path):
    path = tmp_path / FILE_NAME
    path.touch()
    journal = Journal(path)
    assert journal.notice == ""
    assert journal.persistent
    journal.save("ana", LESSON, "practice", _state())
    assert sorted(p.name for p in tmp_path.iterdir() if "unreadable" in p.name) == []
    journal.close()


# ---------------------------------------------------------------- where it lives


def test_default_journal_lives_in_the_data_dir(tmp_path: Path, monkeypatch):
    folder = tmp_path / "data here"
    monkeypatch.setenv(ENV_DATA_DIR, str(folder))
    journal = Journal()
    assert Path(journal.path) == folder / FILE_NAME
    journal.save("ana", LESSON, "practice", _state())
    assert (folder / FILE_NAME).is_file()
    journal.close()


def test_the_test_run_never_uses_the_real_data_dir():
    configured = data_dir()
    assert configured.name.startswith("mi-toolkit-test-journal-")
    assert Path.home() / ".local" / "share" / "mi_toolkit" != configured


def test_data_dir_env_override_wins():
    env = {ENV_DATA_DIR: "/srv/journals", "XDG_DATA_HOME": "/x", "HOME": "/home/ana"}
    assert data_dir(env) == Path("/srv/journals")


def test_data_dir_env_override_expands_the_home_folder():
    assert data_dir({ENV_DATA_DIR: "~/mi"}) == Path("~/mi").expanduser()


def test_data_dir_blank_override_is_ignored(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert data_dir({ENV_DATA_DIR: "", "HOME": "/home/ana"}) == Path(
        "/home/ana/.local/share/mi_toolkit"
    )


def test_data_dir_uses_xdg_data_home_on_linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    env = {"XDG_DATA_HOME": "/data/ana", "HOME": "/home/ana"}
    assert data_dir(env) == Path("/data/ana/mi_toolkit")


def test_data_dir_falls_back_to_home_on_linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert data_dir({"HOME": "/home/ana"}) == Path("/home/ana/.local/share/mi_toolkit")
    assert data_dir({"HOME": "/home/ana", "XDG_DATA_HOME": ""}) == Path(
        "/home/ana/.local/share/mi_toolkit"
    )


def test_data_dir_without_home_uses_the_users_home(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert data_dir({}) == Path.home() / ".local" / "share" / "mi_toolkit"


def test_data_dir_on_macos(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert data_dir({"HOME": "/Users/ana"}) == Path(
        "/Users/ana/Library/Application Support/mi_toolkit"
    )


def test_data_dir_on_windows(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert data_dir({"APPDATA": "/appdata", "HOME": "/h"}) == Path("/appdata/mi_toolkit")
    assert data_dir({"HOME": "/h"}) == Path("/h/AppData/Roaming/mi_toolkit")


def test_data_dir_reads_the_process_environment_by_default(monkeypatch, tmp_path: Path):
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path))
    assert data_dir() == tmp_path
