"""The discrepancy worksheet's content: the fit scale, the whose-goal check, the
prompts and the case clients, read from ``discrepancy_cases.json`` and validated.
Internal; use :mod:`mi_toolkit.core.discrepancy`.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mi_toolkit.core._practice import Reader
from mi_toolkit.core.content import read_content

__all__ = ["FITS", "OWNERS", "Case", "CaseValue", "DiscrepancyContent", "load_discrepancy"]

FILE = "discrepancy_cases.json"
SCHEMA_VERSION = 1
FITS = (-2, -1, 0, 1, 2)
OWNERS = ("own", "should", "unsure")
PROMPT_LISTS = ("gap", "mixed", "fit")
PROMPT_TEXTS = ("unrated", "notice")
PLACEHOLDERS = {"value", "action"}


@dataclass(frozen=True)
class Owner:
    label: str
    case_label: str
    prompt: str


@dataclass(frozen=True)
class CaseValue:
    """A case client's value or goal, whose it is, and the words that show it."""

    text: str
    owner: str
    cue: str


@dataclass(frozen=True)
class Case:
    """A case client to work the worksheet for, as a practitioner."""

    id: str
    name: str
    about: str
    quotes: tuple[str, ...]
    values: tuple[CaseValue, ...]
    actions: tuple[str, ...]
    listen_for: str


@dataclass(frozen=True)
class DiscrepancyContent:
    fit_labels: dict[int, str]
    owners: dict[str, Owner]
    prompts: dict[str, tuple[str, ...]]
    texts: dict[str, str]
    cases: tuple[Case, ...]

    def case(self, case_id: str) -> Case | None:
        return next((c for c in self.cases if c.id == case_id), None)


def load_discrepancy(path: str | Path | None = None) -> DiscrepancyContent:
    """Load and validate ``discrepancy_cases.json`` (packaged, or the file at ``path``)."""
    return _parse(*read_content(FILE, path))


def _template(r: Reader, text: str, key: str) -> str:
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise r.error(key, f"bad template: {exc}") from None
    bad = sorted(fields - PLACEHOLDERS)
    if bad:
        raise r.error(key, f"unknown placeholder {{{bad[0]}}}")
    return text


def _parse(data: dict[str, Any], file: str) -> DiscrepancyContent:
    r = Reader(file, SCHEMA_VERSION)
    r.check_version(data)
    fit_labels: dict[int, str] = {}
    for i, entry in enumerate(r.items(data, "fit_scale")):
        entry = r.obj(entry, f"fit_scale[{i}]")
        fit = r.get(entry, "fit", int, f"fit_scale[{i}]")
        if fit not in FITS or fit in fit_labels:
            raise r.error(f"fit_scale[{i}].fit", f"expected each of {FITS} once, got {fit}")
        fit_labels[fit] = r.get(entry, "label", str, f"fit_scale[{i}]")
    if sorted(fit_labels) != list(FITS):
        raise r.error("fit_scale", f"needs a label for each fit {FITS}")
    section = r.obj(r.get(data, "owners", dict), "owners")
    owners = {}
    for name in OWNERS:
        if name not in section:
            raise r.error(f"owners.{name}", "missing")
        entry = r.obj(section[name], f"owners.{name}")
        texts = [r.get(entry, k, str, f"owners.{name}") for k in ("label", "case_label", "prompt")]
        _template(r, texts[2], f"owners.{name}.prompt")
        owners[name] = Owner(*texts)
    unknown = sorted(set(section) - set(OWNERS))
    if unknown:
        raise r.error(f"owners.{unknown[0]}", "unknown owner")
    section = r.obj(r.get(data, "prompts", dict), "prompts")
    prompts = {}
    for name in PROMPT_LISTS:
        items = r.texts(section, name, "prompts")
        prompts[name] = tuple(_template(r, t, f"prompts.{name}[{i}]") for i, t in enumerate(items))
    texts = {
        name: _template(r, r.get(section, name, str, "prompts"), f"prompts.{name}")
        for name in PROMPT_TEXTS
    }
    cases = []
    for i, entry in enumerate(r.unique_ids(r.items(data, "cases", minimum=3), "cases")):
        path = f"cases[{i}]"
        values = []
        for j, value in enumerate(r.items(entry, "values", path)):
            vpath = f"{path}.values[{j}]"
            value = r.obj(value, vpath)
            values.append(
                CaseValue(
                    r.get(value, "text", str, vpath),
                    r.choice(value, "owner", OWNERS, vpath),
                    r.get(value, "cue", str, vpath),
                )
            )
        cases.append(
            Case(
                id=entry["id"],
                name=r.get(entry, "name", str, path),
                about=r.get(entry, "about", str, path),
                quotes=r.texts(entry, "quotes", path),
                values=tuple(values),
                actions=r.texts(entry, "actions", path),
                listen_for=r.get(entry, "listen_for", str, path),
            )
        )
    return DiscrepancyContent(fit_labels, owners, prompts, texts, tuple(cases))
