"""MITI 4.2.1 summary scores, thresholds, feedback wording and agreement with experts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mi_toolkit.core.coder import Coding
from mi_toolkit.core.content import ContentError, load_content
from mi_toolkit.core.miti import (
    Threshold,
    agreement,
    format_summary,
    load_miti_texts,
    summarize,
)
from mi_toolkit.core.transcript import CLIENT, PRACTITIONER, parse_transcripts, read_transcripts

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"


def _coded(*codes: str) -> tuple:
    """A transcript of one practitioner turn per code (client turns for talk types)."""
    lines, codings = [], []
    for c in codes:
        if c in ("change", "sustain", "neutral"):
            lines.append("C: ...")
            codings.append(Coding(CLIENT, c, "given", 1.0, talk_type=c))
        else:
            lines.append("T: ...")
            qtype = "open" if c == "Question" else None
            codings.append(Coding(PRACTITIONER, c, "given", 1.0, (c,), qtype, "other"))
    t = parse_transcripts("\n".join(lines), name="given.txt").transcripts[0]
    return t, codings


def test_counts_ratios_and_ratings():
    t, codings = _coded("Question", "SR", "CR", "CR", "Affirm", "Persuade", "change", "neutral")
    s = summarize(t, codings)
    assert s.questions == 1
    assert s.reflections == 3
    assert s.counts["CR"] == 2
    assert s.r_to_q == 3.0
    assert s.pct_cr == pytest.approx(2 / 3)
    assert s.ratings == {"r_to_q": "good", "pct_cr": "good"}
    assert s.mi_adherent == 1
    assert s.mi_non_adherent == 1
    assert s.client_talk == {"change": 1, "neutral": 1, "sustain": 0}
    assert s.practitioner_turns == 6 and s.client_turns == 2


def test_the_example_from_the_issue_reads_naturally():
    t, codings = _coded(*(["Question"] * 14 + ["SR"] * 5))
    s = summarize(t, codings)
    assert s.ratings["r_to_q"] == "below fair"
    assert s.feedback[0].startswith("You asked 14 questions and offered 5 reflections")
    assert "try following a question with a reflection" in s.feedback[0]


def test_no_questions_is_not_a_division_by_zero():
    t, codings = _coded("SR", "CR")
    s = summarize(t, codings)
    assert s.r_to_q is None
    assert s.ratings["r_to_q"] == "not computed (no questions)"
    assert "asked no questions" in s.feedback[0]
    assert s.to_dict()["r_to_q"] is None


def test_no_reflections_and_nothing_at_all():
    t, codings = _coded("Question", "Question")
    s = summarize(t, codings)
    assert s.pct_cr is None
    assert s.ratings["pct_cr"] == "not computed (no reflections)"
    assert "no reflections" in s.feedback[0]
    t, codings = _coded("Other", "neutral")
    s = summarize(t, codings)
    assert s.r_to_q is None and s.pct_cr is None
    assert s.feedback[0] == "There were no questions and no reflections to score yet."


def test_thresholds_from_the_manual():
    texts = load_miti_texts()
    assert texts.thresholds["pct_cr"] == Threshold(texts.thresholds["pct_cr"].label, 0.4, 0.5)
    assert (texts.thresholds["r_to_q"].fair, texts.thresholds["r_to_q"].good) == (1.0, 2.0)
    rq = texts.thresholds["r_to_q"]
    assert [rq.rate(v) for v in (0.5, 1.0, 1.99, 2.0, None)] == [
        "below fair",
        "fair",
        "fair",
        "good",
        "not computed",
    ]


def test_global_scores_are_not_invented():
    t, codings = _coded("Question", "SR")
    d = summarize(t, codings).to_dict()
    assert d["global_scores"] is None
    assert "cannot be computed" in d["notes"]["globals"]
    assert not {"relational", "technical"} & set(d)


def test_client_feedback_is_worded_as_a_suggestion():
    t, codings = _coded("Question", "change", "sustain", "neutral")
    s = summarize(t, codings)
    client = s.feedback[-1]
    assert client.startswith("Suggestion to check")
    assert "1 change-talk statement and 1 sustain-talk statement" in client


def test_adherence_feedback_names_the_codes():
    t, codings = _coded("Question", "SR", "Confront", "Persuade", "Persuade", "Seek")
    s = summarize(t, codings)
    text = " ".join(s.feedback)
    assert "3 turns counted as MI non-adherent (2 persuade, 1 confront)" in text
    assert "1 turn counted as MI-adherent (1 seeking collaboration)" in text


def test_summary_of_an_annotated_file_reports_agreement():
    parsed = read_transcripts(FIXTURES / "annomi_style.csv")
    s = summarize(parsed.transcripts[0])
    assert set(s.agreement) == {"therapist_behaviour", "client_talk_type"}
    four = s.agreement["therapist_behaviour"]
    assert four.n == sum(1 for u in parsed.transcripts[0].utterances if u.speaker == PRACTITIONER)
    assert 0 <= four.accuracy <= 1
    d = s.to_dict()
    assert d["schema_version"] == 1
    assert d["transcript_id"] == "901"
    json.dumps(d)  # plain JSON
    text = format_summary(s)
    assert "practitioner, AnnoMI's four labels: accuracy" in text
    assert "expert \\ coder" in text


def test_a_raw_transcript_has_no_agreement_section():
    parsed = read_transcripts(FIXTURES / "raw_session.txt")
    s = summarize(parsed.transcripts[0])
    assert s.agreement == {}
    assert "Agreement" not in format_summary(s)
    assert "Global scores    not computed" in format_summary(s)


def test_codings_must_match_the_turns():
    t, codings = _coded("Question", "SR")
    with pytest.raises(ValueError, match="codings"):
        summarize(t, codings[:1])


# ---------------------------------------------------------------- agreement


def test_agreement_accuracy_confusion_and_macro_f1():
    ref = ["question", "question", "reflection", "reflection", "other"]
    pred = ["question", "reflection", "reflection", "reflection", "question"]
    a = agreement(ref, pred, labels=("question", "reflection", "therapist_input", "other"))
    assert a.accuracy == pytest.approx(3 / 5)
    assert a.confusion["question"] == {
        "question": 1,
        "reflection": 1,
        "therapist_input": 0,
        "other": 0,
    }
    q = a.per_class["question"]
    assert (q["precision"], q["recall"]) == (0.5, 0.5)
    r = a.per_class["reflection"]
    assert r["precision"] == pytest.approx(2 / 3) and r["recall"] == 1.0
    assert a.per_class["therapist_input"]["f1"] is None  # never used by either side
    assert a.macro_f1 == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    assert "therapist_input" in a.table()


def test_agreement_edge_cases():
    empty = agreement([], [], labels=("a", "b"))
    assert empty.accuracy is None and empty.macro_f1 is None and empty.n == 0
    with pytest.raises(ValueError, match="2 reference labels but 1"):
        agreement(["a", "b"], ["a"], labels=("a", "b"))
    with pytest.raises(ValueError, match="'c' is not one of"):
        agreement(["a"], ["c"], labels=("a", "b"))


# ---------------------------------------------------------------- content


def test_packaged_thresholds_load():
    data = load_content("miti_thresholds.json")
    assert data["schema_version"] == 1
    texts = load_miti_texts()
    assert "rq_below_fair" in texts.feedback


@pytest.mark.parametrize(
    ("mutate", "key", "phrase"),
    [
        (lambda d: d.update(schema_version=3), "schema_version", "not supported"),
        (lambda d: d["thresholds"]["pct_cr"].update(fair=0.6), "thresholds.pct_cr.fair", "above"),
        (lambda d: d["thresholds"]["r_to_q"].update(good="2"), "thresholds.r_to_q.good", "number"),
        (lambda d: d["feedback"].pop("rq_good"), "feedback.rq_good", "missing"),
        (
            lambda d: d["feedback"].update(rq_fair="You asked {questoins}."),
            "feedback.rq_fair",
            "unknown placeholder {questoins}",
        ),
        (lambda d: d["notes"].update(globals="{"), "notes.globals", "bad template"),
    ],
)
def test_broken_threshold_file_names_the_key(tmp_path: Path, mutate, key: str, phrase: str):
    data = load_content("miti_thresholds.json")
    mutate(data)
    path = tmp_path / "t.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_miti_texts(path)
    assert info.value.key == key
    assert phrase in str(info.value)
