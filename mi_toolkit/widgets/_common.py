"""Small helpers shared by the widgets: stylesheet, escaping, surfaced errors."""

from __future__ import annotations

import functools
import html
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from mi_toolkit.core.content import load_text

log = logging.getLogger("mi_toolkit")

__all__ = ["esc", "message_html", "page_environ", "stylesheet", "surface_errors"]


_PREHEAT = "VOILA_PREHEAT"
_request_lock = threading.Lock()
_request_seen = False


def page_environ() -> dict[str, str]:
    """The kernel's environment once the page's request is known (``QUERY_STRING``...).

    A kernel from ``mi-toolkit serve``'s preheated pool starts, and runs the
    lesson, before any learner asks for the page; Voila hands it the request
    (and with it ``?learner=``) later. Here the first caller waits for that
    (``voila.utils.wait_for_request``), once per kernel; everywhere else (a
    normal Voila kernel, JupyterLab, tests) it returns at once.
    """
    global _request_seen
    with _request_lock:
        if not _request_seen and os.environ.get(_PREHEAT) == "True":
            _wait_for_request()
            _request_seen = True
    return dict(os.environ)


def _wait_for_request(open_timeout: float = 60.0) -> None:
    """Voila's request handshake for a pooled kernel, done here.

    ``voila.utils.wait_for_request`` does the same, but importing ``voila.utils``
    pulls in jupyter_server and jupyterlab_server: about 3 CPU-seconds and 44 MB in
    every pooled kernel (measured). Voila also gives up connecting after 5 s; a
    pooled kernel on a busy server may need longer.
    """
    import json

    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL") or env.get("VOILA_SERVER_URL", "/")
    url = (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"
    )
    try:
        with connect(url, open_timeout=open_timeout) as ws:
            info = json.loads(ws.recv())
    except (OSError, TimeoutError, ValueError, WebSocketException):
        log.exception("mi_toolkit: no page request from Voila at %s", url)
        return
    os.environ.update({str(k): str(v) for k, v in info.items()})


def esc(text: str) -> str:
    """Escape learner or content text for HTML (quotes included)."""
    return html.escape(text, quote=True)


@functools.cache
def _css() -> str:
    return load_text("style.css")


def stylesheet() -> widgets.HTML:
    """An invisible HTML widget carrying the toolkit's stylesheet from content."""
    return widgets.HTML(f"<style>{_css()}</style>", layout=widgets.Layout(display="none"))


def message_html(text: str, *, kind: str = "info") -> str:
    """A status line (escaped) in a polite live region, so screen readers hear it."""
    if not text:
        return ""
    cls = "mi-note" if kind == "warning" else "mi-status"
    return f'<p class="{cls}" role="status" aria-live="polite">{esc(text)}</p>'


def surface_errors(status_attr: str) -> Callable:
    """Decorate an observer or click handler so an exception is shown, not swallowed.

    ipywidgets drops exceptions raised in observers; learners would see nothing
    happen. The decorated handler logs the traceback and writes a clear message
    into the widget's status HTML named by ``status_attr``.
    """

    def decorate(handler: Callable) -> Callable:
        @functools.wraps(handler)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return handler(self, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - shown to the learner, then logged
                log.exception("mi_toolkit: error in %s", handler.__qualname__)
                getattr(self, status_attr).value = message_html(
                    f"Something went wrong ({type(exc).__name__}: {exc}). "
                    "Your work so far is kept; please try again.",
                    kind="warning",
                )
                return None

        return wrapper

    return decorate
