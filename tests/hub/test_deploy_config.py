"""deploy/: what the hub config gives a learner's home, and the z2jh values agree with it.

Fast checks with no hub running; tests/hub/test_jupyterhub.py runs the real thing.
"""

from __future__ import annotations

import types
from pathlib import Path

import nbformat
import pytest
import yaml
from traitlets.config import Config

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def load_hub_config(monkeypatch, course: Path | None = None) -> dict:
    """Run deploy/jupyterhub_config.py as JupyterHub would; returns its namespace (``c``...)."""
    if course is not None:
        monkeypatch.setenv("MI_TOOLKIT_COURSE_DIR", str(course))
    path = DEPLOY / "jupyterhub_config.py"
    config = Config()
    namespace = {"__file__": str(path), "__name__": "config", "get_config": lambda: config}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A tiny course: two lessons, one exercise with a solution cell."""
    root = tmp_path / "course"
    for name in ("00_start.ipynb", "07_rulers.ipynb"):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"lesson {name}")])
        (root / "notebooks").mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, root / "notebooks" / name)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("Task: rate a change."),
        nbformat.v4.new_markdown_cell("MODEL ANSWER 42", metadata={"tags": ["solution"]}),
    ]
    (root / "exercises").mkdir()
    nbformat.write(nb, root / "exercises" / "07_ex.ipynb")
    return root


def fake_spawner(home: Path | None, name: str = "ana"):
    messages: list[str] = []
    log = types.SimpleNamespace(info=lambda msg, *args: messages.append(msg % args))
    spawner = types.SimpleNamespace(user=types.SimpleNamespace(name=name), log=log)
    if home is not None:
        spawner.home_dir = str(home)
    return spawner


def test_a_new_home_gets_lessons_student_exercises_and_a_journal_folder(
    monkeypatch, course, tmp_path
) -> None:
    hub = load_hub_config(monkeypatch, course)
    home = tmp_path / "homes" / "ana"
    hub["prepare_learner_home"](fake_spawner(home))
    assert sorted(p.name for p in (home / "notebooks").iterdir()) == [
        "00_start.ipynb",
        "07_rulers.ipynb",
    ]
    exercise = (home / "exercises" / "07_ex.ipynb").read_text()
    assert "Task: rate a change." in exercise
    assert "MODEL ANSWER" not in exercise
    assert (home / ".local" / "share" / "mi_toolkit").is_dir()
    assert hub["c"].Spawner.environment["MI_TOOLKIT_DATA_DIR"](fake_spawner(home)) == str(
        home / ".local" / "share" / "mi_toolkit"
    )


def test_a_restart_refreshes_lessons_but_keeps_the_learners_exercise_answers(
    monkeypatch, course, tmp_path
) -> None:
    hub = load_hub_config(monkeypatch, course)
    home = tmp_path / "ana"
    hub["prepare_learner_home"](fake_spawner(home))
    (home / "exercises" / "07_ex.ipynb").write_text("my answers")
    (home / "notebooks" / "07_rulers.ipynb").write_text("broken by the learner")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("new exercise")])
    nbformat.write(nb, course / "exercises" / "08_new.ipynb")
    hub["prepare_learner_home"](fake_spawner(home))
    assert (home / "exercises" / "07_ex.ipynb").read_text() == "my answers"
    assert (home / "exercises" / "08_new.ipynb").is_file()
    assert "lesson 07_rulers.ipynb" in (home / "notebooks" / "07_rulers.ipynb").read_text()


def test_as_root_the_files_are_handed_to_the_system_user(monkeypatch, course, tmp_path) -> None:
    hub = load_hub_config(monkeypatch, course)
    home = tmp_path / "home" / "ana"
    account = types.SimpleNamespace(pw_dir=str(home), pw_uid=1234, pw_gid=5678)
    namespace = hub["prepare_learner_home"].__globals__
    monkeypatch.setitem(namespace, "pwd", types.SimpleNamespace(getpwnam=lambda name: account))
    chowned: dict[Path, tuple[int, int]] = {}
    monkeypatch.setattr(namespace["os"], "geteuid", lambda: 0)
    monkeypatch.setattr(
        namespace["os"], "chown", lambda p, u, g, **kw: chowned.__setitem__(Path(p), (u, g))
    )
    hub["prepare_learner_home"](fake_spawner(None))
    expected = {
        home / "notebooks",
        home / "notebooks" / "00_start.ipynb",
        home / "exercises" / "07_ex.ipynb",
        home / ".local",
        home / ".local" / "share" / "mi_toolkit",
    }
    assert expected <= set(chowned)
    assert home not in chowned  # the home itself is the system's business
    assert set(chowned.values()) == {(1234, 5678)}


def test_the_single_user_options_are_the_voila_and_culling_settings(monkeypatch) -> None:
    hub = load_hub_config(monkeypatch)
    c = hub["c"]
    assert c.Spawner.default_url == "/voila/render/notebooks/00_start.ipynb"
    assert (REPO / "notebooks" / "00_start.ipynb").is_file()
    assert c.Spawner.args == [
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.template=mi_toolkit",
        "--MappingKernelManager.cull_idle_timeout=600",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=False",
        "--TagRemovePreprocessor.remove_cell_tags=solution",
        "--TagRemovePreprocessor.enabled=True",
    ]
    (culler,) = c.JupyterHub.services
    assert culler["name"] == "idle-culler"
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    (role,) = c.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"]
    assert {"list:users", "read:users:activity", "read:servers", "delete:servers"} <= set(
        role["scopes"]
    )


def test_the_z2jh_values_carry_the_same_settings(monkeypatch) -> None:
    hub = load_hub_config(monkeypatch)
    c = hub["c"]
    values = yaml.safe_load((DEPLOY / "z2jh-values.yaml").read_text())
    single = values["singleuser"]
    assert single["defaultUrl"] == c.Spawner.default_url
    server_config = single["extraFiles"]["mi-toolkit-server-config"]
    assert server_config["mountPath"].endswith("/jupyter_server_config.json")
    assert server_config["data"] == hub["SINGLE_USER_CONFIG"]
    home = single["storage"]["homeMountPath"]
    assert single["extraEnv"]["MI_TOOLKIT_DATA_DIR"] == f"{home}/{hub['JOURNAL_DIR']}"
    command = " ".join(single["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert f"{home}/notebooks" in command and f"{home}/exercises" in command
    assert "/srv/mi_toolkit/exercises" in command  # the image's student copy, not the repo's
    culler_args = c.JupyterHub.services[0]["command"]
    assert f"--timeout={values['cull']['timeout']}" in culler_args
    assert f"--cull-every={values['cull']['every']}" in culler_args
    assert values["cull"]["enabled"] is True
