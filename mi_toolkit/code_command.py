"""``mi-toolkit code FILE [--output OUT.csv] [--summary OUT.json]``: code a transcript.

The output CSV keeps every input column and row and adds the coder's columns; the
summary JSON holds one MITI summary per transcript. With neither option, a readable
summary of each transcript is printed. A file that cannot be read ends the command
with exit status 2 and one line naming the file and line, never a traceback.

Example::

    mi-toolkit code session.txt
    mi-toolkit code annomi.csv --output coded.csv --summary summary.json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["ADDED_COLUMNS", "add_parser", "output_columns", "run"]

ADDED_COLUMNS = (
    "code",
    "predicted_therapist_behaviour",
    "predicted_client_talk_type",
    "darn_cat",
    "reason",
    "confidence",
)
TEXT_COLUMNS = ("transcript_id", "utterance_id", "interlocutor", "utterance_text")
SUMMARY_SCHEMA_VERSION = 1


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``code`` subcommand on an ``add_subparsers()`` object."""
    parser = subparsers.add_parser(
        "code",
        help="code a practice transcript (MITI 4.2.1) and summarise it",
        description="Code every turn of a transcript (plain text with T:/C: labels, or "
        "AnnoMI-style CSV) and report MITI 4.2.1 summary scores. Without --output or "
        "--summary, a readable summary is printed.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="transcript (.txt or .csv)")
    parser.add_argument(
        "--output", type=Path, metavar="OUT.csv", help="write every turn with its code"
    )
    parser.add_argument(
        "--summary", type=Path, metavar="OUT.json", help="write the MITI summaries as JSON"
    )
    return parser


def output_columns(columns: tuple[str, ...]) -> tuple[str, ...]:
    """The added columns' names, prefixed ``predicted_`` where the input already has one."""
    taken = {c.lower() for c in columns}
    out = []
    for name in ADDED_COLUMNS:
        candidate, n = name, 1
        while candidate.lower() in taken:
            candidate = f"predicted_{name}" if n == 1 else f"predicted_{name}_{n}"
            n += 1
        taken.add(candidate.lower())
        out.append(candidate)
    return tuple(out)


def run(args: argparse.Namespace) -> int:
    """Carry out ``mi-toolkit code``; returns the exit status."""
    # Imported here so that other subcommands do not pay for the coder.
    from mi_toolkit.core.coder import code_transcript
    from mi_toolkit.core.content import ContentError
    from mi_toolkit.core.miti import format_summary, summarize
    from mi_toolkit.core.transcript import TranscriptError, read_transcripts

    try:
        parsed = read_transcripts(args.file)
        coded = [(t, code_transcript(t)) for t in parsed.transcripts]
        summaries = [summarize(t, c) for t, c in coded]
    except (TranscriptError, ContentError) as exc:
        return _fail(str(exc))
    codings = {id(u): c for t, cs in coded for u, c in zip(t.utterances, cs, strict=True)}
    written = []
    try:
        if args.output is not None:
            _write_csv(args.output, parsed, codings)
            written.append(f"{len(parsed.utterances)} coded turns to {args.output}")
        if args.summary is not None:
            document = {
                "schema_version": SUMMARY_SCHEMA_VERSION,
                "file": str(args.file),
                "transcripts": [s.to_dict() for s in summaries],
            }
            text = json.dumps(document, indent=2, ensure_ascii=False)
            Path(args.summary).write_text(text + "\n", encoding="utf-8")
            noun = "summary" if len(summaries) == 1 else "summaries"
            written.append(f"{len(summaries)} transcript {noun} to {args.summary}")
    except OSError as exc:
        target = exc.filename or args.output or args.summary
        return _fail(f"{target}: cannot write ({exc.strerror or exc})")
    if written:
        print("mi-toolkit code: wrote " + " and ".join(written))
    else:
        print("\n\n".join(format_summary(s) for s in summaries))
    return 0


def _fail(message: str) -> int:
    print(f"mi-toolkit code: {message.splitlines()[0] if message else 'failed'}", file=sys.stderr)
    return 2


def _write_csv(path: Path, parsed: Any, codings: dict[int, Any]) -> None:
    base = parsed.columns if parsed.kind == "csv" else TEXT_COLUMNS
    added = output_columns(base)
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*base, *added])
        for u in parsed.utterances:
            c = codings[id(u)]
            if u.row is not None:
                values = [u.row[col] for col in base]
            else:
                values = [u.transcript_id, u.utterance_id, u.interlocutor, u.text]
            writer.writerow(
                [
                    *values,
                    c.code,
                    c.therapist_behaviour or "",
                    c.talk_type or "",
                    c.darn_cat or "",
                    c.reason,
                    f"{c.confidence:.2f}",
                ]
            )
