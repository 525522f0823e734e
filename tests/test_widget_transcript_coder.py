"""TranscriptCoder and its state, driven without a browser."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from mi_toolkit.core.ruler import StateError
from mi_toolkit.core.transcript_practice import MAX_TRANSCRIPT_CHARS, TranscriptCoderState
from mi_toolkit.miti_plots import describe_miti_chart, miti_summary_png
from mi_toolkit.widgets.transcript_coder import MAX_ROWS_SHOWN, TranscriptCoder

SHORT = (
    "T: What brings you in today?\n"
    "C: My wife wants me to stop smoking.\n"
    "T: Someone you love is worried, and you came to find out more."
)


def upload(widget: TranscriptCoder, name: str, data: bytes) -> None:
    now = dt.datetime.now(dt.UTC)
    widget.upload.value = (
        {"name": name, "type": "", "size": len(data), "content": memoryview(data),
         "last_modified": now},
    )  # fmt: skip


def test_coding_pasted_text_shows_codes_reasons_summary_and_chart() -> None:
    coder = TranscriptCoder()
    coder.text.value = SHORT
    coder.code.click()
    assert "Coded 3 turns in 1 transcript" in coder.status.value
    summary = coder.value.summaries[0]
    assert summary["counts"]["Question"] == 1
    assert summary["questions"]["open"] == 1
    assert "open question" in coder.table.value
    assert "Why" in coder.table.value and "it starts with" in coder.table.value
    assert "R:Q" in coder.summary.value and "%CR" in coder.summary.value
    assert "not computed" in coder.summary.value  # the global scores are not invented
    alt = re.search(r'alt="([^"]+)"', coder.chart.value).group(1)
    assert "Reflection-to-question ratio" in alt


def test_learner_html_is_escaped_everywhere() -> None:
    coder = TranscriptCoder()
    coder.text.value = 'T: <img src=x onerror="alert(1)"> how are you?\nC: <b>fine</b>'
    coder.code.click()
    shown = coder.table.value + coder.summary.value + coder.status.value
    assert "<img src=x" not in shown and "<b>fine" not in shown
    assert "&lt;b&gt;fine&lt;/b&gt;" in coder.table.value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The box is empty"),
        ("   \n  ", "The box is empty"),
        ("no speaker labels here", "line 1"),
    ],
)
def test_bad_text_gets_a_clear_message_and_keeps_earlier_results(text: str, message: str) -> None:
    coder = TranscriptCoder()
    coder.text.value = SHORT
    coder.code.click()
    table = coder.table.value
    coder.text.value = text
    coder.code.click()
    assert message in coder.status.value
    assert coder.table.value == table


def test_huge_text_is_refused_with_a_message() -> None:
    coder = TranscriptCoder()
    coder.text.value = "T: " + "a" * (MAX_TRANSCRIPT_CHARS + 10)
    assert "limit" in coder.status.value
    coder.code.click()
    assert "limit" in coder.status.value and coder.value.summaries == ()


def test_odd_unicode_is_coded() -> None:
    coder = TranscriptCoder()
    coder.text.value = "T: ¿Qué te trae por aquí? 🚶\u200b\nC: Quiero dejar de fumar, مرحبا"
    coder.code.click()
    assert "Coded 2 turns" in coder.status.value


def test_upload_of_csv_with_expert_labels_shows_agreement() -> None:
    csv_text = (
        "transcript_id,utterance_id,interlocutor,utterance_text,main_therapist_behaviour,"
        "client_talk_type\n"
        "7,0,therapist,What would you like to change?,question,n/a\n"
        "7,1,client,I want to drink less.,n/a,change\n"
        "7,2,therapist,You want to drink less.,reflection,n/a\n"
    )
    coder = TranscriptCoder()
    upload(coder, "session.csv", csv_text.encode())
    assert "Coded 3 turns" in coder.status.value
    assert "Agreement with the expert" in coder.summary.value
    assert coder.value.source == "session.csv"


def test_upload_that_is_not_utf8_is_refused() -> None:
    coder = TranscriptCoder()
    upload(coder, "latin.txt", "T: ¿qué?".encode("latin-1"))
    assert "not UTF-8" in coder.status.value


def test_several_transcripts_can_be_chosen() -> None:
    rows = ["transcript_id,utterance_id,interlocutor,utterance_text"]
    for tid in ("a", "b"):
        rows += [f"{tid},0,therapist,How are things?", f"{tid},1,client,Fine."]
    coder = TranscriptCoder()
    upload(coder, "two.csv", "\n".join(rows).encode())
    assert coder.choice.layout.display != "none"
    assert [label for label, _ in coder.choice.options] == ["a", "b"]
    coder.choice.value = 1
    assert "MITI summary: b" in coder.summary.value


def test_long_transcripts_show_the_first_rows_and_count_all() -> None:
    coder = TranscriptCoder()
    coder.text.value = "\n".join(["T: Tell me more.", "C: Okay."] * 400)
    coder.code.click()
    assert coder.table.value.count("<tr>") == MAX_ROWS_SHOWN + 1  # plus the header row
    assert "all 800 are counted" in coder.table.value


def test_sample_button_and_restore_recode_the_saved_text() -> None:
    coder = TranscriptCoder()
    coder.use_sample.click()
    coder.code.click()
    again = TranscriptCoder(state=TranscriptCoderState.from_dict(coder.value.to_dict()))
    assert again.text.value == coder.text.value
    assert again.table.value == coder.table.value
    assert TranscriptCoder(sample="").children[2].children[-1] is not coder.use_sample


def test_typed_text_is_kept_in_the_state_before_coding() -> None:
    coder = TranscriptCoder()
    seen = []
    coder.observe(lambda change: seen.append(change["new"]), names="value")
    coder.text.value = SHORT
    assert coder.value.text == SHORT and coder.value.summaries == ()
    assert seen


def test_state_rejects_bad_saved_data() -> None:
    for bad in (None, {"schema_version": 2}, {"schema_version": 1, "text": 3},
                {"schema_version": 1, "summaries": ["x"]}):  # fmt: skip
        with pytest.raises(StateError):
            TranscriptCoderState.from_dict(bad)


def test_chart_png_and_alt_text() -> None:
    from mi_toolkit.core.miti import summarize
    from mi_toolkit.core.transcript import parse_transcripts

    summary = summarize(parse_transcripts(SHORT, name="x").transcripts[0])
    assert miti_summary_png(summary)[:4] == b"\x89PNG"
    alt = describe_miti_chart(summary)
    assert "question 1" in alt and "fair is 40%" in alt
