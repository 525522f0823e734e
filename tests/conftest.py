"""Shared fixtures for the unit tests."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator

import pytest

# The browser fixtures live here, at the root, so that the browser suite and the
# JupyterHub suite share ONE Playwright session (a second sync_playwright() in the
# same run fails: "using Playwright Sync API inside the asyncio loop").


def run_on_a_fresh_loop(coro):  # noqa: ANN001, ANN201 - any coroutine, its result
    """Run ``coro`` on a fresh event loop in another thread (as a server's or a
    kernel's handlers run on their loop): in a full run the browser suite's Playwright
    session keeps a loop running in this thread, and asyncio refuses to run a second
    loop in a thread that has one running."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result(timeout=60)


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    """Close every ipywidget a test created, so no widget leaks into the next test.

    ipywidgets is imported lazily: a test that never touched it (the core tests,
    the CLI tests) does not pay for the import or depend on it being installed.
    """
    yield
    if "ipywidgets" not in sys.modules:
        return
    import ipywidgets

    ipywidgets.Widget.close_all()


def pytest_configure(config: pytest.Config) -> None:
    """Point the learner journal at a temporary folder for the whole run.

    Set before anything starts, so the nbval kernels and the Voila servers the
    browser suite starts inherit it: tests never write to a real user's journal.
    """
    import os
    import tempfile

    from mi_toolkit.core.journal import ENV_DATA_DIR

    os.environ[ENV_DATA_DIR] = tempfile.mkdtemp(prefix="mi-toolkit-test-journal-")


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# expect() waits 5 s by default; a first chart (matplotlib's import) or a kernel on
# a busy 2-core machine can take longer. A real failure still fails, only later.
EXPECT_TIMEOUT_MS = 30_000


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("MI_TOOLKIT_CHROMIUM") or shutil.which("chromium")
    if not path:
        message = (
            "Chromium not found: the browser tests need the system Chromium. "
            "On Debian/Ubuntu: `sudo apt-get install chromium` (or set "
            "MI_TOOLKIT_CHROMIUM=/path/to/chromium). `bash .ci/run` installs it."
        )
        if _in_ci():
            pytest.fail(message + " (CI=true: a missing browser is a failure)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
