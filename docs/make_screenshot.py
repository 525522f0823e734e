"""Regenerate docs/screenshot.png: the readiness-ruler lesson, worked, in Voila.

.venv/bin/python docs/make_screenshot.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PORT = 8876
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def main() -> None:
    journal = tempfile.mkdtemp(prefix="mi-screenshot-")  # not the real learner journal
    server = subprocess.Popen(
        [sys.executable, "-m", "mi_toolkit", "serve", "--port", str(PORT)],
        cwd=ROOT,
        env={**os.environ, "MI_TOOLKIT_DATA_DIR": journal},
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            page = browser.new_page(viewport={"width": 900, "height": 2400})
            page.goto(
                f"http://127.0.0.1:{PORT}/voila/render/07_readiness_rulers.ipynb?learner=screenshot"
            )
            page.locator(".mi-readiness-ruler").wait_for(timeout=120_000)
            page.get_by_label("The change").fill("walk to work twice a week")
            ratings = {"Importance": (5, 7), "Confidence": (3, 4), "Readiness": (4, 6)}
            for round_ in (0, 1):  # two recorded rounds, so the chart has a line
                for label, values in ratings.items():
                    page.get_by_label(label, exact=True).select_option(index=values[round_] + 1)
                page.get_by_role("button", name="Record these ratings").click()
            page.locator("text=2 recorded ratings").wait_for()
            page.locator(".mi-readiness-ruler").screenshot(path=ROOT / "docs" / "screenshot.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
