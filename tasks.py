#!/usr/bin/env python3
"""Set up mi_toolkit and run it: the two commands of the README.

    python3 tasks.py serve   # set up, then serve the lessons on http://127.0.0.1:8866
    python3 tasks.py test    # set up, then run every test (lint, unit, notebooks, browser)

Set-up is a virtual environment in ``.venv`` with the package installed in
editable mode; it is redone only when ``pyproject.toml`` changes. For the tests,
JupyterHub's proxy (the npm package ``configurable-http-proxy``) is installed
into ``.cache/npm`` when npm is there and the proxy is not yet. Only the
Python standard library is used here, so this works on a fresh machine with
Python 3.11 or newer. Extra arguments are passed on: ``python3 tasks.py serve
--ip 0.0.0.0`` or ``python3 tasks.py test -k ruler``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("MI_TOOLKIT_VENV", ROOT / ".venv"))
NPM_PREFIX = ROOT / ".cache" / "npm"  # git-ignored
PROXY = "configurable-http-proxy"


def _bin(name: str) -> Path:
    return VENV / ("Scripts" if os.name == "nt" else "bin") / name


def _python() -> Path:
    return _bin("python.exe" if os.name == "nt" else "python")


def ensure_env(extra: str | None) -> Path:
    """Create ``.venv`` and install the package (with ``extra``) if not already done."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs on whatever python3 is
        sys.exit(f"mi_toolkit needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not _python().exists():
        print(f"[tasks] creating a virtual environment in {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    spec = f".[{extra}]" if extra else "."
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + spec.encode()).hexdigest()
    stamp = VENV / f".mi-toolkit-{extra or 'base'}.installed"
    if not stamp.exists() or stamp.read_text() != digest:
        print(f"[tasks] installing mi_toolkit{spec[1:]} and its dependencies", flush=True)
        _run([_python(), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        _run([_python(), "-m", "pip", "install", "--quiet", "-e", spec])
        stamp.write_text(digest)
    return _python()


def ensure_proxy() -> None:
    """Install JupyterHub's proxy into ``.cache/npm`` if needed, and put it on PATH.

    Only when npm exists and the proxy is not installed yet (here or on PATH);
    without npm the JupyterHub tests skip locally (``.ci/run`` installs npm).
    """
    bin_dir = NPM_PREFIX if os.name == "nt" else NPM_PREFIX / "bin"
    if shutil.which(PROXY, path=str(bin_dir)) is None and shutil.which(PROXY) is None:
        npm, node = shutil.which("npm"), shutil.which("node")
        if npm is None or node is None:
            print(f"[tasks] npm not found: the JupyterHub tests need {PROXY}", flush=True)
            return
        version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
        major = int(version.strip().lstrip("v").split(".")[0] or 0)
        spec = f"{PROXY}@{5 if major >= 20 else 4}"  # 5.x needs Node 20
        print(f"[tasks] installing {spec} with npm into {NPM_PREFIX}", flush=True)
        result = subprocess.run(
            [npm, "install", "--global", "--prefix", str(NPM_PREFIX)]
            + ["--no-audit", "--no-fund", "--loglevel=error", spec],
            cwd=ROOT,
        )
        if result.returncode:
            print(f"[tasks] npm could not install {PROXY}", flush=True)
            return
    os.environ["PATH"] = os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")])


def _run(cmd: list, **kwargs) -> None:
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, **kwargs)
    if result.returncode:
        raise SystemExit(result.returncode)


def serve(args: list[str]) -> None:
    python = ensure_env(None)
    print("[tasks] serving the lessons (default http://127.0.0.1:8866; Ctrl+C stops)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        _run([python, "-m", "mi_toolkit", "serve", *args])


def test(args: list[str]) -> None:
    python = ensure_env("test")
    ensure_proxy()
    print("[tasks] ruff: lint and format check", flush=True)
    _run([python, "-m", "ruff", "check", "."])
    _run([python, "-m", "ruff", "format", "--check", "."])
    print("[tasks] pytest: unit, widget, notebook (nbval), browser and hub tests", flush=True)
    _run([python, "-m", "pytest", *args])


def main() -> None:
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
