"""Hand-in report layouts for the practice conversation and the lesson quizzes, and
the plain listing used for any activity without a layout of its own."""

from __future__ import annotations

from typing import Any

from mi_toolkit.core.conversation import ConversationState, load_scenarios, replay
from mi_toolkit.core.overview_kinds import read_miti_summary
from mi_toolkit.core.quiz import QuizState, feedback_for, load_quiz, score
from mi_toolkit.report_kinds import Block, Paragraph, Table, _transcript

__all__ = ["PRACTICE_RENDERERS", "conversation_blocks", "quiz_blocks", "saved_fields"]

_MAX_FIELDS = 200
_MAX_TEXT = 500


def conversation_blocks(state: dict) -> list[Block]:
    """The exchange as the learner saw it (replayed from the saved turns), then its summary."""
    talk = replay(ConversationState.from_dict(state), load_scenarios())
    scenario = talk.scenario
    rows = [(scenario.client, talk.opening.text)]
    for exchange in talk.exchanges:
        rows.append(("You", exchange.said))
        rows.append((exchange.reply.speaker or scenario.client, exchange.reply.text))
    counts = talk.counts()
    blocks: list[Block] = [
        Paragraph(f"Practice conversation: {scenario.title} ({scenario.topic})."),
        Table("The conversation", ("Who", "Said"), tuple(rows)),
        Paragraph(
            f"The client's replies: {counts['change']} change talk, {counts['sustain']} "
            f"sustain talk, {counts['neutral']} neutral."
            + ("" if talk.ended else " The conversation was still going when saved.")
        ),
    ]
    if talk.exchanges:
        blocks += _transcript(read_miti_summary(talk.summary().to_dict()), 1)
    return blocks


def quiz_blocks(state: dict) -> list[Block]:
    saved = QuizState.from_dict(state)
    quiz = load_quiz(saved.quiz)
    saved = saved.fit(quiz)
    rows = []
    for question in quiz.questions:
        chosen = question.option(saved.answers.get(question.id, ""))
        result = feedback_for(question, saved)
        rows.append(
            (
                question.prompt,
                chosen.text if chosen else "(not answered)",
                "not checked" if result is None else ("right" if result[0] else "not quite"),
            )
        )
    return [
        Paragraph(f"{quiz.title}. {score(quiz, saved).describe()}"),
        Table("Your answers", ("Question", "Your answer", "Checked"), tuple(rows)),
    ]


def saved_fields(state: dict) -> Table:
    """Every saved value as a (field, value) row: for activities without a layout."""
    rows: list[tuple[str, str]] = []

    def walk(value: Any, path: str) -> None:
        if len(rows) >= _MAX_FIELDS:
            return
        if isinstance(value, dict):
            for key, item in value.items():
                if path or key not in ("schema_version", "kind"):
                    walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")
        elif value not in (None, ""):
            text = str(value)
            rows.append((path, text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "…"))

    walk(state, "")
    return Table("What was saved", ("Field", "Value"), tuple(rows))


PRACTICE_RENDERERS = {"practice_conversation": conversation_blocks, "quiz": quiz_blocks}
