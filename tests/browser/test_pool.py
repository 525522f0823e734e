"""``mi-toolkit serve``'s preheated kernel pool, as a learner meets it.

A pooled kernel runs the lesson before anyone asks for it, so it must still
learn who the learner is (``?learner=``), the page must still get the ``_xsrf``
cookie its close request needs, and open/close cycles must not pile kernels up
or keep memory: the pool is refilled, each closed page's kernel is shut down.
"""

from __future__ import annotations

import re
import shutil
import sys
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import NOTEBOOKS, VoilaServer, wait_until
from tests.browser.test_lesson_rulers import LESSON, rate, ruler

POOL = 1
CYCLES = 20  # benchmarks/bench_open_close.py runs 100 and prints the figures


@pytest.fixture(scope="module")
def pooled(tmp_path_factory: pytest.TempPathFactory, chromium_path: str):
    if not sys.platform.startswith("linux"):
        pytest.skip("reads kernel processes from /proc (Linux only)")
    root = tmp_path_factory.mktemp("pool-root")
    shutil.copy(NOTEBOOKS / LESSON, root / LESSON)  # one notebook: a pool of one kernel
    server = VoilaServer(root, tmp_path_factory.mktemp("pool"), f"--pool-size={POOL}")
    try:
        assert wait_until(lambda: len(server.kernel_pids()) == POOL, timeout=90), server.log()
        yield server
    finally:
        server.stop()


def _rss_mib(pids: set[int]) -> float:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += int(
            next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]
        )
    return total / 1024


def _open(page: Page, server: VoilaServer, learner: str) -> None:
    page.goto(server.lesson_url(LESSON) + f"?learner={learner}")
    page.locator(".mi-readiness-ruler").wait_for(state="visible")


def test_a_pooled_page_knows_its_learner_sets_the_cookie_and_stops_on_close(
    browser, pooled: VoilaServer
) -> None:
    learner = f"pool-{uuid.uuid4().hex[:8]}"
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(120_000)
        pool_kernels = pooled.kernel_pids()
        _open(page, pooled, learner)
        # The page got the kernel that was waiting, and it learnt the name from the URL.
        assert pooled.kernel_pids() & pool_kernels
        expect(page.get_by_label("Your name")).to_have_value(learner)
        assert "_xsrf" in {cookie["name"] for cookie in context.cookies()}
        rate(page, "Importance", 7)
        expect(page.locator(".mi-follow-up")).to_contain_text("from 7 to 8")
        page.wait_for_timeout(1500)  # the debounced save

        page.reload()  # the reloaded page is a new kernel that finds the saved work
        page.locator(".mi-readiness-ruler").wait_for(state="visible")
        expect(ruler(page, "Importance")).to_have_value("7")
        page.close(run_before_unload=True)
        # The pool is refilled and the closed pages' kernels are gone: POOL left.
        assert wait_until(lambda: len(pooled.kernel_pids()) == POOL, timeout=60), pooled.log()
    finally:
        context.close()
    log = pooled.log()
    assert "_xsrf' argument missing" not in log
    # The used kernel was replaced once its page had connected, not while it loaded.
    used = re.search(r"Using pre-heated kernel: (\S+)", log)
    assert used, log
    after = log[used.end() :]
    connected = after.find(f"Connecting to kernel {used.group(1)}")
    replaced = after.find("Kernel started:")
    assert 0 <= connected < replaced, log
    assert "Replacing the pooled kernel of" in after[connected:replaced], log


def test_open_close_cycles_leave_only_the_pool_and_give_memory_back(
    browser, pooled: VoilaServer
) -> None:
    assert wait_until(lambda: len(pooled.kernel_pids()) == POOL, timeout=60)
    kernels_before = _rss_mib(pooled.kernel_pids())
    server_before = _rss_mib({pooled.proc.pid})
    context = browser.new_context()
    try:
        for _ in range(CYCLES):
            page = context.new_page()
            page.set_default_timeout(120_000)
            _open(page, pooled, f"cycle-{uuid.uuid4().hex[:8]}")
            page.close(run_before_unload=True)
    finally:
        context.close()
    assert wait_until(lambda: len(pooled.kernel_pids()) == POOL, timeout=90), (
        f"{len(pooled.kernel_pids())} kernels after {CYCLES} cycles\n{pooled.log()}"
    )
    # Same number of kernels as before, so about the same memory (a fresh pool
    # kernel is the same size as the one it replaced) ...
    assert _rss_mib(pooled.kernel_pids()) < kernels_before * 1.25 + 10
    # ... and the server did not keep the pages: a generous bound, the growth
    # over 20 pages was ~5 MiB when measured (bench_open_close.py prints it).
    assert _rss_mib({pooled.proc.pid}) < server_before + 60
