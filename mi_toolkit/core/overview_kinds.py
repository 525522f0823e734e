"""What the class overview shows for each practice activity, and how a kind is described.

:class:`ActivityKind` (with its :class:`Column` and :class:`KindSummary`) is what
:func:`mi_toolkit.core.overview.register_kind` takes; the registry itself lives in
:mod:`mi_toolkit.core.overview`, which registers the kinds listed in :data:`KINDS`.
This module imports nothing from the overview, so there is no import cycle.

Per learner, summed over all their saved activities of the kind:

- reflection builder: statements attempted, attempts, and the share of attempts
  judged as reflections and as complex reflections;
- change-talk sorter: cards sorted and the talk-type score (right / sorted);
- OARS practice: responses written and the share that read as the kind asked for;
- transcript coder: transcripts coded, and R:Q and %CR of the newest one with
  their rating against the MITI fair and good thresholds.

:func:`read_miti_summary` reads one saved ``MitiSummary.to_dict()`` (as the
transcript coder keeps them) with every field checked; the hand-in report uses it too.

Example::

    >>> from mi_toolkit.core.journal import Entry
    >>> from mi_toolkit.core.sorter import SorterState, check_sort, load_deck
    >>> deck = load_deck()
    >>> card = deck.cards[0]
    >>> state = SorterState().answer(check_sort(deck, card, card.talk, card.kind).answer)
    >>> SORTER.summarize([Entry("ana", "03", "sort", state.to_dict(), "")]).cells
    {'sort_cards': 1, 'sort_score': '1/1 (100%)'}
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from mi_toolkit.core.journal import Entry
from mi_toolkit.core.miti import CODES, load_miti_texts
from mi_toolkit.core.oars import OarsState
from mi_toolkit.core.reflection import ReflectionState, load_reflection_content
from mi_toolkit.core.ruler import StateError
from mi_toolkit.core.sorter import SorterState, summarize
from mi_toolkit.core.transcript_practice import TranscriptCoderState

__all__ = ["KINDS", "OARS", "REFLECTION", "SORTER", "TRANSCRIPT", "ActivityKind", "Cell",
           "Column", "KindSummary", "SavedMitiSummary", "format_rating", "judged_reflection",
           "read_miti_summary", "share"]  # fmt: skip

Cell = int | str | None


@dataclass(frozen=True)
class Column:
    """A column of the per-learner table: a key into ``LearnerRow.cells``."""

    key: str
    heading: str


@dataclass(frozen=True)
class KindSummary:
    """What one kind says about one learner: table cells, and entries it could not read."""

    cells: Mapping[str, Cell]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActivityKind:
    """How the overview summarises one activity kind (the ``kind`` in saved state).

    ``summarize`` gets all of one learner's entries of this kind (maybe none) and
    returns a value for each of ``columns``. To add a kind, write that function
    and call :func:`~mi_toolkit.core.overview.register_kind`. With
    ``hide_when_unused`` the kind's columns are left out of a class where nobody
    saved work of that kind (a table of empty columns helps no one).
    """

    kind: str
    label: str
    columns: tuple[Column, ...]
    summarize: Callable[[Sequence[Entry]], KindSummary]
    hide_when_unused: bool = False


def share(part: int, total: int) -> str | None:
    """'3/4 (75%)'; ``None`` (shown as a dash) when there is nothing to share out."""
    return f"{part}/{total} ({part / total:.0%})" if total else None


def _problem(entry: Entry, exc: Exception) -> str:
    return f"{entry.lesson} / {entry.activity}: {exc}"


def _read_all(entries: Sequence[Entry], read: Callable[[Any], Any]) -> tuple[list, list[str]]:
    """Each entry's state read with ``read`` (with its entry); unreadable ones as problems."""
    states, problems = [], []
    for entry in entries:
        try:
            states.append((entry, read(entry.state)))
        except StateError as exc:
            problems.append(_problem(entry, exc))
    return states, problems


# ---------------------------------------------------------------- reflection builder


@cache
def _reflection_labels() -> tuple[str, str]:
    feedback = load_reflection_content().feedback
    return feedback["form_simple"], feedback["form_complex"]


def judged_reflection(label: str) -> str | None:
    """'simple' or 'complex' when a saved attempt's label says it read as a reflection.

    Attempts keep the label the checks gave ("complex reflection: Feeling"), worded
    by the packaged content; any other label (a question, the righting reflex) is
    ``None``.
    """
    simple, complex_ = _reflection_labels()
    for depth, name in (("complex", complex_), ("simple", simple)):
        if label == name or label.startswith(name + ":"):
            return depth
    return None


def _summarize_reflections(entries: Sequence[Entry]) -> KindSummary:
    states, problems = _read_all(entries, ReflectionState.from_dict)
    attempts = [a for _, state in states for a in state.attempts]
    judged = [judged_reflection(a.label) for a in attempts]
    cells: dict[str, Cell] = {
        "refl_statements": len({a.statement_id for a in attempts}),
        "refl_attempts": len(attempts),
        "refl_reflections": share(sum(j is not None for j in judged), len(attempts)),
        "refl_complex": share(judged.count("complex"), len(attempts)),
    }
    return KindSummary(cells if entries else {}, tuple(problems))


REFLECTION = ActivityKind(
    kind="reflection_builder",
    label="Reflection builder",
    columns=(
        Column("refl_statements", "Statements reflected"),
        Column("refl_attempts", "Reflection attempts"),
        Column("refl_reflections", "Judged reflections"),
        Column("refl_complex", "Judged complex"),
    ),
    summarize=_summarize_reflections,
    hide_when_unused=True,
)


# ---------------------------------------------------------------- change-talk sorter


def _summarize_sorting(entries: Sequence[Entry]) -> KindSummary:
    states, problems = _read_all(entries, SorterState.from_dict)
    sorted_, right = 0, 0
    for _, state in states:
        result = summarize(state)
        sorted_ += result.sorted
        right += result.talk_right
    cells: dict[str, Cell] = {"sort_cards": sorted_, "sort_score": share(right, sorted_)}
    return KindSummary(cells if entries else {}, tuple(problems))


SORTER = ActivityKind(
    kind="change_talk_sorter",
    label="Change-talk sorter",
    columns=(Column("sort_cards", "Cards sorted"), Column("sort_score", "Talk type right")),
    summarize=_summarize_sorting,
    hide_when_unused=True,
)


# ---------------------------------------------------------------- OARS practice


def _summarize_oars(entries: Sequence[Entry]) -> KindSummary:
    states, problems = _read_all(entries, OarsState.from_dict)
    attempts = [a for _, state in states for a in state.attempts]
    cells: dict[str, Cell] = {
        "oars_responses": len(attempts),
        "oars_as_asked": share(sum(a.ok for a in attempts), len(attempts)),
    }
    return KindSummary(cells if entries else {}, tuple(problems))


OARS = ActivityKind(
    kind="oars_practice",
    label="OARS practice",
    columns=(Column("oars_responses", "OARS responses"), Column("oars_as_asked", "Read as asked")),
    summarize=_summarize_oars,
    hide_when_unused=True,
)


# ---------------------------------------------------------------- transcript coder


@dataclass(frozen=True)
class SavedMitiSummary:
    """The parts of a saved MITI summary that the overview and the report show."""

    transcript_id: str
    practitioner_turns: int
    client_turns: int
    counts: dict[str, int]
    open_questions: int
    closed_questions: int
    r_to_q: float | None
    pct_cr: float | None
    ratings: dict[str, str]
    mi_adherent: int
    mi_non_adherent: int
    client_talk: dict[str, int]
    feedback: tuple[str, ...]

    @property
    def questions(self) -> int:
        return self.counts["Question"]

    @property
    def reflections(self) -> int:
        return self.counts["SR"] + self.counts["CR"]


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StateError(f"{what} must be a whole number from 0, got {value!r}")
    return value


def _counts(data: dict, key: str, names: Sequence[str] | None) -> dict[str, int]:
    raw = data.get(key, {})
    if not isinstance(raw, dict):
        raise StateError(f"{key} in a transcript summary must be an object")
    if names is not None:
        unknown = sorted(str(k) for k in set(raw) - set(names))
        if unknown:
            raise StateError(f"unknown code {unknown[0]!r} in a transcript summary")
    out = {str(k)[:100]: _count(v, f"{key}.{k}") for k, v in raw.items()}
    return {n: out.get(n, 0) for n in names} if names is not None else out


def _score(data: dict, key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StateError(f"{key} in a transcript summary must be a number, got {value!r}")
    if value < 0:
        raise StateError(f"{key} in a transcript summary cannot be negative, got {value!r}")
    return float(value)


def read_miti_summary(data: Any) -> SavedMitiSummary:
    """One saved ``MitiSummary.to_dict()``, checked; anything unusable is a StateError."""
    if not isinstance(data, dict):
        raise StateError("a transcript summary must be an object")
    if data.get("schema_version") != 1:
        raise StateError(
            f"a transcript summary has schema version {data.get('schema_version')!r}, expected 1"
        )
    counts = _counts(data, "counts", CODES)
    questions = data.get("questions", {})
    if not isinstance(questions, dict):
        raise StateError("questions in a transcript summary must be an object")
    ratings = data.get("ratings", {})
    if not isinstance(ratings, dict) or not all(isinstance(v, str) for v in ratings.values()):
        raise StateError("ratings in a transcript summary must be an object of texts")
    feedback = data.get("feedback", [])
    if not isinstance(feedback, list) or not all(isinstance(line, str) for line in feedback):
        raise StateError("feedback in a transcript summary must be a list of texts")
    transcript_id = data.get("transcript_id", "")
    if not isinstance(transcript_id, str):
        raise StateError("transcript_id in a transcript summary must be text")
    r_to_q, pct_cr = _score(data, "r_to_q"), _score(data, "pct_cr")
    thresholds = load_miti_texts().thresholds
    return SavedMitiSummary(
        transcript_id=transcript_id[:200],
        practitioner_turns=_count(data.get("practitioner_turns", 0), "practitioner_turns"),
        client_turns=_count(data.get("client_turns", 0), "client_turns"),
        counts=counts,
        open_questions=_count(questions.get("open", 0), "questions.open"),
        closed_questions=_count(questions.get("closed", 0), "questions.closed"),
        r_to_q=r_to_q,
        pct_cr=pct_cr,
        ratings={
            "r_to_q": ratings.get("r_to_q") or thresholds["r_to_q"].rate(r_to_q),
            "pct_cr": ratings.get("pct_cr") or thresholds["pct_cr"].rate(pct_cr),
        },
        mi_adherent=_count(
            data.get("mi_adherent", counts["Seek"] + counts["Affirm"] + counts["Autonomy"]),
            "mi_adherent",
        ),
        mi_non_adherent=_count(
            data.get("mi_non_adherent", counts["Confront"] + counts["Persuade"]),
            "mi_non_adherent",
        ),
        client_talk=_counts(data, "client_talk", None),
        feedback=tuple(line[:2000] for line in feedback),
    )


def format_rating(summary: SavedMitiSummary, key: str) -> str:
    """'1.50 (fair)' for R:Q, '45% (good)' for %CR; the reason when not computed."""
    value = summary.r_to_q if key == "r_to_q" else summary.pct_cr
    rating = summary.ratings[key]
    if value is None:
        return rating
    shown = f"{value:.2f}" if key == "r_to_q" else f"{value:.0%}"
    return f"{shown} ({rating})"


def _saved_time(entry: Entry) -> datetime:
    try:
        when = datetime.fromisoformat(entry.saved_at)
    except (TypeError, ValueError):
        return datetime.min.replace(tzinfo=UTC)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _summarize_transcripts(entries: Sequence[Entry]) -> KindSummary:
    states, problems = _read_all(entries, TranscriptCoderState.from_dict)
    coded = sum(len(state.summaries) for _, state in states)
    latest: SavedMitiSummary | None = None
    for entry, state in sorted(states, key=lambda pair: _saved_time(pair[0]), reverse=True):
        if not state.summaries:
            continue
        try:
            latest = read_miti_summary(state.summaries[-1])
        except StateError as exc:
            problems.append(_problem(entry, exc))
            continue
        break
    cells: dict[str, Cell] = {
        "miti_transcripts": coded,
        "miti_r_to_q": None if latest is None else format_rating(latest, "r_to_q"),
        "miti_pct_cr": None if latest is None else format_rating(latest, "pct_cr"),
    }
    return KindSummary(cells if entries else {}, tuple(problems))


TRANSCRIPT = ActivityKind(
    kind="transcript_coder",
    label="Transcript coder",
    columns=(
        Column("miti_transcripts", "Transcripts coded"),
        Column("miti_r_to_q", "Latest R:Q"),
        Column("miti_pct_cr", "Latest %CR"),
    ),
    summarize=_summarize_transcripts,
    hide_when_unused=True,
)

KINDS: tuple[ActivityKind, ...] = (REFLECTION, SORTER, OARS, TRANSCRIPT)
