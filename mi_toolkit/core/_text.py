"""Text clean-up for the coder: every cue is matched against :func:`normalise` output.

Lower-case, straight quotes, invisible format characters dropped, contractions
spelled out ("don't" -> "do not", "I'm" -> "i am"), fillers ("um", "uh") and
stutters ("the the", "so-so") removed. Written for speed: most steps run only when
a cheap test says they can change something (plain ASCII text skips the character
table; only words with an apostrophe are looked up as contractions; a sentence with
no ``.``, ``!``, ``?`` or line break inside is not split; whether there is a filler
or a stutter to drop is told from the text as bytes, and for ASCII text without an
apostrophe that one pass also gives the sentence's word set: see
:func:`normalise_words`). Internal to the coder.
"""

from __future__ import annotations

import re
from operator import eq, methodcaller

__all__ = ["normalise", "normalise_words", "split_sentences"]

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
# On ASCII text \w is the same in both modes, and the ASCII one needs no Unicode look-up.
_APOSTROPHE_ASCII = re.compile(_APOSTROPHE.pattern, re.ASCII)
_SLANG_WORD = re.compile(rf"(?<![\w'])(?:{'|'.join(_SLANG)})(?![\w'])")
_SLANG_HINT = re.compile("|".join(_SLANG))
# Letters one of which every slang word has: normalise looks for them (a quicker test
# than _SLANG_HINT), or, if a new slang word has none of them, uses _SLANG_HINT.
_SLANG_PARTS = ("nn", "tta", "nda", "rta", "mme", "cuz")
_SLANG_PARTS_ENOUGH = all(any(part in word for part in _SLANG_PARTS) for word in _SLANG)
_FILLER_WORDS = "um umm ummm uh uhh uhhh er erm ah ahh eh hm hmm hmmm mm mmm"
_FILLERS = frozenset(_FILLER_WORDS.split())
_FILLERS_BYTES = frozenset(_FILLER_WORDS.encode().split())
_FILLER_PHRASE = re.compile(
    r"(?:^|(?<=[,.]) )(?:you know|i mean|like),(?= )|, (?:you know|i mean)(?=[,.?!]|$)"
)
_DASHES = re.compile(r"\s*-{2,}\s*|\s+-\s+|(?<=\w)-(?=\s|$)")
_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[,.?!;:])")
_AFTER_END_MARK = re.compile(r"[.!?][\"')\]]?(\s+)(?=\S)")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"')\]]))\s+(?=\S)|\n+")
_PUNCT = ",.;:!?\"'()"
_PUNCTUATION = re.compile(r"[,.;:!?\"'()]+")
_PUNCTUATION_BYTES = _PUNCT.encode()
_WORD_CHARS = bytes(c for c in range(128) if chr(c).isalnum() or chr(c) in "_'")
# What ASCII text is made of when every core is a run of word characters or nothing.
_WORD_SPACE_PUNCT = _WORD_CHARS + _PUNCTUATION_BYTES + b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
# ASCII text as bytes with every character that is not \w or "'" made a space: its
# split() is the words Words finds (in ASCII, \w is [a-zA-Z0-9_]).
_BREAKS_ASCII = bytes.maketrans(
    bytes(c for c in range(128) if c not in _WORD_CHARS),
    b" " * (128 - len(_WORD_CHARS)),
)
# str.split() splits at the separators \x1c-\x1f, bytes.split() does not: made spaces,
# ASCII bytes split where their text does.
_SPLIT_AS_TEXT = bytes.maketrans(b"\x1c\x1d\x1e\x1f", b"    ")
_STRIP = methodcaller("strip", _PUNCT)


def _expand_all(text: str, apostrophe: re.Pattern[str]) -> str:
    """``apostrophe.sub(_expand, text)``, a space-separated piece at a time (a word
    never has a space in it), and without the pattern for a piece that is one word."""
    pieces = text.split(" ")
    for i, piece in enumerate(pieces):
        if "'" in piece:
            if piece.replace("'", "").isalpha():  # one word, all of it: "don't"
                pieces[i] = _expand_word(piece)
            else:  # "don't," or "(i'm"
                pieces[i] = apostrophe.sub(_expand, piece)
    return " ".join(pieces)


def _expand(match: re.Match[str]) -> str:
    return _expand_word(match.group(0))


def _expand_word(word: str) -> str:
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
    return normalise_words(text)[0]


def normalise_words(text: str) -> tuple[str, set[str] | None]:
    """:func:`normalise` ``text``, and the set of its words as
    :class:`~mi_toolkit.core._matcher.Words` makes it (runs of ``[\\w']``) where they
    come for free (ASCII text with nothing to drop), else None.

    Example::

        >>> text, words = normalise_words("I'm stuck, really.")
        >>> text, sorted(words)
        ('i am stuck, really.', ['am', 'i', 'really', 'stuck'])
    """
    ascii = text.isascii()
    if ascii:  # the table changes only "`" in ASCII text
        text = text.lower()
        if "`" in text:
            text = text.replace("`", "'")
    else:
        text = text.translate(_TRANSLATE).lower()
    if "-" in text:
        text = _DASHES.sub(" ", text)
    # Slang first: "gonnan't" is one word, as it would be in a single pass. (Letters of
    # every slang word looked for first: see _SLANG_PARTS.)
    if _SLANG_PARTS_ENOUGH:
        slang = "nn" in text or "tta" in text or "nda" in text or "rta" in text
        slang = slang or "mme" in text or "cuz" in text
    else:
        slang = _SLANG_HINT.search(text) is not None
    if slang:
        text = _SLANG_WORD.sub(_unslang, text)
    if "'" in text:
        text = _expand_all(text, _APOSTROPHE_ASCII if ascii else _APOSTROPHE)
    if "you know" in text or "i mean" in text or "like," in text:
        text = _FILLER_PHRASE.sub(" ", text)
    tokens = text.split()
    # Anything to drop (fillers, stutters, "so-so")? Each word's core (the word without
    # the punctuation at its ends) is what the clean-up compares; an over-estimate of
    # the cores, made in C, tells when it has nothing to do.
    words = None
    if ascii:
        data = text.encode()
        if "'" not in text and not data.translate(None, _WORD_SPACE_PUNCT):
            # Only letters, digits, "_", spaces and _PUNCT: a core that is not empty
            # is one run of word characters, and the runs are the sentence's words.
            bare = data.translate(_BREAKS_ASCII).decode().split()
            fillers = _FILLERS
            words = bare
        else:  # the words without their punctuation, as bytes (see _SPLIT_AS_TEXT)
            bare = data.translate(_SPLIT_AS_TEXT, _PUNCTUATION_BYTES).split()
            fillers = _FILLERS_BYTES
    else:
        bare = _PUNCTUATION.sub("", text).split()
        fillers = _FILLERS
    if fillers.isdisjoint(bare) and "-" not in text and not any(map(eq, bare, bare[1:])):
        text = " ".join(tokens)  # the common case: nothing to drop, no Python loop
    else:
        text = _drop_fillers_and_stutters(tokens, list(map(_STRIP, tokens)))
        words = None
    if " ," in text or " ." in text or " ?" in text or " !" in text or " ;" in text:
        text = _SPACE_BEFORE_PUNCT.sub("", text)
    # (Neither changes a word: what is taken away is spaces and punctuation.)
    return text.strip(" ,;:"), None if words is None else set(words)


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
