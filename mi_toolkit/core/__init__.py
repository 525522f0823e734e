"""Pure MI logic and learner state. Nothing in here imports ipywidgets or IPython."""

from __future__ import annotations

from mi_toolkit.core.coder import Coding, code_transcript, code_utterance
from mi_toolkit.core.content import ContentError, load_content
from mi_toolkit.core.miti import MitiSummary
from mi_toolkit.core.ruler import (
    SCALES,
    RulerPrompts,
    RulerRecord,
    RulerState,
    StateError,
    clean_change_name,
    describe_history,
    follow_ups,
    load_ruler_prompts,
    question_for,
)
from mi_toolkit.core.transcript import (
    Transcript,
    TranscriptError,
    Utterance,
    load_corpus,
    parse_transcripts,
    read_transcripts,
)

__all__ = [
    "SCALES",
    "Coding",
    "ContentError",
    "MitiSummary",
    "RulerPrompts",
    "RulerRecord",
    "RulerState",
    "StateError",
    "Transcript",
    "TranscriptError",
    "Utterance",
    "clean_change_name",
    "code_transcript",
    "code_utterance",
    "describe_history",
    "follow_ups",
    "load_content",
    "load_corpus",
    "load_ruler_prompts",
    "parse_transcripts",
    "question_for",
    "read_transcripts",
]
