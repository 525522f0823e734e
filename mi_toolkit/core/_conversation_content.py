"""Practice-conversation content: the virtual clients and the shared hints. Internal.

Each scenario is one JSON file in ``mi_toolkit/content/scenarios/``; ``_common.json``
there holds what all scenarios share (hints by the client's state, what each kind of
move tends to do). Every file is validated on load; an error names the file and key.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from mi_toolkit.core._practice import Reader
from mi_toolkit.core.content import ContentError, load_content, read_json_file

__all__ = [
    "BANDS",
    "BUCKET_TALK",
    "FAMILIES",
    "STATE_KEYS",
    "CommonText",
    "Reply",
    "Scenario",
    "load_common",
    "load_scenario_file",
    "load_scenarios",
]

SCHEMA_VERSION = 1
FOLDER = "scenarios"
COMMON = "_common.json"
# The client's state, each a whole number; the ranges the engine keeps them in.
STATE_KEYS = {
    "engagement": (0, 10),
    "discord": (0, 10),
    "momentum": (-10, 10),
    "readiness": (0, 10),
}
BANDS = ("discord", "guarded", "ambivalent", "engaged", "mobilizing")
FAMILIES = (
    "reflection",
    "open_question",
    "closed_question",
    "affirm",
    "autonomy",
    "advice_with_permission",
    "information",
    "advice",
    "confront",
    "other",
)
# Reply buckets and the kind of client talk each one holds.
BUCKET_TALK = {
    "elaborate": "change",  # after a reflection or affirmation: more change talk
    "answer": "change",  # after an open question: change talk in answer
    "mobilizing": "change",  # commitment, activation, taking steps
    "neutral_answer": "neutral",  # a closed question or information: a short answer
    "considering": "neutral",  # advice given with permission: weighing it up
    "guarded": "neutral",  # low engagement: little offered
    "softening": "neutral",  # discord met with listening: the client calms down
    "sustain": "sustain",  # the status quo, or "yes, but" after advice
    "defensive": "sustain",  # discord: defending against pressure
}
MIN_REPLIES = 3


@dataclass(frozen=True)
class Reply:
    """One authored client line; ``speaker`` is empty for the scenario's client."""

    text: str
    speaker: str = ""


@dataclass(frozen=True)
class Scenario:
    """A virtual client: who they are, what pulls them each way, how they start, what
    they say. ``stakeholders`` is non-empty when several people are in the room."""

    id: str
    title: str
    client: str
    topic: str
    situation: str
    values: tuple[str, ...]
    for_change: str
    against_change: str
    stakeholders: tuple[tuple[str, str], ...]
    start: dict[str, int]
    opening: tuple[Reply, ...]
    hints: tuple[str, ...]
    replies: dict[str, tuple[Reply, ...]]


@dataclass(frozen=True)
class CommonText:
    """Hints by the client's state band, and what each kind of move tends to do."""

    hints: dict[str, tuple[str, ...]]
    moves: dict[str, tuple[str, str]]  # family -> (label, what it tends to do)
    state_labels: dict[str, tuple[str, str]]  # state key -> (label, what it means)


def _names() -> list[str]:
    folder = resources.files("mi_toolkit.content").joinpath(FOLDER)
    return sorted(
        e.name for e in folder.iterdir() if e.name.endswith(".json") and not e.name.startswith("_")
    )


def load_scenarios() -> dict[str, Scenario]:
    """Every packaged scenario, by id, in file-name order."""
    out: dict[str, Scenario] = {}
    for name in _names():
        rel = f"{FOLDER}/{name}"
        scenario = _parse_scenario(load_content(rel), rel)
        if scenario.id in out:
            raise ContentError(name, "id", f"duplicate scenario id {scenario.id!r}")
        out[scenario.id] = scenario
    if not out:
        raise ContentError(FOLDER, "", "no scenarios found")
    return out


def load_scenario_file(path: str | Path) -> Scenario:
    """Load and validate one scenario file (for authors, and the broken-file tests)."""
    name = Path(path).name
    return _parse_scenario(read_json_file(path, name=name), name)


def load_common() -> CommonText:
    rel = f"{FOLDER}/{COMMON}"
    return _parse_common(load_content(rel), rel)


def _parse_common(data: dict[str, Any], file: str) -> CommonText:
    r = Reader(file, SCHEMA_VERSION)
    r.check_version(data)
    hints_data = r.obj(r.get(data, "hints", dict), "hints")
    hints = {band: r.texts(hints_data, band, "hints") for band in BANDS}
    moves_data = r.obj(r.get(data, "moves", dict), "moves")
    moves = {}
    for family in FAMILIES:
        entry = r.obj(r.get(moves_data, family, dict, "moves"), f"moves.{family}")
        path = f"moves.{family}"
        moves[family] = (r.get(entry, "label", str, path), r.get(entry, "tends_to", str, path))
    labels_data = r.obj(r.get(data, "state_labels", dict), "state_labels")
    labels = {}
    for key in STATE_KEYS:
        entry = r.obj(r.get(labels_data, key, dict, "state_labels"), f"state_labels.{key}")
        path = f"state_labels.{key}"
        labels[key] = (r.get(entry, "label", str, path), r.get(entry, "means", str, path))
    return CommonText(hints=hints, moves=moves, state_labels=labels)


def _parse_scenario(data: dict[str, Any], file: str) -> Scenario:
    r = Reader(file, SCHEMA_VERSION)
    r.check_version(data)
    texts = {key: r.get(data, key, str) for key in ("id", "title", "client", "topic", "situation")}
    ambivalence = r.obj(r.get(data, "ambivalence", dict), "ambivalence")
    stakeholders = []
    for i, entry in enumerate(data.get("stakeholders", [])):
        entry = r.obj(entry, f"stakeholders[{i}]")
        path = f"stakeholders[{i}]"
        stakeholders.append((r.get(entry, "name", str, path), r.get(entry, "goal", str, path)))
    if "stakeholders" in data and len(stakeholders) < 2:
        raise r.error("stakeholders", "needs at least 2 people (or leave it out)")
    speakers = {name for name, _ in stakeholders}
    start_data = r.obj(r.get(data, "start", dict), "start")
    start = {}
    for key, (low, high) in STATE_KEYS.items():
        value = r.get(start_data, key, int, "start")
        if not low <= value <= high:
            raise r.error(f"start.{key}", f"must be from {low} to {high}, got {value}")
        start[key] = value
    unknown = sorted(set(start_data) - set(STATE_KEYS))
    if unknown:
        raise r.error(f"start.{unknown[0]}", "unknown state")
    replies_data = r.obj(r.get(data, "replies", dict), "replies")
    replies = {}
    for bucket in BUCKET_TALK:
        items = r.items(replies_data, bucket, "replies", minimum=MIN_REPLIES)
        replies[bucket] = tuple(
            _reply(r, item, f"replies.{bucket}[{i}]", speakers) for i, item in enumerate(items)
        )
    unknown = sorted(set(replies_data) - set(BUCKET_TALK))
    if unknown:
        raise r.error(f"replies.{unknown[0]}", "unknown reply bucket")
    opening = tuple(
        _reply(r, item, f"opening[{i}]", speakers)
        for i, item in enumerate(r.items(data, "opening"))
    )
    return Scenario(
        **texts,
        values=r.texts(data, "values"),
        for_change=r.get(ambivalence, "for_change", str, "ambivalence"),
        against_change=r.get(ambivalence, "against_change", str, "ambivalence"),
        stakeholders=tuple(stakeholders),
        start=start,
        opening=opening,
        hints=r.texts(data, "hints"),
        replies=replies,
    )


def _reply(r: Reader, item: Any, path: str, speakers: set[str]) -> Reply:
    if isinstance(item, str):
        if not item.strip():
            raise r.error(path, "expected non-empty text")
        if speakers:
            raise r.error(path, "with several stakeholders, say who speaks")
        return Reply(item)
    entry = r.obj(item, path)
    speaker = r.get(entry, "speaker", str, path)
    if speaker not in speakers:
        raise r.error(f"{path}.speaker", f"unknown speaker {speaker!r}")
    return Reply(r.get(entry, "text", str, path), speaker)
