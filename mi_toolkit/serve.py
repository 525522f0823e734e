"""Serve the lessons with Voila, configured for a room of learners.

What ``mi-toolkit serve`` sets, and why:

- sources stripped and tracebacks hidden (learners see the lesson, not the code);
- the ``_xsrf`` cookie set on every lesson page, so that Voila's own page-close
  request (``POST /voila/api/shutdown/<kernel>``, which sends that cookie's value)
  passes the XSRF check and the kernel stops when the tab closes or reloads.
  Voila 0.5 never sets the cookie itself, so without this every close leaves a
  kernel behind (voila issue 1458). XSRF protection stays on;
- idle kernels culled (``MappingKernelManager.cull_idle_timeout``), for pages
  whose close request never arrives (a crashed browser, a phone that suspends the
  tab). Kernels with an open page are connected and are never culled;
- cells tagged ``solution`` removed from the page (nbconvert's
  ``TagRemovePreprocessor``), so exercise notebooks can carry instructor model
  answers that learners never see. Voila never serves ``.ipynb`` files themselves.

Defaults are given as a traitlets Config, so a ``voila.json`` in the working
directory overrides them, and command-line options override both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ServeOptions", "set_xsrf_cookie", "voila_argv", "voila_defaults"]

DEFAULT_PORT = 8866
DEFAULT_IP = "127.0.0.1"
DEFAULT_CULL_IDLE_TIMEOUT = 600
DEFAULT_CULL_INTERVAL = 60
SOLUTION_TAG = "solution"


@dataclass(frozen=True)
class ServeOptions:
    """What ``mi-toolkit serve`` was asked for."""

    root: Path = Path("notebooks")
    port: int = DEFAULT_PORT
    ip: str = DEFAULT_IP
    cull_idle_timeout: int | None = None
    cull_interval: int | None = None
    open_browser: bool = False


def set_xsrf_cookie(req: Any, notebook: Any = None, cwd: str | None = None) -> None:
    """Voila prelaunch hook: make tornado set the ``_xsrf`` cookie on the page.

    Reading ``xsrf_token`` on a tornado handler sets the cookie (if it is not set
    yet) on the response; the hook runs before the page starts streaming.
    """
    _ = req.xsrf_token


def voila_defaults() -> dict[str, dict[str, Any]]:
    """The configuration ``mi-toolkit serve`` starts from (a voila.json may override)."""
    return {
        "VoilaConfiguration": {
            "strip_sources": True,
            "show_tracebacks": False,
            "prelaunch_hook": set_xsrf_cookie,
        },
        "MappingKernelManager": {
            "cull_idle_timeout": DEFAULT_CULL_IDLE_TIMEOUT,
            "cull_interval": DEFAULT_CULL_INTERVAL,
            "cull_connected": False,
        },
        # nbconvert's preprocessor, run by Voila's exporter: cells tagged
        # "solution" (instructor model answers) never reach the page.
        "TagRemovePreprocessor": {
            "remove_cell_tags": [SOLUTION_TAG],
            "enabled": True,
        },
    }


def voila_argv(options: ServeOptions) -> list[str]:
    """The Voila command line for ``options`` (explicit options only)."""
    argv = [
        str(options.root),
        f"--port={options.port}",
        f"--Voila.ip={options.ip}",
        f"--Voila.open_browser={options.open_browser}",
    ]
    if options.cull_idle_timeout is not None:
        argv.append(f"--MappingKernelManager.cull_idle_timeout={options.cull_idle_timeout}")
    if options.cull_interval is not None:
        argv.append(f"--MappingKernelManager.cull_interval={options.cull_interval}")
    return argv


def run(options: ServeOptions) -> int:
    """Start Voila in this process; returns when the server stops."""
    from traitlets.config import Config
    from voila.app import Voila

    if not options.root.is_dir():
        raise FileNotFoundError(
            f"no lesson folder at {options.root.resolve()}: run this from the mi_toolkit "
            "checkout, or pass --root PATH"
        )
    Voila.launch_instance(argv=voila_argv(options), config=Config(voila_defaults()))
    return 0
