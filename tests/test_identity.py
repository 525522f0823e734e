"""Who the learner is: the JupyterHub user, else ?learner= in the page URL, else the default."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest

from mi_toolkit.core.identity import (
    DEFAULT_LEARNER,
    MAX_NAME_CHARS,
    Learner,
    clean_learner_name,
    current_learner,
)


def test_jupyterhub_user_wins_over_the_url():
    env = {"JUPYTERHUB_USER": "ana", "QUERY_STRING": "learner=bo"}
    assert current_learner(env) == Learner("ana", "jupyterhub")


def test_blank_jupyterhub_user_is_ignored():
    env = {"JUPYTERHUB_USER": "  ", "QUERY_STRING": "learner=bo"}
    assert current_learner(env) == Learner("bo", "url")


def test_learner_from_the_query_string():
    assert current_learner({"QUERY_STRING": "learner=bo"}) == Learner("bo", "url")


def test_learner_among_other_query_parameters():
    env = {"QUERY_STRING": "voila-template=lab&learner=bo&theme=dark"}
    assert current_learner(env) == Learner("bo", "url")


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("learner=Ana%20P", "Ana P"),
        ("learner=Ana+P", "Ana P"),
        (urlencode({"learner": "José Ñúñez"}), "José Ñúñez"),
        ("learner=" + quote("Zoë 李 👋🏽"), "Zoë 李 👋🏽"),
        ("learner=" + quote("Jose\u0301"), "José"),  # decomposed accents become one character
        ("learner=%20%20ana%20%20%20b%20", "ana b"),  # runs of spaces become one
        ("learner=a%00b%1Bc", "abc"),  # control characters dropped
    ],
)
def test_url_encoded_names_are_decoded_and_cleaned(query: str, name: str):
    assert current_learner({"QUERY_STRING": query}) == Learner(name, "url")


def test_html_in_the_name_is_kept_as_text():
    name = "<script>alert('x')</script> & co"
    learner = current_learner({"QUERY_STRING": urlencode({"learner": name})})
    assert learner == Learner(name, "url")  # escaping is the job of whatever shows it


def test_overlong_name_is_cut():
    learner = current_learner({"QUERY_STRING": "learner=" + "a" * 500})
    assert learner == Learner("a" * MAX_NAME_CHARS, "url")


def test_overlong_name_cut_at_a_space_has_no_trailing_space():
    raw = "a" * (MAX_NAME_CHARS - 1) + " bcdef"
    assert clean_learner_name(raw) == "a" * (MAX_NAME_CHARS - 1)


@pytest.mark.parametrize(
    "query",
    ["", "learner=", "learner=%20%20", "learner=%00%0A", "other=ana", "learner"],
)
def test_blank_or_missing_learner_gives_the_default(query: str):
    assert current_learner({"QUERY_STRING": query}) == Learner(DEFAULT_LEARNER, "default")


def test_first_usable_learner_in_the_query_wins():
    env = {"QUERY_STRING": "learner=%20&learner=bo&learner=cy"}
    assert current_learner(env) == Learner("bo", "url")


def test_no_environment_gives_the_default():
    assert current_learner({}) == Learner(DEFAULT_LEARNER, "default")
    assert clean_learner_name(DEFAULT_LEARNER) == DEFAULT_LEARNER


@pytest.mark.parametrize("raw", [None, "", "   ", "\u200b\u200b"])
def test_clean_learner_name_of_nothing_is_empty(raw: str | None):
    assert clean_learner_name(raw) == ""


def test_tabs_and_newlines_in_a_name_become_spaces():
    assert clean_learner_name("ana\tb") == "ana b"
    assert clean_learner_name(" a\nb\x00c ") == "a bc"
