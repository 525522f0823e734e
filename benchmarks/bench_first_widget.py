"""Benchmark: what the lessons cost against plain ipywidgets notebooks and plain Voila.

One run prints, side by side, as ratios with their targets:

(A) Import time (fresh ``python -c`` per run; ``time.perf_counter`` around the
    statement only): ``import mi_toolkit`` and each lesson's import cell (its
    first code cell, run with ``exec``) against ``import ipywidgets``. The
    statements are run round-robin (the order rotates each repeat), one untimed
    warm-up repeat first; medians. Each run also reports whether ``matplotlib`` is
    in ``sys.modules`` afterwards: it must not be (charts import it when drawn).

(B) Time to first widget and kernel RSS, one ``mi-toolkit serve --pool-size 0``
    server (every page starts its own kernel, like the baseline), serving a copy
    of ``notebooks/`` and the baseline notebooks. Headless Chromium, a fresh
    browser context per load, ``?learner=`` unique. Time: ``page.goto`` until the
    first toolkit widget is visible (the LessonBar's ``.mi-learner-name`` input)
    or, for the trivial notebook, its ``.widget-slider``. Each round loads every
    chosen lesson paired with the trivial notebook, the pair's order alternating;
    round 0 is a warm-up (dropped) that loads each notebook once and also counts its
    traffic (D). Median and min; the ratio divides by the median (min) over all the
    trivial loads of the run. Kernel RSS (``VmRSS`` of the page's kernel, the new
    ``ipykernel_launcher`` child of the server) is read ``--settle`` s after the
    widget shows; so is the kernel's CPU time since it started and the server's CPU
    time from the request until the widget showed (``/proc/PID/stat``): CPU
    seconds move far less with the machine's load than wall time. Then the page
    is closed with ``run_before_unload=True`` and the kernel's exit awaited
    before the next load.

(C) Kernel RSS after a chart: lesson 07 after two recorded ratings and lesson 11
    after coding the sample transcript (until ``.mi-chart img`` is visible),
    paired and alternating with a plain ipywidgets + matplotlib notebook (pyplot,
    one figure in an ``Output``), read once its image is visible.

(D) Bytes: in the warm-up round, Playwright's ``requestfinished`` requests
    (``request.sizes()``: response headers + encoded body) and the kernel
    websocket's received frames, until the widget shows and the network is idle;
    in those frames, the widget models whose state arrived (each names its
    ``_model_name`` once) and the copies of the toolkit's stylesheets; and the
    ``<style>`` copies of them in the page (each toolkit widget shows the one
    shared stylesheet model).

(E) ``mi-toolkit serve`` with its defaults (a preheated pool, 1 kernel per
    notebook, over a copy of all of ``notebooks/``) against plain
    ``python -m voila DIR --no-browser --port P --Voila.ip=127.0.0.1`` serving the
    trivial notebook. Both servers run; before every load the benchmark waits until
    the toolkit server has its full pool and it and its kernels are idle (see
    ``_bench_common.wait_pool_ready``), then ``--gap`` seconds more, so each pooled
    load finds a refilled pool and no refill competes with the other server's load.
    Also printed: the idle memory the pool holds.

The machine is shared and noisy: compare ratios, not absolute times. The load
average is recorded before and after each part.

Run: ``.venv/bin/python benchmarks/bench_first_widget.py`` (``--quick`` for a short run).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _bench_common as bc
from _first_widget_report import report

CHART_SELECTOR = ".mi-chart img"
IMPORT_CODE = (
    "import json, sys, time\n"
    "t, c = time.perf_counter(), time.process_time()\n"
    "exec(compile(sys.argv[1], '<import cell>', 'exec'), {})\n"
    "dt, dc = time.perf_counter() - t, time.process_time() - c\n"
    "mpl = sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib')\n"
    "print(json.dumps({'s': dt, 'cpu_s': dc, 'matplotlib': mpl}))"
)


def draw_07(page: Any) -> None:
    """Two recorded ratings: the history chart."""
    from playwright.sync_api import expect

    page.get_by_label("The change", exact=True).fill("walk to work")
    for n, value in enumerate((6, 8), start=1):
        page.get_by_label("Importance", exact=True).select_option(index=value + 1)
        page.get_by_role("button", name="Record these ratings").click()
        expect(page.locator(".mi-readiness-ruler .mi-status")).to_contain_text(
            f"{n} recorded", timeout=120_000
        )


def draw_11(page: Any) -> None:
    """Code the sample transcript: the MITI summary chart."""
    page.get_by_role("button", name="Use the sample transcript").click()
    page.get_by_role("button", name="Code the transcript").click()


CHARTS: dict[str, Callable[[Any], None]] = {"07": draw_07, "11": draw_11}


# ---------------------------------------------------------------- (A) imports


def time_imports(lessons: list[str], repeats: int) -> dict[str, Any]:
    statements = {"ipywidgets": "import ipywidgets", "mi_toolkit": "import mi_toolkit"}
    for name in lessons:
        statements[name[:2] + " import cell"] = bc.import_cell(bc.NOTEBOOKS / name)
    labels = list(statements)
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label in labels}
    # An empty folder as the working directory: ``python -c`` puts it first on
    # sys.path, and neither the checkout nor a shared /tmp full of scripts belongs there.
    with tempfile.TemporaryDirectory(prefix="mi-bench-imports-") as cwd:
        for rep in range(repeats + 1):  # repeat 0: untimed warm-up (page cache, .pyc files)
            shift = rep % len(labels)
            for label in labels[shift:] + labels[:shift]:
                out = subprocess.run(
                    [sys.executable, "-c", IMPORT_CODE, statements[label]],
                    cwd=cwd,
                    env={**os.environ, "JUPYTER_PLATFORM_DIRS": "1"},
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                if rep:
                    runs[label].append(json.loads(out.strip().splitlines()[-1]))
    return {"statements": statements, "runs": runs}


# ---------------------------------------------------------------- (B)-(D) pool 0


def measure_load(
    browser: Any,
    server: bc.Server,
    path: str,
    selector: str,
    args: argparse.Namespace,
    *,
    draw: Callable[[Any], None] | None = None,
    count_traffic: bool = False,
    css: dict[str, str] | None = None,
) -> dict[str, Any]:
    before = server.kernels()
    url = f"{server.url}/voila/render/{path}?learner=bench-{uuid.uuid4().hex[:10]}"
    server_ticks = bc.cpu_ticks(server.pid)
    op = bc.open_page(browser, url, selector, args.timeout, count_traffic=count_traffic)
    server_ticks = bc.cpu_ticks(server.pid) - server_ticks
    kernel = None
    try:
        sample: dict[str, Any] = {"notebook": path, "first_widget_s": op.first_widget_s}
        sample["nav_ms"] = op.navigation()
        # CPU seconds, far less hit by the machine's load than wall time: the server's
        # from the request until the widget showed, the kernel's from its start.
        sample["server_cpu_s"] = server_ticks / bc.CLK_TCK
        time.sleep(args.settle)
        new = {pid: st for pid, st in server.kernels().items() if pid not in before}
        if not new:
            raise RuntimeError(f"no new kernel for {path}: is the pool off?")
        kernel = max(new, key=lambda pid: (new[pid], pid))
        sample["kernel_cpu_s"] = bc.cpu_ticks(kernel) / bc.CLK_TCK
        sample["kernel_rss_mib"] = bc.rss_mib(kernel)
        sample["matplotlib_mapped"] = bc.maps_matplotlib(kernel)
        if draw is not None:
            start = time.perf_counter()
            draw(op.page)
            op.page.locator(CHART_SELECTOR).first.wait_for(state="visible")
            sample["draw_s"] = time.perf_counter() - start
            time.sleep(args.settle)
            sample["plot_rss_mib"] = bc.rss_mib(kernel)
            sample["plot_matplotlib_mapped"] = bc.maps_matplotlib(kernel)
        if op.traffic is not None:
            try:
                op.page.wait_for_load_state("networkidle", timeout=15_000)
            except Exception:  # noqa: BLE001 - count what arrived
                sample["networkidle"] = False
            sample["traffic"] = op.traffic.summary()
            sample["css_copies"] = op.page.evaluate(
                "(css) => Array.from(document.querySelectorAll('style'))"
                ".map(s => s.textContent).filter(t => css.includes(t)).length",
                list((css or {}).values()),
            )
    finally:
        op.close(run_before_unload=True)
    sample["kernel_shutdown_s"] = bc.wait_for_exit(kernel, 20) if kernel else None
    return sample


def run_unpooled(browser: Any, tmp: Path, lessons: list[str], args: argparse.Namespace) -> dict:
    root = tmp / "all"
    bc.copy_lessons(root / "lessons")
    bc.write_baselines(root / "baselines")
    css = {n: (bc.ROOT / "mi_toolkit/content" / n).read_text() for n in ("style.css",)}
    css["curriculum.css"] = (bc.ROOT / "mi_toolkit/content/curriculum.css").read_text()
    trivial = ("baselines/" + bc.TRIVIAL, bc.TRIVIAL_SELECTOR)
    mpl = ("baselines/" + bc.PLAIN_MPL, bc.PLAIN_MPL_SELECTOR)
    server = bc.Server.toolkit(root, tmp / "run-unpooled", "--pool-size", "0").start()
    out: dict[str, Any] = {"server_ready_s": server.ready_s, "warmup": [], "pairs": []}
    out["charts"] = []
    try:
        print(f"(B-D) mi-toolkit serve --pool-size 0 on {server.url}, load {bc.loadavg()}")
        for path, sel in [trivial, mpl] + [("lessons/" + n, bc.LESSON_SELECTOR) for n in lessons]:
            s = measure_load(browser, server, path, sel, args, count_traffic=True, css=css)
            out["warmup"].append(s)
            t = s["traffic"]
            print(
                f"  warm-up {path:<44} {s['first_widget_s']:6.2f} s  {t['requests']:3d} req"
                f"  {t['http_received_bytes'] / 1024:7.0f} KiB http"
                f"  {t['ws_received_bytes'] / 1024:6.0f} KiB ws",
                flush=True,
            )
        for rnd in range(1, args.rounds + 1):
            for i, name in enumerate(lessons):
                pair = [("lessons/" + name, bc.LESSON_SELECTOR), trivial]
                if (rnd + i) % 2:
                    pair.reverse()
                for path, sel in pair:
                    s = measure_load(browser, server, path, sel, args)
                    s["round"] = rnd
                    out["pairs"].append(s)
                    print(
                        f"  round {rnd}/{args.rounds} {path:<40} {s['first_widget_s']:6.2f} s"
                        f"  RSS {s['kernel_rss_mib']:5.1f} MiB",
                        flush=True,
                    )
        charted = [n for n in lessons if n[:2] in CHARTS]
        for rnd in range(1, args.rounds + 1 if charted else 1):
            for i, name in enumerate(charted):
                lesson = ("lessons/" + name, bc.LESSON_SELECTOR, CHARTS[name[:2]])
                pair = [lesson, (*mpl, None)]
                if (rnd + i) % 2:
                    pair.reverse()
                for path, sel, draw in pair:
                    s = measure_load(browser, server, path, sel, args, draw=draw)
                    s["round"] = rnd
                    out["charts"].append(s)
                    rss = s.get("plot_rss_mib", s["kernel_rss_mib"])
                    print(f"  chart {rnd}/{args.rounds} {path:<40} RSS {rss:5.1f} MiB", flush=True)
    except BaseException:
        server.stop(failed=True)
        raise
    finally:
        server.stop()
    out["load_after"] = bc.loadavg()
    return out


# ---------------------------------------------------------------- (E) pooled vs plain voila


def run_pooled(browser: Any, tmp: Path, pooled: list[str], args: argparse.Namespace) -> dict:
    bc.copy_lessons(tmp / "pool-lessons")
    bc.write_baselines(tmp / "plain-root")
    notebooks = len(list((tmp / "pool-lessons").rglob("*.ipynb")))
    expected = notebooks * 1  # the default pool size
    serve = bc.Server.toolkit(tmp / "pool-lessons", tmp / "run-pooled")  # defaults
    plain = bc.Server.plain_voila(tmp / "plain-root", tmp / "run-plain")
    out: dict[str, Any] = {"notebooks": notebooks, "pool_kernels": expected, "loads": []}
    try:
        serve.start()
        plain.start()
        ready = bc.wait_pool_ready(serve, expected, timeout=600, quiet=args.quiet)
        out["pool_ready"] = ready
        kernels = serve.kernels()
        out["pool_rss_mib"] = {str(pid): bc.rss_mib(pid) for pid in kernels}
        out["serve_rss_mib"] = serve.rss_mib()
        print(
            f"(E) pool ready after {ready['waited_s']:.0f} s: {len(kernels)} kernels "
            f"({ready['filled_log_lines']} 'is filled' log lines), "
            f"{sum(out['pool_rss_mib'].values()):.0f} MiB idle; load {bc.loadavg()}",
            flush=True,
        )
        for rnd in range(args.pool_rounds + 1):  # round 0: warm-up, dropped
            for i, name in enumerate(pooled):
                pair = [("serve", name), ("plain", bc.TRIVIAL)]
                if (rnd + i) % 2:
                    pair.reverse()
                for which, path in pair:
                    s = pooled_load(browser, serve, plain, which, path, expected, args)
                    s["round"] = rnd
                    out["loads"].append(s)
                    label = "warm-up" if rnd == 0 else f"round {rnd}/{args.pool_rounds}"
                    pool = "" if which == "plain" else f"  from pool: {s['from_pool']}"
                    print(
                        f"  {label:<11} {which:<5} {path:<32} {s['first_widget_s']:6.2f} s{pool}"
                        f"  (waited {s['pool_wait_s']:.1f} s for the pool)",
                        flush=True,
                    )
        out["plain_kernels_left"] = len(plain.kernels())
        out["plain_refused_shutdowns"] = len(bc.REFUSED_SHUTDOWN.findall(plain.log()))
    except BaseException:
        serve.stop(failed=True)
        plain.stop(failed=True)
        raise
    finally:
        serve.stop()
        plain.stop()
    out["load_after"] = bc.loadavg()
    return out


def pooled_load(
    browser: Any,
    serve: bc.Server,
    plain: bc.Server,
    which: str,
    path: str,
    expected: int,
    args: argparse.Namespace,
) -> dict[str, Any]:
    wait = bc.wait_pool_ready(serve, expected, quiet=args.quiet)["waited_s"]
    time.sleep(args.gap)
    server, selector = (serve, bc.LESSON_SELECTOR) if which == "serve" else (plain, None)
    selector = selector or bc.TRIVIAL_SELECTOR
    used = serve.pool_used_count()
    url = f"{server.url}/voila/render/{path}?learner=bench-{uuid.uuid4().hex[:10]}"
    op = bc.open_page(browser, url, selector, args.timeout)
    nav = op.navigation()
    op.close(run_before_unload=True)
    return {
        "server": which,
        "notebook": path,
        "first_widget_s": op.first_widget_s,
        "nav_ms": nav,
        "from_pool": serve.pool_used_count() > used if which == "serve" else None,
        "pool_wait_s": wait + args.gap,
    }


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lessons", help="lesson numbers, e.g. 07,11 (default: every NN_ lesson)")
    p.add_argument("--rounds", type=int, default=5, help="measured rounds for (B) and (C)")
    p.add_argument("--pool-rounds", type=int, default=5, help="measured rounds for (E)")
    p.add_argument("--pooled-lessons", default="07", help="lessons measured in (E)")
    p.add_argument("--import-repeats", type=int, default=10, help="fresh interpreters each")
    p.add_argument("--settle", type=float, default=0.5, help="s after a widget shows, for RSS")
    p.add_argument("--gap", type=float, default=3.0, help="(E): s between loads, pool refilled")
    p.add_argument("--quiet", type=float, default=1.0, help="(E): s of idle CPU = pool ready")
    p.add_argument("--timeout", type=float, default=180, help="per-page timeout, s")
    p.add_argument(
        "--parts",
        default="imports,pages,pool",
        help="what to run: imports (A), pages (B-D), pool (E); default all",
    )
    p.add_argument("--quick", action="store_true", help="07,11; 2 rounds; 3 import repeats")
    p.add_argument("--json", type=Path, help="write results here (default benchmarks/results/)")
    p.add_argument("--no-json", action="store_true", help="print only")
    args = p.parse_args(argv)
    if args.quick:
        args.rounds, args.pool_rounds, args.import_repeats = 2, 2, 3
        args.lessons = args.lessons or "07,11"
    if min(args.rounds, args.pool_rounds, args.import_repeats) < 1:
        p.error("rounds and repeats must be at least 1")
    parts = {x.strip() for x in args.parts.split(",")}
    if not parts or parts - {"imports", "pages", "pool"}:
        p.error("--parts takes imports, pages and pool, comma-separated")
    lessons = bc.lesson_notebooks(args.lessons)
    pooled = bc.lesson_notebooks(args.pooled_lessons)
    started = datetime.now(UTC)
    res: dict[str, Any] = {"benchmark": "first_widget", "started_utc": started.isoformat()}
    res["args"] = vars(args)
    res["css"] = ["style.css", "curriculum.css"]
    res["load"] = {"start": bc.loadavg()}
    print(f"lessons: {', '.join(n[:2] for n in lessons)}; load average {bc.loadavg()}")
    res["imports"] = res["unpooled"] = res["pooled"] = None
    version = None
    if "imports" in parts:
        print(f"(A) imports: {args.import_repeats} fresh interpreters each (+1 warm-up)")
        res["imports"] = time_imports(lessons, args.import_repeats)
        res["load"]["after_imports"] = bc.loadavg()
    if parts & {"pages", "pool"}:
        from playwright.sync_api import sync_playwright

        with tempfile.TemporaryDirectory(prefix="mi-bench-") as tmp, sync_playwright() as pw:
            browser = bc.launch_browser(pw)
            try:
                version = browser.version
                if "pages" in parts:
                    res["unpooled"] = run_unpooled(browser, Path(tmp), lessons, args)
                    res["load"]["after_pages"] = res["unpooled"]["load_after"]
                if "pool" in parts:
                    res["pooled"] = run_pooled(browser, Path(tmp), pooled, args)
            finally:
                browser.close()
    res["load"]["end"] = bc.loadavg()
    res["table"] = report(res, lessons, pooled)
    print(
        f"\nload average (1, 5, 15 min): {res['load']} on {os.cpu_count()} cores. Other work "
        "shares this machine: the compared sides were measured alternately, so compare ratios."
    )
    res["environment"] = bc.environment(args, version)
    if not args.no_json:
        out = bc.write_json(res, args.json, "first_widget", started.strftime("%Y%m%dT%H%M%SZ"))
        print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
