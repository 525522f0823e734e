"""Reflection practice content: levels, client statements, model reflections, cues and
feedback texts, read from ``reflection_statements.json`` and validated. Internal; use
:mod:`mi_toolkit.core.reflection`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mi_toolkit.core._practice import CueList, Reader
from mi_toolkit.core.content import read_content

__all__ = [
    "CUE_KEYS",
    "FEEDBACK_KEYS",
    "KINDS",
    "ClientStatement",
    "Level",
    "ModelReflection",
    "ReflectionContent",
    "load_reflection_content",
]

FILE = "reflection_statements.json"
SCHEMA_VERSION = 1
# The kinds of reflection the checks name; the first is the only one that adds nothing.
KINDS = ("simple", "feeling", "amplified", "double_sided", "reframe", "continuing", "metaphor")
LEVELS = ("simple", "feeling", "complex", "double_sided")
CUE_KEYS = (
    "feeling",
    "amplified",
    "double_sided",
    "reframe",
    "continuing",
    "metaphor",
    "but_pivot",
    "advice",
    "reassurance",
    "question_opener",
    "change_side",
    "sustain_side",
)
FEEDBACK_KEYS = (
    "blank",
    "too_long",
    "no_words",
    "not_english",
    "question",
    "question_fixable",
    "request_more",
    "not_reflection",
    "acknowledgement",
    "righting_advice",
    "righting_persuasion",
    "righting_information",
    "righting_confront",
    "righting_reassurance",
    "righting_why",
    "righting_with_reflection",
    "simple",
    "complex",
    "simple_borderline",
    "also_affirms",
    "ends_change",
    "ends_sustain",
    "ends_unclear",
    "but_pivot",
    "caveat",
    "tone_good",
    "tone_suggest",
    "form_simple",
    "form_complex",
    "form_question",
    "form_righting",
    "form_other",
)
PLACEHOLDERS = {"cue", "reason", "chars", "limit", "level"}


@dataclass(frozen=True)
class Level:
    """A practice level: its task, and what feedback says when it is met or missed."""

    id: str
    label: str
    task: str
    met: str
    miss: str


@dataclass(frozen=True)
class ModelReflection:
    kind: str
    text: str


@dataclass(frozen=True)
class ClientStatement:
    """A client statement to reflect, with model reflections of different kinds.

    ``change_words`` and ``sustain_words`` (word starts, lower case) say which words
    belong to each side of the person's ambivalence: they tell which side a
    double-sided reflection ends on.
    """

    id: str
    topic: str
    level: str
    text: str
    models: tuple[ModelReflection, ...]
    change_words: tuple[str, ...] = ()
    sustain_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class KindText:
    label: str
    about: str
    found: str


@dataclass(frozen=True)
class ReflectionContent:
    """Everything the reflection practice needs from content."""

    levels: tuple[Level, ...]
    kinds: dict[str, KindText]
    cues: dict[str, CueList]
    feedback: dict[str, str]
    statements: tuple[ClientStatement, ...]

    def level(self, level_id: str) -> Level:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(f"no level {level_id!r} in the reflection content")

    def statements_for(self, level_id: str) -> tuple[ClientStatement, ...]:
        return tuple(s for s in self.statements if s.level == level_id)

    def statement(self, statement_id: str) -> ClientStatement | None:
        return next((s for s in self.statements if s.id == statement_id), None)


def load_reflection_content(path: str | Path | None = None) -> ReflectionContent:
    """Load and validate ``reflection_statements.json`` (packaged, or the file at ``path``)."""
    return _parse(*read_content(FILE, path))


def _parse(data: dict[str, Any], file: str) -> ReflectionContent:
    r = Reader(file, SCHEMA_VERSION)
    r.check_version(data)
    levels = []
    raw_levels = r.items(data, "levels")
    for i, entry in enumerate(r.unique_ids(raw_levels, "levels")):
        path = f"levels[{i}]"
        if entry["id"] not in LEVELS:
            raise r.error(f"{path}.id", f"unknown level {entry['id']!r} (one of {LEVELS})")
        texts = {k: r.get(entry, k, str, path) for k in ("label", "task", "met", "miss")}
        levels.append(Level(id=entry["id"], **texts))
    missing = [lv for lv in LEVELS if lv not in {x.id for x in levels}]
    if missing:
        raise r.error("levels", f"level {missing[0]!r} is missing")

    kinds_data = r.obj(r.get(data, "kinds", dict), "kinds")
    kinds = {}
    for kind in KINDS:
        if kind not in kinds_data:
            raise r.error(f"kinds.{kind}", "missing")
        entry = r.obj(kinds_data[kind], f"kinds.{kind}")
        kinds[kind] = KindText(
            *(r.get(entry, k, str, f"kinds.{kind}") for k in ("label", "about", "found"))
        )
    unknown = sorted(set(kinds_data) - set(KINDS))
    if unknown:
        raise r.error(f"kinds.{unknown[0]}", "unknown kind")

    cues_data = r.obj(r.get(data, "cues", dict), "cues")
    cues = {key: r.cues(cues_data, key, "cues") for key in CUE_KEYS}
    unknown = sorted(set(cues_data) - set(CUE_KEYS))
    if unknown:
        raise r.error(f"cues.{unknown[0]}", "unknown cue list")

    feedback = r.templates(data, "feedback", FEEDBACK_KEYS, PLACEHOLDERS)
    statements = tuple(
        _statement(r, entry, i)
        for i, entry in enumerate(r.unique_ids(r.items(data, "statements"), "statements"))
    )
    for i, level in enumerate(levels):
        if not any(s.level == level.id for s in statements):
            raise r.error(f"levels[{i}]", f"no statement has level {level.id!r}")
    return ReflectionContent(tuple(levels), kinds, cues, feedback, statements)


def _statement(r: Reader, entry: dict[str, Any], i: int) -> ClientStatement:
    path = f"statements[{i}]"
    level = r.choice(entry, "level", LEVELS, path)
    models = []
    for j, raw in enumerate(r.items(entry, "models", path, minimum=2)):
        model = r.obj(raw, f"{path}.models[{j}]")
        kind = r.choice(model, "kind", KINDS, f"{path}.models[{j}]")
        models.append(ModelReflection(kind, r.get(model, "text", str, f"{path}.models[{j}]")))
    if len({m.kind for m in models}) < 2:
        raise r.error(f"{path}.models", "needs model reflections of at least two kinds")
    sides: dict[str, tuple[str, ...]] = {"change": (), "sustain": ()}
    if "sides" in entry or level == "double_sided":
        raw_sides = r.obj(r.get(entry, "sides", dict, path), f"{path}.sides")
        for side in sides:
            words = r.texts(raw_sides, side, f"{path}.sides")
            sides[side] = tuple(w.lower() for w in words)
    return ClientStatement(
        id=entry["id"],
        topic=r.get(entry, "topic", str, path),
        level=level,
        text=r.get(entry, "text", str, path),
        models=tuple(models),
        change_words=sides["change"],
        sustain_words=sides["sustain"],
    )
