"""JupyterHub for a class on one machine: every learner gets their own server, lessons, journal.

Run it from a folder the hub may write to (its database, cookie secret and the
proxy's pid file go there)::

    cd /srv/jupyterhub && jupyterhub -f /path/to/mi_toolkit/deploy/jupyterhub_config.py

What each learner gets (see deploy/README.md):

- their own single-user server, opening the course start page in Voila
  (``/voila/render/notebooks/00_start.ipynb``); Voila runs as a server extension,
  with the settings of ``mi-toolkit serve`` (sources stripped, tracebacks hidden,
  cells tagged ``solution`` removed, idle kernels culled);
- in their home folder: ``notebooks/`` (the lessons, refreshed on every start: the
  notebooks hold no learner work) and ``exercises/`` (a *student copy* of the
  exercises, made by ``mi-toolkit student-copy``: the instructor's solution cells are
  not in it; notebooks already there are kept, so answers typed in JupyterLab stay);
- their own journal (``MI_TOOLKIT_DATA_DIR`` in their home); the learner's name is
  their hub user name (``JUPYTERHUB_USER``);
- servers idle for an hour are stopped by jupyterhub-idle-culler (a hub service).
  Work is saved as the learner goes, so culling loses nothing.

The course comes from this checkout (or ``$MI_TOOLKIT_COURSE_DIR``). Learners with
system accounts can read any file their account may read: keep the checkout, whose
``exercises/`` holds the solutions, unreadable to them (``chmod -R o-rwx``), and
install the toolkit for them with ``pip install .`` (not ``-e``).

Authentication and spawner are JupyterHub's defaults (system users, PAM, one
process per user). Set ``c.JupyterHub.authenticator_class`` below for another
login (for a short workshop: ``"shared-password"``). Settings to change are the
upper-case names.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import sys
import tempfile
from pathlib import Path

from mi_toolkit.serve import SOLUTION_TAG
from mi_toolkit.student_copy import student_copy

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

COURSE_DIR = Path(os.environ.get("MI_TOOLKIT_COURSE_DIR") or Path(__file__).resolve().parents[1])
LESSONS = "notebooks"
EXERCISES = "exercises"
DEFAULT_URL = f"/voila/render/{LESSONS}/00_start.ipynb"
JOURNAL_DIR = ".local/share/mi_toolkit"  # inside each learner's home
SERVER_IDLE_TIMEOUT = 3600  # seconds with no activity before a learner's server is stopped
SERVER_CULL_EVERY = 600  # how often the culler looks, in seconds
KERNEL_IDLE_TIMEOUT = 600  # seconds a kernel with no page connected is kept (as mi-toolkit serve)
KERNEL_CULL_INTERVAL = 60  # how often the server looks, in seconds

# ---------------------------------------------------------------- learner homes


def learner_home(spawner) -> Path:
    """The learner's home folder: the spawner's own (test spawner) or the system user's."""
    home = getattr(spawner, "home_dir", None)
    return Path(home) if home else Path(pwd.getpwnam(spawner.user.name).pw_dir)


def _copy_missing(src: Path, dst: Path) -> None:
    """Copy every file of ``src`` to ``dst`` that ``dst`` does not have yet."""
    for path in sorted(src.rglob("*")):
        target = dst / path.relative_to(src)
        if path.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def prepare_learner_home(spawner) -> None:
    """Before each start: lessons refreshed, student exercises added, journal folder made."""
    home = learner_home(spawner)
    lessons, exercises, journal = home / LESSONS, home / EXERCISES, home / JOURNAL_DIR
    lessons.mkdir(parents=True, exist_ok=True)
    for path in sorted((COURSE_DIR / LESSONS).glob("*.ipynb")):
        shutil.copy2(path, lessons / path.name)
    if (COURSE_DIR / EXERCISES).is_dir():
        with tempfile.TemporaryDirectory(prefix="mi-student-copy-") as tmp:
            student_copy(COURSE_DIR / EXERCISES, Path(tmp) / EXERCISES)
            _copy_missing(Path(tmp) / EXERCISES, exercises)
    journal.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0 and not getattr(spawner, "home_dir", None):
        # The hub runs as root and the learner is a system user: hand the files over.
        account = pwd.getpwnam(spawner.user.name)
        made = [*lessons.rglob("*"), *exercises.rglob("*"), lessons, exercises]
        made += [journal, *journal.relative_to(home).parents][:-1]  # .local, .local/share, ...
        for path in made:
            os.chown(home / path, account.pw_uid, account.pw_gid, follow_symlinks=False)
    spawner.log.info("mi_toolkit: prepared %s for %s", home, spawner.user.name)


async def _pre_spawn_hook(spawner) -> None:
    await asyncio.to_thread(prepare_learner_home, spawner)  # file copies off the hub's loop


c.Spawner.pre_spawn_hook = _pre_spawn_hook

# ---------------------------------------------------------------- single-user servers

# The server runs in the hub's Python environment (the toolkit is installed there).
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = DEFAULT_URL
c.Spawner.environment = {
    "MI_TOOLKIT_DATA_DIR": lambda spawner: str(learner_home(spawner) / JOURNAL_DIR),
}


# What ``mi-toolkit serve`` sets, given to each learner's server (Voila runs in it as a
# server extension and reads the server's configuration). deploy/z2jh-values.yaml
# mounts the same settings as a file (a test keeps the two equal).
SINGLE_USER_CONFIG = {
    # The page template is Voila's lab without its CDN links (installed with the package).
    "VoilaConfiguration": {
        "strip_sources": True,
        "show_tracebacks": False,
        "template": "mi_toolkit",
    },
    # Kernels whose page was closed without telling the server (a crashed browser) are
    # stopped; a kernel with its page open is connected and never culled.
    "MappingKernelManager": {
        "cull_idle_timeout": KERNEL_IDLE_TIMEOUT,
        "cull_interval": KERNEL_CULL_INTERVAL,
        "cull_connected": False,
    },
    # Cells tagged "solution" never reach a Voila page (the student copy has none anyway).
    "TagRemovePreprocessor": {"remove_cell_tags": [SOLUTION_TAG], "enabled": True},
}


def single_user_args(config: dict) -> list[str]:
    """``{"Class": {"name": value}}`` as command-line options (a list repeats its option)."""
    args = []
    for section, values in config.items():
        for name, value in values.items():
            for item in value if isinstance(value, list) else [value]:
                args.append(f"--{section}.{name}={item}")
    return args


c.Spawner.args = single_user_args(SINGLE_USER_CONFIG)
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60

# ---------------------------------------------------------------- idle servers

c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={SERVER_IDLE_TIMEOUT}",
            f"--cull-every={SERVER_CULL_EVERY}",
        ],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]

# ---------------------------------------------------------------- login

# JupyterHub's default is PAM (the machine's user accounts). For a workshop with
# throw-away accounts:
#   c.JupyterHub.authenticator_class = "shared-password"
#   c.SharedPasswordAuthenticator.user_password = "at least 8 characters"
#   c.Authenticator.allowed_users = {"ana", "ben"}
# c.Authenticator.admin_users = {"instructor"}
