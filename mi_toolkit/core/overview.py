"""The class overview: every learner's exported work, read and summarised for an instructor.

Work comes from a folder of export files (``mi-work-NAME.json``, downloaded by
learners with "Download my work") or, on a shared server, from the journal.
Files that cannot be used are never fatal: each is listed with the reason and
skipped. Each activity kind is summarised by an :class:`ActivityKind` in a small
registry (the practice activities are described in
:mod:`mi_toolkit.core.overview_kinds`); kinds nobody registered are counted per
learner, never an error.

Example::

    >>> from mi_toolkit.core.journal import Journal
    >>> from mi_toolkit.core.ruler import RulerState
    >>> journal = Journal(":memory:")
    >>> _ = journal.save("ana", "01", "practice", RulerState().rate("importance", 6).to_dict())
    >>> summary = summarize_class(load_class_from_journal(journal))
    >>> summary.rows[0].cells["importance"], summary.distributions["importance"][6]
    (6, 1)
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from mi_toolkit.core.exchange import ExportError, read_export_file
from mi_toolkit.core.identity import clean_learner_name
from mi_toolkit.core.journal import Entry, Journal
from mi_toolkit.core.overview_kinds import KINDS, ActivityKind, Cell, Column, KindSummary
from mi_toolkit.core.ruler import SCALES, RulerState, StateError

__all__ = ["ENV_CLASS_DIR", "MAX_FILE_BYTES", "MAX_FILES", "ActivityKind", "ClassData",
           "ClassSummary", "Column", "KindSummary", "LearnerRow", "OverviewError", "Skipped",
           "default_class_dir", "describe_distribution", "format_time", "load_class_from_folder",
           "load_class_from_journal", "register_kind", "registered_kinds", "ruler_distributions",
           "summarize_class"]  # fmt: skip

log = logging.getLogger("mi_toolkit")

ENV_CLASS_DIR = "MI_TOOLKIT_CLASS_DIR"
MAX_FILES = 5000  # files read from one folder (by name); the rest are counted, not read
MAX_FILE_BYTES = 10_000_000  # a learner's export is kilobytes; larger is not an export
_OLDEST = datetime.min.replace(tzinfo=UTC)


class OverviewError(ValueError):
    """The folder itself cannot be used (missing, not a folder, not listable)."""


class Skipped(NamedTuple):
    """A file that was not used, and why (plain text, not escaped)."""

    name: str
    reason: str


@dataclass(frozen=True)
class ClassData:
    """Entries grouped per learner (newest per lesson and activity), plus what was skipped."""

    source: str  # "folder" or "journal"
    location: str
    learners: Mapping[str, tuple[Entry, ...]]
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()
    files_read: int = 0


def default_class_dir(environ: Mapping[str, str] | None = None, base: Path | None = None) -> Path:
    """``$MI_TOOLKIT_CLASS_DIR`` if set, else ``exports`` in ``base`` (the notebook's folder)."""
    env = os.environ if environ is None else environ
    if env.get(ENV_CLASS_DIR):
        return Path(env[ENV_CLASS_DIR]).expanduser()
    return (base or Path.cwd()) / "exports"


# ---------------------------------------------------------------- loading


def load_class_from_folder(folder: str | Path) -> ClassData:
    """Read every ``*.json`` export directly in ``folder``; others and subfolders are ignored."""
    folder = Path(folder).expanduser()
    if not folder.exists():
        raise OverviewError(f"There is no folder at {folder}.")
    if not folder.is_dir():
        raise OverviewError(f"{folder} is a file, not a folder.")
    files, ignored = [], 0
    try:
        with os.scandir(folder) as listing:
            for item in listing:
                is_json = item.name.lower().endswith(".json") and not item.name.startswith(".")
                if is_json and item.is_file():
                    files.append(item.name)
                else:
                    ignored += 1
    except OSError as exc:
        raise OverviewError(
            f"The folder {folder} cannot be read ({exc.strerror or exc})."
        ) from None
    files.sort()
    notes = []
    if ignored:
        notes.append(
            f"{ignored} {_plural(ignored, 'item')} in the folder {_plural(ignored, 'is', 'are')} "
            "not .json exports (subfolders, hidden or other files) and "
            f"{_plural(ignored, 'was', 'were')} ignored."
        )
    if len(files) > MAX_FILES:
        notes.append(
            f"The folder holds {len(files)} .json files; only the first {MAX_FILES} "
            "(by name) were read. Split the class into smaller folders to see the rest."
        )
        files = files[:MAX_FILES]
    found: list[tuple[Entry, str]] = []
    names: set[str] = set()
    skipped = []
    for name in files:
        try:
            learner, entries = _read_one(folder / name)
        except ExportError as exc:
            skipped.append(Skipped(name, str(exc).removeprefix(f"{name}: ")))
            continue
        names.add(learner)
        found += [(e, name) for e in entries]
    learners, dup_notes = _newest_per_activity(found, names)
    return ClassData(
        "folder", str(folder), learners, tuple(skipped), (*notes, *dup_notes), len(files)
    )


def _read_one(path: Path) -> tuple[str, list[Entry]]:
    """The learner and entries of one export; every problem is an :class:`ExportError`."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ExportError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    if size > MAX_FILE_BYTES:
        raise ExportError(
            f"{path.name}: {size / 1e6:.0f} MB is too large for an export "
            f"(limit {MAX_FILE_BYTES // 1_000_000} MB)"
        )
    try:
        entries = read_export_file(path)
        # an export with no saved work still names a learner (validated just now)
        raw = entries[0].learner if entries else _learner_field(path)
    except ExportError:
        raise
    except RecursionError:
        raise ExportError(f"{path.name}: the JSON is nested too deeply") from None
    except (ValueError, MemoryError) as exc:  # e.g. an integer too long to convert
        raise ExportError(f"{path.name}: not usable JSON ({exc})") from None
    learner = clean_learner_name(raw)
    if not learner:
        raise ExportError(f"{path.name}: the learner name {raw!r} has no printable characters")
    return learner, [Entry(learner, e.lesson, e.activity, e.state, e.saved_at) for e in entries]


def _learner_field(path: Path) -> str:
    return json.loads(path.read_bytes().decode("utf-8-sig"))["learner"]


def load_class_from_journal(journal: Journal) -> ClassData:
    """Everyone's work in ``journal`` (a shared server's journal holds the whole class)."""
    entries = journal.entries()
    learners, notes = _newest_per_activity([(e, "journal") for e in entries], set())
    if journal.notice:
        notes = (journal.notice, *notes)
    return ClassData("journal", str(journal.path), learners, (), tuple(notes), 0)


def _newest_per_activity(
    found: Sequence[tuple[Entry, str]], names: set[str]
) -> tuple[dict[str, tuple[Entry, ...]], tuple[str, ...]]:
    """Group per learner; keep the newest save of each (lesson, activity); note duplicates.

    ``names`` adds learners who have no entries (an export of nothing yet).
    """
    by_key: dict[str, dict[tuple[str, str], list[tuple[Entry, str]]]] = {n: {} for n in names}
    for entry, source in found:
        copies = by_key.setdefault(entry.learner, {})
        copies.setdefault((entry.lesson, entry.activity), []).append((entry, source))
    learners, notes = {}, []
    for learner in sorted(by_key, key=lambda n: (n.casefold(), n)):
        kept, repeated, sources = [], 0, set()
        for copies in by_key[learner].values():
            kept.append(max(copies, key=lambda c: (_when(c[0].saved_at), c[1]))[0])
            if len(copies) > 1:
                repeated += 1
                sources.update(source for _, source in copies)
        learners[learner] = tuple(sorted(kept, key=lambda e: (e.lesson, e.activity)))
        if repeated:
            files = sorted(sources)
            shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
            notes.append(
                f"{learner}: {repeated} {_plural(repeated, 'activity is', 'activities are')} "
                f"in more than one export ({shown}); the newest save of each is used."
            )
    return learners, tuple(notes)


# ---------------------------------------------------------------- the kind registry

_KINDS: dict[str, ActivityKind] = {}


def register_kind(spec: ActivityKind) -> ActivityKind:
    """Add ``spec`` to the registry (one spec per kind; column keys must be unique)."""
    if spec.kind in _KINDS and _KINDS[spec.kind] is not spec:
        raise ValueError(f"activity kind {spec.kind!r} is already registered")
    taken = {c.key for k in _KINDS.values() if k.kind != spec.kind for c in k.columns}
    clash = sorted(taken & {c.key for c in spec.columns})
    if clash:
        raise ValueError(f"column key {clash[0]!r} is already used by another kind")
    _KINDS[spec.kind] = spec
    return spec


def registered_kinds() -> tuple[ActivityKind, ...]:
    return tuple(_KINDS.values())


def _summarize_rulers(entries: Sequence[Entry]) -> KindSummary:
    """Each scale's most recent rating (current or recorded), and how many were recorded."""
    candidates: dict[str, list[tuple[datetime, int, int]]] = {s: [] for s in SCALES}
    records, problems = 0, []
    for entry in entries:
        try:
            state = RulerState.from_dict(entry.state)
        except StateError as exc:
            problems.append(f"{entry.lesson} / {entry.activity}: {exc}")
            continue
        records += len(state.history)
        for scale in SCALES:
            if state.ratings[scale] is not None:  # current choice: saved with the entry
                candidates[scale].append((_when(entry.saved_at), 1, state.ratings[scale]))
            candidates[scale] += [
                (_when(r.taken_at), 0, r.ratings[scale])
                for r in state.history
                if r.ratings.get(scale) is not None
            ]
    cells: dict[str, Cell] = {s: max(c)[2] if c else None for s, c in candidates.items()}
    cells["ruler_records"] = records
    return KindSummary(cells, tuple(problems))


RULER = register_kind(
    ActivityKind(
        kind="readiness_ruler",
        label="Readiness ruler",
        columns=(
            *(Column(s, s.capitalize()) for s in SCALES),
            Column("ruler_records", "Ratings recorded"),
        ),
        summarize=_summarize_rulers,
    )
)
for _spec in KINDS:  # reflection builder, change-talk sorter, OARS, transcript coder
    register_kind(_spec)


# ---------------------------------------------------------------- summaries


@dataclass(frozen=True)
class LearnerRow:
    """One line of the class table."""

    learner: str
    activities: int
    cells: Mapping[str, Cell]
    other_kinds: Mapping[str, int] = field(default_factory=dict)
    last_saved: str = ""
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ClassSummary:
    columns: tuple[Column, ...]
    rows: tuple[LearnerRow, ...]
    distributions: Mapping[str, tuple[int, ...]]


def summarize_class(data: ClassData) -> ClassSummary:
    """A row per learner and the ruler distributions, from :class:`ClassData`."""
    used = {e.kind for entries in data.learners.values() for e in entries}
    kinds = tuple(k for k in registered_kinds() if k.kind in used or not k.hide_when_unused)
    rows = []
    for learner, entries in data.learners.items():
        cells: dict[str, Cell] = {}
        problems: list[str] = []
        for spec in kinds:
            mine = [e for e in entries if e.kind == spec.kind]
            try:
                result = spec.summarize(mine)
            except Exception as exc:  # noqa: BLE001 - one broken kind must not hide the class
                log.exception("mi_toolkit: summarising %s failed", spec.kind)
                problems.append(f"{spec.label} could not be summarised ({exc})")
                continue
            cells.update({c.key: result.cells.get(c.key) for c in spec.columns})
            problems += [f"{spec.label}, {p}" for p in result.problems]
        other: dict[str, int] = {}
        for entry in entries:
            if entry.kind not in _KINDS:
                other[entry.kind] = other.get(entry.kind, 0) + 1
        saved = [e.saved_at for e in entries if e.saved_at]
        rows.append(
            LearnerRow(
                learner=learner,
                activities=len(entries),
                cells=cells,
                other_kinds=dict(sorted(other.items())),
                last_saved=max(saved, key=_when) if saved else "",
                problems=tuple(problems),
            )
        )
    columns = tuple(c for spec in kinds for c in spec.columns)
    return ClassSummary(columns, tuple(rows), ruler_distributions(rows))


def ruler_distributions(rows: Sequence[LearnerRow]) -> dict[str, tuple[int, ...]]:
    """For each scale, how many learners' latest rating is 0, 1, ... 10 (11 counts)."""
    counts = {s: [0] * 11 for s in SCALES}
    for row in rows:
        for scale in SCALES:
            value = row.cells.get(scale)
            if isinstance(value, int) and 0 <= value <= 10:
                counts[scale][value] += 1
    return {s: tuple(c) for s, c in counts.items()}


def describe_distribution(distributions: Mapping[str, Sequence[int]]) -> str:
    """A plain-language description of the distribution charts: their alt text."""
    parts = ["Bar charts of each learner's latest ruler rating, one chart per scale."]
    for scale in SCALES:
        counts = list(distributions.get(scale, ()))
        total = sum(counts)
        if not total:
            parts.append(f"{scale.capitalize()}: no ratings yet.")
            continue
        detail = ", ".join(f"{n} at {value}" for value, n in enumerate(counts) if n)
        parts.append(f"{scale.capitalize()}, {total} {_plural(total, 'learner')}: {detail}.")
    return " ".join(parts)


def format_time(iso: str) -> str:
    """'2024-03-01T09:30:12.5+00:00' -> '2024-03-01 09:30 UTC'; unreadable text as it is."""
    when = _when(iso)
    return iso if when == _OLDEST else when.strftime("%Y-%m-%d %H:%M UTC")


def _when(iso: str) -> datetime:
    """A timestamp as an aware UTC datetime (naive ones taken as UTC); unreadable: oldest."""
    try:
        when = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return _OLDEST
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return one if n == 1 else (many or one + "s")
