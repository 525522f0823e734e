"""``mi-toolkit code``: output CSV, summary JSON, readable summary, exit status 2 on bad input."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mi_toolkit.cli import main
from mi_toolkit.code_command import ADDED_COLUMNS, TEXT_COLUMNS, output_columns

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_plain_text_gives_annomi_like_columns(tmp_path: Path):
    out = tmp_path / "coded.csv"
    assert main(["code", str(FIXTURES / "raw_session.txt"), "--output", str(out)]) == 0
    columns, rows = _rows(out)
    assert columns == [*TEXT_COLUMNS, *ADDED_COLUMNS]
    assert len(rows) == 9
    assert [r["utterance_id"] for r in rows] == [str(i) for i in range(9)]
    assert {r["transcript_id"] for r in rows} == {"raw_session"}
    for r in rows:
        if r["interlocutor"] == "therapist":
            assert r["predicted_therapist_behaviour"] in (
                "question",
                "reflection",
                "therapist_input",
                "other",
            )
            assert r["predicted_client_talk_type"] == ""
            assert r["darn_cat"] == ""
        else:
            assert r["interlocutor"] == "client"
            assert r["predicted_client_talk_type"] in ("change", "neutral", "sustain")
            assert r["predicted_therapist_behaviour"] == ""
        assert r["reason"] and r["code"]
        assert 0 < float(r["confidence"]) <= 1


def test_csv_keeps_every_input_column_and_row(tmp_path: Path):
    source = FIXTURES / "annomi_style.csv"
    out = tmp_path / "coded.csv"
    assert main(["code", str(source), "--output", str(out)]) == 0
    in_columns, in_rows = _rows(source)
    columns, rows = _rows(out)
    assert columns[: len(in_columns)] == in_columns
    assert columns[len(in_columns) :] == list(ADDED_COLUMNS)
    assert len(rows) == len(in_rows)
    for before, after in zip(in_rows, rows, strict=True):
        assert {k: after[k] for k in in_columns} == before  # byte for byte, ids included


def test_an_existing_darn_cat_column_is_kept_and_the_new_one_renamed(tmp_path: Path):
    source = tmp_path / "labelled.csv"
    source.write_text(
        "transcript_id,utterance_id,interlocutor,utterance_text,darn_cat,reason\n"
        "5,0,therapist,What would help?,n/a,mine\n"
        "5,1,client,I want to stop.,desire,mine\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert main(["code", str(source), "--output", str(out)]) == 0
    columns, rows = _rows(out)
    assert columns[:6] == ["transcript_id", "utterance_id", "interlocutor", "utterance_text",
                           "darn_cat", "reason"]  # fmt: skip
    assert "predicted_darn_cat" in columns and "predicted_reason" in columns
    assert rows[1]["darn_cat"] == "desire"
    assert rows[1]["predicted_darn_cat"] == "desire"
    assert rows[1]["reason"] == "mine"


def test_output_column_names_avoid_every_clash():
    assert output_columns(("Code", "predicted_code")) == (
        "predicted_code_2",
        *ADDED_COLUMNS[1:],
    )


def test_summary_json_has_one_object_per_transcript(tmp_path: Path):
    out = tmp_path / "summary.json"
    assert main(["code", str(FIXTURES / "annomi_style.csv"), "--summary", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema_version"] == 1
    assert [t["transcript_id"] for t in doc["transcripts"]] == ["901", "902", "903"]
    for t in doc["transcripts"]:
        assert t["schema_version"] == 1
        assert set(t["agreement"]) == {"therapist_behaviour", "client_talk_type"}
        assert t["global_scores"] is None


def test_without_options_a_readable_summary_is_printed(capsys: pytest.CaptureFixture[str]):
    assert main(["code", str(FIXTURES / "annomi_style.csv")]) == 0
    out = capsys.readouterr().out
    assert "Transcript 901" in out and "Transcript 902" in out
    assert "R:Q" in out and "%CR" in out
    assert "Feedback:" in out


def test_both_outputs_at_once_report_what_was_written(tmp_path: Path, capsys):
    out, summary = tmp_path / "o.csv", tmp_path / "s.json"
    args = ["code", str(FIXTURES / "raw_min.csv"), "--output", str(out), "--summary", str(summary)]
    assert main(args) == 0
    assert out.exists() and summary.exists()
    assert "2 coded turns" in capsys.readouterr().out


BAD = [
    ("broken_not_utf8.txt", "line 2"),
    ("broken_empty.txt", "empty"),
    ("broken_bad_interlocutor.csv", "line 3"),
    ("broken_text_before_label.txt", "line 1"),
    ("broken_unclosed_quote.csv", "line 2"),
]


@pytest.mark.parametrize(("name", "where"), BAD)
def test_bad_input_exits_2_with_one_line(name: str, where: str, tmp_path: Path, capsys):
    out = tmp_path / "never.csv"
    assert main(["code", str(FIXTURES / name), "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("mi-toolkit code: ")
    assert name in err and where in err
    assert not out.exists()


def test_a_missing_file_exits_2(tmp_path: Path, capsys):
    assert main(["code", str(tmp_path / "nowhere.txt")]) == 2
    assert "nowhere.txt" in capsys.readouterr().err


def test_an_unwritable_output_exits_2(tmp_path: Path, capsys):
    target = tmp_path / "no_such_dir" / "out.csv"
    assert main(["code", str(FIXTURES / "raw_min.csv"), "--output", str(target)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_the_module_entry_point_shows_no_traceback(tmp_path: Path):
    bad = tmp_path / "bad.txt"
    shutil.copy(FIXTURES / "broken_not_utf8.txt", bad)
    result = subprocess.run(
        [sys.executable, "-m", "mi_toolkit", "code", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"mi-toolkit code: {bad}, line 2: not UTF-8 text (byte 7 of the line); "
        "save the file as UTF-8"
    ]


def test_the_code_command_loads_no_other_command(tmp_path: Path):
    """``mi-toolkit code`` is timed end to end: it imports only its own module."""
    out = tmp_path / "coded.csv"
    source = str(FIXTURES / "raw_session.txt")
    script = (
        "import sys\n"
        "from mi_toolkit.cli import main\n"
        f"assert main(['code', {source!r}, '--output', {str(out)!r}]) == 0\n"
        "print(sorted(m for m in sys.modules if m.startswith('mi_toolkit.')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = result.stdout.strip()
    assert "mi_toolkit.code_command" in loaded
    for other in ("export_command", "student_copy", "serve", "core.journal", "core.exchange"):
        assert f"'mi_toolkit.{other}'" not in loaded, other
    assert out.exists()


def test_a_code_usage_error_shows_the_full_command_list(tmp_path: Path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["code", str(FIXTURES / "raw_session.txt"), "--no-such-option"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: mi-toolkit [-h] [--version] {serve,code,export,import,student-copy} ..." in err
    assert "unrecognized arguments: --no-such-option" in err
