"""The Personal Values Card Sort content: the 83 value cards (a CSV) and the piles
and feedback texts (``values_card_sort.json``), read and validated. Internal; use
:mod:`mi_toolkit.core.values`.

The cards are the public-domain Personal Values Card Sort (Miller, C'de Baca,
Matthews & Wilbourne, 2001).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from mi_toolkit.core._practice import Reader
from mi_toolkit.core.content import PACKAGE, ContentError, read_content

__all__ = ["PILES", "ValueCard", "ValuesContent", "load_value_cards", "load_values_content"]

CARDS_FILE = "personal_values_card_sort.csv"
SORT_FILE = "values_card_sort.json"
SCHEMA_VERSION = 1
PILES = ("not", "somewhat", "important", "very", "most")
HEADER = ["id", "value", "description"]
FEEDBACK_KEYS = ("placed", "pile_full", "all_sorted", "no_top", "ranked_top")
PLACEHOLDERS = {"value", "pile", "limit", "total", "values"}


@dataclass(frozen=True)
class ValueCard:
    """One card: a value and what it means ("to be accepted as I am")."""

    id: int
    value: str
    description: str


@dataclass(frozen=True)
class Pile:
    id: str
    label: str
    about: str


@dataclass(frozen=True)
class ValuesContent:
    """Everything the card sort needs: cards, piles, limits and feedback texts."""

    cards: tuple[ValueCard, ...]
    piles: dict[str, Pile]
    top_limit: int
    feed_count: int
    feedback: dict[str, str]

    def card(self, card_id: int) -> ValueCard | None:
        return next((c for c in self.cards if c.id == card_id), None)


def load_value_cards(path: str | Path | None = None) -> tuple[ValueCard, ...]:
    """Read and check the value cards CSV (packaged, or the file at ``path``)."""
    if path is None:
        name = CARDS_FILE
        ref = resources.files(PACKAGE).joinpath(CARDS_FILE)
        try:
            raw = ref.read_bytes()
        except FileNotFoundError:
            raise ContentError(name, "", "no such file in mi_toolkit/content") from None
    else:
        name = Path(path).name
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise ContentError(name, "", "file not found") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentError(name, "", f"not UTF-8 text (byte {exc.start})") from None
    return _parse_cards(text, name)


def _parse_cards(text: str, file: str) -> tuple[ValueCard, ...]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [h.strip() for h in rows[0]] != HEADER:
        raise ContentError(file, "header", f"expected the columns {','.join(HEADER)}")
    cards: list[ValueCard] = []
    seen_ids: set[int] = set()
    seen_values: set[str] = set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        key = f"line {line}"
        if len(row) != len(HEADER):
            raise ContentError(file, key, f"expected {len(HEADER)} columns, found {len(row)}")
        raw_id, value, description = (cell.strip() for cell in row)
        if not raw_id.isdigit() or int(raw_id) < 1:
            raise ContentError(file, f"{key}.id", f"expected a whole number from 1, got {raw_id!r}")
        if int(raw_id) in seen_ids:
            raise ContentError(file, f"{key}.id", f"duplicate id {raw_id}")
        for column, cell in (("value", value), ("description", description)):
            if not cell:
                raise ContentError(file, f"{key}.{column}", "must not be empty")
        if value.casefold() in seen_values:
            raise ContentError(file, f"{key}.value", f"duplicate value {value!r}")
        seen_ids.add(int(raw_id))
        seen_values.add(value.casefold())
        cards.append(ValueCard(int(raw_id), value, description))
    if len(cards) < 2:
        raise ContentError(file, "rows", "needs at least 2 value cards")
    return tuple(cards)


def load_values_content(
    path: str | Path | None = None, *, cards_path: str | Path | None = None
) -> ValuesContent:
    """Load and validate the card sort (packaged files, or files at the given paths)."""
    data, name = read_content(SORT_FILE, path)
    return _parse(data, name, load_value_cards(cards_path))


def _parse(data: dict[str, Any], file: str, cards: tuple[ValueCard, ...]) -> ValuesContent:
    r = Reader(file, SCHEMA_VERSION)
    r.check_version(data)
    limits = {}
    for key in ("top_limit", "feed_count"):
        limits[key] = r.get(data, key, int)
        if not 1 <= limits[key] <= 20:
            raise r.error(key, f"expected 1 to 20, got {limits[key]}")
    if limits["feed_count"] > limits["top_limit"]:
        raise r.error("feed_count", "must not be more than top_limit")
    piles = {}
    for i, entry in enumerate(r.unique_ids(r.items(data, "piles"), "piles")):
        if entry["id"] not in PILES:
            raise r.error(f"piles[{i}].id", f"unknown pile {entry['id']!r} (one of {PILES})")
        texts = [r.get(entry, k, str, f"piles[{i}]") for k in ("label", "about")]
        piles[entry["id"]] = Pile(entry["id"], *texts)
    missing = [p for p in PILES if p not in piles]
    if missing:
        raise r.error("piles", f"missing the pile {missing[0]!r}")
    if list(piles) != list(PILES):
        raise r.error("piles", f"piles must be in the order {', '.join(PILES)}")
    feedback = r.templates(data, "feedback", FEEDBACK_KEYS, PLACEHOLDERS)
    return ValuesContent(cards, piles, limits["top_limit"], limits["feed_count"], feedback)
