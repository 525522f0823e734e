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
