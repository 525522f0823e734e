"""``mi-toolkit student-copy``: the exercise notebooks without their solutions.

Every ``.ipynb`` under SRC_DIR is copied to the same place under DST_DIR with the
cells tagged ``solution`` removed and all outputs cleared; other files (a README,
data) are copied as they are. The source is never written to.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from mi_toolkit.serve import SOLUTION_TAG

__all__ = ["add_parser", "run", "student_copy"]


class StudentCopyError(Exception):
    """Why a student copy could not be made."""


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "student-copy",
        help="copy exercise notebooks without their solution cells",
        description=f"Copy every notebook in SRC_DIR to DST_DIR with the cells tagged "
        f"{SOLUTION_TAG!r} removed and outputs cleared. Other files are copied as they "
        "are. DST_DIR must not be SRC_DIR or inside it.",
    )
    parser.add_argument("src", type=Path, metavar="SRC_DIR", help="folder of exercise notebooks")
    parser.add_argument("dst", type=Path, metavar="DST_DIR", help="folder to write the copy to")


def _strip(path: Path, target: Path) -> int:
    """Write ``path`` to ``target`` without solution cells; returns how many were removed."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several kinds for a damaged file
        raise StudentCopyError(f"cannot read {path}: {exc}") from exc
    kept = [c for c in nb.cells if SOLUTION_TAG not in c.get("metadata", {}).get("tags", [])]
    removed = len(nb.cells) - len(kept)
    for cell in kept:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.cells = kept
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return removed


def student_copy(src: Path, dst: Path) -> tuple[int, int]:
    """Copy ``src`` to ``dst`` for students; returns (notebooks, solution cells removed)."""
    if not src.is_dir():
        raise StudentCopyError(f"no folder at {src}")
    src_real, dst_real = src.resolve(), dst.resolve()
    if dst_real == src_real or src_real in dst_real.parents:
        raise StudentCopyError(f"{dst} is {src} or inside it: choose a folder outside {src}")
    if dst.exists() and not dst.is_dir():
        raise StudentCopyError(f"{dst} exists and is not a folder")
    notebooks = removed = 0
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_dir() or any(part.startswith(".") for part in rel.parts):
            continue  # checkpoints and hidden files stay behind
        target = dst / rel
        if path.suffix == ".ipynb":
            removed += _strip(path, target)
            notebooks += 1
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    if notebooks == 0:
        raise StudentCopyError(f"no notebooks (.ipynb) in {src}")
    return notebooks, removed


def run(args: argparse.Namespace) -> int:
    try:
        notebooks, removed = student_copy(args.src, args.dst)
    except (StudentCopyError, OSError) as exc:
        print(f"mi-toolkit student-copy: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {notebooks} notebooks to {args.dst} ({removed} solution cells removed)")
    return 0
