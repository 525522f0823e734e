"""Matplotlib charts built from core data, rendered to PNG bytes.

matplotlib is imported inside the functions, so importing mi_toolkit stays fast
and a lesson without a chart never pays for it. Figures use the Agg canvas
directly: no pyplot, no global figure state shared between learners' kernels.

Example::

    >>> from mi_toolkit.core import RulerState
    >>> png = ruler_history_png(RulerState().rate("importance", 6).record().history)
    >>> png[:4] == b"\\x89PNG"
    True
"""

from __future__ import annotations

from collections.abc import Sequence

from mi_toolkit._figures import new_figure, png_bytes
from mi_toolkit.core.ruler import SCALES, RulerRecord

__all__ = ["ruler_history_png"]

# Colour-blind-safe (Okabe-Ito) colours with distinct markers and line styles,
# so the lines can be told apart without colour as well.
_STYLES = {
    "importance": ("#0072B2", "o", "-"),
    "confidence": ("#D55E00", "s", "--"),
    "readiness": ("#009E73", "^", ":"),
}


def ruler_history_png(history: Sequence[RulerRecord], *, last: int = 20) -> bytes:
    """A line chart of the last ``last`` recorded ratings, as PNG bytes."""
    if last < 1:
        raise ValueError("last must be at least 1")
    shown = list(history)[-last:]
    first = len(history) - len(shown) + 1
    fig = new_figure(6, 3)
    ax = fig.add_subplot()
    xs = list(range(first, first + len(shown)))
    for scale in SCALES:
        colour, marker, style = _STYLES[scale]
        points = [(x, r.ratings.get(scale)) for x, r in zip(xs, shown, strict=True)]
        points = [(x, y) for x, y in points if y is not None]
        if points:
            ax.plot(
                [x for x, _ in points],
                [y for _, y in points],
                color=colour,
                marker=marker,
                linestyle=style,
                linewidth=2,
                label=scale.capitalize(),
            )
    ax.set_ylim(-0.5, 10.5)
    ax.set_yticks(range(0, 11, 2))
    ax.set_xlabel("Recorded rating (1 = first)")
    ax.set_ylabel("Rating (0–10)")
    if xs:
        ax.set_xlim(xs[0] - 0.5, xs[-1] + 0.5)
        ax.set_xticks(xs if len(xs) <= 10 else xs[:: max(1, len(xs) // 10)])
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right", fontsize="small")
    return png_bytes(fig)
