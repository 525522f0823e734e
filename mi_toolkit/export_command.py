"""``mi-toolkit export`` and ``mi-toolkit import``: learner work in and out of the journal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mi_toolkit.core.exchange import ExportError, export_document, read_export_file
from mi_toolkit.core.journal import FILE_NAME, Journal, data_dir

__all__ = ["add_parsers", "run_export", "run_import"]

_FORMATS = {".json": "json", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}


def add_parsers(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser(
        "export",
        help="write a learner's saved work as JSON, Markdown or HTML",
        description="Write a learner's saved work from the journal. The format follows "
        "--format, else the --output file's extension, else JSON.",
    )
    export.add_argument("--learner", help="whose work (needed when the journal has several)")
    export.add_argument("--format", choices=["json", "md", "html"])
    export.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    export.add_argument("--journal", type=Path, help=f"journal file (default: {_default()})")
    imp = sub.add_parser(
        "import",
        help="load an exported JSON file back into the journal",
        description="Load a JSON export into the journal. An activity already in the "
        "journal is replaced only if the imported copy was saved later.",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--journal", type=Path, help=f"journal file (default: {_default()})")


def _default() -> Path:
    return data_dir() / FILE_NAME


def _open(path: Path | None) -> Journal:
    journal = Journal(path)
    if journal.notice:
        print(f"mi-toolkit: {journal.notice}", file=sys.stderr)
    return journal


def run_export(args: argparse.Namespace) -> int:
    journal = _open(args.journal)
    learners = journal.learners()
    learner = args.learner
    if learner is None:
        if len(learners) != 1:
            found = ", ".join(learners) if learners else "none"
            print(f"mi-toolkit export: choose --learner (learners in the journal: {found})",
                  file=sys.stderr)  # fmt: skip
            return 2
        learner = learners[0]
    elif learner not in learners:
        print(f"mi-toolkit export: no saved work for {learner!r}", file=sys.stderr)
        return 2
    fmt = args.format or (_FORMATS.get(args.output.suffix.lower()) if args.output else None)
    entries = journal.entries(learner)
    if fmt in ("md", "html"):
        from mi_toolkit.report import to_html, to_markdown

        text = (to_html if fmt == "html" else to_markdown)(entries, learner)
    else:
        text = json.dumps(export_document(entries, learner), indent=1, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {len(entries)} activities of {learner} to {args.output}", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    try:
        entries = read_export_file(args.file)
    except ExportError as exc:
        print(f"mi-toolkit import: {exc}", file=sys.stderr)
        return 2
    journal = _open(args.journal)
    added = kept = 0
    for entry in entries:
        current = {
            e.activity: e for e in journal.entries(entry.learner) if e.lesson == entry.lesson
        }
        existing = current.get(entry.activity)
        if existing is not None and existing.saved_at >= entry.saved_at:
            kept += 1
            continue
        journal.save(entry.learner, entry.lesson, entry.activity, entry.state,
                     saved_at=entry.saved_at)  # fmt: skip
        added += 1
    print(f"imported {added} activities; kept {kept} newer ones already in the journal")
    return 0
