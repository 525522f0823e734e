"""Code the sample transcript in the lesson, in Voila, as a learner would."""

from __future__ import annotations

import re
import uuid

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

LESSON = "11_coding_transcripts.ipynb"


def test_code_the_sample_read_the_profile_reload_and_stay_accessible(page: Page, voila) -> None:
    page.goto(voila.lesson_url(LESSON) + f"?learner={uuid.uuid4().hex[:12]}")
    coder = page.locator(".mi-transcript-coder")
    coder.wait_for(state="visible")
    page.get_by_role("button", name="Use the sample transcript").click()
    expect(page.get_by_label("Transcript")).to_have_value(re.compile(r"^Practitioner: Thanks"))
    page.get_by_role("button", name="Code the transcript").click()
    expect(coder.locator(".mi-status")).to_contain_text("Coded 27 turns in 1 transcript")
    expect(coder).to_contain_text("Summary scores against the MITI 4.2.1 thresholds")
    expect(coder.locator("table.mi-coded tbody tr")).to_have_count(27)
    expect(coder.locator(".mi-code").first).not_to_be_empty()  # a text label, not colour only
    expect(coder.locator(".mi-chart img")).to_have_attribute("alt", re.compile("^MITI summary"))

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}})
    assert results.response["violations"] == [], results.generate_report()

    expect(page.locator(".mi-lesson-bar")).to_contain_text("Last saved")
    page.wait_for_timeout(800)
    page.reload()
    page.locator(".mi-transcript-coder table.mi-coded").wait_for(state="visible")
    expect(page.locator("table.mi-coded tbody tr")).to_have_count(27)
