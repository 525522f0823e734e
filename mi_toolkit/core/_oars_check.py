"""Checks on a learner's open question, affirmation, reflection and summary. Internal;
use :func:`mi_toolkit.core.oars.check_response`.

The MI coder decides the behaviour code (question and its type, reflection, affirm,
advice); cues from content add what MITI does not code: general praise versus a
specific affirmation, and a summary (a reflection gathering several things the
client said, found by the vignette's keywords).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mi_toolkit.core._oars_content import ClassifyItem, OarsContent, Vignette
from mi_toolkit.core._practice import MAX_RESPONSE_CHARS, clean_response, fill, matchable
from mi_toolkit.core._reflection_check import (
    Note,
    question_cue,
    read_reflection,
    righting_cue,
)
from mi_toolkit.core._reflection_content import ReflectionContent

if TYPE_CHECKING:  # pragma: no cover
    from mi_toolkit.core.coder import Coding

__all__ = ["ClassifyResult", "OarsFeedback", "check_classify", "check_response", "points_heard"]

GOOD, SUGGEST, INFO = "good", "suggest", "info"


@dataclass(frozen=True)
class OarsFeedback:
    """What the checks found in one written response; ``kind`` is what was asked for."""

    kind: str
    text: str
    ok: bool = False
    reads_as: str = ""
    problem: str | None = None
    notes: tuple[Note, ...] = ()

    @property
    def checked(self) -> bool:
        return self.problem is None


def points_heard(text: str, vignette: Vignette) -> list[str]:
    """For each of the vignette's points the text picks up, the word that shows it."""
    said = matchable(text)
    found = []
    for point in vignette.points:
        for word in point.keywords:
            m = re.search(rf"(?<![\w']){re.escape(word)}[\w'-]*", said)
            if m is not None:
                found.append(m[0])
                break
    return found


def check_response(
    kind: str,
    raw: str | None,
    vignette: Vignette,
    content: OarsContent,
    reflection: ReflectionContent,
) -> OarsFeedback:
    """Check ``raw`` as the ``kind`` of response (open, affirm, reflect, summary) asked for."""
    f = content.feedback
    label = content.kinds[kind].label
    cleaned = clean_response(raw)
    if cleaned.problem:
        text = fill(
            f[cleaned.problem],
            label=label.lower(),
            chars=f"{cleaned.chars:,}",
            limit=f"{MAX_RESPONSE_CHARS:,}",
        )
        return OarsFeedback(kind, cleaned.text, problem=cleaned.problem, notes=(Note("", text),))
    if kind == "reflect":
        found = read_reflection(cleaned, vignette.client, reflection)
        ok = found.form == "reflection"
        reads = "reflection" if ok else _reading(found.form)
        notes = [*found.notes, Note("reflect", f["reflect_ok" if ok else "reflect_miss"])]
        return _result(kind, cleaned.text, ok, reads, notes, content)

    from mi_toolkit.core.coder import code_utterance  # loaded on the first check, not at import

    coding = code_utterance(cleaned.plain, "practitioner", previous=vignette.client)
    said = matchable(cleaned.plain)
    heard = points_heard(cleaned.plain, vignette)
    righting = righting_cue(coding, said, reflection)
    if righting is not None:
        key, cue = righting
        notes = [Note(key, fill(reflection.feedback[key], cue=cue), SUGGEST)]
        return _result(kind, cleaned.text, False, "righting", notes, content)
    check = {"open": _open, "affirm": _affirm, "summary": _summary}[kind]
    ok, reads, notes = check(cleaned.plain, said, coding, heard, content, reflection)
    return _result(kind, cleaned.text, ok, reads, notes, content)


def _reading(form: str) -> str:
    return {"question": "closed", "righting": "righting"}.get(form, "other")


def _result(
    kind: str, text: str, ok: bool, reads: str, notes: list[Note], content: OarsContent
) -> OarsFeedback:
    label = content.kinds[kind].label
    reads_as = content.reads_as[reads]
    head = Note(
        "asked_for",
        fill(content.feedback["asked_for"], label=label.lower(), reads_as=reads_as),
        GOOD if ok else SUGGEST,
    )
    return OarsFeedback(kind, text, ok, reads_as, None, (head, *notes))


def _quoted(coding: Coding) -> str:
    m = re.search(r"\('([^']+)'\)", coding.reason)
    return m[1] if m else ""


def _open(plain, said, coding, heard, content, reflection):
    f = content.feedback
    questions = [s for s in coding.sentences if s.code == "Question"]
    if not questions:
        reads = "reflection" if {"SR", "CR"} & set(coding.codes) else "other"
        if coding.code == "Affirm":
            reads = "affirm"
        note = Note("open_not_question", fill(f["open_not_question"], reason=coding.reason))
        return False, reads, [note]
    if coding.question_type != "open":
        cue = question_cue(coding, plain, reflection) or coding.reason
        return False, "closed", [Note("open_closed", fill(f["open_closed"], cue=cue), SUGGEST)]
    notes = [Note("open_ok", fill(f["open_ok"], reason=coding.reason), GOOD)]
    why = content.cues["why"].search(said)
    if why is not None:
        notes.append(Note("open_why", fill(f["open_why"], cue=why[0]), SUGGEST))
    if len(questions) > 1:
        notes.append(Note("open_stacked", fill(f["open_stacked"], n=len(questions)), SUGGEST))
    return True, "open", notes


def _affirm(plain, said, coding, heard, content, reflection):
    f, cues = content.feedback, content.cues
    praise = cues["praise"].search(said)
    approval = cues["approval"].search(said)
    strength = cues["strength"].search(said)
    about_them = re.search(r"(?<![\w'])(?:you|your|yourself)(?![\w'])", said) is not None
    specific = strength is not None or (
        coding.code == "Affirm" and praise is None and approval is None
    )
    if specific and about_them:
        cue = strength[0] if strength is not None else _quoted(coding)
        notes = [Note("affirm_ok", fill(f["affirm_ok"], cue=cue), GOOD)]
        if praise is not None or approval is not None:
            extra = (praise or approval)[0]
            notes.append(Note("affirm_praise_plus", fill(f["affirm_praise_plus"], cue=extra)))
        return True, "affirm", notes
    if approval is not None:
        note = Note("affirm_approval", fill(f["affirm_approval"], cue=approval[0]), SUGGEST)
        return False, "praise", [note]
    if praise is not None or coding.code == "Affirm":
        cue = praise[0] if praise is not None else _quoted(coding)
        return False, "praise", [Note("affirm_praise", fill(f["affirm_praise"], cue=cue), SUGGEST)]
    if "Question" in coding.codes:
        reads = "open" if coding.question_type == "open" else "closed"
        return False, reads, [Note("affirm_question", f["affirm_question"], SUGGEST)]
    if {"SR", "CR"} & set(coding.codes):
        reads = "summary" if len(heard) >= 2 else "reflection"
        return False, reads, [Note("affirm_reflection", f["affirm_reflection"], SUGGEST)]
    note = Note("affirm_other", fill(f["affirm_other"], reason=coding.reason), SUGGEST)
    return False, "other", [note]


def _summary(plain, said, coding, heard, content, reflection):
    f, cues = content.feedback, content.cues
    statements = {"SR", "CR", "Affirm"} & set(coding.codes) or cues["summary_lead"].search(said)
    if not statements and "Question" in coding.codes:
        reads = "open" if coding.question_type == "open" else "closed"
        return False, reads, [Note("summary_question", f["summary_question"], SUGGEST)]
    points = ", ".join(f"'{w}'" for w in heard)
    if len(heard) < 2:
        key = "summary_one" if heard else "summary_none"
        reads = "reflection" if {"SR", "CR"} & set(coding.codes) else "other"
        return False, reads, [Note(key, fill(f[key], points=points), SUGGEST)]
    notes = [Note("summary_ok", fill(f["summary_ok"], n=len(heard), points=points), GOOD)]
    last = said.rsplit(".", 1)[-1] if not said.endswith(".") else ""
    closed = cues["closed_check"].search(last)
    if cues["invitation"].search(last) is not None:
        notes.append(Note("summary_invite", f["summary_invite"], GOOD))
    elif closed is not None:
        notes.append(Note("summary_closed_check", fill(f["summary_closed_check"], cue=closed[0])))
    else:
        notes.append(Note("summary_no_invite", f["summary_no_invite"]))
    return True, "summary", notes


# ---------------------------------------------------------------- quick classify


@dataclass(frozen=True)
class ClassifyResult:
    right: bool
    lines: tuple[str, ...]


def check_classify(content: OarsContent, item: ClassifyItem, chosen: str) -> ClassifyResult:
    """Feedback on the label a learner gave a practitioner response (``chosen`` is valid)."""
    f = content.feedback
    expected = content.class_label(item.answer)
    if chosen == item.answer:
        first = fill(f["classify_right"], expected=expected)
    else:
        first = fill(f["classify_wrong"], expected=expected, chosen=content.class_label(chosen))
    return ClassifyResult(chosen == item.answer, (first, item.why))
