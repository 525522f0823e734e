"""Benchmark: 100 real-browser open/close cycles of a lesson on ``mi-toolkit serve``.

Does a class of learners opening, reloading and closing a lesson leave kernels
or memory behind? Two variants, each on its own ``mi-toolkit serve`` (started
with ``python -m mi_toolkit serve --root ROOT``) whose root holds a copy of one
lesson (default ``07_readiness_rulers.ipynb``), so its preheated pool is one
kernel (the default pool size):

1. **closed with beforeunload** (serve's defaults: pool on, culling after 600 s
   idle): each cycle opens a new page in one browser context at
   ``/voila/render/<lesson>?learner=cycle-N``, waits for the first toolkit widget
   (the LessonBar's name box) and closes it with
   ``page.close(run_before_unload=True)``, which sends Voila's shutdown request,
   waiting for the page's ``close`` event. Cycles follow each other at once.
2. **closed without beforeunload** (``run_before_unload=False``, like a crashed
   browser or a phone that drops the tab), with ``--cull-idle-timeout 20
   --cull-interval 5``: no shutdown request arrives, so the kernels stay until
   the culler stops them.

For each variant it prints the kernels (the server's ``ipykernel_launcher``
children, from ``/proc``) at the start (the full, idle pool; see
``_bench_common.wait_pool_ready``), at the peak and at the end, after waiting
for shutdowns and culling; the server's RSS and the kernels' summed RSS at the
same three points (sampled every 0.25 s in a thread while cycling); the time per
cycle; how many pages got the pooled kernel (Voila's "Using pre-heated kernel"
log lines); and, for the second variant, the kernel count over time while the
culler works. The end count must be at most the pool plus the kernels not yet
culled (for variant 1: the pool).

Run: ``.venv/bin/python benchmarks/bench_open_close.py`` (``--quick``: 20 cycles).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _bench_common as bc

POOL = 1  # serve's default pool size; one notebook in the root


class Sampler(threading.Thread):
    """Kernel count, server RSS and the kernels' summed RSS, every ``interval`` s."""

    def __init__(self, server: bc.Server, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.samples: list[dict[str, float]] = []
        self._stop_event = threading.Event()
        self._t0 = time.perf_counter()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.samples.append(snapshot(self.server, time.perf_counter() - self._t0))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=10)

    def peak(self) -> dict[str, float]:
        keys = ("kernels", "server_rss_mib", "kernels_rss_mib")
        return {k: max(s[k] for s in self.samples) for k in keys}


def snapshot(server: bc.Server, t: float = 0.0) -> dict[str, float]:
    kernels = server.kernels()
    return {
        "t": round(t, 2),
        "kernels": len(kernels),
        "server_rss_mib": server.rss_mib(),
        "kernels_rss_mib": sum(bc.rss_mib(pid) for pid in kernels),
    }


def run_variant(
    browser: Any, tmp: Path, name: str, before_unload: bool, args: argparse.Namespace
) -> dict[str, Any]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    label = "with beforeunload" if before_unload else "without beforeunload"
    root = tmp / f"root-{int(before_unload)}"
    root.mkdir()
    shutil.copy2(bc.NOTEBOOKS / name, root / name)
    extra = [] if before_unload else ["--cull-idle-timeout", "20", "--cull-interval", "5"]
    server = bc.Server.toolkit(root, tmp / f"run-{int(before_unload)}", *extra).start()
    out: dict[str, Any] = {"variant": label, "serve_args": extra, "cycles": []}
    try:
        try:
            out["pool_ready"] = bc.wait_pool_ready(server, POOL, quiet=args.quiet)
        except TimeoutError as exc:  # a busy machine: start anyway, and say so
            out["pool_ready"] = None
            print(f"  warning: {str(exc).splitlines()[0]}; starting anyway", flush=True)
        out["start"] = snapshot(server)
        out["load_start"] = bc.loadavg()
        print(
            f"{label}: {args.cycles} cycles on {server.url} ({' '.join(extra) or 'defaults'}); "
            f"pool ready, {out['start']['kernels']} kernel(s); load {out['load_start']}",
            flush=True,
        )
        sampler = Sampler(server)
        sampler.start()
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(args.timeout * 1000)
        t_cycles = time.perf_counter()
        failed_logs: list[str] = []
        out["failed_page_logs"] = failed_logs
        try:
            for i in range(1, args.cycles + 1):
                start = time.perf_counter()
                page = context.new_page()
                page.goto(
                    f"{server.url}/voila/render/{name}?learner=cycle-{i}", wait_until="commit"
                )
                try:
                    page.locator(bc.LESSON_SELECTOR).wait_for(state="visible")
                    shown = time.perf_counter() - start
                except PlaywrightTimeout as exc:  # counted and reported, the run goes on
                    shown = None
                    print(f"  cycle {i}: no widget after {args.timeout:.0f} s ({exc})"[:300])
                    failed_logs.append(server.log()[-3000:])
                bc.close_page(page, run_before_unload=before_unload)
                out["cycles"].append(
                    {"first_widget_s": shown, "cycle_s": time.perf_counter() - start}
                )
                if i % 10 == 0:
                    print(
                        f"  cycle {i:3d}: {out['cycles'][-1]['cycle_s']:5.2f} s, "
                        f"{len(server.kernels())} kernels",
                        flush=True,
                    )
        finally:
            context.close()
        out["cycling_s"] = time.perf_counter() - t_cycles
        out["after_cycles"] = snapshot(server)
        # Shutdowns (variant 1) or culling (variant 2): wait for the pool alone.
        timeline = [out["after_cycles"]]
        t_wait = time.perf_counter()
        while time.perf_counter() - t_wait < args.end_wait:
            time.sleep(1.0)
            snap = snapshot(server, time.perf_counter() - t_wait)
            if snap["kernels"] != timeline[-1]["kernels"]:
                timeline.append(snap)
            if snap["kernels"] <= POOL:
                break
        out["returned_after_s"] = time.perf_counter() - t_wait
        out["timeline"] = timeline
        try:
            bc.wait_pool_ready(server, POOL, timeout=60, quiet=args.quiet)
        except TimeoutError as exc:
            out["not_idle"] = str(exc).splitlines()[0]
        sampler.stop()
        out["peak"] = sampler.peak()
        out["samples"] = sampler.samples[::8]  # every 2 s: the server's RSS over the run
        out["end"] = snapshot(server)
        log = server.log()
        out["log"] = {
            "pages_from_pool": log.count(bc.POOL_USED),
            "kernels_started": log.count("Kernel started:"),
            "kernel_shutdowns": log.count("Kernel shutdown:"),
            "culled": log.count("Culling '"),
            "refused_shutdowns_403": len(bc.REFUSED_SHUTDOWN.findall(log)),
            "xsrf_missing": log.count("'_xsrf' argument missing"),
        }
        out["load_end"] = bc.loadavg()
    except BaseException:
        server.stop(failed=True)
        raise
    finally:
        server.stop()
    return out


def report(res: list[dict[str, Any]]) -> None:
    for v in res:
        cyc = v["cycles"]
        s, p, e = v["start"], v["peak"], v["end"]
        ok = e["kernels"] <= POOL
        print(
            f"\n{v['variant']} ({len(cyc)} cycles, serve {' '.join(v['serve_args']) or 'defaults'};"
            f" load {v['load_start']} -> {v['load_end']})"
        )
        print(f"  {'':<22} {'start':>8} {'peak':>8} {'end':>8}")
        print(f"  {'kernels':<22} {s['kernels']:8d} {p['kernels']:8d} {e['kernels']:8d}")
        for key, what in (
            ("server_rss_mib", "server RSS (MiB)"),
            ("kernels_rss_mib", "kernels RSS (MiB)"),
        ):
            print(f"  {what:<22} {s[key]:8.1f} {p[key]:8.1f} {e[key]:8.1f}")
        times = [c["cycle_s"] for c in cyc]
        shown = [c["first_widget_s"] for c in cyc if c["first_widget_s"] is not None]
        if len(shown) < len(cyc):
            print(f"  PAGES THAT NEVER SHOWED THE WIDGET: {len(cyc) - len(shown)} (log in JSON)")
        print(
            f"  time per cycle: median {bc.median(times):.2f} s, min {min(times):.2f} s, "
            f"max {max(times):.2f} s, mean {sum(times) / len(times):.2f} s "
            f"(first widget median {bc.fmt(bc.median(shown))} s); all cycles {v['cycling_s']:.0f} s"
        )
        print(
            f"  after the last close: {v['after_cycles']['kernels']} kernels; "
            f"{e['kernels']} after {v['returned_after_s']:.0f} s "
            f"({'ok: the pool alone' if ok else f'NOT OK: pool is {POOL}'})"
        )
        if len(v["timeline"]) > 1:
            steps = ", ".join(f"{t['kernels']} at +{t['t']:.0f} s" for t in v["timeline"])
            print(f"  kernels while waiting: {steps}")
        print(f"  server log: {v['log']}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lesson", default="07", help="lesson number (default 07)")
    p.add_argument("--cycles", type=int, default=100, help="open/close cycles per variant")
    p.add_argument("--end-wait", type=float, default=120, help="max s to wait for the pool alone")
    p.add_argument("--quiet", type=float, default=1.0, help="s of idle CPU = pool ready")
    p.add_argument("--timeout", type=float, default=180, help="per-page timeout, s")
    p.add_argument("--only", choices=("unload", "crash"), help="run one variant")
    p.add_argument("--quick", action="store_true", help="20 cycles")
    p.add_argument("--json", type=Path, help="write results here (default benchmarks/results/)")
    p.add_argument("--no-json", action="store_true", help="print only")
    args = p.parse_args(argv)
    if args.quick:
        args.cycles = 20
    (name,) = bc.lesson_notebooks(args.lesson)
    started = datetime.now(UTC)
    variants = [v for v in (True, False) if args.only != ("crash" if v else "unload")]

    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory(prefix="mi-openclose-") as tmp, sync_playwright() as pw:
        browser = bc.launch_browser(pw)
        try:
            version = browser.version
            for before_unload in variants:
                results.append(run_variant(browser, Path(tmp), name, before_unload, args))
                report(results[-1:])  # each variant as soon as it is done
                if not args.no_json:
                    result = {
                        "benchmark": "open_close",
                        "started_utc": started.isoformat(),
                        "environment": bc.environment(args, version),
                        "variants": results,
                    }
                    stamp = started.strftime("%Y%m%dT%H%M%SZ")
                    out = bc.write_json(result, args.json, "open_close", stamp)
                    print(f"results written to {out}")
        finally:
            browser.close()
    print(
        f"\nlesson {name}; pool size {POOL}; {os.cpu_count()} cores shared with other work "
        f"(load averages above): compare the kernel counts and memory, times are noisy."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
