"""The MI coder: practitioner behaviour codes, client talk, reasons and confidence.

The examples are written for these tests; none comes from a coding manual or AnnoMI.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mi_toolkit.core import _cues, _text
from mi_toolkit.core.coder import (
    ANNOMI,
    CODE_NAMES,
    TURN_PRIORITY,
    code_transcript,
    code_utterance,
)
from mi_toolkit.core.content import ContentError, load_content
from mi_toolkit.core.miti import agreement
from mi_toolkit.core.transcript import CLIENT, PRACTITIONER, load_corpus, parse_transcripts

CORPUS = Path(__file__).parents[1] / "mi_toolkit" / "content" / "corpus" / "mi_corpus.csv"


def code(text: str, previous: str = "") -> str:
    return code_utterance(text, PRACTITIONER, previous=previous).code


def talk(text: str, previous: str = "") -> tuple[str, str | None]:
    c = code_utterance(text, CLIENT, previous=previous)
    return c.code, c.darn_cat


# ---------------------------------------------------------------- practitioner


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The guideline is fourteen units a week, spread over a few days.", "GI"),
        ("You need to stop smoking before the operation.", "Persuade"),
        (
            "If you're open to it, some people swap the evening beer for a walk. "
            "Totally your call whether that fits.",
            "PersuadeWithPermission",
        ),
        ("What would you like to be different a year from now?", "Question"),
        ("You want to cut down.", "SR"),
        ("Part of you enjoys the routine, and part of you is worried where it's heading.", "CR"),
        ("You kept going to the group even on the weeks when it was hard.", "Affirm"),
        ("Would it be okay if we looked at a few options together?", "Seek"),
        ("Whatever you decide, it's up to you.", "Autonomy"),
        ("You're in denial about how much you drink.", "Confront"),
        ("Mm-hmm.", "Other"),
        ("Hi, good to see you.", "Other"),
    ],
)
def test_each_miti_code_has_a_clear_example(text: str, expected: str):
    result = code_utterance(text)
    assert result.code == expected, result.reason
    assert result.therapist_behaviour == ANNOMI[expected]
    assert result.talk_type is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Tell me about a typical evening", "open"),
        ("What brings you here today", "open"),
        ("I'm curious how your week went", "open"),
        ("Do you smoke", "closed"),
        ("How many drinks would you have on a Friday", "closed"),
        ("You've tried to quit before?", "closed"),
        ("Is that right?", "closed"),
    ],
)
def test_questions_are_found_without_a_question_mark(text: str, kind: str):
    result = code_utterance(text)
    assert result.code == "Question", result.reason
    assert result.question_type == kind


def test_a_relative_clause_is_not_a_question():
    assert code("What you're saying is that the evenings are the hard part.") in ("SR", "CR")
    assert code("When you're tired, the cravings are stronger.") != "Question"


def test_a_reflection_with_a_rising_tag_stays_a_reflection_and_says_so():
    result = code_utterance("So you've cut down to weekends, right?")
    assert result.code in ("SR", "CR")
    assert "question" in result.reason
    assert code("You're not sure it's worth it, huh?") in ("SR", "CR")


def test_a_complex_reflection_after_a_question_makes_the_turn_complex():
    result = code_utterance(
        "What happened then? So you're feeling stuck. "
        "On one hand you love the nights out, on the other you hate the mornings after."
    )
    assert "Question" in result.codes
    assert "CR" in result.codes
    assert "SR" not in result.codes  # one reflection per turn, complex wins
    assert [s.code for s in result.sentences][0] == "Question"
    assert result.question_type == "open"


def test_advice_with_permission_in_the_same_turn_is_persuade_with_permission():
    result = code_utterance("Can I suggest something? You could try a patch for the cravings.")
    assert result.code == "PersuadeWithPermission"
    assert "Persuade" not in result.codes
    assert "permission" in result.reason


def test_a_short_echo_of_the_client_is_a_simple_reflection():
    result = code_utterance("Three nights a week.", previous="I drink three nights a week.")
    assert result.code == "SR"
    assert "echo" in result.reason


def test_reflections_without_sounds_like():
    previous = "My wife keeps on at me and I just end up at the pub to get away from it."
    assert code("The pub has become the quiet place.", previous) in ("SR", "CR")
    assert code("Home feels like a battleground right now.", previous) == "CR"


@pytest.mark.parametrize(
    "text",
    [
        "Walking is good for your knees.",
        "It helps to keep something else in your hands for the first few days.",
        "It can help to plan the evening before it starts.",
        "Regular meals can really help your mood.",
        "Your liver recovers surprisingly fast once the drinking stops.",
        "Swimming is one of the safest ways to exercise. It's gentle on your back.",
        "The patch works best when you put it on first thing.",
    ],
)
def test_information_said_in_the_second_person_is_not_a_reflection(text: str):
    result = code_utterance(text)
    assert result.therapist_behaviour == "therapist_input", result.reason


@pytest.mark.parametrize(
    "text",
    [
        "So walking has been good for your knees.",  # summing up the client's view
        "You feel better after a walk.",
        "Part of you knows it helps, and part of you dreads the first step.",
    ],
)
def test_reflections_about_what_helps_stay_reflections(text: str):
    assert code_utterance(text).therapist_behaviour == "reflection"


def test_a_lead_in_inside_a_subordinate_clause_does_not_make_a_reflection():
    # "after you feel" is when, not what the client feels
    result = code_utterance("The usual advice is to carry on for a month after you feel better.")
    assert result.code == "GI", result.reason


def test_plain_statements_in_a_turn_that_gives_information_are_information():
    result = code_utterance(
        "Caffeine stays in the blood for hours. Tea after four keeps some people awake."
    )
    assert result.code == "GI", result.reason
    assert all(s.code == "GI" for s in result.sentences)
    # a reflection with a cue of its own keeps the turn a reflection
    mixed = code_utterance("It sounds like evenings are hard. The guideline is 14 units a week.")
    assert mixed.code in ("SR", "CR")


def test_greeting_then_question_is_filed_as_other_but_the_question_counts():
    result = code_utterance("Hi Dana, thanks for coming. How have things been?")
    assert result.code == "Other"
    assert "Question" in result.codes


@pytest.mark.parametrize("text", ["", "   ", "\n", "...", "Um."])
def test_empty_or_filler_turns_are_other(text: str):
    result = code_utterance(text)
    assert result.code == "Other"
    assert result.therapist_behaviour == "other"
    assert 0 < result.confidence <= 1


def test_html_and_odd_unicode_are_only_read():
    text = "<img src=x onerror=alert(1)> So you\u2019re feeling \u202estuck\u200b \U0001f61f"
    result = code_utterance(text)
    assert result.code in ("SR", "CR")
    assert result.sentences[0].text == text  # kept as given; nothing is escaped or run


def test_every_result_has_a_reason_and_a_confidence():
    for text in ["Okay.", "What else?", "You should quit.", "It's your choice.", "x" * 500]:
        result = code_utterance(text)
        assert result.reason.strip()
        assert 0 < result.confidence <= 1
        assert result.code in CODE_NAMES
        assert result.codes[0] == result.code


def test_turn_priority_covers_every_code():
    assert set(TURN_PRIORITY) == set(CODE_NAMES) == set(ANNOMI)


def test_unknown_speaker_is_rejected():
    with pytest.raises(ValueError, match="speaker"):
        code_utterance("Hi.", "nurse")


# ---------------------------------------------------------------- client


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("I want to stop.", "change", "desire"),
        ("I don't want to stop.", "sustain", "desire"),
        ("I don\u2019t want to keep drinking like this.", "change", "desire"),
        ("I can't quit.", "sustain", "ability"),
        ("I think I could cut down to weekends.", "change", "ability"),
        ("I'm going to cut down.", "change", "commitment"),
        ("I'm not going to give up my wine.", "sustain", "commitment"),
        ("I really need to get my blood pressure down.", "change", "need"),
        ("I'm ready to give it a go.", "change", "activation"),
        ("I'm not ready.", "sustain", "activation"),
        ("I haven't had a cigarette in ten days.", "change", "taking_steps"),
        ("I stopped taking my tablets last month.", "sustain", "taking_steps"),
        ("I can't keep doing this.", "change", "need"),
        ("It's the only thing that helps me relax.", "sustain", "reasons"),
        ("I'd have so much more energy for the kids.", "change", "reasons"),
    ],
)
def test_client_talk_handles_negation_and_what_it_is_about(text: str, expected: str, kind: str):
    result = code_utterance(text, CLIENT)
    assert (result.code, result.darn_cat) == (expected, kind), result.reason
    assert result.talk_type == expected
    assert result.therapist_behaviour is None
    assert result.codes == ()


@pytest.mark.parametrize(
    "text",
    ["Yeah.", "I don't know.", "We moved here in March.", "", "Can I ask you something?"],
)
def test_neutral_is_the_default(text: str):
    result = code_utterance(text, CLIENT)
    assert result.code == "neutral"
    assert result.darn_cat is None


def test_what_follows_but_carries_the_turn():
    assert talk("I want to quit, but I can't.")[0] == "sustain"
    assert talk("I can't see myself quitting, but I do want to.")[0] == "change"
    mixed = code_utterance("I want to quit, but I can't.", CLIENT)
    assert "other side" in mixed.reason
    assert mixed.confidence < code_utterance("I can't.", CLIENT).confidence + 0.01


def test_a_bare_no_to_a_change_question_is_sustain_talk():
    assert talk("Not really.", previous="Are you ready to set a date?")[0] == "sustain"
    assert talk("Not really.", previous="Was the traffic bad?")[0] == "neutral"
    assert talk("Not really.")[0] == "neutral"


def test_reported_words_and_questions_are_not_the_clients_change_talk():
    assert talk("Should I stop?")[0] == "neutral"


# ---------------------------------------------------------------- transcripts


def test_code_transcript_uses_the_turn_before():
    t = parse_transcripts(
        "C: I drink every night after work.\nT: Every night after work.\n"
        "C: Yeah.\nT: Would you be open to some ideas?\nC: Not really.",
        name="x.txt",
    ).transcripts[0]
    codings = code_transcript(t)
    assert len(codings) == 5
    assert codings[1].code == "SR"
    assert codings[4].code == "sustain"


# ---------------------------------------------------------------- content


def test_cue_content_loads_and_names_its_version():
    data = load_content("coder_cues.json")
    assert data["schema_version"] == 1
    assert _cues.load_cues() is _cues.load_cues()  # compiled once


@pytest.mark.parametrize(
    ("mutate", "key", "phrase"),
    [
        (lambda d: d.update(schema_version=2), "schema_version", "not supported"),
        (lambda d: d["practitioner"].pop("affirm"), "practitioner.affirm", "missing"),
        (
            lambda d: d["practitioner"]["seek"]["patterns"].append("(unclosed"),
            "practitioner.seek.patterns[",
            "bad pattern",
        ),
        (
            lambda d: d["practitioner"]["tag"].update(patterns=[]),
            "practitioner.tag.patterns",
            "at least one",
        ),
        (
            lambda d: d["client"]["modal"]["categories"].update(wishes=["x"]),
            "client.modal.categories.wishes",
            "unknown kind",
        ),
        (
            lambda d: d["client"]["object"]["kinds"].update(reduce=[3]),
            "client.object.kinds.reduce[0]",
            "non-empty pattern",
        ),
    ],
)
def test_broken_cue_file_names_the_key(tmp_path: Path, mutate, key: str, phrase: str):
    data = load_content("coder_cues.json")
    mutate(data)
    path = tmp_path / "cues.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        _cues.load_cues(path)
    assert info.value.file == "cues.json"
    assert info.value.key.startswith(key)
    assert phrase in str(info.value)


def test_normalise_spells_out_contractions_and_drops_fillers():
    assert _text.normalise("Um, I don\u2019t wanna  stop-stop.") == "i do not want to stop."
    assert _text.normalise("Uh-huh.") == "uh-huh."
    assert _text.split_sentences("One. Two? Three!\nFour") == ["One.", "Two?", "Three!", "Four"]


# ---------------------------------------------------------------- speed and the corpus


needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="corpus not written yet")


@needs_corpus
def test_accuracy_on_the_held_out_split_has_not_regressed():
    """Floors a little under the figures in docs/coder_accuracy.md (test split)."""
    ref4, pred4, refc, predc = [], [], [], []
    for t in load_corpus("test"):
        for u, c in zip(t.utterances, code_transcript(t), strict=True):
            if u.speaker == PRACTITIONER:
                ref4.append(u.labels["therapist_behaviour"])
                pred4.append(c.therapist_behaviour)
            else:
                refc.append(u.labels["client_talk_type"])
                predc.append(c.talk_type)
    four = agreement(ref4, pred4, labels=("question", "reflection", "therapist_input", "other"))
    client = agreement(refc, predc, labels=("change", "neutral", "sustain"))
    assert four.accuracy is not None and four.accuracy >= 0.78
    assert client.macro_f1 is not None and client.macro_f1 >= 0.60


# ---------------------------------------------------------------- the fast matcher


def _texts() -> list[str]:
    from mi_toolkit.core.transcript import read_transcripts

    fixtures = Path(__file__).parent / "fixtures" / "transcripts"
    texts = [u.text for u in read_transcripts(fixtures / "annomi_style.csv").utterances]
    texts += [u.text for u in read_transcripts(fixtures / "raw_session.txt").utterances]
    if CORPUS.exists():
        texts += [u.text for t in load_corpus() for u in t.utterances]
    return texts


def _sentences() -> list[str]:
    return [_text.normalise(s) for t in _texts() for s in _text.split_sentences(t)]


# Sentences where a shortcut could go wrong (apostrophes at a word's ends, punctuation
# inside a word, odd characters, separators, fillers and stutters, slang, not ASCII),
# and what normalise made of them before any shortcut.
_AWKWARD = {
    "I, I think -- maybe -- I'll y'know cut down.": "i think maybe i will you know cut down.",
    "'Um' okay, 'so' you're 'ready'?": "okay, 'so' you are 'ready'?",
    "A & a, and/or and/or; x/y x/y.": "a & a, and/or; x/y.",
    "tab\there\tand\nthere": "tab here and there",
    "x\x1cy x\x1fy": "x y x y",
    "café, Café's menu": "café, café's menu",
    "don't, won't (i'm) 'cause it's": "do not, will not (i am) because it is",
    "the the, THE. the": "the",
    "Um, so. Uh... hmm?": "so.",
    "so-so stop-stop": "so stop",
    "it's 3pm_ok, 2nd time": "it is 3pm_ok, 2nd time",
    "gonna wanna gotta kinda sorta dunno lemme cuz cannot": (
        "going to want to got to kind of sort of do not know let me because can not"
    ),
    "Gonnan't": "gonna not",
    "(you) [know] {it} <b> a*b+c=d @ #1 ~ ^ | \\ $5 100%": (
        "(you) [know] {it} <b> a*b+c=d @ #1 ~ ^ | \\ $5 100%"
    ),
    "' '' ' ,,, ...": "' '' ',,,...",
    "": "",
}


@pytest.mark.parametrize(("raw", "clean"), list(_AWKWARD.items()))
def test_awkward_sentences_are_cleaned_up_as_before(raw: str, clean: str):
    assert _text.normalise(raw) == clean
    assert _text.normalise_words(raw)[0] == clean


def test_normalise_words_gives_the_words_words_finds():
    """normalise_words cleans up as normalise does, and the word set it hands over
    (for ASCII text with nothing to drop) is the one Words would make."""
    from mi_toolkit.core._matcher import Words

    raw = [s for t in _texts() for s in _text.split_sentences(t)] + list(_AWKWARD)
    given = 0
    for sentence in raw:
        text, words = _text.normalise_words(sentence)
        assert text == _text.normalise(sentence), sentence
        if words is not None:
            given += 1
            assert text.isascii() and text.isprintable(), sentence
            assert words == Words(text).words, sentence
    assert given > len(raw) // 2  # the shortcut is taken for most sentences


@pytest.mark.parametrize("word", sorted(_text._SLANG))
def test_every_slang_word_is_spelled_out(word: str):
    """normalise looks for letters of the slang words before the pattern: each one,
    alone or in a sentence, is still found."""
    long = _text._CONTRACTIONS[word]
    assert _text.normalise(word) == long
    assert _text.normalise(f"Well, {word.title()} it.") == f"well, {long} it."


def test_content_words_of_a_word_set_are_those_of_its_text():
    from mi_toolkit.core._matcher import Words
    from mi_toolkit.core._practitioner import content_words, content_words_of

    for sentence in _sentences() + list(_AWKWARD.values()) + list(_AWKWARD):
        assert set(content_words_of(Words(sentence))) == set(content_words(sentence)), sentence


def test_a_client_turn_leaves_the_content_words_of_its_sentences():
    """The next practitioner turn is coded against the client's content words: the same
    from the word sets code_client keeps as from its sentences' text joined."""
    from mi_toolkit.core._client_talk import code_client
    from mi_toolkit.core._practitioner import content_words, content_words_of

    cues = _cues.load_cues()
    for text in _texts() + list(_AWKWARD) + ["What? I want to stop. Why not?"]:
        cleaned: list = []
        code_client(text, cues, "", cleaned)
        got = frozenset().union(
            *[content_words(c) if isinstance(c, str) else content_words_of(c) for c in cleaned]
        )
        joined = " ".join(_text.normalise(s) for s in _text.split_sentences(text))
        assert got == content_words(joined), text


def test_a_word_set_keeps_the_beginnings_matchers_look_for():
    from mi_toolkit.core import _matcher
    from mi_toolkit.core._matcher import Words

    cues = _cues.load_cues()
    lists = [*cues.practitioner.values(), cues.change, cues.sustain]
    looked_for = {key for cue in lists for key in cue.matcher._prefix_keys}
    assert looked_for and looked_for <= _matcher._STARTS
    for sentence in _sentences()[:3000] + list(_AWKWARD.values()):
        words = Words(sentence)
        assert words.starts == words.prefixes & _matcher._STARTS, sentence


def test_the_fast_matcher_finds_what_one_big_search_finds():
    """Trying patterns only where their first word occurs must not change any match."""
    from mi_toolkit.core._matcher import Words

    cues = _cues.load_cues()
    lists = {**cues.practitioner, "change": cues.change, "sustain": cues.sustain}
    sentences = _sentences()
    assert len(sentences) > 100
    for sentence in sentences:
        words = Words(sentence)
        for name, cue in lists.items():
            fast, slow = cue.search(words), cue.pattern.search(sentence)
            assert (fast is None) == (slow is None), (name, sentence)
            if fast is not None and slow is not None:
                assert (fast.span(), _kinds(fast)) == (slow.span(), _kinds(slow)), (name, sentence)
            every = [(m.span(), _kinds(m)) for m in cue.finditer(words)]
            assert every == [(m.span(), _kinds(m)) for m in cue.pattern.finditer(sentence)]


def _kinds(m) -> dict:
    """The named groups (DARN-CAT kinds) a match filled in."""
    return {k: v for k, v in m.groupdict().items() if v is not None}


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        ("you (?:are|feel) stuck", {"stuck"}),  # the rare word, not "you"
        ("you (?:feel|sense)", {"feel", "sense"}),
        ("(?:that|it) takes", {"takes"}),
        ("frustrat\\w*", {"fru*"}),  # a word beginning
        ("tests? show", {"show"}),
        ("(?:the )?evidence", {"evidence"}),
        ("you (?:really )?(?:should|ought to)", {"should", "ought"}),  # not "you"
        ("angr\\w*|anger", {"ang*", "anger"}),  # one per alternative
        ("\\w+ly", None),  # nothing is certain
        ("(?:a|b)\\w+ ok", {"ok"}),  # a whole word, however short
        ("(?:a|b)\\w+ ok\\w*", None),  # "ok" may start a longer word: too short to use
        ("^so you", None),  # anchored patterns are tried apart
    ],
)
def test_what_a_pattern_needs_is_worked_out_from_its_source(pattern: str, needs):
    from mi_toolkit.core._matcher import requirement_of

    assert requirement_of(pattern) == (None if needs is None else frozenset(needs))


def test_every_required_word_is_in_every_match():
    """The filter may only ever skip a pattern that cannot match: for every cue pattern
    and every sentence it matches, what it needs is in that sentence."""
    from mi_toolkit.core._matcher import Words, requirement_of

    data = load_content("coder_cues.json")

    def patterns(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from patterns(value)
        elif isinstance(node, list) and all(isinstance(x, str) for x in node):
            yield from node

    sentences = _sentences()
    checked = 0
    for pattern in set(patterns(data)):
        needs = requirement_of(pattern)
        if needs is None:
            continue
        compiled = re.compile(rf"(?<![\w'])(?:{pattern})(?![\w'])")
        for sentence in sentences:
            if compiled.search(sentence):
                words = Words(sentence)
                have = {w for w in needs if w in words.words}
                have |= {p for p in needs if p.endswith("*") and p[:3] in words.prefixes}
                assert have, (pattern, sentence, needs)
                checked += 1
    assert checked > 500


@pytest.mark.parametrize(
    "module",
    [
        "mi_toolkit.core.coder",
        "mi_toolkit.core.transcript",
        "mi_toolkit.core.miti",
        "mi_toolkit.core._agreement",
        "mi_toolkit.core._matcher",
        "mi_toolkit.core._text",
    ],
)
def test_the_docstring_examples_run(module: str):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0
    assert result.failed == 0


def test_a_word_beginning_can_be_the_whole_word():
    from mi_toolkit.core._matcher import Matcher, Words

    matcher = Matcher([(r"the\w*", None), (r"hop(?:e|ing)", None)])
    assert matcher.search(Words("at the end"))[0] == "the"
    assert matcher.search(Words("i hope so"))[0] == "hope"
    assert matcher.search(Words("bathe")) is None


@pytest.mark.parametrize(
    ("patterns", "without", "with_it"),
    [
        # found by "today", searched only with a word starting "fru" or "ann"
        ([r"today (?:frustrat\w*|annoy\w*)"], "calm today", "today annoyed"),
        # found by "stuck", searched only with "feel" too
        ([r"you feel stuck"], "you are stuck", "you feel stuck"),
        # found by "stuck", searched only with "feel" or "sense"
        ([r"you (?:feel|sense) stuck"], "you are stuck", "you sense stuck"),
    ],
)
def test_which_groups_to_search_is_remembered_by_every_word_that_decides_it(
    patterns: list[str], without: str, with_it: str
):
    """A matcher remembers which groups a combination of its words can match: a
    sentence without a word a group needs must not hide the group from one with it."""
    from mi_toolkit.core._matcher import Matcher, Words

    matcher = Matcher([(p, None) for p in patterns])
    assert matcher.search(Words(without)) is None
    assert matcher.search(Words(with_it)) is not None


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("quit it", (5, 7)),  # not the "it" ending "quit"
        ("don't it", (6, 8)),  # an apostrophe is part of a word
        ("a_it it", (5, 7)),  # so is "_"
        ("2it it", (4, 6)),  # and a digit
        ("\u00e9it it", (4, 6)),  # and a letter that is not ASCII
        ("it", (0, 2)),
        ("-it", (1, 3)),
        ("quit", None),
    ],
)
def test_a_group_match_starts_a_word(text: str, span):
    """A cue matches whole words only: the fast search (a group, the fallback and
    ``finditer``) agrees with the whole-list pattern on where a match starts."""
    from mi_toolkit.core._matcher import Matcher, Words

    matcher = Matcher([("it", None), (r"\w+ly", None)])  # a group, and a fallback
    found = matcher.search(Words(text))
    assert (found and found.span()) == span
    slow = matcher.pattern.search(text)
    assert (slow and slow.span()) == span
    assert [m.span() for m in matcher.finditer(Words(text))] == [
        m.span() for m in matcher.pattern.finditer(text)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "going ahead",  # printable ASCII: searched with ASCII patterns
        "going\x1cahead",  # a separator Unicode counts as white space, ASCII does not
        "going\u00a0ahead",  # so is a no-break space
        "ongoing ahead",  # a match inside a word is none
        "\u00e9going ahead",
    ],
)
def test_ascii_patterns_only_where_they_match_what_unicode_ones_do(text: str):
    from mi_toolkit.core._matcher import Matcher, Words

    matcher = Matcher([(r"going\s+ahead", None)])
    words = Words(text)
    assert words.ascii == (text.isascii() and text.isprintable())
    found, slow = matcher.search(words), matcher.pattern.search(text)
    assert (found and found.span()) == (slow and slow.span())
    assert (found is None) == text.startswith(("ongoing", "\u00e9"))


def test_the_packaged_cues_compile_their_whole_lists_when_first_used():
    """Start-up compiles no whole-list pattern of the packaged file; each one, compiled
    when asked for, is the one a file given by path compiles (and checks) at once."""
    from importlib import resources

    packaged = _cues.load_cues()
    fresh = _cues._build(load_content(_cues.FILE), _cues.FILE, lazy=True)
    assert "pattern" not in vars(fresh.practitioner["confront"].matcher)
    with resources.as_file(resources.files("mi_toolkit.content") / _cues.FILE) as path:
        eager = _cues.load_cues(path)
    assert "pattern" in vars(eager.practitioner["confront"].matcher)
    lists = {**eager.practitioner, "negation": eager.negation, "change": eager.change}
    for name, cue in lists.items():
        mine = packaged.practitioner.get(name) or getattr(packaged, name)
        assert mine.pattern.pattern == cue.pattern.pattern, name
    with pytest.raises(AttributeError):
        _ = packaged.negation.no_such_attribute
