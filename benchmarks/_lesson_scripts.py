"""What a learner does on each lesson, as widget messages (used by ``bench_class_load.py``).

A script gets the page's widgets (a :class:`WidgetTree`, found by box class, widget
kind and label, as a person finds them) and yields :class:`Action`\\ s for as long as
the learner stays. Each action names the widget the learner works, the message its
view sends, and the widgets whose update is the feedback the learner waits for
(empty when nothing visible answers, e.g. picking from a drop-down that only
enables another). ``think`` is the pause before it, in seconds: reading, choosing,
writing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from _voila_protocol import CLICK, WidgetTree, update

from mi_toolkit.core.sorter import DARN_CAT, TALK_TYPES, load_deck

__all__ = ["SCRIPTS", "Action"]


@dataclass(frozen=True)
class Action:
    label: str
    model_id: str
    data: dict[str, Any]
    feedback: frozenset[str]
    think: tuple[float, float] = (2.0, 6.0)


def readiness_rulers(tree: WidgetTree, rng: random.Random) -> Iterator[Action]:
    """07: name a change (typed word by word), rate the three rulers, record; repeat."""
    ruler = tree.find(dom_class="mi-readiness-ruler")
    change = tree.find(model="Text", description="The change", within=ruler)
    questions = frozenset(tree.find_all(dom_class="mi-question", within=ruler))
    words = rng.choice(CHANGES).split()
    for n in range(1, len(words) + 1):
        # continuous_update: the view sends as the learner types (a word at a time here)
        text = " ".join(words[:n])
        yield Action("type", change, update(value=text), questions, think=(0.4, 1.2))
    scales = []
    for group in tree.find_all(dom_class="mi-ruler-scale", within=ruler):
        dropdown = tree.find(model="Dropdown", within=group)
        scales.append((dropdown, tree.children(group)[-1]))  # the follow-up questions
    record = tree.find(model="Button", description="Record these ratings", within=ruler)
    status = tree.sibling(record, 1)
    while True:
        for dropdown, follow_up in scales:
            current = tree.state(dropdown).get("index")
            rating = rng.choice([r for r in range(11) if r + 1 != current])
            yield Action("rate", dropdown, update(index=rating + 1), frozenset({follow_up}))
        yield Action("record", record, CLICK, frozenset({status}))


def change_talk(tree: WidgetTree, rng: random.Random) -> Iterator[Action]:
    """05: sort cards (talk type, DARN-CAT kind, Check, Next); a summary chart now and then."""
    sorter = tree.find(dom_class="mi-change-talk-sorter")
    talk = tree.find(model="Dropdown", description="Talk type", within=sorter)
    kind = tree.find(model="Dropdown", description="DARN-CAT kind", within=sorter)
    check = tree.find(model="Button", description="Check", within=sorter)
    next_card = tree.find(model="Button", description="Next card", within=sorter)
    show_summary = tree.find(model="Button", description="Show my summary", within=sorter)
    again = tree.find(model="Button", description="Start the deck again", within=sorter)
    card = tree.sibling(talk, -1)
    feedback = tree.sibling(tree.parent(check), 1)
    summary = tree.sibling(tree.parent(show_summary), 1)
    talk_index = {t: i + 1 for i, t in enumerate(TALK_TYPES)}  # index 0 is "choose ..."
    cards = len(load_deck().cards)
    sorted_cards = 0
    while True:
        # change talk enables the kind drop-down: that is the visible answer
        yield Action("choose", talk, update(index=talk_index["change"]), frozenset({kind}))
        kind_index = rng.randint(1, len(DARN_CAT))
        yield Action("choose", kind, update(index=kind_index), frozenset(), think=(1.0, 3.0))
        yield Action("check", check, CLICK, frozenset({feedback}))
        sorted_cards += 1
        if sorted_cards % 4 == 0:
            yield Action("summary", show_summary, CLICK, frozenset({summary}))
        if sorted_cards >= cards:
            yield Action("again", again, CLICK, frozenset({card}))
            sorted_cards = 0
        else:
            yield Action("next", next_card, CLICK, frozenset({card}))


def reflective_listening(tree: WidgetTree, rng: random.Random) -> Iterator[Action]:
    """03: write a reflection, Check it, sometimes see the models, go to the next statement."""
    builder = tree.find(dom_class="mi-reflection-builder")
    response = tree.find(model="Textarea", description="Your reflection", within=builder)
    check = tree.find(model="Button", description="Check my reflection", within=builder)
    reveal = tree.find(model="Button", description="Show model reflections", within=builder)
    next_statement = tree.find(model="Button", description="Next statement", within=builder)
    feedback = tree.sibling(tree.parent(check), 1)
    models = tree.sibling(tree.parent(check), 2)
    statement = tree.sibling(next_statement, -1)
    while True:
        # continuous_update=False: the text is sent once, when the box loses focus
        text = rng.choice(REFLECTIONS)
        yield Action("write", response, update(value=text), frozenset(), think=(6.0, 12.0))
        yield Action("check", check, CLICK, frozenset({feedback}), think=(0.5, 1.5))
        # a person cannot press the button once it is disabled (models already shown)
        if rng.random() < 0.4 and not tree.state(reveal).get("disabled"):
            yield Action("reveal", reveal, CLICK, frozenset({models}))
        yield Action("next", next_statement, CLICK, frozenset({statement}))


# Our own example wording (not from any coding manual or data set).
CHANGES = [
    "walk to work twice a week",
    "cut down on evening snacks",
    "go to bed before eleven",
    "take the stairs at the office",
]
REFLECTIONS = [
    "It sounds like part of you wants this change and part of you is not sure it is worth it.",
    "You have tried before and it did not last, and you wonder if this time could be different.",
    "You feel pushed by everyone around you, and you would rather decide this yourself.",
    "So the worry is less about the change and more about what it would cost you at work.",
]

SCRIPTS: dict[str, Callable[[WidgetTree, random.Random], Iterator[Action]]] = {
    "07_readiness_rulers.ipynb": readiness_rulers,
    "05_change_talk.ipynb": change_talk,
    "03_reflective_listening.ipynb": reflective_listening,
}
