"""Practice transcripts: read plain text or AnnoMI-style CSV into :class:`Transcript` objects.

Plain text has one turn per speaker label; lines without a label continue the turn
above, blank lines are skipped::

    T: What brings you in today?
    C: My doctor wants me to cut down.
       I'm not so sure.

CSV follows the AnnoMI layout (``transcript_id, utterance_id, interlocutor,
utterance_text, main_therapist_behaviour, client_talk_type, ...``); only
``interlocutor`` and ``utterance_text`` are required, several ``transcript_id``
values give several transcripts, and label columns, when present, carry the
expert's coding. Every error names the file and the line (or row) and says what is
wrong.

Example::

    >>> parsed = parse_transcripts("T: How are you?\\nC: Fine.\\n", name="demo.txt")
    >>> [(u.speaker, u.text) for u in parsed.utterances]
    [('practitioner', 'How are you?'), ('client', 'Fine.')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "CLIENT",
    "PRACTITIONER",
    "Transcript",
    "TranscriptError",
    "TranscriptFile",
    "Utterance",
    "load_corpus",
    "parse_transcripts",
    "read_transcripts",
]

PRACTITIONER = "practitioner"
CLIENT = "client"
CORPUS = "corpus/mi_corpus.csv"
REQUIRED_COLUMNS = ("interlocutor", "utterance_text")
SPEAKERS = {
    "t": PRACTITIONER,
    "therapist": PRACTITIONER,
    "practitioner": PRACTITIONER,
    "counsellor": PRACTITIONER,
    "counselor": PRACTITIONER,
    "c": CLIENT,
    "client": CLIENT,
}
_TURN = re.compile(
    r"^\s*(t|c|therapist|practitioner|counsell?or|client)\s*:[ \t]?(.*)$", re.IGNORECASE
)


class TranscriptError(ValueError):
    """A transcript file that cannot be read; the message names the file and the line."""

    def __init__(self, file: str, problem: str, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.problem = problem
        where = f"{file}, line {line}" if line else file
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Utterance:
    """One turn: who spoke, what they said, where it came from, and any expert labels.

    ``labels`` holds the expert's coding when the file has it (keys
    ``therapist_behaviour``, ``client_talk_type``, ``miti_code``, ``darn_cat``);
    ``row`` holds every CSV column as read, so an output can keep them.

    Example::

        >>> u = parse_transcripts("C: I want to cut down.", name="x.txt").utterances[0]
        >>> u.speaker, u.interlocutor, u.line
        ('client', 'client', 1)
    """

    transcript_id: str
    utterance_id: str
    speaker: str
    text: str
    line: int
    labels: dict[str, str] = field(default_factory=dict)
    row: dict[str, str] | None = None

    @property
    def interlocutor(self) -> str:
        """The AnnoMI name of the speaker: ``therapist`` or ``client``."""
        return "therapist" if self.speaker == PRACTITIONER else CLIENT


@dataclass(frozen=True)
class Transcript:
    """The turns of one conversation, in order.

    Example::

        >>> t = parse_transcripts("T: Hi.\\nC: Hello.", name="x.txt").transcripts[0]
        >>> t.transcript_id, len(t.utterances), t.has_labels
        ('x', 2, False)
    """

    transcript_id: str
    utterances: tuple[Utterance, ...]

    @property
    def has_labels(self) -> bool:
        """True when an expert coded this transcript (an annotated, not a raw, transcript)."""
        return any(u.labels for u in self.utterances)


@dataclass(frozen=True)
class TranscriptFile:
    """Everything read from one file: its turns in file order, grouped into transcripts.

    Example::

        >>> f = parse_transcripts("interlocutor,utterance_text\\ntherapist,Hi.", kind="csv")
        >>> f.kind, f.columns, len(f.transcripts)
        ('csv', ('interlocutor', 'utterance_text'), 1)
    """

    name: str
    kind: str  # "text" or "csv"
    columns: tuple[str, ...]
    utterances: tuple[Utterance, ...]
    transcripts: tuple[Transcript, ...]


# ---------------------------------------------------------------- entry points


def read_transcripts(path: str | Path) -> TranscriptFile:
    """Read a transcript file: CSV when it ends in ``.csv`` or starts with a CSV header."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise TranscriptError(str(path), f"cannot open the file ({exc.strerror})") from None
    with handle:
        return _parse_lines(_decode(handle, str(path)), str(path), path.suffix.lower())


def parse_transcripts(text: str, *, name: str = "<text>", kind: str = "") -> TranscriptFile:
    """Parse transcript text already in memory (``kind`` ``"csv"`` or ``"text"`` or sniffed)."""
    lines = (ln + "\n" for ln in text.removeprefix("\ufeff").split("\n"))
    return _parse_lines(enumerate(lines, 1), name, ".csv" if kind == "csv" else "", kind)


def load_corpus(split: str | None = None) -> list[Transcript]:
    """The packaged labelled corpus, optionally only the ``train`` or ``test`` split."""
    ref = resources.files("mi_toolkit.content").joinpath(CORPUS)
    with resources.as_file(ref) as path:
        parsed = read_transcripts(path)
    if split is None:
        return list(parsed.transcripts)
    if "split" not in parsed.columns:
        raise TranscriptError(CORPUS, "has no 'split' column")
    return [
        t
        for t in parsed.transcripts
        if t.utterances and (t.utterances[0].row or {}).get("split") == split
    ]


# ---------------------------------------------------------------- decoding


def _decode(lines: Iterable[bytes], name: str) -> Iterator[tuple[int, str]]:
    """Decode line by line, so a bad byte is reported with its line number."""
    for number, raw in enumerate(lines, 1):
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TranscriptError(
                name,
                f"not UTF-8 text (byte {exc.start + 1} of the line); save the file as UTF-8",
                number,
            ) from None


def _parse_lines(
    numbered: Iterator[tuple[int, str]], name: str, suffix: str, kind: str = ""
) -> TranscriptFile:
    first: tuple[int, str] | None = None
    for number, line in numbered:
        if line.strip():
            first = (number, line)
            break
    if first is None:
        raise TranscriptError(name, "the file is empty: it holds no turns")
    lines = _chain(first, numbered)
    if kind == "csv" or (not kind and (suffix == ".csv" or _looks_like_csv_header(first[1]))):
        from mi_toolkit.core._transcript_csv import parse_csv  # it imports this module

        return parse_csv(lines, name)
    return _parse_text(lines, name)


def _chain(first: tuple[int, str], rest: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    yield first
    yield from rest


def _looks_like_csv_header(line: str) -> bool:
    cells = {c.strip().strip('"').lower() for c in line.split(",")}
    return all(col in cells for col in REQUIRED_COLUMNS)


def stem(name: str) -> str:
    """The transcript id a file gets when it has none of its own: its name, less suffix."""
    return Path(name).stem or "transcript"


# ---------------------------------------------------------------- plain text


def _parse_text(lines: Iterator[tuple[int, str]], name: str) -> TranscriptFile:
    tid = stem(name)
    turns: list[list[Any]] = []  # [speaker, parts, line]
    for number, line in lines:
        for piece in line.splitlines() or [""]:
            if not piece.strip():
                continue
            match = _TURN.match(piece)
            if match:
                speaker = SPEAKERS[match.group(1).lower()]
                turns.append([speaker, [match.group(2).strip()], number])
            elif not turns:
                raise TranscriptError(
                    name,
                    "text before the first speaker label; start each turn with "
                    "'T:' or 'C:' (or 'Practitioner:' / 'Client:')",
                    number,
                )
            else:
                turns[-1][1].append(piece.strip())
    utterances = tuple(
        Utterance(tid, str(i), speaker, " ".join(p for p in parts if p), number)
        for i, (speaker, parts, number) in enumerate(turns)
    )
    columns = ("transcript_id", "utterance_id", "interlocutor", "utterance_text")
    return TranscriptFile(name, "text", columns, utterances, (Transcript(tid, utterances),))
