"""Fast matching of a cue list: try its patterns only where a word they can start with is.

A cue list is dozens of alternatives; one regular expression searched over every
position of every sentence is where a naive coder spends its time. Here, when a cue
loads, each pattern's possible first words are worked out from its source
(:func:`heads_of`): a whole word (``"you "``) or, when the word may go on
(``frustrat\\w*``), its first three letters. The patterns are grouped by first word
and each group is compiled once. For a sentence, :class:`Words` holds its words and
word-beginnings as a set (built in C, by ``findall`` and ``map``); only the groups
whose first word is present are tried, found with ``str.find`` and tried there with
``match``. Patterns whose start cannot be worked out are searched the ordinary way.
The leftmost match is returned, as one big ``search`` would.

Internal to :mod:`mi_toolkit.core.coder`.
"""

from __future__ import annotations

import re

__all__ = ["Matcher", "Words", "heads_of"]

_TOKEN = re.compile(r"[\w']+")
_BOUNDARY = r"(?![\w'])"


class Words:
    """Where each word of a sentence starts (``"word "`` -> positions), built once per
    sentence and shared by every cue; word beginnings (first three letters) are
    added the first time a cue asks for one.

    Example::

        >>> Words("so it is").keys["it "]
        [3]
    """

    __slots__ = ("keys", "prefixed", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        keys: dict[str, list[int]] = {}
        for m in _TOKEN.finditer(text):
            keys.setdefault(m.group() + " ", []).append(m.start())
        self.keys = keys
        self.prefixed = False

    def add_prefixes(self) -> None:
        """Add every word's first three letters to ``keys`` (once)."""
        keys = self.keys
        for word, spots in list(keys.items()):
            if len(word) >= 4:  # three letters or more, and the space
                keys.setdefault(word[:3], []).extend(spots)
        self.prefixed = True


class Matcher:
    """A list of patterns (each optionally in a named group ``kind``) made fast to search.

    ``pattern`` is the whole list as one expression, for ``sub`` and ``finditer``.
    Patterns that begin with ``^`` are kept apart (``anchored``): they are tried once,
    at the start of the text the caller says the sentence starts with.
    """

    def __init__(self, patterns: list[tuple[str, str | None]]) -> None:
        self.pattern = re.compile(rf"(?<![\w'])(?:{_join(patterns)}){_BOUNDARY}")
        grouped: dict[str, list[tuple[str, str | None]]] = {}
        rest: list[tuple[str, str | None]] = []
        anchored = [(p, kind) for p, kind in patterns if p.startswith("^")]
        self.anchored = re.compile(f"(?:{_join(anchored)}){_BOUNDARY}") if anchored else None
        for pattern, kind in patterns:
            if pattern.startswith("^"):
                continue
            heads = heads_of([pattern])
            if heads is None or any(len(h.rstrip()) < 3 and not h.endswith(" ") for h in heads):
                rest.append((pattern, kind))
                continue
            for head in heads:
                grouped.setdefault(head, []).append((pattern, kind))
        # head -> its patterns, tried with match where the head word starts; each group
        # is compiled the first time a sentence has its head word (loading stays quick)
        self._sources = {h: f"(?:{_join(ps)}){_BOUNDARY}" for h, ps in grouped.items()}
        self._groups: dict[str, re.Pattern[str]] = {}
        self.heads = frozenset(self._sources)
        self.words_only = all(h.endswith(" ") for h in self.heads)
        self.fallback = re.compile(rf"(?<![\w'])(?:{_join(rest)}){_BOUNDARY}") if rest else None

    def may_match(self, words: Words) -> bool:
        if self.fallback is not None or self.anchored is not None:
            return True
        keys = words.keys
        if not self.words_only and not words.prefixed:
            words.add_prefixes()
        return not self.heads.isdisjoint(keys)

    def search(self, words: Words, start: str | None = None) -> re.Match[str] | None:
        """The leftmost match in ``words.text``, or None.

        ``start`` is where the sentence proper starts (``words.text`` without opening
        words like "okay, so"), for the ``^`` patterns; a match there is returned
        first (it is a match at the start of what is being said).
        """
        text = words.text
        if self.anchored is not None:
            m = self.anchored.match(text if start is None else start)
            if m is not None:
                return m
        best = self.fallback.search(text) if self.fallback is not None else None
        keys = words.keys
        if not self.words_only and not words.prefixed:
            words.add_prefixes()
        for head in self.heads.intersection(keys):
            group = self._groups.get(head)
            if group is None:
                group = self._groups[head] = re.compile(self._sources[head])
            for pos in keys[head]:
                if best is not None and pos >= best.start():
                    break
                m = group.match(text, pos)
                if m is not None:
                    best = m
                    break
        return best


def _join(patterns: list[tuple[str, str | None]]) -> str:
    """Alternatives in order; patterns of one kind go in a group named after it."""
    if all(kind is None for _, kind in patterns):
        return "|".join(p for p, _ in patterns)
    kinds: dict[str, list[str]] = {}
    for p, kind in patterns:
        kinds.setdefault(kind or "", []).append(p)
    return "|".join(f"(?P<{k}>{'|'.join(ps)})" for k, ps in kinds.items())


_WORD_START = re.compile(r"[a-z0-9']+")


def heads_of(patterns: list[str]) -> frozenset[str] | None:
    """How a match of any of ``patterns`` can start, as keys of ``_text.word_keys``:
    ``"word "`` for a whole first word, up to three letters for a word's beginning.

    Example::

        >>> sorted(heads_of(["(?:that|it) takes", r"frustrat\\w*"]))
        ['fru', 'it ', 'that ']
    """
    found: set[str] = set()
    for pattern in patterns:
        heads = _alternatives(pattern, "")
        if heads is None:
            return None
        found |= heads
    return frozenset(found)


def _alternatives(pattern: str, tail: str) -> set[str] | None:
    out: set[str] = set()
    for alt in _split_top(pattern):
        heads = _start(alt, tail)
        if heads is None:
            return None
        out |= heads
    return out


def _start(alt: str, tail: str) -> set[str] | None:
    """The heads of one alternative; ``tail`` is what follows it in the pattern."""
    alt = alt.lstrip("^")
    if not alt:
        return None
    if alt.startswith("(?:"):
        end = _closing(alt)
        if end is None:
            return None
        after = alt[end + 1 :]
        optional = after[:1] in ("?", "*") or after.startswith("{0")
        if after[:1] in ("?", "*", "+"):
            after = after[1:].lstrip("?")
        elif after.startswith("{"):
            after = after[after.find("}") + 1 :].lstrip("?")
        inner = _alternatives(alt[3:end], after or tail)
        if inner is None or not optional:
            return inner
        following = _start(after, tail) if after else None
        return None if following is None else inner | following
    if alt.startswith("\\d"):
        return set("0123456789")
    m = _WORD_START.match(alt)
    if m is None:
        return None
    word, rest = m.group(0), alt[m.end() :] or tail
    if rest[:1] in ("?", "*", "{", "+"):  # "tests?", "mm+": the end of the word may vary
        word = word[:-1] if rest[:1] != "+" else word
        return {word[:3]} if word else None
    if (
        rest == ""
        or rest[:1] in (" ", "$", ",", "-", ".")
        or rest.startswith(("\\s", "\\?", "\\.", "\\b"))
    ):
        return {word + " "}
    return {word[:3]}  # the word may go on: "hop(?:e|ing)", "frustrat\\w*"


def _split_top(pattern: str) -> list[str]:
    """Split on ``|`` outside groups and character classes."""
    parts, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _closing(text: str) -> int | None:
    """Index of the ``)`` closing the group that opens ``text``."""
    depth, i, in_class = 0, 0, False
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None
