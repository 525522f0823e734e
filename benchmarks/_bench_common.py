"""Helpers shared by ``bench_first_widget.py`` and ``bench_open_close.py``.

Servers (``mi-toolkit serve`` and plain ``voila``) started on 127.0.0.1 and a free
port, their kernels read from ``/proc`` (Linux only), the baseline notebooks, the
system Chromium, page loads with their traffic counted, and the report's small
formatting helpers. Nothing here talks to anything but this machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
RESULTS_DIR = Path(__file__).resolve().parent / "results"

# As in tests/browser/conftest.py: Debian's Chromium, no sandbox, no GPU, no network chatter.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

TRIVIAL = "trivial_intslider.ipynb"
PLAIN_MPL = "plain_ipywidgets_matplotlib.ipynb"
TRIVIAL_SELECTOR = ".widget-slider"
PLAIN_MPL_SELECTOR = ".widget-output img"
# The first toolkit widget on every lesson page: the LessonBar's name box.
LESSON_SELECTOR = ".mi-learner-name input"
POOL_FILLED = re.compile(r"Kernel pool of (.+?) is filled with (\d+) kernel")
POOL_USED = "Using pre-heated kernel"
# tornado's access-log line for Voila's page-close request refused (voila issue 1458)
REFUSED_SHUTDOWN = re.compile(r"403 POST /voila/api/shutdown/\S+ \([\d.]+\) [\d.]+ms")


# ---------------------------------------------------------------- notebooks


def lesson_notebooks(spec: str | None = None) -> list[str]:
    """``notebooks/NN_*.ipynb`` file names, all or those whose NN is in ``spec`` ("07,11")."""
    names = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not spec:
        return names
    wanted = [s.strip().zfill(2) for s in spec.split(",") if s.strip()]
    chosen = [n for n in names if n[:2] in wanted]
    missing = sorted(set(wanted) - {n[:2] for n in chosen})
    if missing:
        raise SystemExit(f"no notebooks/NN_*.ipynb for lesson(s) {', '.join(missing)}")
    return chosen


def import_cell(notebook: Path) -> str:
    """The lesson's import cell: its first code cell."""
    nb = json.loads(notebook.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            return "".join(cell["source"])
    raise ValueError(f"{notebook.name} has no code cell")


def write_baselines(folder: Path) -> None:
    """The trivial one-IntSlider notebook and a plain ipywidgets + matplotlib one.

    Both take the lessons' kernelspec. The matplotlib notebook is what a notebook
    author would write without the toolkit: pyplot, one figure, shown in an
    ``ipywidgets.Output`` with the inline backend.
    """
    import nbformat

    meta = json.loads((NOTEBOOKS / "07_readiness_rulers.ipynb").read_text())["metadata"]
    folder.mkdir(parents=True, exist_ok=True)
    cells = {
        TRIVIAL: ["import ipywidgets as widgets\n\nwidgets.IntSlider()"],
        PLAIN_MPL: [
            "import ipywidgets as widgets\nimport matplotlib.pyplot as plt",
            "out = widgets.Output()\n"
            "with out:\n"
            "    fig, ax = plt.subplots(figsize=(6, 3))\n"
            "    ax.plot([1, 2, 3, 4, 5], [4, 6, 5, 7, 8], marker='o')\n"
            "    ax.set_title('Ratings')\n"
            "    plt.show()\n"
            "out",
        ],
    }
    for name, sources in cells.items():
        nb = nbformat.v4.new_notebook()
        nb.metadata = dict(meta)
        nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
        nbformat.write(nb, folder / name)


def copy_lessons(folder: Path) -> None:
    """A copy of ``notebooks/`` (other helpers may be editing the checkout's)."""
    shutil.copytree(NOTEBOOKS, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))


# ---------------------------------------------------------------- /proc


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat from field 3 (the state) on."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rfind(")") + 2 :].split()


def kernel_children(server_pid: int) -> dict[int, int]:
    """Live ``ipykernel_launcher`` children of the server: pid -> start time (ticks)."""
    found: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        fields = _stat_fields(pid)
        # fields[0]: state, fields[1]: ppid, fields[19]: start time
        if fields is None or fields[0] == "Z" or int(fields[1]) != server_pid:
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"ipykernel_launcher" in cmdline:
            found[pid] = int(fields[19])
    return found


def rss_mib(pid: int) -> float:
    """VmRSS in MiB (0 if the process is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid: int) -> int:
    fields = _stat_fields(pid)
    return 0 if fields is None else int(fields[11]) + int(fields[12])  # utime + stime


def maps_matplotlib(pid: int) -> bool | None:
    """Whether any matplotlib extension module is mapped into the process."""
    try:
        return "/matplotlib/" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return None


def is_alive(pid: int) -> bool:
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def wait_for_exit(pid: int, timeout: float) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if not is_alive(pid):
            return time.perf_counter() - start
        time.sleep(0.05)
    return None


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A Voila process this benchmark started (``mi-toolkit serve`` or plain ``voila``)."""

    label: str
    cmd: list[str]
    cwd: Path
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    ready_s: float | None = None

    @classmethod
    def toolkit(cls, root: Path, workdir: Path, *extra: str) -> Server:
        """``python -m mi_toolkit serve --root ROOT`` plus ``extra`` (defaults otherwise)."""
        port = free_port()
        cmd = [sys.executable, "-m", "mi_toolkit", "serve", "--root", str(root)]
        cmd += ["--port", str(port), "--ip", "127.0.0.1", *extra]
        return cls("mi-toolkit serve", cmd, workdir, workdir / f"serve-{port}.log", port=port)

    @classmethod
    def plain_voila(cls, root: Path, workdir: Path) -> Server:
        """``python -m voila ROOT --no-browser --port P --Voila.ip=127.0.0.1``: all defaults."""
        port = free_port()
        cmd = [sys.executable, "-m", "voila", str(root), "--no-browser", "--port", str(port)]
        cmd.append("--Voila.ip=127.0.0.1")
        return cls("plain voila", cmd, workdir, workdir / f"voila-{port}.log", port=port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 90) -> Server:
        self.cwd.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "JUPYTER_PLATFORM_DIRS": "1",
            "PYTHONUNBUFFERED": "1",
            # lessons save to the learner journal: keep it in the throw-away folder
            "MI_TOOLKIT_DATA_DIR": str(self.cwd / "journal"),
            **self.env,
        }
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=self.cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.label} exited early:\n{self.log()[-4000:]}")
            try:
                # Voila's file list: "/" may redirect to a lesson, which starts a kernel
                with urllib.request.urlopen(self.url + "/voila/tree", timeout=2) as resp:
                    if resp.status == 200:
                        self.ready_s = time.perf_counter() - start
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.label} did not answer within {timeout:.0f} s")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def kernels(self) -> dict[int, int]:
        return kernel_children(self.pid)

    def rss_mib(self) -> float:
        return rss_mib(self.pid)

    def kernels_rss_mib(self) -> float:
        return sum(rss_mib(pid) for pid in self.kernels())

    def pool_used_count(self) -> int:
        return self.log().count(POOL_USED)

    def stop(self, failed: bool = False) -> None:
        """Stop the server, then any kernel it started and left (same pid and start time).

        With ``failed``, print the end of its log first (the log is in a temporary folder).
        """
        if self.proc is None:
            return
        if failed:
            print(f"--- end of the {self.label} log ---\n{self.log()[-5000:]}", file=sys.stderr)
        leftover = self.kernels() if self.proc.poll() is None else {}
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        for pid, start_ticks in leftover.items():
            fields = _stat_fields(pid)
            if fields and fields[0] != "Z" and int(fields[19]) == start_ticks:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def wait_pool_ready(
    server: Server, expected: int, timeout: float = 240, quiet: float = 1.0
) -> dict[str, Any]:
    """Wait until the server has ``expected`` kernels and they and it are idle.

    A pool counts as filled (Voila logs "Kernel pool of ... is filled") once its
    kernel has started, before the notebook has run in it; a lesson's pooled kernel
    is ready when its import cell and first cells have run and it sits waiting for
    the page's request. So: the kernel count (children of the server) equals
    ``expected``, and the CPU time (utime + stime) of the server and all its
    kernels grew by less than 5 % of one core over the last ``quiet`` seconds.
    """
    tick = os.sysconf("SC_CLK_TCK")
    start = time.perf_counter()
    history: list[tuple[float, int, int]] = []  # (time, kernel count, ticks)
    while time.perf_counter() - start < timeout:
        kernels = server.kernels()
        ticks = sum(cpu_ticks(pid) for pid in kernels) + cpu_ticks(server.pid)
        now = time.perf_counter()
        history.append((now, len(kernels), ticks))
        # the newest sample at least `quiet` s old, and everything since
        older = [i for i, h in enumerate(history) if now - h[0] >= quiet]
        if older:
            since = history[older[-1] :]
            ref_t, _, ref_ticks = since[0]
            if (
                all(h[1] == expected for h in since)
                and ticks - ref_ticks <= 0.05 * (now - ref_t) * tick
            ):
                return {
                    "waited_s": now - start,
                    "kernels": len(kernels),
                    "filled_log_lines": len(POOL_FILLED.findall(server.log())),
                }
            del history[: older[-1]]
        time.sleep(0.25)
    raise TimeoutError(
        f"{server.label}: not {expected} idle kernels within {timeout:.0f} s "
        f"({len(server.kernels())} kernels)\n{server.log()[-3000:]}"
    )


# ---------------------------------------------------------------- browser


def chromium_path() -> str:
    path = os.environ.get("MI_TOOLKIT_CHROMIUM") or shutil.which("chromium")
    if not path:
        raise SystemExit("no `chromium` on PATH (Debian: apt-get install chromium)")
    return path


def launch_browser(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


# Counted in the kernel websocket's received frames: every widget model's state names
# its ``_model_name`` once (so this counts the models whose state the page received),
# and each toolkit stylesheet starts with its own comment.
WS_MARKS = {
    "widget models": "_model_name",
    "style.css": "mi_toolkit widget styles",
    "curriculum.css": "Quiz and course map styles",
}


class Traffic:
    """What a page downloads: finished HTTP requests and kernel websocket frames."""

    def __init__(self, page: Any) -> None:
        self.ws_marks = dict.fromkeys(WS_MARKS, 0)
        self.finished: list[Any] = []
        self.failed = 0
        self.ws_received = 0
        self.ws_sent = 0
        self.ws_frames_received = 0
        page.on("requestfinished", self._on_finished)
        page.on("requestfailed", self._on_failed)
        page.on("websocket", self._on_websocket)

    def _on_finished(self, request: Any) -> None:
        self.finished.append(request)

    def _on_failed(self, _request: Any) -> None:
        self.failed += 1

    def _on_websocket(self, ws: Any) -> None:
        ws.on("framereceived", self._on_received)
        ws.on("framesent", self._on_sent)

    @staticmethod
    def _size(payload: str | bytes) -> int:
        return len(payload.encode()) if isinstance(payload, str) else len(payload)

    def _on_received(self, payload: str | bytes) -> None:
        self.ws_received += self._size(payload)
        self.ws_frames_received += 1
        text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
        for label, mark in WS_MARKS.items():
            self.ws_marks[label] += text.count(mark)

    def _on_sent(self, payload: str | bytes) -> None:
        self.ws_sent += self._size(payload)

    def summary(self) -> dict[str, Any]:
        """Bytes on the wire (``request.sizes()``: headers + encoded bodies)."""
        http_in = http_out = 0
        by_type: dict[str, int] = {}
        for request in list(self.finished):
            sizes = request.sizes()
            got = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            http_in += got
            http_out += sizes["requestBodySize"] + sizes["requestHeadersSize"]
            kind = request.resource_type
            by_type[kind] = by_type.get(kind, 0) + got
        return {
            "requests": len(self.finished),
            "requests_failed": self.failed,
            "http_received_bytes": http_in,
            "http_sent_bytes": http_out,
            "http_received_by_type": by_type,
            "ws_received_bytes": self.ws_received,
            "ws_sent_bytes": self.ws_sent,
            "ws_frames_received": self.ws_frames_received,
            "ws_marks": dict(self.ws_marks),
        }


@dataclass
class OpenPage:
    context: Any
    page: Any
    first_widget_s: float
    traffic: Traffic | None

    def navigation(self) -> dict[str, float] | None:
        return self.page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return n ? {responseStart: n.responseStart, responseEnd: n.responseEnd,"
            " domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd} : null; }"
        )

    def close(self, run_before_unload: bool = True) -> None:
        try:
            close_page(self.page, run_before_unload)
        finally:
            self.context.close()


def close_page(page: Any, run_before_unload: bool = True, timeout_s: float = 30) -> None:
    """Close like a tab: with ``beforeunload`` (Voila's shutdown beacon) or as if crashed.

    With ``run_before_unload=True`` Playwright's ``close`` returns before the page
    is gone; waiting for its ``close`` event keeps a following ``context.close()``
    from cutting the beacon off.
    """
    with page.expect_event("close", timeout=timeout_s * 1000):
        page.close(run_before_unload=run_before_unload)


def open_page(
    browser: Any, url: str, selector: str, timeout_s: float, count_traffic: bool = False
) -> OpenPage:
    """A fresh browser context, one page, timed from ``goto`` to ``selector`` visible."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(timeout_s * 1000)
    try:
        page = context.new_page()
        traffic = Traffic(page) if count_traffic else None
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.locator(selector).first.wait_for(state="visible")
        first_widget_s = time.perf_counter() - start
    except Exception:
        context.close()
        raise
    return OpenPage(context, page, first_widget_s, traffic)


# ---------------------------------------------------------------- report helpers


def median(xs: list[float]) -> float | None:
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def minimum(xs: list[float]) -> float | None:
    xs = [x for x in xs if x is not None]
    return min(xs) if xs else None


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def fmt(x: float | None, spec: str = ".2f", width: int = 0) -> str:
    return ("n/a" if x is None else format(x, spec)).rjust(width)


def verdict(value: float | None, target: float) -> str:
    """``ok`` or how far over the target ``value`` (a ratio) is."""
    if value is None:
        return "n/a"
    if value <= target:
        return "ok"
    return f"MISS +{(value / target - 1) * 100:.0f}%"


def environment(args: Any, chromium_version: str | None) -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    def v(dist: str) -> str | None:
        try:
            return version(dist)
        except PackageNotFoundError:
            return None

    try:
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
    except (OSError, subprocess.CalledProcessError):
        rev, dirty = None, None
    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "git_head": rev,
        "git_tracked_changes": dirty,
        "chromium": chromium_version,
        "packages": {
            d: v(d)
            for d in (
                "mi-toolkit",
                "voila",
                "ipywidgets",
                "ipykernel",
                "jupyter_server",
                "matplotlib",
                "tornado",
                "playwright",
            )
        },
        "args": {k: (str(x) if isinstance(x, Path) else x) for k, x in vars(args).items()},
    }


def write_json(result: dict[str, Any], out: Path | None, stem: str, started: str) -> Path:
    if out is None:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / f"{stem}-{started}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    return out
