"""Kernels must not pile up: closed pages shut their kernel, abandoned ones are culled."""

from __future__ import annotations

import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    CULL_IDLE_TIMEOUT,
    CULL_INTERVAL,
    NOTEBOOKS,
    VoilaServer,
    wait_until,
)
from tests.browser.test_lesson_rulers import open_lesson, rate


@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory, chromium_path: str):
    """A server of its own with a short culling time (the shared one keeps the default)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the browser suite reads kernel processes from /proc (Linux only)")
    server = VoilaServer(
        NOTEBOOKS,
        tmp_path_factory.mktemp("culling"),
        f"--cull-idle-timeout={CULL_IDLE_TIMEOUT}",
        f"--cull-interval={CULL_INTERVAL}",
    )
    try:
        yield server
    finally:
        server.stop()


def test_closing_or_reloading_a_page_shuts_its_kernel_down(browser, voila) -> None:
    context = browser.new_context()
    try:
        before = voila.kernel_pids()
        page = context.new_page()
        page.set_default_timeout(120_000)
        open_lesson(page, voila)
        first = voila.kernel_pids() - before
        assert len(first) == 1, first

        page.reload()  # a reload fires the page-close request too
        page.locator(".mi-readiness-ruler").wait_for(state="visible")
        # Well inside the culling time: only the shutdown request can explain it.
        assert wait_until(lambda: not (voila.kernel_pids() & first), timeout=8), voila.log()
        second = voila.kernel_pids() - before
        assert len(second) == 1, second

        page.close(run_before_unload=True)
        assert wait_until(lambda: not (voila.kernel_pids() & second), timeout=8), voila.log()
    finally:
        context.close()
    assert "_xsrf' argument missing" not in voila.log()


def test_abandoned_kernels_are_culled_and_open_pages_are_kept(browser, voila) -> None:
    context = browser.new_context()
    try:
        # Earlier tests' pages may have left kernels that get culled meanwhile:
        # follow only the two kernels this test starts.
        start = voila.kernel_pids()
        kept = context.new_page()
        kept.set_default_timeout(120_000)
        open_lesson(kept, voila)
        kept_kernel = voila.kernel_pids() - start
        assert len(kept_kernel) == 1
        before = voila.kernel_pids()
        gone = context.new_page()
        gone.set_default_timeout(120_000)
        open_lesson(gone, voila)
        abandoned = voila.kernel_pids() - before
        assert len(abandoned) == 1
        # No beforeunload: like a crashed browser or a phone that drops the tab.
        gone.close(run_before_unload=False)
        assert wait_until(
            lambda: not (voila.kernel_pids() & abandoned),
            timeout=CULL_IDLE_TIMEOUT + 4 * CULL_INTERVAL + 20,
        ), voila.log()
        # The page left open was idle just as long, but it is connected: kept.
        assert kept_kernel <= voila.kernel_pids()
        rate(kept, "Importance", 3)
        expect(kept.locator(".mi-follow-up")).to_contain_text("Why are you at 3")
    finally:
        context.close()
