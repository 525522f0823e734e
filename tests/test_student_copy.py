"""``mi-toolkit student-copy``: solutions out, outputs cleared, the source untouched."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from mi_toolkit.cli import main

REPO = Path(__file__).resolve().parents[1]


def _notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("print('hi')", execution_count=1)
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
    nb.cells = [
        nbformat.v4.new_markdown_cell("Task: write a reflection."),
        nbformat.v4.new_markdown_cell("Model answer: SECRET", metadata={"tags": ["solution"]}),
        code,
        nbformat.v4.new_code_cell("answer = 42", metadata={"tags": ["solution", "x"]}),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "exercises"
    _notebook(folder / "01_a.ipynb")
    _notebook(folder / "more" / "02_b.ipynb")
    (folder / "README.md").write_text("read me\n")
    (folder / ".ipynb_checkpoints").mkdir()
    _notebook(folder / ".ipynb_checkpoints" / "01_a-checkpoint.ipynb")
    return folder


def test_copy_removes_solution_cells_and_outputs_and_keeps_the_rest(src, tmp_path, capsys):
    before = (src / "01_a.ipynb").read_bytes()
    dst = tmp_path / "student"
    assert main(["student-copy", str(src), str(dst)]) == 0
    assert "wrote 2 notebooks" in capsys.readouterr().out
    for rel in ("01_a.ipynb", "more/02_b.ipynb"):
        nb = nbformat.read(dst / rel, as_version=4)
        text = nbformat.writes(nb)
        assert "SECRET" not in text and "answer = 42" not in text
        assert [c.cell_type for c in nb.cells] == ["markdown", "code"]
        assert nb.cells[1].outputs == [] and nb.cells[1].execution_count is None
        nbformat.validate(nb)
    assert (dst / "README.md").read_text() == "read me\n"
    assert not (dst / ".ipynb_checkpoints").exists()
    assert (src / "01_a.ipynb").read_bytes() == before


@pytest.mark.parametrize("inside", [".", "sub"])
def test_refuses_to_write_into_the_source(src, capsys, inside):
    assert main(["student-copy", str(src), str(src / inside)]) == 2
    assert "inside it" in capsys.readouterr().err
    assert not (src / "sub").exists()


def test_missing_source_or_no_notebooks_is_a_clear_error(tmp_path, capsys):
    assert main(["student-copy", str(tmp_path / "nope"), str(tmp_path / "out")]) == 2
    assert "no folder at" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["student-copy", str(tmp_path / "empty"), str(tmp_path / "out")]) == 2
    assert "no notebooks" in capsys.readouterr().err


def test_destination_that_is_a_file_is_refused(src, tmp_path, capsys):
    target = tmp_path / "a_file"
    target.write_text("x")
    assert main(["student-copy", str(src), str(target)]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_damaged_notebook_is_named(src, tmp_path, capsys):
    (src / "03_bad.ipynb").write_text("{not json")
    assert main(["student-copy", str(src), str(tmp_path / "out")]) == 2
    assert "03_bad.ipynb" in capsys.readouterr().err


def test_the_shipped_exercises_have_solutions_and_lose_them(tmp_path, capsys):
    exercises = REPO / "exercises"
    notebooks = sorted(exercises.glob("*.ipynb"))
    assert len(notebooks) >= 3
    assert main(["student-copy", str(exercises), str(tmp_path / "student")]) == 0
    for path in notebooks:
        original = nbformat.read(path, as_version=4)
        tagged = [c for c in original.cells if "solution" in c.metadata.get("tags", [])]
        assert tagged, f"{path.name} has no solution cells"
        copy = nbformat.read(tmp_path / "student" / path.name, as_version=4)
        assert len(copy.cells) == len(original.cells) - len(tagged)
        text = nbformat.writes(copy)
        for cell in tagged:
            assert cell.source not in text
