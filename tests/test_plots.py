"""The history chart renders to PNG bytes, whatever the history looks like."""

from __future__ import annotations

import io
import struct
from datetime import UTC, datetime, timedelta

import pytest

from mi_toolkit.core.ruler import RulerRecord, RulerState
from mi_toolkit.plots import ruler_history_png
from tests.conftest import run_on_a_fresh_loop

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


# ------------------------------------------------- a drawn figure's memory comes back


def _figure_drawn() -> tuple[bytes, object]:
    """A chart's PNG and a weak reference to its figure."""
    import weakref

    from mi_toolkit._figures import new_figure, png_bytes

    fig = new_figure(3, 2)
    fig.add_subplot().plot([1, 2, 3], [2, 1, 3], marker="o")
    return png_bytes(fig), weakref.ref(fig)


def test_a_drawn_figure_is_collected_once_the_kernel_stops_drawing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A figure is a web of reference cycles that only a full collection frees; in a
    kernel one may not come for many charts (~2.8 MiB each). png_bytes has it collected
    on the kernel's loop once no chart has been drawn for COLLECT_AFTER seconds."""
    import asyncio
    import gc

    import mi_toolkit._figures as figures

    monkeypatch.setattr(figures, "COLLECT_AFTER", 0.05)

    async def handler() -> tuple[bool, bool, bool]:
        gc.disable()  # no automatic collection may free it instead
        try:
            png, fig = _figure_drawn()
            await asyncio.sleep(0)  # the handler has returned: not yet
            alive_just_after = fig() is not None
            await asyncio.sleep(0.2)
            return png.startswith(PNG_SIGNATURE), alive_just_after, fig() is None
        finally:
            gc.enable()

    assert run_on_a_fresh_loop(handler()) == (True, True, True)


def test_charts_drawn_close_together_share_one_collection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    import mi_toolkit._figures as figures

    monkeypatch.setattr(figures, "COLLECT_AFTER", 0.3)
    calls: list[int] = []
    monkeypatch.setattr(figures.gc, "collect", lambda *a: calls.append(1) or 0)

    async def learner() -> list[int]:
        seen = []
        for _ in range(3):  # chart after chart, each well within COLLECT_AFTER
            _figure_drawn()
            await asyncio.sleep(0.01)
            seen.append(len(calls))
        await asyncio.sleep(0.6)
        seen.append(len(calls))
        _figure_drawn()  # a pause, then another chart: its own collection
        await asyncio.sleep(0.6)
        seen.append(len(calls))
        return seen

    assert run_on_a_fresh_loop(learner()) == [0, 0, 0, 1, 2]


def test_without_an_event_loop_nothing_is_scheduled(monkeypatch: pytest.MonkeyPatch) -> None:
    """A script or the CLI has no loop running: the interpreter collects as usual."""
    import threading

    import mi_toolkit._figures as figures

    calls: list[int] = []
    monkeypatch.setattr(figures.gc, "collect", lambda *a: calls.append(1) or 0)
    out: list[bytes] = []
    worker = threading.Thread(target=lambda: out.append(_figure_drawn()[0]))
    worker.start()
    worker.join(60)
    assert out and out[0].startswith(PNG_SIGNATURE)
    assert calls == []
