"""Who is the learner? Used to key the journal.

In order: the JupyterHub user (each has their own server and journal); a name
in the page's URL query (``?learner=ana``; Voila gives the kernel the query as
``QUERY_STRING``); else the default name. A sign-in widget can change it later.

Example::

    >>> current_learner({"QUERY_STRING": "learner=Ana%20P"}).name
    'Ana P'
    >>> current_learner({}).source
    'default'
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs

__all__ = ["DEFAULT_LEARNER", "MAX_NAME_CHARS", "Learner", "clean_learner_name", "current_learner"]

DEFAULT_LEARNER = "me"
MAX_NAME_CHARS = 64


@dataclass(frozen=True)
class Learner:
    """A learner's name and where it came from (jupyterhub, url, sign-in, default)."""

    name: str
    source: str


def clean_learner_name(raw: str | None) -> str:
    """NFC, printable characters only, single spaces, at most MAX_NAME_CHARS; '' if blank."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or ch.isprintable())
    return " ".join(text.split())[:MAX_NAME_CHARS].strip()


def current_learner(environ: dict[str, str]) -> Learner:
    """The learner for this kernel, from its environment."""
    hub_user = clean_learner_name(environ.get("JUPYTERHUB_USER"))
    if hub_user:
        return Learner(hub_user, "jupyterhub")
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=False)
    for value in query.get("learner", []):
        name = clean_learner_name(value)
        if name:
            return Learner(name, "url")
    return Learner(DEFAULT_LEARNER, "default")
