"""Small helpers shared by the widgets: stylesheet, escaping, surfaced errors."""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable, Sequence
from html import escape as _escape
from typing import Any

import ipywidgets as widgets

from mi_toolkit.core.content import load_text

log = logging.getLogger("mi_toolkit")

__all__ = [
    "client_html",
    "esc",
    "feedback_html",
    "fit",
    "fixed_fit",
    "fixed_layout",
    "fixed_style",
    "fixed_wide",
    "html",
    "message_html",
    "page_environ",
    "shared_stylesheet",
    "stylesheet",
    "surface_errors",
    "wide",
]


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
    return _escape(text, quote=True)


def shared_stylesheet(name: str) -> widgets.HTML:
    """An invisible HTML widget carrying the stylesheet ``name`` from content.

    One widget (one model) per kernel and stylesheet, made on first use and placed
    in every toolkit widget: each widget still works on its own (in JupyterLab, or
    when an earlier cell's output is cleared), but a page with five widgets
    receives the CSS once over the websocket instead of five times. Rebuilt if it
    was closed (``Widget.close_all()``).
    """
    return _shared(
        ("sheet", name),
        lambda: widgets.HTML(
            f"<style>{load_text(name)}</style>", layout=widgets.Layout(display="none")
        ),
    )


# Shared models, one per kernel and key; rebuilt when closed (``Widget.close_all()``).
_SHARED: dict[tuple, Any] = {}
_shared_lock = threading.Lock()


def _shared(key: tuple, make: Callable[[], Any]) -> Any:
    with _shared_lock:
        model = _SHARED.get(key)
        if model is None or model.comm is None:
            model = _SHARED[key] = make()
        return model


def fixed_layout() -> widgets.Layout:
    """The default ``Layout``, one model shared by every part that never changes it.

    Every ipywidgets control brings its own ``Layout`` (and most a style) model,
    ~1 KiB of state each, and a Voila page asks the kernel for every model's state
    before it shows the first widget: a lesson page had about three models per
    visible part. Parts whose layout is never changed (never shown or hidden
    through ``.layout``) share this one. Never set properties on it: that would
    change every part that shares it; give such a part its own ``Layout``.
    """
    return _shared(("layout",), widgets.Layout)


def fixed_fit() -> widgets.Layout:
    """:func:`fit`, as one shared model (see :func:`fixed_layout`)."""
    return _shared(("layout", "fit"), fit)


def fixed_wide() -> widgets.Layout:
    """:func:`wide`, as one shared model (see :func:`fixed_layout`)."""
    return _shared(("layout", "wide"), wide)


def fixed_style(cls: type, **traits: Any) -> Any:
    """A style model of class ``cls`` with ``traits``, shared like :func:`fixed_layout`
    (for example ``fixed_style(DescriptionStyle, description_width="initial")``)."""
    return _shared(("style", cls, *sorted(traits.items())), lambda: cls(**traits))


def html(value: str = "") -> widgets.HTML:
    """An HTML part of a widget (text, feedback, a chart, a heading) made of one model:
    it shares :func:`fixed_layout` and one ``HTMLStyle``. Style it with ``add_class``
    and the stylesheet; to show and hide it through ``.layout``, make a plain
    ``widgets.HTML`` instead."""
    from ipywidgets.widgets.widget_string import HTMLStyle

    return widgets.HTML(value, layout=fixed_layout(), style=fixed_style(HTMLStyle))


def stylesheet() -> widgets.HTML:
    """The toolkit's stylesheet (``content/style.css``), shared: see :func:`shared_stylesheet`."""
    return shared_stylesheet("style.css")


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


def wide() -> widgets.Layout:
    """A layout for a text box as wide as the widget (a fresh one each time: callers
    show and hide these boxes through their layout)."""
    return widgets.Layout(width="100%", max_width="44rem")


def fit() -> widgets.Layout:
    """A layout that fits a button's or drop-down's text instead of cutting it off."""
    return widgets.Layout(width="auto", max_width="100%", align_self="flex-start")


def client_html(text: str, who: str = "Client") -> str:
    """A client's words as a quotation (escaped)."""
    return (
        f'<blockquote class="mi-client"><p><strong>{esc(who)}:</strong> '
        f"“{esc(text)}”</p></blockquote>"
    )


def feedback_html(head_html: str, notes: Sequence[Any], texts: dict[str, str]) -> str:
    """Feedback notes as a list in a live region; each says in words whether it is praise
    or a suggestion (not by colour alone). ``head_html`` must already be escaped."""
    labels = {"good": texts["tone_good"], "suggest": texts["tone_suggest"]}
    items = "".join(
        f'<li class="mi-{n.tone}">'
        + (f"<strong>{esc(labels[n.tone])}:</strong> " if n.tone in labels else "")
        + f"{esc(n.text)}</li>"
        for n in notes
    )
    return (
        f'<div class="mi-follow-up" role="status" aria-live="polite">'
        f"<p>{head_html}</p><ul>{items}</ul></div>"
    )
