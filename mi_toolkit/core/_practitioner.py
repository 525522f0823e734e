"""Practitioner sentences: one MITI 4.2.1 behaviour code per sentence, and why.

Internal to :mod:`mi_toolkit.core.coder`, which combines a turn's sentences. The
checks run from the most specific cue to the least: fillers and greetings, confront,
seeking collaboration, questions (by syntax, not only by "?"), reflective lead-ins,
autonomy, affirmation, advice, information, then statements about the client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mi_toolkit.core._cues import CueSet
from mi_toolkit.core._matcher import Words
from mi_toolkit.core._text import normalise_words

__all__ = ["CODE_NAMES", "SentenceCode", "code_sentence", "content_words", "content_words_of"]

CODE_NAMES = {
    "GI": "giving information",
    "Persuade": "persuade",
    "PersuadeWithPermission": "persuade with permission",
    "Question": "question",
    "SR": "simple reflection",
    "CR": "complex reflection",
    "Affirm": "affirm",
    "Seek": "seeking collaboration",
    "Autonomy": "emphasizing autonomy",
    "Confront": "confront",
    "Other": "other",
}
_LEAD = re.compile(
    r"^(?:(?:and|so|but|well|okay|ok|now|then|alright|right|yeah|yes|oh|mm|hmm|sure|great|"
    r"good|fine|fair enough|gotcha|got it|i see)\b[,.!]? ?)+"
)
_LEAD_BUT_SO = re.compile(
    r"^(?:(?:and|but|well|okay|ok|now|then|alright|right|yeah|yes|oh|mm|hmm)\b[,.!]? ?)+"
)
_WH = re.compile(r"^(?P<wh>what|how|why|when|where|who|whom|whose|which)\b(?P<rest>.*)")
_FREE_RELATIVE = re.compile(r"^ (?:you|i|we|they|he|she|it|that|this|your|my|the)\b")
_AUX = re.compile(
    r"^(?:do|does|did|are|is|was|were|have|has|had|can|could|would|will|should|shall|may|"
    r"might|am)(?: not)? (?:you|i|we|it|that|this|there|they|he|she|your|anything|anyone|"
    r"anybody|someone|somebody|something|any|the|things|people|everything|everyone)\b"
)
_STRONG_REFLECTION = re.compile(
    r"^(?:(?:and|so|but|well|okay|ok|now|yeah|right|mm|hmm)[, ]+)*(?:it )?(?:sounds|seems|"
    r"so you|you are saying|what i am hearing|i am hearing|i hear|on (?:the )?one hand|"
    r"part of you|you feel|you are feeling|you have been feeling|you are worried)\b"
)
# A subordinating word just before a lead-in: "after you feel", "how fast you get".
_SUBORDINATOR = re.compile(
    r"\b(?:after|before|when|whenever|if|until|once|while|because|since|unless|than|"
    r"how(?: \w+)?|so that|as soon as),? $"
)
_TAG_REACH = 24  # the longest tag ("is that accurate?") is well within this
_SO_STATEMENT = re.compile(r"^so,? (?!what|how|why|when|where|who|which|do |did |are |is )")
_CONTENT_WORD = re.compile(r"[a-z][a-z']{2,}")
_STOP_WORDS = (
    "the and but for you your yours that this with have has had was were are is not just "
    "really about what when where there they them then than from into like know think "
    "would could should will can been being some any very much more most also well yeah "
    "okay right because going get got did does doing thing things kind sort lot"
)
_STOP = frozenset(_STOP_WORDS.split())
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Stop words and every word too short to carry meaning (see content_words_of).
_STOP_OR_SHORT = _STOP.union(_LETTERS, (a + b for a in _LETTERS for b in _LETTERS))


@dataclass(frozen=True)
class SentenceCode:
    """The code of one sentence of a turn, and why.

    ``clean`` is the text the cues were matched against; ``greeting`` is set when
    the sentence opens a session or closes one; ``weak`` when it is filed as a
    reflection only for being a statement (about the client, or with no cue at all).
    """

    text: str
    code: str
    reason: str
    confidence: float
    question_type: str | None = None
    clean: str = ""
    greeting: bool = False
    weak: bool = False


def content_words(text: str) -> frozenset[str]:
    """The words of ``text`` that carry meaning (for "does it echo the client?"): three
    letters or more, not a stop word."""
    return frozenset(_CONTENT_WORD.findall(text)).difference(_STOP)


def content_words_of(words: Words) -> frozenset[str] | set[str]:
    """:func:`content_words` of ``words.text``; from the sentence's word set when each
    word is plain lower-case ASCII letters (most sentences), where a content word is a
    word of three letters or more."""
    if words.ascii:
        joined = "".join(words.words)
        if joined.isalpha() and joined.islower():
            return words.words.difference(_STOP_OR_SHORT)
    return content_words(words.text)


def code_sentence(raw: str, cues: CueSet, said: frozenset[str]) -> SentenceCode:
    """Code one practitioner sentence; ``said`` is the last client turn's content words."""
    text, found = normalise_words(raw)
    words = Words(text, found)
    p = cues.practitioner
    core = _after(_LEAD, text)
    lead_text = _after(_LEAD_BUT_SO, text)  # "okay, so you ..." -> "so you ..."
    n_words = text.count(" ") + 1 if text else 0

    def hit(code: str, cue: str, m: re.Match[str] | None, conf: float, **kw: bool) -> SentenceCode:
        quoted = f" ('{m[0].strip()}')" if m is not None and m[0].strip() else ""
        why = f"{CODE_NAMES[code]}: {p[cue].explain}{quoted}"
        return SentenceCode(raw, code, why, conf, clean=text, **kw)

    if not text or cues.backchannel_only.fullmatch(text):
        return hit("Other", "backchannel", None, 0.9)
    # A greeting or session remark counts when it opens the sentence (after words like
    # "okay, well") or the sentence is short.
    m = p["structure"].search(words)
    if m is not None and (n_words <= 8 or m.start() <= len(text) - len(core)):
        return hit("Other", "structure", m, 0.75, greeting=True)
    m = p["confront"].search(words)
    if m is not None:
        return hit("Confront", "confront", m, 0.7)
    m = p["seek"].search(words)
    if m is not None:
        return hit("Seek", "seek", m, 0.75)
    question = _question(core, text, cues, words)
    if question is not None:
        return _question_code(raw, text, question, cues, said, words)
    if _STRONG_REFLECTION.match(text):
        return _reflection(raw, text, cues, said, "reflection_lead", 0.8, words)
    for code, cue, conf in (
        ("Autonomy", "autonomy", 0.8),
        ("Affirm", "affirm", 0.75),
        ("Persuade", "persuade", 0.75),
        ("Persuade", "suggestion", 0.65),
    ):
        m = p[cue].search(words)
        if m is not None:
            return hit(code, cue, m, conf)
    # How things work in general ("It helps to ...", "Walking is good for your knees"),
    # unless the practitioner is summing up the client's view ("So it helps you ...").
    if not lead_text.startswith("so "):
        m = p["general"].search(words)
        if m is not None:
            return hit("GI", "general", m, 0.6)
    m = p["reflection_lead"].search(words, lead_text)
    if m is not None and not _subordinate(text, m):
        return _reflection(raw, text, cues, said, "reflection_lead", 0.7, words)
    mine = content_words_of(words)
    echo = bool(said) and len(mine & said) * 2 >= max(len(mine), 2)
    if echo and n_words <= 8:
        return SentenceCode(
            raw, "SR", "simple reflection: it echoes the client's words", 0.55, clean=text
        )
    m = p["information"].search(words)
    if m is not None:
        return hit("GI", "information", m, 0.65)
    if _SO_STATEMENT.match(lead_text) or p["second_person"].search(words):
        return _reflection(raw, text, cues, said, "second_person", 0.55, words, weak=True)
    if echo:
        return SentenceCode(
            raw, "SR", "simple reflection: it echoes the client's words", 0.5, clean=text
        )
    if n_words <= 3:
        return hit("Other", "backchannel", None, 0.5)
    # A statement with no cue at all: in counselling talk that is most often the
    # practitioner putting the client's experience into words.
    return _reflection(raw, text, cues, said, "feeling", 0.4, words, weak=True)


def _after(lead: re.Pattern[str], text: str) -> str:
    """``text`` without the opening words ``lead`` matches (``lead.sub("", text)``)."""
    m = lead.match(text)
    return text if m is None else text[m.end() :]


def _question(core: str, text: str, cues: CueSet, words: Words) -> tuple[str, str] | None:
    """``(open|closed, why)`` when the sentence asks something, else None.

    ``core`` is ``text`` without opening words such as "so" or "okay".
    """
    p = cues.practitioner
    m = p["question_request"].search(words, core)
    if m is not None:
        return "open", f"a request to say more ('{m[0]}')"
    # A tag is a few words before the "?" that ends the sentence: look there only.
    if text.endswith("?") and p["tag"].pattern.search(text, max(0, len(text) - _TAG_REACH)):
        return "closed", "tag"
    wh = _WH.match(core)
    if wh is not None and (text.endswith("?") or not _FREE_RELATIVE.match(wh["rest"])):
        closed = p["closed_lead"].pattern.match(core)
        return ("closed" if closed else "open"), f"it starts with '{wh['wh']}'"
    if _AUX.match(core):
        return "closed", "it asks for a yes or no (verb before subject)"
    if text.endswith("?"):
        return "closed", "it is said as a question"
    return None


def _question_code(
    raw: str,
    text: str,
    question: tuple[str, str],
    cues: CueSet,
    said: frozenset[str],
    words: Words,
) -> SentenceCode:
    kind, why = question
    p = cues.practitioner
    if why == "tag":
        # "So you've cut down, right?": the statement is a reflection, the tag a check.
        stem = p["tag"].pattern.sub("", text).rstrip(" ,")
        lead_stem = _after(_LEAD_BUT_SO, stem)
        if _STRONG_REFLECTION.match(stem) or p["reflection_lead"].search(Words(stem), lead_stem):
            r = _reflection(raw, stem, cues, said, "reflection_lead", 0.6, words)
            note = (
                "; it ends with a tag, and said with a rising voice it may be heard as a question"
            )
            return SentenceCode(raw, r.code, r.reason + note, r.confidence, clean=text)
        why = "a statement with a question tag, so it asks for a yes or no"
    m = p["persuade"].search(words)
    if m is not None and m[0].startswith(("why do not", "why not")):
        reason = f"persuade: advice asked as a question ('{m[0]}')"
        return SentenceCode(raw, "Persuade", reason, 0.6, clean=text)
    conf = 0.9 if text.endswith("?") else 0.7
    return SentenceCode(raw, "Question", f"{kind} question: {why}", conf, kind, clean=text)


def _subordinate(text: str, m: re.Match[str]) -> bool:
    """True when a lead-in such as "you feel" sits in a subordinate clause ("... after
    you feel better", "... how fast you get drunk"): then it is not what the sentence
    says about the client."""
    if m.string is not text or m.start() == 0:
        return False
    return _SUBORDINATOR.search(text, 0, m.start()) is not None


def _reflection(
    raw: str,
    text: str,
    cues: CueSet,
    said: frozenset[str],
    cue: str,
    conf: float,
    words: Words,
    *,
    weak: bool = False,
) -> SentenceCode:
    p = cues.practitioner
    # (A feeling word is quoted below, as what the reflection adds.)
    lead = p[cue].search(words) if cue != "feeling" else None
    quoted = f" ('{lead[0]}')" if lead is not None else ""
    # Meaning is added when the feeling, emphasis or other side is the practitioner's,
    # not words the client just used.
    here = words if text == words.text else Words(text)
    added = [
        m[0]
        for name in ("feeling", "complex")
        for m in p[name].finditer(here)
        if not (said and (mine := content_words(m[0])) and mine <= said)
    ]
    new = len(content_words_of(here) - said) if said else 0
    n_words = text.count(" ") + 1
    if added or n_words >= 14 or new >= 3:
        adds = f"'{added[0]}'" if added else "new meaning"
        reason = f"complex reflection: a statement about the client{quoted} that adds {adds}"
        return SentenceCode(raw, "CR", reason, conf, clean=text, weak=weak)
    reason = f"simple reflection: a statement about the client{quoted} close to their words"
    return SentenceCode(raw, "SR", reason, conf - 0.05, clean=text, weak=weak)
