"""The change-talk sorter's confusion chart, rendered to PNG bytes.

Two grids side by side: talk type (change, sustain, neutral, both) and the DARN-CAT
kind of change talk. Rows are what a card was, columns what the learner chose; the
diagonal holds right answers (blue), every other filled cell is a confusion
(orange). Each cell carries its count as text, and the page gives the same facts
as alt text and a table, so nothing depends on colour.

matplotlib is imported inside the function and the figure uses the Agg canvas
directly (no pyplot state shared between kernels).

Example::

    >>> from mi_toolkit.core.sorter import SorterState, load_deck, summarize
    >>> png = confusion_png(summarize(SorterState()), load_deck())
    >>> png[:4] == b"\\x89PNG"
    True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from mi_toolkit._figures import new_figure, png_bytes
from mi_toolkit.core.sorter import DARN_CAT, TALK_TYPES, DeckContent, SortSummary

__all__ = ["confusion_png"]

_SHORT_TALK = {"change": "Change", "sustain": "Sustain", "neutral": "Neutral", "mixed": "Both"}


def confusion_png(summary: SortSummary, deck: DeckContent) -> bytes:
    """Confusion grids for talk type and DARN-CAT kind, as PNG bytes (800 x 380)."""
    fig = new_figure(8, 3.8)
    left, right = fig.subplots(1, 2, width_ratios=[4, 7])
    talk_labels = [_SHORT_TALK.get(t, deck.talk_types[t].label) for t in TALK_TYPES]
    _grid(left, summary.talk, TALK_TYPES, talk_labels, "Talk type")
    kind_labels = [deck.kinds[k].label for k in DARN_CAT]
    _grid(right, summary.kinds, DARN_CAT, kind_labels, "DARN-CAT kind of change talk")
    return png_bytes(fig)


def _grid(ax, counts: Counter, keys: Sequence[str], labels: list[str], title: str) -> None:
    from matplotlib import colormaps

    n = len(keys)
    cells = [[counts.get((e, c), 0) for c in keys] for e in keys]
    top = max((v for row in cells for v in row), default=0) or 1
    right, wrong = colormaps["Blues"], colormaps["Oranges"]
    image = [
        [
            (right if i == j else wrong)(0.15 + 0.75 * cells[i][j] / top)
            if cells[i][j]
            else (1.0, 1.0, 1.0, 1.0)
            for j in range(n)
        ]
        for i in range(n)
    ]
    ax.imshow(image, aspect="auto")
    for i in range(n):
        for j in range(n):
            if cells[i][j]:
                r, g, b, _ = image[i][j]
                dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5
                ax.text(
                    j,
                    i,
                    str(cells[i][j]),
                    ha="center",
                    va="center",
                    fontsize=9,
                    fontweight="bold",
                    color="white" if dark else "#1a1a1a",
                )
    ax.set_xticks(range(n), labels, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(n), labels, fontsize=8)
    ax.set_xticks([x - 0.5 for x in range(1, n)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, n)], minor=True)
    ax.grid(which="minor", color="#c4c4c4", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("You chose", fontsize=9)
    ax.set_ylabel("The card was", fontsize=9)
    ax.set_title(title, fontsize=10)
