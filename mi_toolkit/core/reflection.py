"""Reflective listening practice: client statements to reflect, checks on the learner's
reflection, and the learner's attempts as saved state.

A reflection is a statement that says back what the practitioner heard. The checks
say whether a response reads as a statement or a question, whether it adds meaning
(simple or complex, and which kind: feeling, amplified, double-sided, reframe,
continuing the paragraph, metaphor), whether it slips into the righting reflex, and
which side a double-sided reflection ends on. The MI coder is automatic and
imperfect, so every judgement is worded as a suggestion with its reason.

Example::

    >>> content = load_reflection_content()
    >>> statement = content.statements_for("simple")[0]
    >>> feedback = check_reflection("So you want to sleep better?", statement, "simple", content)
    >>> feedback.form
    'question'
    >>> state = ReflectionState().record(statement.id, "simple", feedback)
    >>> len(state.attempts_for(statement.id))
    1
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from mi_toolkit.core._practice import (
    MAX_RESPONSE_CHARS,
    CheckedText,
    StateError,
    clean_response,
    read_list,
    state_header,
    text_field,
)
from mi_toolkit.core._reflection_check import (
    Note,
    ReflectionFeedback,
    check_reflection,
    read_reflection,
    unchecked,
)
from mi_toolkit.core._reflection_content import (
    KINDS,
    LEVELS,
    ClientStatement,
    Level,
    ModelReflection,
    ReflectionContent,
    load_reflection_content,
)

__all__ = [
    "KINDS",
    "LEVELS",
    "MAX_ATTEMPTS",
    "MAX_RESPONSE_CHARS",
    "CheckedText",
    "ClientStatement",
    "Level",
    "ModelReflection",
    "Note",
    "ReflectionAttempt",
    "ReflectionContent",
    "ReflectionFeedback",
    "ReflectionState",
    "StateError",
    "check_reflection",
    "clean_response",
    "load_reflection_content",
    "read_reflection",
    "unchecked",
]

SCHEMA_VERSION = 1
KIND = "reflection_builder"
MAX_ATTEMPTS = 500


@dataclass(frozen=True)
class ReflectionAttempt:
    """One checked reflection: what was written and what the checks made of it."""

    statement_id: str
    level: str
    text: str
    label: str
    met_task: bool
    checked_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement_id": self.statement_id,
            "level": self.level,
            "text": self.text,
            "label": self.label,
            "met_task": self.met_task,
            "checked_at": self.checked_at,
        }

    @classmethod
    def from_dict(cls, data: Any) -> ReflectionAttempt:
        if not isinstance(data, dict):
            raise StateError("an attempt must be an object")
        level = data.get("level")
        if level not in LEVELS:
            raise StateError(f"unknown level {level!r} in an attempt")
        met = data.get("met_task", False)
        if not isinstance(met, bool):
            raise StateError("met_task must be true or false")
        checked_at = text_field(data, "checked_at")
        if checked_at:
            datetime.fromisoformat(checked_at)
        return cls(
            statement_id=text_field(data, "statement_id", limit=200),
            level=level,
            text=text_field(data, "text", limit=MAX_RESPONSE_CHARS),
            label=text_field(data, "label", limit=200),
            met_task=met,
            checked_at=checked_at,
        )


@dataclass(frozen=True)
class ReflectionState:
    """The learner's place (level, statement), attempts, and which models they revealed.

    Immutable: each change returns a new state. ``statement_id`` is ``""`` until a
    statement is chosen (the widget then shows the level's first one).
    """

    level: str = "simple"
    statement_id: str = ""
    attempts: tuple[ReflectionAttempt, ...] = ()
    revealed: tuple[str, ...] = ()

    def choose_level(self, level: str) -> ReflectionState:
        if level not in LEVELS:
            raise StateError(f"unknown level {level!r}")
        return replace(self, level=level, statement_id="")

    def show(self, statement_id: str) -> ReflectionState:
        return replace(self, statement_id=statement_id)

    def record(
        self,
        statement_id: str,
        level: str,
        feedback: ReflectionFeedback,
        now: datetime | None = None,
    ) -> ReflectionState:
        """Keep a checked attempt (oldest dropped past MAX_ATTEMPTS)."""
        if not feedback.checked:
            raise StateError("only a checked reflection is kept as an attempt")
        attempt = ReflectionAttempt(
            statement_id=statement_id,
            level=level,
            text=feedback.text,
            label=feedback.label,
            met_task=feedback.met_task,
            checked_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        )
        return replace(self, attempts=(*self.attempts, attempt)[-MAX_ATTEMPTS:])

    def reveal(self, statement_id: str) -> ReflectionState:
        if statement_id in self.revealed:
            return self
        return replace(self, revealed=(*self.revealed, statement_id))

    def attempts_for(self, statement_id: str) -> tuple[ReflectionAttempt, ...]:
        return tuple(a for a in self.attempts if a.statement_id == statement_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": KIND,
            "level": self.level,
            "statement_id": self.statement_id,
            "attempts": [a.to_dict() for a in self.attempts],
            "revealed": list(self.revealed),
        }

    @classmethod
    def from_dict(cls, data: Any) -> ReflectionState:
        data = state_header(data, kind=KIND, version=SCHEMA_VERSION, what="reflection practice")
        level = data.get("level", "simple")
        if level not in LEVELS:
            raise StateError(f"unknown level {level!r}")
        revealed = read_list(data, "revealed", _revealed_id, MAX_ATTEMPTS)
        return cls(
            level=level,
            statement_id=text_field(data, "statement_id", limit=200),
            attempts=read_list(data, "attempts", ReflectionAttempt.from_dict, MAX_ATTEMPTS),
            revealed=tuple(dict.fromkeys(revealed)),
        )


def _revealed_id(value: Any) -> str:
    if not isinstance(value, str):
        raise StateError("revealed must list statement ids (text)")
    return value[:200]
