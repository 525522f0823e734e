"""Client language: change talk, sustain talk or neutral, with the DARN-CAT kind.

Internal to :mod:`mi_toolkit.core.coder`. The central rule is negation and what the
words are about: "I want to stop" is change talk, "I don't want to stop" is sustain
talk, "I don't want to keep drinking" is change talk again, "I can't quit" is sustain
talk about ability, "I stopped taking them" (a medicine) is sustain talk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mi_toolkit.core._cues import MODAL_KINDS, PHRASE_KINDS, CueSet
from mi_toolkit.core._matcher import Words
from mi_toolkit.core._text import normalise, normalise_words, split_sentences

__all__ = ["ClientHit", "code_client"]

CHANGE, SUSTAIN, NEUTRAL = "change", "sustain", "neutral"
_CLAUSE = re.compile(r",? \b(?:but|though|however|except|although|yet)\b,? |; | - ")
_CLAUSE_WORDS = frozenset(("but", "though", "however", "except", "although", "yet"))
_OBJECT_END = re.compile(r"\b(?:but|because|cause|so|if|though|although|when|unless|until)\b|,")
# "i " or "we " starting a word (the letters first, so that the scan is quick)
_SUBJECT = re.compile(r"(?:i|we) (?<![\w']i )(?<![\w']we )")
_LEADING_NOT = re.compile(r"^ (?:not|never)\b")
_DOUBT_WINDOW = 40
_WEAK_STEPS = frozenset({"tried", "had", "got", "made", "went", "took", "put", "set"})
_SHORT = 6  # an object of up to six words may lean on the conversation
_SPECIFIC = 0.8  # "I want to stop": the cue says what the client is talking about
_GENERAL = 0.6  # "I could do that": the cue leans on the conversation for its object


@dataclass(frozen=True)
class ClientHit:
    """What decided a client clause: talk type, DARN-CAT kind, reason, confidence."""

    talk: str
    darn_cat: str
    reason: str
    confidence: float
    start: int = 0


def code_client(
    text: str, cues: CueSet, previous: str = "", cleaned: list[str | Words] | None = None
) -> tuple[str, str | None, str, float]:
    """``(talk type, darn_cat, reason, confidence)`` for one client turn.

    ``previous`` is the practitioner's turn before it: a bare "not really" answering
    "are you ready to set a date?" is sustain talk. The normalised sentences are
    appended to ``cleaned`` when it is given (the next practitioner turn uses them),
    each as its :class:`Words` where one was made, else as text.
    """
    hits: list[ClientHit] = []
    for sentence in split_sentences(text):
        clean, found = normalise_words(sentence)
        if not clean or clean.endswith("?"):
            if cleaned is not None:
                cleaned.append(clean)
            continue
        words = Words(clean, found)
        if cleaned is not None:
            cleaned.append(words)
        if _CLAUSE_WORDS.isdisjoint(words.words) and ";" not in clean and " - " not in clean:
            hit = _clause(clean, cues, words)  # one clause (most sentences)
            if hit is not None:
                hits.append(hit)
            continue
        for clause in _CLAUSE.split(clean):
            hit = _clause(clause, cues, Words(clause))
            if hit is not None:
                hits.append(hit)
    if not hits:
        refusal = _refusal(text, previous, cues)
        if refusal is not None:
            return refusal
        return NEUTRAL, None, "neutral: no change or sustain cue", 0.6
    change = sum(h.confidence for h in hits if h.talk == CHANGE)
    sustain = sum(h.confidence for h in hits if h.talk == SUSTAIN)
    # What comes last carries the turn: what follows "but" is where the client leans.
    last = hits[-1]
    if last.talk == CHANGE:
        change += 0.5 * last.confidence
    else:
        sustain += 0.5 * last.confidence
    talk = CHANGE if change >= sustain else SUSTAIN
    decisive = max((h for h in hits if h.talk == talk), key=lambda h: h.confidence)
    mixed = change > 0 and sustain > 0
    confidence = decisive.confidence * (0.75 if mixed else 1.0)
    reason = decisive.reason + ("; the turn also has the other side" if mixed else "")
    return talk, decisive.darn_cat, reason, round(confidence, 2)


def _clause(clause: str, cues: CueSet, words: Words) -> ClientHit | None:
    found: list[ClientHit] = []
    if ("i" in words.words or "we" in words.words) and cues.modal_words.may_match(words):
        at = _SUBJECT.search(clause)
        while at is not None:
            match = cues.modal.match(clause, at.start())
            if match is None:
                at = _SUBJECT.search(clause, at.start() + 1)
                continue
            hit = _modal_hit(match, clause, cues)
            if hit is not None:
                found.append(hit)
            at = _SUBJECT.search(clause, match.end())
    for talk, pattern, section in (
        (CHANGE, cues.change, "change_phrases"),
        (SUSTAIN, cues.sustain, "sustain_phrases"),
    ):
        m = pattern.search(words)
        if m is not None:
            kind = _kind(m, PHRASE_KINDS)
            reason = f"{talk} talk ({_words(kind)}): {cues.explain[section]} ('{_quote(m[0])}')"
            found.append(ClientHit(talk, kind, reason, 0.7, m.start()))
    if not found:
        return None
    # The surest cue wins; on a tie, the later one (closer to the end of the clause).
    return max(found, key=lambda h: (h.confidence, h.start))


def _modal_hit(match: re.Match[str], clause: str, cues: CueSet) -> ClientHit | None:
    kind = _kind(match, MODAL_KINDS)
    obj = match.group("obj")
    negated = cues.negation.pattern.search(match.group("pre")) is not None
    lead = _LEADING_NOT.match(obj)
    if lead:
        negated, obj = True, obj[lead.end() :]
    before = clause[max(0, match.start() - _DOUBT_WINDOW) : match.start()]
    if before and cues.reported.pattern.search(before):
        return None  # "my wife thinks I need to ...": her words, not the client's
    doubt = cues.doubt.pattern.search(before) is not None
    end = _OBJECT_END.search(obj)
    obj = obj[: end.start()] if end else obj
    if kind == "taking_steps":
        obj = match.group("modal") + obj  # "stopped taking them": the verb is the object
    direction = _direction(obj, cues)
    if direction == "unknown" and (kind == "taking_steps" or len(obj.split()) > _SHORT):
        # "I'll do it" leans on the change being discussed; "I have to drive the kids
        # to school on Mondays" is a story, not a plan.
        return None
    confidence = _GENERAL if direction == "unknown" else _SPECIFIC
    if kind == "taking_steps" and match.group("modal").split()[-1] in _WEAK_STEPS:
        confidence = _GENERAL  # "I tried ...", "I had ...": what happened is less clear
    if doubt:
        negated, confidence = True, confidence - 0.15
    talk = CHANGE if (direction != "status_quo") != negated else SUSTAIN
    if kind == "ability" and negated and direction == "status_quo":
        kind = "need"  # "I can't keep doing this"
    note = ", negated" if negated else ""
    reason = f"{talk} talk ({_words(kind)}{note}): '{_quote(match[0].strip())}'"
    return ClientHit(talk, kind, reason, confidence, match.start())


def _direction(obj: str, cues: CueSet) -> str:
    """``change``, ``status_quo`` or ``unknown`` (which leans on the conversation).

    The first word that says something decides, read together with the next one:
    stopping or cutting down an unhealthy habit is change, stopping a healthy one
    is not; keeping up a healthy habit is change, keeping up an unhealthy one is not.
    """
    # Each kind is a named group around its patterns: the one a match ends in.
    kinds = [m.lastgroup for m in cues.objects.finditer(obj)]
    if not kinds:
        return "unknown"
    first, then = kinds[0], (kinds[1] if len(kinds) > 1 else None)
    if first == "reduce":
        return "status_quo" if then == "healthy" else "change"
    if first == "keep":
        return "change" if then in ("healthy", "change") else "status_quo"
    if first == "start":
        if then is None:
            return "unknown"  # "I started again": again at what?
        return "status_quo" if then == "unhealthy" else "change"
    if first == "unhealthy":
        return "change" if then == "reduce" else "status_quo"  # "drink less"
    return "change"


def _refusal(text: str, previous: str, cues: CueSet) -> tuple[str, str, str, float] | None:
    if not previous or "?" not in previous or text.count(" ") > 8:
        return None
    clean = normalise(text)
    no = cues.refusal.pattern.search(clean)
    asked = cues.change_question.pattern.search(normalise(previous.rsplit(".", 1)[-1]))
    if no is None or asked is None or len(clean.split()) > 8:
        return None
    kind = {"willing": "activation", "ready": "activation", "able to": "ability"}.get(
        asked[0], "commitment" if asked[0] in ("going to", "plan", "commit") else "desire"
    )
    reason = f"sustain talk ({kind}): '{no[0]}' answers a question about change ('{asked[0]}')"
    return SUSTAIN, kind, reason, 0.5


def _kind(match: re.Match[str], kinds: tuple[str, ...]) -> str:
    groups = match.re.groupindex
    return next(k for k in kinds if k in groups and match.group(k) is not None)


def _words(kind: str) -> str:
    return kind.replace("_", " ")


def _quote(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
