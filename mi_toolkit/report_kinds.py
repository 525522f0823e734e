"""The blocks a hand-in report is made of, and the layout of each practice activity.

:mod:`mi_toolkit.report` keeps the registry (``RENDERERS``) and writes the blocks out
as Markdown or HTML, escaping learner text there; this module only builds blocks
and imports nothing from the report, so there is no import cycle. Each layout
reads the saved state with its class's ``from_dict``: a state that cannot be read
raises a StateError, and the report shows a readable paragraph instead.

- reflection builder: per client statement, the learner's reflections with the
  level, what the checks judged each to be and whether it met the level's task;
- change-talk sorter: the score, the confusion chart (alt text gives its facts),
  each card with the learner's answer and the expected one, and the EARS labels;
- OARS practice: per vignette, each response with the kind asked for and how it
  read, and the quick-classify answers;
- transcript coder: per transcript, R:Q and %CR rated against the MITI fair and
  good thresholds, behaviour counts, MI-adherent and non-adherent, and feedback.

Example::

    >>> from mi_toolkit.core.oars import OarsState
    >>> blocks = oars_blocks(OarsState().to_dict())
    >>> blocks[0].text
    'No responses checked yet.'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from mi_toolkit.core.coder import CODE_NAMES
from mi_toolkit.core.miti import load_miti_texts
from mi_toolkit.core.oars import OarsState, load_oars_content
from mi_toolkit.core.overview_kinds import SavedMitiSummary, read_miti_summary
from mi_toolkit.core.reflection import ReflectionState, load_reflection_content
from mi_toolkit.core.sorter import (
    DeckContent,
    SortAnswer,
    SorterState,
    describe_confusions,
    load_deck,
    summarize,
)
from mi_toolkit.core.transcript_practice import TranscriptCoderState

__all__ = ["KIND_RENDERERS", "Block", "Figure", "Paragraph", "Table", "oars_blocks",
           "reflection_blocks", "sorter_blocks", "transcript_blocks"]  # fmt: skip


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    png: bytes
    alt: str


Block = Paragraph | Table | Figure


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def _yes(value: bool) -> str:
    return "yes" if value else "no"


# content is packaged and read-only: read it once per process
_reflection_content = cache(load_reflection_content)
_deck = cache(load_deck)
_oars_content = cache(load_oars_content)


# ---------------------------------------------------------------- reflection builder


def reflection_blocks(state: dict) -> list[Block]:
    practice = ReflectionState.from_dict(state)
    if not practice.attempts:
        return [Paragraph("No reflections checked yet.")]
    content = _reflection_content()
    met = sum(a.met_task for a in practice.attempts)
    statement_ids = list(dict.fromkeys(a.statement_id for a in practice.attempts))
    blocks: list[Block] = [
        Paragraph(
            f"{_n(len(practice.attempts), 'reflection')} checked on "
            f"{_n(len(statement_ids), 'client statement')}; {met} met the task of their level."
        )
    ]
    for statement_id in statement_ids:
        statement = content.statement(statement_id)
        if statement is None:
            blocks.append(Paragraph(f"Client statement {statement_id!r} (no longer offered)"))
        else:
            blocks.append(Paragraph(f"Client statement ({statement.topic}): “{statement.text}”"))
        blocks.append(
            Table(
                "Your reflections",
                ("#", "Level", "Your reflection", "Judged as", "Level's task met", "Checked at"),
                tuple(
                    (
                        str(i),
                        content.level(a.level).label,
                        a.text,
                        a.label or "(not recorded)",
                        _yes(a.met_task),
                        a.checked_at or "–",
                    )
                    for i, a in enumerate(practice.attempts_for(statement_id), 1)
                ),
            )
        )
    return blocks


# ---------------------------------------------------------------- change-talk sorter


def _sorted_as(deck: DeckContent, talk: str, kind: str | None) -> str:
    label = deck.talk_types[talk].label
    return f"{label}: {deck.kinds[kind].label}" if kind else label


def _sort_right(answer: SortAnswer) -> str:
    if not answer.talk_right:
        return "no"
    if answer.expected_kind is not None and not answer.kind_right:
        return "talk type only"
    return "yes"


def sorter_blocks(state: dict) -> list[Block]:
    from mi_toolkit import sorter_plots

    practice = SorterState.from_dict(state)
    if not practice.answers and not practice.ears_answers:
        return [Paragraph("No cards sorted yet.")]
    deck, summary = _deck(), summarize(practice)
    blocks: list[Block] = []
    if practice.answers:
        blocks.append(
            Paragraph(
                f"Score: talk type right {summary.talk_right} of {summary.sorted}; "
                f"DARN-CAT kind right {summary.kind_right} of {summary.kind_total}."
            )
        )
        blocks.append(
            Figure(sorter_plots.confusion_png(summary, deck), describe_confusions(summary, deck))
        )
        rows = []
        for i, a in enumerate(practice.answers, 1):
            card = deck.card(a.card_id)
            said = card.text if card else f"(card {a.card_id!r} is no longer in the deck)"
            rows.append(
                (
                    str(i),
                    said,
                    _sorted_as(deck, a.talk, a.kind),
                    _sorted_as(deck, a.expected_talk, a.expected_kind),
                    _sort_right(a),
                )
            )
        blocks.append(
            Table(
                "Sorted cards",
                ("#", "Client statement", "Your answer", "Expected", "Right"),
                tuple(rows),
            )
        )
    if practice.ears_answers:
        blocks.append(
            Paragraph(f"EARS responses: right {summary.ears_right} of {summary.ears_total}.")
        )
        items = {item.id: item for item in deck.ears_items}
        blocks.append(
            Table(
                "EARS responses labelled",
                ("#", "Practitioner response", "Your label", "Expected", "Right"),
                tuple(
                    (
                        str(i),
                        items[a.item_id].response if a.item_id in items else f"({a.item_id!r})",
                        deck.ears[a.chosen].label,
                        deck.ears[a.expected].label,
                        _yes(a.chosen == a.expected),
                    )
                    for i, a in enumerate(practice.ears_answers, 1)
                ),
            )
        )
    return blocks


# ---------------------------------------------------------------- OARS practice


def oars_blocks(state: dict) -> list[Block]:
    practice = OarsState.from_dict(state)
    content = _oars_content()
    blocks: list[Block] = []
    if not practice.attempts:
        blocks.append(Paragraph("No responses checked yet."))
    else:
        ok = sum(a.ok for a in practice.attempts)
        blocks.append(
            Paragraph(
                f"{_n(len(practice.attempts), 'response')} checked; "
                f"{ok} read as the kind asked for."
            )
        )
    for vignette_id in dict.fromkeys(a.vignette_id for a in practice.attempts):
        vignette = content.vignette(vignette_id)
        if vignette is None:
            blocks.append(Paragraph(f"Vignette {vignette_id!r} (no longer offered)"))
        else:
            blocks.append(
                Paragraph(f"Vignette: {vignette.title}. The client said: “{vignette.client}”")
            )
        mine = [a for a in practice.attempts if a.vignette_id == vignette_id]
        blocks.append(
            Table(
                "Your responses",
                ("#", "Asked for", "Your response", "Reads as", "As asked", "Checked at"),
                tuple(
                    (
                        str(i),
                        content.kinds[a.kind].label,
                        a.text,
                        a.reads_as or "(not recorded)",
                        _yes(a.ok),
                        a.checked_at or "–",
                    )
                    for i, a in enumerate(mine, 1)
                ),
            )
        )
    if practice.classify_answers:
        right, answered = practice.classify_score
        blocks.append(Paragraph(f"Quick classify: right {right} of {answered}."))
        items = {item.id: item for item in content.classify}
        blocks.append(
            Table(
                "Responses classified",
                ("#", "Practitioner response", "Your label", "Expected", "Right"),
                tuple(
                    (
                        str(i),
                        items[a.item_id].response if a.item_id in items else f"({a.item_id!r})",
                        content.class_label(a.chosen),
                        content.class_label(a.expected),
                        _yes(a.chosen == a.expected),
                    )
                    for i, a in enumerate(practice.classify_answers, 1)
                ),
            )
        )
    return blocks


# ---------------------------------------------------------------- transcript coder


def _score_rows(summary: SavedMitiSummary) -> tuple[tuple[str, ...], ...]:
    thresholds = load_miti_texts().thresholds
    rows = []
    for key, value, shown in (
        ("r_to_q", summary.r_to_q, "{:.2f}"),
        ("pct_cr", summary.pct_cr, "{:.0%}"),
    ):
        t = thresholds[key]
        rows.append(
            (
                t.label[:1].upper() + t.label[1:],
                "not computed" if value is None else shown.format(value),
                summary.ratings[key],
                shown.format(t.fair),
                shown.format(t.good),
            )
        )
    return tuple(rows)


def _transcript(summary: SavedMitiSummary, number: int) -> list[Block]:
    name = summary.transcript_id or f"number {number}"
    adherent = ", ".join(CODE_NAMES[c] for c in ("Seek", "Affirm", "Autonomy"))
    counts = [(CODE_NAMES[code], str(n)) for code, n in summary.counts.items() if code != "Other"]
    blocks: list[Block] = [
        Paragraph(
            f"Transcript {name}: {_n(summary.practitioner_turns, 'practitioner turn')}, "
            f"{_n(summary.client_turns, 'client turn')}."
        ),
        Table(
            "Summary scores against the MITI thresholds",
            ("Score", "Value", "Rating", "Fair from", "Good from"),
            _score_rows(summary),
        ),
        Table(
            "Practitioner behaviour counts",
            ("Behaviour", "Count"),
            (
                *counts,
                (
                    "questions: open / closed",
                    f"{summary.open_questions} / {summary.closed_questions}",
                ),
                (f"MI-adherent ({adherent})", str(summary.mi_adherent)),
                ("MI non-adherent (confront, persuade)", str(summary.mi_non_adherent)),
            ),
        ),
    ]
    if any(summary.client_talk.values()):
        blocks.append(
            Table(
                "Client talk",
                tuple(k.capitalize() for k in summary.client_talk),
                (tuple(str(v) for v in summary.client_talk.values()),),
            )
        )
    if summary.feedback:
        blocks.append(Paragraph("Feedback:"))
        blocks += [Paragraph(line) for line in summary.feedback]
    return blocks


def transcript_blocks(state: dict) -> list[Block]:
    coder = TranscriptCoderState.from_dict(state)
    summaries = [read_miti_summary(s) for s in coder.summaries]
    if not summaries:
        return [Paragraph("No transcript coded yet.")]
    blocks: list[Block] = [
        Paragraph(
            f"{_n(len(summaries), 'transcript')} coded "
            f"(source: {coder.source or 'not named'}). The coder is automatic and imperfect; "
            "the global scores cannot be computed from counts."
        )
    ]
    for number, summary in enumerate(summaries, 1):
        blocks += _transcript(summary, number)
    return blocks


KIND_RENDERERS: dict[str, Callable[[dict], list[Block]]] = {
    "reflection_builder": reflection_blocks,
    "change_talk_sorter": sorter_blocks,
    "oars_practice": oars_blocks,
    "transcript_coder": transcript_blocks,
}
