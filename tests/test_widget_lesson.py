"""LessonBar driven from Python: restore, autosave (debounced), sign-in and downloads."""

from __future__ import annotations

import base64
import html
import json
import os
import re
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import ipywidgets as widgets
import pytest

from mi_toolkit.core.exchange import read_document
from mi_toolkit.core.identity import Learner
from mi_toolkit.core.journal import FILE_NAME, Journal
from mi_toolkit.core.ruler import RulerState
from mi_toolkit.widgets import LessonBar, ReadinessRuler

LESSON = "01_readiness_rulers"
T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
ANA = Learner("ana", "url")


class _CountingJournal(Journal):
    """A journal that counts its saves."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.saves: list[tuple[str, str, dict]] = []
        super().__init__(*args, **kwargs)

    def save(self, learner: str, lesson: str, activity: str, state: dict) -> str:
        self.saves.append((learner, activity, state))
        return super().save(learner, lesson, activity, state)


@pytest.fixture
def journal(tmp_path: Path) -> _CountingJournal:
    j = _CountingJournal(tmp_path / FILE_NAME)
    yield j
    j.close()


def _bar(journal: Journal, learner: Learner = ANA, delay: float = 0) -> LessonBar:
    return LessonBar(LESSON, journal=journal, learner=learner, save_delay=delay)


def _ruler() -> ReadinessRuler:
    return ReadinessRuler(clock=lambda: T0)


def _work(change: str = "walk to work", importance: int = 6) -> RulerState:
    return RulerState(change=change).rate("importance", importance).record(T0).rate("readiness", 2)


def _signin(bar: LessonBar) -> widgets.HBox:
    [box] = [c for c in bar.children if isinstance(c, widgets.HBox) and bar.name in c.children]
    return box


def _wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _downloads(bar: LessonBar) -> dict[str, tuple[str, str]]:
    """The download links as {file name: (mime type, decoded text)}."""
    links = re.findall(
        r'<a download="([^"]+)" href="data:([^;]+);charset=utf-8;base64,([^"]+)">',
        bar.downloads.value,
    )
    return {name: (mime, base64.b64decode(data).decode("utf-8")) for name, mime, data in links}


# ---------------------------------------------------------------- restore and save


def test_track_restores_saved_work(journal: Journal):
    journal.save("ana", LESSON, "practice", _work().to_dict())
    ruler = _bar(journal).track(_ruler(), "practice")
    assert ruler.value == _work()
    assert ruler.change.value == "walk to work"
    assert ruler.scales["importance"].value == 6
    assert ruler.scales["readiness"].value == 2
    assert ruler.scales["confidence"].value is None
    assert "<img" in ruler.chart.value


def test_track_without_saved_work_starts_fresh_and_does_not_save(journal: _CountingJournal):
    bar = _bar(journal)
    ruler = bar.track(_ruler(), "practice")
    assert ruler.value == RulerState()
    assert journal.saves == []
    assert bar.notice.value == ""


def test_changes_are_saved(journal: _CountingJournal):
    bar = _bar(journal)
    ruler = bar.track(_ruler(), "practice")
    ruler.change.value = "walk to work"
    ruler.scales["importance"].value = 6
    ruler.record.click()
    ruler.scales["readiness"].value = 2
    assert journal.load("ana", LESSON, "practice") == _work().to_dict()
    assert len(journal.saves) == 4
    assert "Last saved" in bar.status.value
    assert "saved automatically" in bar.status.value
    assert "<strong>ana</strong>" in bar.status.value


def test_a_reload_gets_the_work_back(journal: Journal):
    first = _bar(journal).track(_ruler(), "practice")
    first.change.value = "walk to work"
    first.scales["importance"].value = 6
    widgets.Widget.close_all()
    again = _bar(Journal(journal.path)).track(_ruler(), "practice")  # a new kernel
    assert again.value == first.value
    assert again.scales["importance"].value == 6


def test_activities_are_saved_separately(journal: Journal):
    bar = _bar(journal)
    one = bar.track(_ruler(), "one")
    two = bar.track(_ruler(), "two")
    one.change.value = "walk"
    two.change.value = "sleep"
    assert journal.load("ana", LESSON, "one")["change"] == "walk"
    assert journal.load("ana", LESSON, "two")["change"] == "sleep"


# ---------------------------------------------------------------- debounce


def test_debounced_saves_coalesce_and_flush_writes_them(journal: _CountingJournal):
    bar = _bar(journal, delay=60)  # the timer never fires in this test
    one = bar.track(_ruler(), "one")
    two = bar.track(_ruler(), "two")
    for value in range(6):
        one.scales["importance"].value = value
    two.change.value = "sleep"
    assert journal.saves == []
    assert journal.load("ana", LESSON, "one") is None
    bar.flush()
    assert sorted(activity for _, activity, _ in journal.saves) == ["one", "two"]
    assert journal.load("ana", LESSON, "one")["ratings"]["importance"] == 5
    assert journal.load("ana", LESSON, "two")["change"] == "sleep"
    bar.flush()  # nothing pending: nothing more saved
    assert len(journal.saves) == 2


def test_debounced_save_happens_by_itself(journal: _CountingJournal):
    bar = _bar(journal, delay=0.05)
    ruler = bar.track(_ruler(), "practice")
    ruler.change.value = "walk"
    ruler.scales["importance"].value = 6
    _wait_for(lambda: journal.load("ana", LESSON, "practice") == ruler.value.to_dict())
    assert "Last saved" in bar.status.value
    count = len(journal.saves)
    time.sleep(0.15)
    assert len(journal.saves) == count  # no timer left behind


def test_flush_cancels_the_pending_timer(journal: _CountingJournal):
    bar = _bar(journal, delay=0.3)
    ruler = bar.track(_ruler(), "practice")
    ruler.change.value = "walk"
    ruler.change.value = "walk to work"
    bar.flush()
    assert [state["change"] for _, _, state in journal.saves] == ["walk to work"]
    time.sleep(0.5)
    assert len(journal.saves) == 1


# ---------------------------------------------------------------- work that cannot be restored


def test_state_of_another_schema_version_is_set_aside(journal: Journal, tmp_path: Path):
    newer = {**_work().to_dict(), "schema_version": 99}
    journal.save("ana", LESSON, "practice", newer)
    bar = _bar(journal)
    ruler = bar.track(_ruler(), "practice")
    assert ruler.value == RulerState()
    notice = html.unescape(bar.notice.value)
    assert "'practice' could not be restored" in notice
    assert "schema version 99" in notice
    assert 'role="status"' in bar.notice.value
    db = sqlite3.connect(tmp_path / FILE_NAME)
    rows = db.execute("SELECT learner, lesson, activity, state, reason FROM set_aside").fetchall()
    db.close()
    assert len(rows) == 1
    learner, lesson, activity, state, reason = rows[0]
    assert (learner, lesson, activity) == ("ana", LESSON, "practice")
    assert json.loads(state) == newer
    assert "schema version 99" in reason
    ruler.change.value = "a fresh start"  # new work replaces the entry; the copy stays aside
    assert journal.load("ana", LESSON, "practice")["schema_version"] == 1


def test_a_damaged_state_is_set_aside_too(journal: Journal):
    journal.save("ana", LESSON, "practice", {**_work().to_dict(), "ratings": {"importance": 42}})
    bar = _bar(journal)
    assert bar.track(_ruler(), "practice").value == RulerState()
    assert "could not be restored" in bar.notice.value


# ---------------------------------------------------------------- sign-in


def test_sign_in_switches_learner_and_restores_their_work(journal: Journal):
    journal.save("bo", LESSON, "practice", _work("cut down on coffee", 9).to_dict())
    bar = _bar(journal)
    ruler = bar.track(_ruler(), "practice")
    ruler.change.value = "walk to work"

    bar.name.value = "  bo  "
    bar.switch.click()
    assert bar.learner == Learner("bo", "sign-in")
    assert bar.name.value == "bo"
    assert ruler.value == _work("cut down on coffee", 9)
    assert "<strong>bo</strong>" in bar.status.value
    assert bar.notice.value == ""

    ruler.scales["confidence"].value = 4
    assert journal.load("bo", LESSON, "practice")["ratings"]["confidence"] == 4
    assert journal.load("ana", LESSON, "practice")["ratings"]["confidence"] is None

    bar.name.value = "ana"
    bar.switch.click()
    assert ruler.value.change == "walk to work"
    assert ruler.value.ratings["confidence"] is None


def test_sign_in_saves_pending_work_under_the_previous_name(journal: Journal):
    bar = _bar(journal, delay=60)
    ruler = bar.track(_ruler(), "practice")
    ruler.change.value = "walk to work"
    bar.name.value = "bo"
    bar.switch.click()
    assert journal.load("ana", LESSON, "practice")["change"] == "walk to work"
    assert ruler.value == RulerState()  # bo has no work yet
    bar.flush()
    saved = journal.load("bo", LESSON, "practice")
    assert saved is None or saved["change"] == ""


def test_sign_in_to_a_new_name_starts_fresh(journal: Journal):
    bar = _bar(journal)
    ruler = bar.track(_ruler(), "practice")
    ruler.change.value = "walk to work"
    bar.name.value = "Zoë   Kim"
    bar.switch.click()
    assert bar.learner.name == "Zoë Kim"
    assert ruler.value == RulerState()
    ruler.change.value = "sleep"
    assert journal.load("Zoë Kim", LESSON, "practice")["change"] == "sleep"


@pytest.mark.parametrize("blank", ["", "   ", "\u200b"])
def test_a_blank_name_shows_a_message(journal: Journal, blank: str):
    bar = _bar(journal)
    ruler = bar.track(_ruler(), "practice")
    ruler.change.value = "walk to work"
    bar.name.value = blank
    bar.switch.click()
    assert "Type a name first." in bar.notice.value
    assert bar.learner == ANA
    assert ruler.value.change == "walk to work"


def test_jupyterhub_learner_hides_the_sign_in(journal: Journal):
    bar = LessonBar(LESSON, journal=journal, environ={"JUPYTERHUB_USER": "ana"})
    assert bar.learner == Learner("ana", "jupyterhub")
    assert _signin(bar).layout.display == "none"


def test_url_learner_can_sign_in(journal: Journal):
    bar = LessonBar(LESSON, journal=journal, environ={"QUERY_STRING": "learner=bo"})
    assert bar.learner == Learner("bo", "url")
    assert bar.name.value == "bo"
    assert _signin(bar).layout.display != "none"


def test_default_learner_without_hub_or_url(journal: Journal):
    bar = LessonBar(LESSON, journal=journal, environ={})
    assert bar.learner.source == "default"
    assert _signin(bar).layout.display != "none"


# ---------------------------------------------------------------- downloads


def test_download_gives_html_markdown_and_json_of_the_work(journal: Journal):
    journal.save("bo", LESSON, "practice", _work("not ana's").to_dict())
    bar = _bar(journal)
    ruler = bar.track(_ruler(), "practice")
    ruler.restore(_work())
    ruler.change.value = "walk to work"  # a change, so it is saved
    bar.prepare.click()
    files = _downloads(bar)
    assert sorted(files) == ["mi-work-ana.html", "mi-work-ana.json", "mi-work-ana.md"]
    assert [files[n][0] for n in sorted(files)] == [
        "text/html",
        "application/json",
        "text/markdown",
    ]
    assert "(1 saved activity)" in bar.downloads.value

    [entry] = read_document(json.loads(files["mi-work-ana.json"][1]), name="mi-work-ana.json")
    assert (entry.learner, entry.lesson, entry.activity) == ("ana", LESSON, "practice")
    assert RulerState.from_dict(entry.state) == ruler.value
    page = files["mi-work-ana.html"][1]
    assert "walk to work" in page and "not ana" not in page
    assert "data:image/png;base64," in page
    assert "https://" not in page and "<script" not in page
    markdown = files["mi-work-ana.md"][1]
    assert markdown.startswith("# MI practice: work of ana")
    assert "walk to work" in markdown


def test_download_includes_pending_changes(journal: Journal):
    bar = _bar(journal, delay=60)
    ruler = bar.track(_ruler(), "practice")
    ruler.change.value = "walk to work"
    bar.prepare.click()
    [entry] = read_document(json.loads(_downloads(bar)["mi-work-ana.json"][1]), name="x")
    assert entry.state["change"] == "walk to work"


def test_download_with_an_html_name_escapes_it(journal: Journal):
    evil = '<b>Zoë</b> & "co"'
    bar = _bar(journal, learner=Learner(evil, "url"))
    bar.track(_ruler(), "practice").change.value = "walk"
    assert "<b>Zoë" not in bar.status.value
    assert html.escape(evil) in bar.status.value
    bar.prepare.click()
    assert "<b>" not in bar.downloads.value
    files = _downloads(bar)
    assert len(files) == 3
    assert all(re.fullmatch(r"mi-work-[A-Za-z0-9-]+\.(html|md|json)", name) for name in files)
    [json_name] = [n for n in files if n.endswith(".json")]
    document = json.loads(files[json_name][1])
    assert document["learner"] == evil
    [html_name] = [n for n in files if n.endswith(".html")]
    assert "<b>Zoë" not in files[html_name][1]
    assert html.escape(evil) in files[html_name][1]


def test_download_with_no_work_still_gives_three_files(journal: Journal):
    bar = _bar(journal)
    bar.prepare.click()
    files = _downloads(bar)
    assert len(files) == 3
    assert "(0 saved activities)" in bar.downloads.value
    assert json.loads(files["mi-work-ana.json"][1])["entries"] == []


def test_sign_in_clears_old_downloads(journal: Journal):
    bar = _bar(journal)
    bar.prepare.click()
    assert bar.downloads.value
    bar.name.value = "bo"
    bar.switch.click()
    assert bar.downloads.value == ""


def test_page_environ_waits_for_the_request_once_in_a_preheated_kernel(monkeypatch, tmp_path):
    from mi_toolkit.widgets import _common

    waits: list[bool] = []

    def fake_wait() -> None:  # what Voila does: put the request into the environment
        waits.append(True)
        monkeypatch.setenv("QUERY_STRING", "learner=pooled")

    monkeypatch.setattr(_common, "_wait_for_request", fake_wait)
    monkeypatch.setattr(_common, "_request_seen", False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    bar = LessonBar("pool_check", journal=Journal(tmp_path / FILE_NAME))
    assert bar.learner.name == "pooled"
    LessonBar("pool_check", journal=Journal(tmp_path / FILE_NAME))
    assert waits == [True]  # a second widget in the same kernel does not wait again


def test_page_environ_does_not_wait_outside_a_pool(monkeypatch):
    from mi_toolkit.widgets import _common

    monkeypatch.setattr(_common, "_wait_for_request", lambda: pytest.fail("waited"))
    monkeypatch.setattr(_common, "_request_seen", False)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert _common.page_environ()["PATH"] == os.environ["PATH"]
