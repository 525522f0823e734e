"""A page that connects to its kernel while the server still runs its notebook (issue 9).

A Voila 0.5 page opens its kernel websocket as soon as the page config naming the
kernel has arrived, while the server is still running the notebook's cells. In a
class burst that made pages arrive without their widgets: the server's one event
loop also had to forward every message of that kernel to the page and answer the
page's requests for all widget states, fell seconds behind on the kernel's IOPub,
and nbclient gave up on each cell's outputs 4 s after the cell's reply.
``mi-toolkit serve`` now holds the kernel websocket until the page is complete.

This does what the page's script does (no browser needed, so the timing is the
server's alone), against a notebook whose cells are slow: the websocket must not
open before the last cell's widget is in the page, and the widget states the
page then asks for must cover every widget the page shows.
"""

from __future__ import annotations

import http.client
import json
import re
import sys
import threading
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from websockets.sync.client import connect

from tests.browser.conftest import VoilaServer

SLOW_CELLS = 3
CELL_SECONDS = 1.5
NOTEBOOK = "slow_cells.ipynb"
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-fA-F-]+)"')
WIDGET_VIEW = re.compile(r'application/vnd\.jupyter\.widget-view\+json.*?"model_id":\s*"(\w+)"')


def _slow_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells.append(nbformat.v4.new_markdown_cell("Three slow sliders."))
    nb.cells.append(nbformat.v4.new_code_cell("import time\nimport ipywidgets"))
    for i in range(SLOW_CELLS):
        code = f"time.sleep({CELL_SECONDS})\nipywidgets.IntSlider(value={i}, description='s{i}')"
        nb.cells.append(nbformat.v4.new_code_cell(code))
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory):
    if not sys.platform.startswith("linux"):
        pytest.skip("the browser suite reads kernel processes from /proc (Linux only)")
    root = tmp_path_factory.mktemp("slow-root")
    _slow_notebook(root / NOTEBOOK)
    server = VoilaServer(root, tmp_path_factory.mktemp("slow"))
    try:
        yield server
    finally:
        server.stop()


def _message(msg_type: str, content: dict, session: str, channel: str = "shell") -> str:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "username": "",
        "session": session,
        "date": "",
        "version": "5.3",
    }
    return json.dumps(
        {
            "header": header,
            "parent_header": {},
            "metadata": {"version": "1.0.0"} if msg_type == "comm_open" else {},
            "content": content,
            "channel": channel,
            "buffers": [],
        }
    )


def _widget_states(ws, session: str, timeout: float) -> dict:
    """What the ipywidgets 8 page manager asks for first: every widget's state."""
    comm_id = uuid.uuid4().hex
    target = {"comm_id": comm_id, "target_name": "jupyter.widget.control", "data": {}}
    ws.send(_message("comm_open", target, session))
    request = {"comm_id": comm_id, "data": {"method": "request_states"}}
    ws.send(_message("comm_msg", request, session))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = ws.recv(timeout=max(deadline - time.monotonic(), 0.1))
        if isinstance(frame, bytes):
            continue  # a message with buffers: not the answer
        msg = json.loads(frame)
        content = msg.get("content", {})
        data = content.get("data", {})
        if content.get("comm_id") == comm_id and data.get("method") == "update_states":
            return data["states"]
    raise AssertionError(f"no update_states within {timeout} s")


def test_an_early_kernel_connection_waits_for_the_page_and_every_widget_arrives(slow_server):
    conn = http.client.HTTPConnection("127.0.0.1", slow_server.port, timeout=120)
    conn.request("GET", f"/voila/render/{NOTEBOOK}?learner=early-{uuid.uuid4().hex[:6]}")
    response = conn.getresponse()
    assert response.status == 200
    cookies = "; ".join(c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or [])
    session = uuid.uuid4().hex
    page: list[str] = []  # the HTML so far, read by the connecting thread
    opened: dict = {}

    def connect_as_the_page_does(kernel_id: str) -> None:
        url = f"ws://127.0.0.1:{slow_server.port}/api/kernels/{kernel_id}/channels"
        try:
            ws = connect(
                f"{url}?session_id={session}",
                additional_headers={"Cookie": cookies},
                open_timeout=120,
                max_size=None,
            )
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            opened["error"] = exc
            return
        opened["views_in_page"] = len(WIDGET_VIEW.findall("".join(page)))
        opened["ws"] = ws

    thread = None
    start = time.monotonic()
    while chunk := response.read1(65536):
        page.append(chunk.decode("utf-8", errors="replace"))
        if thread is None and (found := KERNEL_ID.search("".join(page))):
            # the page's script starts here, while the cells still run
            thread = threading.Thread(target=connect_as_the_page_does, args=(found.group(1),))
            thread.start()
    page_s = time.monotonic() - start
    conn.close()
    assert thread is not None, "no kernel id in the page"
    thread.join(timeout=120)
    assert "error" not in opened, opened.get("error")
    with opened["ws"] as ws:
        views = WIDGET_VIEW.findall("".join(page))
        assert len(views) == SLOW_CELLS, (
            f"the page shows {len(views)} widgets (log:\n{slow_server.log()[-3000:]})"
        )
        assert page_s >= SLOW_CELLS * CELL_SECONDS  # the cells ran while the page streamed
        # Held: the websocket opened only once the last cell's widget was in the page.
        assert opened["views_in_page"] == SLOW_CELLS, (
            f"the kernel websocket opened with {opened['views_in_page']} of {SLOW_CELLS} "
            "widgets in the page: it was not held until the page was complete"
        )
        states = _widget_states(ws, session, timeout=60)
        assert set(views) <= set(states), "a widget the page shows has no state"
