"""Serve the lessons with Voila, configured for a room of learners.

What ``mi-toolkit serve`` sets, and why:

- sources stripped and tracebacks hidden (learners see the lesson, not the code);
- the ``_xsrf`` cookie set on every lesson page, so that Voila's own page-close
  request (``POST /voila/api/shutdown/<kernel>``, which sends that cookie's value)
  passes the XSRF check and the kernel stops when the tab closes or reloads.
  Voila 0.5 never sets the cookie itself, so without this every close leaves a
  kernel behind (voila issue 1458). XSRF protection stays on. The cookie is set
  by a subclass of Voila's page handler (not a ``prelaunch_hook``, which Voila
  refuses together with preheated kernels);
- a pool of preheated kernels (``VoilaConfiguration.preheat_kernel``), one per
  notebook by default: the kernel is started and the lesson's imports are done
  before a learner asks for the page. The lesson then waits for the page's
  request (``?learner=``; see ``mi_toolkit.widgets._common.page_environ``);
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

__all__ = ["ServeOptions", "classroom_voila", "kernel_env", "voila_argv", "voila_defaults"]

DEFAULT_PORT = 8866
DEFAULT_IP = "127.0.0.1"
DEFAULT_CULL_IDLE_TIMEOUT = 600
DEFAULT_CULL_INTERVAL = 60
DEFAULT_POOL_SIZE = 1
SOLUTION_TAG = "solution"
# Addresses on which the server is also reachable as 127.0.0.1 (where a
# preheated kernel looks for it by default).
_LOOPBACK_REACHABLE = {"", "0.0.0.0", "::", "127.0.0.1", "localhost"}


@dataclass(frozen=True)
class ServeOptions:
    """What ``mi-toolkit serve`` was asked for."""

    root: Path = Path("notebooks")
    port: int = DEFAULT_PORT
    ip: str = DEFAULT_IP
    cull_idle_timeout: int | None = None
    cull_interval: int | None = None
    pool_size: int | None = None
    open_browser: bool = False


def voila_defaults() -> dict[str, dict[str, Any]]:
    """The configuration ``mi-toolkit serve`` starts from (a voila.json may override)."""
    return {
        "VoilaConfiguration": {
            "strip_sources": True,
            "show_tracebacks": False,
            "preheat_kernel": True,
            "default_pool_size": DEFAULT_POOL_SIZE,
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


def kernel_env(options: ServeOptions) -> dict[str, str]:
    """Environment for preheated kernels: where to ask the server for the page's request.

    A preheated kernel connects back to the server to learn the request; Voila's
    default is 127.0.0.1, which is wrong when the server listens on one
    particular address only.
    """
    return {} if options.ip in _LOOPBACK_REACHABLE else {"VOILA_APP_IP": options.ip}


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
    if options.pool_size is not None:
        pool = max(options.pool_size, 0)
        argv.append(f"--VoilaConfiguration.preheat_kernel={pool > 0}")
        argv.append(f"--VoilaConfiguration.default_pool_size={pool}")
    return argv


def classroom_voila() -> type:
    """Voila's app, with lesson pages that set the ``_xsrf`` cookie (see the module doc)."""
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    class LessonPageHandler(TornadoVoilaHandler):
        async def get(self, path: str | None = None) -> None:
            # Reading the token makes tornado set the cookie on this response
            # (before the first flush, so before any of the page is sent).
            _ = self.xsrf_token
            await super().get(path)

    class ClassroomVoila(Voila):
        def init_handlers(self) -> list:
            return [
                (spec[0], LessonPageHandler, *spec[2:]) if spec[1] is TornadoVoilaHandler else spec
                for spec in super().init_handlers()
            ]

    return ClassroomVoila


def run(options: ServeOptions) -> int:
    """Start Voila in this process; returns when the server stops."""
    from traitlets.config import Config

    if not options.root.is_dir():
        raise FileNotFoundError(
            f"no lesson folder at {options.root.resolve()}: run this from the mi_toolkit "
            "checkout, or pass --root PATH"
        )
    config = Config(voila_defaults())
    env = kernel_env(options)
    if env:
        config.VoilaKernelManager.default_env_variables = env
    classroom_voila().launch_instance(argv=voila_argv(options), config=config)
    return 0
