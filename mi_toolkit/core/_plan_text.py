"""Learner text for the planning tools (common ground, change plan, decisional
balance): cleaned, capped, never dropped. Internal.

The practice checks refuse text over their limit; a plan is the learner's own work,
so here an over-long paste is cut (with a note), never thrown away.
"""

from __future__ import annotations

from dataclasses import dataclass

from mi_toolkit.core._practice import clean_response

__all__ = ["MAX_TEXT", "KeptText", "keep_lines", "keep_text"]

MAX_TEXT = 2000


@dataclass(frozen=True)
class KeptText:
    """Cleaned ``text`` to store and show; ``note`` is ``blank``, ``shortened`` or ``None``."""

    text: str
    note: str | None = None


def keep_text(raw: str | None, limit: int = MAX_TEXT) -> KeptText:
    """NFC, control and format characters dropped, one space between words, at most
    ``limit`` characters (the first ``limit`` are kept). HTML is left for the view
    to escape.

    Example::

        >>> keep_text(" a\\u200b  b ").text
        'a b'
        >>> keep_text("x" * 100_000, 10)
        KeptText(text='xxxxxxxxxx', note='shortened')
    """
    raw = raw if isinstance(raw, str) else ""
    checked = clean_response(raw[: limit + 1], limit=limit * 2)
    if checked.problem == "blank":
        return KeptText("", "blank")
    text = checked.text
    if len(raw) > limit or len(text) > limit:
        return KeptText(text[:limit].rstrip(), "shortened")
    return KeptText(text)


def keep_lines(raw: str | None, *, limit: int = 200, most: int = 12) -> tuple[str, ...]:
    """Non-blank lines of ``raw``, each cleaned and capped, at most ``most`` of them."""
    raw = raw if isinstance(raw, str) else ""
    out = []
    for line in raw[: limit * most * 2].splitlines():
        kept = keep_text(line, limit).text
        if kept:
            out.append(kept)
    return tuple(out[:most])
