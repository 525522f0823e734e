"""Load the JSON content files shipped in ``mi_toolkit/content``.

Every file carries a ``schema_version``; a file that is missing, is not valid JSON
or has the wrong version raises :class:`ContentError` naming the file and the key.

Example::

    >>> data = load_content("rulers.json")
    >>> data["schema_version"]
    1
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["ContentError", "load_content", "read_content", "read_json_file"]

PACKAGE = "mi_toolkit.content"


class ContentError(ValueError):
    """A content file is missing, malformed or fails validation.

    The message names the file and, where there is one, the key.
    """

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file = file
        self.key = key
        self.problem = problem
        where = f"{file}, key {key!r}" if key else file
        super().__init__(f"{where}: {problem}")


def read_json_file(path: str | Path, *, name: str | None = None) -> dict[str, Any]:
    """Read a JSON object from ``path``; errors become :class:`ContentError`."""
    label = name or str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ContentError(label, "", "file not found") from None
    except UnicodeDecodeError as exc:
        raise ContentError(label, "", f"not UTF-8 text (byte {exc.start})") from None
    return _parse(text, label)


def load_content(name: str) -> dict[str, Any]:
    """Read the packaged content file ``name`` (for example ``"rulers.json"``)."""
    ref = resources.files(PACKAGE).joinpath(name)
    try:
        text = ref.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ContentError(name, "", "no such file in mi_toolkit/content") from None
    except UnicodeDecodeError as exc:
        raise ContentError(name, "", f"not UTF-8 text (byte {exc.start})") from None
    return _parse(text, name)


def read_content(default: str, path: str | Path | None = None) -> tuple[dict[str, Any], str]:
    """The packaged file ``default``, or the file at ``path``: ``(data, file name)``.

    The name is what error messages quote, so a learner-supplied file is named as such.
    """
    if path is None:
        return load_content(default), default
    name = Path(path).name
    return read_json_file(path, name=name), name


def load_text(name: str) -> str:
    """Read a packaged text file (a stylesheet, for example)."""
    return resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")


def _parse(text: str, label: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError(label, "", f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ContentError(label, "", "the top level must be a JSON object")
    return data


def require(data: dict[str, Any], key: str, kind: type, *, file: str, path: str = "") -> Any:
    """Return ``data[key]`` if present and of type ``kind``, else raise ContentError."""
    full = f"{path}.{key}" if path else key
    if key not in data:
        raise ContentError(file, full, "missing")
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ContentError(file, full, f"expected {kind.__name__}, got {type(value).__name__}")
    if kind is str and not value.strip():
        raise ContentError(file, full, "must not be empty")
    return value
