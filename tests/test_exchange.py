"""The JSON export: complete, re-importable, and every broken file fails with a clear message."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

import mi_toolkit
from mi_toolkit.core.exchange import (
    EXPORT_KIND,
    EXPORT_SCHEMA_VERSION,
    ExportError,
    export_document,
    read_document,
    read_export_file,
)
from mi_toolkit.core.journal import Entry, Journal
from mi_toolkit.core.ruler import RulerState

TRICKY = '<b>Zoë</b> & "李" 👋🏽 | a\\b'
LESSON = "01_readiness_rulers"


def _ruler_state() -> dict:
    from datetime import UTC

    state = RulerState(change=TRICKY).rate("importance", 6).rate("readiness", 0)
    return state.record(datetime(2024, 3, 1, 9, 30, tzinfo=UTC)).rate("importance", 7).to_dict()


ENTRIES = [
    Entry("ana", LESSON, "practice", _ruler_state(), "2024-03-01T09:30:00.000+00:00"),
    Entry("ana", "02_reflections", TRICKY, {"schema_version": 3, "kind": "future"}, "t2"),
    Entry("bo", LESSON, "practice", {"schema_version": 1, "kind": "readiness_ruler"}, "t3"),
]


def _good_document(**changes: object) -> dict:
    document = json.loads(json.dumps(export_document(ENTRIES, "ana")))
    document.update(changes)
    return document


# ---------------------------------------------------------------- round trips


def test_document_holds_only_the_learners_entries():
    document = export_document(ENTRIES, "ana")
    assert document["kind"] == EXPORT_KIND
    assert document["schema_version"] == EXPORT_SCHEMA_VERSION
    assert document["learner"] == "ana"
    assert document["mi_toolkit_version"] == mi_toolkit.__version__
    assert datetime.fromisoformat(document["exported_at"]).utcoffset().total_seconds() == 0
    assert document["entries"] == [e.to_dict() for e in ENTRIES[:2]]


def test_document_round_trips_through_json():
    text = json.dumps(export_document(ENTRIES, "ana"), ensure_ascii=False)
    assert read_document(json.loads(text), name="ana.json") == ENTRIES[:2]


def test_export_file_round_trips(tmp_path: Path):
    path = tmp_path / "mi-work-ana.json"
    path.write_text(json.dumps(export_document(ENTRIES, "ana"), indent=1, ensure_ascii=False))
    assert read_export_file(path) == ENTRIES[:2]


def test_export_file_with_a_byte_order_mark_is_read(tmp_path: Path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(export_document(ENTRIES, "ana")).encode())
    assert read_export_file(path) == ENTRIES[:2]


def test_an_empty_export_round_trips():
    document = export_document([], "ana")
    assert document["entries"] == []
    assert read_document(document, name="x.json") == []


def test_journal_work_can_be_re_imported_into_another_journal(tmp_path: Path):
    source = Journal(tmp_path / "a.sqlite3")
    for entry in ENTRIES:
        source.save(entry.learner, entry.lesson, entry.activity, entry.state)
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export_document(source.entries("ana"), "ana"), ensure_ascii=False))

    target = Journal(tmp_path / "b.sqlite3")
    for entry in read_export_file(path):
        target.save(entry.learner, entry.lesson, entry.activity, entry.state)
    moved = [(e.learner, e.lesson, e.activity, e.state) for e in target.entries()]
    assert moved == [(e.learner, e.lesson, e.activity, e.state) for e in source.entries("ana")]
    source.close()
    target.close()


# ---------------------------------------------------------------- broken files


def _json(data: object) -> bytes:
    return json.dumps(data).encode("utf-8")


def _entry(**changes: object) -> dict:
    raw = {"lesson": LESSON, "activity": "practice", "saved_at": "t", "state": {}}
    raw.update(changes)
    return {k: v for k, v in raw.items() if v is not None}


BROKEN = {
    "empty.json": (b"", "the file is empty"),
    "blank.json": (b"  \n\t\n", "the file is empty"),
    "latin1.json": ('{"learner": "Zoë"}'.encode("latin-1"), "not UTF-8"),
    "utf16.json": (_json({"kind": EXPORT_KIND}).decode().encode("utf-16"), "not UTF-8"),
    "cut_short.json": (_json(_good_document())[:40], "invalid JSON at line 1"),
    "second_line.json": (b'{\n"kind": }', "invalid JSON at line 2"),
    "too_deep.json": (b"[" * 100_000, "invalid JSON (nested too deeply)"),
    "top_level_list.json": (_json([_good_document()]), "top level is not an object"),
    "wrong_kind.json": (_json(_good_document(kind="rulers")), "kind is 'rulers'"),
    "no_kind.json": (_json({"schema_version": 1, "learner": "ana", "entries": []}), "kind is None"),
    "version_2.json": (
        _json(_good_document(schema_version=2)),
        "schema version 2 is not supported",
    ),
    "version_text.json": (
        _json(_good_document(schema_version="1")),
        "version '1' is not supported",
    ),
    "version_bool.json": (_json(_good_document(schema_version=True)), "True is not supported"),
    "version_float.json": (_json(_good_document(schema_version=1.0)), "1.0 is not supported"),
    "no_learner.json": (_json(_good_document(learner="")), "'learner' is missing or empty"),
    "entries_object.json": (_json(_good_document(entries={})), "'entries' must be a list"),
    "no_entries.json": (_json(_good_document(entries=None)), "'entries' must be a list"),
    "entry_not_object.json": (_json(_good_document(entries=[_entry(), 3])), "entries[1] is not"),
    "entry_no_lesson.json": (
        _json(_good_document(entries=[_entry(lesson=None)])),
        "entries[0]: key 'lesson' is missing or not text",
    ),
    "entry_blank_activity.json": (
        _json(_good_document(entries=[_entry(activity="")])),
        "entries[0]: key 'activity' is missing or not text",
    ),
    "entry_saved_at_number.json": (
        _json(_good_document(entries=[_entry(saved_at=5)])),
        "entries[0]: key 'saved_at' is missing or not text",
    ),
    "entry_state_list.json": (
        _json(_good_document(entries=[_entry(), _entry(state=[1])])),
        "entries[1]: key 'state' must be an object",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_export_file_names_the_file_and_the_problem(tmp_path: Path, name: str):
    data, problem = BROKEN[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ExportError) as caught:
        read_export_file(path)
    message = str(caught.value)
    assert message.startswith(f"{name}: "), message
    assert problem in message, message
    assert path.read_bytes() == data  # reading never changes the file


def test_missing_export_file_names_the_file(tmp_path: Path):
    with pytest.raises(ExportError, match=r"^gone\.json: cannot be read"):
        read_export_file(tmp_path / "gone.json")


def test_a_folder_is_not_an_export_file(tmp_path: Path):
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(ExportError, match=r"^folder\.json: cannot be read"):
        read_export_file(tmp_path / "folder.json")


def test_export_error_is_a_value_error():
    assert issubclass(ExportError, ValueError)
