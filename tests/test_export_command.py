"""`mi-toolkit export` and `mi-toolkit import` against a journal in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mi_toolkit.cli import main
from mi_toolkit.core import RulerState
from mi_toolkit.core.exchange import read_export_file
from mi_toolkit.core.journal import Journal


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    state = RulerState(change="<i>walk</i>").rate("importance", 5).record().to_dict()
    journal.save("ana", "01_readiness_rulers", "practice", state)
    journal.close()
    return path


def test_export_json_is_complete_and_reimportable(journal_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "ana.json"
    assert main(["export", "--journal", str(journal_path), "--output", str(out)]) == 0
    entries = read_export_file(out)
    assert [(e.learner, e.activity) for e in entries] == [("ana", "practice")]
    assert RulerState.from_dict(entries[0].state).ratings["importance"] == 5

    fresh = tmp_path / "other.sqlite3"
    assert main(["import", str(out), "--journal", str(fresh)]) == 0
    imported = Journal(fresh).entries("ana")
    assert imported[0].state == entries[0].state
    assert imported[0].saved_at == entries[0].saved_at
    # importing the same file again keeps what is there (not newer)
    assert main(["import", str(out), "--journal", str(fresh)]) == 0


@pytest.mark.parametrize(("suffix", "marker"), [(".html", "<!DOCTYPE html>"), (".md", "# MI")])
def test_export_format_follows_the_extension(
    journal_path: Path, tmp_path: Path, suffix: str, marker: str
) -> None:
    out = tmp_path / f"ana{suffix}"
    assert main(["export", "--journal", str(journal_path), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith(marker)
    assert "<i>walk" not in text and "&lt;i&gt;walk" in text


def test_export_needs_a_learner_when_there_are_several(
    journal_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Journal(journal_path).save("bo", "01_readiness_rulers", "practice", {"schema_version": 1})
    assert main(["export", "--journal", str(journal_path)]) == 2
    assert "ana, bo" in capsys.readouterr().err
    assert main(["export", "--journal", str(journal_path), "--learner", "zed"]) == 2
    assert main(["export", "--journal", str(journal_path), "--learner", "bo"]) == 0
    assert json.loads(capsys.readouterr().out)["learner"] == "bo"


def test_import_of_a_broken_file_fails_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "mi_toolkit_export", "schema_version": 99}', encoding="utf-8")
    assert main(["import", str(bad), "--journal", str(tmp_path / "j.sqlite3")]) == 2
    err = capsys.readouterr().err
    assert "bad.json" in err and "schema version 99" in err
