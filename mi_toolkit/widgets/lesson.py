"""LessonBar: who is working, automatic saving to the journal, and the export."""

from __future__ import annotations

import atexit
import base64
import json
import re
import threading
import weakref
from typing import Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_string import TextStyle

from mi_toolkit.core.exchange import ExportError, export_document, read_document
from mi_toolkit.core.identity import Learner, clean_learner_name, current_learner
from mi_toolkit.core.journal import Journal
from mi_toolkit.core.ruler import StateError
from mi_toolkit.widgets._common import (
    esc,
    fixed_layout,
    fixed_style,
    html,
    message_html,
    page_environ,
    stylesheet,
    surface_errors,
)

__all__ = ["LessonBar"]

_LIVE: weakref.WeakSet[LessonBar] = weakref.WeakSet()


class LessonBar(widgets.VBox):
    """The top of a lesson: the learner's name, save status, and downloads of their work.

    Widgets passed to :meth:`track` get their saved state back when the page
    loads (a Voila reload starts a new kernel) and are saved on every change,
    debounced by ``save_delay`` seconds.

    Example::

        lesson = LessonBar("readiness_rulers")
        lesson                                     # shows the bar
        lesson.track(ReadinessRuler(), "practice") # restores, then saves on change
    """

    def __init__(
        self,
        lesson: str,
        *,
        journal: Journal | None = None,
        learner: Learner | None = None,
        environ: dict[str, str] | None = None,
        save_delay: float = 0.4,
        **kwargs: Any,
    ) -> None:
        self.lesson = lesson
        self.journal = journal if journal is not None else Journal()
        env = page_environ() if environ is None else dict(environ)
        self.learner = learner or current_learner(env)
        self.save_delay = save_delay
        self._tracked: dict[str, widgets.Widget] = {}
        self._timers: dict[str, threading.Timer] = {}
        self._timer_lock = threading.Lock()

        # Parts never restyled share one Layout and style model (see fixed_layout).
        fixed = {"layout": fixed_layout(), "style": fixed_style(widgets.ButtonStyle)}
        self.name = widgets.Text(
            value=self.learner.name,
            description="Your name",
            layout=fixed_layout(),
            style=fixed_style(TextStyle),
        )
        self.name.add_class("mi-learner-name")
        self.switch = widgets.Button(
            description="Use this name", tooltip="Save and load your work under this name", **fixed
        )
        signin = widgets.HBox([self.name, self.switch])
        if self.learner.source == "jupyterhub":  # the hub decides who this is
            signin.layout.display = "none"
        self.status = html()
        self.notice = html()
        self.prepare = widgets.Button(
            description="Download my work",
            tooltip="Prepare downloads of everything you saved (HTML, Markdown, JSON)",
            **fixed,
        )
        self.downloads = html()
        self.upload = widgets.FileUpload(
            accept=".json",
            multiple=False,
            description="Load saved work",
            tooltip="Load a JSON file from 'Download my work' (for example from another computer)",
            **fixed,
        )
        super().__init__(
            [
                stylesheet(),
                signin,
                self.status,
                self.notice,
                widgets.HBox([self.prepare, self.upload], layout=fixed_layout()),
                self.downloads,
            ],
            **kwargs,
        )
        self.add_class("mi-widget")
        self.add_class("mi-lesson-bar")
        self.switch.on_click(self._on_switch)
        self.prepare.on_click(self._on_prepare)
        self.upload.observe(self._on_upload, names="value")
        self._show_status()
        _LIVE.add(self)

    # ------------------------------------------------------------ tracking

    def track(self, widget: widgets.Widget, activity: str) -> widgets.Widget:
        """Restore ``widget`` from the journal, then save it whenever its value changes."""
        self._tracked[activity] = widget
        self._restore(activity, widget)
        widget.observe(lambda change: self._schedule(activity), names="value")
        return widget

    def flush(self) -> None:
        """Save every pending change now (before an export, or at exit)."""
        with self._timer_lock:
            pending = list(self._timers.items())
            self._timers.clear()
        for activity, timer in pending:
            timer.cancel()
            self._save(activity)

    def _restore(self, activity: str, widget: widgets.Widget) -> None:
        state_type = type(widget.value)
        saved = self.journal.load(self.learner.name, self.lesson, activity)
        try:
            state = state_type() if saved is None else state_type.from_dict(saved)
        except StateError as exc:
            self.journal.set_aside(self.learner.name, self.lesson, activity, str(exc))
            self.notice.value = message_html(
                f"Saved work for '{activity}' could not be restored ({exc}); it was kept "
                "aside for your instructor and you start fresh.",
                kind="warning",
            )
            state = state_type()
        widget.restore(state)

    def _schedule(self, activity: str) -> None:
        if self.save_delay <= 0:
            self._save(activity)
            return
        with self._timer_lock:
            if activity in self._timers:
                self._timers[activity].cancel()
            timer = threading.Timer(self.save_delay, self._save_from_timer, args=(activity,))
            timer.daemon = True
            self._timers[activity] = timer
            timer.start()

    def _save_from_timer(self, activity: str) -> None:
        with self._timer_lock:
            self._timers.pop(activity, None)
        self._save(activity)

    @surface_errors("notice")
    def _save(self, activity: str) -> None:
        widget = self._tracked[activity]
        saved_at = self.journal.save(
            self.learner.name, self.lesson, activity, widget.value.to_dict()
        )
        self._show_status(saved_at)

    def _show_status(self, saved_at: str | None = None) -> None:
        how = "saved automatically" if self.journal.persistent else "kept in this page only"
        when = f" Last saved {saved_at[11:19]} UTC." if saved_at else ""
        self.status.value = (
            f'<p class="mi-status" role="status">Your work is {how} '
            f"as <strong>{esc(self.learner.name)}</strong>.{esc(when)}</p>"
        )
        if self.journal.notice:
            self.notice.value = message_html(self.journal.notice, kind="warning")

    # ------------------------------------------------------------ sign-in

    @surface_errors("notice")
    def _on_switch(self, _button: widgets.Button) -> None:
        name = clean_learner_name(self.name.value)
        if not name:
            self.notice.value = message_html("Type a name first.", kind="warning")
            return
        self.flush()
        self.learner = Learner(name, "sign-in")
        self.name.value = name
        for activity, widget in self._tracked.items():
            self._restore(activity, widget)
        self.downloads.value = ""
        self.notice.value = ""
        self._show_status()

    # ------------------------------------------------------------ import

    @surface_errors("notice")
    def _on_upload(self, change: dict) -> None:
        if not change["new"]:
            return
        file = change["new"][0]
        name = str(file.get("name", "upload.json"))
        try:
            data = json.loads(bytes(file["content"]).decode("utf-8-sig"))
            entries = read_document(data, name=name)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.notice.value = message_html(
                f"{name} is not a saved-work file from this toolkit ({exc}). Nothing was changed.",
                kind="warning",
            )
            return
        except ExportError as exc:
            self.notice.value = message_html(f"{exc}. Nothing was changed.", kind="warning")
            return
        finally:
            self.upload.value = ()
        self.flush()
        for entry in entries:  # the file's work now belongs to whoever is signed in here
            self.journal.save(
                self.learner.name, entry.lesson, entry.activity, entry.state,
                saved_at=entry.saved_at,
            )  # fmt: skip
        for activity, widget in self._tracked.items():
            self._restore(activity, widget)
        self.notice.value = message_html(
            f"Loaded {len(entries)} saved {'activity' if len(entries) == 1 else 'activities'} "
            f"from {name}."
        )

    # ------------------------------------------------------------ export

    @surface_errors("notice")
    def _on_prepare(self, _button: widgets.Button) -> None:
        from mi_toolkit.report import to_html, to_markdown

        self.flush()
        entries = self.journal.entries(self.learner.name)
        stem = "mi-work-" + (re.sub(r"[^A-Za-z0-9]+", "-", self.learner.name).strip("-") or "me")
        who = self.learner.name
        document = json.dumps(export_document(entries, who), indent=1, ensure_ascii=False)
        files = [
            ("HTML page (to read or hand in)", f"{stem}.html", "text/html", to_html(entries, who)),
            ("Markdown", f"{stem}.md", "text/markdown", to_markdown(entries, who)),
            ("JSON (complete, to re-import)", f"{stem}.json", "application/json", document),
        ]
        links = "".join(
            f'<li><a download="{esc(name)}" href="data:{mime};charset=utf-8;base64,'
            f'{base64.b64encode(text.encode("utf-8")).decode("ascii")}">{esc(label)}</a></li>'
            for label, name, mime, text in files
        )
        count = len(entries)
        self.downloads.value = (
            f'<p role="status">Your downloads are ready ({count} saved '
            f"{'activity' if count == 1 else 'activities'}):</p><ul>{links}</ul>"
        )


@atexit.register
def _flush_all() -> None:  # pragma: no cover - runs at interpreter exit
    for bar in list(_LIVE):
        bar.flush()
