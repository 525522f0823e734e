"""The change-talk deck: client statements labelled change / sustain / neutral / mixed
with the DARN-CAT kind, EARS practice items, and feedback texts, read from
``change_talk_deck.json`` and validated. Internal; use :mod:`mi_toolkit.core.sorter`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mi_toolkit.core._practice import Reader
from mi_toolkit.core.content import read_content

__all__ = [
    "DARN_CAT",
    "EARS",
    "TALK_TYPES",
    "Card",
    "DeckContent",
    "EarsItem",
    "Label",
    "load_deck",
]

FILE = "change_talk_deck.json"
SCHEMA_VERSION = 1
TALK_TYPES = ("change", "sustain", "neutral", "mixed")
DARN_CAT = ("desire", "ability", "reasons", "need", "commitment", "activation", "taking_steps")
EARS = ("elaborate", "affirm", "reflect", "summarize", "none")
FEEDBACK_KEYS = (
    "choose_talk",
    "choose_kind",
    "talk_right",
    "talk_wrong",
    "mixed_half",
    "kind_right",
    "kind_wrong",
    "ears_choose",
    "ears_right",
    "ears_wrong",
    "score",
    "ears_score",
    "deck_done",
    "ears_done",
    "no_answers",
)
PLACEHOLDERS = {"expected", "chosen", "right", "total", "kind_right", "kind_total"}


@dataclass(frozen=True)
class Label:
    """How a talk type, DARN-CAT kind or EARS response is named and explained."""

    label: str
    about: str


@dataclass(frozen=True)
class Card:
    """A client statement to sort. ``kind`` is the DARN-CAT kind of its change talk
    (for ``change`` and ``mixed`` cards; ``None`` otherwise)."""

    id: str
    topic: str
    text: str
    talk: str
    kind: str | None
    why: str


@dataclass(frozen=True)
class EarsItem:
    """A practitioner's response to change talk, to label as E, A, R, S or none."""

    id: str
    client: str
    response: str
    answer: str
    why: str


@dataclass(frozen=True)
class DeckContent:
    talk_types: dict[str, Label]
    kinds: dict[str, Label]
    ears: dict[str, Label]
    feedback: dict[str, str]
    cards: tuple[Card, ...]
    ears_items: tuple[EarsItem, ...]

    def card(self, card_id: str) -> Card | None:
        return next((c for c in self.cards if c.id == card_id), None)


def load_deck(path: str | Path | None = None) -> DeckContent:
    """Load and validate ``change_talk_deck.json`` (packaged, or the file at ``path``)."""
    return _parse(*read_content(FILE, path))


def _labels(r: Reader, data: dict[str, Any], key: str, names: tuple[str, ...]) -> dict:
    section = r.obj(r.get(data, key, dict), key)
    out = {}
    for name in names:
        if name not in section:
            raise r.error(f"{key}.{name}", "missing")
        entry = r.obj(section[name], f"{key}.{name}")
        out[name] = Label(*(r.get(entry, k, str, f"{key}.{name}") for k in ("label", "about")))
    unknown = sorted(set(section) - set(names))
    if unknown:
        raise r.error(f"{key}.{unknown[0]}", "unknown name")
    return out


def _parse(data: dict[str, Any], file: str) -> DeckContent:
    r = Reader(file, SCHEMA_VERSION)
    r.check_version(data)
    talk_types = _labels(r, data, "talk_types", TALK_TYPES)
    kinds = _labels(r, data, "kinds", DARN_CAT)
    ears = _labels(r, data, "ears", EARS)
    feedback = r.templates(data, "feedback", FEEDBACK_KEYS, PLACEHOLDERS)
    cards = []
    for i, entry in enumerate(r.unique_ids(r.items(data, "cards"), "cards")):
        path = f"cards[{i}]"
        talk = r.choice(entry, "talk", TALK_TYPES, path)
        kind = None
        if talk in ("change", "mixed"):
            kind = r.choice(entry, "kind", DARN_CAT, path)
        elif entry.get("kind") is not None:
            raise r.error(f"{path}.kind", f"only change and mixed cards have a kind, not {talk}")
        texts = {k: r.get(entry, k, str, path) for k in ("topic", "text", "why")}
        cards.append(Card(id=entry["id"], talk=talk, kind=kind, **texts))
    items = []
    for i, entry in enumerate(r.unique_ids(r.items(data, "ears_items"), "ears_items")):
        path = f"ears_items[{i}]"
        answer = r.choice(entry, "answer", EARS, path)
        texts = {k: r.get(entry, k, str, path) for k in ("client", "response", "why")}
        items.append(EarsItem(id=entry["id"], answer=answer, **texts))
    return DeckContent(talk_types, kinds, ears, feedback, tuple(cards), tuple(items))
