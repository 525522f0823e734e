"""Developing discrepancy: values or goals, the current actions that bear on them, how
well each action fits each value, and what the person notices.

A worksheet is worked either for oneself (``"self"``) or for a case client from
content (the case's id), each on its own sheet, so switching never loses work.
The prompts ask, they do not judge ("How does X fit with wanting Y?"), and a
whose-goal check asks whether a goal is the person's own or a "should".

Example::

    >>> content = load_discrepancy()
    >>> state = WorksheetState().set_values("health").set_actions("late nights")
    >>> state = state.rate("health", "late nights", -2)
    >>> gaps(state.sheet)
    (('health', 'late nights', -2),)
    >>> prompts_for(content, state.sheet, "health")[0]
    'How does late nights fit with health, which you said matters to you?'
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from mi_toolkit.core._discrepancy_content import (
    FITS,
    OWNERS,
    Case,
    CaseValue,
    DiscrepancyContent,
    load_discrepancy,
)
from mi_toolkit.core._practice import StateError, fill, state_header, text_field
from mi_toolkit.core.ruler import clean_change_name

__all__ = [
    "FITS",
    "MAX_ITEMS",
    "MAX_NOTES_CHARS",
    "OWNERS",
    "Case",
    "CaseValue",
    "DiscrepancyContent",
    "Sheet",
    "StateError",
    "WorksheetState",
    "clean_notes",
    "describe_fits",
    "gaps",
    "load_discrepancy",
    "parse_items",
    "prompts_for",
]

SCHEMA_VERSION = 1
KIND = "discrepancy_worksheet"
SELF = "self"
MAX_ITEMS = 8
MAX_ITEM_CHARS = 120
MAX_NOTES_CHARS = 4000
MAX_LIST_INPUT = 20_000


def parse_items(raw: str | None) -> tuple[tuple[str, ...], str]:
    """Values or actions typed one a line: cleaned, de-duplicated, at most ``MAX_ITEMS``.

    Returns the items and a note for the learner ("" when nothing was changed).
    Text longer than ``MAX_LIST_INPUT`` is refused (``ValueError``) so a paste
    does not replace the list.
    """
    raw = raw or ""
    if len(raw) > MAX_LIST_INPUT:
        raise ValueError(f"that is {len(raw):,} characters; keep the list under {MAX_LIST_INPUT:,}")
    items: list[str] = []
    notes = []
    for line in raw.replace("\r", "\n").split("\n"):
        cleaned = clean_change_name(line.strip(" \t-*•"))
        text = cleaned.text
        if not text:
            continue
        if len(text) > MAX_ITEM_CHARS:
            text = text[: MAX_ITEM_CHARS - 1].rstrip() + "…"
            cleaned = replace(cleaned, was_shortened=True)
        if cleaned.was_shortened:
            notes.append(f"a long line was shortened to {MAX_ITEM_CHARS} characters")
        if text.casefold() in {i.casefold() for i in items}:
            notes.append(f"'{text}' was listed twice and is kept once")
            continue
        if len(items) == MAX_ITEMS:
            notes.append(f"only the first {MAX_ITEMS} are kept")
            break
        items.append(text)
    return tuple(items), "; ".join(dict.fromkeys(notes))


def clean_notes(raw: str | None) -> str:
    """What the person noticed: NFC, control characters dropped, line breaks kept.

    Raises ``ValueError`` past ``MAX_NOTES_CHARS`` so the caller can keep the old text.
    """
    text = unicodedata.normalize("NFC", (raw or "").replace("\r\n", "\n"))
    text = "".join(
        ch for ch in text if ch == "\n" or unicodedata.category(ch) not in {"Cc", "Cs", "Cf"}
    ).strip()
    if len(text) > MAX_NOTES_CHARS:
        raise ValueError(f"that is {len(text):,} characters; the limit is {MAX_NOTES_CHARS:,}")
    return text


@dataclass(frozen=True)
class Sheet:
    """One worksheet: values (with whose goal each is), actions, fits, notes."""

    values: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    owners: dict[str, str] = field(default_factory=dict)
    fits: dict[tuple[str, str], int] = field(default_factory=dict)
    notes: str = ""

    def fit(self, value: str, action: str) -> int | None:
        return self.fits.get((value, action))

    def _pruned(self) -> Sheet:
        """Drop owners and fits whose value or action is no longer listed."""
        return replace(
            self,
            owners={v: o for v, o in self.owners.items() if v in self.values},
            fits={
                k: f for k, f in self.fits.items() if k[0] in self.values and k[1] in self.actions
            },
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "values": list(self.values),
            "actions": list(self.actions),
            "owners": dict(self.owners),
            "fits": [{"value": v, "action": a, "fit": f} for (v, a), f in self.fits.items()],
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Sheet:
        if not isinstance(data, dict):
            raise StateError("a worksheet must be an object")
        lists = {}
        for key in ("values", "actions"):
            raw = data.get(key, [])
            if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
                raise StateError(f"{key} must be a list of text")
            lists[key], _ = parse_items("\n".join(raw[:MAX_ITEMS]))
        owners = data.get("owners", {})
        if not isinstance(owners, dict) or any(o not in OWNERS for o in owners.values()):
            raise StateError(f"owners must map values to one of {OWNERS}")
        fits = {}
        raw_fits = data.get("fits", [])
        if not isinstance(raw_fits, list):
            raise StateError("fits must be a list")
        for entry in raw_fits[: MAX_ITEMS * MAX_ITEMS]:
            if not isinstance(entry, dict) or entry.get("fit") not in FITS:
                raise StateError(f"bad fit entry {entry!r:.80}")
            if isinstance(entry["fit"], bool):
                raise StateError("a fit must be a whole number from -2 to 2")
            fits[(str(entry.get("value")), str(entry.get("action")))] = entry["fit"]
        notes = text_field(data, "notes", limit=MAX_NOTES_CHARS)
        sheet = cls(lists["values"], lists["actions"], dict(owners), fits, notes)
        return sheet._pruned()


@dataclass(frozen=True)
class WorksheetState:
    """Which sheet is on show (``"self"`` or a case id) and every sheet worked so far."""

    mode: str = SELF
    sheets: dict[str, Sheet] = field(default_factory=dict)

    @property
    def sheet(self) -> Sheet:
        return self.sheets.get(self.mode, Sheet())

    def _with(self, sheet: Sheet) -> WorksheetState:
        return replace(self, sheets={**self.sheets, self.mode: sheet._pruned()})

    def switch(self, mode: str, content: DiscrepancyContent | None = None) -> WorksheetState:
        """Show the sheet for ``mode``; a case's first visit is filled in from content."""
        if mode == self.mode:
            return self
        if mode != SELF:
            case = content.case(mode) if content else None
            if case is None:
                raise StateError(f"unknown case {mode!r}")
            if mode not in self.sheets:
                sheet = Sheet(
                    tuple(v.text for v in case.values)[:MAX_ITEMS], case.actions[:MAX_ITEMS]
                )
                return replace(self, mode=mode, sheets={**self.sheets, mode: sheet})
        return replace(self, mode=mode)

    def set_values(self, raw: str | None) -> WorksheetState:
        return self._with(replace(self.sheet, values=parse_items(raw)[0]))

    def add_values(self, names: tuple[str, ...] | list[str]) -> WorksheetState:
        """Add values (from the card sort, say) not listed yet, up to ``MAX_ITEMS``."""
        lines = "\n".join((*self.sheet.values, *names))
        return self._with(replace(self.sheet, values=parse_items(lines)[0]))

    def set_actions(self, raw: str | None) -> WorksheetState:
        return self._with(replace(self.sheet, actions=parse_items(raw)[0]))

    def set_owner(self, value: str, owner: str | None) -> WorksheetState:
        if value not in self.sheet.values:
            raise StateError(f"{value!r} is not one of the listed values")
        owners = {k: o for k, o in self.sheet.owners.items() if k != value}
        if owner:
            if owner not in OWNERS:
                raise StateError(f"unknown owner {owner!r}")
            owners[value] = owner
        return self._with(replace(self.sheet, owners=owners))

    def rate(self, value: str, action: str, fit: int | None) -> WorksheetState:
        if value not in self.sheet.values or action not in self.sheet.actions:
            raise StateError("rate only listed values and actions")
        fits = {k: f for k, f in self.sheet.fits.items() if k != (value, action)}
        if fit is not None:
            if isinstance(fit, bool) or fit not in FITS:
                raise StateError(f"a fit must be a whole number from -2 to 2, got {fit!r}")
            fits[(value, action)] = fit
        return self._with(replace(self.sheet, fits=fits))

    def write_notes(self, raw: str | None) -> WorksheetState:
        return self._with(replace(self.sheet, notes=clean_notes(raw)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": KIND,
            "mode": self.mode,
            "sheets": {k: s.to_dict() for k, s in self.sheets.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> WorksheetState:
        data = state_header(data, kind=KIND, version=SCHEMA_VERSION, what="discrepancy worksheet")
        mode = text_field(data, "mode", SELF, limit=100) or SELF
        raw = data.get("sheets", {})
        if not isinstance(raw, dict) or len(raw) > 50:
            raise StateError("sheets must be an object of at most 50 sheets")
        sheets = {str(k)[:100]: Sheet.from_dict(v) for k, v in raw.items()}
        return cls(mode=mode, sheets=sheets)


# ---------------------------------------------------------------- reading a sheet


def gaps(sheet: Sheet) -> tuple[tuple[str, str, int], ...]:
    """Actions that work against a value, biggest gap first: (value, action, fit)."""
    found = [(v, a, f) for (v, a), f in sheet.fits.items() if f < 0]
    order = {v: i for i, v in enumerate(sheet.values)}
    return tuple(sorted(found, key=lambda g: (g[2], order.get(g[0], 0))))


def prompts_for(content: DiscrepancyContent, sheet: Sheet, value: str) -> list[str]:
    """Questions that develop discrepancy for ``value`` without judging (plain text).

    One question per rated action (gaps first), then the whose-goal question when
    the owner is known; the "unrated" hint when nothing is rated yet.
    """
    rated = [(a, sheet.fit(value, a)) for a in sheet.actions if sheet.fit(value, a) is not None]
    rated.sort(key=lambda pair: pair[1])
    out = []
    for i, (action, fit) in enumerate(rated):
        kind = "gap" if fit < 0 else "mixed" if fit == 0 else "fit"
        templates = content.prompts[kind]
        out.append(_sentence(fill(templates[i % len(templates)], value=value, action=action)))
    if not out:
        out.append(fill(content.texts["unrated"], value=value))
    owner = sheet.owners.get(value)
    if owner:
        out.append(fill(content.owners[owner].prompt, value=value))
    return out


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def describe_fits(content: DiscrepancyContent, sheet: Sheet) -> str:
    """A plain-language description of the fit chart: its alt text."""
    if not sheet.values or not sheet.actions:
        return "No chart yet: list at least one value and one action."
    rated = len(sheet.fits)
    total = len(sheet.values) * len(sheet.actions)
    parts = [
        f"Chart of how {_count(len(sheet.actions), 'action')} fit "
        f"{_count(len(sheet.values), 'value')} "
        f"({rated} of {total} rated)."
    ]
    found = gaps(sheet)
    if found:
        parts.append(
            "Gaps: "
            + "; ".join(f"{a}: {content.fit_labels[f]} ({v})" for v, a, f in found[:5])
            + ("." if len(found) <= 5 else f"; and {len(found) - 5} more.")
        )
    else:
        parts.append("No action is rated as working against a value.")
    fits = [(v, a) for (v, a), f in sheet.fits.items() if f > 0]
    if fits:
        parts.append("Fits: " + "; ".join(f"{a} ({v})" for v, a in fits[:5]) + ".")
    return " ".join(parts)
