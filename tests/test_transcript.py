"""Reading transcripts: plain text and AnnoMI-style CSV; every broken file names its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mi_toolkit.core.transcript import (
    CLIENT,
    PRACTITIONER,
    TranscriptError,
    load_corpus,
    parse_transcripts,
    read_transcripts,
)

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"

# file -> (line named in the error, or None for the whole file; a phrase of the problem)
BROKEN = {
    "broken_text_before_label.txt": (1, "text before the first speaker label"),
    "broken_missing_interlocutor.csv": (1, "missing column 'interlocutor'"),
    "broken_bad_interlocutor.csv": (3, "row 2: interlocutor is 'doctor'"),
    "broken_field_count.csv": (3, "row 2 has 4 fields, the header has 3"),
    "broken_bad_label.csv": (4, "main_therapist_behaviour is 'summary'"),
    "broken_header_only.csv": (1, "header but no rows"),
    "broken_not_utf8.txt": (2, "not UTF-8"),
    "broken_empty.txt": (None, "empty"),
    "broken_duplicate_column.csv": (1, "column 'utterance_text' appears twice"),
    "broken_unclosed_quote.csv": (2, "quoted field is never closed"),
}


def test_every_broken_fixture_is_listed():
    on_disk = {p.name for p in FIXTURES.glob("broken_*")}
    assert on_disk == set(BROKEN)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_file_names_file_line_and_problem(name: str):
    line, phrase = BROKEN[name]
    with pytest.raises(TranscriptError) as info:
        read_transcripts(FIXTURES / name)
    err = info.value
    assert err.line == line
    assert name in str(err)
    assert phrase in str(err)
    if line is not None:
        assert f"line {line}:" in str(err)
    assert "\n" not in str(err)


# ---------------------------------------------------------------- plain text


def test_plain_text_prefixes_continuations_and_blank_lines():
    parsed = read_transcripts(FIXTURES / "raw_session.txt")
    assert parsed.kind == "text"
    assert len(parsed.transcripts) == 1
    t = parsed.transcripts[0]
    assert t.transcript_id == "raw_session"
    assert not t.has_labels
    speakers = [u.speaker for u in t.utterances]
    assert speakers == [PRACTITIONER, CLIENT] * 4 + [PRACTITIONER]
    # The continuation line joins the client's turn; the blank line is skipped.
    assert t.utterances[1].text == (
        "My drinking, I suppose. My partner keeps bringing it up. "
        "We argued about it again on Sunday."
    )
    assert [u.line for u in t.utterances[:3]] == [1, 3, 5]
    assert [u.utterance_id for u in t.utterances] == [str(i) for i in range(9)]
    assert all(u.row is None for u in t.utterances)


@pytest.mark.parametrize(
    "label",
    ["T", "t", "C", "Practitioner", "CLIENT", "Counsellor", "counselor", "Therapist"],
)
def test_every_speaker_label_is_understood(label: str):
    parsed = parse_transcripts(f"{label}: Hello there.", name="x.txt")
    expected = CLIENT if label.lower() in ("c", "client") else PRACTITIONER
    assert parsed.utterances[0].speaker == expected
    assert parsed.utterances[0].text == "Hello there."


def test_bom_crlf_and_empty_turns_are_accepted(tmp_path: Path):
    path = tmp_path / "s.txt"
    path.write_bytes("\ufeffT: Hi.\r\nC:\r\nT: What brings you in?\r\n".encode())
    parsed = read_transcripts(path)
    assert [u.text for u in parsed.utterances] == ["Hi.", "", "What brings you in?"]
    assert parsed.utterances[0].speaker == PRACTITIONER


def test_a_colon_inside_a_continuation_line_does_not_start_a_turn():
    parsed = parse_transcripts("T: Plan:\nNote: two steps.\nC: Okay.", name="x.txt")
    assert [u.text for u in parsed.utterances] == ["Plan: Note: two steps.", "Okay."]


def test_html_and_odd_unicode_are_kept_as_plain_data():
    text = "T: <script>alert('x')</script> \u202eevil\u200b \U0001f642\nC: caf\u00e9 \u2014 ok"
    parsed = parse_transcripts(text, name="x.txt")
    assert parsed.utterances[0].text == "<script>alert('x')</script> \u202eevil\u200b \U0001f642"
    assert parsed.utterances[1].text == "caf\u00e9 \u2014 ok"


def test_missing_file_is_a_transcript_error(tmp_path: Path):
    with pytest.raises(TranscriptError, match="cannot open"):
        read_transcripts(tmp_path / "nope.txt")


def test_binary_garbage_names_the_line(tmp_path: Path):
    path = tmp_path / "b.txt"
    path.write_bytes(b"T: ok\nC: fine\n\xff\xfe\x00garbage\n")
    with pytest.raises(TranscriptError) as info:
        read_transcripts(path)
    assert info.value.line == 3


def test_a_large_file_is_read(tmp_path: Path):
    path = tmp_path / "big.txt"
    turns = ["T: What else?", "C: I want to cut down."] * 25_000
    path.write_text("\n".join(turns), encoding="utf-8")
    parsed = read_transcripts(path)
    assert len(parsed.utterances) == 50_000
    assert parsed.utterances[-1].line == 50_000


# ---------------------------------------------------------------- CSV


def test_annomi_csv_with_labels_and_two_transcripts():
    parsed = read_transcripts(FIXTURES / "annomi_style.csv")
    assert parsed.kind == "csv"
    assert [t.transcript_id for t in parsed.transcripts] == ["901", "902", "903"]
    assert all(t.has_labels for t in parsed.transcripts)
    first = parsed.transcripts[0].utterances[0]
    assert first.speaker == PRACTITIONER
    assert first.labels == {"therapist_behaviour": "other"}
    assert first.row is not None and first.row["video_title"] == "Demo one"
    client = parsed.transcripts[0].utterances[1]
    assert client.labels == {"client_talk_type": "neutral"}  # "n/a" is no label
    assert parsed.columns[0] == "transcript_id"
    assert len(parsed.utterances) == sum(len(t.utterances) for t in parsed.transcripts)


def test_raw_csv_needs_only_interlocutor_and_text():
    parsed = read_transcripts(FIXTURES / "raw_min.csv")
    t = parsed.transcripts[0]
    assert t.transcript_id == "raw_min"
    assert not t.has_labels
    assert [u.utterance_id for u in t.utterances] == ["0", "1"]
    assert t.utterances[1].text == "My doctor, mostly."


def test_csv_is_sniffed_from_the_header_whatever_the_suffix(tmp_path: Path):
    path = tmp_path / "export.txt"
    path.write_text("interlocutor,utterance_text\ntherapist,Hi.\nclient,Hello.\n", "utf-8")
    assert read_transcripts(path).kind == "csv"


def test_csv_quoted_newlines_commas_bom_and_blank_lines(tmp_path: Path):
    path = tmp_path / "q.csv"
    body = (
        "\ufefftranscript_id,interlocutor,utterance_text\r\n"
        '7,therapist,"Two lines,\r\nwith a comma and ""quotes"""\r\n'
        "\r\n"
        "7,client,Fine.\r\n"
    )
    path.write_bytes(body.encode("utf-8"))
    parsed = read_transcripts(path)
    assert parsed.utterances[0].text == 'Two lines,\r\nwith a comma and "quotes"'
    assert parsed.utterances[1].line == 5
    assert parsed.columns == ("transcript_id", "interlocutor", "utterance_text")


def test_labels_are_normalised_and_miti_codes_read():
    text = (
        "interlocutor,utterance_text,main_therapist_behaviour,client_talk_type,miti_code,darn_cat\n"
        "Therapist,Hi.,Therapist Input,n/a,persuadewithpermission,n/a\n"
        "client,I will.,n/a,Change,,commitment\n"
    )
    parsed = parse_transcripts(text, name="l.csv", kind="csv")
    assert parsed.utterances[0].labels == {
        "therapist_behaviour": "therapist_input",
        "miti_code": "PersuadeWithPermission",
    }
    assert parsed.utterances[1].labels == {"client_talk_type": "change", "darn_cat": "commitment"}


def test_unknown_miti_code_names_the_row():
    text = "interlocutor,utterance_text,miti_code\ntherapist,Hi.,Greeting\n"
    with pytest.raises(TranscriptError, match=r"line 2: row 1: miti_code is 'Greeting'"):
        parse_transcripts(text, name="m.csv", kind="csv")


# ---------------------------------------------------------------- the corpus


CORPUS = Path(__file__).parents[1] / "mi_toolkit" / "content" / "corpus" / "mi_corpus.csv"
needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="corpus not written yet")


@needs_corpus
def test_corpus_loads_with_labels_on_every_turn():
    transcripts = load_corpus()
    assert len(transcripts) >= 10
    for t in transcripts:
        assert t.has_labels
        for u in t.utterances:
            key = "therapist_behaviour" if u.speaker == PRACTITIONER else "client_talk_type"
            assert key in u.labels, (t.transcript_id, u.utterance_id)
            if u.speaker == PRACTITIONER:
                assert "miti_code" in u.labels


@needs_corpus
def test_corpus_splits_are_whole_conversations():
    train, test = load_corpus("train"), load_corpus("test")
    assert train and test
    assert {t.transcript_id for t in train}.isdisjoint({t.transcript_id for t in test})
    assert len(train) + len(test) == len(load_corpus())
    for t in train + test:
        assert len({(u.row or {}).get("split") for u in t.utterances}) == 1
