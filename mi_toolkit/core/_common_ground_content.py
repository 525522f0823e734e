"""Reading and validating ``common_ground_cases.json``. Internal."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mi_toolkit.core._practice import Reader
from mi_toolkit.core.content import read_content

__all__ = ["MAX_PARTIES", "Case", "CommonGroundContent", "Objective", "Party", "load_cases"]

SCHEMA_VERSION = 1
MAX_PARTIES = 5
_FILE = "common_ground_cases.json"
FEEDBACK_KEYS = (
    "reflection_blank",
    "reflection_too_long",
    "reflection_no_words",
    "reflection_complex",
    "reflection_simple",
    "reflection_question",
    "reflection_other",
    "names_position",
    "misses_position",
    "coder_note",
    "shared_none",
    "shared_right",
    "shared_missed",
    "shared_extra",
    "vision_blank",
    "vision_good",
    "vision_none",
    "vision_you_should",
)
_PLACEHOLDERS = {"name", "reason", "code", "words", "items", "count", "limit", "word"}


@dataclass(frozen=True)
class Party:
    """One side: who they are, what they said, what worries them."""

    id: str
    name: str
    says: str
    concerns: tuple[str, ...]


@dataclass(frozen=True)
class Objective:
    """Something a party wants; ``held_by`` lists the party ids that want it."""

    id: str
    text: str
    held_by: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    """Two to five parties with conflicting goals, and the objectives they hold."""

    id: str
    title: str
    setting: str
    parties: tuple[Party, ...]
    objectives: tuple[Objective, ...]
    vision_example: str = ""

    def goals_of(self, party_id: str) -> tuple[Objective, ...]:
        return tuple(o for o in self.objectives if party_id in o.held_by)

    @property
    def shared(self) -> tuple[Objective, ...]:
        """Objectives every party holds."""
        ids = {p.id for p in self.parties}
        return tuple(o for o in self.objectives if ids <= set(o.held_by))


@dataclass(frozen=True)
class CommonGroundContent:
    cases: tuple[Case, ...]
    feedback: dict[str, str]

    def case(self, case_id: str) -> Case | None:
        return next((c for c in self.cases if c.id == case_id), None)


def load_cases(path: str | Path | None = None) -> CommonGroundContent:
    """Load and validate the common-ground cases (packaged, or the file at ``path``)."""
    data, name = read_content(_FILE, path)
    r = Reader(name, SCHEMA_VERSION)
    r.check_version(data)
    cases = tuple(_case(r, e, f"cases[{i}]") for i, e in enumerate(_cases(r, data)))
    feedback = r.templates(data, "feedback", FEEDBACK_KEYS, _PLACEHOLDERS)
    return CommonGroundContent(cases, feedback)


def _cases(r: Reader, data: dict[str, Any]) -> list[dict[str, Any]]:
    return r.unique_ids(r.items(data, "cases"), "cases")


def _case(r: Reader, e: dict[str, Any], path: str) -> Case:
    raw_parties = r.items(e, "parties", path, minimum=2)
    if len(raw_parties) > MAX_PARTIES:
        raise r.error(f"{path}.parties", f"at most {MAX_PARTIES} parties")
    parties = []
    for i, p in enumerate(r.unique_ids(raw_parties, f"{path}.parties")):
        where = f"{path}.parties[{i}]"
        parties.append(
            Party(
                p["id"],
                r.get(p, "name", str, where),
                r.get(p, "says", str, where),
                r.texts(p, "concerns", where),
            )
        )
    ids = {p.id for p in parties}
    objectives = []
    for i, o in enumerate(r.unique_ids(r.items(e, "objectives", path), f"{path}.objectives")):
        where = f"{path}.objectives[{i}]"
        held = r.texts(o, "held_by", where)
        for j, who in enumerate(held):
            if who not in ids:
                raise r.error(f"{where}.held_by[{j}]", f"unknown party {who!r}")
        objectives.append(Objective(o["id"], r.get(o, "text", str, where), held))
    case = Case(
        e["id"],
        r.get(e, "title", str, path),
        r.get(e, "setting", str, path),
        tuple(parties),
        tuple(objectives),
        r.get(e, "vision_example", str, path),
    )
    if not case.shared:
        raise r.error(f"{path}.objectives", "no objective is held by every party")
    for p in parties:
        if not case.goals_of(p.id):
            raise r.error(f"{path}.parties", f"party {p.id!r} holds no objective")
    return case
