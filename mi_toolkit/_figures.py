"""What every chart shares: a matplotlib Figure on the Agg canvas, and its PNG bytes.

matplotlib is imported when a figure is made, never at import, and no pyplot state is
shared between learners' kernels.

A drawn figure is a web of reference cycles (figure, axes, axis, ticks, texts), so its
memory waits for Python's *full* garbage collection, and in a kernel that may not come
for many charts: measured on the transcript coder's chart, each redraw left ~2.8 MiB
until one came (+20 MiB after 12 charts), and a young-generation collection frees none
of it (the figure's objects are promoted while it is drawn). A full collection takes
~50 ms in a lesson's kernel. So :func:`png_bytes` asks for one on the running event
loop (the kernel's) once no chart has been drawn for :data:`COLLECT_AFTER` seconds:
the learner's new chart is sent first, a learner drawing chart after chart (or a
class of them sharing the server's cores) pays for one collection, not one per
chart, and an idle kernel holds no dead figures. With no event loop running (a
script, the CLI) nothing is scheduled: the interpreter collects as usual.

Example::

    >>> fig = new_figure(2, 1)
    >>> _ = fig.add_subplot().plot([1, 2], [3, 4])
    >>> png_bytes(fig)[:4] == b"\\x89PNG"
    True
"""

from __future__ import annotations

import gc
import io
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

    from matplotlib.figure import Figure

__all__ = ["COLLECT_AFTER", "new_figure", "png_bytes"]

COLLECT_AFTER = 0.25
_timers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.TimerHandle] = (
    weakref.WeakKeyDictionary()
)


def new_figure(width: float, height: float) -> Figure:
    """A ``width`` x ``height`` inch figure at 100 dpi, constrained layout, Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def png_bytes(fig: Figure) -> bytes:
    """``fig`` as PNG bytes; its memory is collected once the kernel has drawn no chart
    for :data:`COLLECT_AFTER` seconds."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    _collect_later()
    return buf.getvalue()


def _collect_later() -> None:
    import asyncio  # loaded already wherever a loop runs

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    timer = _timers.pop(loop, None)
    if timer is not None:
        timer.cancel()
    _timers[loop] = loop.call_later(COLLECT_AFTER, _collect, loop)


def _collect(loop: asyncio.AbstractEventLoop) -> None:
    _timers.pop(loop, None)
    gc.collect()
