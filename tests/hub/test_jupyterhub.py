"""A class on a real JupyterHub with deploy/jupyterhub_config.py: two learners, two browsers.

The tests run in order on one hub (module scope): learner servers with the
lessons and a student copy of the exercises, logins landing on the start page,
each learner's ruler ratings in their own journal, no solutions in reach, axe on
a hub-served page, the idle culler stopping idle servers, and nothing left
running once the hub stops. Figures (hub start, spawn, memory) are printed at
the end; they are not asserted.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from mi_toolkit.core.journal import FILE_NAME, Journal
from tests.browser.conftest import PAGE_TIMEOUT_MS

from .conftest import (
    LEARNERS,
    PASSWORD,
    REPO,
    _environ,
    alive,
    cpu_seconds,
    descendants,
    rss_mb,
    wait_until,
)

LESSON = "07_readiness_rulers.ipynb"
START_URL = "/voila/render/notebooks/00_start.ipynb"
JOURNAL_DIR = Path(".local/share/mi_toolkit")
CHANGES = {"ana": ("walk to work", 6), "ben": ("cook at home", 3)}
LOGIN_TIMEOUT_MS = 240_000
MEASURED: dict[str, str] = {}


def _mb(value: float) -> str:
    return f"{value:.0f} MB"


def solution_phrases() -> list[str]:
    """Distinctive lines of every instructor solution cell in the repo's exercises."""
    phrases = []
    for path in sorted((REPO / "exercises").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if "solution" in cell.metadata.get("tags", []):
                lines = [line.strip() for line in cell.source.splitlines()]
                phrases += sorted((line for line in lines if len(line) > 40), key=len)[-2:]
    assert len(phrases) >= 10, "expected solution cells in exercises/"
    return phrases


# ---------------------------------------------------------------- learners


def log_in(context: BrowserContext, hub, name: str) -> Page:
    page = context.new_page()
    page.goto(hub.url + "/hub/login")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill(PASSWORD)
    page.locator("#login_submit").click()
    # the hub spawns the server if needed (up to its start_timeout), then the start page
    page.locator(".mi-course").wait_for(state="visible", timeout=LOGIN_TIMEOUT_MS)
    return page


@pytest.fixture(scope="module")
def learners(hub, browser):
    """Both learners logged in, each in their own browser context (own cookies)."""
    contexts: dict[str, BrowserContext] = {}
    pages: dict[str, Page] = {}
    # ana's server is started through the API first, so it can be measured with no kernel.
    started = time.monotonic()
    hub.spawn("ana")
    MEASURED["spawn ana (REST API, until ready)"] = f"{time.monotonic() - started:.1f} s"
    server = hub.server_pid("ana")
    assert hub.kernel_pids("ana") == set()
    MEASURED["CPU time ana's server used to start"] = f"{cpu_seconds(server):.1f} s"
    MEASURED["RSS ana's server, no kernel"] = _mb(rss_mb(server))
    try:
        for name in LEARNERS:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.set_default_timeout(PAGE_TIMEOUT_MS)
            contexts[name] = context
            started = time.monotonic()
            pages[name] = log_in(context, hub, name)
            seconds = time.monotonic() - started
            MEASURED[f"login {name} until the start page shows"] = f"{seconds:.1f} s"
        yield pages
    finally:
        for context in contexts.values():
            context.close()


# ---------------------------------------------------------------- the tests


def test_the_hub_runs_the_idle_culler_as_a_service(hub) -> None:
    MEASURED["hub start (until its API answers through the proxy)"] = f"{hub.start_seconds:.1f} s"
    MEASURED["CPU time the hub used to start"] = f"{hub.start_cpu_seconds:.1f} s"
    status, services = hub.api("GET", "/services")
    assert status == 200, services
    culler = services["idle-culler"]
    assert "jupyterhub_idle_culler" in " ".join(culler["command"])
    assert any("jupyterhub_idle_culler" in cmd for cmd in hub.look().values())
    # it can list users with the role the deploy config gives it
    assert wait_until(lambda: "200 GET /hub/api/users?" in _culler_lines(hub), 30), hub.log_tail()
    processes = hub.look()
    proxy = [pid for pid, cmd in processes.items() if "configurable-http-proxy" in cmd]
    culler_pids = [pid for pid, cmd in processes.items() if "jupyterhub_idle_culler" in cmd]
    MEASURED["RSS hub + proxy + culler"] = " + ".join(
        _mb(rss_mb(pid)) for pid in [hub.proc.pid, *proxy, *culler_pids]
    )


def _culler_lines(hub) -> str:
    return "\n".join(line for line in hub.log().splitlines() if "(idle-culler@" in line)


def test_a_learner_server_gets_lessons_exercises_and_its_settings(hub, learners) -> None:
    home = hub.homes / "ana"
    lessons = sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (home / "notebooks").glob("*.ipynb")) == lessons
    exercises = sorted(p.name for p in (REPO / "exercises").glob("*.ipynb"))
    assert sorted(p.name for p in (home / "exercises").glob("*.ipynb")) == exercises
    server = hub.server_pid("ana")
    cmdline = Path(f"/proc/{server}/cmdline").read_bytes().decode().split("\0")
    assert "--VoilaConfiguration.strip_sources=True" in cmdline
    assert "--MappingKernelManager.cull_idle_timeout=600" in cmdline
    # the server's kernel manager culls idle kernels (logged when the first kernel starts)
    assert "Culling kernels with idle durations > 600 seconds at 60 second" in hub.log()


def test_logging_in_lands_on_the_start_page_under_the_learners_name(hub, learners) -> None:
    for name, page in learners.items():
        assert page.url.split("?")[0] == f"{hub.url}/user/{name}{START_URL}"
        expect(page.locator(".mi-course")).to_be_visible()
        # the hub decides who this is: no name box to type another learner's name in
        expect(page.locator(".mi-learner-name")).to_be_hidden()
        html = page.content()
        assert "from mi_toolkit" not in html  # sources stripped
        assert "/voila/templates/mi_toolkit/static/" in html  # the toolkit's page template,
        assert "cdn.jsdelivr.net" not in html  # which links no CDN
        for kernel in hub.kernel_pids(name):
            env = _environ(kernel)
            assert env["JUPYTERHUB_USER"] == name
            assert env["MI_TOOLKIT_DATA_DIR"] == str(hub.homes / name / JOURNAL_DIR)
    spawn = hub.spawn_seconds()
    for name in LEARNERS:
        MEASURED[f"spawn {name} (hub log: 'took N seconds to start')"] = f"{spawn[name]:.1f} s"
    server = hub.server_pid("ana")
    kernels = hub.kernel_pids("ana")
    MEASURED["RSS ana's server + start-page kernel"] = (
        f"{_mb(rss_mb(server))} + {' + '.join(_mb(rss_mb(k)) for k in kernels)}"
    )


def test_each_learners_ratings_land_in_their_own_journal(hub, learners) -> None:
    for name, page in learners.items():
        change, importance = CHANGES[name]
        page.goto(f"{hub.url}/user/{name}/voila/render/notebooks/{LESSON}")
        page.locator(".mi-readiness-ruler").wait_for(state="visible")
        # leaving the start page shut its kernel down (Voila's page-close request
        # passes the hub's XSRF check), so only the lesson's kernel runs
        assert wait_until(lambda n=name: len(hub.kernel_pids(n)) == 1, 30), hub.kernel_pids(name)
        page.get_by_label("The change").fill(change)
        page.get_by_label("Importance", exact=True).select_option(index=importance + 1)
        page.get_by_role("button", name="Record these ratings").click()
        expect(page.locator(".mi-readiness-ruler .mi-status")).to_contain_text("1 recorded rating")
        page.locator(".mi-chart img").wait_for(state="visible")
    for name in LEARNERS:
        path = hub.homes / name / JOURNAL_DIR / FILE_NAME
        assert path.is_file(), f"no journal at {path}"
        journal = Journal(path)
        try:
            entries = journal.entries()
        finally:
            journal.close()
        assert {entry.learner for entry in entries} == {name}
        saved = json.dumps([entry.to_dict() for entry in entries])
        mine, other = CHANGES[name][0], CHANGES["ben" if name == "ana" else "ana"][0]
        assert mine in saved and other not in saved
        assert any(entry.lesson == "readiness_rulers" for entry in entries)
    server = hub.server_pid("ana")
    MEASURED["RSS ana's server + kernels after the ruler lesson drew a chart"] = (
        f"{_mb(rss_mb(server))} + "
        + " + ".join(_mb(rss_mb(k)) for k in sorted(hub.kernel_pids("ana")))
    )


def test_a_learner_cannot_open_another_learners_server(hub, learners) -> None:
    page = learners["ben"]
    response = page.request.get(f"{hub.url}/user/ana/api/contents", max_redirects=10)
    assert response.status == 403, (response.status, response.url)
    response = page.request.get(f"{hub.url}/user/ben/api/contents", max_redirects=10)
    assert response.status == 200


def test_no_solution_is_within_a_learners_reach(hub, learners) -> None:
    phrases = solution_phrases()
    for name in LEARNERS:
        for path in (hub.homes / name).rglob("*"):
            if path.is_file() and path.stat().st_size < 5_000_000:
                text = path.read_text(errors="replace")
                found = [phrase for phrase in phrases if phrase in text]
                assert not found, f"{path} holds solution text: {found[:2]}"
    page = learners["ana"]
    for notebook in sorted((REPO / "exercises").glob("*.ipynb")):
        url = f"{hub.url}/user/ana/files/exercises/{notebook.name}"
        response = page.request.get(url)  # what JupyterLab's file browser would give
        assert response.status == 200, url
        served = nbformat.reads(response.text(), as_version=4)
        original = nbformat.read(notebook, as_version=4)
        kept = [c for c in original.cells if "solution" not in c.metadata.get("tags", [])]
        assert len(served.cells) == len(kept) < len(original.cells)
        assert not [phrase for phrase in phrases if phrase in response.text()]


def test_axe_finds_no_wcag_a_or_aa_violation_on_a_hub_page(hub, learners) -> None:
    page = learners["ana"]
    assert page.url.endswith(LESSON)
    page.locator(".mi-chart img").wait_for(state="visible")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}})
    violations = results.response["violations"]
    assert violations == [], results.generate_report() + json.dumps(
        [[n["target"] for n in v["nodes"]] for v in violations]
    )


def test_the_idle_culler_stops_idle_servers(hub, learners) -> None:
    """The deploy config's culler command, with a 1 s limit, and its role's token."""
    for page in learners.values():
        page.context.close()  # the learners leave
    servers = {name: hub.server_pid(name) for name in LEARNERS}
    kernels = {pid for name in LEARNERS for pid in hub.kernel_pids(name)}
    assert kernels
    status, services = hub.api("GET", "/services")
    command = [
        arg
        for arg in services["idle-culler"]["command"]
        if not arg.startswith(("--timeout", "--cull-every"))
    ]
    env = {"JUPYTERHUB_API_TOKEN": hub.culler_token, "JUPYTERHUB_API_URL": hub.api_url}
    started = time.monotonic()
    culler = subprocess.Popen(
        [*command, "--timeout=1", "--cull-every=2"],
        env={**_base_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        stopped = wait_until(lambda: not any(hub.user(n)["servers"] for n in LEARNERS), 90)
    finally:
        culler.terminate()
        output = culler.communicate(timeout=30)[0].decode(errors="replace")
    assert stopped, f"{shlex.join(command)} culled nothing:\n{output[-3000:]}"
    MEASURED["idle culler: both idle servers stopped after"] = f"{time.monotonic() - started:.1f} s"
    assert "Culling server" in output, output[-3000:]
    assert wait_until(lambda: not any(alive(p) for p in [*servers.values(), *kernels]), 30)


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB_")}


def test_stopping_the_hub_leaves_no_process_behind(hub, capsys) -> None:
    hub.look()
    assert any("configurable-http-proxy" in cmd for cmd in hub.seen.values())
    hub.stop()
    assert hub.proc.returncode is not None
    gone = wait_until(lambda: not any(alive(pid) for pid in hub.seen), 30)
    left = [f"{pid} {cmd}" for pid, cmd in hub.seen.items() if alive(pid)]
    assert gone, f"still running after the hub stopped: {left}"
    assert not descendants(hub.proc.pid)
    width = max(len(key) for key in MEASURED)
    report = "\n".join(f"  {key:<{width}}  {value}" for key, value in MEASURED.items())
    with capsys.disabled():
        print(f"\n[hub figures]\n{report}")
