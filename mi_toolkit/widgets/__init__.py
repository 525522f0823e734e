"""Views: stock ipywidgets composed into MI practice widgets, bound to core models."""

from __future__ import annotations

from mi_toolkit.widgets.lesson import LessonBar
from mi_toolkit.widgets.oars import OarsPractice
from mi_toolkit.widgets.overview import ClassOverview
from mi_toolkit.widgets.reflection import ReflectionBuilder
from mi_toolkit.widgets.ruler import ReadinessRuler
from mi_toolkit.widgets.sorter import ChangeTalkSorter
from mi_toolkit.widgets.transcript_coder import TranscriptCoder

__all__ = [
    "ChangeTalkSorter",
    "ClassOverview",
    "LessonBar",
    "OarsPractice",
    "ReadinessRuler",
    "ReflectionBuilder",
    "TranscriptCoder",
]
