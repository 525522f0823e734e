"""The discrepancy worksheet's fit chart, rendered to PNG bytes.

A grid with one row per current action and one column per value: orange cells
work against the value, blue cells fit it, pale cells are mixed, empty cells are
not rated yet. Every cell also carries its number (−2 to +2), and the page gives
the same facts as alt text and a table, so nothing depends on colour.

matplotlib is imported inside the function and the figure uses the Agg canvas
directly (no pyplot state shared between kernels).

Example::

    >>> from mi_toolkit.core.discrepancy import WorksheetState
    >>> sheet = WorksheetState().set_values("health").set_actions("late nights").sheet
    >>> fit_png(sheet)[:4] == b"\\x89PNG"
    True
"""

from __future__ import annotations

import textwrap

from mi_toolkit._figures import new_figure, png_bytes
from mi_toolkit.core.discrepancy import Sheet

__all__ = ["fit_png"]


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, max_lines=3, placeholder="…")) or " "


def fit_png(sheet: Sheet) -> bytes:
    """The fit grid (actions × values) as PNG bytes, about 800 pixels wide."""
    from matplotlib import colormaps

    values = list(sheet.values) or ["(no values yet)"]
    actions = list(sheet.actions) or ["(no actions yet)"]
    height = 1.6 + 0.55 * len(actions)
    fig = new_figure(8, height)
    ax = fig.subplots()
    against, fits = colormaps["Oranges"], colormaps["Blues"]
    image, labels = [], []
    for action in actions:
        row, texts = [], []
        for value in values:
            fit = sheet.fit(value, action)
            if fit is None:
                row.append((1.0, 1.0, 1.0, 1.0))
                texts.append("")
            elif fit < 0:
                row.append(against(0.35 + 0.25 * -fit))
                texts.append(f"−{-fit}")
            elif fit > 0:
                row.append(fits(0.35 + 0.25 * fit))
                texts.append(f"+{fit}")
            else:
                row.append((0.93, 0.93, 0.93, 1.0))
                texts.append("0")
        image.append(row)
        labels.append(texts)
    ax.imshow(image, aspect="auto")
    for i, texts in enumerate(labels):
        for j, text in enumerate(texts):
            if text:
                r, g, b, _ = image[i][j]
                dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=11,
                    fontweight="bold",
                    color="white" if dark else "#1a1a1a",
                )
    ax.set_xticks(range(len(values)), [_wrap(v, 16) for v in values], fontsize=8)
    ax.set_yticks(range(len(actions)), [_wrap(a, 28) for a in actions], fontsize=8)
    ax.xaxis.tick_top()
    ax.set_xticks([x - 0.5 for x in range(1, len(values))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(actions))], minor=True)
    ax.grid(which="minor", color="#c4c4c4", linewidth=0.6)
    ax.tick_params(which="minor", length=0)
    ax.set_title(
        "How each action fits each value (−2 works against it … +2 fits it well)", fontsize=9
    )
    return png_bytes(fig)
