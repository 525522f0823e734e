"""Faults the journal must survive without costing the learner their work.

- a kernel killed (kill -9) in the middle of a stream of saves;
- a corrupt or truncated journal file;
- a data directory that cannot be written (read-only, full);
- two kernels of the same learner writing at once.

Kernels are played by child processes (``sys.executable -c``), so the kill and
the concurrent writes are real processes on a real file.
"""

from __future__ import annotations

import base64
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mi_toolkit.core.exchange import read_document
from mi_toolkit.core.identity import Learner
from mi_toolkit.core.journal import FILE_NAME, Journal
from mi_toolkit.core.ruler import RulerState
from mi_toolkit.widgets import LessonBar, ReadinessRuler

LESSON = "01_readiness_rulers"
KILL_AFTER = 100
SAVES_EACH = 300


def _state(**extra: object) -> dict:
    return {"schema_version": 1, "kind": "readiness_ruler", **extra}


def _python(code: str, *args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
    )


def _aside_files(folder: Path) -> list[Path]:
    """The journal files set aside (their -wal and -shm companions not counted)."""
    return sorted(p for p in folder.iterdir() if re.fullmatch(r".*\.unreadable-[0-9TZ]+", p.name))


def _downloads(bar: LessonBar) -> dict[str, str]:
    """The prepared download links as {file name: decoded text}."""
    links = re.findall(
        r'<a download="([^"]+)" href="data:[^;]+;charset=utf-8;base64,([^"]+)">',
        bar.downloads.value,
    )
    return {name: base64.b64decode(data).decode("utf-8") for name, data in links}


def _exported(bar: LessonBar) -> dict[tuple[str, str], dict]:
    """Click "Download my work" and read back the JSON export: {(lesson, activity): state}."""
    bar.prepare.click()
    files = _downloads(bar)
    assert len(files) == 3, bar.downloads.value
    [name] = [n for n in files if n.endswith(".json")]
    entries = read_document(json.loads(files[name]), name=name)
    return {(e.lesson, e.activity): e.state for e in entries}


def _bar(journal: Journal) -> tuple[LessonBar, ReadinessRuler]:
    bar = LessonBar(LESSON, journal=journal, learner=Learner("ana", "url"), save_delay=0)
    ruler = bar.track(ReadinessRuler(), "practice")
    return bar, ruler


# ---------------------------------------------------------------- kill -9

_SAVE_FOREVER = """
    import sys
    from mi_toolkit.core.journal import Journal

    journal = Journal(sys.argv[1])
    filler = "x" * 2000
    n = 0
    while True:
        journal.save("ana", "01", f"act-{n:06d}", {"schema_version": 1, "n": n, "f": filler})
        journal.save("ana", "01", "latest", {"schema_version": 1, "n": n})
        print(f"saved {n}", flush=True)
        n += 1
"""


def test_kill_9_mid_stream_keeps_every_save_that_returned(tmp_path: Path):
    path = tmp_path / FILE_NAME
    child = _python(_SAVE_FOREVER, str(path), cwd=tmp_path)
    printed: list[int] = []
    try:
        for line in child.stdout:
            printed.append(int(line.split()[1]))
            if len(printed) == KILL_AFTER:
                child.send_signal(signal.SIGKILL)
                break
        else:
            pytest.fail(f"the saving process ended early: {child.stderr.read()}")
        printed += [int(line.split()[1]) for line in child.stdout]  # printed before it died
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert printed == list(range(len(printed)))
    assert len(printed) >= KILL_AFTER

    journal = Journal(path)
    assert journal.notice == ""
    assert journal.persistent
    stored = {e.activity: e.state["n"] for e in journal.entries("ana")}
    missing = [n for n in printed if stored.get(f"act-{n:06d}") != n]
    assert missing == []
    # The last value of the activity saved over and over is at least the last one reported.
    assert stored["latest"] >= printed[-1]
    # At most the save in flight is there without having been reported.
    assert len(stored) - 1 - len(printed) in (0, 1)
    journal.save("ana", "01", "after-restart", _state())
    assert journal.load("ana", "01", "after-restart") == _state()
    journal.close()


# ---------------------------------------------------------------- corrupt or truncated


def _full_journal(path: Path, count: int = 120) -> None:
    journal = Journal(path)
    for i in range(count):
        journal.save("ana", LESSON, f"old-{i}", _state(text="y" * 300))
    journal.close()


def _check_recovered(path: Path, originals: dict[str, bytes]) -> Journal:
    """Open ``path``: a notice, the damaged bytes kept aside, a working fresh journal."""
    journal = Journal(path)
    assert "could not be read" in journal.notice
    assert journal.persistent
    [aside] = _aside_files(path.parent)
    assert str(aside) in journal.notice
    for suffix, data in originals.items():
        kept = aside.with_name(aside.name + suffix)
        assert kept.read_bytes() == data, f"{kept.name} is not the original {FILE_NAME}{suffix}"
    assert journal.entries() == []
    journal.save("ana", LESSON, "new", _state(n=1))
    assert journal.load("ana", LESSON, "new") == _state(n=1)
    assert [e.activity for e in Journal(path).entries()] == ["new"]  # on disk, not only memory
    return journal


def _export_still_works(journal: Journal) -> None:
    bar, ruler = _bar(journal)
    assert "could not be read" in bar.notice.value
    ruler.change.value = "walk to work"
    ruler.scales["importance"].value = 6
    exported = _exported(bar)
    assert (
        exported[(LESSON, "practice")]
        == RulerState(change="walk to work").rate("importance", 6).to_dict()
    )
    assert exported[(LESSON, "new")] == _state(n=1)


def test_a_file_of_random_bytes_is_set_aside_and_a_fresh_journal_starts(tmp_path: Path):
    path = tmp_path / FILE_NAME
    garbage = random.Random(7).randbytes(20_000)
    path.write_bytes(garbage)
    journal = _check_recovered(path, {"": garbage})
    _export_still_works(journal)
    assert _aside_files(tmp_path)[0].read_bytes() == garbage  # still there afterwards


def test_a_truncated_file_is_set_aside_and_a_fresh_journal_starts(tmp_path: Path):
    path = tmp_path / FILE_NAME
    _full_journal(path)
    assert not path.with_name(FILE_NAME + "-wal").exists()  # closing checkpointed it
    data = path.read_bytes()
    half = data[: len(data) // 2]
    path.write_bytes(half)
    journal = _check_recovered(path, {"": half})
    _export_still_works(journal)


def test_a_truncated_file_and_wal_are_set_aside_together(tmp_path: Path):
    """Killed with work in the WAL, then both files damaged: both are kept, byte for byte."""
    live = tmp_path / "live" / FILE_NAME
    _full_journal(live)
    journal = Journal(live)
    for i in range(30):
        journal.save("ana", LESSON, f"in-wal-{i}", _state(text="z" * 300))
    # Copy while it is open, as a kill -9 would leave them: the last saves are only in the WAL.
    path = tmp_path / FILE_NAME
    shutil.copy(live, path)
    shutil.copy(live.with_name(FILE_NAME + "-wal"), path.with_name(FILE_NAME + "-wal"))
    journal.close()
    originals = {}
    for suffix in ("", "-wal"):
        part = path.with_name(FILE_NAME + suffix)
        data = part.read_bytes()
        assert len(data) > 8192, suffix
        part.write_bytes(data[: len(data) // 2])
        originals[suffix] = data[: len(data) // 2]
    journal = _check_recovered(path, originals)
    _export_still_works(journal)


def test_a_truncated_wal_alone_loses_at_most_its_tail(tmp_path: Path):
    """SQLite ignores a torn WAL tail: the journal opens and holds a prefix of the saves."""
    live = tmp_path / "live" / FILE_NAME
    journal = Journal(live)
    for i in range(60):
        journal.save("ana", LESSON, f"a-{i:03d}", _state(text="z" * 300))
    path = tmp_path / FILE_NAME
    shutil.copy(live, path)
    wal = live.with_name(FILE_NAME + "-wal").read_bytes()
    path.with_name(FILE_NAME + "-wal").write_bytes(wal[: len(wal) // 2])
    journal.close()
    reopened = Journal(path)
    assert reopened.persistent
    kept = [e.activity for e in reopened.entries()]
    assert kept == [f"a-{i:03d}" for i in range(len(kept))]
    reopened.save("ana", LESSON, "after", _state())
    assert reopened.load("ana", LESSON, "after") == _state()
    reopened.close()


# ---------------------------------------------------------------- cannot write


def _check_kept_in_memory(journal: Journal, before: list[str]) -> None:
    """Saves still return and are answered from memory; the downloads carry them."""
    saved_at = journal.save("ana", LESSON, "after", _state(n=2))
    assert isinstance(saved_at, str) and saved_at
    assert "cannot be saved" in journal.notice
    assert "Download my work" in journal.notice  # the button the learner sees
    assert not journal.persistent
    assert journal.load("ana", LESSON, "after") == _state(n=2)
    in_lesson = [e.activity for e in journal.entries("ana") if e.lesson == LESSON]
    assert in_lesson == sorted([*before, "after"])
    bar, ruler = _bar(journal)
    assert "kept in this page only" in bar.status.value
    assert "cannot be saved" in bar.notice.value
    ruler.change.value = "cut down on coffee"
    exported = _exported(bar)
    assert exported[(LESSON, "after")] == _state(n=2)
    assert exported[(LESSON, "practice")]["change"] == "cut down on coffee"
    for activity in before:
        assert (LESSON, activity) in exported


def test_a_data_dir_that_cannot_be_created_keeps_work_in_memory(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a regular file where the data folder should be")
    journal = Journal(blocker / FILE_NAME)
    _check_kept_in_memory(journal, [])
    assert blocker.read_text() == "a regular file where the data folder should be"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders anyway")
def test_a_read_only_data_dir_keeps_work_in_memory(tmp_path: Path):  # pragma: no cover
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        _check_kept_in_memory(Journal(folder / FILE_NAME), [])
    finally:
        folder.chmod(0o700)


class _DiskFills(sqlite3.Connection):
    """A connection whose writes fail once the disk is 'full'."""

    full = False

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if _DiskFills.full and sql.lstrip().upper().startswith("INSERT"):
            raise sqlite3.OperationalError("database or disk is full")
        return super().execute(sql, *args)


def test_a_disk_that_fills_mid_session_keeps_work_in_memory(tmp_path: Path, monkeypatch):
    path = tmp_path / FILE_NAME
    earlier = Journal(path)  # a previous session, in another lesson
    earlier.save("ana", "00_earlier_lesson", "old", _state(n=0))
    earlier.close()

    real_connect = sqlite3.connect
    monkeypatch.setattr(_DiskFills, "full", False)
    monkeypatch.setattr(
        sqlite3, "connect", lambda *a, **kw: real_connect(*a, factory=_DiskFills, **kw)
    )
    journal = Journal(path)
    journal.save("ana", LESSON, "before", _state(n=1))
    assert journal.notice == ""
    assert journal.persistent

    monkeypatch.setattr(_DiskFills, "full", True)
    _check_kept_in_memory(journal, ["before"])
    assert "database or disk is full" in journal.notice
    assert journal.load("ana", LESSON, "before") == _state(n=1)
    exported = _exported(_bar(journal)[0])
    assert exported[("00_earlier_lesson", "old")] == _state(n=0)  # earlier work still exported

    monkeypatch.setattr(_DiskFills, "full", False)
    on_disk = Journal(path)
    assert {e.activity for e in on_disk.entries()} == {"old", "before"}
    on_disk.close()


# ---------------------------------------------------------------- two kernels at once

_KERNEL = """
    import sys
    from mi_toolkit.core.journal import Journal

    path, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print("ready", flush=True)
    sys.stdin.readline()  # both start together
    journal = Journal(path)
    for i in range(count):
        activity = "shared" if i % 3 == 0 else f"{tag}-{i % 10}"
        journal.save("ana", "01", activity, {"schema_version": 1, "by": tag, "i": i})
        journal.load("ana", "01", "shared")
    if journal.notice or not journal.persistent:
        print(journal.notice, file=sys.stderr)
        sys.exit(3)
    print("done", flush=True)
"""


def _activity(tag: str, i: int) -> str:
    return "shared" if i % 3 == 0 else f"{tag}-{i % 10}"


def test_two_kernels_of_one_learner_saving_at_once_lose_nothing(tmp_path: Path):
    path = tmp_path / FILE_NAME
    kernels = {tag: _python(_KERNEL, str(path), tag, str(SAVES_EACH), cwd=tmp_path) for tag in "AB"}
    try:
        for kernel in kernels.values():
            assert kernel.stdout.readline().strip() == "ready"
        for kernel in kernels.values():
            kernel.stdin.write("go\n")
            kernel.stdin.flush()
        results = {tag: k.communicate(timeout=60) for tag, k in kernels.items()}
    finally:
        for kernel in kernels.values():
            kernel.kill()
            kernel.wait(timeout=30)
    for tag, (out, err) in results.items():
        assert kernels[tag].returncode == 0, f"kernel {tag}: {err}"
        assert err == "", f"kernel {tag}: {err}"
        assert out.strip() == "done"

    journal = Journal(path)
    stored = {e.activity: e.state for e in journal.entries("ana")}
    expected = {}
    finals = {}
    for tag in "AB":
        for i in range(SAVES_EACH):
            if _activity(tag, i) == "shared":
                finals[tag] = {"schema_version": 1, "by": tag, "i": i}
            else:
                expected[_activity(tag, i)] = {"schema_version": 1, "by": tag, "i": i}
    assert {k: v for k, v in stored.items() if k != "shared"} == expected
    assert stored["shared"] in (finals["A"], finals["B"])
    journal.close()
