"""A change plan made together (collaborative goal setting): a goal in the person's
own words tied to a value, small concrete steps each with a confidence rating, past
successes to build self-efficacy, and what to do if a step slips.

Planning is the fourth MI process: it comes after the person has voiced their own
reasons, and the plan stays theirs. So the checks here are suggestions ("whose goal
is this?"), and each step's confidence rating gets the ruler's evocative follow-up.

Example::

    >>> content = load_plan_content()
    >>> plan = ChangePlanState(goal="I want to walk to the shops")
    >>> plan = plan.set_step(0, "Walk on Monday morning", 8)
    >>> [tone for tone, _ in check_plan(content, plan)][:1]
    ['good']
    >>> step_follow_ups(plan.steps[0])[0]
    'What makes you a 8 and not a 4? What strengths or past successes is that number resting on?'
    >>> "<h1>" in plan_html(plan, content)
    True
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from mi_toolkit.core._plan_content import CaseClient, PlanContent, load_plan_content
from mi_toolkit.core._plan_text import keep_text
from mi_toolkit.core._practice import StateError, fill, matchable, state_header, text_field
from mi_toolkit.core.ruler import follow_ups, load_ruler_prompts

__all__ = [
    "MAX_STEPS",
    "SELF",
    "CaseClient",
    "ChangePlanState",
    "PlanContent",
    "PlanStep",
    "StateError",
    "check_plan",
    "load_plan_content",
    "plan_html",
    "plan_markdown",
    "step_follow_ups",
]

SCHEMA_VERSION = 1
KIND = "change_plan"
SELF = "self"
MAX_STEPS = 4
STEP_CHARS = 300
Note = tuple[str, str]


@dataclass(frozen=True)
class PlanStep:
    """One small step and how confident the person is they can take it (0-10)."""

    text: str = ""
    confidence: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "confidence": self.confidence}

    @classmethod
    def from_dict(cls, data: Any) -> PlanStep:
        if not isinstance(data, dict):
            raise StateError("a step must be an object")
        return cls(
            keep_text(text_field(data, "text"), STEP_CHARS).text,
            _confidence(data.get("confidence")),
        )


def _confidence(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise StateError(f"a confidence rating must be a whole number from 0 to 10, got {value!r}")
    return value


@dataclass(frozen=True)
class ChangePlanState:
    """The plan. Immutable: every change returns a new state. ``case_id`` is ``"self"``
    for self-practice or a case client's id."""

    case_id: str = SELF
    goal: str = ""
    value: str = ""
    value_why: str = ""
    steps: tuple[PlanStep, ...] = ()
    successes: str = ""
    if_slips: str = ""

    def edit(self, **fields: Any) -> ChangePlanState:
        """Set text fields (``goal``, ``value``, ``value_why``, ``successes``,
        ``if_slips``) or ``case_id``, cleaned."""
        limits = {"goal": 500, "value": 100, "value_why": 500, "successes": 2000, "if_slips": 2000}
        out = {}
        for key, raw in fields.items():
            if key == "case_id":
                out[key] = str(raw or SELF)[:100]
            elif key in limits:
                out[key] = keep_text(raw, limits[key]).text
            else:
                raise StateError(f"unknown plan field {key!r}")
        return replace(self, **out)

    def set_step(self, index: int, text: str, confidence: int | None | str) -> ChangePlanState:
        if not 0 <= index < MAX_STEPS:
            raise StateError(f"step index {index} out of range")
        steps = list(self.steps) + [PlanStep()] * (index + 1 - len(self.steps))
        steps[index] = PlanStep(keep_text(text, STEP_CHARS).text, _confidence(confidence))
        while steps and steps[-1] == PlanStep():
            steps.pop()
        return replace(self, steps=tuple(steps))

    @property
    def filled_steps(self) -> tuple[tuple[int, PlanStep], ...]:
        """``(number, step)`` for each step with text, numbered from 1."""
        return tuple((i + 1, s) for i, s in enumerate(self.steps) if s.text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": KIND,
            "case_id": self.case_id,
            "goal": self.goal,
            "value": self.value,
            "value_why": self.value_why,
            "steps": [s.to_dict() for s in self.steps],
            "successes": self.successes,
            "if_slips": self.if_slips,
        }

    @classmethod
    def from_dict(cls, data: Any) -> ChangePlanState:
        data = state_header(data, kind=KIND, version=SCHEMA_VERSION, what="change plan")
        steps = data.get("steps", [])
        if not isinstance(steps, list) or len(steps) > MAX_STEPS:
            raise StateError(f"steps must be a list of at most {MAX_STEPS}")
        texts = {k: text_field(data, k, limit=10_000) for k in ("goal", "value", "value_why")}
        texts |= {k: text_field(data, k, limit=10_000) for k in ("successes", "if_slips")}
        plan = cls().edit(case_id=text_field(data, "case_id", SELF, limit=100), **texts)
        return replace(plan, steps=tuple(PlanStep.from_dict(s) for s in steps))


# ---------------------------------------------------------------- feedback


@cache
def _prompts():
    return load_ruler_prompts()


def step_follow_ups(step: PlanStep) -> list[str]:
    """The confidence ruler's evocative follow-ups for a rated step (plain text)."""
    if step.confidence is None:
        return []
    return follow_ups(_prompts(), "confidence", step.confidence, step.text)


def check_plan(content: PlanContent, plan: ChangePlanState) -> tuple[Note, ...]:
    """Suggestions on the plan, part by part: ``(tone, text)`` with tone ``good`` or
    ``suggest``."""
    f = content.feedback
    notes: list[Note] = []
    if not plan.goal:
        notes.append(("suggest", f["goal_blank"]))
    elif should := content.should_cues.search(matchable(plan.goal)):
        notes.append(("suggest", fill(f["goal_should"], word=should.group(0))))
    else:
        notes.append(("good", f["goal_ok"]))
    notes.append(
        ("good", fill(f["value_ok"], value=plan.value))
        if plan.value
        else ("suggest", f["value_none"])
    )
    steps = plan.filled_steps
    if not steps:
        notes.append(("suggest", f["steps_none"]))
    for number, step in steps:
        if content.concrete_cues.search(matchable(step.text)):
            notes.append(("good", fill(f["step_concrete"], number=number)))
        else:
            notes.append(("suggest", fill(f["step_vague"], number=number, step=step.text)))
        if step.confidence is None:
            notes.append(("suggest", fill(f["step_unrated"], number=number)))
        elif step.confidence < 7:
            notes.append(("suggest", fill(f["step_low"], number=number, value=step.confidence)))
        else:
            notes.append(("good", fill(f["step_confident"], number=number, value=step.confidence)))
    if len(steps) > 3:
        notes.append(("suggest", fill(f["too_many_steps"], count=len(steps))))
    notes.append(
        ("good", f["successes_ok"]) if plan.successes else ("suggest", f["successes_blank"])
    )
    notes.append(("good", f["slips_ok"]) if plan.if_slips else ("suggest", f["slips_blank"]))
    return tuple(notes)


# ---------------------------------------------------------------- export


def _sections(plan: ChangePlanState, content: PlanContent) -> list[tuple[str, list[str]]]:
    case = content.case(plan.case_id)
    who = case.name if case else "Me"
    value = plan.value + (f": {plan.value_why}" if plan.value_why else "")
    steps = [
        s.text + ("" if s.confidence is None else f" (confidence {s.confidence}/10)")
        for _, s in plan.filled_steps
    ]
    return [
        ("Whose plan", [who]),
        ("My goal", [plan.goal or "(not written yet)"]),
        ("Why it matters to me", [value or "(not written yet)"]),
        ("My steps", steps or ["(none yet)"]),
        ("What I have managed before", [plan.successes or "(not written yet)"]),
        ("If a step slips", [plan.if_slips or "(not written yet)"]),
    ]


def plan_markdown(plan: ChangePlanState, content: PlanContent) -> str:
    """The plan as one page of Markdown (learner text with Markdown characters escaped)."""
    lines = ["# My change plan", ""]
    for head, items in _sections(plan, content):
        lines += [f"## {head}", ""]
        numbered = head == "My steps" and plan.filled_steps
        lines += [f"{i}. {_md(t)}" if numbered else _md(t) for i, t in enumerate(items, 1)]
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    out = html.escape(text, quote=False)
    for ch in "\\`*_[]#<>|!":
        out = out.replace(ch, "\\" + ch)
    return out


def plan_html(plan: ChangePlanState, content: PlanContent) -> str:
    """The plan as a self-contained, printable HTML page (everything escaped)."""
    body = []
    for head, items in _sections(plan, content):
        body.append(f"<h2>{html.escape(head)}</h2>")
        if head == "My steps":
            tag = "ol" if plan.filled_steps else "ul"
            lis = "".join(f"<li>{html.escape(t)}</li>" for t in items)
            body.append(f"<{tag}>{lis}</{tag}>")
        else:
            body += [f"<p>{html.escape(t)}</p>" for t in items]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>My change plan</title><style>body{font-family:sans-serif;max-width:40rem;"
        "margin:2rem auto;line-height:1.5;color:#1a1a1a}h2{font-size:1.1rem;margin-top:1.2rem}"
        "</style></head><body><h1>My change plan</h1>" + "".join(body) + "</body></html>\n"
    )
