"""PracticeConversation in plain pytest: set values, click, read the HTML."""

from __future__ import annotations

import base64
import re

import pytest

from mi_toolkit.core.conversation import ConversationState, load_scenarios, replay
from mi_toolkit.widgets.conversation import PracticeConversation
from mi_toolkit.widgets.lesson import LessonBar

REFLECTION = "It sounds like the test results worried you more than you expected."
OPEN = "What would you like to be different?"


def _widget(**kwargs) -> PracticeConversation:
    return PracticeConversation(scenario="alcohol", seed_source=lambda: 7, **kwargs)


def _say(w: PracticeConversation, text: str) -> None:
    w.message.value = text
    w.send.click()


def test_starts_with_the_clients_opening_and_situation():
    w = _widget()
    assert w.value == ConversationState("alcohol", 7, ())
    assert w.conversation.opening.text in w.chat.value.replace("&#x27;", "'")
    assert "Sam, 42" in w.about.value
    assert 'role="log"' in w.chat.value
    assert w.client_state.value == ""


def test_a_turn_gets_a_reply_and_is_saved():
    w = _widget()
    _say(w, REFLECTION)
    assert w.value.turns == (REFLECTION,)
    assert w.message.value == ""
    exchange = w.conversation.exchanges[0]
    assert exchange.move == "reflection"
    assert "read as: reflection" in w.chat.value
    assert w.chat.value.count("mi-client") == 2


def test_learner_html_is_escaped_everywhere():
    w = _widget()
    _say(w, "<script>alert(1)</script> You <b>feel</b> stuck.")
    w.end.click()
    for html in (w.chat.value, w.review.value):
        assert "<script>" not in html and "<b>feel" not in html
        assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("text", "phrase"),
    [("", "Type something"), ("   ", "Type something"), ("word " * 2100, "too long")],
)
def test_bad_turns_are_refused_with_a_message(text: str, phrase: str):
    w = _widget()
    _say(w, text)
    assert w.value.turns == ()
    assert phrase in w.status.value
    assert 'role="status"' in w.status.value


def test_show_state_checkbox_reveals_the_client_state():
    w = _widget()
    w.show_state.value = True
    assert "Engagement" in w.client_state.value and "Discord" in w.client_state.value
    _say(w, "You are in denial about this.")
    _say(w, "You are just making excuses.")
    assert "defensive" in w.client_state.value
    w.show_state.value = False
    assert w.client_state.value == ""


def test_hint_fits_the_moment():
    w = _widget()
    _say(w, "You are in denial about this.")
    _say(w, "You are just making excuses.")
    w.hint.click()
    assert "Hint:" in w.hint_text.value
    assert "defensive" in w.hint_text.value or "choice" in w.hint_text.value
    assert "About this client:" in w.hint_text.value


def test_end_and_review_shows_summary_moments_table_and_download():
    w = _widget()
    _say(w, "You should stop drinking.")
    _say(w, REFLECTION)
    _say(w, OPEN)
    w.end.click()
    assert w.value.ended
    assert w.send.disabled and w.message.disabled
    review = w.review.value
    assert "Summary scores against the MITI 4.2.1 thresholds" in review
    assert "Where change talk rose or fell" in review
    assert "Every turn, coded" in review
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="MITI summary', w.chart.value)
    link = re.search(r'download="([^"]+)" href="data:text/plain;charset=utf-8;base64,([^"]+)"',
                     w.download.value)  # fmt: skip
    assert link and link.group(1) == "practice-conversation-alcohol.txt"
    text = base64.b64decode(link.group(2)).decode("utf-8")
    assert "T: You should stop drinking." in text


def test_end_with_nothing_said_is_refused():
    w = _widget()
    w.end.click()
    assert not w.value.ended
    assert "nothing to review" in w.status.value


def test_restore_replays_the_turns_to_the_same_client_state():
    w = _widget()
    for text in (REFLECTION, OPEN, "You should stop drinking."):
        _say(w, text)
    saved = w.value.to_dict()
    again = _widget()
    again.restore(ConversationState.from_dict(saved))
    assert again.conversation == w.conversation
    assert again.chat.value == w.chat.value


def test_restore_of_an_ended_conversation_shows_the_review():
    w = _widget()
    _say(w, REFLECTION)
    w.end.click()
    again = _widget(state=w.value)
    assert "MITI summary" in again.review.value and again.send.disabled


def test_unknown_or_unreplayable_state_starts_fresh():
    w = _widget()
    w.restore(ConversationState("no-such-client", 3, ("Hello there.",)))
    assert w.value.turns == () and w.value.scenario_id == "alcohol"
    assert "not available" in w.status.value
    scenarios = load_scenarios()
    smaller = {"alcohol": scenarios["alcohol"]}
    w2 = PracticeConversation(scenarios=smaller, seed_source=lambda: 1)
    assert w2.scenario.options == (("After-work drinks", "alcohol"),)


def test_changing_client_mid_conversation_needs_the_start_button():
    w = _widget()
    _say(w, REFLECTION)
    w.scenario.value = "smoking"
    assert w.value.scenario_id == "alcohol" and "is kept" in w.status.value
    w.new_conversation.click()
    assert w.value == ConversationState("smoking", 7, ())
    w.scenario.value = "exercise"  # nothing said yet: switches at once
    assert w.value.scenario_id == "exercise"


def test_lesson_bar_saves_and_restores_the_conversation(tmp_path):
    from mi_toolkit.core.identity import Learner
    from mi_toolkit.core.journal import Journal

    journal = Journal(tmp_path / "journal.sqlite3")
    learner = Learner("ada", "test")
    bar = LessonBar("practice_conversation", journal=journal, learner=learner, save_delay=0)
    w = bar.track(_widget(), "conversation")
    _say(w, REFLECTION)
    _say(w, OPEN)
    bar2 = LessonBar("practice_conversation", journal=journal, learner=learner, save_delay=0)
    w2 = bar2.track(PracticeConversation(seed_source=lambda: 99), "conversation")
    assert w2.value == w.value
    assert w2.conversation == replay(w.value, load_scenarios())
