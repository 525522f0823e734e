"""The CSV half of :mod:`mi_toolkit.core.transcript`: AnnoMI-style files.

Kept apart so each module stays one concept; use :func:`read_transcripts` rather
than this module.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from mi_toolkit.core.transcript import (
    CLIENT,
    PRACTITIONER,
    REQUIRED_COLUMNS,
    SPEAKERS,
    Transcript,
    TranscriptError,
    TranscriptFile,
    Utterance,
    stem,
)

__all__ = ["CLIENT_LABELS", "MITI_LABELS", "THERAPIST_LABELS", "parse_csv"]

THERAPIST_LABELS = ("question", "reflection", "therapist_input", "other")
CLIENT_LABELS = ("change", "neutral", "sustain")
MITI_LABELS = (
    "GI",
    "Persuade",
    "PersuadeWithPermission",
    "Question",
    "SR",
    "CR",
    "Affirm",
    "Seek",
    "Autonomy",
    "Confront",
    "Other",
)
DARN_CAT = (
    "desire",
    "ability",
    "reasons",
    "need",
    "commitment",
    "activation",
    "taking_steps",
)
# column -> (key in Utterance.labels, allowed values or None for free text), per speaker
_LABEL_COLUMNS = {
    PRACTITIONER: (
        ("main_therapist_behaviour", "therapist_behaviour", THERAPIST_LABELS),
        ("miti_code", "miti_code", MITI_LABELS),
    ),
    CLIENT: (
        ("client_talk_type", "client_talk_type", CLIENT_LABELS),
        ("darn_cat", "darn_cat", None),
    ),
}
_EMPTY = {"", "n/a", "na", "none", "-"}
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(value: str) -> str:
    return _NOT_ALNUM.sub("", value.lower())


_CANONICAL = {
    column: {_key(v): v for v in allowed}
    for group in _LABEL_COLUMNS.values()
    for column, _, allowed in group
    if allowed
}


class _LineFeed:
    """Feeds lines to ``csv.reader`` and remembers the number of the last line fed."""

    def __init__(self, lines: Iterator[tuple[int, str]]) -> None:
        self._lines = lines
        self.number = 0

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        self.number, line = next(self._lines)
        return line


def parse_csv(lines: Iterator[tuple[int, str]], name: str) -> TranscriptFile:
    """Parse numbered lines of an AnnoMI-style CSV file."""
    feed = _LineFeed(lines)
    reader = csv.reader(feed, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise TranscriptError(name, f"cannot read the CSV header: {exc}", feed.number) from None
    header_line = feed.number
    keys = [h.lower() for h in header]
    for col in REQUIRED_COLUMNS:
        if col not in keys:
            found = ", ".join(h for h in header if h) or "none"
            raise TranscriptError(
                name, f"missing column {col!r} (columns found: {found})", header_line
            )
    dupes = sorted({k for k in keys if k and keys.count(k) > 1})
    if dupes:
        raise TranscriptError(name, f"column {dupes[0]!r} appears twice", header_line)
    index = {k: i for i, k in enumerate(keys)}
    utterances: list[Utterance] = []
    counters: dict[str, int] = {}
    rows = 0
    while True:
        start = feed.number + 1  # blank lines are records of their own, so this is exact
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            hint = " (a quoted field is never closed)" if "end of data" in str(exc) else ""
            raise TranscriptError(name, f"bad CSV: {exc}{hint}", start) from None
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        rows += 1
        if len(cells) != len(header):
            raise TranscriptError(
                name, f"row {rows} has {len(cells)} fields, the header has {len(header)}", start
            )
        utterances.append(_utterance(cells, header, index, counters, name, f"row {rows}", start))
    if not utterances:
        raise TranscriptError(name, "the file has a header but no rows", header_line)
    groups: dict[str, list[Utterance]] = {}
    for u in utterances:
        groups.setdefault(u.transcript_id, []).append(u)
    transcripts = tuple(Transcript(tid, tuple(us)) for tid, us in groups.items())
    return TranscriptFile(name, "csv", tuple(header), tuple(utterances), transcripts)


def _utterance(
    cells: list[str],
    header: list[str],
    index: dict[str, int],
    counters: dict[str, int],
    name: str,
    where: str,
    line: int,
) -> Utterance:
    def cell(column: str) -> str:
        i = index.get(column)
        return "" if i is None else cells[i].strip()

    who = cell("interlocutor")
    speaker = SPEAKERS.get(who.lower())
    if speaker is None:
        raise TranscriptError(
            name, f"{where}: interlocutor is {who!r}; expected 'therapist' or 'client'", line
        )
    tid = cell("transcript_id") or stem(name)
    number = counters.get(tid, 0)
    counters[tid] = number + 1
    labels = {}
    for column, key, allowed in _LABEL_COLUMNS[speaker]:
        value = cell(column)
        if value.lower() in _EMPTY:
            continue
        if allowed is None:
            labels[key] = value.lower()
            continue
        canonical = _CANONICAL[column].get(_key(value))
        if canonical is None:
            raise TranscriptError(
                name,
                f"{where}: {column} is {value!r}; expected one of {', '.join(allowed)}",
                line,
            )
        labels[key] = canonical
    return Utterance(
        transcript_id=tid,
        utterance_id=cell("utterance_id") or str(number),
        speaker=speaker,
        text=cells[index["utterance_text"]],
        line=line,
        labels=labels,
        row=dict(zip(header, cells, strict=True)),
    )
