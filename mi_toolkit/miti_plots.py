"""The MITI summary chart: R:Q and %CR against the fair and good thresholds, and counts.

matplotlib is imported when a chart is drawn, never at import.

Example::

    >>> from mi_toolkit.core.transcript import parse_transcripts
    >>> from mi_toolkit.core.miti import summarize
    >>> t = parse_transcripts("T: How are you?\\nC: Fine.", name="x").transcripts[0]
    >>> miti_summary_png(summarize(t))[:4] == b"\\x89PNG"
    True
"""

from __future__ import annotations

from mi_toolkit._figures import new_figure, png_bytes
from mi_toolkit.core.coder import CODE_NAMES
from mi_toolkit.core.miti import MitiSummary

__all__ = ["describe_miti_chart", "miti_summary_png"]

# Okabe-Ito colours; every bar also carries its value as text.
_BLUE, _ORANGE, _GREEN, _GREY = "#0072B2", "#D55E00", "#009E73", "#6b6b6b"


def _ratio(value: float | None) -> str:
    return "not computed" if value is None else f"{value:.2f}"


def _percent(value: float | None) -> str:
    return "not computed" if value is None else f"{value:.0%}"


def describe_miti_chart(s: MitiSummary) -> str:
    """The chart's alt text: every number it shows, in words."""
    counts = ", ".join(f"{CODE_NAMES[k]} {v}" for k, v in s.counts.items() if v)
    return (
        f"MITI summary chart. Reflection-to-question ratio {_ratio(s.r_to_q)} "
        f"({s.ratings['r_to_q']}; fair is 1, good is 2). Complex reflections "
        f"{_percent(s.pct_cr)} of reflections ({s.ratings['pct_cr']}; fair is 40%, good is "
        f"50%). Practitioner behaviour counts: {counts or 'none'}."
    )


def miti_summary_png(s: MitiSummary) -> bytes:
    fig = new_figure(8, 3.4)
    left, mid, right = fig.subplots(1, 3, width_ratios=[1, 1, 2.2])
    for ax, value, fair, good, title, fmt, top in (
        (left, s.r_to_q, 1.0, 2.0, "R:Q", "{:.2f}", 3.0),
        (mid, s.pct_cr, 0.4, 0.5, "%CR", "{:.0%}", 1.0),
    ):
        shown = 0.0 if value is None else min(value, top)
        ax.bar([0], [shown], color=_BLUE, width=0.6)
        ax.set_xlim(-0.5, 1.3)
        for level, name, colour, style in (
            (fair, "fair", _ORANGE, "--"),
            (good, "good", _GREEN, ":"),
        ):
            ax.axhline(level, color=colour, linestyle=style, linewidth=2)
            ax.text(1.28, level, f"{name} {fmt.format(level)}", ha="right", va="bottom",
                    fontsize="small", color="#1a1a1a")  # fmt: skip
        label = "n/a" if value is None else fmt.format(value)
        ax.text(0, shown, label, ha="center", va="bottom", fontweight="bold")
        ax.set_ylim(0, top * 1.12)
        ax.set_xticks([])
        ax.set_title(title, fontsize="medium")
    mid.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    codes = [k for k in s.counts if k != "Other"]
    names = [CODE_NAMES[k] for k in codes]
    values = [s.counts[k] for k in codes]
    bars = right.barh(names, values, color=_GREY)
    right.bar_label(bars, padding=2, fontsize="small")
    right.invert_yaxis()
    right.set_title("Practitioner behaviour counts", fontsize="medium")
    right.tick_params(axis="y", labelsize="small")
    right.set_xlim(0, max([*values, 1]) * 1.2)
    right.xaxis.get_major_locator().set_params(integer=True)
    return png_bytes(fig)
