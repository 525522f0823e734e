"""The core and the plots module stay free of widget and notebook machinery.

Each check runs in a fresh interpreter: in this test process other tests may
already have imported ipywidgets or matplotlib, which would hide a regression.
"""

from __future__ import annotations

import importlib.util
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

FORBIDDEN = ("ipywidgets", "IPython", "matplotlib")


def _core_modules() -> list[str]:
    """Every module under mi_toolkit/core, found without importing the package."""
    spec = importlib.util.find_spec("mi_toolkit.core")
    assert spec is not None and spec.submodule_search_locations
    names = ["mi_toolkit.core"]
    for info in pkgutil.walk_packages(spec.submodule_search_locations, prefix="mi_toolkit.core."):
        names.append(info.name)
    return sorted(names)


CORE_MODULES = _core_modules()


def _loaded_after_import(modules: list[str], cwd: Path) -> dict[str, bool]:
    """Import ``modules`` in a fresh interpreter; report which FORBIDDEN roots got loaded."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps({{m: m in sys.modules for m in {list(FORBIDDEN)!r}}}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_discovery_finds_the_core_modules() -> None:
    assert "mi_toolkit.core.content" in CORE_MODULES
    assert "mi_toolkit.core.ruler" in CORE_MODULES


@pytest.mark.parametrize("module", [*CORE_MODULES, "mi_toolkit.plots"])
def test_module_imports_no_widgets_ipython_or_matplotlib(module: str, tmp_path: Path) -> None:
    loaded = _loaded_after_import([module], tmp_path)
    assert loaded == dict.fromkeys(FORBIDDEN, False), f"importing {module} loaded {loaded}"


def test_all_core_modules_and_plots_together(tmp_path: Path) -> None:
    loaded = _loaded_after_import([*CORE_MODULES, "mi_toolkit.plots"], tmp_path)
    assert not any(loaded.values()), loaded


def test_the_check_can_see_an_import(tmp_path: Path) -> None:
    """Control: a widget module does load ipywidgets, and the probe notices."""
    loaded = _loaded_after_import(["mi_toolkit.widgets.ruler"], tmp_path)
    assert loaded["ipywidgets"] is True


def test_lazy_package_exports_resolve_and_unknown_names_fail() -> None:
    import mi_toolkit.core
    import mi_toolkit.widgets

    for package in (mi_toolkit.core, mi_toolkit.widgets):
        for name in package.__all__:
            assert getattr(package, name) is not None
        with pytest.raises(AttributeError):
            package.no_such_name  # noqa: B018
