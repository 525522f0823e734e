"""The common-ground chart: which party holds which objective, and the overlap.

One row per objective, one column per party; a filled dot where a party holds the
objective. Objectives every party holds come first, on a shaded band and marked
"shared by all"; the ones the learner marked carry a tick in the label. The page
gives the same facts as alt text and a table, so nothing depends on colour.

matplotlib is imported inside the function; the figure uses the Agg canvas.

Example::

    >>> from mi_toolkit.core.common_ground import load_cases
    >>> overlap_png(load_cases().cases[0])[:4] == b"\\x89PNG"
    True
"""

from __future__ import annotations

import textwrap

from mi_toolkit._figures import new_figure, png_bytes
from mi_toolkit.core.common_ground import Case

__all__ = ["overlap_png"]


def overlap_png(case: Case, marked: tuple[str, ...] = ()) -> bytes:
    """Parties (columns) x objectives (rows) as PNG bytes."""
    shared = {o.id for o in case.shared}
    objectives = sorted(case.objectives, key=lambda o: (o.id not in shared, -len(o.held_by)))
    rows = max(len(objectives), 1)
    cols = max(len(case.parties), 1)
    fig = new_figure(7.5, 1.4 + 0.45 * rows)
    ax = fig.subplots()
    for y, o in enumerate(objectives):
        if o.id in shared:
            ax.axhspan(y - 0.5, y + 0.5, color="#dbe7fb", zorder=0)
        for x, p in enumerate(case.parties):
            held = p.id in o.held_by
            ax.plot(
                x,
                y,
                "o",
                markersize=13,
                color="#0b57d0" if held else "white",
                markeredgecolor="#0b57d0" if held else "#8a8a8a",
                zorder=2,
            )
    labels = [
        ("✓ " if o.id in marked else "")
        + textwrap.shorten(o.text, 48, placeholder="…")
        + (" (shared by all)" if o.id in shared else "")
        for o in objectives
    ]
    ax.set_yticks(range(len(objectives)), labels, fontsize=8)
    ax.set_xticks(
        range(len(case.parties)),
        [textwrap.fill(textwrap.shorten(p.name, 40, placeholder="…"), 16) for p in case.parties],
        fontsize=8,
    )
    ax.xaxis.tick_top()
    ax.set_xlim(-0.6, cols - 0.4)
    ax.set_ylim(rows - 0.5, -0.5)
    for side in ("right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title("Who wants what: filled dots are a party's goals", fontsize=10)
    return png_bytes(fig)
