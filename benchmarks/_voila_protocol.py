"""A Voila 0.5 page at the protocol level: what the page's JavaScript does, in Python.

Used by ``bench_class_load.py``. Only tornado (a Voila dependency) is needed.

What a Voila 0.5 page does, and what this module does in its place:

1. ``GET /voila/render/<lesson>.ipynb``: the server starts a kernel, runs the
   notebook and streams the HTML. The page config script carries the kernel id
   (``"kernelId": "..."``); each widget output is a
   ``<script type="application/vnd.voila.cell-output+json">`` holding an
   ``application/vnd.jupyter.widget-view+json`` with the ``model_id`` to show.
   ``mi-toolkit serve`` sets the ``_xsrf`` cookie on the page (Voila also sets a
   ``username-...`` identity cookie); both are kept, as a browser keeps them.
   -> :func:`fetch_page`.
2. As soon as its script runs, which is while the server is still running the
   notebook (``fetch_page`` calls ``on_kernel`` then): ``GET /api/kernels/<id>``
   (the widget manager checks the kernel exists), then the kernel websocket
   ``/api/kernels/<id>/channels`` and ``kernel_info_request``. (``mi-toolkit
   serve`` holds that websocket until the page is complete, issue 9; plain Voila
   connects it at once.)
   Messages are Jupyter messaging protocol 5.3 as JSON text frames with a
   ``channel`` field (jupyter_server's "legacy" websocket protocol; a browser asks
   for the ``v1.kernel.websocket.jupyter.org`` binary framing instead, which carries
   the same messages). Messages with binary buffers arrive as binary frames
   (:func:`decode_binary_frame`). -> :class:`KernelSocket`.
3. The ipywidgets 8 manager's ``_loadFromKernel``: ``comm_open`` on target
   ``jupyter.widget.control`` (metadata ``{"version": "1.0.0"}``), then a
   ``comm_msg`` ``{"method": "request_states"}``; the kernel answers on that comm
   with ``{"method": "update_states", "states": {...}, "buffer_paths": [...]}``
   (``ipywidgets/widgets/widget.py``, ``Widget._handle_control_comm_msg``). The page
   gives that answer **4 s**; after that it falls back to ``_loadFromKernelModels``:
   a ``comm_info_request`` for target ``jupyter.widget``, then one
   ``{"method": "request_state"}`` per comm, each answered by an ``update``.
   -> :meth:`KernelSocket.load_widget_states`, which does both, like the page.
   Widgets created after that (the notebook still runs) arrive as ``comm_open``
   on target ``jupyter.widget``, which :class:`KernelSocket` adds to its tree.
4. A learner's input is a ``comm_msg`` on the widget's comm (comm id = model id):
   ``{"method": "update", "state": {...}, "buffer_paths": []}`` for a value, and
   ``{"method": "custom", "content": {"event": "click"}}`` for a button press. The
   kernel answers with ``update`` messages for the widgets that changed, then
   ``status: idle``. -> :meth:`KernelSocket.interact`.
5. On close the page posts ``/voila/api/shutdown/<kernel id>`` (``sendBeacon``, a
   form whose ``_xsrf`` field is the ``_xsrf`` cookie's value) and closes the
   websocket. -> :func:`shutdown_kernel`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import struct
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

__all__ = [
    "CLICK",
    "CONTROL_TIMEOUT",
    "Interaction",
    "KernelSocket",
    "PageLoad",
    "StallError",
    "WidgetTree",
    "check_kernel",
    "cookie_header",
    "decode_binary_frame",
    "fetch_page",
    "shutdown_kernel",
    "update",
]

PROTOCOL_VERSION = "5.3"
CONTROL_TARGET = "jupyter.widget.control"
WIDGET_TARGET = "jupyter.widget"
CONTROL_PROTOCOL_VERSION = "1.0.0"
# What the page's widget manager gives the control comm before it falls back.
CONTROL_TIMEOUT = 4.0
CLICK: dict[str, Any] = {"method": "custom", "content": {"event": "click"}}

_KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-fA-F-]+)"')
_CELL_OUTPUT = re.compile(
    r'<script type="application/vnd\.voila\.cell-output\+json">\s*(.*?)\s*</script>', re.S
)
_VIEW_MIME = "application/vnd.jupyter.widget-view+json"


def update(**state: Any) -> dict[str, Any]:
    """The ``comm_msg`` data a widget view sends when the learner changes ``state``."""
    return {"method": "update", "state": state, "buffer_paths": []}


class StallError(TimeoutError):
    """A reply the page waits for did not come in time (the page would hang)."""

    def __init__(self, what: str, waited_s: float) -> None:
        super().__init__(f"{what}: nothing after {waited_s:.0f} s")
        self.what = what
        self.waited_s = waited_s


# ---------------------------------------------------------------- HTTP


@dataclass
class PageLoad:
    """What the streamed lesson page gave: its kernel, widget views and cookies."""

    kernel_id: str
    view_ids: list[str]
    cookies: dict[str, str]
    first_byte_s: float
    done_s: float
    size: int

    @property
    def cookie_header(self) -> str:
        return cookie_header(self.cookies)


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def parse_page(html: str) -> tuple[str, list[str]]:
    """The kernel id and the widget-view model ids (in page order) of a Voila page."""
    found = _KERNEL_ID.search(html)
    if found is None:
        raise ValueError("no kernelId in the page (is this a Voila 0.5 lesson page?)")
    views = []
    for raw in _CELL_OUTPUT.findall(html):
        output = json.loads(raw)
        view = output.get("data", {}).get(_VIEW_MIME)
        if view:
            views.append(view["model_id"])
    return found.group(1), views


def _cookies(headers: Any) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for value in headers.get_list("Set-Cookie"):
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


async def fetch_page(
    client: AsyncHTTPClient,
    url: str,
    timeout: float,
    on_kernel: Callable[[str, dict[str, str]], None] | None = None,
) -> PageLoad:
    """GET a lesson page and read the streamed HTML to its end.

    ``on_kernel(kernel_id, cookies)`` is called as soon as the page config carrying
    the kernel id has arrived, while the server is still running the notebook: a
    real page's JavaScript starts then and connects to the kernel.
    """
    chunks: list[bytes] = []
    start = time.perf_counter()
    first: list[float] = []
    told: list[str] = []
    jar: SimpleCookie = SimpleCookie()

    def on_header(line: str) -> None:
        name, _, value = line.partition(":")
        if name.strip().lower() == "set-cookie":
            jar.load(value.strip())

    def on_chunk(chunk: bytes) -> None:
        if not first:
            first.append(time.perf_counter() - start)
        chunks.append(chunk)
        if on_kernel and not told:
            found = _KERNEL_ID.search(b"".join(chunks).decode("utf-8", errors="replace"))
            if found:
                told.append(found.group(1))
                on_kernel(found.group(1), {k: m.value for k, m in jar.items()})

    request = HTTPRequest(
        url, request_timeout=timeout, streaming_callback=on_chunk, header_callback=on_header
    )
    try:
        response = await client.fetch(request)
    except HTTPClientError as exc:
        if exc.code == 599:  # tornado's code for a timeout or a dropped connection
            raise StallError(f"lesson page {url}", timeout) from exc
        raise
    html = b"".join(chunks).decode("utf-8", errors="replace")
    kernel_id, views = parse_page(html)
    return PageLoad(
        kernel_id=kernel_id,
        view_ids=views,
        cookies=_cookies(response.headers),
        first_byte_s=first[0] if first else time.perf_counter() - start,
        done_s=time.perf_counter() - start,
        size=len(html),
    )


async def check_kernel(
    client: AsyncHTTPClient, base_url: str, kernel_id: str, cookies: dict[str, str]
) -> None:
    """``GET /api/kernels/<id>``, as the widget manager does before it connects."""
    await client.fetch(
        f"{base_url}/api/kernels/{kernel_id}",
        headers={"Cookie": cookie_header(cookies)},
        request_timeout=60,
    )


async def shutdown_kernel(
    client: AsyncHTTPClient, base_url: str, kernel_id: str, cookies: dict[str, str]
) -> int:
    """The page-close request: ``POST /voila/api/shutdown/<id>`` with the ``_xsrf`` field.

    Returns the HTTP status (204 when the kernel was shut down; 403 if the XSRF
    check refused it).
    """
    body = urlencode({"_xsrf": cookies.get("_xsrf", "")})
    try:
        response = await client.fetch(
            f"{base_url}/voila/api/shutdown/{kernel_id}",
            method="POST",
            body=body,
            headers={
                "Cookie": cookie_header(cookies),
                "Content-Type": "application/x-www-form-urlencoded",
            },
            request_timeout=60,
        )
    except HTTPClientError as exc:
        return exc.code
    return response.code


# ---------------------------------------------------------------- websocket


def decode_binary_frame(frame: bytes) -> dict[str, Any]:
    """A message with buffers, as jupyter_server's legacy protocol sends it.

    4 bytes: the number of parts n; n offsets (4 bytes each, big-endian); then the
    JSON message and the buffers at those offsets.
    """
    (count,) = struct.unpack("!I", frame[:4])
    offsets = list(struct.unpack(f"!{count}I", frame[4 : 4 * (count + 1)]))
    parts = [frame[a:b] for a, b in zip(offsets, [*offsets[1:], len(frame)], strict=True)]
    msg = json.loads(parts[0].decode("utf-8"))
    msg["buffers"] = parts[1:]
    return msg


@dataclass
class Interaction:
    """What one learner action brought back from the kernel."""

    feedback_s: float | None  # first update of a feedback widget (None: none expected or seen)
    idle_s: float  # status: idle for the message
    updated: set[str] = field(default_factory=set)  # models the kernel updated meanwhile


class KernelSocket:
    """One page's kernel websocket: sends messages, routes what comes back.

    Every message received is offered to the waiters registered with
    :meth:`expect`; widget ``update`` messages are also applied to ``tree`` (once
    the states are loaded), as the page's widget models would be.
    """

    def __init__(self, ws: WebSocketClientConnection, session: str) -> None:
        self.ws = ws
        self.session = session
        self.tree = WidgetTree({})  # filled by the states, then by comm_open as cells run
        self.problems: list[str] = []  # kernel errors and stderr output, as text
        self.received = 0
        self.closed_reason: str | None = None
        self.opened = time.perf_counter()
        self.control_comm_id: str | None = None
        self._waiters: list[tuple[Callable[[dict], bool], asyncio.Future[dict]]] = []
        self._observers: list[Callable[[dict], None]] = []
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def connect(
        cls, base_url: str, kernel_id: str, cookies: dict[str, str], timeout: float
    ) -> KernelSocket:
        session = uuid.uuid4().hex
        ws_url = base_url.replace("http", "ws", 1)
        request = HTTPRequest(
            f"{ws_url}/api/kernels/{kernel_id}/channels?session_id={session}",
            headers={"Cookie": cookie_header(cookies)},
            connect_timeout=timeout,
            request_timeout=timeout,
        )
        ws = await websocket_connect(request, max_message_size=256 * 1024 * 1024)
        return cls(ws, session)

    # ------------------------------------------------------------ plumbing

    async def _read(self) -> None:
        while True:
            frame = await self.ws.read_message()
            if frame is None:
                self.closed_reason = (
                    f"websocket closed ({self.ws.close_code} {self.ws.close_reason})"
                )
                for _, future in self._waiters:
                    if not future.done():
                        future.set_exception(ConnectionError(self.closed_reason))
                self._waiters.clear()
                return
            msg = decode_binary_frame(frame) if isinstance(frame, bytes) else json.loads(frame)
            self.received += 1
            self._note(msg)
            for observer in list(self._observers):
                observer(msg)
            for entry in list(self._waiters):
                predicate, future = entry
                if not future.done() and predicate(msg):
                    future.set_result(msg)
            self._waiters = [(p, f) for p, f in self._waiters if not f.done()]

    def _note(self, msg: dict) -> None:
        kind = msg["header"]["msg_type"]
        content = msg.get("content", {})
        during = msg.get("parent_header", {}).get("msg_type", "no parent")
        during += f", {time.perf_counter() - self.opened:.1f} s after connecting"
        if kind == "error":
            self.problems.append(
                f"error (during {during}): {content.get('ename')}: {content.get('evalue')}"
            )
        elif kind == "stream" and content.get("name") == "stderr":
            text = content.get("text", "").strip()[:300]
            if self.control_comm_id and self.control_comm_id in text:
                text += " (the control comm)"
            self.problems.append(f"stderr (during {during}): {text}")
        elif kind == "comm_msg":
            data = content.get("data", {})
            if data.get("method") in ("update", "echo_update"):
                self.tree.apply(content["comm_id"], data.get("state", {}))
        elif kind == "comm_open" and content.get("target_name") == WIDGET_TARGET:
            # a widget created after the states were asked for (the notebook still runs)
            state = content.get("data", {}).get("state", {})
            self.tree.add(
                content["comm_id"], {"model_name": state.get("_model_name"), "state": state}
            )

    def expect(self, predicate: Callable[[dict], bool]) -> asyncio.Future[dict]:
        """A future for the next message matching ``predicate`` (register before sending)."""
        future: asyncio.Future[dict] = asyncio.get_running_loop().create_future()
        if self.closed_reason:
            future.set_exception(ConnectionError(self.closed_reason))
        else:
            self._waiters.append((predicate, future))
        return future

    async def send(
        self,
        msg_type: str,
        content: dict[str, Any],
        *,
        channel: str = "shell",
        metadata: dict[str, Any] | None = None,
        msg_id: str | None = None,
    ) -> str:
        """Send a message (``msg_id``: choose it first to wait for its replies)."""
        msg_id = msg_id or uuid.uuid4().hex
        msg = {
            "header": {
                "msg_id": msg_id,
                "msg_type": msg_type,
                "username": "",
                "session": self.session,
                "date": "",
                "version": PROTOCOL_VERSION,
            },
            "parent_header": {},
            "metadata": metadata or {},
            "content": content,
            "channel": channel,
            "buffers": [],
        }
        await self.ws.write_message(json.dumps(msg))
        return msg_id

    async def wait_for_models(self, model_ids: Iterable[str], timeout: float) -> None:
        """Wait until every model in ``model_ids`` is known (from the states or a comm_open)."""
        wanted = set(model_ids)
        deadline = time.perf_counter() + timeout
        while not wanted <= self.tree.states.keys():
            if self.closed_reason:
                raise ConnectionError(self.closed_reason)
            if time.perf_counter() > deadline:
                raise StallError("widget models of the page's outputs", timeout)
            await asyncio.sleep(0.05)

    def _reply_to(self, msg_id: str, reply_type: str) -> asyncio.Future[dict]:
        return self.expect(
            lambda m: (
                m["header"]["msg_type"] == reply_type and m["parent_header"].get("msg_id") == msg_id
            )
        )

    async def close(self) -> None:
        self.ws.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader

    # ------------------------------------------------------------ page steps

    async def kernel_info(self, timeout: float) -> dict:
        """``kernel_info_request`` and its reply (what a kernel connection does first)."""
        reply = self._reply_to(msg_id := uuid.uuid4().hex, "kernel_info_reply")
        await self.send("kernel_info_request", {}, msg_id=msg_id)
        return await _wait(reply, timeout, "kernel_info_reply")

    async def load_widget_states(self, timeout: float) -> tuple[dict[str, dict], bool]:
        """Every widget's state, as the ipywidgets 8 page manager gets it.

        Returns ``(states, fell_back)``: ``fell_back`` is True when the control comm
        did not answer within :data:`CONTROL_TIMEOUT` and the states came from the
        per-widget requests the page falls back to. Raises :class:`StallError` when
        neither path answered within ``timeout``.
        """
        start = time.perf_counter()
        comm_id = self.control_comm_id = uuid.uuid4().hex
        answer = self.expect(
            lambda m: (
                m["header"]["msg_type"] == "comm_msg"
                and m["content"].get("comm_id") == comm_id
                and m["content"].get("data", {}).get("method") == "update_states"
            )
        )
        await self.send(
            "comm_open",
            {"comm_id": comm_id, "target_name": CONTROL_TARGET, "data": {}},
            metadata={"version": CONTROL_PROTOCOL_VERSION},
        )
        await self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}})
        try:
            msg = await asyncio.wait_for(asyncio.shield(answer), CONTROL_TIMEOUT)
        except TimeoutError:
            answer.cancel()
            remaining = timeout - (time.perf_counter() - start)
            return await self._load_per_widget(remaining), True
        await self.send("comm_close", {"comm_id": comm_id, "data": {}})
        data = msg["content"]["data"]
        states = data["states"]
        _put_buffers(states, data.get("buffer_paths", []), msg.get("buffers", []))
        for model_id, model in states.items():
            self.tree.add(model_id, model)
        return states, False

    async def _load_per_widget(self, timeout: float) -> dict[str, dict]:
        """The page's fallback: ``comm_info_request``, then ``request_state`` per comm."""
        deadline = time.perf_counter() + timeout
        reply = self._reply_to(msg_id := uuid.uuid4().hex, "comm_info_reply")
        await self.send("comm_info_request", {"target_name": WIDGET_TARGET}, msg_id=msg_id)
        info = await _wait(reply, deadline - time.perf_counter(), "comm_info_reply")
        comms = list(info["content"].get("comms", {}))
        pending: dict[str, asyncio.Future[dict]] = {}
        for comm_id in comms:
            msg_id = uuid.uuid4().hex
            pending[comm_id] = self.expect(
                lambda m, i=msg_id: (
                    m["header"]["msg_type"] == "comm_msg"
                    and m["parent_header"].get("msg_id") == i
                    and m["content"].get("data", {}).get("method") == "update"
                )
            )
            data = {"method": "request_state"}
            await self.send("comm_msg", {"comm_id": comm_id, "data": data}, msg_id=msg_id)
        states: dict[str, dict] = {}
        for comm_id, future in pending.items():
            msg = await _wait(future, deadline - time.perf_counter(), "request_state replies")
            data = msg["content"]["data"]
            state = data["state"]
            _put_buffers(
                {"s": state},
                [["s", *p] for p in data.get("buffer_paths", [])],
                msg.get("buffers", []),
            )
            states[comm_id] = {"model_name": state.get("_model_name"), "state": state}
            self.tree.add(comm_id, states[comm_id])
        return states

    async def interact(
        self, model_id: str, data: dict[str, Any], feedback: Iterable[str], timeout: float
    ) -> Interaction:
        """Send a widget ``comm_msg`` and wait for the feedback widget's update and idle.

        ``feedback`` names the models whose kernel ``update`` is what the learner
        sees in answer. Feedback sent while handling the message comes before the
        kernel's ``status: idle`` for it (one iopub stream, in order), so a message
        that went idle with no feedback update gets ``feedback_s=None``.
        """
        targets = set(feedback)
        msg_id = uuid.uuid4().hex
        if data.get("method") == "update":
            self.tree.apply(model_id, data["state"])  # as the page's own model does
        updated: set[str] = set()
        seen: list[float] = []
        start = time.perf_counter()

        def watch(msg: dict) -> None:
            if msg["header"]["msg_type"] != "comm_msg":
                return
            content = msg["content"]
            if content.get("data", {}).get("method") != "update":
                return
            updated.add(content.get("comm_id"))
            if not seen and content.get("comm_id") in targets:
                seen.append(time.perf_counter() - start)

        idle = self.expect(
            lambda m: (
                m["header"]["msg_type"] == "status"
                and m["content"].get("execution_state") == "idle"
                and m["parent_header"].get("msg_id") == msg_id
            )
        )
        self._observers.append(watch)
        try:
            await self.send("comm_msg", {"comm_id": model_id, "data": data}, msg_id=msg_id)
            await _wait(idle, timeout, "reply to a widget message")
        finally:
            self._observers.remove(watch)
        return Interaction(
            feedback_s=seen[0] if seen else None,
            idle_s=time.perf_counter() - start,
            updated=updated,
        )


async def _wait(future: asyncio.Future[dict], timeout: float, what: str) -> dict:
    try:
        return await asyncio.wait_for(future, max(timeout, 0.001))
    except TimeoutError:
        raise StallError(what, timeout) from None


def _put_buffers(states: dict, paths: list[list], buffers: list[bytes]) -> None:
    for path, buffer in zip(paths, buffers, strict=False):
        target = states
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = buffer


# ---------------------------------------------------------------- widget states


class WidgetTree:
    """The widget models of a page, found by what a person sees: class, kind, label.

    ``states`` is ``update_states``'s ``states``: model id -> ``{"model_name",
    "state", ...}``. Box children are ``"IPY_MODEL_<id>"`` strings.
    """

    def __init__(self, states: dict[str, dict]) -> None:
        self.states = states

    def state(self, model_id: str) -> dict[str, Any]:
        return self.states[model_id]["state"]

    def add(self, model_id: str, model: dict[str, Any]) -> None:
        self.states.setdefault(model_id, model)

    def apply(self, model_id: str, state: dict[str, Any]) -> None:
        if model_id in self.states:
            self.states[model_id]["state"].update(state)

    def children(self, model_id: str) -> list[str]:
        return [c.removeprefix("IPY_MODEL_") for c in self.state(model_id).get("children", [])]

    def parent(self, model_id: str) -> str:
        for box in self.states:
            if model_id in self.children(box):
                return box
        raise LookupError(f"widget {model_id} is in no box")

    def sibling(self, model_id: str, offset: int) -> str:
        """The child ``offset`` places after ``model_id`` in its box (negative: before)."""
        siblings = self.children(self.parent(model_id))
        return siblings[siblings.index(model_id) + offset]

    def descendants(self, root: str) -> list[str]:
        found, todo = [], [root]
        while todo:
            current = todo.pop(0)
            found.append(current)
            todo.extend(self.children(current))
        return found

    def find_all(
        self,
        *,
        model: str | None = None,
        description: str | None = None,
        dom_class: str | None = None,
        within: str | None = None,
    ) -> list[str]:
        """Models matching every criterion given (``model`` like ``"Dropdown"``), in page order."""
        pool = self.descendants(within) if within else list(self.states)
        return [
            m
            for m in pool
            if (model is None or self.states[m]["model_name"] == f"{model}Model")
            and (description is None or self.state(m).get("description") == description)
            and (dom_class is None or dom_class in self.state(m).get("_dom_classes", ()))
        ]

    def find(self, **criteria: Any) -> str:
        """The one model matching ``criteria``; a clear error if none or several do."""
        found = self.find_all(**criteria)
        if len(found) != 1:
            raise LookupError(f"expected one widget with {criteria}, found {len(found)}")
        return found[0]
