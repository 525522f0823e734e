"""Readiness rulers: importance, confidence and readiness on 0-10 scales.

A ruler is only half the skill; the other half is the evocative follow-up. Asking
"why are you at 6 and not a lower number?" invites the person to voice their own
reasons for change; "why not higher?" invites them to defend the status quo, so
this module never produces it.

Example::

    >>> prompts = load_ruler_prompts()
    >>> follow_ups(prompts, "importance", 6, "walk to work")[0]
    'Why are you at 6 and not a lower number, like 3?'
    >>> state = RulerState(change="walk to work").rate("importance", 6)
    >>> state.ratings["importance"]
    6
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mi_toolkit.core.content import ContentError, read_content, require

__all__ = [
    "MAX_CHANGE_CHARS",
    "MAX_HISTORY",
    "SCALES",
    "CleanedText",
    "RulerPrompts",
    "RulerRecord",
    "RulerState",
    "ScaleText",
    "StateError",
    "clean_change_name",
    "describe_history",
    "follow_ups",
    "load_ruler_prompts",
    "question_for",
]

SCALES = ("importance", "confidence", "readiness")
SCHEMA_VERSION = 1
MAX_CHANGE_CHARS = 200
MAX_HISTORY = 500
_PLACEHOLDERS = {"value", "lower", "higher", "change"}
# Format characters are dropped (zero-width spaces, direction overrides), except
# the joiners that emoji sequences and Persian or Indic spelling depend on.
_JOINERS = {"\u200c", "\u200d"}
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
_FILE = "rulers.json"


class StateError(ValueError):
    """Saved ruler state that cannot be restored (wrong version, bad values)."""


# ---------------------------------------------------------------- content


@dataclass(frozen=True)
class ScaleText:
    """The wording of one ruler, read from content."""

    label: str
    question: str
    low_anchor: str
    high_anchor: str
    at_zero: tuple[str, ...]
    in_between: tuple[str, ...]
    at_ten: tuple[str, ...]


@dataclass(frozen=True)
class RulerPrompts:
    """All ruler wording: one :class:`ScaleText` per scale."""

    default_change: str
    scales: dict[str, ScaleText]


def load_ruler_prompts(path: str | Path | None = None) -> RulerPrompts:
    """Load and validate ``rulers.json`` (the packaged one, or a file at ``path``)."""
    data, name = read_content(_FILE, path)
    return _parse_prompts(data, name)


def _parse_prompts(data: dict[str, Any], file: str) -> RulerPrompts:
    version = require(data, "schema_version", int, file=file)
    if version != SCHEMA_VERSION:
        raise ContentError(
            file, "schema_version", f"version {version} is not supported (expected 1)"
        )
    default_change = require(data, "default_change", str, file=file)
    scales_data = require(data, "scales", dict, file=file)
    missing = [s for s in SCALES if s not in scales_data]
    if missing:
        raise ContentError(file, f"scales.{missing[0]}", "missing")
    unknown = sorted(set(scales_data) - set(SCALES))
    if unknown:
        raise ContentError(file, f"scales.{unknown[0]}", "unknown scale")
    scales = {}
    for name in SCALES:
        entry = scales_data[name]
        path = f"scales.{name}"
        if not isinstance(entry, dict):
            raise ContentError(file, path, "expected an object")
        texts = {
            key: require(entry, key, str, file=file, path=path)
            for key in ("label", "question", "low_anchor", "high_anchor")
        }
        lists = {}
        for key in ("at_zero", "in_between", "at_ten"):
            items = require(entry, key, list, file=file, path=path)
            if not items:
                raise ContentError(file, f"{path}.{key}", "needs at least one prompt")
            for i, item in enumerate(items):
                if not isinstance(item, str) or not item.strip():
                    raise ContentError(file, f"{path}.{key}[{i}]", "expected non-empty text")
            lists[key] = tuple(items)
        for key, template in [("question", texts["question"])] + [
            (f"{k}[{i}]", t) for k, items in lists.items() for i, t in enumerate(items)
        ]:
            _check_template(template, file=file, key=f"{path}.{key}")
        scales[name] = ScaleText(**texts, **lists)
    return RulerPrompts(default_change=default_change, scales=scales)


def _check_template(template: str, *, file: str, key: str) -> None:
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as exc:
        raise ContentError(file, key, f"bad template: {exc}") from None
    bad = sorted(fields - _PLACEHOLDERS)
    if bad:
        raise ContentError(file, key, f"unknown placeholder {{{bad[0]}}}")


# ---------------------------------------------------------------- learner text


@dataclass(frozen=True)
class CleanedText:
    """A learner's text made safe to store and show, with what was done to it."""

    text: str
    was_blank: bool = False
    was_shortened: bool = False


def clean_change_name(raw: str | None) -> CleanedText:
    """Normalise the name of a change the learner typed.

    Unicode is NFC-normalised, control and format characters are dropped, runs
    of whitespace become one space, and text over ``MAX_CHANGE_CHARS`` is cut at
    a word boundary. HTML is *not* touched here: it is plain text to the core and
    is escaped by whatever shows it.
    """
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or ch in _JOINERS or unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )
    text = " ".join(word.strip("".join(_JOINERS)) for word in text.split())
    text = " ".join(text.split())
    if not text:
        return CleanedText("", was_blank=True)
    if len(text) <= MAX_CHANGE_CHARS:
        return CleanedText(text)
    cut = text[:MAX_CHANGE_CHARS]
    if " " in cut[MAX_CHANGE_CHARS // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return CleanedText(cut.rstrip() + "…", was_shortened=True)


# ---------------------------------------------------------------- prompts


def _fill(template: str, *, value: int, change: str) -> str:
    return template.format(value=value, lower=value // 2, higher=min(value + 1, 10), change=change)


def question_for(prompts: RulerPrompts, scale: str, change: str) -> str:
    """The ruler question for ``scale`` about ``change`` (plain text)."""
    return _fill(prompts.scales[scale].question, value=0, change=change or prompts.default_change)


def follow_ups(prompts: RulerPrompts, scale: str, value: int, change: str = "") -> list[str]:
    """The evocative follow-up questions for a rating (plain text, not escaped).

    At 0 the person has no reason yet, so "why not lower?" makes no sense: the
    prompts explore what would make it matter. At 10 there is no "higher".
    """
    value = _check_rating(scale, value)
    text = prompts.scales[scale]
    templates = text.at_zero if value == 0 else text.at_ten if value == 10 else text.in_between
    change = change or prompts.default_change
    return [_fill(t, value=value, change=change) for t in templates]


def _check_rating(scale: str, value: Any) -> int:
    if scale not in SCALES:
        raise StateError(f"unknown scale {scale!r}")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise StateError(f"{scale} rating must be a whole number from 0 to 10, got {value!r}")
    return value


# ---------------------------------------------------------------- state


@dataclass(frozen=True)
class RulerRecord:
    """One recorded set of ratings (any scale may be unrated: ``None``)."""

    taken_at: str
    change: str
    ratings: dict[str, int | None]

    def to_dict(self) -> dict[str, Any]:
        return {"taken_at": self.taken_at, "change": self.change, "ratings": dict(self.ratings)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RulerRecord:
        try:
            taken_at = str(data["taken_at"])
            datetime.fromisoformat(taken_at)
            change = clean_change_name(str(data.get("change", ""))).text
            ratings = _ratings_from(data["ratings"])
        except (KeyError, TypeError, ValueError) as exc:
            raise StateError(f"bad history record: {exc}") from None
        return cls(taken_at=taken_at, change=change, ratings=ratings)


def _ratings_from(raw: Any) -> dict[str, int | None]:
    if not isinstance(raw, dict):
        raise StateError("ratings must be an object")
    return {s: None if raw.get(s) is None else _check_rating(s, raw.get(s)) for s in SCALES}


@dataclass(frozen=True)
class RulerState:
    """What a learner has done with the rulers: the change, current ratings, history.

    Immutable: every change returns a new state, so a widget can compare and save.
    """

    change: str = ""
    ratings: dict[str, int | None] = field(default_factory=lambda: dict.fromkeys(SCALES))
    history: tuple[RulerRecord, ...] = ()

    def rename(self, raw: str | None) -> RulerState:
        return replace(self, change=clean_change_name(raw).text)

    def rate(self, scale: str, value: int | None) -> RulerState:
        ratings = dict(self.ratings)
        ratings[scale] = None if value is None else _check_rating(scale, value)
        return replace(self, ratings=ratings)

    @property
    def has_ratings(self) -> bool:
        return any(v is not None for v in self.ratings.values())

    def record(self, now: datetime | None = None) -> RulerState:
        """Add the current ratings to the history (oldest dropped past MAX_HISTORY)."""
        if not self.has_ratings:
            raise StateError("there are no ratings to record yet")
        when = (now or datetime.now(UTC)).isoformat(timespec="seconds")
        entry = RulerRecord(taken_at=when, change=self.change, ratings=dict(self.ratings))
        return replace(self, history=(self.history + (entry,))[-MAX_HISTORY:])

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "readiness_ruler",
            "change": self.change,
            "ratings": dict(self.ratings),
            "history": [r.to_dict() for r in self.history],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RulerState:
        if not isinstance(data, dict):
            raise StateError("saved ruler state must be an object")
        if data.get("schema_version") != SCHEMA_VERSION:
            raise StateError(
                f"saved ruler state has schema version {data.get('schema_version')!r}, "
                f"expected {SCHEMA_VERSION}"
            )
        history = data.get("history", [])
        if not isinstance(history, list):
            raise StateError("history must be a list")
        return cls(
            change=clean_change_name(str(data.get("change", ""))).text,
            ratings=_ratings_from(data.get("ratings", {})),
            history=tuple(RulerRecord.from_dict(r) for r in history[-MAX_HISTORY:]),
        )


def describe_history(history: tuple[RulerRecord, ...] | list[RulerRecord], last: int = 10) -> str:
    """A plain-language description of the history: the chart's alt text."""
    if not history:
        return "No ratings recorded yet."
    if last < 1:
        raise ValueError("last must be at least 1")
    shown = list(history)[-last:]
    parts = [
        f"Chart of your ruler ratings over {len(history)} recorded "
        f"{'time' if len(history) == 1 else 'times'}"
        + (f" (the last {len(shown)} are described)." if len(shown) < len(history) else ".")
    ]
    for scale in SCALES:
        values = ["–" if r.ratings.get(scale) is None else str(r.ratings[scale]) for r in shown]
        parts.append(f"{scale.capitalize()}: {', '.join(values)}.")
    return " ".join(parts)
