"""The history chart renders to PNG bytes, whatever the history looks like."""

from __future__ import annotations

import io
import struct
from datetime import UTC, datetime, timedelta

import pytest

from mi_toolkit.core.ruler import RulerRecord, RulerState
from mi_toolkit.plots import ruler_history_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOURS = {"importance": "#0072B2", "confidence": "#D55E00", "readiness": "#009E73"}
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def _history(ratings: list[dict[str, int | None]]) -> tuple[RulerRecord, ...]:
    state = RulerState(change="walk to work")
    for i, scale_values in enumerate(ratings):
        for scale, value in scale_values.items():
            state = state.rate(scale, value)
        state = state.record(T0 + timedelta(days=i))
    return state.history


def _assert_png(data: bytes) -> tuple[int, int]:
    assert isinstance(data, bytes)
    assert data.startswith(PNG_SIGNATURE)
    assert data[12:16] == b"IHDR"
    assert data.endswith(b"IEND\xaeB`\x82")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _pixels_of(data: bytes, colour: str) -> int:
    """How many pixels of the image are (close to) ``colour``."""
    import matplotlib.image as mpimg
    import numpy as np

    rgb = (mpimg.imread(io.BytesIO(data), format="png")[..., :3] * 255).round()
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(rgb - target).max(axis=-1) <= 8).sum())


def test_one_record():
    png = ruler_history_png(_history([{"importance": 6, "confidence": 3, "readiness": 8}]))
    assert _assert_png(png) == (600, 300)
    for colour in COLOURS.values():
        assert _pixels_of(png, colour) > 0


def test_thirty_records():
    history = _history(
        [
            {"importance": i % 11, "confidence": (i * 3) % 11, "readiness": 10 - i % 11}
            for i in range(30)
        ]
    )
    assert len(history) == 30
    png = ruler_history_png(history)
    assert _assert_png(png) == (600, 300)
    for colour in COLOURS.values():
        assert _pixels_of(png, colour) > 0


def test_last_limits_what_is_drawn():
    history = _history([{"importance": i % 11} for i in range(30)])
    assert ruler_history_png(history, last=5) != ruler_history_png(history, last=20)


@pytest.mark.parametrize(
    "ratings",
    [
        [{"importance": 6}, {"importance": None, "confidence": 4}, {"readiness": 9}],
        [{"confidence": 5}, {"confidence": None, "readiness": 2}],
        [{"importance": 0}, {"importance": 10}],
    ],
)
def test_records_with_unrated_scales(ratings: list[dict[str, int | None]]):
    history = _history(ratings)
    assert any(None in r.ratings.values() for r in history)
    assert _assert_png(ruler_history_png(history)) == (600, 300)


def test_a_scale_never_rated_draws_no_line():
    png = ruler_history_png(_history([{"importance": 6}, {"importance": 7}]))
    _assert_png(png)
    assert _pixels_of(png, COLOURS["importance"]) > 0
    assert _pixels_of(png, COLOURS["confidence"]) == 0
    assert _pixels_of(png, COLOURS["readiness"]) == 0


def test_empty_history_still_renders():
    assert _assert_png(ruler_history_png(())) == (600, 300)
