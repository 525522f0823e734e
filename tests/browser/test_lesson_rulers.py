"""Work the readiness-ruler lesson in Voila as a learner would, in a real Chromium."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

LESSON = "07_readiness_rulers.ipynb"


def open_lesson(page: Page, voila, learner: str | None = None) -> None:
    """Open the lesson as a new learner (each test starts from an empty journal entry)."""
    page.goto(voila.lesson_url(LESSON) + f"?learner={learner or uuid.uuid4().hex[:12]}")
    page.locator(".mi-readiness-ruler").wait_for(state="visible")


def ruler(page: Page, label: str):
    return page.get_by_label(label, exact=True)


def rate(page: Page, label: str, value: int) -> None:
    """Choose ``value`` on a ruler (option 0 is the blank "choose 0 to 10")."""
    ruler(page, label).select_option(index=value + 1)


def test_rating_importance_6_shows_the_follow_up_for_6(page: Page, voila) -> None:
    open_lesson(page, voila)
    page.get_by_label("The change").fill("walk to work")
    rate(page, "Importance", 6)
    follow_up = page.locator(".mi-follow-up")
    expect(follow_up).to_contain_text("Why are you at 6 and not a lower number, like 3?")
    expect(follow_up).to_contain_text("from 6 to 7")
    expect(follow_up).not_to_contain_text("higher number")
    expect(page.locator(".mi-tick-on")).to_have_text("6")
    expect(page.locator(".mi-question").first).to_contain_text("to you to walk to work?")


def test_zero_gets_a_different_prompt(page: Page, voila) -> None:
    open_lesson(page, voila)
    rate(page, "Confidence", 0)
    expect(page.locator(".mi-follow-up")).to_contain_text("feels out of reach")
    expect(page.locator(".mi-follow-up")).not_to_contain_text("not a lower")


def test_html_in_a_huge_or_blank_change_name_is_escaped_and_loses_no_rating(
    page: Page, voila
) -> None:
    open_lesson(page, voila)
    rate(page, "Importance", 6)
    hostile = '<img src=x onerror="window.__pwned=1"><b>run</b> ' + "word " * 1000
    box = page.get_by_label("The change")
    box.fill(hostile)
    box.press("Tab")
    expect(page.locator(".mi-note")).to_contain_text("shortened")
    question = page.locator(".mi-question").first
    expect(question).to_contain_text('<img src=x onerror="window.__pwned=1">')
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".mi-readiness-ruler img[src='x'], .mi-readiness-ruler b").count() == 0
    expect(ruler(page, "Importance")).to_have_value("6")
    expect(page.locator(".mi-follow-up")).to_contain_text("at 6")

    box.fill("   ")
    box.press("Tab")
    expect(page.locator(".mi-note")).to_contain_text("name the change")
    expect(ruler(page, "Importance")).to_have_value("6")
    expect(page.locator(".mi-question").first).to_contain_text("to make this change?")


def test_the_whole_widget_works_by_keyboard(page: Page, voila) -> None:
    open_lesson(page, voila)
    box = page.get_by_label("The change")
    box.focus()
    page.keyboard.type("go to bed by eleven")
    page.keyboard.press("Tab")  # -> Importance
    expect(ruler(page, "Importance")).to_be_focused()
    for _ in range(8):  # "choose 0 to 10" -> 0 -> 1 ... -> 7
        page.keyboard.press("ArrowDown")
    expect(page.locator(".mi-follow-up")).to_contain_text("Why are you at 7")
    page.keyboard.press("Tab")  # -> Confidence
    expect(ruler(page, "Confidence")).to_be_focused()
    page.keyboard.press("End")  # 10
    expect(page.locator(".mi-follow-up").nth(1)).to_contain_text("What gives you that much")
    page.keyboard.press("Tab")  # -> Readiness
    page.keyboard.press("Tab")  # -> Record button
    record = page.get_by_role("button", name="Record these ratings")
    expect(record).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".mi-readiness-ruler .mi-status")).to_contain_text("1 recorded rating")
    chart = page.locator(".mi-chart img")
    expect(chart).to_have_attribute(
        "alt",
        "Chart of your ruler ratings over 1 recorded time. "
        "Importance: 7. Confidence: 10. Readiness: –.",
    )
    expect(page.locator("table.mi-history")).to_contain_text("go to bed by eleven")


def test_axe_finds_no_wcag_a_or_aa_violation(page: Page, voila) -> None:
    open_lesson(page, voila)
    page.get_by_label("The change").fill("cut down on coffee")
    rate(page, "Importance", 6)
    rate(page, "Readiness", 0)
    page.get_by_role("button", name="Record these ratings").click()
    page.locator(".mi-chart img").wait_for(state="visible")
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}},
    )
    violations = results.response["violations"]
    assert violations == [], results.generate_report() + json.dumps(
        [[n["target"] for n in v["nodes"]] for v in violations]
    )


def test_fits_a_phone_screen(browser, voila) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    try:
        page = context.new_page()
        page.set_default_timeout(120_000)
        open_lesson(page, voila)
        rate(page, "Importance", 4)
        expect(page.locator(".mi-follow-up")).to_contain_text("at 4")
        overflow = page.evaluate(
            "() => [...document.querySelectorAll('.mi-readiness-ruler *')]"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
            ".map(e => e.className).slice(0, 5)"
        )
        assert overflow == [], f"elements wider than a 375px screen: {overflow}"
    finally:
        context.close()


def test_the_lesson_list_opens_the_lesson(page: Page, voila) -> None:
    page.goto(voila.url + "/voila/tree")
    item = page.locator(".jp-DirListing-item", has_text=LESSON)
    with page.context.expect_page() as opened:
        item.click()  # Voila's lesson list opens a lesson in a new tab
    lesson = opened.value
    lesson.locator(".mi-readiness-ruler").wait_for(state="visible")
    assert "/voila/render/" + LESSON in lesson.url


def test_work_survives_a_reload_and_downloads(page: Page, voila) -> None:
    open_lesson(page, voila, learner="reload-tester")
    expect(page.get_by_label("Your name")).to_have_value("reload-tester")
    page.get_by_label("The change").fill("drink more water")
    rate(page, "Importance", 8)
    rate(page, "Confidence", 2)
    page.get_by_role("button", name="Record these ratings").click()
    expect(page.locator(".mi-lesson-bar")).to_contain_text("Last saved")
    # the history record is the last change: wait for its save too
    expect(page.locator(".mi-chart img")).to_be_visible()
    page.wait_for_timeout(1000)

    page.reload()
    page.locator(".mi-readiness-ruler").wait_for(state="visible")
    expect(page.get_by_label("The change")).to_have_value("drink more water")
    expect(ruler(page, "Importance")).to_have_value("8")
    expect(page.locator(".mi-follow-up").first).to_contain_text("Why are you at 8")
    expect(page.locator("table.mi-history")).to_contain_text("drink more water")

    page.get_by_role("button", name="Download my work").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="HTML page (to read or hand in)").click()
    saved = download.value
    assert saved.suggested_filename == "mi-work-reload-tester.html"
    text = Path(saved.path()).read_text(encoding="utf-8")
    assert "drink more water" in text and "Importance: 8" in text
    assert "http://" not in text and "https://" not in text  # reads offline


def test_saved_work_can_be_carried_to_another_session(page: Page, voila, tmp_path: Path) -> None:
    open_lesson(page, voila)
    page.get_by_label("The change").fill("stretch every morning")
    rate(page, "Readiness", 9)
    expect(page.locator(".mi-lesson-bar")).to_contain_text("Last saved")
    page.get_by_role("button", name="Download my work").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON (complete, to re-import)").click()
    exported = tmp_path / "work.json"
    download.value.save_as(exported)

    open_lesson(page, voila)  # a new learner, as on a fresh Binder session
    expect(page.get_by_label("The change")).to_have_value("")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Load saved work").click()
    chooser.value.set_files(exported)
    expect(page.locator(".mi-lesson-bar")).to_contain_text("Loaded 1 saved activity")
    expect(page.get_by_label("The change")).to_have_value("stretch every morning")
    expect(ruler(page, "Readiness")).to_have_value("9")
