"""The MI coder: a MITI 4.2.1 behaviour code for a practitioner turn, change / sustain /
neutral talk (with the DARN-CAT kind) for a client turn.

It works from linguistic cues kept as content (``coder_cues.json``): question syntax,
reflective lead-ins, advice and information phrases, the client's "I want / can /
need / will" with negation. Every result says which cue decided it and how sure the
coder is, because learners read it as feedback. It is a practice aid, not a rater:
an expert coder hears tone and context that text alone does not carry.

Example::

    >>> c = code_utterance("So you're worried this is hurting your kids.")
    >>> c.code, c.therapist_behaviour
    ('CR', 'reflection')
    >>> code_utterance("I don't want to stop.", "client").talk_type
    'sustain'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from mi_toolkit.core._client_talk import code_client
from mi_toolkit.core._cues import CueSet, load_cues
from mi_toolkit.core._matcher import Words
from mi_toolkit.core._practitioner import (
    CODE_NAMES,
    SentenceCode,
    code_sentence,
    content_words,
    content_words_of,
)
from mi_toolkit.core._text import normalise, split_sentences
from mi_toolkit.core.transcript import CLIENT, PRACTITIONER, Transcript

__all__ = [
    "ANNOMI",
    "CODE_NAMES",
    "TURN_PRIORITY",
    "Coding",
    "SentenceCode",
    "code_transcript",
    "code_utterance",
]

# Which code a turn is filed under when it holds several (MITI counts them all).
TURN_PRIORITY = (
    "Confront",
    "PersuadeWithPermission",
    "Persuade",
    "Affirm",
    "Autonomy",
    "Seek",
    "Question",
    "CR",
    "SR",
    "GI",
    "Other",
)
_RANK = {code: i for i, code in enumerate(TURN_PRIORITY)}
# MITI code -> AnnoMI's four practitioner labels.
ANNOMI = {
    "Question": "question",
    "SR": "reflection",
    "CR": "reflection",
    "GI": "therapist_input",
    "Persuade": "therapist_input",
    "PersuadeWithPermission": "therapist_input",
    "Confront": "therapist_input",
    "Seek": "therapist_input",
    "Autonomy": "therapist_input",
    "Affirm": "therapist_input",
    "Other": "other",
}


@dataclass(frozen=True)
class Coding:
    """The coder's result for one turn.

    ``code`` is the MITI code the turn is filed under (practitioner) or the talk type
    (client: ``change``, ``sustain``, ``neutral``). ``codes`` lists every MITI code the
    turn earns under MITI's counting rules: each behaviour once per turn, a complex
    reflection anywhere making the turn's reflection complex, advice with permission
    in the same turn counted as persuade-with-permission.

    Example::

        >>> c = code_utterance("How often? So on one hand it helps you sleep, "
        ...                    "and on the other you wake up tired.")
        >>> c.code, c.codes, c.question_type
        ('Question', ('Question', 'CR'), 'closed')
    """

    speaker: str
    code: str
    reason: str
    confidence: float
    codes: tuple[str, ...] = ()
    question_type: str | None = None
    therapist_behaviour: str | None = None
    talk_type: str | None = None
    darn_cat: str | None = None
    sentences: tuple[SentenceCode, ...] = ()


def code_utterance(text: str, speaker: str = PRACTITIONER, *, previous: str = "") -> Coding:
    """Code one turn. ``previous`` is the other speaker's turn before it, if known.

    Example::

        >>> code_utterance("What would you like to change?").question_type
        'open'
    """
    if speaker == CLIENT:
        return _client(text or "", previous)
    if speaker != PRACTITIONER:
        raise ValueError(f"speaker must be {PRACTITIONER!r} or {CLIENT!r}, got {speaker!r}")
    said = content_words(normalise(previous)) if previous else frozenset()
    return _practitioner(text or "", said)


def code_transcript(transcript: Transcript) -> tuple[Coding, ...]:
    """Code every turn of a transcript, each in the light of the other speaker's turn
    before it (a short echo of the client's words is a simple reflection; "not really"
    after "are you ready to ...?" is sustain talk)."""
    out = []
    last_practitioner = ""
    said: frozenset[str] = frozenset()
    for u in transcript.utterances:
        if u.speaker == CLIENT:
            cleaned: list[str | Words] = []
            out.append(_client(u.text, last_practitioner, cleaned))
            # the content words of the sentences joined (no word spans two of them)
            said = frozenset().union(
                *[content_words(c) if isinstance(c, str) else content_words_of(c) for c in cleaned]
            )
        else:
            out.append(_practitioner(u.text, said))
            last_practitioner = u.text
    return tuple(out)


def _client(text: str, previous: str, cleaned: list[str | Words] | None = None) -> Coding:
    talk, darn, reason, confidence = code_client(text, _cues(), previous, cleaned)
    return Coding(CLIENT, talk, reason, confidence, talk_type=talk, darn_cat=darn)


def _practitioner(text: str, said: frozenset[str]) -> Coding:
    cues = _cues()
    return _turn(tuple(code_sentence(s, cues, said) for s in split_sentences(text)), cues)


def _as_information(parts: tuple[SentenceCode, ...]) -> tuple[SentenceCode, ...]:
    """In a turn that gives information, statements filed as reflections only for
    being statements (``weak``) are more of the information, unless a sentence of the
    turn is a reflection by a cue of its own."""
    if any(p.code in ("SR", "CR") and not p.weak for p in parts):
        return parts
    why = "giving information: a statement in a turn that gives information"
    return tuple(
        replace(p, code="GI", reason=why, confidence=0.5) if p.code in ("SR", "CR") else p
        for p in parts
    )


@lru_cache(maxsize=1)
def _cues() -> CueSet:
    return load_cues()


# ---------------------------------------------------------------- practitioner


def _turn(parts: tuple[SentenceCode, ...], cues: CueSet) -> Coding:
    if not parts:
        return Coding(PRACTITIONER, "Other", "other: an empty turn", 1.0, ("Other",), None, "other")
    codes = {p.code for p in parts} - {"Other"} or {"Other"}
    if "GI" in codes and (codes & {"SR", "CR"}):
        parts = _as_information(parts)
        codes = {p.code for p in parts} - {"Other"} or {"Other"}
    if "CR" in codes:
        codes.discard("SR")
    note = ""
    # Advice with permission asked, or with room to decline, anywhere in the turn.
    asked = (
        [bool(cues.practitioner["permission"].pattern.search(p.clean)) for p in parts]
        if "Persuade" in codes
        else []
    )
    if "Persuade" in codes and (codes & {"Seek", "Autonomy"} or any(asked)):
        codes = (codes - {"Persuade"}) | {"PersuadeWithPermission"}
        if all(a for p, a in zip(parts, asked, strict=True) if p.code == "Seek"):
            codes.discard("Seek")  # the request for permission is part of the advice
        note = "; permission or a choice is offered in the same turn"
    ordered = tuple(sorted(codes, key=_RANK.__getitem__))
    primary = ordered[0]
    lookup = "Persuade" if primary == "PersuadeWithPermission" else primary
    main = next(p for p in parts if p.code == lookup)
    if parts[0].greeting and codes <= {"Question", "GI", "Other"}:
        primary, main = "Other", parts[0]  # "Hi, good to see you. How have you been?"
        ordered = ("Other", *(c for c in ordered if c != "Other"))
    reason = main.reason + (note if lookup != primary else "")
    if len(ordered) > 1:
        reason += f" (this turn also has: {', '.join(CODE_NAMES[c] for c in ordered[1:])})"
    question = next((p.question_type for p in parts if p.code == "Question"), None)
    return Coding(
        PRACTITIONER,
        primary,
        reason,
        main.confidence,
        ordered,
        question,
        ANNOMI[primary],
        sentences=parts,
    )
