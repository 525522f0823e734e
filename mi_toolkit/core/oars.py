"""OARS practice: write an open question, an affirmation, a reflection and a summary for
a short vignette, and label practitioner responses in a quick-classify round.

Each written response is coded (:func:`~mi_toolkit.core.coder.code_utterance`) and
the feedback says whether it reads as the kind asked for, and why: a closed question
where an open one was asked, praise that names no specific strength, a summary that
gathers only one thing the client said. The coder is automatic and imperfect, so
the judgements are suggestions.

Example::

    >>> content, reflection = load_oars_content(), load_reflection_content()
    >>> vignette = content.vignettes[0]
    >>> found = check_response("open", "Do you work nights?", vignette, content, reflection)
    >>> found.ok, found.reads_as
    (False, 'a closed question')
    >>> state = OarsState().record(vignette.id, found)
    >>> [a.kind for a in state.attempts]
    ['open']
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from mi_toolkit.core._oars_check import (
    ClassifyResult,
    OarsFeedback,
    check_classify,
    check_response,
    points_heard,
)
from mi_toolkit.core._oars_content import (
    CLASSES,
    OARS,
    ClassifyItem,
    OarsContent,
    Point,
    Vignette,
    load_oars_content,
)
from mi_toolkit.core._practice import (
    MAX_RESPONSE_CHARS,
    StateError,
    read_list,
    state_header,
    text_field,
)
from mi_toolkit.core._reflection_content import load_reflection_content

__all__ = [
    "CLASSES",
    "OARS",
    "ClassifyAnswer",
    "ClassifyItem",
    "ClassifyResult",
    "OarsAttempt",
    "OarsContent",
    "OarsFeedback",
    "OarsState",
    "Point",
    "StateError",
    "Vignette",
    "check_classify",
    "check_response",
    "load_oars_content",
    "load_reflection_content",
    "points_heard",
]

SCHEMA_VERSION = 1
KIND = "oars_practice"
MAX_ATTEMPTS = 1000


@dataclass(frozen=True)
class OarsAttempt:
    """One checked response: the kind asked for, the text, and how it read."""

    vignette_id: str
    kind: str
    text: str
    ok: bool
    reads_as: str
    checked_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "vignette_id": self.vignette_id,
            "kind": self.kind,
            "text": self.text,
            "ok": self.ok,
            "reads_as": self.reads_as,
            "checked_at": self.checked_at,
        }

    @classmethod
    def from_dict(cls, data: Any) -> OarsAttempt:
        if not isinstance(data, dict):
            raise StateError("an attempt must be an object")
        if data.get("kind") not in OARS:
            raise StateError(f"unknown response kind {data.get('kind')!r}")
        if not isinstance(data.get("ok", False), bool):
            raise StateError("ok must be true or false")
        checked_at = text_field(data, "checked_at")
        if checked_at:
            datetime.fromisoformat(checked_at)
        return cls(
            vignette_id=text_field(data, "vignette_id", limit=200),
            kind=data["kind"],
            text=text_field(data, "text", limit=MAX_RESPONSE_CHARS),
            ok=data.get("ok", False),
            reads_as=text_field(data, "reads_as", limit=200),
            checked_at=checked_at,
        )


@dataclass(frozen=True)
class ClassifyAnswer:
    item_id: str
    chosen: str
    expected: str

    def to_dict(self) -> dict[str, Any]:
        return {"item_id": self.item_id, "chosen": self.chosen, "expected": self.expected}

    @classmethod
    def from_dict(cls, data: Any) -> ClassifyAnswer:
        if not isinstance(data, dict):
            raise StateError("a classify answer must be an object")
        chosen, expected = data.get("chosen"), data.get("expected")
        if chosen not in CLASSES or expected not in CLASSES:
            raise StateError(f"unknown label {chosen!r} / {expected!r}")
        return cls(text_field(data, "item_id", limit=200), chosen, expected)


@dataclass(frozen=True)
class OarsState:
    """The vignette on show, every checked response, revealed examples, and the
    quick-classify position and answers (the first answer per item counts)."""

    vignette_id: str = ""
    attempts: tuple[OarsAttempt, ...] = ()
    revealed: tuple[str, ...] = ()
    classify_position: int = 0
    classify_answers: tuple[ClassifyAnswer, ...] = ()

    def show(self, vignette_id: str) -> OarsState:
        return replace(self, vignette_id=vignette_id)

    def record(
        self, vignette_id: str, feedback: OarsFeedback, now: datetime | None = None
    ) -> OarsState:
        if not feedback.checked:
            raise StateError("only a checked response is kept as an attempt")
        attempt = OarsAttempt(
            vignette_id=vignette_id,
            kind=feedback.kind,
            text=feedback.text,
            ok=feedback.ok,
            reads_as=feedback.reads_as,
            checked_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        )
        return replace(self, attempts=(*self.attempts, attempt)[-MAX_ATTEMPTS:])

    def latest(self, vignette_id: str, kind: str) -> OarsAttempt | None:
        mine = [a for a in self.attempts if a.vignette_id == vignette_id and a.kind == kind]
        return mine[-1] if mine else None

    def reveal(self, vignette_id: str) -> OarsState:
        if vignette_id in self.revealed:
            return self
        return replace(self, revealed=(*self.revealed, vignette_id))

    def classify(self, answer: ClassifyAnswer) -> OarsState:
        if self.classify_answer_for(answer.item_id) is not None:
            return self
        return replace(self, classify_answers=(*self.classify_answers, answer)[-MAX_ATTEMPTS:])

    def classify_answer_for(self, item_id: str) -> ClassifyAnswer | None:
        return next((a for a in self.classify_answers if a.item_id == item_id), None)

    def move_classify_to(self, position: int) -> OarsState:
        return replace(self, classify_position=max(0, position))

    @property
    def classify_score(self) -> tuple[int, int]:
        """``(right, answered)`` in the quick-classify round."""
        answers = self.classify_answers
        return sum(a.chosen == a.expected for a in answers), len(answers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": KIND,
            "vignette_id": self.vignette_id,
            "attempts": [a.to_dict() for a in self.attempts],
            "revealed": list(self.revealed),
            "classify_position": self.classify_position,
            "classify_answers": [a.to_dict() for a in self.classify_answers],
        }

    @classmethod
    def from_dict(cls, data: Any) -> OarsState:
        data = state_header(data, kind=KIND, version=SCHEMA_VERSION, what="OARS practice")
        position = data.get("classify_position", 0)
        if isinstance(position, bool) or not isinstance(position, int) or position < 0:
            raise StateError(f"classify_position must be a whole number from 0, got {position!r}")
        revealed = read_list(data, "revealed", _an_id, MAX_ATTEMPTS)
        answers = read_list(data, "classify_answers", ClassifyAnswer.from_dict, MAX_ATTEMPTS)
        first: dict[str, ClassifyAnswer] = {}
        for a in answers:
            first.setdefault(a.item_id, a)
        return cls(
            vignette_id=text_field(data, "vignette_id", limit=200),
            attempts=read_list(data, "attempts", OarsAttempt.from_dict, MAX_ATTEMPTS),
            revealed=tuple(dict.fromkeys(revealed)),
            classify_position=position,
            classify_answers=tuple(first.values()),
        )


def _an_id(value: Any) -> str:
    if not isinstance(value, str):
        raise StateError("revealed must list vignette ids (text)")
    return value[:200]
