"""Binder: the pinned build installs and serves a lesson, as repo2docker would do it.

repo2docker, seeing a ``binder/`` folder, runs ``pip install -r
binder/requirements.txt`` and then ``binder/postBuild`` (from the repository root,
with the user's home as ``$HOME``); mybinder then starts a Jupyter server in the
repository, with Voila as a server extension. The slow test below does the same
in a fresh virtual environment (pip's cache is used, which changes how long it
takes, not what is installed) and asks that server for a lesson and an exercise.
It needs the package index (CI has it); it takes a few minutes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.browser.conftest import free_port

REPO = Path(__file__).resolve().parent.parent
BINDER = REPO / "binder"
# The build environment is not the test run's: no venv, PYTHON* or JUPYTER* settings.
_NOT_INHERITED = ("VIRTUAL_ENV", "PYTHON", "JUPYTER")
SOLUTION = "likely result is that the student defends late-night gaming"


def _normalise(line: str) -> tuple[str, str]:
    name, _, version = line.strip().partition("==")
    return re.sub(r"[-_.]+", "-", name).lower(), version


def _pins() -> dict[str, str]:
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = _normalise(line)
            assert version, f"binder/requirements.txt: {line!r} is not pinned with =="
            pins[name] = version
    return pins


def _dependencies() -> list[str]:
    import tomllib

    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]


def test_every_dependency_is_pinned_to_a_version_it_accepts() -> None:
    pins = _pins()
    for spec in _dependencies():
        req = Requirement(spec)
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        assert name in pins, f"{req.name} is not pinned in binder/requirements.txt"
        assert req.specifier.contains(pins[name]), f"pin {name}=={pins[name]} breaks {spec}"


def test_the_build_files_are_what_repo2docker_reads() -> None:
    assert (BINDER / "runtime.txt").read_text().strip() == (
        f"python-{sys.version_info.major}.{sys.version_info.minor}"
    ), "binder/runtime.txt should name the Python the tests run on"
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "repo2docker runs postBuild only if it is executable"
    assert "--no-deps" in post_build.read_text()


def _get(url: str, timeout: float = 180) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        return 0, str(exc)  # not listening yet


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="repo2docker builds Linux images")
def test_a_fresh_binder_environment_renders_a_lesson(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    home = tmp_path / "home"
    home.mkdir()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(_NOT_INHERITED)},
        "HOME": str(home),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        # pip's cache stays where it was (HOME is the build's): faster, same packages.
        "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")),
    }
    # Exactly repo2docker's two steps, from the repository root.
    pip = [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(BINDER / "requirements.txt")], cwd=REPO, env=env, check=True)
    subprocess.run(["bash", str(BINDER / "postBuild")], cwd=REPO, env=env, check=True)
    listed = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "list", "--format=freeze"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    installed = dict(_normalise(line) for line in listed.splitlines() if "==" in line)
    moved = {name: (pin, installed.get(name)) for name, pin in _pins().items()}
    assert {n: v for n, v in moved.items() if v[0] != v[1]} == {}  # nothing moved off its pin
    assert "mi-toolkit" in installed

    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [
            str(bin_dir / "jupyter"),
            "server",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            *(["--allow-root"] if os.geteuid() == 0 else []),  # Binder never runs as root
        ],
        cwd=REPO,
        env={**env, "MI_TOOLKIT_DATA_DIR": str(tmp_path / "journal")},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while _get(base + "/api", timeout=5)[0] != 200:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "the Binder server did not start"
            time.sleep(0.5)
        status, page = _get(base + "/voila/render/notebooks/00_start.ipynb")
        assert status == 200, page[-2000:]
        assert "application/vnd.jupyter.widget-view+json" in page
        assert "Traceback" not in page and "ModuleNotFoundError" not in page
        assert "from mi_toolkit" not in page  # sources stripped, as with mi-toolkit serve
        assert "/voila/templates/mi_toolkit/static/" in page  # the package's template ...
        assert "cdn.jsdelivr.net" not in page  # ... which links no CDN
        status, page = _get(base + "/voila/render/exercises/01_mi_spirit_exercises.ipynb")
        assert status == 200, page[-2000:]
        assert "From fixing to the spirit of MI" in page
        assert SOLUTION in (REPO / "exercises" / "01_mi_spirit_exercises.ipynb").read_text()
        assert SOLUTION not in page  # the model answers are left out of the Voila page
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(venv, ignore_errors=True)
