"""Benchmark: what a lesson costs compared with a bare ipywidgets notebook.

What is measured (one run, side by side):

(a) Time to first widget. One Voila server (started with the project's own
    ``python -m mi_toolkit serve``) serves a temporary folder holding a copy of
    ``notebooks/07_readiness_rulers.ipynb`` and a trivial notebook whose only code
    cell shows an ``ipywidgets.IntSlider``. Headless Chromium (Playwright, one
    browser, a fresh browser context for every page load) opens
    ``/voila/render/<name>.ipynb``. The time is wall-clock, taken in this process
    with ``time.perf_counter``, from just before ``page.goto`` until Playwright
    reports the widget visible: ``.mi-readiness-ruler`` for the lesson,
    ``.widget-slider`` for the trivial notebook. It covers the whole path a learner
    waits on: kernel start, server-side execution of the notebook, the streamed
    HTML, the widget manager's JavaScript, and the widget's render. The two
    notebooks alternate (the order flips every round, so neither always goes
    first); one warm-up round is run first and dropped, then ``--rounds`` rounds are
    measured. Median and min are reported. Also recorded, from the page's own
    Navigation Timing entry: when the streamed HTML finished arriving
    (``responseEnd``, ms after navigation start), which in Voila 0.5 is roughly when
    the server finished executing the notebook.

(b) Kernel memory. After a page's widget is visible (plus a short settle, see
    ``--settle``), the kernel for that page is found as the newest child process of
    the server whose command line contains ``ipykernel_launcher`` (and that was not
    there before the page load), and its ``VmRSS`` is read from
    ``/proc/<pid>/status``. The page is then closed with
    ``page.close(run_before_unload=True)``, which fires Voila's ``beforeunload``
    shutdown beacon; the benchmark waits for that kernel to exit before the next
    load, so kernels do not pile up and compete for the CPU. Median RSS is reported.

(c) Import time. The lesson's import cell (``from mi_toolkit.widgets import
    LessonBar, ReadinessRuler``, labelled ``mi_toolkit.widgets``), ``import mi_toolkit`` and
    ``import ipywidgets`` are each timed in fresh ``python -c`` subprocesses, with
    ``time.perf_counter`` around the import statement only (interpreter start-up is
    not counted). One untimed warm-up run per module, then ``--import-repeats``
    runs; medians are reported. ``mi_toolkit.widgets`` imports ipywidgets, so its
    ratio to ``import ipywidgets`` is the overhead the toolkit adds on top.

Why ratios: this runs on a shared, noisy 2-core machine, where absolute numbers
move from run to run with whatever else is running. Both sides of each ratio are
measured in the same run, interleaved, against the same server and browser, so
the noise hits both about equally and the ratio (lesson or toolkit / baseline) is
the number worth comparing between runs. The absolute values are printed too.

Results are printed as a table and written as JSON to
``benchmarks/results/first_widget-<timestamp>.json`` (git-ignored).

Run from the checkout: ``.venv/bin/python benchmarks/bench_first_widget.py --rounds 5``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LESSON_SRC = ROOT / "notebooks" / "07_readiness_rulers.ipynb"
RESULTS_DIR = Path(__file__).resolve().parent / "results"

LESSON = "07_readiness_rulers.ipynb"
TRIVIAL = "trivial_intslider.ipynb"
SELECTORS = {LESSON: ".mi-readiness-ruler", TRIVIAL: ".widget-slider"}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

IMPORT_SNIPPET = (
    "import time; t = time.perf_counter(); {statement}; print(repr(time.perf_counter() - t))"
)
# label -> the statement timed; "mi_toolkit.widgets" is the lesson's own import cell
# (the package exports its widgets lazily, so a bare "import mi_toolkit.widgets"
# would measure nothing).
IMPORT_STATEMENTS = {
    "ipywidgets": "import ipywidgets",
    "mi_toolkit": "import mi_toolkit",
    "mi_toolkit.widgets": "from mi_toolkit.widgets import LessonBar, ReadinessRuler",
}


# ---------------------------------------------------------------- setup


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_notebooks(folder: Path) -> None:
    """Copy the lesson and write the trivial one-IntSlider notebook next to it."""
    import nbformat

    shutil.copy2(LESSON_SRC, folder / LESSON)
    lesson = nbformat.read(folder / LESSON, as_version=4)
    trivial = nbformat.v4.new_notebook()
    trivial.metadata = dict(lesson.metadata)  # same kernelspec as the lesson
    trivial.cells = [
        nbformat.v4.new_code_cell("import ipywidgets as widgets\n\nwidgets.IntSlider()"),
    ]
    nbformat.write(trivial, folder / TRIVIAL)


def start_server(folder: Path, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    # The lesson saves to the learner journal: keep it in the throw-away folder.
    env = dict(
        os.environ,
        JUPYTER_PLATFORM_DIRS="1",
        PYTHONUNBUFFERED="1",
        MI_TOOLKIT_DATA_DIR=str(folder / "journal"),
    )
    cmd = [
        sys.executable,
        "-m",
        "mi_toolkit",
        "serve",
        "--root",
        str(folder),
        "--port",
        str(port),
        "--ip",
        "127.0.0.1",
    ]
    log = log_path.open("wb")
    try:
        return subprocess.Popen(
            cmd, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    finally:
        log.close()  # the child holds its own descriptor


def wait_for_http_200(url: str, server: subprocess.Popen[bytes], timeout: float) -> float:
    start = time.perf_counter()
    deadline = start + timeout
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with code {server.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return time.perf_counter() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"no HTTP 200 from {url} within {timeout:.0f} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=15)


# ---------------------------------------------------------------- /proc


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (field 3 onwards)."""
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
        # fields[0] is the state (field 3), fields[1] the ppid, fields[19] the start time
        if fields is None or fields[0] == "Z" or int(fields[1]) != server_pid:
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"ipykernel_launcher" in cmdline:
            found[pid] = int(fields[19])
    return found


def vm_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024  # kB -> MiB
    raise RuntimeError(f"no VmRSS for pid {pid}")


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


# ---------------------------------------------------------------- (a) + (b)


def load_once(
    browser: Any, base_url: str, name: str, server_pid: int, settle: float, timeout_s: float
) -> dict[str, Any]:
    before = kernel_children(server_pid)
    context = browser.new_context()
    try:
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(f"{base_url}/voila/render/{name}", wait_until="commit", timeout=timeout_s * 1000)
        page.wait_for_selector(SELECTORS[name], state="visible", timeout=timeout_s * 1000)
        first_widget_s = time.perf_counter() - t0
        nav = page.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return n ? {responseStart: n.responseStart, responseEnd: n.responseEnd} : null; }"
        )
        if settle > 0:
            time.sleep(settle)
        kernels = kernel_children(server_pid)
        new = {pid: st for pid, st in kernels.items() if pid not in before} or kernels
        if not new:
            raise RuntimeError(f"no ipykernel_launcher child of the server after loading {name}")
        kernel_pid = max(new, key=lambda pid: (new[pid], pid))
        rss = vm_rss_mib(kernel_pid)
        page.close(run_before_unload=True)
        shutdown_s = wait_for_exit(kernel_pid, timeout=20)
    finally:
        context.close()
    return {
        "notebook": name,
        "first_widget_s": first_widget_s,
        "html_response_start_ms": nav and nav["responseStart"],
        "html_response_end_ms": nav and nav["responseEnd"],
        "kernel_pid": kernel_pid,
        "kernel_rss_mib": rss,
        "kernel_shutdown_s": shutdown_s,
        "kernel_was_new": kernel_pid not in before,
    }


def run_browser_rounds(
    base_url: str, server_pid: int, rounds: int, settle: float, timeout_s: float
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise RuntimeError("no `chromium` on PATH")
    warmup: list[dict[str, Any]] = []
    samples: list[dict[str, Any]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            version = browser.version
            for rnd in range(rounds + 1):  # round 0 is the warm-up
                order = (LESSON, TRIVIAL) if rnd % 2 == 0 else (TRIVIAL, LESSON)
                for name in order:
                    sample = load_once(browser, base_url, name, server_pid, settle, timeout_s)
                    sample["round"] = rnd
                    (warmup if rnd == 0 else samples).append(sample)
                    label = "warm-up" if rnd == 0 else f"round {rnd}/{rounds}"
                    shut = sample["kernel_shutdown_s"]
                    stopped = "NO" if shut is None else f"after {shut:.2f} s"
                    print(
                        f"  {label:<12} {name:<28} first widget {sample['first_widget_s']:6.3f} s"
                        f"  kernel RSS {sample['kernel_rss_mib']:6.1f} MiB"
                        f"  kernel stopped {stopped}",
                        flush=True,
                    )
        finally:
            browser.close()
    return {"chromium_version": version, "warmup": warmup, "samples": samples}


# ---------------------------------------------------------------- (c)


def time_import(module: str, repeats: int) -> list[float]:
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1")
    code = IMPORT_SNIPPET.format(statement=IMPORT_STATEMENTS[module])
    times = []
    for i in range(repeats + 1):  # run 0 is an untimed warm-up (page cache, .pyc files)
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=tempfile.gettempdir(),  # not the checkout: import the installed package
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        if i > 0:
            times.append(float(out.strip().splitlines()[-1]))
    return times


# ---------------------------------------------------------------- report


def summarise(samples: list[dict[str, Any]], name: str, key: str) -> list[float]:
    return [s[key] for s in samples if s["notebook"] == name and s[key] is not None]


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or not b:
        return None
    return a / b


def build_rows(browser_res: dict[str, Any], imports: dict[str, list[float]]) -> list[dict]:
    s = browser_res["samples"]
    fw_l, fw_t = summarise(s, LESSON, "first_widget_s"), summarise(s, TRIVIAL, "first_widget_s")
    re_l = summarise(s, LESSON, "html_response_end_ms")
    re_t = summarise(s, TRIVIAL, "html_response_end_ms")
    rss_l, rss_t = summarise(s, LESSON, "kernel_rss_mib"), summarise(s, TRIVIAL, "kernel_rss_mib")

    def med(xs: list[float]) -> float | None:
        return statistics.median(xs) if xs else None

    def mn(xs: list[float]) -> float | None:
        return min(xs) if xs else None

    imp_w = med(imports["mi_toolkit.widgets"])
    imp_p = med(imports["mi_toolkit"])
    imp_i = med(imports["ipywidgets"])
    ms = 1000.0
    rows = [
        ("first widget visible, median (ms)", med(fw_l), med(fw_t), ms),
        ("first widget visible, min (ms)", mn(fw_l), mn(fw_t), ms),
        ("HTML responseEnd, median (ms, in-page)", med(re_l), med(re_t), 1.0),
        ("kernel RSS, median (MiB)", med(rss_l), med(rss_t), 1.0),
        ("lesson import cell vs import ipywidgets, median (ms)", imp_w, imp_i, ms),
        ("import mi_toolkit vs ipywidgets, median (ms)", imp_p, imp_i, ms),
    ]
    return [
        {
            "metric": metric,
            "toolkit": None if a is None else a * scale,
            "baseline": None if b is None else b * scale,
            "ratio": ratio(a, b),
        }
        for metric, a, b, scale in rows
    ]


def print_table(rows: list[dict]) -> None:
    def fmt(x: float | None, spec: str) -> str:
        return "n/a" if x is None else format(x, spec)

    w = max(len(r["metric"]) for r in rows)
    print()
    print(f"{'metric':<{w}}  {'lesson/toolkit':>14}  {'baseline':>10}  {'ratio':>7}")
    print("-" * (w + 37))
    for r in rows:
        print(
            f"{r['metric']:<{w}}  {fmt(r['toolkit'], '14.1f')}  {fmt(r['baseline'], '10.1f')}"
            f"  {fmt(r['ratio'], '7.2f')}"
        )
    print()
    print(
        "lesson = notebooks/07_readiness_rulers.ipynb, baseline = one-IntSlider notebook "
        "(browser rows); toolkit = the named import, baseline = import ipywidgets (import rows)."
    )


def environment(args: argparse.Namespace, chromium_version: str | None) -> dict[str, Any]:
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
    except (OSError, subprocess.CalledProcessError):
        rev = None
    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "loadavg": os.getloadavg(),
        "git_head": rev,
        "chromium": chromium_version,
        "packages": {
            d: v(d) for d in ("mi-toolkit", "voila", "ipywidgets", "ipykernel", "playwright")
        },
        "args": vars(args),
    }


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rounds", type=int, default=5, help="measured browser rounds (+1 warm-up)"
    )
    parser.add_argument(
        "--import-repeats", type=int, default=10, help="timed subprocesses per import (+1 warm-up)"
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=0.5,
        help="seconds to wait after the widget is visible before reading kernel RSS",
    )
    parser.add_argument("--timeout", type=float, default=120, help="per-page timeout, seconds")
    parser.add_argument("--no-json", action="store_true", help="do not write the JSON results")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.import_repeats < 1:
        parser.error("--rounds and --import-repeats must be at least 1")

    started = datetime.now(UTC)
    print(f"import times: {args.import_repeats} fresh subprocesses per module (+1 warm-up)")
    imports = {}
    for module in ("ipywidgets", "mi_toolkit", "mi_toolkit.widgets"):
        imports[module] = time_import(module, args.import_repeats)
        print(f"  import {module:<20} median {statistics.median(imports[module]) * 1000:7.1f} ms")

    with tempfile.TemporaryDirectory(prefix="mi-bench-") as tmp:
        folder = Path(tmp)
        write_notebooks(folder)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        log_path = folder.parent / f"{folder.name}-voila.log"
        server = start_server(folder, port, log_path)
        try:
            ready_s = wait_for_http_200(f"{base_url}/", server, timeout=60)
            print(f"server up on {base_url} (pid {server.pid}) after {ready_s:.2f} s")
            print(f"browser: {args.rounds} rounds (+1 warm-up, dropped), notebooks alternate")
            browser_res = run_browser_rounds(
                base_url, server.pid, args.rounds, args.settle, args.timeout
            )
        except Exception:
            print(f"--- server log ({log_path}) ---", file=sys.stderr)
            print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
            raise
        finally:
            leftover = kernel_children(server.pid) if server.poll() is None else {}
            stop_server(server)
            for pid, start_ticks in leftover.items():
                # a kernel this server started and left behind: same pid *and* start time
                fields = _stat_fields(pid)
                if fields and fields[0] != "Z" and int(fields[19]) == start_ticks:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            log_path.unlink(missing_ok=True)

    rows = build_rows(browser_res, imports)
    print_table(rows)
    not_stopped = [s for s in browser_res["samples"] if s["kernel_shutdown_s"] is None]
    if not_stopped:
        print(f"warning: {len(not_stopped)} kernel(s) did not stop after page.close")

    if not args.no_json:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / f"first_widget-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
        result = {
            "benchmark": "first_widget",
            "started_utc": started.isoformat(),
            "environment": environment(args, browser_res["chromium_version"]),
            "server_ready_s": ready_s,
            "table": rows,
            "imports_s": imports,
            "browser_samples": browser_res["samples"],
            "browser_warmup": browser_res["warmup"],
        }
        out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"results written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
