"""The coder's cue lists: loaded from ``coder_cues.json``, validated, compiled once.

Each list is compiled into a :class:`~mi_toolkit.core._matcher.Matcher`, which tries
a pattern only where a word it needs occurs (for the packaged file, a list's
whole-list pattern is compiled when first used: see :func:`load_cues`). Internal to
:mod:`mi_toolkit.core.coder`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from mi_toolkit.core._matcher import Matcher, Words
from mi_toolkit.core.content import ContentError, load_content, read_json_file, require

__all__ = [
    "MODAL_KINDS",
    "OBJECT_KINDS",
    "PHRASE_KINDS",
    "Cue",
    "CueSet",
    "load_cues",
]

FILE = "coder_cues.json"
SCHEMA_VERSION = 1
PRACTITIONER_CUES = (
    "backchannel",
    "structure",
    "question_request",
    "open_lead",
    "closed_lead",
    "tag",
    "seek",
    "permission",
    "autonomy",
    "affirm",
    "confront",
    "persuade",
    "suggestion",
    "general",
    "information",
    "reflection_lead",
    "feeling",
    "complex",
    "second_person",
)
MODAL_KINDS = ("desire", "ability", "need", "commitment", "activation", "taking_steps")
PHRASE_KINDS = ("reasons", "need", "ability", "commitment", "activation", "taking_steps", "desire")
OBJECT_KINDS = ("reduce", "keep", "start", "unhealthy", "healthy", "change")
_PRE = (
    r"(?:really|just|also|still|actually|honestly|definitely|probably|seriously|truly|"
    r"kind of|sort of|do|did|does|would|will|am|was|be|have|had|not|never|no longer|even|"
    r"already|so|totally|absolutely|certainly|maybe|might|may|could|can|should|hardly|"
    r"ever|think i|guess i|know i|feel like i|suppose i|believe i|hope i|wish i|"
    r"and|but|then|now|at least)"
)


class Cue:
    """One cue list, made fast to search (:class:`Matcher`), and the phrase shown to
    learners when it decides a code.

    ``search(words, start=None)`` is the leftmost match in the sentence ``words`` was
    built from (``start``: the sentence without its opening words, for patterns
    anchored with ``^``); ``finditer(words)`` lists every match;
    ``may_match(words)`` is False when none can match;
    ``pattern`` is the whole list as one expression (for ``sub`` and ``finditer``).
    The methods are the matcher's own, bound once: the coder calls them thousands of
    times a second.
    """

    __slots__ = ("__dict__", "explain", "finditer", "matcher", "may_match", "name", "search")

    def __init__(self, name: str, explain: str, matcher: Matcher) -> None:
        self.name = name
        self.explain = explain
        self.matcher = matcher
        self.search: Callable[..., re.Match[str] | None] = matcher.search
        self.may_match: Callable[[Words], bool] = matcher.may_match
        self.finditer: Callable[[Words], list[re.Match[str]]] = matcher.finditer

    # Not __getattr__, which would slow down every attribute look-up on a cue.
    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The matcher's, taken the first time it is used (the matcher compiles it
        then; afterwards it is a plain attribute)."""
        return self.matcher.pattern

    def __repr__(self) -> str:
        return f"Cue({self.name!r})"


@dataclass(frozen=True)
class CueSet:
    """Every compiled cue.

    ``modal`` matches "I (don't) want to / can / need to / will / stopped ...", with the
    kind in a named group and the words after it in ``obj``; ``objects`` tells what
    those words are about (named groups ``OBJECT_KINDS``); ``change`` and ``sustain``
    are fixed phrases with the DARN-CAT kind as the group name.
    """

    practitioner: dict[str, Cue]
    negation: Cue
    doubt: Cue
    reported: Cue
    refusal: Cue
    change_question: Cue
    backchannel_only: re.Pattern[str]
    modal: re.Pattern[str]
    modal_words: Matcher
    objects: re.Pattern[str]
    change: Cue
    sustain: Cue
    explain: dict[str, str]


def load_cues(path: str | Path | None = None) -> CueSet:
    """Load and compile ``coder_cues.json`` (the packaged one, or a file at ``path``).

    A file at ``path`` has every pattern compiled at once, which checks them all. The
    packaged file's whole-list patterns are compiled the first time they are used
    (most are never needed: the coder searches the small groups of
    :class:`~mi_toolkit.core._matcher.Matcher`), which keeps start-up quick; the test
    suite compiles every one of them.
    """
    if path is None:
        return _packaged()
    return _build(read_json_file(path, name=Path(path).name), Path(path).name)


@lru_cache(maxsize=1)
def _packaged() -> CueSet:
    return _build(load_content(FILE), FILE, lazy=True)


def _build(data: dict[str, Any], file: str, *, lazy: bool = False) -> CueSet:
    version = require(data, "schema_version", int, file=file)
    if version != SCHEMA_VERSION:
        raise ContentError(
            file, "schema_version", f"version {version} is not supported (expected 1)"
        )
    prac = require(data, "practitioner", dict, file=file)
    client = require(data, "client", dict, file=file)
    practitioner = {n: _cue(prac, n, file, "practitioner", lazy) for n in PRACTITIONER_CUES}
    back = practitioner["backchannel"].matcher.source
    explain: dict[str, str] = {}
    groups: dict[str, Matcher] = {}
    for section, kinds, key in (
        ("modal", MODAL_KINDS, "categories"),
        ("object", OBJECT_KINDS, "kinds"),
        ("change_phrases", PHRASE_KINDS, "categories"),
        ("sustain_phrases", PHRASE_KINDS, "categories"),
    ):
        groups[section] = _matcher(_groups(client, section, key, kinds, file), file, lazy)
        explain[section] = require(
            require(client, section, dict, file=file, path="client"),
            "explain",
            str,
            file=file,
            path=f"client.{section}",
        )
    modal_words = groups["modal"]
    # Tried with match where str.find finds "i " or "we " (see _client_talk).
    modal = re.compile(
        rf"(?<![\w'])(?:i|we)(?P<pre>(?: {_PRE}){{0,4}}?) "
        rf"(?P<modal>{modal_words.source})(?P<obj>[^.;!?]{{0,80}})"
    )
    return CueSet(
        practitioner=practitioner,
        negation=_cue(data, "negation", file, "", lazy),
        doubt=_cue(client, "doubt", file, "client", lazy),
        reported=_cue(client, "reported", file, "client", lazy),
        refusal=_cue(client, "refusal", file, "client", lazy),
        change_question=_cue(client, "change_question", file, "client", lazy),
        backchannel_only=re.compile(rf"(?:{back}[\s,.!;:-]*)+"),
        modal=modal,
        modal_words=modal_words,
        objects=groups["object"].pattern,
        change=Cue("change", explain["change_phrases"], groups["change_phrases"]),
        sustain=Cue("sustain", explain["sustain_phrases"], groups["sustain_phrases"]),
        explain=explain,
    )


def _groups(
    client: dict[str, Any], section: str, key: str, kinds: tuple[str, ...], file: str
) -> list[tuple[str, str | None, str]]:
    """Every pattern of a section with its kind and key, kinds in ``kinds`` order."""
    entry = require(client, section, dict, file=file, path="client")
    table = require(entry, key, dict, file=file, path=f"client.{section}")
    unknown = sorted(set(table) - set(kinds))
    if unknown:
        raise ContentError(file, f"client.{section}.{key}.{unknown[0]}", "unknown kind")
    where = f"client.{section}.{key}"
    present = [kind for kind in kinds if kind in table]
    if not present:
        raise ContentError(file, where, "needs at least one kind")
    return [
        (p, kind, f"{where}.{kind}[{i}]")
        for kind in present
        for i, p in enumerate(_patterns(table, kind, file, where))
    ]


def _patterns(data: dict[str, Any], key: str, file: str, path: str) -> list[str]:
    items = require(data, key, list, file=file, path=path)
    where = f"{path}.{key}" if path else key
    if not items:
        raise ContentError(file, where, "needs at least one pattern")
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise ContentError(file, f"{where}[{i}]", "expected a non-empty pattern")
    return items


def _cue(data: dict[str, Any], name: str, file: str, path: str, lazy: bool = False) -> Cue:
    entry = require(data, name, dict, file=file, path=path)
    where = f"{path}.{name}" if path else name
    explain = require(entry, "explain", str, file=file, path=where)
    phrases = _patterns(entry, "patterns", file, where)
    keyed = [(p, None, f"{where}.patterns[{i}]") for i, p in enumerate(phrases)]
    return Cue(name, explain, _matcher(keyed, file, lazy))


def _matcher(patterns: list[tuple[str, str | None, str]], file: str, lazy: bool = False) -> Matcher:
    """A Matcher of ``(pattern, kind, key)``; compiling it validates the patterns, and
    only when that fails are they compiled one by one, to name the bad one."""
    try:
        return Matcher([(p, kind) for p, kind, _ in patterns], lazy=lazy)
    except re.error:
        for p, _, key in patterns:
            _compile(p, file, key)
        raise ContentError(file, patterns[0][2], "the patterns do not combine") from None


def _compile(pattern: str, file: str, key: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ContentError(file, key, f"bad pattern: {exc}") from None
