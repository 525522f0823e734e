"""Learner work as a JSON document: the complete, re-importable export.

Example::

    >>> from mi_toolkit.core.journal import Entry
    >>> doc = export_document([Entry("ana", "01", "practice", {"schema_version": 1}, "t")], "ana")
    >>> [e.activity for e in read_document(doc, name="ana.json")]
    ['practice']
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mi_toolkit import __version__
from mi_toolkit.core.journal import Entry

__all__ = ["EXPORT_KIND", "EXPORT_SCHEMA_VERSION", "ExportError", "export_document",
           "read_document", "read_export_file"]  # fmt: skip

EXPORT_KIND = "mi_toolkit_export"
EXPORT_SCHEMA_VERSION = 1


class ExportError(ValueError):
    """An export file that cannot be read; the message names the file and the problem."""


def export_document(entries: list[Entry], learner: str) -> dict[str, Any]:
    """Everything ``learner`` saved, as one JSON-able document."""
    return {
        "schema_version": EXPORT_SCHEMA_VERSION,
        "kind": EXPORT_KIND,
        "learner": learner,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "mi_toolkit_version": __version__,
        "entries": [e.to_dict() for e in entries if e.learner == learner],
    }


def read_document(data: Any, *, name: str) -> list[Entry]:
    """Validate an export document and return its entries."""
    if not isinstance(data, dict):
        raise ExportError(f"{name}: not an mi_toolkit export (the top level is not an object)")
    if data.get("kind") != EXPORT_KIND:
        raise ExportError(f"{name}: not an mi_toolkit export (kind is {data.get('kind')!r})")
    version = data.get("schema_version")
    if type(version) is not int or version != EXPORT_SCHEMA_VERSION:  # true == 1 in Python
        raise ExportError(
            f"{name}: export schema version {data.get('schema_version')!r} is not supported "
            f"(this mi_toolkit reads version {EXPORT_SCHEMA_VERSION})"
        )
    learner = data.get("learner")
    if not isinstance(learner, str) or not learner.strip():
        raise ExportError(f"{name}: key 'learner' is missing or empty")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list):
        raise ExportError(f"{name}: key 'entries' must be a list")
    entries = []
    for i, raw in enumerate(raw_entries):
        where = f"{name}: entries[{i}]"
        if not isinstance(raw, dict):
            raise ExportError(f"{where} is not an object")
        for key in ("lesson", "activity", "saved_at"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                raise ExportError(f"{where}: key {key!r} is missing or not text")
        if not isinstance(raw.get("state"), dict):
            raise ExportError(f"{where}: key 'state' must be an object")
        entries.append(
            Entry(learner, raw["lesson"], raw["activity"], raw["state"], raw["saved_at"])
        )
    return entries


def read_export_file(path: str | Path) -> list[Entry]:
    """Read an export JSON file; any problem becomes an :class:`ExportError`."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ExportError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ExportError(f"{path.name}: not UTF-8 text") from None
    if not text.strip():
        raise ExportError(f"{path.name}: the file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(f"{path.name}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise ExportError(f"{path.name}: invalid JSON (nested too deeply)") from None
    return read_document(data, name=path.name)
