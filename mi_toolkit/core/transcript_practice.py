"""What a learner did with the transcript coder: the text they coded and its summaries.

Example::

    >>> state = TranscriptCoderState().with_text("T: Hi.\\nC: Hello.", source="pasted")
    >>> TranscriptCoderState.from_dict(state.to_dict()) == state
    True
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from mi_toolkit.core.ruler import StateError

__all__ = ["MAX_TRANSCRIPT_CHARS", "TranscriptCoderState"]

SCHEMA_VERSION = 1
KIND = "transcript_coder"
MAX_TRANSCRIPT_CHARS = 500_000


@dataclass(frozen=True)
class TranscriptCoderState:
    """The transcript text (as pasted or uploaded), where it came from, and its summaries.

    ``summaries`` are :meth:`MitiSummary.to_dict` results, one per transcript, so
    the instructor's overview can read them without coding the text again.
    """

    text: str = ""
    source: str = ""
    summaries: tuple[dict[str, Any], ...] = ()

    def with_text(self, text: str, *, source: str) -> TranscriptCoderState:
        if len(text) > MAX_TRANSCRIPT_CHARS:
            raise StateError(
                f"the transcript is {len(text):,} characters long; the limit is "
                f"{MAX_TRANSCRIPT_CHARS:,}"
            )
        return replace(self, text=text, source=source, summaries=())

    def with_summaries(self, summaries: list[dict[str, Any]]) -> TranscriptCoderState:
        return replace(self, summaries=tuple(summaries))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": KIND,
            "text": self.text,
            "source": self.source,
            "summaries": list(self.summaries),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TranscriptCoderState:
        if not isinstance(data, dict):
            raise StateError("saved transcript-coder state must be an object")
        if data.get("schema_version") != SCHEMA_VERSION:
            raise StateError(
                f"saved transcript-coder state has schema version "
                f"{data.get('schema_version')!r}, expected {SCHEMA_VERSION}"
            )
        text, source, summaries = (
            data.get("text", ""),
            data.get("source", ""),
            data.get("summaries", []),
        )
        if not isinstance(text, str) or not isinstance(source, str):
            raise StateError("text and source must be text")
        if not isinstance(summaries, list) or not all(isinstance(s, dict) for s in summaries):
            raise StateError("summaries must be a list of objects")
        if len(text) > MAX_TRANSCRIPT_CHARS:
            raise StateError("saved transcript is over the size limit")
        return cls(text=text, source=source, summaries=tuple(summaries))
