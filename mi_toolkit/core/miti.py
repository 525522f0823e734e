"""MITI 4.2.1 summary scores for a coded transcript, with plain-language feedback.

Counts per behaviour code, R:Q, %CR and the MI-adherent / non-adherent totals, each
rated against the manual's fair and good thresholds. The global scores (and so
Relational and Technical) cannot be computed from counts; the summary says so
rather than inventing them. When the transcript carries expert labels, the summary
also reports how far the coder agrees with them.

Example::

    >>> from mi_toolkit.core.transcript import parse_transcripts
    >>> t = parse_transcripts("T: What brings you here?\\nC: My drinking.\\n"
    ...                       "T: You're worried about it.", name="demo.txt").transcripts[0]
    >>> s = summarize(t)
    >>> s.questions, s.reflections, s.r_to_q, s.ratings["r_to_q"]
    (1, 1, 1.0, 'fair')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from mi_toolkit.core._agreement import Agreement, agreement
from mi_toolkit.core._feedback import (
    MitiTexts,
    Threshold,
    feedback_for,
    format_summary,
    load_miti_texts,
)
from mi_toolkit.core.coder import CODE_NAMES, Coding, code_transcript
from mi_toolkit.core.transcript import CLIENT, PRACTITIONER, Transcript

__all__ = [
    "Agreement",
    "MitiSummary",
    "MitiTexts",
    "Threshold",
    "agreement",
    "format_summary",
    "load_miti_texts",
    "summarize",
]

SUMMARY_SCHEMA_VERSION = 1
CODES = tuple(CODE_NAMES)
THERAPIST_LABELS = ("question", "reflection", "therapist_input", "other")
TALK_LABELS = ("change", "neutral", "sustain")


@dataclass(frozen=True)
class MitiSummary:
    """MITI summary scores for one transcript. ``None`` means "cannot be computed".

    Example::

        >>> from mi_toolkit.core.transcript import parse_transcripts
        >>> t = parse_transcripts("T: What happened?\\nC: I slipped.", name="s.txt")
        >>> s = summarize(t.transcripts[0])
        >>> s.r_to_q, s.ratings["r_to_q"], s.to_dict()["global_scores"]
        (0.0, 'below fair', None)
    """

    transcript_id: str
    practitioner_turns: int
    client_turns: int
    counts: dict[str, int]
    open_questions: int
    closed_questions: int
    r_to_q: float | None
    pct_cr: float | None
    ratings: dict[str, str]
    client_talk: dict[str, int]
    darn_cat: dict[str, int]
    feedback: tuple[str, ...]
    notes: dict[str, str]
    agreement: dict[str, Agreement]

    @property
    def questions(self) -> int:
        return self.counts["Question"]

    @property
    def reflections(self) -> int:
        return self.counts["SR"] + self.counts["CR"]

    @property
    def mi_adherent(self) -> int:
        return self.counts["Seek"] + self.counts["Affirm"] + self.counts["Autonomy"]

    @property
    def mi_non_adherent(self) -> int:
        return self.counts["Confront"] + self.counts["Persuade"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SUMMARY_SCHEMA_VERSION,
            "transcript_id": self.transcript_id,
            "practitioner_turns": self.practitioner_turns,
            "client_turns": self.client_turns,
            "counts": dict(self.counts),
            "questions": {
                "total": self.questions,
                "open": self.open_questions,
                "closed": self.closed_questions,
            },
            "reflections": {
                "total": self.reflections,
                "simple": self.counts["SR"],
                "complex": self.counts["CR"],
            },
            "r_to_q": None if self.r_to_q is None else round(self.r_to_q, 3),
            "pct_cr": None if self.pct_cr is None else round(self.pct_cr, 3),
            "mi_adherent": self.mi_adherent,
            "mi_non_adherent": self.mi_non_adherent,
            "ratings": dict(self.ratings),
            "global_scores": None,
            "client_talk": dict(self.client_talk),
            "darn_cat": dict(self.darn_cat),
            "feedback": list(self.feedback),
            "notes": dict(self.notes),
            "agreement": {k: v.to_dict() for k, v in self.agreement.items()},
        }


# ---------------------------------------------------------------- summary


def summarize(
    transcript: Transcript,
    codings: Sequence[Coding] | None = None,
    *,
    texts: MitiTexts | None = None,
) -> MitiSummary:
    """MITI summary of ``transcript`` (coded now unless ``codings`` are given)."""
    texts = texts or load_miti_texts()
    codings = tuple(codings) if codings is not None else code_transcript(transcript)
    if len(codings) != len(transcript.utterances):
        raise ValueError(f"{len(codings)} codings for {len(transcript.utterances)} turns")
    counts = dict.fromkeys(CODES, 0)
    open_q = closed_q = 0
    talk = dict.fromkeys(TALK_LABELS, 0)
    darn: dict[str, int] = {}
    for c in codings:
        if c.speaker == PRACTITIONER:
            for code in c.codes:
                counts[code] += 1
            open_q += c.question_type == "open"
            closed_q += c.question_type == "closed"
        else:
            talk[c.code] += 1
            if c.darn_cat and c.code != "neutral":
                key = f"{c.code}:{c.darn_cat}"
                darn[key] = darn.get(key, 0) + 1
    questions, reflections = counts["Question"], counts["SR"] + counts["CR"]
    r_to_q = reflections / questions if questions else None
    pct_cr = counts["CR"] / reflections if reflections else None
    ratings = {
        "r_to_q": texts.thresholds["r_to_q"].rate(r_to_q),
        "pct_cr": texts.thresholds["pct_cr"].rate(pct_cr),
    }
    if not questions:
        ratings["r_to_q"] = "not computed (no questions)"
    if not reflections:
        ratings["pct_cr"] = "not computed (no reflections)"
    speakers = [c.speaker for c in codings]
    summary = MitiSummary(
        transcript_id=transcript.transcript_id,
        practitioner_turns=speakers.count(PRACTITIONER),
        client_turns=speakers.count(CLIENT),
        counts=counts,
        open_questions=open_q,
        closed_questions=closed_q,
        r_to_q=r_to_q,
        pct_cr=pct_cr,
        ratings=ratings,
        client_talk=talk,
        darn_cat=dict(sorted(darn.items())),
        feedback=(),
        notes=dict(texts.notes),
        agreement=_agreements(transcript, codings),
    )
    return replace(summary, feedback=feedback_for(summary, texts))


def _agreements(transcript: Transcript, codings: Sequence[Coding]) -> dict[str, Agreement]:
    pairs: dict[str, tuple[list[str], list[str]]] = {}
    for u, c in zip(transcript.utterances, codings, strict=True):
        for key, predicted in (
            ("therapist_behaviour", c.therapist_behaviour),
            ("client_talk_type", c.talk_type),
            ("miti_code", c.code if c.speaker == PRACTITIONER else None),
        ):
            expert = u.labels.get(key)
            if expert and predicted:
                ref, pred = pairs.setdefault(key, ([], []))
                ref.append(expert)
                pred.append(predicted)
    labels = {
        "therapist_behaviour": THERAPIST_LABELS,
        "client_talk_type": TALK_LABELS,
        "miti_code": CODES,
    }
    return {k: agreement(r, p, labels=labels[k]) for k, (r, p) in pairs.items()}
