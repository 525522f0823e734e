"""Pure MI logic and learner state. Nothing in here imports ipywidgets or IPython.

Names are imported from their modules on first use (PEP 562), so importing one
core module does not load the coder, the MITI summary and the rest.
"""

from __future__ import annotations

from mi_toolkit._lazy import lazy_exports

_WHERE = {
    "Coding": "mi_toolkit.core.coder",
    "ContentError": "mi_toolkit.core.content",
    "MitiSummary": "mi_toolkit.core.miti",
    "RulerPrompts": "mi_toolkit.core.ruler",
    "RulerRecord": "mi_toolkit.core.ruler",
    "RulerState": "mi_toolkit.core.ruler",
    "SCALES": "mi_toolkit.core.ruler",
    "StateError": "mi_toolkit.core.ruler",
    "Transcript": "mi_toolkit.core.transcript",
    "TranscriptError": "mi_toolkit.core.transcript",
    "Utterance": "mi_toolkit.core.transcript",
    "clean_change_name": "mi_toolkit.core.ruler",
    "code_transcript": "mi_toolkit.core.coder",
    "code_utterance": "mi_toolkit.core.coder",
    "describe_history": "mi_toolkit.core.ruler",
    "follow_ups": "mi_toolkit.core.ruler",
    "load_content": "mi_toolkit.core.content",
    "load_corpus": "mi_toolkit.core.transcript",
    "load_ruler_prompts": "mi_toolkit.core.ruler",
    "parse_transcripts": "mi_toolkit.core.transcript",
    "question_for": "mi_toolkit.core.ruler",
    "read_transcripts": "mi_toolkit.core.transcript",
}
__all__ = sorted(_WHERE)


__getattr__, __dir__ = lazy_exports(__name__, _WHERE, globals())
