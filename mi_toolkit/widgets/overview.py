"""ClassOverview: the instructor's view of a class's exported work."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from mi_toolkit.core.journal import FILE_NAME, Journal, data_dir
from mi_toolkit.core.overview import (
    ClassData,
    ClassSummary,
    OverviewError,
    default_class_dir,
    describe_distribution,
    format_time,
    load_class_from_folder,
    load_class_from_journal,
    summarize_class,
)
from mi_toolkit.widgets._common import esc, message_html, stylesheet, surface_errors

__all__ = ["ClassOverview"]

MAX_LISTED = 100  # skipped files and notes shown; the rest are counted


def _server_journal() -> Journal | None:
    """The journal this server's lessons save to, or None if nothing was saved yet."""
    path = data_dir() / FILE_NAME
    return Journal(path) if path.exists() else None


class ClassOverview(widgets.VBox):
    """Load a folder of learners' exports (or the server journal) and show the class.

    Shows the files that were skipped and why, bar charts of each learner's latest
    ruler ratings, and a table with a row per learner.

    Example::

        overview = ClassOverview(folder="exports")   # loads at once
        overview.folder.value = "/srv/class/week2"
        overview.load.click()
        overview.data.learners                       # entries per learner
        overview.summary.rows[0].cells["importance"]
    """

    def __init__(
        self,
        *,
        folder: str | Path | None = None,
        journal: Journal | Callable[[], Journal | None] | None = None,
        load_now: bool = True,
        **kwargs: Any,
    ) -> None:
        self._journal = journal if journal is not None else _server_journal
        self.data: ClassData | None = None
        self.summary: ClassSummary | None = None
        self.folder = widgets.Text(
            value=str(Path(folder) if folder is not None else default_class_dir()),
            description="Export folder",
            placeholder="the folder holding the learners' .json exports",
        )
        self.folder.add_class("mi-change")
        self.use_journal = widgets.Checkbox(
            value=False, description="Read this server's journal instead", indent=False
        )
        self.load = widgets.Button(
            description="Load",
            tooltip="Read the exports (or the journal) and show the class",
            button_style="primary",
        )
        self.status = widgets.HTML()
        self.skipped = widgets.HTML()
        self.notes = widgets.HTML()
        self.chart = widgets.HTML()
        self.chart.add_class("mi-chart")
        self.table = widgets.HTML()
        super().__init__(
            [
                stylesheet(),
                self.folder,
                self.use_journal,
                self.load,
                self.status,
                self.skipped,
                self.notes,
                self.chart,
                self.table,
            ],
            **kwargs,
        )
        self.add_class("mi-widget")
        self.add_class("mi-class-overview")
        for part in (self.skipped, self.notes, self.chart, self.table):
            _show(part, "")
        self.load.on_click(self._on_load)
        self.use_journal.observe(self._on_source, names="value")
        if load_now:
            self._on_load(self.load)

    # ------------------------------------------------------------ handlers

    def _on_source(self, change: dict) -> None:
        self.folder.disabled = bool(change["new"])

    @surface_errors("status")
    def _on_load(self, _button: widgets.Button) -> None:
        self.data = self.summary = None
        for part in (self.skipped, self.notes, self.chart, self.table):
            _show(part, "")
        try:
            data = self._read()
        except OverviewError as exc:
            self.status.value = message_html(str(exc), kind="warning")
            return
        if data is None:
            return
        self.data, self.summary = data, summarize_class(data)
        self._render()

    def _read(self) -> ClassData | None:
        if self.use_journal.value:
            journal = self._journal() if callable(self._journal) else self._journal
            if journal is None:
                self.status.value = message_html(
                    f"No learner has saved work on this server yet (no journal at "
                    f"{data_dir() / FILE_NAME}).",
                    kind="warning",
                )
                return None
            return load_class_from_journal(journal)
        folder = self.folder.value.strip()
        if not folder:
            raise OverviewError("Type the folder that holds the learners' exports, then Load.")
        try:
            return load_class_from_folder(folder)
        except OverviewError as exc:
            raise OverviewError(
                f"{exc} Put the learners' exported .json files (mi-work-NAME.json) in "
                "that folder, or type another folder above, then press Load."
            ) from None

    # ------------------------------------------------------------ rendering

    def _render(self) -> None:
        data, summary = self.data, self.summary
        assert data is not None and summary is not None
        count = len(summary.rows)
        where = (
            f"this server's journal ({data.location})"
            if data.source == "journal"
            else f"{data.files_read} {'file' if data.files_read == 1 else 'files'} "
            f"in {data.location}"
        )
        text = f"Read {where}: {count} {'learner' if count == 1 else 'learners'}."
        if data.skipped:
            n = len(data.skipped)
            text += f" {n} {'file was' if n == 1 else 'files were'} skipped (listed below)."
        if not count:
            text += " No learner's work yet: collect the exports into the folder, then Load."
        self.status.value = message_html(text)
        skipped = [f"<strong>{esc(s.name)}</strong>: {esc(s.reason)}" for s in data.skipped]
        _show(self.skipped, _listing("Skipped files", skipped))
        problems = [f"{row.learner}: {p}" for row in summary.rows for p in row.problems]
        _show(self.notes, _listing("Notes", [esc(n) for n in (*data.notes, *problems)]))
        _show(self.chart, _chart(summary) if count else "")
        _show(self.table, _table(summary) if count else "")


def _show(part: widgets.HTML, value: str) -> None:
    """Set an HTML part; an empty one is hidden, so it leaves no gap on the page."""
    part.value = value
    part.layout.display = None if value else "none"


def _listing(title: str, items: list[str]) -> str:
    """A titled list (items already escaped), at most MAX_LISTED shown."""
    if not items:
        return ""
    shown = "".join(f"<li>{item}</li>" for item in items[:MAX_LISTED])
    more = f"<li>… and {len(items) - MAX_LISTED} more</li>" if len(items) > MAX_LISTED else ""
    return (
        f'<div class="mi-overview-list"><p class="mi-note">{esc(title)} ({len(items)}):</p>'
        f"<ul>{shown}{more}</ul></div>"
    )


def _chart(summary: ClassSummary) -> str:
    from mi_toolkit.overview_plots import ruler_distribution_png

    if not any(sum(c) for c in summary.distributions.values()):
        return "<p>No ruler ratings in this work yet.</p>"
    png = base64.b64encode(ruler_distribution_png(summary.distributions)).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{png}" '
        f'alt="{esc(describe_distribution(summary.distributions))}">'
        "<figcaption>Each learner's latest rating on each ruler.</figcaption></figure>"
    )


def _cell(value: object) -> str:
    return "–" if value is None or value == "" else esc(str(value))


def _time_cell(iso: str) -> str | None:
    """'2024-03-01 09:30' (UTC, said in the heading), kept on one line."""
    return format_time(iso).removesuffix(" UTC").replace(" ", "\u00a0") if iso else None


def _table(summary: ClassSummary) -> str:
    heads = [
        "Activities",
        *(c.heading for c in summary.columns),
        "Other activities",
        "Last saved (UTC)",
    ]
    head = '<th scope="col">Learner</th>' + "".join(f'<th scope="col">{esc(h)}</th>' for h in heads)
    rows = []
    for row in summary.rows:
        other = sum(row.other_kinds.values())
        other_text = (
            f"{other} ({', '.join(f'{k} ×{n}' for k, n in row.other_kinds.items())})"
            if other
            else "0"
        )
        cells = [
            str(row.activities),
            *(row.cells.get(c.key) for c in summary.columns),
            other_text,
            _time_cell(row.last_saved),
        ]
        rows.append(
            f'<tr><th scope="row">{esc(row.learner)}</th>'
            + "".join(f"<td>{_cell(c)}</td>" for c in cells)
            + "</tr>"
        )
    count = len(summary.rows)
    # A focusable, labelled region: keyboard users can scroll a table wider than the page.
    return (
        '<div class="mi-table-scroll" role="region" aria-label="Learners table" tabindex="0">'
        f'<table class="mi-history mi-class-table"><caption>Learners ({count}): latest '
        f"ratings and saved work</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
