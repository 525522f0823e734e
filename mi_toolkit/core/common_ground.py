"""Common ground between parties with conflicting goals: hear each side, reflect each
party's position, find the objectives everyone holds, and draft a shared vision.

A case (from ``common_ground_cases.json``) has two to five parties and the objectives
each holds; an objective every party holds is common ground. The learner can also
describe a situation of their own: each party's name and goals, one per line; a goal
written the same way for two parties is held by both.

Example::

    >>> content = load_cases()
    >>> case = content.cases[0]
    >>> [o.id for o in case.shared]
    ['pass_year', 'fewer_fights']
    >>> state = CommonGroundState(case_id=case.id).mark_shared(["pass_year"])
    >>> check_shared(content, case, state.marked)[0][0]
    'good'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from mi_toolkit.core._common_ground_content import (
    MAX_PARTIES,
    Case,
    CommonGroundContent,
    Objective,
    Party,
    load_cases,
)
from mi_toolkit.core._plan_text import keep_lines, keep_text
from mi_toolkit.core._practice import (
    MAX_RESPONSE_CHARS,
    StateError,
    clean_response,
    fill,
    matchable,
    state_header,
    text_field,
)

__all__ = [
    "MAX_PARTIES",
    "OWN",
    "Case",
    "CommonGroundContent",
    "CommonGroundState",
    "Note",
    "Objective",
    "OwnParty",
    "Party",
    "StateError",
    "case_for",
    "check_reflection",
    "check_shared",
    "check_vision",
    "describe_overlap",
    "load_cases",
]

SCHEMA_VERSION = 1
KIND = "common_ground"
OWN = "own"
MAX_GOALS = 8
Note = tuple[str, str]  # (tone: "good" | "suggest", text)
_SHOULD = re.compile(r"\b(should|must|have to|need to|ought to)\b")


@dataclass(frozen=True)
class OwnParty:
    """A party in the learner's own situation: a name and goals (one per line)."""

    name: str = ""
    goals: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "goals": list(self.goals)}

    @classmethod
    def from_dict(cls, data: Any) -> OwnParty:
        if not isinstance(data, dict):
            raise StateError("a party must be an object")
        goals = data.get("goals", [])
        if not isinstance(goals, list):
            raise StateError("a party's goals must be a list")
        return cls(
            keep_text(text_field(data, "name"), 80).text,
            keep_lines("\n".join(str(g) for g in goals), most=MAX_GOALS),
        )


@dataclass(frozen=True)
class CommonGroundState:
    """The learner's work, kept per situation. Immutable; every change returns a new one.

    ``case_id`` is the situation on show (a content case id or ``"own"``). Work on
    each situation is kept when another is chosen: ``reflections`` is keyed
    ``"case/party"``, ``shared`` (objective ids marked shared) and ``visions`` by case.
    """

    case_id: str = ""
    own_parties: tuple[OwnParty, ...] = ()
    reflections: dict[str, str] = field(default_factory=dict)
    shared: dict[str, tuple[str, ...]] = field(default_factory=dict)
    visions: dict[str, str] = field(default_factory=dict)

    def choose_case(self, case_id: str) -> CommonGroundState:
        return replace(self, case_id=str(case_id)[:100])

    def set_party(self, index: int, name: str, goals: str) -> CommonGroundState:
        if not 0 <= index < MAX_PARTIES:
            raise StateError(f"party index {index} out of range")
        parties = list(self.own_parties) + [OwnParty()] * (index + 1 - len(self.own_parties))
        parties[index] = OwnParty(keep_text(name, 80).text, keep_lines(goals, most=MAX_GOALS))
        while parties and parties[-1] == OwnParty():
            parties.pop()
        return replace(self, own_parties=tuple(parties))

    def reflection_for(self, party_id: str) -> str:
        return self.reflections.get(f"{self.case_id}/{party_id}", "")

    def reflect(self, party_id: str, text: str) -> CommonGroundState:
        reflections = dict(self.reflections)
        kept = keep_text(text, MAX_RESPONSE_CHARS).text
        key = f"{self.case_id}/{party_id}"
        if kept:
            reflections[key] = kept
        else:
            reflections.pop(key, None)
        return replace(self, reflections=reflections)

    @property
    def marked(self) -> tuple[str, ...]:
        """Objective ids marked shared in the situation on show."""
        return self.shared.get(self.case_id, ())

    def mark_shared(self, ids: list[str] | tuple[str, ...]) -> CommonGroundState:
        shared = dict(self.shared)
        shared[self.case_id] = tuple(dict.fromkeys(str(i)[:300] for i in ids))
        return replace(self, shared=shared)

    @property
    def vision(self) -> str:
        return self.visions.get(self.case_id, "")

    def write_vision(self, text: str) -> CommonGroundState:
        visions = dict(self.visions)
        visions[self.case_id] = keep_text(text).text
        return replace(self, visions=visions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": KIND,
            "case_id": self.case_id,
            "own_parties": [p.to_dict() for p in self.own_parties],
            "reflections": dict(self.reflections),
            "shared": {k: list(v) for k, v in self.shared.items()},
            "visions": dict(self.visions),
        }

    @classmethod
    def from_dict(cls, data: Any) -> CommonGroundState:
        data = state_header(data, kind=KIND, version=SCHEMA_VERSION, what="common ground work")
        parties = data.get("own_parties", [])
        if not isinstance(parties, list) or len(parties) > MAX_PARTIES:
            raise StateError(f"own_parties must be a list of at most {MAX_PARTIES}")
        reflections = _text_map(data, "reflections")
        shared = data.get("shared", {})
        if not isinstance(shared, dict) or not all(
            isinstance(v, list) and all(isinstance(i, str) for i in v) for v in shared.values()
        ):
            raise StateError("shared must map a case id to a list of objective ids")
        return cls(
            case_id=text_field(data, "case_id", limit=100),
            own_parties=tuple(OwnParty.from_dict(p) for p in parties),
            reflections={k: keep_text(v, MAX_RESPONSE_CHARS).text for k, v in reflections.items()},
            shared={
                str(k)[:100]: tuple(dict.fromkeys(i[:300] for i in v)) for k, v in shared.items()
            },
            visions={k: keep_text(v).text for k, v in _text_map(data, "visions").items()},
        )


def _text_map(data: dict[str, Any], key: str) -> dict[str, str]:
    value = data.get(key, {})
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise StateError(f"{key} must map ids to text")
    return {str(k)[:200]: v[:20_000] for k, v in value.items()}


def case_for(content: CommonGroundContent, state: CommonGroundState) -> Case:
    """The case the state is about: a content case, or the learner's own situation
    (party ids ``p1``...; a goal's id is its lower-cased text)."""
    if state.case_id != OWN:
        return content.case(state.case_id) or content.cases[0]
    parties, objectives = [], {}
    for i, own in enumerate(state.own_parties):
        if not (own.name or own.goals):
            continue
        pid = f"p{i + 1}"
        parties.append(Party(pid, own.name or f"Party {i + 1}", "", ()))
        for goal in own.goals:
            key = matchable(goal)
            text, held = objectives.get(key, (goal, ()))
            objectives[key] = (text, held + (pid,))
    objs = tuple(Objective(k, t, h) for k, (t, h) in objectives.items())
    return Case(OWN, "Your own situation", "", tuple(parties), objs)


# ---------------------------------------------------------------- feedback


def check_reflection(
    content: CommonGroundContent, case: Case, party: Party, raw: str | None
) -> tuple[Note, ...]:
    """Feedback on a reflection of ``party``'s position, as suggestions.

    The coder says whether it reads as a reflection; a second check looks for words
    from what the party wants or worries about.
    """
    from mi_toolkit.core._practitioner import CODE_NAMES  # the coder loads when first used
    from mi_toolkit.core.coder import code_utterance

    f, name = content.feedback, party.name
    checked = clean_response(raw)
    if checked.problem in ("blank", "too_long", "no_words"):
        key = f"reflection_{checked.problem}"
        return (("suggest", fill(f[key], name=name, limit=MAX_RESPONSE_CHARS)),)
    coding = code_utterance(checked.plain, "practitioner")
    reason = coding.reason.split(": ", 1)[-1]
    key = {"CR": "reflection_complex", "SR": "reflection_simple", "Question": "reflection_question"}
    tone = "good" if coding.code in ("CR", "SR") else "suggest"
    text = fill(
        f[key.get(coding.code, "reflection_other")],
        name=name,
        reason=reason,
        code=CODE_NAMES.get(coding.code, coding.code),
    )
    notes = [(tone, text)]
    position = " ".join([party.says, *party.concerns, *(o.text for o in case.goals_of(party.id))])
    said = {w for w in _words(position) if len(w) > 3}
    found = sorted(w for w in _words(checked.plain) if w in said)
    if found:
        notes.append(("good", fill(f["names_position"], name=name, words=", ".join(found[:4]))))
    else:
        notes.append(("suggest", fill(f["misses_position"], name=name)))
    notes.append(("info", f["coder_note"]))
    return tuple(notes)


def _words(text: str) -> set[str]:
    """The content words of ``text``, as the coder sees them (imported on first use)."""
    from mi_toolkit.core._practitioner import content_words
    from mi_toolkit.core._text import normalise

    return set(content_words(normalise(text)))


def check_shared(
    content: CommonGroundContent, case: Case, marked: tuple[str, ...] | list[str]
) -> tuple[Note, ...]:
    """Which marked objectives every party holds, which were missed, which are not shared."""
    f = content.feedback
    if not marked:
        return (("suggest", f["shared_none"]),)
    shared = {o.id for o in case.shared}
    texts = {o.id: o.text for o in case.objectives}
    right = [texts[i] for i in marked if i in shared]
    extra = [texts[i] for i in marked if i in texts and i not in shared]
    missed = [o.text for o in case.shared if o.id not in marked]
    notes: list[Note] = []
    if right:
        notes.append(("good", fill(f["shared_right"], items="; ".join(right))))
    if missed:
        notes.append(("suggest", fill(f["shared_missed"], items="; ".join(missed))))
    if extra:
        notes.append(("suggest", fill(f["shared_extra"], items="; ".join(extra))))
    return tuple(notes)


def check_vision(content: CommonGroundContent, case: Case, raw: str | None) -> tuple[Note, ...]:
    """Does the vision build on what everyone shares, in words each party could say?"""
    f = content.feedback
    text = keep_text(raw).text
    if not text:
        return (("suggest", f["vision_blank"]),)
    words = _words(text)
    named = [o for o in case.shared if {w for w in _words(o.text) if len(w) > 3} & words]
    notes: list[Note] = []
    if named:
        notes.append(("good", fill(f["vision_good"], count=len(named))))
    else:
        items = "; ".join(o.text for o in case.shared) or "none found yet"
        notes.append(("suggest", fill(f["vision_none"], items=items)))
    should = _SHOULD.search(matchable(text))
    if should and re.search(r"\byou\b", matchable(text)):
        notes.append(("suggest", fill(f["vision_you_should"], word=should.group(1))))
    return tuple(notes)


def describe_overlap(case: Case) -> str:
    """The chart's alt text: each party's goals, then what everyone shares."""
    if not case.parties:
        return "No parties yet."
    parts = [f"Chart of the goals of {len(case.parties)} parties."]
    for p in case.parties:
        goals = "; ".join(o.text for o in case.goals_of(p.id)) or "none given"
        parts.append(f"{p.name}: {goals}.")
    shared = "; ".join(o.text for o in case.shared) or "nothing yet"
    parts.append(f"Held by everyone: {shared}.")
    return " ".join(parts)
