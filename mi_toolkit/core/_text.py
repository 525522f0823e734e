"""Text clean-up for the coder: every cue is matched against :func:`normalise` output.

Lower-case, straight quotes, invisible format characters dropped, contractions
spelled out ("don't" -> "do not", "I'm" -> "i am"), fillers ("um", "uh") and
stutters ("the the", "so-so") removed. Written for speed: most steps run only when
a cheap substring test says they can change something. Internal to the coder.
"""

from __future__ import annotations

import re
from operator import eq, methodcaller

__all__ = ["normalise", "split_sentences"]

_TRANSLATE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2014": " - ",
        "\u2013": " - ",
        "\u2026": "...",
        "\u00a0": " ",
        **dict.fromkeys([*map(chr, range(0x200B, 0x2010)), *map(chr, range(0x202A, 0x202F))], ""),
        "\u2060": "",
        "\ufeff": "",
    }
)
_CONTRACTIONS = {
    "cannot": "can not",
    "can't": "can not",
    "won't": "will not",
    "ain't": "am not",
    "shan't": "shall not",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "kinda": "kind of",
    "sorta": "sort of",
    "dunno": "do not know",
    "lemme": "let me",
    "'cause": "because",
    "cuz": "because",
    "let's": "let us",
    "y'know": "you know",
}
for _subject in ("i", "you", "we", "they"):
    for _short, _long in (("'re", "are"), ("'ve", "have"), ("'ll", "will"), ("'d", "would")):
        _CONTRACTIONS[_subject + _short] = f"{_subject} {_long}"
_CONTRACTIONS["i'm"] = "i am"
for _word in ("it", "that", "what", "there", "here", "he", "she", "who", "how", "where", "this"):
    _CONTRACTIONS[_word + "'s"] = f"{_word} is"
_SLANG = tuple(k for k in _CONTRACTIONS if "'" not in k)
_CONTRACTION = re.compile(
    r"(?<![\w'])(?:"
    + "|".join(sorted(map(re.escape, _CONTRACTIONS), key=len, reverse=True))
    + r"|\w+n't)(?![\w'])"
)
_FILLER_WORDS = "um umm ummm uh uhh uhhh er erm ah ahh eh hm hmm hmmm mm mmm"
_FILLERS = frozenset(_FILLER_WORDS.split())
_FILLER_PHRASE = re.compile(
    r"(?:^|(?<=[,.]) )(?:you know|i mean|like),(?= )|, (?:you know|i mean)(?=[,.?!]|$)"
)
_DASHES = re.compile(r"\s*-{2,}\s*|\s+-\s+|(?<=\w)-(?=\s|$)")
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[,.?!;:])")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+(?=\S)|\n+")
_PUNCT = ",.;:!?\"'()"
_STRIP = methodcaller("strip", _PUNCT)


def _expand(match: re.Match[str]) -> str:
    word = match.group(0)
    return _CONTRACTIONS.get(word) or word[:-3] + " not"


def normalise(text: str) -> str:
    """The form of ``text`` that cues are matched against.

    Example::

        >>> normalise("Um, I don’t wanna  stop-stop.")
        'i do not want to stop.'
    """
    text = text.translate(_TRANSLATE).lower()
    if "-" in text:
        text = _DASHES.sub(" ", text)
    if "'" in text or any(s in text for s in _SLANG):
        text = _CONTRACTION.sub(_expand, text)
    if "you know" in text or "i mean" in text or "like," in text:
        text = _FILLER_PHRASE.sub(" ", text)
    tokens = text.split()
    cores = list(map(_STRIP, tokens))
    if _FILLERS.isdisjoint(cores) and "-" not in text and not any(map(eq, cores, cores[1:])):
        text = " ".join(tokens)  # the common case: nothing to drop, no Python loop
    else:
        text = _drop_fillers_and_stutters(tokens, cores)
    if " ," in text or " ." in text or " ?" in text or " !" in text or " ;" in text:
        text = _SPACE_BEFORE_PUNCT.sub("", text)
    return text.strip(" ,;:")


def _drop_fillers_and_stutters(tokens: list[str], cores: list[str]) -> str:
    out: list[str] = []
    previous = ""
    for token, core in zip(tokens, cores, strict=True):
        if core in _FILLERS:
            continue
        if "-" in core:
            first, _, second = core.partition("-")
            if first == second:  # "stop-stop"
                token, core = token.replace(core, first), first
        if core and core == previous:  # "i, i think": keep the later one
            out[-1] = token
            continue
        out.append(token)
        previous = core
    return " ".join(out)


def split_sentences(text: str) -> list[str]:
    """Split a turn into sentences (after ``.``, ``!``, ``?`` or a line break)."""
    return [s for s in (p.strip() for p in _SENTENCE_END.split(text)) if s]
