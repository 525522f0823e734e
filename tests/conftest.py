"""Shared fixtures for the unit tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


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
