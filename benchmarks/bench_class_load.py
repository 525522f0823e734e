"""Benchmark: a class of learners working lessons at once against one ``mi-toolkit serve``.

One server, started here with the project's own ``python -m mi_toolkit serve --root
notebooks`` (a temporary working directory and ``MI_TOOLKIT_DATA_DIR``, so the
learners' journal is thrown away), serves ``--learners`` simulated learners (30 by
default) whose start times are spread over ``--spread`` seconds (10). Each opens a
lesson with a unique ``?learner=`` name and works its widgets for ``--duration``
seconds (180), pausing a few seconds between actions as a person does, then leaves.

Learners are simulated at the protocol level, doing what a Voila 0.5 page does
(``_voila_protocol.py`` says exactly what): stream the page and, as soon as the page
config with the kernel id has arrived (a real page's script starts then, while the
server is still running the notebook), check the kernel, open its websocket, send
``kernel_info_request`` and ask the ipywidgets control comm for every widget's
state (falling back, as the page does after 4 s, to one request per widget); widgets
created later arrive as ``comm_open``. Then they send the widget messages a
learner's clicks and choices produce (``_lesson_scripts.py``: ratings and Record on
07 readiness rulers, a written reflection and Check on 03 reflective listening,
sorting cards on 05 change talk), and on leaving post Voila's page-close shutdown
request and close the websocket. ``--late-connect`` connects only once the whole
page has arrived instead. Browsers are not used for the class: on 2 cores they
measure the browser, not the server. ``--browsers`` (2) real Chromium pages
(Playwright, the system Chromium) work 07 alongside, as a check that protocol
learners see what real pages see; their figures are reported apart.

Before the class starts the benchmark waits until the server's kernels (``mi-toolkit
serve``'s preheated pool) are started and idle, as they would be when an instructor
starts the server before the lesson. ``--pool-per-lesson N`` gives the server a
``voila.json`` preheating N kernels for each lesson the class takes (a pool sized
for the class) instead of serve's one per notebook.

Measured (wall-clock, ``time.perf_counter``, in this process):

- time to first widget: from the GET until the page has fully arrived and the state
  of every widget it shows is known (a browser renders then); also when the
  streamed HTML ended. A page whose HTML holds no widget output at all (the
  lesson did not run) is an error;
- feedback round-trip: from sending a widget message until the kernel's update of
  the widget that shows the answer (follow-up questions, feedback, next card);
  ``idle`` is until the kernel's ``status: idle`` for the message (includes work
  done after the feedback, e.g. a chart drawn after a status line);
- errors (a failed request, a page without widget outputs, a page showing another
  learner's name, an answer that never came, a refused page-close request; kernel
  stderr and a real page's console messages are listed apart), and stalled pages:
  the page, its widgets or a reply not there within ``--stall-after`` seconds (60;
  what the page's kernel process is doing then is recorded). Learners keep waiting
  up to ``--give-up`` seconds (240), then leave: those pages count as hung;
- server and kernel memory (``/proc``: VmRSS of the Voila process and of its
  ``ipykernel_launcher`` children), sampled every second: at the peak and after
  the learners left; kernels still running at the end; CPU seconds used by the
  server, the kernels, the browsers and this process; the load average before and
  after.

Run from the checkout::

    .venv/bin/python benchmarks/bench_class_load.py            # 30 learners, 3 minutes
    .venv/bin/python benchmarks/bench_class_load.py --quick    # a 1-minute smoke run

It is not part of the test suite (``benchmarks/`` is outside pytest's testpaths).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Awaitable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import _bench_common as bc
from _lesson_scripts import SCRIPTS
from _voila_protocol import (
    KernelSocket,
    StallError,
    check_kernel,
    fetch_page,
    shutdown_kernel,
)
from tornado.httpclient import AsyncHTTPClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_LESSONS = [
    "07_readiness_rulers.ipynb",
    "03_reflective_listening.ipynb",
    "05_change_talk.ipynb",
]
BROWSER_LESSON = "07_readiness_rulers.ipynb"
TARGET_FEEDBACK_P95_MS = 250
NAME_BOX = "mi-learner-name"  # LessonBar's name box: shows whose work the page saves
T = TypeVar("T")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- results


@dataclass
class Learner:
    """One learner's page: what it waited for, and what went wrong."""

    kind: str  # "protocol" or "browser"
    index: int
    lesson: str
    name: str
    start_s: float = 0.0  # since the run started
    first_byte_s: float | None = None
    html_s: float | None = None
    first_widget_s: float | None = None
    fell_back: bool = False  # states came from the page's per-widget fallback
    kernel_id: str | None = None
    feedback: list[tuple[str, float]] = field(default_factory=list)  # (action, seconds)
    feedback_at: list[float] = field(default_factory=list)  # each one sent, s since the run started
    idle: list[tuple[str, float]] = field(default_factory=list)
    actions: int = 0
    errors: list[str] = field(default_factory=list)
    stall: str | None = None  # the first wait over --stall-after
    stall_waited: list[tuple[str, float]] = field(default_factory=list)  # what, seconds
    hung: str | None = None  # a wait over --give-up: the learner left
    stall_kernel: dict[str, Any] | None = None
    kernel_output: list[str] = field(default_factory=list)  # kernel stderr / errors
    shutdown_status: int | None = None


# ---------------------------------------------------------------- /proc


def _proc_table() -> dict[int, tuple[int, str, int]]:
    """Every process: pid -> (ppid, state, CPU ticks used)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rfind(")") + 2 :].split()
        table[int(entry)] = (int(fields[1]), fields[0], int(fields[11]) + int(fields[12]))
    return table


def _descendants(table: dict[int, tuple[int, str, int]], root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _rss_mib(pid: int) -> float | None:
    try:
        resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return resident * PAGE_SIZE / 2**20


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _kernel_id(pid: int) -> str | None:
    """The kernel id of an ``ipykernel_launcher`` process (from its connection file name)."""
    cmd = _cmdline(pid)
    if b"ipykernel_launcher" not in cmd:
        return None
    match = re.search(rb"kernel-([0-9a-f-]+)\.json", cmd)
    return match.group(1).decode() if match else f"pid {pid}"


def kernel_pids(server_pid: int) -> dict[int, str]:
    """The server's running kernels: pid -> kernel id."""
    found = {}
    for pid, (ppid, state, _) in _proc_table().items():
        if ppid == server_pid and state != "Z" and (kid := _kernel_id(pid)):
            found[pid] = kid
    return found


def kernel_process(server_pid: int, kernel_id: str) -> dict[str, Any]:
    """What a kernel process is doing (for a stalled page): state, CPU, threads, wchan."""
    for pid, kid in kernel_pids(server_pid).items():
        if kid != kernel_id:
            continue
        info: dict[str, Any] = {"pid": pid}
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            for key in ("State", "Threads", "VmRSS"):
                found = re.search(rf"^{key}:\s*(.+)$", status, re.M)
                info[key.lower()] = found and found.group(1).strip()
            info["wchan"] = Path(f"/proc/{pid}/wchan").read_text().strip()
            info["cpu_s"] = _proc_table().get(pid, (0, "", 0))[2] / TICKS
        except OSError as exc:
            info["error"] = str(exc)
        return info
    return {"pid": None, "note": "no such kernel process (exited?)"}


class Sampler:
    """Every ``interval`` s: server and kernel RSS; CPU of server, kernels and browsers.

    CPU is counted from the first sample on (a process already running then is
    counted from what it had used by then).
    """

    def __init__(self, server_pid: int, t0: float, interval: float = 1.0) -> None:
        self.server_pid = server_pid
        self.t0 = t0
        self.interval = interval
        self.samples: list[dict[str, Any]] = []
        self._ticks: dict[str, dict[int, list[int]]] = {"server": {}, "kernels": {}, "browsers": {}}
        self._ids: dict[int, str | None] = {}

    def sample(self) -> dict[str, Any]:
        table = _proc_table()
        server_tree = _descendants(table, self.server_pid)
        kernels = {}
        for pid in server_tree:
            if table[pid][0] != self.server_pid or table[pid][1] == "Z":
                continue
            if pid not in self._ids:
                self._ids[pid] = _kernel_id(pid)
            rss = _rss_mib(pid)
            if self._ids[pid] and rss is not None:
                kernels[self._ids[pid]] = rss
        browsers = _descendants(table, os.getpid()) - server_tree - {self.server_pid}
        groups = {"server": {self.server_pid}, "kernels": server_tree, "browsers": browsers}
        first = not self.samples
        for group, pids in groups.items():
            for pid in pids & table.keys():
                seen = self._ticks[group].setdefault(pid, [table[pid][2] if first else 0, 0])
                seen[1] = table[pid][2]
        snapshot = {
            "t": round(time.perf_counter() - self.t0, 2),
            "server_rss_mib": _rss_mib(self.server_pid),
            "kernel_rss_mib": kernels,  # kernel id -> MiB
        }
        self.samples.append(snapshot)
        return snapshot

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.sample()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)

    def cpu_seconds(self) -> dict[str, float]:
        return {
            group: sum(last - first for first, last in ticks.values()) / TICKS
            for group, ticks in self._ticks.items()
        }


async def wait_for_quiet_kernels(server_pid: int, timeout: float) -> tuple[float, int]:
    """Wait until the server's kernels (its preheated pool, if any) are started and idle.

    An instructor starts the server before the class; ``mi-toolkit serve`` then
    fills a pool of preheated kernels, one per notebook, each running its lesson
    up to the point where it waits for a page request: on a busy 2-core machine
    that takes a minute or more. Quiet: the same kernels for 10 s, each at least
    20 s old, together using under 10% of a core. Returns (seconds waited, kernels).
    """
    start = time.perf_counter()
    history: list[dict[int, int]] = []
    while time.perf_counter() - start < timeout:
        table = _proc_table()
        history.append({p: table[p][2] for p in kernel_pids(server_pid) if p in table})
        recent = history[-11:]
        if len(recent) == 11 and all(h.keys() == recent[0].keys() for h in recent):
            used = (sum(recent[-1].values()) - sum(recent[0].values())) / TICKS
            if used < 0.1 * 10 and all(_age_s(p) >= 20 for p in recent[-1]):
                return time.perf_counter() - start, len(recent[-1])
        await asyncio.sleep(1.0)
    return time.perf_counter() - start, len(kernel_pids(server_pid))


def _age_s(pid: int) -> float:
    """Seconds since the process started."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except OSError:
        return 0.0
    started = int(raw[raw.rfind(")") + 2 :].split()[19]) / TICKS
    return uptime - started


# ---------------------------------------------------------------- server


def write_pool_config(workdir: Path, lessons: list[str], per_lesson: int) -> dict[str, Any]:
    """A ``voila.json`` in the server's working directory: ``per_lesson`` preheated
    kernels for each lesson the class takes, 1 for every other notebook (serve's
    default). ``mi-toolkit serve`` reads it as an instructor's ``voila.json``."""
    pools: dict[str, Any] = {"default": {"pool_size": 1}}
    pools.update({lesson: {"pool_size": per_lesson} for lesson in lessons})
    config = {"VoilaKernelManager": {"kernel_pools_config": pools}}
    (workdir / "voila.json").write_text(json.dumps(config, indent=1))
    return config


def start_server(workdir: Path, port: int) -> tuple[subprocess.Popen[bytes], Path]:
    env = dict(
        os.environ,
        JUPYTER_PLATFORM_DIRS="1",
        PYTHONUNBUFFERED="1",
        MI_TOOLKIT_DATA_DIR=str(workdir / "journal"),
    )
    cmd = [sys.executable, "-m", "mi_toolkit", "serve", "--root", str(NOTEBOOKS)]
    cmd += ["--ip", "127.0.0.1", "--port", str(port)]
    log_path = workdir / "voila.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}):\n{log_path.read_text()}")
        try:
            # Voila's file list: "/" redirects to the start page (a kernel)
            url = f"http://127.0.0.1:{port}/voila/tree"
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return proc, log_path
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"the server did not answer within 90 s:\n{log_path.read_text()}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server; kill any kernel of it still running (by pid, after it exits)."""
    leftover = kernel_pids(proc.pid) if proc.poll() is None else {}
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    for pid in leftover:
        if _proc_table().get(pid, (0, "Z", 0))[1] != "Z" and b"ipykernel_launcher" in _cmdline(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def log_findings(log_path: Path, start: int, end: int) -> dict[str, int]:
    """Warnings and errors the server logged between byte offsets start and end (the
    class), counted by their line with ids and times blanked."""
    with log_path.open("rb") as log:
        log.seek(start)
        text = log.read(max(end - start, 0)).decode("utf-8", errors="replace")
    counts: Counter[str] = Counter()
    for line in text.splitlines():
        if re.search(r"\b(ERROR|WARNING|Traceback|CRITICAL|Error)\b", line):
            line = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "<id>", line)
            line = re.sub(r"[0-9a-f]{32}", "<id>", line)
            counts[line[:200]] += 1
    return dict(counts.most_common(20))


# ---------------------------------------------------------------- protocol learners


@dataclass
class Run:
    base_url: str
    server_pid: int
    duration: float
    stall_after: float  # a wait longer than this makes the page "stalled"
    give_up: float  # a wait longer than this ends the learner's visit ("hung")
    t0: float
    screenshots: Path | None = None  # where a hung real page's screenshot goes
    early_connect: bool = True  # connect while the page streams, as a real page does

    def url(self, lesson: str, learner: str) -> str:
        return f"{self.base_url}/voila/render/{lesson}?learner={learner}"


async def watched(run: Run, me: Learner, what: str, awaitable: Awaitable[T]) -> T:
    """Await ``awaitable``; if it takes over ``stall_after``, note the stall (once per
    page) with what the page's kernel process is doing then, and keep waiting."""
    task = asyncio.ensure_future(awaitable)
    try:
        return await asyncio.wait_for(asyncio.shield(task), run.stall_after)
    except TimeoutError:
        if me.stall is None:
            me.stall = f"{what}: nothing after {run.stall_after:.0f} s"
            if me.kernel_id:
                me.stall_kernel = kernel_process(run.server_pid, me.kernel_id)
        start = time.perf_counter()
        try:
            return await task
        finally:
            me.stall_waited.append((what, round(run.stall_after + time.perf_counter() - start, 1)))


async def open_kernel(
    run: Run, client: AsyncHTTPClient, kernel_id: str, cookies: dict[str, str]
) -> tuple[KernelSocket, bool]:
    """What the page's widget manager does: check the kernel, connect, kernel_info,
    ask for the widget states. Returns the socket and whether the states came from
    the per-widget fallback."""
    await check_kernel(client, run.base_url, kernel_id, cookies)
    sock = await KernelSocket.connect(run.base_url, kernel_id, cookies, run.give_up)
    try:
        await sock.kernel_info(run.give_up)
        _, fell_back = await sock.load_widget_states(run.give_up)
    except BaseException:
        await sock.close()
        raise
    return sock, fell_back


async def protocol_learner(run: Run, me: Learner, delay: float, rng: random.Random) -> None:
    await asyncio.sleep(delay)
    client = AsyncHTTPClient(force_instance=True, max_clients=4)
    cookies: dict[str, str] = {}
    opening: asyncio.Future[tuple[KernelSocket, bool]] | None = None
    sock: KernelSocket | None = None
    start = time.perf_counter()
    me.start_s = start - run.t0

    def on_kernel(kernel_id: str, page_cookies: dict[str, str]) -> None:
        nonlocal opening
        me.kernel_id = kernel_id
        cookies.update(page_cookies)
        if run.early_connect:  # as a real page's JavaScript does, while the cells still run
            opening = asyncio.ensure_future(open_kernel(run, client, kernel_id, cookies))

    try:
        url = run.url(me.lesson, me.name)
        page = await watched(
            run, me, "lesson page", fetch_page(client, url, run.give_up, on_kernel)
        )
        me.first_byte_s, me.html_s = page.first_byte_s, page.done_s
        cookies.update(page.cookies)
        if opening is None:
            opening = asyncio.ensure_future(open_kernel(run, client, page.kernel_id, cookies))
        sock, me.fell_back = await watched(run, me, "widget states", opening)
        await watched(run, me, "widget models", sock.wait_for_models(page.view_ids, run.give_up))
        if not page.view_ids:
            # what a learner sees: the lesson's text and no widgets, for good
            me.errors.append("the page has no widget outputs (the lesson did not run)")
            return
        me.first_widget_s = time.perf_counter() - start
        if me.first_widget_s > run.stall_after and me.stall is None:
            me.stall = f"widgets {me.first_widget_s:.0f} s after the page was asked for"
        shown = [sock.tree.state(m).get("value") for m in sock.tree.find_all(dom_class=NAME_BOX)]
        if shown != [me.name]:
            me.errors.append(f"the page shows learner {shown}, not ?learner={me.name}")
        await work(run, me, sock, rng, deadline=time.perf_counter() + run.duration)
    except StallError as exc:
        me.hung = str(exc)
        if me.kernel_id:
            me.stall_kernel = (me.stall_kernel or {}) | {
                "at_give_up": kernel_process(run.server_pid, me.kernel_id)
            }
        if sock is not None:
            me.stall_kernel = (me.stall_kernel or {}) | {"messages_received": sock.received}
    except Exception as exc:  # noqa: BLE001 - every failure is a result here
        me.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        if sock is None and opening is not None:
            if opening.done() and not opening.cancelled() and opening.exception() is None:
                sock = opening.result()[0]
            else:
                opening.cancel()
        if sock is not None:
            me.kernel_output = sock.problems
            if sock.closed_reason and not me.errors and not me.hung:
                me.errors.append(sock.closed_reason)
        if me.kernel_id:
            me.shutdown_status = await shutdown_kernel(client, run.base_url, me.kernel_id, cookies)
            if me.shutdown_status != 204:
                me.errors.append(f"page-close shutdown answered {me.shutdown_status}")
        if sock is not None:
            await sock.close()
        client.close()


async def work(
    run: Run, me: Learner, sock: KernelSocket, rng: random.Random, deadline: float
) -> None:
    assert sock.tree is not None
    for action in SCRIPTS[me.lesson](sock.tree, rng):
        pause = rng.uniform(*action.think)
        if time.perf_counter() + pause > deadline:
            return
        await asyncio.sleep(pause)
        sent = time.perf_counter() - run.t0
        got = await watched(
            run,
            me,
            f"reply to '{action.label}'",
            sock.interact(action.model_id, action.data, action.feedback, run.give_up),
        )
        me.actions += 1
        me.idle.append((action.label, got.idle_s))
        if action.feedback:
            if got.feedback_s is None:
                me.errors.append(f"no feedback for '{action.label}' (kernel went idle)")
            else:
                me.feedback.append((action.label, got.feedback_s))
                me.feedback_at.append(sent)


# ---------------------------------------------------------------- browser learners


async def browser_learner(run: Run, browser: Any, me: Learner, delay: float, seed: int) -> None:
    """A real page on 07: name a change, rate the rulers, record; as a person would."""
    rng = random.Random(seed)
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(run.give_up * 1000)
    page = await context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text[:200]}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {str(e)[:200]}"))
    start = time.perf_counter()
    me.start_s = start - run.t0
    what = "lesson page"

    def waited(label: str, since: float) -> float:
        took = time.perf_counter() - since
        if took > run.stall_after:
            me.stall_waited.append((label, round(took, 1)))
            me.stall = me.stall or f"{label}: {took:.0f} s"
        return took

    try:
        await page.goto(run.url(me.lesson, me.name), wait_until="commit")
        await page.locator(".mi-readiness-ruler").wait_for(state="visible")
        me.first_widget_s = waited("first widget", start)
        deadline = time.perf_counter() + run.duration
        me.kernel_id = await page.evaluate(
            "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
        )
        change = rng.choice(["walk to work twice a week", "go to bed before eleven"])
        what = "question after typing the change"
        t = time.perf_counter()
        await page.get_by_label("The change", exact=True).fill(change)
        await page.locator(".mi-question", has_text=change).first.wait_for()
        me.feedback.append(("type", waited(what, t)))
        me.feedback_at.append(t - run.t0)
        records = 0
        while True:
            for label in ("Importance", "Confidence", "Readiness"):
                pause = rng.uniform(2.0, 6.0)
                if time.perf_counter() + pause > deadline:
                    return
                await asyncio.sleep(pause)
                rating = rng.randint(0, 10)
                what = f"follow-up for {label} {rating}"
                t = time.perf_counter()
                await page.get_by_label(label, exact=True).select_option(index=rating + 1)
                await page.locator(
                    ".mi-follow-up", has_text=f"{label} {rating}: questions to ask next"
                ).wait_for()
                me.feedback.append(("rate", waited(what, t)))
                me.feedback_at.append(t - run.t0)
                me.actions += 1
            pause = rng.uniform(2.0, 6.0)
            if time.perf_counter() + pause > deadline:
                return
            await asyncio.sleep(pause)
            records += 1
            what = f"status after record {records}"
            t = time.perf_counter()
            await page.get_by_role("button", name="Record these ratings").click()
            await page.get_by_text(f"Recorded. You have {records} recorded").wait_for()
            me.feedback.append(("record", waited(what, t)))
            me.feedback_at.append(t - run.t0)
            me.actions += 1
    except Exception as exc:  # noqa: BLE001 - every failure is a result here
        if "Timeout" in type(exc).__name__:
            me.hung = f"{what}: nothing after {run.give_up:.0f} s"
            me.stall_kernel = await describe_page(page, run, me)
        else:
            me.errors.append(f"{type(exc).__name__}: {str(exc)[:300]}")
    finally:
        me.kernel_output = [c for c in console if not c.startswith(("log:", "debug:", "info:"))]
        await page.close(run_before_unload=True)
        await context.close()


async def describe_page(page: Any, run: Run, me: Learner) -> dict[str, Any]:
    """What a hung real page shows: how far the HTML and the widgets got, its kernel."""
    found: dict[str, Any] = {}
    with contextlib.suppress(Exception):
        found = await page.evaluate(
            """() => {
                const config = document.getElementById('jupyter-config-data');
                return {
                    readyState: document.readyState,
                    kernelId: config ? JSON.parse(config.textContent).kernelId : null,
                    widgetsShown: document.querySelectorAll('.jupyter-widgets').length,
                    outputs: document.querySelectorAll('.jp-OutputArea-output').length,
                    outputsSent: document.querySelectorAll(
                        'script[type="application/vnd.voila.cell-output+json"]').length,
                    textEnd: document.body.innerText.slice(-300),
                };
            }"""
        )
    if found.get("kernelId"):
        me.kernel_id = found["kernelId"]
        found["kernel_process"] = kernel_process(run.server_pid, found["kernelId"])
    if run.screenshots is not None:
        path = run.screenshots / f"hung-{me.kind}{me.index}.png"
        with contextlib.suppress(Exception):
            await page.screenshot(path=str(path), full_page=True)
            path.with_suffix(".html").write_text(await page.content())
            found["screenshot"] = str(path)
    return found


async def run_browsers(run: Run, learners: list[Learner], delays: list[float]) -> str | None:
    if not learners:
        return None
    from playwright.async_api import async_playwright

    chromium = os.environ.get("MI_TOOLKIT_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        for me in learners:
            me.errors.append("no chromium on PATH (apt-get install chromium)")
        return None
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=bc.CHROMIUM_ARGS)
        try:
            await asyncio.gather(
                *(
                    browser_learner(run, browser, me, delay, seed=1000 + me.index)
                    for me, delay in zip(learners, delays, strict=True)
                )
            )
            return browser.version
        finally:
            await browser.close()


# ---------------------------------------------------------------- the run


async def class_session(
    args: argparse.Namespace, base_url: str, server_pid: int, log_path: Path
) -> dict:
    rng = random.Random(args.seed)
    lessons = args.lessons
    protocol = [
        Learner("protocol", i, lessons[i % len(lessons)], f"load{i:02d}-{rng.randrange(16**6):06x}")
        for i in range(args.learners)
    ]
    browsers = [
        Learner("browser", i, BROWSER_LESSON, f"chromium{i}-{rng.randrange(16**6):06x}")
        for i in range(args.browsers)
    ]
    spread = max(args.spread, 0.0)
    delays = [spread * i / max(args.learners - 1, 1) for i in range(args.learners)]
    rng.shuffle(delays)
    browser_delays = [spread * (i + 0.5) / max(args.browsers, 1) for i in range(args.browsers)]

    warm_s, warm_kernels = await wait_for_quiet_kernels(server_pid, args.warm_timeout)
    print(
        f"server ready: {warm_kernels} kernels running and quiet after {warm_s:.0f} s "
        f"(mi-toolkit serve's preheated pool); the class starts",
        flush=True,
    )
    log_start = log_path.stat().st_size
    run = Run(
        base_url, server_pid, args.duration, args.stall_after, args.give_up, time.perf_counter()
    )
    run.early_connect = not args.late_connect
    if args.json:
        run.screenshots = args.json.parent
    sampler = Sampler(server_pid, run.t0)
    baseline = sampler.sample()
    stop = asyncio.Event()
    sampling = asyncio.get_running_loop().create_task(sampler.run(stop))
    results = await asyncio.gather(
        *(
            protocol_learner(run, me, delay, random.Random(rng.random()))
            for me, delay in zip(protocol, delays, strict=True)
        ),
        run_browsers(run, browsers, browser_delays),
    )
    left_at = time.perf_counter() - run.t0
    # The learners have left: give the server time to shut their kernels down.
    theirs = {me.kernel_id for me in protocol + browsers if me.kernel_id}
    drain_start = time.perf_counter()
    while time.perf_counter() - drain_start < args.drain:
        if not theirs & set(kernel_pids(server_pid).values()):
            break
        await asyncio.sleep(0.5)
    drained_s = time.perf_counter() - drain_start
    await asyncio.sleep(2.0)
    stop.set()
    await sampling
    after = sampler.sample()
    return {
        "server_log": log_findings(log_path, log_start, log_path.stat().st_size),
        "protocol": protocol,
        "browsers": browsers,
        "chromium": results[-1],
        "warm_up_s": warm_s,
        "learner_kernels": theirs,
        "baseline": baseline,
        "after": after,
        "drain_s": drained_s,
        "left_at_s": left_at,
        "samples": sampler.samples,
        "cpu_s": sampler.cpu_seconds(),
    }


# ---------------------------------------------------------------- report


def pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)]


def stats(values: list[float], scale: float = 1.0) -> dict[str, Any]:
    return {
        "n": len(values),
        "p50": None if not values else pct(values, 50) * scale,
        "p95": None if not values else pct(values, 95) * scale,
        "max": None if not values else max(values) * scale,
    }


def summarise(learners: list[Learner]) -> dict[str, Any]:
    feedback = [s for me in learners for _, s in me.feedback]
    by_action: dict[str, list[float]] = {}
    idle_by_action: dict[str, list[float]] = {}
    # Until the last page showed its first widget, kernels are still starting and
    # running their lessons: answers sent then wait for the CPU with them.
    loaded_at = max(
        (me.start_s + me.first_widget_s for me in learners if me.first_widget_s), default=0.0
    )
    loading: dict[str, list[float]] = {}
    for me in learners:
        short = me.lesson[:2]
        for (label, s), at in zip(me.feedback, me.feedback_at, strict=True):
            by_action.setdefault(f"{short} {label}", []).append(s)
            if at < loaded_at:
                loading.setdefault(f"{short} {label}", []).append(s)
        for label, s in me.idle:
            idle_by_action.setdefault(f"{short} {label}", []).append(s)
    return {
        "pages": len(learners),
        "first_widget_s": stats([me.first_widget_s for me in learners if me.first_widget_s]),
        "html_s": stats([me.html_s for me in learners if me.html_s]),
        "feedback_ms": stats(feedback, 1000),
        "feedback_ms_by_action": {k: stats(v, 1000) for k, v in sorted(by_action.items())},
        "pages_loaded_s": loaded_at,
        "feedback_ms_while_loading": stats([s for v in loading.values() for s in v], 1000),
        "feedback_ms_by_action_while_loading": {
            k: stats(v, 1000) for k, v in sorted(loading.items())
        },
        "idle_ms": stats([s for me in learners for _, s in me.idle], 1000),
        "idle_ms_by_action": {k: stats(v, 1000) for k, v in sorted(idle_by_action.items())},
        "actions": sum(me.actions for me in learners),
        "errors": sum(len(me.errors) for me in learners),
        "pages_with_errors": sum(1 for me in learners if me.errors),
        "stalled_pages": sum(1 for me in learners if me.stall),
        "hung_pages": sum(1 for me in learners if me.hung),
        "fallbacks": sum(1 for me in learners if me.fell_back),
        "kernel_output": sum(len(me.kernel_output) for me in learners),
        "shutdown_not_204": sum(1 for me in learners if me.shutdown_status not in (None, 204)),
    }


def memory_summary(session: dict) -> dict[str, Any]:
    """Server RSS; the learners' kernels (by kernel id) apart from the others (the pool)."""
    samples, theirs = session["samples"], session["learner_kernels"]

    def split(sample: dict) -> tuple[list[float], list[float]]:
        kernels = sample["kernel_rss_mib"]
        return (
            [mib for kid, mib in kernels.items() if kid in theirs],
            [mib for kid, mib in kernels.items() if kid not in theirs],
        )

    def total(sample: dict) -> float:
        return (sample["server_rss_mib"] or 0) + sum(sample["kernel_rss_mib"].values())

    peak = max(samples, key=total)
    mine_peak, other_peak = split(peak)
    mine_after, other_after = split(session["after"])
    before = session["baseline"]
    return {
        "server_rss_mib_start": before["server_rss_mib"],
        "server_rss_mib_peak": max(s["server_rss_mib"] or 0 for s in samples),
        "server_rss_mib_after": session["after"]["server_rss_mib"],
        "other_kernels_start": len(before["kernel_rss_mib"]),
        "other_kernels_rss_mib_start": sum(before["kernel_rss_mib"].values()),
        "kernels_max": max(len(s["kernel_rss_mib"]) for s in samples),
        "peak_t_s": peak["t"],
        "total_rss_mib_at_peak": total(peak),
        "learner_kernels_at_peak": len(mine_peak),
        "learner_kernel_rss_mib_at_peak": stats(mine_peak),
        "other_kernels_at_peak": len(other_peak),
        "other_kernels_rss_mib_at_peak": sum(other_peak),
        "learner_kernels_after": len(mine_after),
        "other_kernels_after": len(other_after),
        "other_kernels_rss_mib_after": sum(other_after),
        "drain_s": session["drain_s"],
        "warm_up_s": session["warm_up_s"],
    }


def fmt(x: float | None, spec: str = ".0f") -> str:
    return "–" if x is None else format(x, spec)


def print_report(report: dict[str, Any]) -> None:
    p, b, m = report["protocol"], report["browsers"], report["memory"]
    a = report["args"]
    print()
    print(
        f"{a['learners']} protocol learners ({', '.join(a['lessons'])}) + {a['browsers']} "
        f"Chromium on {BROWSER_LESSON}; {a['duration']:.0f} s each, starts over "
        f"{a['spread']:.0f} s; stall = nothing after {a['stall_after']:.0f} s"
    )
    rows = [
        ("time to first widget (s)", p["first_widget_s"], ".2f"),
        ("  lesson HTML streamed (s)", p["html_s"], ".2f"),
        ("feedback round-trip (ms)", p["feedback_ms"], ".0f"),
        *[(f"  {k}", v, ".0f") for k, v in p["feedback_ms_by_action"].items()],
        (
            f"  of these, sent before every page had loaded ({p['pages_loaded_s']:.0f} s)",
            p["feedback_ms_while_loading"],
            ".0f",
        ),
        *[(f"    {k}", v, ".0f") for k, v in p["feedback_ms_by_action_while_loading"].items()],
        ("until kernel idle (ms)", p["idle_ms"], ".0f"),
        *[(f"  {k}", v, ".0f") for k, v in p["idle_ms_by_action"].items()],
        ("Chromium: first widget (s)", b["first_widget_s"], ".2f"),
        ("Chromium: feedback (ms)", b["feedback_ms"], ".0f"),
        *[(f"  {k}", v, ".0f") for k, v in b["feedback_ms_by_action"].items()],
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'':<{width}}  {'p50':>8}  {'p95':>8}  {'max':>8}  {'n':>5}")
    for label, s, spec in rows:
        print(
            f"{label:<{width}}  {fmt(s['p50'], spec):>8}  {fmt(s['p95'], spec):>8}"
            f"  {fmt(s['max'], spec):>8}  {s['n']:>5}"
        )
    print()
    for who, s in (("protocol", p), ("Chromium", b)):
        print(
            f"{who}: {s['pages']} pages, {s['actions']} actions, errors {s['errors']} "
            f"(on {s['pages_with_errors']} pages), stalled pages {s['stalled_pages']} "
            f"(of which gave up: {s['hung_pages']}), "
            f"control-comm fallbacks {s['fallbacks']}, "
            f"kernel stderr or page console {s['kernel_output']}, "
            f"page-close not 204: {s['shutdown_not_204']}"
        )
    print(
        f"server RSS: {fmt(m['server_rss_mib_start'])} MiB at start, "
        f"{fmt(m['server_rss_mib_peak'])} peak, {fmt(m['server_rss_mib_after'])} "
        f"after the learners left"
    )
    k = m["learner_kernel_rss_mib_at_peak"]
    print(
        f"before the class: {m['other_kernels_start']} kernels (preheated pool), "
        f"{m['other_kernels_rss_mib_start']:.0f} MiB, quiet after {m['warm_up_s']:.0f} s"
    )
    print(
        f"at the memory peak ({m['peak_t_s']:.0f} s in): {m['learner_kernels_at_peak']} learner "
        f"kernels, RSS p50 {fmt(k['p50'])} / max {fmt(k['max'])} MiB each; "
        f"{m['other_kernels_at_peak']} other kernels {m['other_kernels_rss_mib_at_peak']:.0f} MiB;"
        f" server + all kernels {m['total_rss_mib_at_peak']:.0f} MiB "
        f"({m['kernels_max']} kernels at most)"
    )
    print(
        f"after the learners left ({m['drain_s']:.1f} s): {m['learner_kernels_after']} learner "
        f"kernels still running; {m['other_kernels_after']} other kernels "
        f"({m['other_kernels_rss_mib_after']:.0f} MiB)"
    )
    cpu = report["cpu_s"]
    print(
        "CPU seconds: "
        + ", ".join(f"{g} {v:.0f}" for g, v in cpu.items())
        + f"; load average before {report['loadavg_before']}, after {report['loadavg_after']}"
    )
    if report["server_log"]:
        print("server log during the class, warnings and errors (count: line):")
        for line, n in report["server_log"].items():
            print(f"  {n:>4}: {line}")
    problems = [me for me in report["learner_records"] if me["errors"] or me["stall"]]
    for me in problems[:15]:
        print(
            f"  {me['kind']} {me['index']} {me['lesson']}: stall={me['stall']} "
            f"waited={me['stall_waited']} hung={me['hung']} errors={me['errors'][:3]} "
            f"kernel={me['stall_kernel']}"
        )
    outputs = Counter(o for me in report["learner_records"] for o in me["kernel_output"])
    for text, n in outputs.most_common(5):
        print(f"  kernel stderr or page console x{n}: {text[:160]}")
    ok = p["errors"] == 0 and b["errors"] == 0 and p["hung_pages"] + b["hung_pages"] == 0
    stalled = p["stalled_pages"] + b["stalled_pages"]
    p95 = p["feedback_ms"]["p95"]
    print(
        f"\ntargets: errors 0 -> {'met' if ok else 'NOT met'}; stalled pages 0 -> "
        f"{'met' if stalled == 0 else 'NOT met'}; feedback p95 < {TARGET_FEEDBACK_P95_MS} ms -> "
        f"{'met' if p95 is not None and p95 < TARGET_FEEDBACK_P95_MS else 'NOT met'}"
        f" ({fmt(p95)} ms)"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=30, help="protocol learners (30)")
    parser.add_argument(
        "--duration", type=float, default=180, help="seconds each learner works (180)"
    )
    parser.add_argument(
        "--spread", type=float, default=10, help="start times spread over this many s (10)"
    )
    parser.add_argument(
        "--browsers", type=int, default=2, help="real Chromium learners alongside (2; 0: none)"
    )
    parser.add_argument(
        "--lessons",
        nargs="+",
        default=DEFAULT_LESSONS,
        choices=sorted(SCRIPTS),
        help="lessons the protocol learners take in turn",
    )
    parser.add_argument(
        "--stall-after", type=float, default=60, help="a page is stalled after this many s (60)"
    )
    parser.add_argument(
        "--give-up",
        type=float,
        default=240,
        help="a learner leaves a page that waited this many s for anything (240)",
    )
    parser.add_argument(
        "--drain", type=float, default=30, help="s to wait for kernels to stop at the end (30)"
    )
    parser.add_argument(
        "--warm-timeout",
        type=float,
        default=240,
        help="s to wait at most for the server's preheated kernels before the class (240)",
    )
    parser.add_argument(
        "--late-connect",
        action="store_true",
        help="protocol learners connect to the kernel only once the page has fully arrived "
        "(a real page connects as soon as its script runs, while the cells still execute)",
    )
    parser.add_argument(
        "--pool-per-lesson",
        type=int,
        metavar="N",
        help="preheat N kernels for each lesson the class takes (a voila.json in the "
        "server's working directory; the other notebooks keep serve's 1)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 6 learners working 30 s, 1 browser (about a minute after the warm-up)",
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="write every figure to OUT")
    args = parser.parse_args(argv)
    if args.quick:
        args.learners, args.duration, args.spread, args.browsers = 6, 30.0, 5.0, 1
    if args.learners < 1 or args.browsers < 0 or args.duration <= 0:
        parser.error("need --learners >= 1, --browsers >= 0 and --duration > 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    cpu_self_start = time.process_time()
    with tempfile.TemporaryDirectory(prefix="mi-class-load-") as tmp:
        workdir = Path(tmp)
        port = bc.free_port()
        if args.pool_per_lesson is not None:
            lessons = sorted({*args.lessons, BROWSER_LESSON})
            print(
                "voila.json:", json.dumps(write_pool_config(workdir, lessons, args.pool_per_lesson))
            )
        server, log_path = start_server(workdir, port)
        base_url = f"http://127.0.0.1:{port}"
        print(f"server pid {server.pid} on {base_url}; load average {load_before}", flush=True)
        try:
            session = asyncio.run(class_session(args, base_url, server.pid, log_path))
        finally:
            stop_server(server)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(log_path, args.json.with_suffix(".voila.log"))
    load_after = os.getloadavg()
    learners = session["protocol"] + session["browsers"]
    report = {
        "benchmark": "class_load",
        "started": started.isoformat(),
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "environment": bc.environment(args, session["chromium"]),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
        "protocol": summarise(session["protocol"]),
        "browsers": summarise(session["browsers"]),
        "memory": memory_summary(session),
        "cpu_s": session["cpu_s"] | {"this process": time.process_time() - cpu_self_start},
        "server_log": session["server_log"],
        "learner_records": [asdict(me) for me in learners],
        "samples": session["samples"],
    }
    print_report(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, default=str))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
