"""OARS practice content: vignettes with a client turn, example responses, quick-classify
items, cues and feedback texts, read from ``oars_vignettes.json`` and validated.
Internal; use :mod:`mi_toolkit.core.oars`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mi_toolkit.core._practice import CueList, Reader
from mi_toolkit.core.content import read_content

__all__ = [
    "CLASSES",
    "OARS",
    "READS",
    "ClassifyItem",
    "OarsContent",
    "Point",
    "Vignette",
    "load_oars_content",
]

FILE = "oars_vignettes.json"
SCHEMA_VERSION = 1
OARS = ("open", "affirm", "reflect", "summary")
CLASSES = (*OARS, "other")
READS = ("open", "closed", "affirm", "praise", "reflection", "summary", "righting", "other")
CUE_KEYS = ("praise", "approval", "strength", "summary_lead", "invitation", "closed_check", "why")
FEEDBACK_KEYS = (
    "blank",
    "all_blank",
    "too_long",
    "no_words",
    "not_english",
    "asked_for",
    "open_ok",
    "open_closed",
    "open_not_question",
    "open_stacked",
    "open_why",
    "affirm_ok",
    "affirm_praise",
    "affirm_praise_plus",
    "affirm_approval",
    "affirm_question",
    "affirm_reflection",
    "affirm_other",
    "reflect_ok",
    "reflect_miss",
    "summary_ok",
    "summary_one",
    "summary_none",
    "summary_question",
    "summary_invite",
    "summary_no_invite",
    "summary_closed_check",
    "classify_choose",
    "classify_right",
    "classify_wrong",
    "classify_score",
    "classify_done",
    "caveat",
)
PLACEHOLDERS = {"cue", "reason", "chars", "limit", "label", "reads_as", "n", "points", "chosen",
                "expected", "right", "total"}  # fmt: skip


@dataclass(frozen=True)
class Point:
    """Something the client said earlier; ``keywords`` (word starts) show it was picked up."""

    said: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Vignette:
    id: str
    title: str
    setting: str
    points: tuple[Point, ...]
    client: str
    examples: dict[str, str]


@dataclass(frozen=True)
class ClassifyItem:
    """A practitioner response to label as open question, affirmation, reflection,
    summary or something else."""

    id: str
    client: str
    response: str
    answer: str
    why: str


@dataclass(frozen=True)
class KindText:
    label: str
    prompt: str
    about: str


@dataclass(frozen=True)
class OarsContent:
    kinds: dict[str, KindText]
    other_label: str
    reads_as: dict[str, str]
    cues: dict[str, CueList]
    feedback: dict[str, str]
    vignettes: tuple[Vignette, ...]
    classify: tuple[ClassifyItem, ...]

    def vignette(self, vignette_id: str) -> Vignette | None:
        return next((v for v in self.vignettes if v.id == vignette_id), None)

    def class_label(self, name: str) -> str:
        return self.other_label if name == "other" else self.kinds[name].label


def load_oars_content(path: str | Path | None = None) -> OarsContent:
    """Load and validate ``oars_vignettes.json`` (packaged, or the file at ``path``)."""
    return _parse(*read_content(FILE, path))


def _parse(data: dict[str, Any], file: str) -> OarsContent:
    r = Reader(file, SCHEMA_VERSION)
    r.check_version(data)
    kinds_data = r.obj(r.get(data, "kinds", dict), "kinds")
    kinds = {}
    for kind in OARS:
        if kind not in kinds_data:
            raise r.error(f"kinds.{kind}", "missing")
        entry = r.obj(kinds_data[kind], f"kinds.{kind}")
        kinds[kind] = KindText(
            *(r.get(entry, k, str, f"kinds.{kind}") for k in ("label", "prompt", "about"))
        )
    unknown = sorted(set(kinds_data) - set(OARS))
    if unknown:
        raise r.error(f"kinds.{unknown[0]}", "unknown kind")
    other_label = r.get(data, "other_label", str)
    reads_data = r.obj(r.get(data, "reads_as", dict), "reads_as")
    reads_as = {key: r.get(reads_data, key, str, "reads_as") for key in READS}
    unknown = sorted(set(reads_data) - set(READS))
    if unknown:
        raise r.error(f"reads_as.{unknown[0]}", "unknown reading")
    cues_data = r.obj(r.get(data, "cues", dict), "cues")
    cues = {key: r.cues(cues_data, key, "cues") for key in CUE_KEYS}
    unknown = sorted(set(cues_data) - set(CUE_KEYS))
    if unknown:
        raise r.error(f"cues.{unknown[0]}", "unknown cue list")
    feedback = r.templates(data, "feedback", FEEDBACK_KEYS, PLACEHOLDERS)
    vignettes = tuple(
        _vignette(r, entry, i)
        for i, entry in enumerate(r.unique_ids(r.items(data, "vignettes"), "vignettes"))
    )
    items = []
    for i, entry in enumerate(r.unique_ids(r.items(data, "classify"), "classify")):
        path = f"classify[{i}]"
        answer = r.choice(entry, "answer", CLASSES, path)
        texts = {k: r.get(entry, k, str, path) for k in ("client", "response", "why")}
        items.append(ClassifyItem(id=entry["id"], answer=answer, **texts))
    return OarsContent(kinds, other_label, reads_as, cues, feedback, vignettes, tuple(items))


def _vignette(r: Reader, entry: dict[str, Any], i: int) -> Vignette:
    path = f"vignettes[{i}]"
    points = []
    for j, raw in enumerate(r.items(entry, "points", path, minimum=2)):
        point = r.obj(raw, f"{path}.points[{j}]")
        said = r.get(point, "said", str, f"{path}.points[{j}]")
        keywords = r.texts(point, "keywords", f"{path}.points[{j}]")
        points.append(Point(said, tuple(k.lower() for k in keywords)))
    examples_data = r.obj(r.get(entry, "examples", dict, path), f"{path}.examples")
    examples = {k: r.get(examples_data, k, str, f"{path}.examples") for k in OARS}
    unknown = sorted(set(examples_data) - set(OARS))
    if unknown:
        raise r.error(f"{path}.examples.{unknown[0]}", "unknown kind")
    return Vignette(
        id=entry["id"],
        title=r.get(entry, "title", str, path),
        setting=r.get(entry, "setting", str, path),
        points=tuple(points),
        client=r.get(entry, "client", str, path),
        examples=examples,
    )
