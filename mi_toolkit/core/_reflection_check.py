"""Checks on a learner's reflection: statement or question, simple or complex and of
which kind, the righting reflex, and which side a double-sided reflection ends on.
Internal; use :func:`mi_toolkit.core.reflection.check_reflection`.

The MI coder (:func:`~mi_toolkit.core.coder.code_utterance`) decides the behaviour
code; the kinds of complex reflection and the sides are read from cues in content.
Every judgement carries the words that led to it, because it is only a suggestion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from mi_toolkit.core._practice import (
    MAX_RESPONSE_CHARS,
    CheckedText,
    clean_response,
    fill,
    matchable,
)
from mi_toolkit.core._reflection_content import ClientStatement, ReflectionContent

if TYPE_CHECKING:  # pragma: no cover
    from mi_toolkit.core.coder import Coding

__all__ = [
    "Note",
    "ReflectionFeedback",
    "check_reflection",
    "question_cue",
    "read_reflection",
    "righting_cue",
    "unchecked",
]

GOOD, SUGGEST, INFO = "good", "suggest", "info"
_RIGHTING_CODES = {
    "Persuade": "righting_persuasion",
    "PersuadeWithPermission": "righting_persuasion",
    "Confront": "righting_confront",
    "GI": "righting_information",
}
_QUOTED = re.compile(r"\('([^']+)'\)")
_MIN_SIDE_WORDS = 3


@dataclass(frozen=True)
class Note:
    """One line of feedback: ``tone`` is ``good``, ``suggest`` or ``info``."""

    key: str
    text: str
    tone: str = INFO


@dataclass(frozen=True)
class ReflectionFeedback:
    """What the checks found in one response.

    ``form`` is ``reflection``, ``question``, ``righting``, ``other`` or, when the
    text could not be checked (see ``problem``), ``unchecked``.
    """

    text: str
    form: str = "unchecked"
    problem: str | None = None
    depth: str | None = None
    kinds: tuple[str, ...] = ()
    ends_on: str | None = None
    met_task: bool = False
    code: str | None = None
    notes: tuple[Note, ...] = ()
    label: str = ""

    @property
    def checked(self) -> bool:
        return self.problem is None


def unchecked(cleaned: CheckedText, feedback: dict[str, str], limit: int) -> ReflectionFeedback:
    """The feedback for text that cannot be checked (blank, too long, ...)."""
    assert cleaned.problem is not None
    text = fill(feedback[cleaned.problem], chars=f"{cleaned.chars:,}", limit=f"{limit:,}")
    return ReflectionFeedback(cleaned.text, problem=cleaned.problem, notes=(Note("", text),))


def check_reflection(
    raw: str | None, statement: ClientStatement, level: str, content: ReflectionContent
) -> ReflectionFeedback:
    """Check ``raw`` as a reflection of ``statement`` for the task of ``level``."""
    cleaned = clean_response(raw)
    if cleaned.problem:
        return unchecked(cleaned, content.feedback, MAX_RESPONSE_CHARS)
    found = read_reflection(
        cleaned,
        statement.text,
        content,
        change_words=statement.change_words,
        sustain_words=statement.sustain_words,
    )
    is_reflection = found.form == "reflection"
    met = is_reflection and {
        "simple": found.depth == "simple",
        "feeling": "feeling" in found.kinds,
        "complex": found.depth == "complex",
        "double_sided": "double_sided" in found.kinds and found.ends_on == "change",
    }.get(level, False)
    task = content.level(level)
    verdict = Note("level_met", task.met, GOOD) if met else Note("level_miss", task.miss, SUGGEST)
    return _replace(found, met_task=met, notes=(*found.notes, verdict))


def read_reflection(
    cleaned: CheckedText,
    client: str,
    content: ReflectionContent,
    *,
    change_words: tuple[str, ...] = (),
    sustain_words: tuple[str, ...] = (),
) -> ReflectionFeedback:
    """What kind of response ``cleaned`` is, as a reflection of ``client``'s words."""
    from mi_toolkit.core.coder import code_utterance  # loaded on the first check, not at import

    f = content.feedback
    coding = code_utterance(cleaned.plain, "practitioner", previous=client)
    said = matchable(cleaned.plain)
    heard = matchable(client)
    base = ReflectionFeedback(cleaned.text, code=coding.code)

    righting = righting_cue(coding, said, content)
    if righting is not None:
        key, cue = righting
        notes = [Note(key, fill(f[key], cue=cue), SUGGEST), Note("righting_why", f["righting_why"])]
        if {"SR", "CR"} & set(coding.codes):
            notes.append(Note("righting_with_reflection", f["righting_with_reflection"]))
        return _replace(base, form="righting", notes=tuple(notes), label=f["form_righting"])

    question = question_cue(coding, cleaned.plain, content)
    if question is not None:
        if coding.question_type == "open" and not cleaned.plain.endswith("?"):
            note = Note("request_more", fill(f["request_more"], reason=_why(coding)), SUGGEST)
            return _replace(base, form="question", notes=(note,), label=f["form_question"])
        notes = [Note("question", fill(f["question"], cue=question), SUGGEST)]
        if cleaned.plain.endswith("?"):
            as_statement = cleaned.plain.rstrip("?").rstrip() + "."
            if code_utterance(as_statement, "practitioner", previous=client).code in {"SR", "CR"}:
                notes.append(Note("question_fixable", f["question_fixable"], SUGGEST))
        return _replace(base, form="question", notes=tuple(notes), label=f["form_question"])

    kinds = _kinds(said, heard, content)
    # A reframe often sounds affirming ("you already know how to ..."): when the
    # cues find a kind of reflection in it, it is read as a reflection that affirms.
    as_reflection = {"SR", "CR"} & set(coding.codes) or (kinds and coding.code == "Affirm")
    if not as_reflection:
        key = "acknowledgement" if coding.code == "Other" else "not_reflection"
        note = Note(key, fill(f[key], reason=_why(coding)), SUGGEST)
        return _replace(base, form="other", notes=(note,), label=f["form_other"])

    # The kind cues decide the depth; the coder's "complex" without a named kind
    # (often just many new words, as any paraphrase has) is passed on as a hedge.
    depth = "complex" if kinds else "simple"
    notes = []
    if kinds:
        notes.append(Note("complex", f["complex"], INFO))
    elif "CR" in coding.codes:
        notes.append(Note("simple_borderline", fill(f["simple_borderline"], reason=_why(coding))))
    else:
        notes.append(Note("simple", f["simple"], INFO))
    if coding.code == "Affirm":
        notes.append(Note("also_affirms", fill(f["also_affirms"], reason=_why(coding)), GOOD))
    for kind, cue in kinds.items():
        notes.append(Note(f"kind_{kind}", fill(content.kinds[kind].found, cue=cue), GOOD))
    ends_on = None
    if "double_sided" in kinds:
        ends_on, cue = _ends_on(said, content, change_words, sustain_words)
        tone = GOOD if ends_on == "change" else SUGGEST
        notes.append(Note(f"ends_{ends_on}", fill(f[f"ends_{ends_on}"], cue=cue), tone))
        if _only_but(said, content):
            notes.append(Note("but_pivot", f["but_pivot"], SUGGEST))
    names = ", ".join(content.kinds[k].label for k in kinds)
    label = f[f"form_{depth}"] + (f": {names}" if names else "")
    return _replace(
        base,
        form="reflection",
        depth=depth,
        kinds=tuple(kinds),
        ends_on=ends_on,
        notes=tuple(notes),
        label=label,
    )


# ---------------------------------------------------------------- the parts


def _replace(fb: ReflectionFeedback, **changes: object) -> ReflectionFeedback:
    return replace(fb, **changes)  # type: ignore[arg-type]


def _why(coding: Coding) -> str:
    """The coder's reason for its code, without the list of the turn's other codes."""
    return coding.reason.split(" (this turn also has", 1)[0]


def righting_cue(coding: Coding, said: str, content: ReflectionContent) -> tuple[str, str] | None:
    """``(feedback key, the words)`` when a response slips into the righting reflex."""
    for key in ("advice", "reassurance"):
        m = content.cues[key].search(said)
        if m is not None:
            return f"righting_{key}", m[0]
    for code in coding.codes:
        if code in _RIGHTING_CODES:
            sentence = next((s for s in coding.sentences if s.code == code), None)
            quoted = _QUOTED.search(sentence.reason if sentence else coding.reason)
            cue = quoted[1] if quoted else " ".join(said.split()[:6])
            return _RIGHTING_CODES[code], cue
    return None


def question_cue(coding: Coding, plain: str, content: ReflectionContent) -> str | None:
    """Why the response reads as a question ("it starts with 'do you' and ends with '?'")."""
    asked = next((s for s in coding.sentences if s.code == "Question"), None)
    ends = plain.endswith("?")
    if asked is None and not ends:
        return None
    sentence = asked.text if asked is not None else plain
    parts = []
    m = content.cues["question_opener"].search(matchable(sentence))
    if m is not None:
        parts.append(f"it starts with '{m[0]}'")
    if ends:
        parts.append("ends with '?'" if parts else "it ends with '?'")
    if not parts:
        parts.append(_why(coding))
    return " and ".join(parts)


def _is_new(word: str, heard: str) -> bool:
    """Whether ``word`` (or a word with the same start) is absent from the client's words."""
    stem = word if len(word) <= 4 else word[: max(4, len(word) - 3)]
    return re.search(rf"(?<![\w']){re.escape(stem)}", heard) is None


def _kinds(said: str, heard: str, content: ReflectionContent) -> dict[str, str]:
    """Each kind of complex reflection found, with the words that show it."""
    out: dict[str, str] = {}
    cues = content.cues
    for kind in ("feeling", "amplified", "reframe", "continuing", "metaphor"):
        for m in cues[kind].finditer(said):
            if _is_new(m[0], heard):
                out[kind] = m[0]
                break
    pivot = _last_pivot(said, content)
    if pivot is not None:
        out["double_sided"] = pivot[0]
    ordered = ("double_sided", "feeling", "amplified", "reframe", "continuing", "metaphor")
    return {k: out[k] for k in ordered if k in out}


def _last_pivot(said: str, content: ReflectionContent) -> re.Match[str] | None:
    """The last turn between two sides ("and on the other hand", or else "but")."""
    for key in ("double_sided", "but_pivot"):
        hits = [
            m
            for m in content.cues[key].finditer(said)
            if len(said[: m.start()].split()) >= _MIN_SIDE_WORDS
            and len(said[m.end() :].split()) >= _MIN_SIDE_WORDS
        ]
        if hits:
            return hits[-1]
    opener = content.cues["double_sided"].search(said)
    if opener is not None and "one hand" in opener[0]:
        return opener
    return None


def _only_but(said: str, content: ReflectionContent) -> bool:
    pivot = _last_pivot(said, content)
    return pivot is not None and content.cues["double_sided"].search(said) is None


def _ends_on(
    said: str,
    content: ReflectionContent,
    change_words: tuple[str, ...],
    sustain_words: tuple[str, ...],
) -> tuple[str, str]:
    """``(change|sustain|unclear, the words that decided)`` for the last side."""
    pivot = _last_pivot(said, content)
    tail = said[pivot.end() :] if pivot is not None else said
    for change, sustain in (
        (_word_hits(tail, change_words), _word_hits(tail, sustain_words)),
        (_cue_hits(tail, content, "change_side"), _cue_hits(tail, content, "sustain_side")),
    ):
        if change or sustain:
            if len(change) != len(sustain):
                side = "change" if len(change) > len(sustain) else "sustain"
            else:
                side = "change" if change[-1][0] > sustain[-1][0] else "sustain"
            hits = change if side == "change" else sustain
            return side, hits[-1][1]
    return "unclear", ""


def _word_hits(tail: str, words: tuple[str, ...]) -> list[tuple[int, str]]:
    hits = []
    for word in words:
        for m in re.finditer(rf"(?<![\w']){re.escape(word)}[\w']*", tail):
            hits.append((m.start(), m[0]))
    return sorted(hits)


def _cue_hits(tail: str, content: ReflectionContent, key: str) -> list[tuple[int, str]]:
    return [(m.start(), m[0]) for m in content.cues[key].finditer(tail)]
