"""The instructor's class overview in Voila, in a real Chromium: table, skipped files, axe.

A second server (``root = instructor/``), as an instructor runs it, started with
``MI_TOOLKIT_CLASS_DIR`` naming a folder of 3 good exports and 2 broken files, and
``MI_TOOLKIT_DATA_DIR`` naming a journal holding one other learner.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from mi_toolkit.core.exchange import export_document
from mi_toolkit.core.journal import FILE_NAME, Entry, Journal
from mi_toolkit.core.ruler import RulerState
from tests.browser.conftest import REPO, VoilaServer

NOTEBOOK = "class_overview.ipynb"
LESSON = "01_readiness_rulers"
HOSTILE = '<img src=x onerror="window.__pwned=1">'


def _ruler(**ratings: int) -> dict:
    state = RulerState(change="walk to work")
    for scale, value in ratings.items():
        state = state.rate(scale, value)
    return state.record(datetime(2024, 3, 1, 9, 0, tzinfo=UTC)).to_dict()


def _export(folder: Path, name: str, learner: str, state: dict, **changes) -> None:
    entry = Entry(learner, LESSON, "practice", state, "2024-03-02T10:00:00.000+00:00")
    document = export_document([entry], learner) | changes
    (folder / name).write_text(json.dumps(document), encoding="utf-8")


@pytest.fixture(scope="module")
def class_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("class-exports")
    _export(folder, "mi-work-ana.json", "ana", _ruler(importance=6, confidence=4))
    _export(folder, "mi-work-ben.json", "ben", _ruler(importance=8, readiness=2))
    _export(folder, "mi-work-hostile.json", HOSTILE, _ruler(confidence=9))
    (folder / "broken.json").write_text('{"kind": "mi_toolkit_export", ', encoding="utf-8")
    _export(folder, "old-version.json", "cy", _ruler(importance=1), schema_version=99)
    return folder


@pytest.fixture(scope="module")
def instructor(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str, class_dir: Path
) -> Iterator[VoilaServer]:
    data_dir = tmp_path_factory.mktemp("server-journal")
    journal = Journal(data_dir / FILE_NAME)
    journal.save("jules", LESSON, "practice", _ruler(readiness=7))
    journal.close()
    # VoilaServer copies os.environ when it starts the process: set both first.
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MI_TOOLKIT_CLASS_DIR", str(class_dir))
        env.setenv("MI_TOOLKIT_DATA_DIR", str(data_dir))
        server = VoilaServer(REPO / "instructor", tmp_path_factory.mktemp("voila-instructor"))
    try:
        yield server
    finally:
        server.stop()


def open_overview(page: Page, server: VoilaServer) -> None:
    page.goto(server.lesson_url(NOTEBOOK))
    page.locator(".mi-class-overview table.mi-class-table").wait_for(state="visible")


def test_shows_the_learners_table_chart_and_skipped_files(page: Page, instructor) -> None:
    open_overview(page, instructor)
    overview = page.locator(".mi-class-overview")
    expect(overview.locator(".mi-status")).to_contain_text("Read 5 files")
    expect(overview.locator(".mi-status")).to_contain_text("3 learners. 2 files were skipped")

    table = overview.locator("table.mi-class-table")
    expect(table.locator("caption")).to_contain_text("Learners (3)")
    row_heads = table.locator("tbody th[scope='row']")
    expect(row_heads).to_have_text([HOSTILE, "ana", "ben"])  # "<" sorts before letters
    expect(table.locator("tbody tr").nth(1).locator("td")).to_have_text(
        ["1", "6", "4", "–", "1", "0", "2024-03-02 10:00"]
    )

    skipped = overview.locator(".mi-overview-list li")
    expect(skipped).to_have_count(2)
    expect(skipped.nth(0)).to_contain_text("broken.json: invalid JSON")
    expect(skipped.nth(1)).to_contain_text(
        "old-version.json: export schema version 99 is not supported"
    )

    chart = overview.locator(".mi-chart img")
    expect(chart).to_have_attribute("alt", "Bar charts of each learner's latest ruler rating, one "
        "chart per scale. Importance, 2 learners: 1 at 6, 1 at 8. Confidence, 2 learners: 1 at 4, "
        "1 at 9. Readiness, 1 learner: 1 at 2.")  # fmt: skip
    assert page.evaluate("() => document.querySelector('.mi-chart img').naturalWidth") > 300

    # the hostile learner name is text, never markup
    assert page.evaluate("window.__pwned") is None
    assert overview.locator("img[src='x']").count() == 0


def test_axe_finds_no_wcag_a_or_aa_violation(page: Page, instructor) -> None:
    open_overview(page, instructor)
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}},
    )
    violations = results.response["violations"]
    assert violations == [], results.generate_report() + json.dumps(
        [[n["target"] for n in v["nodes"]] for v in violations]
    )


def test_works_by_keyboard_and_reads_the_server_journal(page: Page, instructor) -> None:
    open_overview(page, instructor)
    folder = page.get_by_label("Export folder")
    folder.focus()
    page.keyboard.press("Tab")
    journal_box = page.get_by_label("Read this server's journal instead")
    expect(journal_box).to_be_focused()
    page.keyboard.press("Space")
    expect(journal_box).to_be_checked()
    expect(folder).to_be_disabled()
    page.keyboard.press("Tab")
    load = page.get_by_role("button", name="Load")
    expect(load).to_be_focused()
    page.keyboard.press("Enter")
    overview = page.locator(".mi-class-overview")
    expect(overview.locator(".mi-status")).to_contain_text("this server's journal")
    expect(overview.locator("tbody th[scope='row']")).to_have_text(["jules"])
    expect(overview.locator(".mi-overview-list")).to_have_count(0)


def test_another_folder_typed_in_shows_a_friendly_message(page: Page, instructor) -> None:
    open_overview(page, instructor)
    folder = page.get_by_label("Export folder")
    folder.fill("/no/such/folder")
    page.get_by_role("button", name="Load").click()
    status = page.locator(".mi-class-overview .mi-note[role='status']")
    expect(status).to_contain_text("There is no folder at /no/such/folder.")
    expect(page.locator("table.mi-class-table")).to_have_count(0)
