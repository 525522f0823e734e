"""Fixtures for the JupyterHub suite: a real hub, proxy and learner servers on 127.0.0.1.

The hub loads ``deploy/jupyterhub_config.py`` and a test config overrides only
what a test must: addresses and free ports, the working folder, a spawner that
needs no system users (``SimpleLocalProcessSpawner`` with a temporary home per
learner), a shared-password login, and API tokens the tests use to look.

Needs the npm package ``configurable-http-proxy`` (``python3 tasks.py test``
installs it into ``.cache/npm``) and the ``jupyterhub`` Python package. Without
them the suite skips locally with a message; under ``CI=true`` it fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import free_port
from tests.conftest import _in_ci

REPO = Path(__file__).resolve().parents[2]
DEPLOY_CONFIG = REPO / "deploy" / "jupyterhub_config.py"
NPM_BIN = REPO / ".cache" / "npm" / "bin"
PASSWORD = "mi-class-" + secrets.token_hex(4)
LEARNERS = ("ana", "ben")
HUB_TIMEOUT = 180  # generous: CI shares 2 cores with the browser and the kernels


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "hub: starts a real JupyterHub with learner servers")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/hub/test_jupyterhub.py" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.hub)


def _missing(message: str) -> None:
    if _in_ci():
        pytest.fail(message + " (CI=true: this is a failure, not a skip)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def proxy_command() -> str:
    path = shutil.which("configurable-http-proxy") or shutil.which(
        "configurable-http-proxy", path=str(NPM_BIN)
    )
    if not path:
        _missing(
            "configurable-http-proxy not found: the JupyterHub tests need it. "
            "`python3 tasks.py test` installs it with npm into .cache/npm (needs node and "
            "npm: `sudo apt-get install nodejs npm`), or run "
            "`npm install --global --prefix .cache/npm configurable-http-proxy`."
        )
    return path


@pytest.fixture(scope="session")
def jupyterhub_installed() -> None:
    try:
        import jupyterhub  # noqa: F401
        import jupyterhub_idle_culler  # noqa: F401
    except ImportError as exc:
        _missing(f"{exc.name} is not installed: `pip install -e '.[test]'` installs it")


# ---------------------------------------------------------------- processes


def process_table() -> dict[int, tuple[int, str]]:
    """Every process: pid -> (parent pid, command line)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        table[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmdline.strip())
    return table


def descendants(pid: int) -> dict[int, str]:
    """The processes below ``pid`` (children, their children, ...): pid -> command line."""
    table = process_table()
    found: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, cmd) in table.items():
            if ppid == parent and child not in found:
                found[child] = cmd
                frontier.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far: a figure the load does not skew."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until(predicate, timeout: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


# ---------------------------------------------------------------- the hub

TEST_CONFIG = """\
# Written by tests/hub/conftest.py: the deploy config, then only what a test must change.
import os

c = get_config()  # noqa: F821
load_subconfig({deploy!r})  # noqa: F821

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///{workdir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{workdir}/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.pid_file = "{workdir}/jupyterhub-proxy.pid"

# No system users here: a temporary home per learner, one shared password.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{homes}/{{username}}"
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {password!r}
c.Authenticator.allowed_users = {learners!r}
if os.geteuid() == 0:  # CI runs as root; real learner servers never do
    c.Spawner.args = [*c.Spawner.args, "--ServerApp.allow_root=True"]

# Tokens for the tests: one to look and spawn, one with exactly the culler's role.
c.JupyterHub.services = [
    *c.JupyterHub.services,
    {{"name": "mi-test", "api_token": {admin_token!r}}},
    {{"name": "mi-test-culler", "api_token": {culler_token!r}}},
]
roles = [dict(role) for role in c.JupyterHub.load_roles]
for role in roles:
    if role["name"] == "idle-culler":
        role["services"] = [*role["services"], "mi-test-culler"]
c.JupyterHub.load_roles = [
    *roles,
    {{
        "name": "mi-test",
        "scopes": ["admin:users", "admin:servers", "list:services", "read:services"],
        "services": ["mi-test"],
    }},
]
"""


class Hub:
    """A ``jupyterhub`` process with the deploy config, its proxy and learner servers."""

    def __init__(self, workdir: Path, proxy: str) -> None:
        self.workdir = workdir
        self.homes = workdir / "homes"
        self.homes.mkdir()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = secrets.token_hex(32)
        self.culler_token = secrets.token_hex(32)
        hub_port, proxy_api_port = free_port(), free_port()
        self.api_url = f"http://127.0.0.1:{hub_port}/hub/api"
        self.config_path = workdir / "test_jupyterhub_config.py"
        self.config_path.write_text(
            TEST_CONFIG.format(
                deploy=str(DEPLOY_CONFIG),
                port=self.port,
                hub_port=hub_port,
                proxy_api_port=proxy_api_port,
                proxy=proxy,
                workdir=workdir,
                homes=self.homes,
                password=PASSWORD,
                learners=set(LEARNERS),
                admin_token=self.admin_token,
                culler_token=self.culler_token,
            )
        )
        self.log_path = workdir / "jupyterhub.log"
        self._log = self.log_path.open("w")
        env = {
            **os.environ,
            "PATH": os.pathsep.join([str(Path(proxy).parent), os.environ.get("PATH", "")]),
            "PYTHONUNBUFFERED": "1",
        }
        started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(self.config_path)],
            cwd=workdir,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.seen: dict[int, str] = {}  # every process seen below the hub
        self._wait_ready()
        self.start_seconds = time.monotonic() - started
        self.start_cpu_seconds = cpu_seconds(self.proc.pid)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + HUB_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterHub exited early:\n{self.log_tail()}")
            try:  # through the proxy, so both are up
                with urllib.request.urlopen(self.url + "/hub/api", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.25)
        raise RuntimeError(f"JupyterHub did not start in {HUB_TIMEOUT}s:\n{self.log_tail()}")

    # ------------------------------------------------------------ REST API

    def api(self, method: str, path: str, token: str | None = None) -> tuple[int, object]:
        request = urllib.request.Request(
            self.api_url + path,
            method=method,
            headers={"Authorization": f"token {token or self.admin_token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                body = resp.read()
                return resp.status, json.loads(body) if body else None
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def user(self, name: str) -> dict:
        status, model = self.api("GET", f"/users/{name}")
        assert status == 200, model
        return model  # type: ignore[return-value]

    def server_ready(self, name: str) -> bool:
        server = self.user(name)["servers"].get("")
        return bool(server and server.get("ready"))

    def spawn(self, name: str) -> None:
        status, body = self.api("POST", f"/users/{name}/server")
        assert status in (201, 202), body
        assert wait_until(lambda: self.server_ready(name), HUB_TIMEOUT, 0.5), self.log_tail()

    # ------------------------------------------------------------ processes

    def look(self) -> dict[int, str]:
        """The hub's processes now (also remembered, to check they are gone at the end)."""
        now = descendants(self.proc.pid)
        self.seen.update(now)
        return now

    def server_pid(self, name: str) -> int:
        """The learner's single-user server process."""
        for pid, cmd in self.look().items():
            env = _environ(pid)
            if "jupyterhub.singleuser" in cmd and env.get("JUPYTERHUB_USER") == name:
                return pid
        raise AssertionError(f"no single-user server process for {name}")

    def kernel_pids(self, name: str) -> set[int]:
        server = self.server_pid(name)
        return {pid for pid, cmd in descendants(server).items() if "ipykernel_launcher" in cmd}

    def spawn_seconds(self) -> dict[str, float]:
        """Spawn times from the hub's log ("User ana took 2.345 seconds to start")."""
        found = re.findall(r"User (\S+) took ([0-9.]+) seconds to start", self.log())
        return {name: float(seconds) for name, seconds in found}

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the hub as an instructor would (Ctrl+C): it stops the servers and the proxy."""
        if self.proc.poll() is None:
            self.look()
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()

    def kill_leftovers(self) -> list[str]:
        """Kill anything the hub started that is still running; returns what it was."""
        left = [f"{pid} {cmd}" for pid, cmd in self.seen.items() if alive(pid)]
        for pid in list(self.seen):
            if alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        return left


def _environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, v in pairs}


@pytest.fixture(scope="module")
def hub(
    tmp_path_factory: pytest.TempPathFactory, proxy_command: str, jupyterhub_installed: None
) -> Iterator[Hub]:
    if not sys.platform.startswith("linux"):
        pytest.skip("the JupyterHub suite reads processes from /proc (Linux only)")
    hub = Hub(tmp_path_factory.mktemp("hub"), proxy_command)
    try:
        yield hub
    finally:
        hub.stop()
        hub.kill_leftovers()  # a safety net; test_stopping_the_hub_... checks there are none
