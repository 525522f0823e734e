"""Pure MI logic and learner state. Nothing in here imports ipywidgets or IPython."""

from __future__ import annotations

from mi_toolkit.core.content import ContentError, load_content
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

__all__ = [
    "SCALES",
    "ContentError",
    "RulerPrompts",
    "RulerRecord",
    "RulerState",
    "StateError",
    "clean_change_name",
    "describe_history",
    "follow_ups",
    "load_content",
    "load_ruler_prompts",
    "question_for",
]
