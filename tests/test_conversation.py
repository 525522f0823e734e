"""The practice-conversation engine: content, dynamics, determinism, saved state."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from mi_toolkit.core._conversation_content import BUCKET_TALK, FAMILIES
from mi_toolkit.core.coder import code_utterance
from mi_toolkit.core.content import ContentError
from mi_toolkit.core.conversation import (
    MAX_TURNS,
    ClientState,
    ConversationState,
    StateError,
    TurnError,
    band_of,
    hint,
    load_common,
    load_scenario_file,
    load_scenarios,
    replay,
    start,
)
from mi_toolkit.core.transcript import parse_transcripts

SCENARIOS = load_scenarios()
IDS = sorted(SCENARIOS)
FIXTURES = Path(__file__).parent / "fixtures" / "content"

# Generic turns, so the same conversation can be held with every client.
GOOD = [
    "It sounds like you have mixed feelings about this.",
    "What would you like to be different?",
    "So part of you is worried, and part of you wants to keep things as they are.",
    "You really care about the people around you.",
    "What would be better if you made a change?",
    "You are wondering whether it is worth the effort.",
    "How would you like things to be a year from now?",
    "It sounds like this matters to you more than you first let on.",
]
POOR = [
    "You should stop this right now.",
    "You need to change, it is bad for you.",
    "You are in denial about this.",
    "You have to listen to what I am telling you.",
    "You keep saying that but you never do anything.",
    "You must make a change today.",
    "You are just making excuses.",
    "You need to do what the doctor says.",
]


def _hold(scenario_id: str, turns: list[str], seed: int = 0):
    talk = start(SCENARIOS[scenario_id], seed)
    for turn in turns:
        talk = talk.respond(turn)
    return talk


# ---------------------------------------------------------------- content


def test_the_six_required_scenarios_ship():
    assert set(IDS) >= {"alcohol", "smoking", "exercise", "medication", "coaching", "workplace"}
    assert len(SCENARIOS["workplace"].stakeholders) == 2


def test_every_scenario_file_is_discovered_and_has_a_schema_version():
    folder = resources.files("mi_toolkit.content").joinpath("scenarios")
    names = sorted(e.name for e in folder.iterdir() if e.name.endswith(".json"))
    assert "_common.json" in names
    for name in names:
        assert json.loads(folder.joinpath(name).read_text("utf-8"))["schema_version"] == 1


@pytest.mark.parametrize("scenario_id", IDS)
def test_every_reply_reads_as_its_bucket_to_the_coder(scenario_id: str):
    """The MITI summary counts client talk with the coder, so authored change talk must
    read as change talk to it (and sustain as sustain, neutral as neutral)."""
    wrong = [
        (bucket, r.text, code_utterance(r.text, "client").code)
        for bucket, replies in SCENARIOS[scenario_id].replies.items()
        for r in replies
        if code_utterance(r.text, "client").code != BUCKET_TALK[bucket]
    ]
    assert wrong == []


def test_common_text_covers_every_band_and_move():
    common = load_common()
    assert set(common.hints) == {"discord", "guarded", "ambivalent", "engaged", "mobilizing"}
    assert set(common.moves) == set(FAMILIES)


BROKEN = {
    "broken_scenario_blank_situation.json": ("situation", "must not be empty"),
    "broken_scenario_blank_reply.json": ("replies.answer[1]", "expected non-empty text"),
    "broken_scenario_missing_replies.json": ("replies.defensive", "missing"),
    "broken_scenario_not_json.json": ("", "invalid JSON"),
    "broken_scenario_start_out_of_range.json": ("start.discord", "must be from 0 to 10"),
    "broken_scenario_two_replies.json": ("replies.sustain", "at least 3 items"),
    "broken_scenario_unknown_bucket.json": ("replies.cheerful", "unknown reply bucket"),
    "broken_scenario_unknown_speaker.json": ("opening[0].speaker", "unknown speaker 'Priya'"),
    "broken_scenario_wrong_version.json": ("schema_version", "version 2 is not supported"),
}


def test_every_broken_scenario_fixture_is_listed():
    assert {p.name for p in FIXTURES.glob("broken_scenario_*.json")} == set(BROKEN)


@pytest.mark.parametrize(("name", "expected"), sorted(BROKEN.items()))
def test_broken_scenario_names_file_and_key(name: str, expected: tuple[str, str]):
    key, problem = expected
    with pytest.raises(ContentError) as info:
        load_scenario_file(FIXTURES / name)
    assert info.value.file == name
    assert info.value.key == key
    assert problem in info.value.problem
    assert str(info.value).startswith(name)


# ---------------------------------------------------------------- dynamics


@pytest.mark.parametrize("scenario_id", IDS)
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_reflective_listening_draws_more_change_talk_than_advice_and_confrontation(
    scenario_id: str, seed: int
):
    good, poor = _hold(scenario_id, GOOD, seed), _hold(scenario_id, POOR, seed)
    assert {e.move for e in good.exchanges} <= {"reflection", "open_question", "affirm"}
    assert {e.move for e in poor.exchanges} <= {"advice", "confront"}
    g, p = good.counts(), poor.counts()
    assert g["change"] > p["change"]
    assert p["sustain"] > g["sustain"]
    assert good.client.discord < poor.client.discord
    assert good.client.readiness > poor.client.readiness
    assert good.client.engagement > poor.client.engagement
    # The coder, reading the client's words, sees the same difference.
    gs, ps = good.summary(), poor.summary()
    assert gs.client_talk["change"] > ps.client_talk["change"]
    assert ps.client_talk["sustain"] > gs.client_talk["sustain"]


@pytest.mark.parametrize("scenario_id", IDS)
def test_confrontation_raises_discord_and_reflection_lowers_it(scenario_id: str):
    talk = _hold(scenario_id, ["You are in denial about this.", "You are just making excuses."])
    assert talk.client.discord >= 5 and talk.client.band == "discord"
    assert [e.bucket for e in talk.exchanges] == ["defensive", "defensive"]
    calmer = talk.respond("You are fed up with people telling you what to do.")
    assert calmer.exchanges[-1].move == "reflection"
    assert calmer.client.discord < talk.client.discord
    assert calmer.exchanges[-1].bucket != "defensive"


def test_closed_questions_get_short_neutral_answers():
    talk = _hold("alcohol", ["Do you drink every day?", "Is it beer?", "Do you drink at home?"])
    assert [e.talk for e in talk.exchanges] == ["neutral"] * 3
    assert talk.client.engagement < start(SCENARIOS["alcohol"]).client.engagement + 1


ADVICE_ASKED = "Would it be OK if I shared some information? Many people find cutting down helps."


def test_advice_with_permission_is_weighed_not_resisted():
    talk = _hold("smoking", GOOD[:3] + [ADVICE_ASKED])
    assert talk.exchanges[-1].move == "advice_with_permission"
    assert talk.exchanges[-1].bucket == "considering"


def test_a_long_good_conversation_reaches_mobilizing_talk():
    talk = _hold("exercise", GOOD + GOOD[:4])
    assert "mobilizing" in {e.bucket for e in talk.exchanges}


def test_bands():
    assert band_of(ClientState(discord=6)) == "discord"
    assert band_of(ClientState(engagement=1)) == "guarded"
    assert band_of(ClientState(engagement=7, momentum=6, readiness=8)) == "mobilizing"
    assert band_of(ClientState(engagement=7, momentum=2)) == "engaged"
    assert band_of(ClientState()) == "ambivalent"
    assert ClientState().moved(discord=50, momentum=-50) == ClientState(discord=10, momentum=-10)


# ---------------------------------------------------------------- determinism and state


@pytest.mark.parametrize("scenario_id", IDS)
def test_same_seed_same_conversation_and_replay_rebuilds_it(scenario_id: str):
    a, b = _hold(scenario_id, GOOD, seed=5), _hold(scenario_id, GOOD, seed=5)
    assert a == b
    state = ConversationState.from_dict(json.loads(json.dumps(a.to_state().to_dict())))
    assert replay(state, SCENARIOS) == a


def test_different_seeds_vary_the_replies():
    texts = {tuple(e.reply.text for e in _hold("alcohol", GOOD, s).exchanges) for s in range(6)}
    assert len(texts) > 1


def test_replies_do_not_repeat_until_the_bucket_is_used_up():
    talk = _hold("alcohol", ["You are in denial."] * 4)
    replies = [e.reply.text for e in talk.exchanges]
    assert len(set(replies)) == 4


def test_state_round_trip_and_kind():
    state = _hold("workplace", GOOD[:2]).end().to_state()
    data = state.to_dict()
    assert data["kind"] == "practice_conversation" and data["schema_version"] == 1
    assert ConversationState.from_dict(data) == state
    assert replay(state, SCENARIOS).ended


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"schema_version": 2},
        {"schema_version": 1, "kind": "readiness_ruler"},
        {"schema_version": 1, "seed": -1},
        {"schema_version": 1, "seed": True},
        {"schema_version": 1, "turns": "hello"},
        {"schema_version": 1, "turns": [3]},
        {"schema_version": 1, "turns": ["   "]},
        {"schema_version": 1, "turns": ["x" * 5000]},
        {"schema_version": 1, "ended": "yes"},
    ],
)
def test_bad_saved_state_is_a_state_error(data):
    with pytest.raises(StateError):
        ConversationState.from_dict(data)


def test_unknown_scenario_cannot_be_replayed():
    with pytest.raises(StateError, match="unknown scenario"):
        replay(ConversationState("nope", 0, ()), SCENARIOS)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("raw", "problem"),
    [("", "blank"), ("   \u200b ", "blank"), ("x " * 5000, "too_long"), ("?!? ...", "no_words")],
)
def test_bad_turns_are_refused_and_nothing_changes(raw: str, problem: str):
    talk = start(SCENARIOS["alcohol"])
    with pytest.raises(TurnError) as info:
        talk.respond(raw)
    assert info.value.problem == problem
    assert str(info.value)


def test_html_is_kept_as_plain_text():
    talk = start(SCENARIOS["alcohol"]).respond("<b>You</b> feel <script>x()</script> stuck.")
    assert talk.exchanges[0].said == "<b>You</b> feel <script>x()</script> stuck."


def test_no_turns_after_the_end_or_past_the_limit():
    with pytest.raises(TurnError, match="ended"):
        start(SCENARIOS["alcohol"]).end().respond("Hello.")
    talk = _hold("alcohol", ["Do you drink every day?"] * MAX_TURNS)
    with pytest.raises(TurnError) as info:
        talk.respond("One more?")
    assert info.value.problem == "too_many"


# ---------------------------------------------------------------- review


def test_summary_moments_export_and_hints():
    talk = _hold("smoking", POOR[:2] + GOOD, seed=2)
    summary = talk.summary()
    assert summary.practitioner_turns == len(talk.exchanges)
    assert summary.client_turns == len(talk.exchanges) + 1
    assert summary.counts["Persuade"] + summary.counts["Confront"] == 2
    moments = talk.moments()
    assert moments[0].direction == "fell" and moments[0].index == 1
    assert any(m.direction == "rose" for m in moments)
    text = talk.export_text()
    parsed = parse_transcripts(text, name="export.txt")
    assert len(parsed.utterances) == 2 * len(talk.exchanges) + 1
    assert parsed.utterances[1].text == POOR[0]
    general, own = hint(talk, load_common(), 0)
    assert general and own in SCENARIOS["smoking"].hints


def test_workplace_replies_name_the_speaker():
    talk = _hold("workplace", GOOD[:2])
    assert all(e.reply.speaker in {"Maria", "Ben"} for e in talk.exchanges)
    assert talk.transcript().utterances[0].text.startswith(("(Maria)", "(Ben)"))
