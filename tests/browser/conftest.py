"""Fixtures for the browser suite: a real Voila server and the system Chromium.

Chromium is Debian's ``chromium`` (``playwright install`` cannot download a
browser here). Without it the suite skips locally, with a message saying how to
get it; in CI (``CI=true``) a missing browser fails the run instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
# Short culling so the culling test finishes quickly; pages that stay open are
# connected and must survive it (tested).
CULL_IDLE_TIMEOUT = 30  # test_kernels.py's server only
CULL_INTERVAL = 3
PAGE_TIMEOUT_MS = 120_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class VoilaServer:
    """A ``mi-toolkit serve`` process on 127.0.0.1 and a free port."""

    def __init__(self, root: Path, workdir: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"voila-{self.port}.log"
        env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1", "PYTHONUNBUFFERED": "1"}
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mi_toolkit",
                "serve",
                "--root",
                str(root),
                "--port",
                str(self.port),
                "--ip",
                "127.0.0.1",
                # No preheated pool unless a test asks for one: pooled kernels
                # would muddle the tests that count a page's kernels.
                *([] if any(arg.startswith("--pool-size") for arg in extra) else ["--pool-size=0"]),
                *extra,
            ],
            cwd=workdir,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Voila exited early:\n{self.log()}")
            try:
                # Voila's file list: "/" redirects to the start page, which would
                # start a kernel
                with urllib.request.urlopen(self.url + "/voila/tree", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        raise RuntimeError(f"Voila did not start in {timeout}s:\n{self.log()}")

    def lesson_url(self, name: str) -> str:
        return f"{self.url}/voila/render/{name}"

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def kernel_pids(self) -> set[int]:
        """PIDs of the kernels this server started (its ipykernel children)."""
        pids = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.proc.pid and b"ipykernel_launcher" in cmdline:
                pids.add(int(entry.name))
        return pids

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._log.close()


@pytest.fixture(scope="session")
def voila(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[VoilaServer]:
    if not sys.platform.startswith("linux"):
        pytest.skip("the browser suite reads kernel processes from /proc (Linux only)")
    workdir = tmp_path_factory.mktemp("voila")
    # mi-toolkit serve's own culling defaults: a short idle timeout here would cull
    # a kernel whose page is slow to connect on a busy machine (test_kernels.py
    # starts its own server with a short one).
    server = VoilaServer(NOTEBOOKS, workdir)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def wait_until(predicate, timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
