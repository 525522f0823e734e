"""ReadinessRuler driven from Python, the way a kernel sees the browser's changes."""

from __future__ import annotations

import base64
import html
import logging
import re
from dataclasses import replace
from datetime import UTC, datetime

import ipywidgets as widgets
import pytest

from mi_toolkit.core.ruler import SCALES, RulerPrompts, RulerState, load_ruler_prompts
from mi_toolkit.widgets import ReadinessRuler

T0 = datetime(2024, 3, 1, 9, 30, 0, tzinfo=UTC)
SCRIPT = "<script>alert('hi')</script>"


def _html_widgets(widget: widgets.Widget) -> list[widgets.HTML]:
    """Every HTML widget inside ``widget``, depth first."""
    found = [widget] if isinstance(widget, widgets.HTML) else []
    for child in getattr(widget, "children", ()):
        found += _html_widgets(child)
    return found


def _all_html(ruler: ReadinessRuler) -> str:
    return "\n".join(w.value for w in _html_widgets(ruler))


def _chart_alt(ruler: ReadinessRuler) -> str:
    match = re.search(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]*)">', ruler.chart.value)
    assert match, ruler.chart.value
    assert base64.b64decode(match.group(1)).startswith(b"\x89PNG")
    return html.unescape(match.group(2))


@pytest.fixture
def ruler() -> ReadinessRuler:
    return ReadinessRuler(clock=lambda: T0)


# ---------------------------------------------------------------- rating


def test_starts_empty(ruler: ReadinessRuler):
    assert ruler.value == RulerState()
    assert all(ruler.follow_ups[s].value == "" for s in SCALES)
    assert "mi-tick-on" not in "".join(ruler.visuals[s].value for s in SCALES)
    assert "Record your ratings" in ruler.chart.value
    assert ruler.status.value == ""


def test_rating_updates_state_follow_up_and_visual(ruler: ReadinessRuler):
    ruler.change.value = "walk to work"
    ruler.scales["importance"].value = 6
    assert ruler.value.change == "walk to work"
    assert ruler.value.ratings == {"importance": 6, "confidence": None, "readiness": None}
    text = html.unescape(ruler.follow_ups["importance"].value)
    assert "Importance 6: questions to ask next" in text
    assert "Why are you at 6 and not a lower number, like 3?" in text
    assert "What would it take to move you from 6 to 7?" in text
    assert ruler.follow_ups["confidence"].value == ""
    visual = ruler.visuals["importance"].value
    assert 'aria-hidden="true"' in visual
    assert visual.count("mi-tick-on") == 1
    assert '<span class="mi-tick mi-tick-on">6</span>' in visual
    assert "mi-tick-on" not in ruler.visuals["readiness"].value


def test_zero_and_ten_show_their_own_follow_ups(ruler: ReadinessRuler):
    ruler.scales["confidence"].value = 0
    ruler.scales["readiness"].value = 10
    assert "feels out of reach right now" in html.unescape(ruler.follow_ups["confidence"].value)
    assert "not a lower number" not in ruler.follow_ups["confidence"].value
    assert "What is your first step" in ruler.follow_ups["readiness"].value


def test_clearing_a_rating_clears_its_follow_up(ruler: ReadinessRuler):
    ruler.scales["importance"].value = 4
    ruler.scales["importance"].value = None
    assert ruler.value.ratings["importance"] is None
    assert ruler.follow_ups["importance"].value == ""
    assert "mi-tick-on" not in ruler.visuals["importance"].value


def test_question_uses_the_change(ruler: ReadinessRuler):
    ruler.change.value = "cut down on coffee"
    assert ruler.questions["importance"].value == (
        "<p>How important is it to you to cut down on coffee?</p>"
    )
    assert "cut down on coffee" in ruler.questions["readiness"].value


# ---------------------------------------------------------------- recording


def test_record_adds_history_status_and_chart(ruler: ReadinessRuler):
    ruler.change.value = "walk to work"
    ruler.scales["importance"].value = 6
    ruler.scales["readiness"].value = 2
    ruler.record.click()
    assert len(ruler.value.history) == 1
    assert ruler.value.history[0].ratings == {
        "importance": 6,
        "confidence": None,
        "readiness": 2,
    }
    assert "Recorded. You have 1 recorded rating." in ruler.status.value
    assert 'role="status"' in ruler.status.value
    alt = _chart_alt(ruler)
    assert alt.strip()
    assert "1 recorded time" in alt
    assert "Importance: 6." in alt
    assert "Confidence: –." in alt
    assert "Readiness: 2." in alt
    assert "<td>walk to work</td><td>6</td><td>–</td><td>2</td>" in ruler.chart.value

    ruler.scales["importance"].value = 8
    ruler.record.click()
    assert "You have 2 recorded ratings." in ruler.status.value
    assert "Importance: 6, 8." in _chart_alt(ruler)


def test_history_table_shows_the_last_five(ruler: ReadinessRuler):
    for value in range(7):
        ruler.scales["importance"].value = value
        ruler.record.click()
    rows = re.findall(r"<tr><td>(\d+)</td>", ruler.chart.value)
    assert rows == ["3", "4", "5", "6", "7"]
    assert "(not named)" in ruler.chart.value


def test_record_without_ratings_warns_and_adds_nothing(ruler: ReadinessRuler):
    ruler.change.value = "walk to work"
    ruler.record.click()
    assert ruler.value.history == ()
    assert "Choose a rating on at least one ruler first." in ruler.status.value
    assert "mi-note" in ruler.status.value
    assert "<img" not in ruler.chart.value


def test_injected_clock_is_used():
    times = iter([T0, T0.replace(hour=10)])
    ruler = ReadinessRuler(clock=lambda: next(times))
    ruler.scales["importance"].value = 5
    ruler.record.click()
    ruler.record.click()
    assert [r.taken_at for r in ruler.value.history] == [
        "2024-03-01T09:30:00+00:00",
        "2024-03-01T10:30:00+00:00",
    ]


def test_value_trait_is_observable(ruler: ReadinessRuler):
    seen: list[RulerState] = []
    ruler.observe(lambda change: seen.append(change["new"]), names="value")
    ruler.scales["confidence"].value = 7
    assert len(seen) == 1
    assert seen[-1].ratings["confidence"] == 7
    ruler.change.value = "walk"
    assert seen[-1].change == "walk"
    ruler.record.click()
    assert len(seen[-1].history) == 1
    assert seen[-1] is ruler.value


# ---------------------------------------------------------------- learner text


def _prompts_using_change() -> RulerPrompts:
    """Packaged prompts whose follow-ups also quote the change."""
    prompts = load_ruler_prompts()
    scales = {
        name: replace(
            text,
            in_between=(*text.in_between, "What about {change} puts you at {value}?"),
        )
        for name, text in prompts.scales.items()
    }
    return replace(prompts, scales=scales)


def test_html_in_the_change_is_escaped_everywhere():
    ruler = ReadinessRuler(prompts=_prompts_using_change(), clock=lambda: T0)
    ruler.change.value = f'{SCRIPT} & "quotes"'
    for scale in SCALES:
        ruler.scales[scale].value = 5
    ruler.record.click()
    everything = _all_html(ruler)
    assert "<script>" not in everything
    assert "</script>" not in everything
    assert "&lt;script&gt;" in everything
    escaped = "&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;"
    for scale in SCALES:
        assert escaped in ruler.questions[scale].value
        assert escaped in ruler.follow_ups[scale].value
    assert f"<td>{escaped}</td>" in ruler.chart.value
    # the core keeps the text as typed; only the view escapes it
    assert ruler.value.change == f'{SCRIPT} & "quotes"'


def test_restored_html_change_is_escaped():
    state = RulerState(change=SCRIPT).rate("importance", 3).record(T0)
    ruler = ReadinessRuler(state=state)
    assert "<script>" not in _all_html(ruler)
    assert "&lt;script&gt;" in ruler.questions["importance"].value
    assert "&lt;script&gt;" in ruler.chart.value


def test_blank_name_shows_a_tip_and_keeps_ratings(ruler: ReadinessRuler):
    ruler.change.value = "walk to work"
    ruler.scales["importance"].value = 6
    ruler.scales["confidence"].value = 9
    ruler.change.value = "   "
    assert "Tip: name the change" in html.unescape(ruler.change_note.value)
    assert ruler.value.change == ""
    assert ruler.value.ratings == {"importance": 6, "confidence": 9, "readiness": None}
    assert "make this change" in ruler.questions["importance"].value
    assert "Why are you at 6" in ruler.follow_ups["importance"].value
    ruler.change.value = "walk to work"
    assert ruler.change_note.value == ""


def test_long_name_is_shortened_with_a_note_and_keeps_ratings(ruler: ReadinessRuler):
    for scale, value in zip(SCALES, (2, 5, 8), strict=True):
        ruler.scales[scale].value = value
    ruler.change.value = ("<b>walk</b> to work " * 300)[:5000]
    note = ruler.change_note.value
    assert "shortened" in note
    assert "Your ratings are kept." in note
    assert ruler.value.ratings == {"importance": 2, "confidence": 5, "readiness": 8}
    assert ruler.value.change.endswith("…")
    assert len(ruler.value.change) <= 201
    assert "&lt;b&gt;walk&lt;/b&gt;" in ruler.questions["importance"].value
    assert "<b>" not in _all_html(ruler)
    assert "Why are you at 2" in ruler.follow_ups["importance"].value


# ---------------------------------------------------------------- restore


def _saved_state() -> RulerState:
    state = RulerState(change="walk to work").rate("importance", 3).rate("readiness", 10)
    return state.record(T0)


def test_restore_puts_values_back_and_renders(ruler: ReadinessRuler):
    ruler.scales["confidence"].value = 4
    state = _saved_state()
    ruler.restore(state)
    assert ruler.value == state
    assert ruler.change.value == "walk to work"
    assert {s: ruler.scales[s].value for s in SCALES} == {
        "importance": 3,
        "confidence": None,
        "readiness": 10,
    }
    assert (
        "Why are you at 3 and not a lower number, like 1?" in ruler.follow_ups["importance"].value
    )
    assert ruler.follow_ups["confidence"].value == ""
    assert "What is your first step" in ruler.follow_ups["readiness"].value
    assert '<span class="mi-tick mi-tick-on">10</span>' in ruler.visuals["readiness"].value
    assert "walk to work" in ruler.questions["importance"].value
    assert "Importance: 3." in _chart_alt(ruler)


def test_restore_from_saved_dict_in_constructor():
    saved = _saved_state().to_dict()
    ruler = ReadinessRuler(state=RulerState.from_dict(saved))
    assert ruler.value.to_dict() == saved
    assert ruler.scales["importance"].value == 3
    assert "<img" in ruler.chart.value


def test_restore_does_not_look_like_learner_input(ruler: ReadinessRuler):
    seen: list[RulerState] = []
    ruler.observe(lambda change: seen.append(change["new"]), names="value")
    ruler.restore(_saved_state())
    assert seen == [_saved_state()]
    assert ruler.change_note.value == ""


# ---------------------------------------------------------------- errors


def test_error_in_record_is_shown_not_raised(
    ruler: ReadinessRuler, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    def broken_record(self: RulerState, now: datetime | None = None) -> RulerState:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(RulerState, "record", broken_record)
    ruler.scales["importance"].value = 6
    with caplog.at_level(logging.ERROR, logger="mi_toolkit"):
        ruler.record.click()
    status = html.unescape(ruler.status.value)
    assert "Something went wrong (RuntimeError: disk on fire)" in status
    assert "Your work so far is kept" in status
    assert 'role="status"' in ruler.status.value
    assert ruler.value.ratings["importance"] == 6
    assert ruler.value.history == ()
    assert any("disk on fire" in (r.exc_text or "") for r in caplog.records)


def test_error_in_an_observer_is_shown_not_raised(
    ruler: ReadinessRuler, monkeypatch: pytest.MonkeyPatch
):
    def broken_rate(self: RulerState, scale: str, value: int | None) -> RulerState:
        raise ValueError("cannot rate")

    monkeypatch.setattr(RulerState, "rate", broken_rate)
    ruler.scales["readiness"].value = 4  # must not raise into the caller
    assert "Something went wrong (ValueError: cannot rate)" in ruler.status.value
    assert ruler.value.ratings["readiness"] is None
