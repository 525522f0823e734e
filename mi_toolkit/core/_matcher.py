"""Fast matching of a cue list: try a pattern only when a word it needs is in the sentence.

A cue list is dozens of alternatives; one regular expression searched over every
position of every sentence is where a naive coder spends its time, and most of it is
wasted: most patterns cannot match most sentences. So when a cue loads, each
pattern's source is read (:func:`requirement_of`) for a word every match must contain
(``"you were able to"`` needs ``able``; ``frustrat\\w*`` needs a word starting with
``fru``), preferring a word that is rare in everyday English to a common one such as
``you`` or ``it``. Patterns that need the same word are grouped, and each group is
compiled the first time it is needed (loading stays quick).

For a sentence, :class:`Words` holds the set of its words (made in C: for ASCII text
by a bytes ``translate`` and ``split``, or handed over by
:func:`~mi_toolkit.core._text.normalise_words`, which has them already), and, when a
cue first asks, the first three letters of its words that some matcher looks for. A
cue list whose words are all missing costs one set intersection; otherwise only the
groups whose word is present are searched. Which groups those are depends only on
which of the list's words and word beginnings the sentence has, so the answer is kept
for each such combination (up to ``_KNOWN_COMBINATIONS`` of them): most sentences of a
transcript find it ready. Patterns with no such word are always searched. The
leftmost match is returned, and where two groups match at the same place the whole
list decides there, so the result is the one a single big ``search`` gives
(``tests/test_coder.py`` checks this on every sentence it has).

Internal to :mod:`mi_toolkit.core.coder`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from operator import itemgetter

from mi_toolkit.core._text import _BREAKS_ASCII

__all__ = [
    "COMMON_WORDS",
    "VERY_COMMON_WORDS",
    "Matcher",
    "Words",
    "requirement_of",
    "requirements_of",
]

_TOKEN = re.compile(r"[\w'][\w']*")  # a class first: the engine skips to words in C
# On printable ASCII text an ASCII pattern matches exactly what the Unicode one does
# (\w, \d, \s and \b differ only outside it), and tests a character in a table
# instead of calling the Unicode database: see Words.ascii. Such text's words are
# found without a pattern: as bytes, every character but \w and "'" made a space,
# split (_BREAKS_ASCII).
_FIRST3 = itemgetter(slice(3))
# Every word beginning a matcher looks for (each Matcher adds its own): Words.starts
# makes only these.
_STARTS: set[str] = set()
# How many combinations of its words a matcher remembers the groups of (see
# Matcher._candidates); the busiest list met 755-910 on the benchmark's 10,000-turn
# transcripts (over all lists, 89-95% of look-ups found the answer kept).
_KNOWN_COMBINATIONS = 1024
_BOUNDARY = r"(?![\w'])"
_START = r"(?<![\w'])"
# Everyday English words too frequent to be worth looking for: a sentence nearly
# always has one of the first group, often one of the second. Only speed depends on
# these lists, never a result.
_VERY_COMMON_WORDS = (
    "a an and are be do for have i in is it me my not of on so that the this to was we "
    "what you your"
)
_COMMON_WORDS = (
    "about all also am any as at because been but by can could did does from get go going "
    "got had has he her him his how if its just know like more no now one or our out "
    "really right she should some them then there they think too up us very well were "
    "when where which who why will with would yeah yes"
)
VERY_COMMON_WORDS = frozenset(_VERY_COMMON_WORDS.split())
COMMON_WORDS = VERY_COMMON_WORDS | frozenset(_COMMON_WORDS.split())


class Words:
    """The words of one sentence, as a set, shared by every cue tried on it; the set
    of their first three letters is made the first time a cue asks for it. ``ascii``
    says the text is printable ASCII, where ``re.ASCII`` patterns match as the
    Unicode ones do (white space aside, which only Unicode finds in control codes).

    Example::

        >>> sorted(Words("so it is, isn't it").words)
        ['is', "isn't", 'it', 'so']
        >>> sorted(Words("frustrated again").prefixes)
        ['aga', 'fru']
    """

    __slots__ = ("_starts", "ascii", "text", "words")

    def __init__(self, text: str, words: set[str] | None = None) -> None:
        """``words``: the set of the words of ``text`` as
        :func:`~mi_toolkit.core._text.normalise_words` gives it (only for the printable
        ASCII text it gives it for)."""
        self.text = text
        if words is not None:
            self.words = words
            self.ascii = True
            self._starts = None
            return
        # printable ASCII (no control characters, so no \s that only Unicode knows)
        self.ascii = text.isascii() and text.isprintable()
        if self.ascii:
            self.words = set(text.encode().translate(_BREAKS_ASCII).decode().split())
        else:
            self.words = set(_TOKEN.findall(text))
        self._starts: set[str] | None = None

    @property
    def prefixes(self) -> set[str]:
        """The first three letters of every word of three letters or more."""
        return {w[:3] for w in self.words if len(w) > 2}

    @property
    def starts(self) -> set[str]:
        """The :attr:`prefixes` some matcher looks for (made the first time a cue asks:
        the matchers need no others)."""
        if self._starts is None:
            self._starts = _STARTS.intersection(map(_FIRST3, self.words))
        return self._starts


class _Group:
    """Patterns that need the same words, compiled the first time they are needed
    (``compiled``: the Unicode pattern, and the ASCII one for printable ASCII text).

    Besides the need the group is found by, ``all_of`` holds the single words it also
    needs and ``any_of`` the other needs (one of several words, or of several word
    beginnings); the group is searched only when all are met."""

    __slots__ = ("all_of", "any_of", "bare", "compiled", "source")

    def __init__(self, source: str, others: tuple[frozenset[str], ...]) -> None:
        self.source = source
        single = [n for n in others if len(n) == 1 and not next(iter(n)).endswith("*")]
        self.all_of = frozenset().union(*single)
        self.any_of = tuple(_split_need(n) for n in others if n not in single)
        self.compiled: list[re.Pattern[str] | None] = [None, None]
        # Compiled without the leading look-behind (a match's word start is checked
        # here instead): a pattern that starts with one gives the engine nothing to
        # skip to, so it runs a look-behind at every position. Only for groups whose
        # every pattern starts with a letter (see Matcher); the result is the same.
        self.bare = False

    def possible(self, words: Words) -> bool:
        for whole, starts in self.any_of:
            if whole.isdisjoint(words.words) and (not starts or starts.isdisjoint(words.starts)):
                return False
        return True

    def compile(self, ascii: bool) -> re.Pattern[str]:
        """The group's pattern (for printable ASCII text, the ASCII one), compiled."""
        source = self.source[len(_START) :] if self.bare else self.source
        found = self.compiled[ascii] = re.compile(source, re.ASCII if ascii else 0)
        return found

    def search(self, text: str, pos: int = 0, ascii: bool = False) -> re.Match[str] | None:
        """``ascii``: ``text`` is printable ASCII (:attr:`Words.ascii`); Matcher.search
        does the same inline."""
        found = self.compiled[ascii] or self.compile(ascii)
        m = found.search(text, pos)
        if self.bare:
            # a match inside a word is none; the next one may start later
            while m is not None and (start := m.start()) and _is_word_char(text[start - 1]):
                m = found.search(text, start + 1)
        return m


def _split_need(need: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
    return (
        frozenset(k for k in need if not k.endswith("*")),
        frozenset(k[:3] for k in need if k.endswith("*")),
    )


class Matcher:
    """A list of patterns (each optionally in a named group ``kind``) made fast to search.

    ``pattern`` is the whole list as one expression, for ``sub`` and ``finditer``
    (``source`` is its text); ``lazy=True`` compiles it the first time it is asked
    for instead of at once (compiling it is what checks every pattern). Patterns
    that begin with ``^`` are kept apart (``anchored``): they are tried once, at the
    start of the text the caller says the sentence starts with.
    """

    def __init__(self, patterns: list[tuple[str, str | None]], *, lazy: bool = False) -> None:
        self.source = rf"{_START}(?:{_join(patterns)}){_BOUNDARY}"
        if not lazy:
            self.__dict__["pattern"] = re.compile(self.source)
        anchored = [(p, kind) for p, kind in patterns if p.startswith("^")]
        unanchored = [(p, kind) for p, kind in patterns if not p.startswith("^")]
        self.anchored = re.compile(f"(?:{_join(anchored)}){_BOUNDARY}") if anchored else None
        by_need: dict[tuple[frozenset[str], ...], list[tuple[str, str | None]]] = {}
        for pattern, kind in unanchored:
            by_need.setdefault(requirements_of(pattern), []).append((pattern, kind))
        rest = by_need.pop((), [])
        self.fallback = re.compile(rf"{_START}(?:{_join(rest)}){_BOUNDARY}") if rest else None
        self._unanchored = f"{_START}(?:{_join(unanchored)}){_BOUNDARY}" if unanchored else ""
        self._tie: re.Pattern[str] | None = None
        # word -> the groups found by it; "fru" -> groups found by a word starting so
        self._by_word: dict[str, list[_Group]] = {}
        self._by_prefix: dict[str, list[_Group]] = {}
        for needs, ps in by_need.items():
            group = _Group(f"{_START}(?:{_join(ps)}){_BOUNDARY}", needs[1:])
            group.bare = all(_starts_with_letter(a) for p, _ in ps for a in _split_top(p))
            for key in needs[0]:
                if key.endswith("*"):
                    self._by_prefix.setdefault(key[:3], []).append(group)
                else:
                    self._by_word.setdefault(key, []).append(group)
        self._word_keys = frozenset(self._by_word)
        self._prefix_keys = frozenset(self._by_prefix)
        # With neither ^ patterns nor patterns that need no word, a sentence that has
        # none of the words cannot match: search answers from the word set alone.
        self._always = self.fallback is not None or self.anchored is not None
        # Which groups a sentence may match depends only on which of these words and
        # word beginnings it has: the answer is kept for each such combination.
        groups = self._groups()
        self._relevant = self._word_keys.union(
            *(g.all_of for g in groups), *(whole for g in groups for whole, _ in g.any_of)
        )
        self._relevant_starts = self._prefix_keys.union(
            *(starts for g in groups for _, starts in g.any_of)
        )
        _STARTS.update(self._relevant_starts)  # Words.starts makes these
        self._known: dict[object, list[_Group]] = {}

    def _groups(self) -> list[_Group]:
        return [g for gs in (*self._by_word.values(), *self._by_prefix.values()) for g in gs]

    # Not __getattr__: a class with one has none of its attribute look-ups sped up by
    # the interpreter, and the coder looks up a matcher's attributes all the time.
    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The whole list, compiled on first use (then a plain attribute)."""
        return re.compile(self.source)

    def _candidates(self, words: Words) -> list[_Group]:
        """The groups whose needs this sentence meets (in no particular order; the
        list is shared: not to be changed)."""
        key: object = self._relevant.intersection(words.words)
        if self._relevant_starts:
            key = (key, self._relevant_starts.intersection(words.starts))
        groups = self._known.get(key)
        if groups is None:
            groups = self._find_candidates(words)
            if len(self._known) >= _KNOWN_COMBINATIONS:
                self._known.clear()  # a bound on memory; the common ones come back
            self._known[key] = groups
        return groups

    def _find_candidates(self, words: Words) -> list[_Group]:
        have = words.words
        found = self._word_keys.intersection(have)
        if not found:
            groups: list[_Group] = []
        elif len(found) == 1:
            groups = self._by_word[next(iter(found))]
        else:
            groups = list(set().union(*map(self._by_word.__getitem__, found)))
        if self._prefix_keys:
            found = self._prefix_keys.intersection(words.starts)
            if found:
                groups = list(set(groups).union(*map(self._by_prefix.__getitem__, found)))
        return [g for g in groups if g.all_of <= have and (not g.any_of or g.possible(words))]

    def may_match(self, words: Words) -> bool:
        """False when no pattern can match (a cheap test on the sentence's words)."""
        return self._always or bool(self._candidates(words))

    def search(self, words: Words, start: str | None = None) -> re.Match[str] | None:
        """The leftmost match in ``words.text``, or None.

        ``start`` is where the sentence proper starts (``words.text`` without opening
        words like "okay, so"), for the ``^`` patterns; a match there is returned
        first (it is a match at the start of what is being said).
        """
        if not self._word_keys.isdisjoint(words.words) or (
            self._prefix_keys and not self._prefix_keys.isdisjoint(words.starts)
        ):
            groups = self._candidates(words)
            if not groups and not self._always:
                return None
        elif self._always:
            groups = []
        else:
            return None  # the common case: nothing this list needs is here
        text = words.text
        if self.anchored is not None:
            m = self.anchored.match(text if start is None else start)
            if m is not None:
                return m
        best = self.fallback.search(text) if self.fallback is not None else None
        tie = False
        ascii = words.ascii
        for group in groups:
            found = group.compiled[ascii] or group.compile(ascii)
            m = found.search(text)
            if group.bare:
                # a match inside a word is none; the next one may start later
                while m is not None and (at := m.start()) and _is_word_char(text[at - 1]):
                    m = found.search(text, at + 1)
            if m is not None:
                if best is None or m.start() < best.start():
                    best = m
                elif m.start() == best.start():
                    tie = True  # two groups match at the same place
        if tie and best is not None:
            best = self._at(text, best.start())
        return best

    def finditer(self, words: Words) -> list[re.Match[str]]:
        """Every match in ``words.text``, as ``pattern.finditer`` gives them."""
        text = words.text
        if self.anchored is not None:
            return list(self.pattern.finditer(text))
        searches = [g.search for g in self._candidates(words)]
        if self.fallback is not None:
            searches.append(self.fallback.search)
        pending = [(find, m) for find in searches if (m := find(text)) is not None]
        found = []
        while pending:
            start = min(m.start() for _, m in pending)
            here = [m for _, m in pending if m.start() == start]
            best = here[0] if len(here) == 1 else self._at(text, start)
            found.append(best)
            end = best.end()
            # a group's next match is still its next one if it starts after this one
            pending = [(find, m if m.start() >= end else find(text, end)) for find, m in pending]
            pending = [(find, m) for find, m in pending if m is not None]
        return found

    def _at(self, text: str, start: int) -> re.Match[str] | None:
        """The match at ``start`` when two groups match there: which pattern wins is
        decided by the list's order, as in one big search."""
        if self._tie is None:
            self._tie = re.compile(self._unanchored)
        return self._tie.match(text, start)


def _join(patterns: list[tuple[str, str | None]]) -> str:
    """Alternatives in order; patterns of one kind go in a group named after it."""
    if all(kind is None for _, kind in patterns):
        return "|".join(p for p, _ in patterns)
    kinds: dict[str, list[str]] = {}
    for p, kind in patterns:
        kinds.setdefault(kind or "", []).append(p)
    return "|".join(f"(?P<{k}>{'|'.join(ps)})" for k, ps in kinds.items())


# ------------------------------------------------ what a pattern needs


def requirement_of(pattern: str) -> frozenset[str] | None:
    """Words one of which every match of ``pattern`` contains, or None if none can be
    told from its source: ``"word"`` for a whole word, ``"abc*"`` for a word starting
    with those three letters. The most telling is chosen: a rare word before an
    everyday one (:data:`COMMON_WORDS`), a whole word before a beginning.

    Example::

        >>> sorted(requirement_of("you were able to"))
        ['able']
        >>> sorted(requirement_of(r"(?:that|it) (?:took|takes) courage"))
        ['courage']
        >>> sorted(requirement_of(r"frustrat\\w*"))
        ['fru*']
        >>> sorted(requirement_of("(?:it|this) hurts?|pain"))
        ['hur*', 'pain']
        >>> requirement_of(r"\\w+ly") is None
        True
    """
    needs = requirements_of(pattern)
    return needs[0] if needs else None


def requirements_of(pattern: str) -> tuple[frozenset[str], ...]:
    """Everything :func:`requirement_of` can tell every match needs, the most telling
    first; () when nothing can be told.

    Example::

        >>> [sorted(n) for n in requirements_of("you (?:really )?(?:should|must) stop")]
        [['stop'], ['must', 'should'], ['you']]
    """
    if pattern.startswith("^"):
        return ()
    alternatives = _split_top(pattern)
    try:
        found = [sorted(_needs(_items(alt), True, True), key=_cost) for alt in alternatives]
    except ValueError:
        return ()
    if not all(found):
        return ()
    if len(found) == 1:
        return tuple(dict.fromkeys(found[0]))  # distinct, in order
    return (frozenset().union(*(needs[0] for needs in found)),)


_QUANT = "?*+{"
_SOFT = ("soft",)


def _items(source: str) -> list[tuple]:
    """The top level of ``source`` as ("char", c), ("group", [alternatives]),
    ("optional", ends at a word boundary) for an optional group, or _SOFT.

    Other quantified items are _SOFT, as are classes, escapes other than ``\\s`` and
    escaped punctuation, lookarounds and anchors: they promise no word."""
    items: list[tuple] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "(":
            end = _closing(source[i:])
            if end is None:
                raise ValueError(source)
            inner = source[i + 1 : i + end]
            i += end + 1
            if inner.startswith("?:"):
                item: tuple = ("group", [_items(a) for a in _split_top(inner[2:])])
            elif inner.startswith("?P<"):
                body = inner[inner.index(">") + 1 :]
                item = ("group", [_items(a) for a in _split_top(body)])
            elif inner.startswith("?"):
                item = _SOFT  # lookaround, flags
            else:
                item = ("group", [_items(a) for a in _split_top(inner)])
        elif ch == "[":
            j = i + 1
            if j < n and source[j] == "^":
                j += 1
            if j < n and source[j] == "]":
                j += 1
            while j < n and source[j] != "]":
                j += 2 if source[j] == "\\" else 1
            i = j + 1
            item = _SOFT
        elif ch == "\\":
            nxt = source[i + 1 : i + 2]
            i += 2
            if nxt.isalnum() or nxt == "_":
                item = ("char", " ") if nxt == "s" else _SOFT  # \s: some white space
            else:
                item = ("char", nxt)  # escaped punctuation: itself
        elif ch in ".^$":
            i += 1
            item = _SOFT
        elif ch in _QUANT or ch in "|)":
            raise ValueError(source)  # not expected at this level
        else:
            i += 1
            item = ("char", ch)
        if i < n and source[i] in _QUANT:  # optional or repeated: promises no word
            quant = source[i]
            if quant == "{":
                close = source.find("}", i)
                if close == -1:
                    raise ValueError(source)
                quant = source[i : close + 1]
                i = close
            i += 1
            if i < n and source[i] in "?+":
                i += 1  # lazy or possessive
            optional = quant in ("?", "*") or quant.startswith(("{0,", "{,"))
            if item[0] == "group" and optional:
                # "(?:really )?": when it is there, it ends at a word boundary or not
                item = ("optional", all(_ends_non_word(alt) for alt in item[1]))
            else:
                item = _SOFT
        items.append(item)
    return items


def _is_word_char(ch: str) -> bool:
    """What ``[\\w']`` matches (the same in Unicode and, on ASCII text, ASCII mode)."""
    return ch.isalnum() or ch in "_'"


def _starts_with_letter(alternative: str) -> bool:
    """True when a match of ``alternative`` starts with a fixed lower-case letter (or
    with a group whose every alternative does)."""
    if alternative.startswith(("(?:", "(?P<")):
        end = _closing(alternative)
        if end is None or alternative[end + 1 : end + 2] in ("?", "*", "+", "{"):
            return False
        inner = alternative[alternative.index(">") + 1 if alternative[2] == "P" else 3 : end]
        return all(map(_starts_with_letter, _split_top(inner)))
    return "a" <= alternative[:1] <= "z" and alternative[1:2] not in ("?", "*", "+", "{")


def _ends_non_word(items: list[tuple]) -> bool:
    return bool(items) and items[-1][0] == "char" and not _is_word_char(items[-1][1])


def _needs(items: list[tuple], left_hard: bool, right_hard: bool) -> list[frozenset[str]]:
    """Requirements (each a set of alternatives, one of which a match contains) of a
    sequence whose left and right neighbours are (hard) or may be (soft) non-word."""
    needs: list[frozenset[str]] = []
    word = ""
    hard = left_hard  # is the current word's left edge a word boundary?
    for k, item in enumerate(items):
        kind = item[0]
        if kind == "char":
            if _is_word_char(item[1]):
                word += item[1]
                continue
            _close(needs, word, hard, True)
            word, hard = "", True
        elif kind == "optional":
            _close(needs, word, hard, False)
            # absent, what follows starts where we are; present, it ends as it ends
            hard = not word and hard and item[1]
            word = ""
        elif kind == "group":  # a group that must match: one of its alternatives will
            group_left = not word and hard
            _close(needs, word, hard, False)
            after = items[k + 1] if k + 1 < len(items) else None
            if after is None:
                group_right = right_hard
            else:
                group_right = after[0] == "char" and not _is_word_char(after[1])
            choices = [_best(_needs(alt, group_left, group_right)) for alt in item[1]]
            if all(c is not None for c in choices):
                needs.append(frozenset().union(*(c[1] for c in choices)))  # type: ignore[index]
            word, hard = "", all(_ends_non_word(alt) for alt in item[1])
        else:
            _close(needs, word, hard, False)
            word, hard = "", False
    _close(needs, word, hard, right_hard)
    return needs


def _close(needs: list[frozenset[str]], word: str, left: bool, right: bool) -> None:
    """Add the word just read: whole when both its edges are word boundaries, a
    beginning when only the left one is (and it has three letters or more)."""
    if not word or not left:
        return
    if right:
        needs.append(frozenset({word}))
    elif len(word) >= 3:
        needs.append(frozenset({word[:3] + "*"}))


def _best(needs: list[frozenset[str]]) -> tuple[tuple[float, int], frozenset[str]] | None:
    """The most telling requirement (see :func:`_cost`)."""
    if not needs:
        return None
    best = min(needs, key=_cost)
    return _cost(best), best


def _cost(need: frozenset[str]) -> tuple[float, int]:
    """How often a sentence is expected to meet ``need`` (lower is better): a very
    common word counts 3, another everyday word 1, a word beginning 0.3, any other
    word 0.05, added up over the alternatives; a longer shortest alternative breaks
    ties."""
    return sum(map(_weight, need)), -min(len(key) for key in need)


def _weight(key: str) -> float:
    if key.endswith("*"):
        return 0.3
    if key in COMMON_WORDS:
        return 3.0 if key in VERY_COMMON_WORDS else 1.0
    return 0.05


def _split_top(pattern: str) -> list[str]:
    """Split on ``|`` outside groups and character classes."""
    parts, start = [], 0
    for i, ch, depth in _structure(pattern):
        if ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def _closing(text: str) -> int | None:
    """Index of the ``)`` closing the group that opens ``text``."""
    for i, ch, depth in _structure(text):
        if ch == ")" and depth == 1:
            return i
    return None


def _structure(text: str) -> Iterator[tuple[int, str, int]]:
    """``(index, char, depth)`` for each character outside escapes and character
    classes; ``depth`` is the number of groups open before it."""
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
        else:
            yield i, ch, depth
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
        i += 1
