"""The ``mi-toolkit`` command and the Voila configuration it serves with (no server started)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import mi_toolkit
from mi_toolkit import serve
from mi_toolkit.cli import main
from mi_toolkit.serve import (
    IOPUB_TIMEOUT,
    START_PAGE,
    RefillGate,
    RenderTracker,
    ServeOptions,
    browser_is_local,
    classroom_voila,
    kernel_env,
    voila_argv,
    voila_defaults,
)
from tests.conftest import run_on_a_fresh_loop

# ---------------------------------------------------------------- voila_argv


def test_argv_defaults_have_port_and_ip_but_no_culling():
    argv = voila_argv(ServeOptions())
    assert argv == [
        "notebooks",
        f"--port={serve.DEFAULT_PORT}",
        f"--Voila.ip={serve.DEFAULT_IP}",
        "--Voila.open_browser=False",
    ]
    assert not any("cull" in arg for arg in argv)


def test_argv_with_everything_given(tmp_path: Path):
    argv = voila_argv(
        ServeOptions(
            root=tmp_path,
            port=9000,
            ip="0.0.0.0",
            cull_idle_timeout=120,
            cull_interval=15,
            open_browser=True,
        )
    )
    assert argv[0] == str(tmp_path)
    assert "--port=9000" in argv
    assert "--Voila.ip=0.0.0.0" in argv
    assert "--Voila.open_browser=True" in argv
    assert "--MappingKernelManager.cull_idle_timeout=120" in argv
    assert "--MappingKernelManager.cull_interval=15" in argv


def test_argv_with_only_cull_interval():
    argv = voila_argv(ServeOptions(cull_interval=5))
    assert "--MappingKernelManager.cull_interval=5" in argv
    assert not any("cull_idle_timeout" in arg for arg in argv)


def test_argv_keeps_an_explicit_zero_timeout():
    argv = voila_argv(ServeOptions(cull_idle_timeout=0))
    assert "--MappingKernelManager.cull_idle_timeout=0" in argv


# ---------------------------------------------------------------- voila_defaults


def test_defaults_hide_sources_and_tracebacks_and_preheat_a_pool():
    config = voila_defaults()["VoilaConfiguration"]
    assert config["strip_sources"] is True
    assert config["show_tracebacks"] is False
    assert config["preheat_kernel"] is True
    assert config["default_pool_size"] == serve.DEFAULT_POOL_SIZE >= 1
    # Voila refuses a prelaunch hook together with a pool; the cookie is set by
    # the page handler instead (classroom_voila).
    assert "prelaunch_hook" not in config


def test_argv_pool_size_zero_turns_preheating_off():
    argv = voila_argv(ServeOptions(pool_size=0))
    assert "--VoilaConfiguration.preheat_kernel=False" in argv
    assert "--VoilaConfiguration.default_pool_size=0" in argv
    argv = voila_argv(ServeOptions(pool_size=3))
    assert "--VoilaConfiguration.preheat_kernel=True" in argv
    assert "--VoilaConfiguration.default_pool_size=3" in argv
    assert not any("pool" in arg for arg in voila_argv(ServeOptions()))


@pytest.mark.parametrize("ip", ["127.0.0.1", "0.0.0.0", "localhost", "::"])
def test_preheated_kernels_find_the_server_on_loopback(ip: str):
    assert kernel_env(ServeOptions(ip=ip)) == {}


def test_preheated_kernels_are_told_a_specific_address():
    assert kernel_env(ServeOptions(ip="192.168.1.20")) == {"VOILA_APP_IP": "192.168.1.20"}


def test_defaults_cull_idle_kernels_but_not_connected_ones():
    config = voila_defaults()["MappingKernelManager"]
    assert isinstance(config["cull_idle_timeout"], int)
    assert config["cull_idle_timeout"] > 0
    assert config["cull_interval"] > 0
    assert config["cull_connected"] is False


def test_defaults_name_real_traits():
    """A typo in a trait name would be silently ignored by traitlets: catch it here."""
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config
    from voila.configuration import VoilaConfiguration
    from voila.execute import VoilaExecutor

    defaults = voila_defaults()
    classes = {
        "VoilaConfiguration": VoilaConfiguration,
        "VoilaExecutor": VoilaExecutor,
        "MappingKernelManager": MappingKernelManager,
        "TagRemovePreprocessor": TagRemovePreprocessor,
    }
    assert set(defaults) == set(classes)
    for name, cls in classes.items():
        assert set(defaults[name]) <= set(cls.class_trait_names(config=True)), name
    configured = VoilaConfiguration(config=Config(defaults))
    assert configured.strip_sources is True
    assert configured.show_tracebacks is False
    assert configured.preheat_kernel is True
    remover = TagRemovePreprocessor(config=Config(defaults))
    assert remover.remove_cell_tags == {"solution"}
    assert remover.enabled is True
    # Voila hands its config to the executor that runs each page's notebook.
    assert VoilaExecutor(nb=None, config=Config(defaults)).iopub_timeout == IOPUB_TIMEOUT > 4


def test_defaults_are_a_fresh_copy():
    first = voila_defaults()
    first["VoilaConfiguration"]["strip_sources"] = False
    assert voila_defaults()["VoilaConfiguration"]["strip_sources"] is True


# ---------------------------------------------------------------- xsrf cookie


def _handlers(monkeypatch: pytest.MonkeyPatch, stock: list, **attrs: object) -> list:
    """``ClassroomVoila.init_handlers`` over Voila's handlers replaced by ``stock``."""
    from voila.app import Voila

    monkeypatch.setattr(Voila, "init_handlers", lambda self: list(stock))
    app = classroom_voila()
    assert issubclass(app, Voila)
    bare = object.__new__(app)
    # the traits init_handlers reads, as a configured app holds them
    bare._trait_values = {"server_url": "/", "root_dir": "", **attrs}
    return app.init_handlers(bare)


def test_lesson_pages_are_served_by_a_handler_that_sets_the_xsrf_cookie(
    monkeypatch: pytest.MonkeyPatch,
):
    from voila.tornado.handler import TornadoVoilaHandler

    other = object()
    stock = [("/voila/render/(.*)", TornadoVoilaHandler, {"config": None}), ("/x", other)]
    (page, kept) = _handlers(monkeypatch, stock)
    assert kept == ("/x", other)
    assert page[0] == "/voila/render/(.*)" and page[2] == {"config": None}
    assert issubclass(page[1], TornadoVoilaHandler) and page[1] is not TornadoVoilaHandler

    reads: list[bool] = []
    calls: list[str | None] = []

    async def stock_get(self, path=None):
        assert reads, "the cookie must be set before Voila starts the page"
        calls.append(path)

    monkeypatch.setattr(TornadoVoilaHandler, "get", stock_get)
    monkeypatch.setattr(page[1], "xsrf_token", property(lambda self: reads.append(True)))
    handler = object.__new__(page[1])  # only what get() reads before Voila's own get
    handler.request = SimpleNamespace(remote_ip="127.0.0.1", headers={})
    pool = SimpleNamespace(_pools={})  # Voila's kernel manager, with no kernel starting
    handler.application = SimpleNamespace(settings={"kernel_manager": pool})
    run_on_a_fresh_loop(handler.get("07_readiness_rulers.ipynb"))
    assert reads == [True]
    assert calls == ["07_readiness_rulers.ipynb"]


def test_the_kernel_websocket_is_served_by_a_handler_that_waits_for_the_page(
    monkeypatch: pytest.MonkeyPatch,
):
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

    stock = [("/api/kernels/(?P<kernel_id>.*)/channels", VoilaKernelWebsocketHandler)]
    ((pattern, handler),) = _handlers(monkeypatch, stock)
    assert pattern == stock[0][0]
    assert issubclass(handler, VoilaKernelWebsocketHandler)
    assert handler is not VoilaKernelWebsocketHandler
    assert handler.pre_get is not VoilaKernelWebsocketHandler.pre_get


def test_render_tracker_holds_a_kernel_until_its_page_is_complete():
    import asyncio

    async def scenario() -> list[str]:
        renders = RenderTracker()
        events: list[str] = []
        assert await renders.wait("unknown", timeout=0.01)  # not a page's kernel: no wait
        renders.started("k1")
        assert "k1" in renders

        async def connect() -> None:
            await renders.wait("k1", timeout=5)
            events.append("connected")

        waiting = asyncio.ensure_future(connect())
        await asyncio.sleep(0.05)
        events.append("page complete")
        renders.finished("k1")
        await waiting
        assert "k1" not in renders
        renders.started("k2")
        assert not await renders.wait("k2", timeout=0.01)  # a page that never ends
        renders.finished("never started")  # harmless
        return events

    assert run_on_a_fresh_loop(scenario()) == ["page complete", "connected"]


def test_render_tracker_reads_the_kernel_id_as_the_page_does():
    config = '<script id="jupyter-config-data">{"baseUrl": "/", "kernelId": "0a-1b-2c"}</script>'
    assert RenderTracker.kernel_id_in(config) == "0a-1b-2c"
    assert RenderTracker.kernel_id_in('{"kernelId": ') is None


# ---------------------------------------------------------------- pool refills


def _gate() -> RefillGate:
    return RefillGate(settle=0.05, load_cap=0.3, hold_cap=0.6)


async def _refill(gate: RefillGate, notebook: str, events: list[str]) -> None:
    await gate.refill(notebook)
    events.append(f"refill {notebook}")


def test_a_refill_starts_at_once_when_no_page_is_loading():
    async def scenario() -> float:
        return await _gate().refill("07.ipynb")

    assert run_on_a_fresh_loop(scenario()) == 0.0


def test_a_refill_waits_for_the_loading_page_to_connect_and_settle():
    import asyncio

    async def scenario() -> list[str]:
        gate, events = _gate(), []
        page = gate.page_started("07.ipynb")
        gate.page_kernel(page, "k1")
        waiting = asyncio.ensure_future(_refill(gate, "07.ipynb", events))
        await asyncio.sleep(0.1)
        events.append("websocket open")
        gate.connected("k1")
        assert gate.loading == 1  # still drawing its widgets for `settle` s
        await asyncio.sleep(0.02)
        events.append("settling")
        await waiting
        assert gate.loading == 0
        return events

    assert run_on_a_fresh_loop(scenario()) == ["websocket open", "settling", "refill 07.ipynb"]


def test_a_request_for_the_same_lesson_releases_its_refill_at_once():
    import asyncio

    async def scenario() -> list[str]:
        gate, events = _gate(), []
        gate.page_started("07.ipynb")
        seven = asyncio.ensure_future(_refill(gate, "07.ipynb", events))
        five = asyncio.ensure_future(_refill(gate, "05.ipynb", events))
        await asyncio.sleep(0.01)
        events.append("second learner")
        gate.page_started("07.ipynb")  # needs the kernel that is waiting to start
        await seven
        assert not five.done()  # another lesson's refill still waits for quiet
        await five
        return events

    expected = ["second learner", "refill 07.ipynb", "refill 05.ipynb"]
    assert run_on_a_fresh_loop(scenario()) == expected


def test_a_request_before_the_refill_reaches_the_gate_still_releases_it():
    async def scenario() -> tuple[float, float]:
        gate = _gate()
        gate.page_started("07.ipynb")  # took the pooled kernel; Voila waits 1 s to refill
        gate.page_started("07.ipynb", starting=True)  # a second learner, within that second
        first = await gate.refill("07.ipynb")  # the refill the second learner waits for
        return first, await gate.refill("07.ipynb")  # the next one waits for quiet again

    first, second = run_on_a_fresh_loop(scenario())
    assert first == 0.0 and second > 0.25


def test_a_page_that_never_connects_or_fails_stops_holding_refills():
    async def scenario() -> tuple[float, float, int]:
        gate = _gate()
        gate.page_started("07.ipynb")  # never connects: counts for load_cap (0.3 s)
        timed_out = await gate.refill("07.ipynb")
        failed = gate.page_started("07.ipynb")
        gate.page_done(failed)  # a request that ended without a page
        return timed_out, await gate.refill("07.ipynb"), gate.loading

    timed_out, after_failure, loading = run_on_a_fresh_loop(scenario())
    assert 0.25 < timed_out < 0.55
    assert (after_failure, loading) == (0.0, 0)


def test_a_page_from_another_machine_holds_no_refill_but_releases_its_own():
    import asyncio

    async def scenario() -> tuple[float, int, list[str]]:
        gate, events = _gate(), []
        gate.page_started("07.ipynb")  # a local page, loading
        waiting = asyncio.ensure_future(_refill(gate, "07.ipynb", events))
        await asyncio.sleep(0.01)
        gate.page_started("07.ipynb", local=False)  # a learner elsewhere wants 07
        await waiting
        remote = RefillGate(settle=1, load_cap=10, hold_cap=10)
        remote.page_started("05.ipynb", local=False)
        return await remote.refill("05.ipynb"), remote.loading, events

    assert run_on_a_fresh_loop(scenario()) == (0.0, 0, ["refill 07.ipynb"])


@pytest.mark.parametrize(
    ("ip", "headers", "local"),
    [
        ("127.0.0.1", {}, True),
        ("::1", {}, True),
        ("192.168.1.20", {}, False),
        ("127.0.0.1", {"X-Forwarded-For": "192.168.1.20"}, False),  # nginx on this machine
        ("127.0.0.1", {"X-Real-Ip": "192.168.1.20"}, False),
        (None, {}, False),
        ("", {}, False),
    ],
)
def test_a_browser_is_local_only_on_loopback_without_a_proxy(ip, headers, local):
    from tornado.httputil import HTTPHeaders

    assert browser_is_local(ip, HTTPHeaders(headers)) is local


def test_a_refill_waits_at_most_hold_cap():
    import asyncio

    async def scenario() -> float:
        gate = RefillGate(settle=1, load_cap=10, hold_cap=0.1)
        gate.page_started("07.ipynb")
        waited = await gate.refill("05.ipynb")
        await asyncio.sleep(0)
        return waited

    assert 0.09 < run_on_a_fresh_loop(scenario()) < 0.5


def test_pooled_kernels_are_started_through_the_refill_gate(monkeypatch: pytest.MonkeyPatch):
    from voila.app import Voila

    calls: list[tuple[str, str | None]] = []

    class Pool:  # what init_settings reads of Voila's preheating kernel manager
        def fill_if_needed(self) -> None: ...

        async def _initialize(self, notebook_path: str, kernel_id: str | None = None) -> str:
            calls.append((notebook_path, kernel_id))
            return kernel_id or "new"

    def stock_init_settings(self) -> dict:
        self.kernel_manager = Pool()
        return {}

    monkeypatch.setattr(Voila, "init_settings", stock_init_settings)
    app = classroom_voila()
    voila = object.__new__(app)
    voila._trait_values = {"log": __import__("logging").getLogger("test")}
    assert voila.init_settings() == {}
    gate: RefillGate = app.refill_gate

    async def scenario() -> list:
        import asyncio

        page = gate.page_started("07.ipynb")
        refill = asyncio.ensure_future(voila.kernel_manager._initialize("07.ipynb"))
        restart = await voila.kernel_manager._initialize("07.ipynb", "k0")  # never waits
        await asyncio.sleep(0.05)
        held = list(calls)
        gate.page_done(page)
        return [restart, held, await refill, list(calls)]

    restart, held, refilled, after = run_on_a_fresh_loop(scenario())
    assert restart == "k0" and held == [("07.ipynb", "k0")]
    assert refilled == "new" and after == [("07.ipynb", "k0"), ("07.ipynb", None)]


@pytest.mark.parametrize("with_start_page", [True, False])
def test_root_redirects_to_the_start_page_when_there_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_start_page: bool
):
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    if with_start_page:
        (tmp_path / START_PAGE).write_text("{}")
    conf = {"voila_configuration": None}
    tree = ("/voila/tree(?P<path>.*)", TornadoVoilaTreeHandler, conf)
    stock = [("/", TornadoVoilaTreeHandler, conf), tree]
    root, kept = _handlers(monkeypatch, stock, root_dir=str(tmp_path), server_url="/")
    assert kept == tree  # Voila's file list stays reachable
    if with_start_page:
        assert root[0] == "/" and root[1] is not TornadoVoilaTreeHandler
        assert root[2] == {"url": f"/voila/render/{START_PAGE}"}
    else:
        assert root == stock[0]


# ---------------------------------------------------------------- cli


def test_serve_with_missing_root_returns_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    missing = tmp_path / "no-such-lessons"
    assert main(["serve", "--root", str(missing)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("mi-toolkit serve: no lesson folder at ")
    assert str(missing.resolve()) in err
    assert "--root PATH" in err
    assert "Traceback" not in err


def test_serve_hands_options_and_defaults_to_voila(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from voila.app import Voila

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        Voila, "launch_instance", classmethod(lambda cls, **kwargs: calls.append(kwargs))
    )
    code = main(
        [
            "serve",
            "--root",
            str(tmp_path),
            "--port",
            "9123",
            "--ip",
            "0.0.0.0",
            "--cull-idle-timeout",
            "30",
        ]
    )
    assert code == 0
    (call,) = calls
    assert call["argv"] == [
        str(tmp_path),
        "--port=9123",
        "--Voila.ip=0.0.0.0",
        "--Voila.open_browser=False",
        "--MappingKernelManager.cull_idle_timeout=30",
    ]
    config = call["config"]
    assert config.VoilaConfiguration.preheat_kernel is True
    assert config.MappingKernelManager.cull_connected is False


def test_version(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"mi-toolkit {mi_toolkit.__version__}"


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert "serve" in capsys.readouterr().err


def test_version_matches_the_installed_distribution():
    from importlib.metadata import version

    assert mi_toolkit.__version__ == version("mi-toolkit")


def test_kernels_share_one_event_logger(monkeypatch: pytest.MonkeyPatch):
    """jupyter_server makes each kernel's manager a new EventLogger (and with it a
    logging.Logger the logging module keeps for good) unless the kernel manager's
    parent app has one: one per page served, found growing in a long-running server."""
    import logging

    from jupyter_client.multikernelmanager import MultiKernelManager
    from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
    from voila.app import Voila

    def stock_init_settings(self) -> dict:
        self.kernel_manager = None  # no pool
        return {}

    monkeypatch.setattr(Voila, "init_settings", stock_init_settings)
    voila = classroom_voila()()
    voila.init_settings()
    manager = MultiKernelManager(parent=voila)
    loggers = len(logging.Logger.manager.loggerDict)
    kernels = [ServerKernelManager(parent=manager) for _ in range(5)]
    assert all(k.event_logger is voila.event_logger for k in kernels)
    assert len(logging.Logger.manager.loggerDict) == loggers
    voila.init_settings()  # a second call keeps the one it has
    assert kernels[0].event_logger is voila.event_logger
