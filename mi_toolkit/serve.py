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
  answers that learners never see. Voila never serves ``.ipynb`` files themselves;
- a page's kernel websocket held until the server has finished running that
  page's notebook (:class:`RenderTracker`), and Voila's executor given
  ``IOPUB_TIMEOUT`` seconds, not nbclient's 4, for a cell's outputs once its
  reply is in. A page connects as soon as its kernel id arrives, while its cells
  still run; every message of its kernel is then also deserialized and forwarded
  to the page by the same server event loop that runs the notebooks, and the
  page's own requests (all widget states at once) are answered in the middle of
  the render. In a class burst that loop falls seconds behind on IOPub while the
  shell reply of a cell is already in: nbclient gave up on the cell's outputs
  after 4 s, and the page came without its widgets (benchmarks/README.md, "class
  load"). Held, a page connects once its HTML is complete, as a page that
  arrived late always did;
- a used pooled kernel replaced once the pages being opened in a browser on the
  server's own machine have loaded (:class:`RefillGate`), not 1 s after it was
  taken (Voila's ``fill_delay``): the replacement runs the whole lesson and took
  the CPU that page needed to start (a learner serving the lessons on their own
  laptop). Pages from other machines (a room) hold nothing, and a request for
  the same lesson releases the replacement at once (that learner needs it);
- ``/`` redirected to the course start page (``00_start.ipynb``) when the served
  folder has one; Voila's file list stays at ``/voila/tree``;
- the Font Awesome stylesheet links to a CDN taken out of the pages' head
  (:func:`without_cdn_links`): a page asks nothing of any other host.

Defaults are given as a traitlets Config, so a ``voila.json`` in the working
directory overrides them, and command-line options override both.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "RefillGate",
    "RenderTracker",
    "ServeOptions",
    "browser_is_local",
    "classroom_voila",
    "kernel_env",
    "voila_argv",
    "voila_defaults",
    "without_cdn_links",
]

DEFAULT_PORT = 8866
DEFAULT_IP = "127.0.0.1"
DEFAULT_CULL_IDLE_TIMEOUT = 600
DEFAULT_CULL_INTERVAL = 60
DEFAULT_POOL_SIZE = 1
SOLUTION_TAG = "solution"
START_PAGE = "00_start.ipynb"
# Longest a page's kernel websocket is held for its notebook to finish running;
# after that it connects anyway (a page whose render hangs still gets its kernel).
RENDER_HOLD_TIMEOUT = 300.0
# How long Voila's executor waits for a cell's outputs after the cell's reply
# (nbclient's default is 4 s; a busy server can be further behind than that).
IOPUB_TIMEOUT = 60
# A used pooled kernel's replacement waits while pages load (RefillGate): a page
# counts as loading from its request until its kernel websocket has been open
# PAGE_SETTLE s (its widgets are then drawn), or PAGE_LOAD_CAP s at most; the
# replacement waits REFILL_HOLD_CAP s at most.
PAGE_SETTLE = 2.0
PAGE_LOAD_CAP = 20.0
REFILL_HOLD_CAP = 30.0
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
        "VoilaExecutor": {"iopub_timeout": IOPUB_TIMEOUT},
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


class RenderTracker:
    """Which kernels a lesson page is still running its notebook in.

    The page handler calls :meth:`started` as soon as it knows the page's kernel
    (before any byte naming the kernel reaches the browser) and :meth:`finished`
    when the page is complete (or the request ends any other way); the kernel
    websocket handler awaits :meth:`wait` before it connects.
    """

    _KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-fA-F-]+)"')

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Event] = {}

    def __contains__(self, kernel_id: str) -> bool:
        return kernel_id in self._running

    def started(self, kernel_id: str) -> None:
        self._running.setdefault(kernel_id, asyncio.Event())

    def finished(self, kernel_id: str) -> None:
        event = self._running.pop(kernel_id, None)
        if event is not None:
            event.set()

    async def wait(self, kernel_id: str, timeout: float = RENDER_HOLD_TIMEOUT) -> bool:
        """Wait until ``kernel_id``'s page is complete; False if ``timeout`` ran out first."""
        event = self._running.get(kernel_id)
        if event is None:
            return True
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    @classmethod
    def kernel_id_in(cls, html: str) -> str | None:
        """The kernel id in a page's config (what the page's own script reads)."""
        found = cls._KERNEL_ID.search(html)
        return found.group(1) if found else None


class RefillGate:
    """When the kernel that replaces a used pooled one may start.

    Voila starts the replacement ``fill_delay`` (1 s) after a page took the pooled
    kernel, while that page's browser is still loading and starting Voila's ~5 MB
    of JavaScript, and the new kernel runs the whole lesson. Where the browser and
    the server share a small machine (a learner serving the lessons on their own
    laptop) the two compete for the CPU and the page is drawn later. So a
    replacement (:meth:`refill`) waits until no such page is loading: a page whose
    browser is on this machine (``local``) loads from its request
    (:meth:`page_started`) until its kernel websocket has been open ``settle`` s
    (:meth:`connected`), or ``load_cap`` s at most. Pages from other machines hold
    nothing: their browsers do not need this machine's CPU, and a learner arriving
    a few seconds after another would find the replacement later. A request for
    the same notebook releases a waiting replacement at once: that learner needs
    the kernel now. It waits ``hold_cap`` s at most.
    """

    def __init__(
        self,
        settle: float = PAGE_SETTLE,
        load_cap: float = PAGE_LOAD_CAP,
        hold_cap: float = REFILL_HOLD_CAP,
    ) -> None:
        self.settle, self.load_cap, self.hold_cap = settle, load_cap, hold_cap
        self._loading: dict[object, asyncio.TimerHandle] = {}
        self._page_of_kernel: dict[str, object] = {}
        self._waiting: list[tuple[str, asyncio.Future[None]]] = []
        self._needed: set[str] = set()

    @property
    def loading(self) -> int:
        """How many pages are loading."""
        return len(self._loading)

    def page_started(self, notebook: str, local: bool = True, starting: bool = False) -> object:
        """A page of ``notebook`` was asked for (by a browser on this machine if
        ``local``); returns its token. ``starting``: the notebook's pool holds a kernel
        that is not ready yet, which this page will wait for: its refill must not
        wait, even if it has not reached :meth:`refill` yet (Voila waits its
        ``fill_delay`` first)."""
        if not self._release(lambda waiting: waiting == notebook) and starting:
            self._needed.add(notebook)
        page = object()
        if local:
            self._loading[page] = asyncio.get_running_loop().call_later(
                self.load_cap, self.page_done, page
            )
        return page

    def page_kernel(self, page: object, kernel_id: str) -> None:
        """``page`` runs in kernel ``kernel_id`` (so :meth:`connected` can find it)."""
        if page in self._loading:
            self._page_of_kernel[kernel_id] = page

    def connected(self, kernel_id: str) -> None:
        """The page of ``kernel_id`` opened its kernel websocket: loaded ``settle`` s later."""
        page = self._page_of_kernel.pop(kernel_id, None)
        timer = self._loading.get(page)
        if timer is not None:
            timer.cancel()
            self._loading[page] = asyncio.get_running_loop().call_later(
                self.settle, self.page_done, page
            )

    def page_done(self, page: object) -> None:
        """``page`` has loaded (or its request ended without a kernel)."""
        timer = self._loading.pop(page, None)
        if timer is not None:
            timer.cancel()
        for kernel_id in [k for k, p in self._page_of_kernel.items() if p is page]:
            del self._page_of_kernel[kernel_id]
        if not self._loading:
            self._release(lambda waiting: True)

    async def refill(self, notebook: str) -> float:
        """Wait until a replacement kernel for ``notebook`` may start; seconds waited."""
        if notebook in self._needed:
            self._needed.discard(notebook)
            return 0.0
        if not self._loading:
            return 0.0
        loop = asyncio.get_running_loop()
        start = loop.time()
        entry = (notebook, loop.create_future())
        self._waiting.append(entry)
        try:
            await asyncio.wait_for(entry[1], self.hold_cap)
        except TimeoutError:
            pass
        finally:
            if entry in self._waiting:
                self._waiting.remove(entry)
        return loop.time() - start

    def _release(self, which) -> bool:  # noqa: ANN001 - a predicate on notebook names
        """Let the waiting refills of the notebooks ``which`` picks start; any?"""
        released = [e for e in self._waiting if which(e[0])]
        for entry in released:
            self._waiting.remove(entry)
            if not entry[1].done():
                entry[1].set_result(None)
        return bool(released)


_PROXY_HEADERS = ("X-Forwarded-For", "X-Real-Ip", "Forwarded")


def browser_is_local(remote_ip: str | None, headers: Any) -> bool:
    """Whether a request came from a browser on this machine: from a loopback
    address, and not through a reverse proxy (which would name the browser's own
    address in one of its headers)."""
    try:
        loopback = ipaddress.ip_address(remote_ip or "").is_loopback
    except ValueError:
        return False
    return loopback and not any(name in headers for name in _PROXY_HEADERS)


# Voila's lab template links Font Awesome from a CDN (no toolkit widget uses an
# icon). In a room without internet that render-blocking stylesheet waits for a
# host it cannot reach, and every page would tell the CDN who is learning.
_CDN_LINK = re.compile(
    r'<link\s[^>]*href="https://cdn\.jsdelivr\.net/npm/@fortawesome/[^"]*"[^>]*>\s*'
)


def without_cdn_links(html: str) -> str:
    """``html`` without the page head's Font Awesome stylesheet links to a CDN."""
    return _CDN_LINK.sub("", html)


def classroom_voila() -> type:
    """Voila's app with the classroom handlers (see the module doc).

    Lesson pages set the ``_xsrf`` cookie and report which kernel they are
    running; the kernel websocket waits for that page to be complete; ``/``
    redirects to the start page.
    """
    import tornado.web
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    renders = RenderTracker()
    refills = RefillGate()

    class LessonPageHandler(TornadoVoilaHandler):
        _kernel_id: str | None = None
        _page: object = None

        async def get(self, path: str | None = None) -> None:
            # Reading the token makes tornado set the cookie on this response
            # (before the first flush, so before any of the page is sent).
            _ = self.xsrf_token
            local = browser_is_local(self.request.remote_ip, self.request.headers)
            pool = getattr(self.kernel_manager, "_pools", {}).get(path or "", ())
            starting = any(not kernel.done() for kernel in pool)
            self._page = refills.page_started(path or "", local, starting)
            try:
                await super().get(path)
            finally:
                if self._kernel_id is not None:
                    renders.finished(self._kernel_id)
                else:  # no page to load (an error, a redirect)
                    refills.page_done(self._page)

        async def get_generator(self, path: str | None = None):  # noqa: ANN201 - Voila's
            head = ""
            in_head = True
            async for html in super().get_generator(path=path):
                if in_head:
                    html = without_cdn_links(html)
                    in_head = "</head>" not in html
                if self._kernel_id is None:
                    head = head[-100:] + html  # the id may straddle two pieces
                    self._kernel_id = renders.kernel_id_in(head)
                    if self._kernel_id is not None:
                        renders.started(self._kernel_id)
                        refills.page_kernel(self._page, self._kernel_id)
                yield html

    class HeldKernelWebsocketHandler(VoilaKernelWebsocketHandler):
        async def pre_get(self) -> None:
            # After authentication, before the kernel connection is made.
            if not await renders.wait(self.kernel_id):
                self.log.warning(
                    "Kernel %s: its page was not complete after %.0f s; connecting anyway",
                    self.kernel_id,
                    RENDER_HOLD_TIMEOUT,
                )
            refills.connected(self.kernel_id)
            await super().pre_get()

    class StartPageRedirect(tornado.web.RequestHandler):
        def initialize(self, url: str) -> None:
            self._url = url

        def get(self) -> None:
            query = self.request.query
            self.redirect(self._url + (f"?{query}" if query else ""))

    replaced = {
        TornadoVoilaHandler: LessonPageHandler,
        VoilaKernelWebsocketHandler: HeldKernelWebsocketHandler,
    }

    class ClassroomVoila(Voila):
        render_tracker = renders
        refill_gate = refills

        def init_settings(self) -> dict:
            # jupyter_server gives each kernel's manager the event logger of its
            # manager's parent, and makes a new one when that parent has none, as
            # Voila's app has not: a new logging.Logger per kernel (named by id, kept
            # by the logging module for good) and a schema registry. One, shared.
            if getattr(self, "event_logger", None) is None:
                from jupyter_events import EventLogger

                self.event_logger = EventLogger()
            settings = super().init_settings()
            manager = self.kernel_manager
            if hasattr(manager, "fill_if_needed"):  # a preheated pool
                # Every pooled kernel is started by _initialize(notebook) without a
                # kernel id (a restart passes one); the first fill, already under way,
                # holds the original method and never waits.
                start = manager._initialize

                async def _initialize(notebook_path: str, kernel_id: str | None = None, **kw):  # noqa: ANN202
                    if kernel_id is None:
                        waited = await refills.refill(notebook_path)
                        if waited:
                            self.log.info(
                                "Replacing the pooled kernel of %s after %.1f s of pages loading",
                                notebook_path,
                                waited,
                            )
                    return await start(notebook_path, kernel_id, **kw)

                manager._initialize = _initialize
            return settings

        def init_handlers(self) -> list:
            server_url = self.server_url
            start = bool(self.root_dir) and Path(self.root_dir, START_PAGE).is_file()
            handlers = []
            for spec in super().init_handlers():
                if start and spec[0] == server_url and spec[1] is TornadoVoilaTreeHandler:
                    url = f"{server_url.rstrip('/')}/voila/render/{START_PAGE}"
                    handlers.append((spec[0], StartPageRedirect, {"url": url}))
                else:
                    handlers.append((spec[0], replaced.get(spec[1], spec[1]), *spec[2:]))
            return handlers

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
