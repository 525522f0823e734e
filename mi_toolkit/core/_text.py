"""Text clean-up for the coder: every cue is matched against :func:`normalise` output.

Lower-case, straight quotes, invisible format characters dropped, contractions
spelled out ("don't" -> "do not", "I'm" -> "i am"), fillers ("um", "uh") and
stutters ("the the", "so-so") removed. Written for speed: most steps run only when
a cheap test says they can change something (plain ASCII text skips the character
table; only words with an apostrophe are looked up as contractions; a sentence with
no ``.``, ``!``, ``?`` or line break inside is not split). Internal to the coder.
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
# A word with an apostrophe in it, whole (greedy, so it runs to the word's end): looked
# up in _CONTRACTIONS, or "...n't". Words without one ("gonna") have their own pattern.
_APOSTROPHE = re.compile(r"(?<![\w'])[\w']*'[\w']*")
_SLANG_WORD = re.compile(rf"(?<![\w'])(?:{'|'.join(_SLANG)})(?![\w'])")
_SLANG_HINT = re.compile("|".join(_SLANG))
_FILLER_WORDS = "um umm ummm uh uhh uhhh er erm ah ahh eh hm hmm hmmm mm mmm"
_FILLERS = frozenset(_FILLER_WORDS.split())
_FILLER_PHRASE = re.compile(
    r"(?:^|(?<=[,.]) )(?:you know|i mean|like),(?= )|, (?:you know|i mean)(?=[,.?!]|$)"
)
_DASHES = re.compile(r"\s*-{2,}\s*|\s+-\s+|(?<=\w)-(?=\s|$)")
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[,.?!;:])")
_AFTER_END_MARK = re.compile(r"[.!?][\"')\]]?(\s+)(?=\S)")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+(?=\S)|\n+")
_PUNCT = ",.;:!?\"'()"
_PUNCTUATION = re.compile(r"[,.;:!?\"'()]+")
_STRIP = methodcaller("strip", _PUNCT)


def _expand(match: re.Match[str]) -> str:
    word = match.group(0)
    long = _CONTRACTIONS.get(word)
    if long is not None:
        return long
    if len(word) > 3 and word.endswith("n't") and "'" not in word[:-3]:
        return word[:-3] + " not"  # "isn't", "shouldn't"
    return word


def _unslang(match: re.Match[str]) -> str:
    return _CONTRACTIONS[match.group(0)]


def normalise(text: str) -> str:
    """The form of ``text`` that cues are matched against.

    Example::

        >>> normalise("Um, I don’t wanna  stop-stop.")
        'i do not want to stop.'
    """
    if text.isascii():  # the table changes only "`" in ASCII text
        text = text.lower()
        if "`" in text:
            text = text.replace("`", "'")
    else:
        text = text.translate(_TRANSLATE).lower()
    if "-" in text:
        text = _DASHES.sub(" ", text)
    # Slang first: "gonnan't" is one word, as it would be in a single pass.
    if _SLANG_HINT.search(text) is not None:
        text = _SLANG_WORD.sub(_unslang, text)
    if "'" in text:
        text = _APOSTROPHE.sub(_expand, text)
    if "you know" in text or "i mean" in text or "like," in text:
        text = _FILLER_PHRASE.sub(" ", text)
    tokens = text.split()
    # Anything to drop? The words without their punctuation (an over-estimate of each
    # word's core: equal cores stay equal, a filler stays a filler) say, in C.
    bare = _PUNCTUATION.sub("", text).split()
    if _FILLERS.isdisjoint(bare) and "-" not in text and not any(map(eq, bare, bare[1:])):
        text = " ".join(tokens)  # the common case: nothing to drop, no Python loop
    else:
        text = _drop_fillers_and_stutters(tokens, list(map(_STRIP, tokens)))
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
    body = text.rstrip()[:-1]
    if "\n" in text:
        return [s for s in (p.strip() for p in _SENTENCE_END.split(text)) if s]
    if "." not in body and "?" not in body and "!" not in body:
        # No end mark before the last character: one sentence (most turns).
        text = text.strip()
        return [text] if text else []
    # Without line breaks the only breaks are white space after an end mark (and a
    # closing quote or bracket); this pattern starts with the end mark, so the engine
    # skips to end marks in C instead of trying every position.
    out = []
    start = 0
    for m in _AFTER_END_MARK.finditer(text):
        piece = text[start : m.start(1)].strip()
        if piece:
            out.append(piece)
        start = m.end()
    piece = text[start:].strip()
    if piece:
        out.append(piece)
    return out
