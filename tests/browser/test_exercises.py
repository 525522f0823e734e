"""The exercises served to a class: tasks shown, solutions neither shown nor downloadable."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import REPO, VoilaServer

EXERCISE = "01_mi_spirit_exercises.ipynb"
SOLUTION = "likely result is that the student defends late-night gaming"
# notebook, a task heading shown to learners, a phrase from one of its solution cells
PAGES = [
    (EXERCISE, "From fixing to the spirit of MI", SOLUTION),
    (
        "03_reflective_listening_exercises.ipynb",
        "From roadblock to reflection",
        "a silver lining",
    ),
    ("07_readiness_rulers_exercises.ipynb", "Spot the slip", "duly lists three"),
]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}}


@pytest.fixture(scope="module")
def exercises(tmp_path_factory: pytest.TempPathFactory, chromium_path: str):
    if not sys.platform.startswith("linux"):
        pytest.skip("the browser suite runs on Linux only")
    server = VoilaServer(REPO / "exercises", tmp_path_factory.mktemp("exercises"))
    try:
        yield server
    finally:
        server.stop()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


@pytest.mark.parametrize(("name", "task", "solution"), PAGES)
def test_solution_cells_are_not_on_the_page_and_the_tasks_are(
    page: Page, exercises, name: str, task: str, solution: str
) -> None:
    assert solution in (REPO / "exercises" / name).read_text()  # the phrase is real
    page.goto(exercises.lesson_url(name) + f"?learner={uuid.uuid4().hex[:12]}")
    page.locator(".mi-quiz").wait_for(state="visible")
    expect(page.get_by_role("heading", name=task)).to_be_visible()
    expect(page.get_by_role("button", name="Check my answers")).to_be_visible()
    html = page.content()
    assert task in html
    assert solution not in html
    assert "Model answers" not in html
    if name == EXERCISE:  # one page is enough: the widgets are checked in the lesson tests
        results = Axe().run(page, options=WCAG)
        assert results.response["violations"] == [], results.generate_report()


@pytest.mark.parametrize(
    "path",
    [
        f"/voila/files/{EXERCISE}",
        f"/voila/static/{EXERCISE}",
        f"/files/{EXERCISE}",
        f"/api/contents/{EXERCISE}",
        f"/voila/render/{EXERCISE}?download=1",
    ],
)
def test_the_notebook_with_its_solutions_cannot_be_downloaded(exercises, path: str) -> None:
    status, body = _get(exercises.url + path)
    assert SOLUTION not in body
    if "render" not in path:
        assert status in (403, 404), (path, status)
