"""Helpers shared by the practice models (reflection, sorter, OARS). Internal.

- :func:`clean_response`: a learner's written response made safe to store and check,
  with the reason when it cannot be checked (blank, too long, no words, not English).
- :func:`matchable`: the lower-cased, contraction-expanded form the practice cues
  are written against ("you're" -> "you are", "don't" -> "do not").
- Content validation (:class:`Reader`) and saved-state helpers.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mi_toolkit.core.content import ContentError, require
from mi_toolkit.core.ruler import StateError

__all__ = [
    "MAX_RESPONSE_CHARS",
    "CheckedText",
    "CueList",
    "Reader",
    "StateError",
    "clean_response",
    "fill",
    "matchable",
    "read_list",
    "state_header",
    "text_field",
]

MAX_RESPONSE_CHARS = 1000
_JOINERS = {"\u200c", "\u200d"}
_DROPPED = {"Cc", "Cf", "Cs", "Co", "Cn"}
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_CONTRACTIONS = [
    (r"\bcan't\b|\bcannot\b", "can not"),
    (r"\bwon't\b", "will not"),
    (r"\b(\w+)n't\b", r"\1 not"),
    (r"\bi'm\b", "i am"),
    (r"\b(you|we|they)'re\b", r"\1 are"),
    (r"\b(i|you|we|they)'ve\b", r"\1 have"),
    (r"\b(i|you|we|they|it|that)'ll\b", r"\1 will"),
    (r"\b(i|you|we|they|it|that)'d\b", r"\1 would"),
    (r"\b(it|that|what|there|here|he|she|this)'s\b", r"\1 is"),
]
_CONTRACTION_RES = [(re.compile(a), b) for a, b in _CONTRACTIONS]


@dataclass(frozen=True)
class CheckedText:
    """A learner's response: ``text`` to store and show, ``plain`` to check.

    ``problem`` is ``None`` when it can be checked, else one of ``blank``,
    ``too_long``, ``no_words``, ``not_english``; ``chars`` is the original length.
    """

    text: str
    plain: str
    problem: str | None = None
    chars: int = 0


def clean_response(raw: str | None, *, limit: int = MAX_RESPONSE_CHARS) -> CheckedText:
    """Clean a written response; say why it cannot be checked, if it cannot.

    Unicode is NFC-normalised for display and NFKC-folded for checking (so
    mathematical or full-width letters read as plain ones); control and format
    characters (zero-width spaces, direction overrides, lone surrogates) are
    dropped and whitespace runs become one space. HTML is left alone: the view
    escapes it.

    Example::

        >>> clean_response("  You\u200b feel   stuck. ").text
        'You feel stuck.'
        >>> clean_response("x" * 5000).problem
        'too_long'
    """
    raw = raw or ""
    if len(raw) > limit * 4:  # do not even normalise a pasted book
        return CheckedText("", "", "too_long", len(raw))
    text = unicodedata.normalize("NFC", raw)
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or ch in _JOINERS or unicodedata.category(ch) not in _DROPPED
    )
    text = " ".join(text.split())
    if not text:
        return CheckedText("", "", "blank", len(raw))
    if len(text) > limit:
        return CheckedText("", "", "too_long", len(text))
    folded = unicodedata.normalize("NFKC", text)
    # Combining marks piled on letters ("zalgo") are dropped for checking only.
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", folded) if not _is_mark(ch))
    plain = unicodedata.normalize("NFC", plain)
    letters = [ch for ch in plain if ch.isalpha()]
    if not letters:
        return CheckedText(text, plain, "no_words", len(text))
    latin = sum(ch.isascii() for ch in letters)
    if latin < 0.6 * len(letters):
        return CheckedText(text, plain, "not_english", len(text))
    return CheckedText(text, plain, None, len(text))


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in {"Mn", "Me"}


def matchable(text: str) -> str:
    """Lower case, straight apostrophes, contractions spelled out, single spaces."""
    text = text.translate(_QUOTES).lower()
    for pattern, repl in _CONTRACTION_RES:
        text = pattern.sub(repl, text)
    return " ".join(text.split())


# ---------------------------------------------------------------- content


class CueList:
    """Phrases (regular-expression fragments) matched at word boundaries."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        joined = "|".join(f"(?:{p})" for p in self.patterns) or r"(?!x)x"
        self._re = re.compile(rf"(?<![\w'])(?:{joined})(?![\w'])")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CueList) and other.patterns == self.patterns

    def __hash__(self) -> int:
        return hash(self.patterns)

    def __repr__(self) -> str:
        return f"CueList({len(self.patterns)} patterns)"

    def search(self, text: str) -> re.Match[str] | None:
        return self._re.search(text)

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        return self._re.finditer(text)


class Reader:
    """Validating reads from one content file; every error names the file and key."""

    def __init__(self, file: str, version: int) -> None:
        self.file = file
        self.version = version

    def error(self, key: str, problem: str) -> ContentError:
        return ContentError(self.file, key, problem)

    def check_version(self, data: dict[str, Any]) -> None:
        found = require(data, "schema_version", int, file=self.file)
        if found != self.version:
            raise self.error(
                "schema_version",
                f"version {found} is not supported (expected {self.version})",
            )

    def get(self, data: dict[str, Any], key: str, kind: type, path: str = "") -> Any:
        return require(data, key, kind, file=self.file, path=path)

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(path, "expected an object")
        return value

    def items(self, data: dict[str, Any], key: str, path: str = "", minimum: int = 1) -> list:
        full = f"{path}.{key}" if path else key
        values = self.get(data, key, list, path)
        if len(values) < minimum:
            raise self.error(full, f"needs at least {minimum} item{'s' * (minimum > 1)}")
        return values

    def texts(self, data: dict[str, Any], key: str, path: str = "") -> tuple[str, ...]:
        full = f"{path}.{key}" if path else key
        out = []
        for i, item in enumerate(self.items(data, key, path)):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{full}[{i}]", "expected non-empty text")
            out.append(item)
        return tuple(out)

    def cues(self, data: dict[str, Any], key: str, path: str = "") -> CueList:
        full = f"{path}.{key}" if path else key
        patterns = self.texts(data, key, path)
        for i, pattern in enumerate(patterns):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise self.error(f"{full}[{i}]", f"bad pattern: {exc}") from None
        return CueList(patterns)

    def choice(self, data: dict[str, Any], key: str, allowed: Iterable[str], path: str) -> str:
        value = self.get(data, key, str, path)
        allowed = tuple(allowed)
        if value not in allowed:
            raise self.error(f"{path}.{key}", f"unknown value {value!r} (one of {allowed})")
        return value

    def unique_ids(self, entries: list[Any], path: str) -> list[dict[str, Any]]:
        """Check ``entries`` are objects with unique, non-empty ``id`` texts."""
        seen: set[str] = set()
        out = []
        for i, entry in enumerate(entries):
            entry = self.obj(entry, f"{path}[{i}]")
            ident = self.get(entry, "id", str, f"{path}[{i}]")
            if ident in seen:
                raise self.error(f"{path}[{i}].id", f"duplicate id {ident!r}")
            seen.add(ident)
            out.append(entry)
        return out

    def templates(
        self, data: dict[str, Any], key: str, required: Iterable[str], allowed: set[str]
    ) -> dict[str, str]:
        """Feedback texts: every ``required`` key present, placeholders only from ``allowed``."""
        section = self.obj(self.get(data, key, dict), key)
        out = {}
        for name in required:
            text = self.get(section, name, str, key)
            try:
                fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
            except ValueError as exc:
                raise self.error(f"{key}.{name}", f"bad template: {exc}") from None
            bad = sorted(fields - allowed)
            if bad:
                raise self.error(f"{key}.{name}", f"unknown placeholder {{{bad[0]}}}")
            out[name] = text
        unknown = sorted(set(section) - set(out))
        if unknown:
            raise self.error(f"{key}.{unknown[0]}", "unknown feedback key")
        return out


def fill(template: str, **values: Any) -> str:
    """Fill a validated template; placeholders it does not use are ignored."""
    return template.format_map(_Blank(values))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


# ---------------------------------------------------------------- saved state


def state_header(data: Any, *, kind: str, version: int, what: str) -> dict[str, Any]:
    """Check a saved state's envelope (object, ``kind``, ``schema_version``)."""
    if not isinstance(data, dict):
        raise StateError(f"saved {what} must be an object")
    if data.get("schema_version") != version:
        raise StateError(
            f"saved {what} has schema version {data.get('schema_version')!r}, expected {version}"
        )
    if data.get("kind", kind) != kind:
        raise StateError(f"saved state is a {data.get('kind')!r}, not a {kind!r}")
    return data


def read_list(data: dict[str, Any], key: str, item: Callable[[Any], Any], limit: int) -> tuple:
    """``data[key]`` (a list, last ``limit`` kept) read item by item into a tuple."""
    raw = data.get(key, [])
    if not isinstance(raw, list):
        raise StateError(f"{key} must be a list")
    try:
        return tuple(item(x) for x in raw[-limit:])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, StateError):
            raise
        raise StateError(f"bad entry in {key}: {exc}") from None


def text_field(data: dict[str, Any], key: str, default: str = "", limit: int = 4000) -> str:
    """A string field of saved state (NFC, control characters dropped, capped)."""
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise StateError(f"{key} must be text, got {type(value).__name__}")
    value = unicodedata.normalize("NFC", value)
    return "".join(
        ch for ch in value if ch.isspace() or unicodedata.category(ch) not in {"Cc", "Cs"}
    )[:limit]
