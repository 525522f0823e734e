"""What a lesson page carries: widget models, their state, the stylesheet, matplotlib.

A Voila page asks the kernel for the state of every widget model before it shows
the first widget, so each lesson's models and state bytes are kept within a
budget here (measured in-process: the notebook's code cells run, then every live
model's ``get_state()`` is counted, as the page would receive it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import ipywidgets as widgets
import pytest

from mi_toolkit.widgets import LessonBar, Quiz, ReadinessRuler
from mi_toolkit.widgets._common import fixed_layout, html, stylesheet

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# Measured when set (Nov 2026): 30-129 models, 25-82 KiB per lesson (was 50-310
# models, 45-244 KiB). The trivial one-slider page: 3 models, 2 KiB.
MAX_MODELS = 140
MAX_STATE_KIB = 100


def _code_cells(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def _page(notebook: Path) -> tuple[int, int]:
    widgets.Widget.close_all()
    namespace: dict = {}
    for source in _code_cells(notebook):
        exec(compile(source, str(notebook), "exec"), namespace)
    live = list(widgets.Widget.widgets.values())
    size = sum(len(json.dumps(w.get_state(), default=str)) for w in live)
    return len(live), size


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_page_models_and_state_stay_small(notebook: Path) -> None:
    models, size = _page(notebook)
    assert models <= MAX_MODELS, f"{notebook.name}: {models} widget models"
    assert size <= MAX_STATE_KIB * 1024, f"{notebook.name}: {size / 1024:.0f} KiB of state"


def test_the_stylesheet_is_one_model_shared_by_every_widget() -> None:
    bar = LessonBar("readiness_rulers", environ={})
    ruler, quiz = ReadinessRuler(), Quiz("readiness_rulers")
    sheets = [w.children[0] for w in (bar, ruler, quiz)]
    assert sheets[0] is sheets[1] is sheets[2] is stylesheet()
    assert "<style>" in sheets[0].value and sheets[0].layout.display == "none"
    widgets.Widget.close_all()  # a closed one is made again, not reused
    assert stylesheet() is not sheets[0] and stylesheet().comm is not None


def test_html_parts_share_one_layout_and_style() -> None:
    a, b = html("<p>a</p>"), html()
    assert a.layout is b.layout is fixed_layout() and a.style is b.style
    assert a.value == "<p>a</p>"


def test_no_lesson_loads_matplotlib_or_the_whole_coder_before_it_is_needed() -> None:
    """Every lesson page is built (and restored) without matplotlib; only the
    transcript lesson (11) loads the coder at import."""
    code = (
        "import json, sys\n"
        "out = {}\n"
        "for path in sys.argv[1:]:\n"
        "    ns = {}\n"
        "    cells = json.load(open(path))['cells']\n"
        "    for c in cells:\n"
        "        if c['cell_type'] == 'code':\n"
        "            exec(''.join(c['source']), ns)\n"
        "    mods = set(m.split('.')[0] for m in sys.modules)\n"
        "    out[path[-30:]] = ['matplotlib' in mods, 'mi_toolkit.core.coder' in sys.modules]\n"
        "print(json.dumps(out))"
    )
    for notebook in NOTEBOOKS:
        run = subprocess.run(
            [sys.executable, "-c", code, str(notebook)], capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        (mpl, coder), *_ = json.loads(run.stdout.strip().splitlines()[-1]).values()
        assert not mpl, f"{notebook.name} loaded matplotlib while building its page"
        if notebook.name[:2] != "11":
            assert not coder, f"{notebook.name} loaded the coder while building its page"
