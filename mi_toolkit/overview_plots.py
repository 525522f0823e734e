"""Charts for the class overview, rendered to PNG bytes.

Like :mod:`mi_toolkit.plots`: matplotlib is imported only when a chart is drawn,
and the figure uses the Agg canvas directly (no pyplot state shared between
kernels). The alt text is :func:`mi_toolkit.core.overview.describe_distribution`.

Example::

    >>> counts = {"importance": (0,) * 6 + (2,) + (0,) * 4}
    >>> ruler_distribution_png(counts)[:4] == b"\\x89PNG"
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mi_toolkit._figures import new_figure, png_bytes
from mi_toolkit.core.ruler import SCALES

__all__ = ["ruler_distribution_png"]

# Okabe-Ito colours (colour-blind-safe), the same per scale as the learner's own
# history chart. Each scale has its own titled chart, so colour is never the only cue.
COLOURS = {"importance": "#0072B2", "confidence": "#D55E00", "readiness": "#009E73"}


def ruler_distribution_png(distributions: Mapping[str, Sequence[int]]) -> bytes:
    """Three small bar charts (one per scale) of how many learners chose 0-10, as PNG."""
    from matplotlib.ticker import MaxNLocator

    fig = new_figure(9, 2.8)
    axes = fig.subplots(1, len(SCALES), sharey=True)
    for ax, scale in zip(axes, SCALES, strict=True):
        counts = _eleven(distributions.get(scale, ()))
        total = sum(counts)
        ax.bar(range(11), counts, color=COLOURS[scale], edgecolor="#1a1a1a", linewidth=0.6)
        ax.set_title(f"{scale.capitalize()} ({total} {'learner' if total == 1 else 'learners'})")
        ax.set_xlabel("Latest rating (0–10)")
        ax.set_xticks(range(0, 11, 2))
        ax.set_xlim(-0.6, 10.6)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", alpha=0.3)
        if not total:
            ax.text(5, 0.5, "no ratings yet", ha="center", va="center", color="#4a4a4a")
    axes[0].set_ylabel("Learners")
    top = max((max(_eleven(distributions.get(s, ()))) for s in SCALES), default=0)
    axes[0].set_ylim(0, max(1, top) * 1.1)
    return png_bytes(fig)


def _eleven(counts: Sequence[int]) -> list[int]:
    """Exactly 11 non-negative counts (ratings 0..10), padding or cutting as needed."""
    values = [max(0, int(c)) for c in list(counts)[:11]]
    return values + [0] * (11 - len(values))
