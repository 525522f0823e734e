"""Views: stock ipywidgets composed into MI practice widgets, bound to core models.

Widgets are imported on first use (PEP 562), so a lesson that shows a ruler does
not pay for the transcript coder's or the overview's imports.
"""

from __future__ import annotations

from mi_toolkit._lazy import lazy_exports

_WHERE = {
    "ChangePlan": "mi_toolkit.widgets.change_plan",
    "ChangeTalkSorter": "mi_toolkit.widgets.sorter",
    "ClassOverview": "mi_toolkit.widgets.overview",
    "CommonGround": "mi_toolkit.widgets.common_ground",
    "CourseMap": "mi_toolkit.widgets.course",
    "DecisionalBalance": "mi_toolkit.widgets.balance",
    "DiscrepancyWorksheet": "mi_toolkit.widgets.discrepancy",
    "LessonBar": "mi_toolkit.widgets.lesson",
    "OarsPractice": "mi_toolkit.widgets.oars",
    "PracticeConversation": "mi_toolkit.widgets.conversation",
    "Quiz": "mi_toolkit.widgets.quiz",
    "ReadinessRuler": "mi_toolkit.widgets.ruler",
    "ReflectionBuilder": "mi_toolkit.widgets.reflection",
    "TranscriptCoder": "mi_toolkit.widgets.transcript_coder",
    "ValuesCardSort": "mi_toolkit.widgets.values",
}
__all__ = sorted(_WHERE)


__getattr__, __dir__ = lazy_exports(__name__, _WHERE, globals())
