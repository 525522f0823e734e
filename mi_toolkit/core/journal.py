"""The learner journal: every widget's latest state, saved in SQLite.

A Voila page gets a fresh kernel on every load, so learner work lives here, not
in the kernel. One SQLite file (WAL mode, one transaction per save) in a
per-user data directory; ``MI_TOOLKIT_DATA_DIR`` overrides the directory.
Entries are keyed by learner, lesson and activity and hold the activity's
``to_dict()`` state (plain JSON with its own schema version).

Faults never cost the learner their work:

- a corrupt or truncated file is moved aside (never deleted) and a fresh
  journal starts; :attr:`Journal.notice` says what happened;
- a directory that cannot be written (read-only, full) switches the journal to
  memory: saves keep working for this session and can be exported;
- two kernels writing at once wait for each other (SQLite's lock, with a
  timeout), so neither fails.

Example::

    >>> journal = Journal(":memory:")
    >>> journal.save("ana", "readiness_rulers", "practice", {"schema_version": 1})
    >>> journal.load("ana", "readiness_rulers", "practice")
    {'schema_version': 1}
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["ENV_DATA_DIR", "Entry", "Journal", "data_dir"]

ENV_DATA_DIR = "MI_TOOLKIT_DATA_DIR"
FILE_NAME = "journal.sqlite3"
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    learner TEXT NOT NULL,
    lesson TEXT NOT NULL,
    activity TEXT NOT NULL,
    kind TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    state TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (learner, lesson, activity)
);
CREATE TABLE IF NOT EXISTS set_aside (
    learner TEXT NOT NULL,
    lesson TEXT NOT NULL,
    activity TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT NOT NULL,
    set_aside_at TEXT NOT NULL
);
"""


def data_dir(environ: dict[str, str] | None = None) -> Path:
    """Where the journal lives: ``$MI_TOOLKIT_DATA_DIR`` or the user's data folder."""
    env = os.environ if environ is None else environ
    if env.get(ENV_DATA_DIR):
        return Path(env[ENV_DATA_DIR]).expanduser()
    home = Path(env.get("HOME") or Path.home())
    if sys.platform == "win32":
        return Path(env.get("APPDATA") or home / "AppData" / "Roaming") / "mi_toolkit"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "mi_toolkit"
    return Path(env.get("XDG_DATA_HOME") or home / ".local" / "share") / "mi_toolkit"


@dataclass(frozen=True)
class Entry:
    """One saved activity state."""

    learner: str
    lesson: str
    activity: str
    state: dict[str, Any]
    saved_at: str

    @property
    def kind(self) -> str:
        return str(self.state.get("kind", "unknown"))

    @property
    def schema_version(self) -> int:
        version = self.state.get("schema_version", 0)
        return version if isinstance(version, int) else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "learner": self.learner,
            "lesson": self.lesson,
            "activity": self.activity,
            "saved_at": self.saved_at,
            "state": self.state,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Journal:
    """Save and load learner work. Thread-safe; falls back to memory on failure.

    ``path`` is a file path, ``":memory:"``, or ``None`` for the default file in
    :func:`data_dir`. Read :attr:`notice` after opening and after saves: it holds
    a message for the learner when the journal had to recover or fall back.
    """

    def __init__(self, path: str | Path | None = None, *, timeout: float = 15.0) -> None:
        self.path = Path(data_dir()) / FILE_NAME if path is None else path
        self.notice = ""
        self._timeout = timeout
        self._lock = threading.Lock()
        self._memory: dict[tuple[str, str, str], Entry] = {}
        self._db: sqlite3.Connection | None = None
        self._open()

    # ------------------------------------------------------------ opening

    @property
    def persistent(self) -> bool:
        """True while saves reach the file (not only memory)."""
        return self._db is not None and str(self.path) != ":memory:"

    def _open(self) -> None:
        if str(self.path) == ":memory:":
            self._db = self._connect(":memory:")
            return
        path = Path(self.path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = self._connect(path)
            return
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc) or not path.exists():
                return self._fall_back(exc)
            aside = self._set_file_aside(path)
            reason = f"{exc}"
        except OSError as exc:
            return self._fall_back(exc)
        try:
            self._db = self._connect(path)
            self.notice = (
                f"Your saved work file could not be read ({reason}), so a new one was "
                f"started. The old file is kept at {aside} for your instructor."
            )
        except (sqlite3.Error, OSError) as exc:
            self._fall_back(exc)

    def _connect(self, target: str | Path) -> sqlite3.Connection:
        if str(target) != ":memory:":
            self._check_readable(Path(target))
        db = sqlite3.connect(
            str(target), timeout=self._timeout, isolation_level=None, check_same_thread=False
        )
        try:
            if str(target) != ":memory:":
                self._set_wal(db)
                db.execute("PRAGMA synchronous=FULL")
                row = db.execute("PRAGMA quick_check").fetchone()
                if row is None or row[0] != "ok":
                    raise sqlite3.DatabaseError(f"integrity check failed: {row and row[0]}")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except BaseException:
            db.close()
            raise
        return db

    def _set_wal(self, db: sqlite3.Connection) -> None:
        """Switch to WAL, waiting while another kernel holds the lock.

        SQLite answers "database is locked" at once here, without waiting the
        busy timeout, when two kernels open a new journal at the same moment.
        """
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _check_readable(self, path: Path) -> None:
        """Check an existing file through a read-only connection first.

        Closing the last writable connection checkpoints the WAL into the main
        file and deletes the WAL: on a damaged file that would change or lose the
        very bytes that are to be kept aside. A read-only connection changes
        neither. If it is kept waiting (another kernel is writing), the writable
        connection's own check decides; it is then not the last one to close.
        """
        if not path.exists() or path.stat().st_size == 0:
            return
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=self._timeout)
        try:
            row = db.execute("PRAGMA quick_check").fetchone()
        except sqlite3.OperationalError as exc:
            if _is_corruption(exc):
                raise
            return
        finally:
            db.close()
        if row is None or row[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {row and row[0]}")

    def _set_file_aside(self, path: Path) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = path.with_name(f"{path.name}.unreadable-{stamp}")
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            if extra.exists():
                extra.rename(aside.with_name(aside.name + suffix))
        return aside

    def _fall_back(self, exc: BaseException) -> None:
        if self._db is not None:
            try:  # keep what the file already holds (earlier lessons) for the export
                rows = self._db.execute(
                    "SELECT learner, lesson, activity, state, saved_at FROM entries"
                ).fetchall()
                for lr, ls, act, state, saved_at in rows:
                    if (lr, ls, act) not in self._memory:
                        self._memory[(lr, ls, act)] = Entry(
                            lr, ls, act, json.loads(state), saved_at
                        )
            except (sqlite3.Error, ValueError):
                pass
            self._db.close()
        self._db = None
        self.notice = (
            f"Your work cannot be saved to {self.path} ({exc}). It is kept while this "
            "page stays open: use 'Download my work' to keep a copy before you close it."
        )

    # ------------------------------------------------------------ saving

    def save(
        self,
        learner: str,
        lesson: str,
        activity: str,
        state: dict[str, Any],
        *,
        saved_at: str | None = None,
    ) -> str:
        """Save ``state`` (JSON-able) for the key; one transaction. Returns the timestamp.

        ``saved_at`` keeps an earlier timestamp (when importing an export).
        """
        text = json.dumps(state, ensure_ascii=False, allow_nan=False)
        saved_at = saved_at or _now()
        key = (learner, lesson, activity)
        with self._lock:
            self._memory[key] = Entry(learner, lesson, activity, json.loads(text), saved_at)
            if self._db is None:
                return saved_at
            try:
                self._db.execute(
                    "INSERT INTO entries (learner, lesson, activity, kind, schema_version,"
                    " state, saved_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (learner, lesson, activity) DO UPDATE SET kind=excluded.kind,"
                    " schema_version=excluded.schema_version, state=excluded.state,"
                    " saved_at=excluded.saved_at",
                    (
                        learner,
                        lesson,
                        activity,
                        str(state.get("kind", "unknown")),
                        int(state.get("schema_version", 0) or 0),
                        text,
                        saved_at,
                    ),
                )
            except sqlite3.Error as exc:
                self._fall_back(exc)
        return saved_at

    def set_aside(self, learner: str, lesson: str, activity: str, reason: str) -> None:
        """Keep a copy of an entry that cannot be restored, before it is overwritten."""
        with self._lock:
            entry = self._memory.get((learner, lesson, activity))
            if entry is None or self._db is None:
                return
            try:
                self._db.execute(
                    "INSERT INTO set_aside VALUES (?, ?, ?, ?, ?, ?)",
                    (learner, lesson, activity, json.dumps(entry.state), reason, _now()),
                )
            except sqlite3.Error as exc:
                self._fall_back(exc)

    # ------------------------------------------------------------ reading

    def load(self, learner: str, lesson: str, activity: str) -> dict[str, Any] | None:
        """The latest saved state for the key, or None."""
        with self._lock:
            if self._db is not None:
                try:
                    row = self._db.execute(
                        "SELECT state, saved_at FROM entries WHERE learner=? AND lesson=?"
                        " AND activity=?",
                        (learner, lesson, activity),
                    ).fetchone()
                except sqlite3.Error as exc:
                    self._fall_back(exc)
                else:
                    if row is None:
                        return None
                    state = json.loads(row[0])
                    self._memory[(learner, lesson, activity)] = Entry(
                        learner, lesson, activity, state, row[1]
                    )
                    return state
            entry = self._memory.get((learner, lesson, activity))
            return None if entry is None else entry.state

    def entries(self, learner: str | None = None) -> list[Entry]:
        """All entries (of one learner), oldest lesson/activity key first."""
        with self._lock:
            if self._db is not None:
                try:
                    rows = self._db.execute(
                        "SELECT learner, lesson, activity, state, saved_at FROM entries"
                        " ORDER BY learner, lesson, activity"
                    ).fetchall()
                except sqlite3.Error as exc:
                    self._fall_back(exc)
                else:
                    for lr, ls, act, state, saved_at in rows:
                        self._memory[(lr, ls, act)] = Entry(
                            lr, ls, act, json.loads(state), saved_at
                        )
            found = sorted(self._memory.values(), key=lambda e: (e.learner, e.lesson, e.activity))
        return [e for e in found if learner is None or e.learner == learner]

    def learners(self) -> list[str]:
        return sorted({e.learner for e in self.entries()})

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


_CORRUPTION = ("not a database", "malformed", "integrity check", "file is encrypted", "corrupt")


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """A damaged file (set it aside), as opposed to a locked or unwritable one."""
    if not isinstance(exc, sqlite3.OperationalError):
        return True
    return any(s in str(exc).lower() for s in _CORRUPTION)
