"""Content files: the packaged ones load; broken ones fail naming the file and the key."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from mi_toolkit.core.content import ContentError, load_content, read_json_file
from mi_toolkit.core.ruler import SCALES, load_ruler_prompts

FIXTURES = Path(__file__).parent / "fixtures" / "content"
PACKAGED_JSON = sorted(
    entry.name
    for entry in resources.files("mi_toolkit.content").iterdir()
    if entry.name.endswith(".json")
)

# file -> (key named in the error, "" when the whole file is wrong; a phrase of the problem)
BROKEN = {
    "broken_not_json.json": ("", "invalid JSON"),
    "broken_not_utf8.json": ("", "not UTF-8"),
    "broken_top_level_list.json": ("", "top level must be a JSON object"),
    "broken_wrong_version.json": ("schema_version", "version 2 is not supported"),
    "broken_version_is_string.json": ("schema_version", "expected int, got str"),
    "broken_version_is_bool.json": ("schema_version", "expected int, got bool"),
    "broken_missing_default_change.json": ("default_change", "missing"),
    "broken_missing_scale.json": ("scales.confidence", "missing"),
    "broken_unknown_scale.json": ("scales.motivation", "unknown scale"),
    "broken_scale_not_object.json": ("scales.importance", "expected an object"),
    "broken_label_not_string.json": ("scales.confidence.label", "expected str, got int"),
    "broken_blank_question.json": ("scales.readiness.question", "must not be empty"),
    "broken_empty_prompt_list.json": ("scales.importance.at_zero", "at least one prompt"),
    "broken_prompt_not_string.json": ("scales.readiness.at_ten[0]", "expected non-empty text"),
    "broken_unknown_placeholder.json": (
        "scales.importance.in_between[0]",
        "unknown placeholder {valeu}",
    ),
    "broken_question_placeholder.json": (
        "scales.readiness.question",
        "unknown placeholder {goal}",
    ),
    "broken_bad_template.json": ("scales.confidence.in_between[1]", "bad template"),
}


def _real_rulers() -> dict[str, Any]:
    return json.loads((resources.files("mi_toolkit.content") / "rulers.json").read_text("utf-8"))


def _differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Paths (in the error-key notation) where two JSON values differ, coarsest first."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            sub = f"{path}.{key}" if path else key
            out += [sub] if (key in a) != (key in b) else _differences(a[key], b[key], sub)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += _differences(x, y, f"{path}[{i}]")
        return out
    return [] if type(a) is type(b) and a == b else [path]


# ---------------------------------------------------------------- packaged content


def test_packaged_rulers_load():
    prompts = load_ruler_prompts()
    assert set(prompts.scales) == set(SCALES)
    assert prompts.default_change.strip()
    for scale in SCALES:
        text = prompts.scales[scale]
        assert text.label == scale.capitalize()
        assert "{change}" in text.question
        assert text.at_zero and text.in_between and text.at_ten


def test_packaged_rulers_json_is_discovered():
    assert "rulers.json" in PACKAGED_JSON


@pytest.mark.parametrize("name", PACKAGED_JSON)
def test_packaged_json_has_int_schema_version(name: str):
    data = load_content(name)
    assert type(data["schema_version"]) is int
    assert data["schema_version"] >= 1


def test_missing_packaged_file():
    with pytest.raises(ContentError, match="nope.json") as info:
        load_content("nope.json")
    assert info.value.file == "nope.json"


def test_load_ruler_prompts_from_a_path(tmp_path: Path):
    copy = tmp_path / "my_rulers.json"
    copy.write_bytes((resources.files("mi_toolkit.content") / "rulers.json").read_bytes())
    assert load_ruler_prompts(copy) == load_ruler_prompts()


def test_missing_file_at_a_path(tmp_path: Path):
    with pytest.raises(ContentError, match="file not found") as info:
        load_ruler_prompts(tmp_path / "absent.json")
    assert info.value.file == "absent.json"
    assert "absent.json" in str(info.value)


def test_read_json_file_uses_the_given_name(tmp_path: Path):
    path = tmp_path / "x.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ContentError, match="^lesson file: ") as info:
        read_json_file(path, name="lesson file")
    assert info.value.file == "lesson file"


# ---------------------------------------------------------------- broken content


def test_every_broken_fixture_is_listed():
    # The other widgets' fixtures (broken_reflection_*, ...) are tested with them.
    others = tuple(
        f"broken_{kind}_"
        for kind in ("reflection", "sorter", "oars", "values", "discrepancy", "balance",
                     "common_ground", "plan", "quiz", "course", "scenario")
    )  # fmt: skip
    on_disk = {p.name for p in FIXTURES.glob("broken_*.json") if not p.name.startswith(others)}
    assert on_disk == set(BROKEN)


@pytest.mark.parametrize(("name", "expected"), sorted(BROKEN.items()))
def test_broken_file_raises_naming_file_and_key(name: str, expected: tuple[str, str]):
    key, problem = expected
    with pytest.raises(ContentError) as info:
        load_ruler_prompts(FIXTURES / name)
    error = info.value
    message = str(error)
    assert error.file == name
    assert message.startswith(name)
    assert error.key == key
    if key:
        assert f"key {key!r}" in message
    else:
        assert "key" not in message.split(":", 1)[0]
    assert problem in message


@pytest.mark.parametrize(
    ("name", "key"),
    [
        (name, key)
        for name, (key, _) in sorted(BROKEN.items())
        if key and name != "broken_top_level_list.json"
    ],
)
def test_broken_fixture_differs_from_the_real_file_in_one_place(name: str, key: str):
    """Each fixture is the real rulers.json with exactly one thing wrong: the named key."""
    broken = json.loads((FIXTURES / name).read_text("utf-8"))
    assert _differences(_real_rulers(), broken) == [key]


def test_not_utf8_fixture_is_otherwise_valid():
    raw = (FIXTURES / "broken_not_utf8.json").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert _differences(_real_rulers(), json.loads(raw.decode("latin-1"))) == ["default_change"]


def test_top_level_list_fixture_wraps_the_real_file():
    assert json.loads((FIXTURES / "broken_top_level_list.json").read_text("utf-8")) == [
        _real_rulers()
    ]


def test_not_json_fixture_is_the_real_file_truncated():
    text = (FIXTURES / "broken_not_json.json").read_text("utf-8")
    assert json.loads(text + "}") == _real_rulers()
