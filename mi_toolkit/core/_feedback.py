"""Wording for :mod:`mi_toolkit.core.miti`: thresholds and feedback texts read from
``miti_thresholds.json``, the feedback sentences, and the readable summary printed by
``mi-toolkit code``. Internal; use the names re-exported by ``miti``.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_toolkit.core.coder import CODE_NAMES
from mi_toolkit.core.content import ContentError, load_content, read_json_file, require

if TYPE_CHECKING:  # pragma: no cover - types only, no import cycle at run time
    from mi_toolkit.core.miti import MitiSummary

__all__ = ["MitiTexts", "Threshold", "feedback_for", "format_summary", "load_miti_texts"]

FILE = "miti_thresholds.json"
SCHEMA_VERSION = 1
FEEDBACK_KEYS = (
    "nothing_to_score",
    "no_questions",
    "no_reflections",
    "rq_below_fair",
    "rq_fair",
    "rq_good",
    "cr_not_computed",
    "cr_below_fair",
    "cr_fair",
    "cr_good",
    "non_adherent",
    "adherent",
    "client_talk",
    "client_talk_none",
)
NOTE_KEYS = ("globals", "automatic", "agreement")
_FIELDS = {
    "questions",
    "reflections",
    "reflections_plain",
    "complex",
    "r_to_q",
    "pct_cr",
    "non_adherent",
    "adherent",
    "detail",
    "change",
    "sustain",
}


@dataclass(frozen=True)
class Threshold:
    """A summary score's fair and good levels (MITI 4.2.1, expert opinion)."""

    label: str
    fair: float
    good: float

    def rate(self, value: float | None) -> str:
        if value is None:
            return "not computed"
        return "good" if value >= self.good else "fair" if value >= self.fair else "below fair"


@dataclass(frozen=True)
class MitiTexts:
    """Thresholds and feedback wording, read from ``miti_thresholds.json``."""

    thresholds: dict[str, Threshold]
    feedback: dict[str, str]
    notes: dict[str, str]


def load_miti_texts(path: str | Path | None = None) -> MitiTexts:
    """Load and validate ``miti_thresholds.json`` (the packaged one, or a file at ``path``)."""
    if path is None:
        return _packaged()
    return _parse(read_json_file(path, name=Path(path).name), Path(path).name)


_CACHE: dict[str, MitiTexts] = {}


def _packaged() -> MitiTexts:
    if FILE not in _CACHE:
        _CACHE[FILE] = _parse(load_content(FILE), FILE)
    return _CACHE[FILE]


def _parse(data: dict[str, Any], file: str) -> MitiTexts:
    version = require(data, "schema_version", int, file=file)
    if version != SCHEMA_VERSION:
        raise ContentError(
            file, "schema_version", f"version {version} is not supported (expected 1)"
        )
    raw = require(data, "thresholds", dict, file=file)
    thresholds = {}
    for key in ("r_to_q", "pct_cr"):
        entry = require(raw, key, dict, file=file, path="thresholds")
        where = f"thresholds.{key}"
        label = require(entry, "label", str, file=file, path=where)
        levels = []
        for level in ("fair", "good"):
            value = entry.get(level)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ContentError(file, f"{where}.{level}", "expected a number of 0 or more")
            levels.append(float(value))
        if levels[0] > levels[1]:
            raise ContentError(file, f"{where}.fair", "fair must not be above good")
        thresholds[key] = Threshold(label, *levels)
    feedback = _texts(data, "feedback", FEEDBACK_KEYS, file)
    notes = _texts(data, "notes", NOTE_KEYS, file)
    return MitiTexts(thresholds, feedback, notes)


def _texts(data: dict[str, Any], section: str, keys: tuple[str, ...], file: str) -> dict[str, str]:
    raw = require(data, section, dict, file=file)
    out = {}
    for key in keys:
        text = require(raw, key, str, file=file, path=section)
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        except ValueError as exc:
            raise ContentError(file, f"{section}.{key}", f"bad template: {exc}") from None
        bad = sorted(fields - _FIELDS)
        if bad:
            raise ContentError(file, f"{section}.{key}", f"unknown placeholder {{{bad[0]}}}")
        out[key] = text
    return out


_AGREEMENT_TITLES = {
    "therapist_behaviour": "practitioner, AnnoMI's four labels",
    "client_talk_type": "client talk type",
    "miti_code": "MITI codes",
}


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``count(1, "question")`` -> ``'1 question'``; ``count(0, ...)`` -> ``'no questions'``."""
    word = noun if n == 1 else plural or noun + "s"
    return f"{n} {word}" if n else f"no {plural or noun + 's'}"


def ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}:1"


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def feedback_for(s: MitiSummary, texts: MitiTexts) -> tuple[str, ...]:
    """Plain-language feedback: R:Q, %CR, adherence, then client talk (as a suggestion)."""
    f = texts.feedback
    c = s.counts
    fields = {
        "questions": count(s.questions, "question"),
        "reflections": count(s.reflections, "reflection"),
        "reflections_plain": count(s.reflections, "reflection"),
        "complex": str(c["CR"]),
        "r_to_q": ratio(s.r_to_q),
        "pct_cr": percent(s.pct_cr),
        "non_adherent": count(s.mi_non_adherent, "turn"),
        "adherent": count(s.mi_adherent, "turn"),
        "change": count(s.client_talk["change"], "change-talk statement"),
        "sustain": count(s.client_talk["sustain"], "sustain-talk statement"),
        "detail": "",
    }
    keys = []
    if not s.questions and not s.reflections:
        keys.append("nothing_to_score")
    elif not s.questions:
        keys.append("no_questions")
    elif not s.reflections:
        keys.append("no_reflections")
    else:
        keys.append("rq_" + s.ratings["r_to_q"].replace(" ", "_"))
    if s.reflections:
        keys.append("cr_" + s.ratings["pct_cr"].replace(" ", "_"))
    elif s.questions:
        keys.append("cr_not_computed")
    out = []
    for key in keys:
        out.append(f[key].format(**fields))
    if s.mi_non_adherent:
        fields["detail"] = _detail(s, ("Persuade", "Confront"))
        out.append(f["non_adherent"].format(**fields))
    if s.mi_adherent:
        fields["detail"] = _detail(s, ("Seek", "Affirm", "Autonomy"))
        out.append(f["adherent"].format(**fields))
    if s.client_turns:
        has_talk = s.client_talk["change"] or s.client_talk["sustain"]
        out.append(f["client_talk" if has_talk else "client_talk_none"].format(**fields))
    return tuple(out)


def _detail(s: MitiSummary, codes: tuple[str, ...]) -> str:
    return ", ".join(f"{s.counts[k]} {CODE_NAMES[k]}" for k in codes if s.counts[k])


def format_summary(s: MitiSummary) -> str:
    """A readable, plain-text report of one transcript's summary."""
    c = s.counts
    lines = [
        f"Transcript {s.transcript_id}: {count(s.practitioner_turns, 'practitioner turn')}, "
        f"{count(s.client_turns, 'client turn')}",
        f"  Questions        {s.questions} ({s.open_questions} open, {s.closed_questions} closed)",
        f"  Reflections      {s.reflections} ({c['SR']} simple, {c['CR']} complex)",
        f"  R:Q              {ratio(s.r_to_q)}  {s.ratings['r_to_q']} (fair 1:1, good 2:1)",
        f"  %CR              {percent(s.pct_cr)}  {s.ratings['pct_cr']} (fair 40%, good 50%)",
        f"  MI-adherent      {s.mi_adherent} (seek {c['Seek']}, affirm {c['Affirm']}, "
        f"autonomy {c['Autonomy']})",
        f"  MI non-adherent  {s.mi_non_adherent} (persuade {c['Persuade']}, "
        f"confront {c['Confront']})",
    ]
    rest = ("GI", "PersuadeWithPermission", "Other")
    lines.append("  Also             " + ", ".join(f"{CODE_NAMES[k]} {c[k]}" for k in rest))
    talk = s.client_talk
    lines.append(
        f"  Client talk      change {talk['change']}, sustain {talk['sustain']}, "
        f"neutral {talk['neutral']} (a suggestion, see below)"
    )
    lines.append("  Global scores    not computed: " + s.notes["globals"])
    lines.append("Feedback:")
    lines.extend(f"  - {text}" for text in s.feedback)
    if s.agreement:
        lines.append("Agreement with the expert labels in the file:")
        for key, a in s.agreement.items():
            acc = "n/a" if a.accuracy is None else f"{a.accuracy:.2f}"
            f1 = "n/a" if a.macro_f1 is None else f"{a.macro_f1:.2f}"
            lines.append(
                f"  {_AGREEMENT_TITLES[key]}: accuracy {acc}, macro-F1 {f1} "
                f"over {count(a.n, 'turn')}"
            )
            if key != "miti_code":
                lines.extend("    " + row for row in a.table().splitlines())
    lines.append("  (" + s.notes["automatic"] + ")")
    return "\n".join(lines)
