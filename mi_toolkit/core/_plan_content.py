"""Reading and validating ``change_plan.json``. Internal."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mi_toolkit.core._practice import CueList, Reader
from mi_toolkit.core.content import read_content

__all__ = ["CaseClient", "PlanContent", "load_plan_content"]

SCHEMA_VERSION = 1
_FILE = "change_plan.json"
FEEDBACK_KEYS = (
    "goal_blank",
    "goal_should",
    "goal_ok",
    "value_none",
    "value_ok",
    "steps_none",
    "step_vague",
    "step_concrete",
    "step_unrated",
    "step_low",
    "step_confident",
    "too_many_steps",
    "successes_blank",
    "successes_ok",
    "slips_blank",
    "slips_ok",
)
_PLACEHOLDERS = {"word", "value", "number", "step", "count"}


@dataclass(frozen=True)
class CaseClient:
    """A case client to plan with: who they are, and some things they said."""

    id: str
    name: str
    situation: str
    says: tuple[str, ...]


@dataclass(frozen=True)
class PlanContent:
    values: tuple[str, ...]
    cases: tuple[CaseClient, ...]
    concrete_cues: CueList
    should_cues: CueList
    feedback: dict[str, str]

    def case(self, case_id: str) -> CaseClient | None:
        return next((c for c in self.cases if c.id == case_id), None)


def load_plan_content(path: str | Path | None = None) -> PlanContent:
    """Load and validate the change-plan content (packaged, or the file at ``path``)."""
    data, name = read_content(_FILE, path)
    r = Reader(name, SCHEMA_VERSION)
    r.check_version(data)
    values = r.texts(data, "values")
    if len(set(values)) != len(values):
        dup = next(v for v in values if values.count(v) > 1)
        raise r.error(f"values[{values.index(dup, values.index(dup) + 1)}]", "duplicate value")
    cases = tuple(
        CaseClient(
            e["id"],
            r.get(e, "name", str, f"cases[{i}]"),
            r.get(e, "situation", str, f"cases[{i}]"),
            r.texts(e, "says", f"cases[{i}]"),
        )
        for i, e in enumerate(r.unique_ids(r.items(data, "cases"), "cases"))
    )
    if any(c.id == "self" for c in cases):
        i = next(i for i, c in enumerate(cases) if c.id == "self")
        raise r.error(f"cases[{i}].id", "'self' is kept for self-practice")
    return PlanContent(
        values,
        cases,
        r.cues(data, "concrete_cues"),
        r.cues(data, "should_cues"),
        r.templates(data, "feedback", FEEDBACK_KEYS, _PLACEHOLDERS),
    )
