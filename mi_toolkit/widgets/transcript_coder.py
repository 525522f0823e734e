"""TranscriptCoder: paste or upload a practice transcript, see it coded and scored."""

from __future__ import annotations

import base64
from typing import Any

import ipywidgets as widgets
import traitlets

from mi_toolkit.core.coder import CODE_NAMES, code_transcript
from mi_toolkit.core.content import load_text
from mi_toolkit.core.miti import MitiSummary, summarize
from mi_toolkit.core.ruler import StateError
from mi_toolkit.core.transcript import PRACTITIONER, TranscriptError, parse_transcripts
from mi_toolkit.core.transcript_practice import MAX_TRANSCRIPT_CHARS, TranscriptCoderState
from mi_toolkit.widgets._common import esc, html, message_html, stylesheet, surface_errors

__all__ = ["TranscriptCoder"]

MAX_ROWS_SHOWN = 300
SAMPLE = "transcripts/sample_exercise.txt"
_PLACEHOLDER = (
    "T: What brings you in today?\n"
    "C: My partner thinks I should cut down on drinking.\n"
    "T: Someone close to you is worried, and you came to see for yourself."
)
# A text label for every code (never colour alone); the CSS class adds a colour.
_FAMILY = {
    "Question": "question",
    "SR": "reflection",
    "CR": "reflection",
    "Affirm": "adherent",
    "Seek": "adherent",
    "Autonomy": "adherent",
    "Persuade": "non-adherent",
    "Confront": "non-adherent",
    "PersuadeWithPermission": "info",
    "GI": "info",
    "Other": "other",
}


class TranscriptCoder(widgets.VBox):
    """Code a transcript: every turn labelled with its reason, MITI summary, chart, feedback.

    Plain text uses ``T:``/``C:`` (or ``Practitioner:``/``Client:``,
    ``Counsellor:``/``Client:``) prefixes; CSV uses AnnoMI's columns. With expert
    labels in a CSV, the coder's agreement with them is shown too.

    Example::

        coder = TranscriptCoder()
        coder.text.value = "T: What brings you here?\\nC: My drinking."
        coder.code.click()
        coder.value.summaries[0]["counts"]["Question"]   # 1
    """

    value = traitlets.Instance(TranscriptCoderState)

    def __init__(
        self,
        *,
        sample: str | None = None,
        state: TranscriptCoderState | None = None,
        **kwargs: Any,
    ) -> None:
        # The packaged practice transcript unless the caller gives one ("" for none).
        self._sample = load_text(SAMPLE) if sample is None else sample
        self.text = widgets.Textarea(
            description="Transcript", placeholder=_PLACEHOLDER, rows=12, continuous_update=False
        )
        self.text.add_class("mi-transcript-text")
        self.upload = widgets.FileUpload(
            accept=".txt,.csv", multiple=False, description="Upload a transcript"
        )
        self.use_sample = widgets.Button(
            description="Use the sample transcript",
            tooltip="Put a short practice transcript in the box",
        )
        self.code = widgets.Button(description="Code the transcript", button_style="primary")
        self.status = html()
        self.choice = widgets.Dropdown(description="Show", options=[])
        self.choice.layout.display = "none"
        self.summary = html()
        self.chart = html()
        self.chart.add_class("mi-chart")
        self.table = html()
        buttons = [self.code, self.upload] + ([self.use_sample] if self._sample else [])
        super().__init__(
            [stylesheet(), self.text, widgets.HBox(buttons), self.status, self.choice,
             self.summary, self.chart, self.table],
            **kwargs,
        )  # fmt: skip
        self.add_class("mi-widget")
        self.add_class("mi-transcript-coder")
        self._summaries: list[MitiSummary] = []
        self._codings: list[tuple] = []
        self._transcripts: tuple = ()
        self.code.on_click(self._on_code)
        self.use_sample.on_click(self._on_sample)
        self.upload.observe(self._on_upload, names="value")
        self.choice.observe(self._on_choice, names="value")
        self._restoring = False
        self.restore(state or TranscriptCoderState())
        self.text.observe(self._on_text, names="value")

    # ------------------------------------------------------------ public

    def restore(self, state: TranscriptCoderState) -> None:
        """Show ``state``; a saved transcript is coded again (the coder is deterministic)."""
        self.value = state
        self._restoring = True
        try:
            self.text.value = state.text
        finally:
            self._restoring = False
        self._summaries, self._codings = [], []
        self.summary.value = self.chart.value = self.table.value = ""
        self.choice.layout.display = "none"
        if state.text.strip():
            self._run(state.text, state.source or "restored", save=False)

    # ------------------------------------------------------------ handlers

    @surface_errors("status")
    def _on_text(self, change: dict) -> None:
        """Keep what was typed, coded or not, so a reload does not lose it."""
        if self._restoring or change["new"] == self.value.text:
            return
        try:
            self.value = self.value.with_text(change["new"], source="your transcript")
        except StateError as exc:
            self.status.value = message_html(f"{exc}. It cannot be saved.", kind="warning")

    @surface_errors("status")
    def _on_sample(self, _button: widgets.Button) -> None:
        self.text.value = self._sample
        self.status.value = message_html("Sample transcript loaded: press Code the transcript.")

    @surface_errors("status")
    def _on_upload(self, change: dict) -> None:
        if not change["new"]:
            return
        file = change["new"][0]
        name = str(file.get("name", "upload"))
        self.upload.value = ()
        data = bytes(file["content"])
        if len(data) > MAX_TRANSCRIPT_CHARS * 4:
            self.status.value = message_html(
                f"{name} is too large ({len(data):,} bytes); the limit is about "
                f"{MAX_TRANSCRIPT_CHARS:,} characters.",
                kind="warning",
            )
            return
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.status.value = message_html(
                f"{name} is not UTF-8 text. Save it as UTF-8 (plain text or CSV) and try again.",
                kind="warning",
            )
            return
        self.text.value = text
        self._run(text, name, kind="csv" if name.lower().endswith(".csv") else "")

    @surface_errors("status")
    def _on_code(self, _button: widgets.Button) -> None:
        self._run(self.text.value, "your transcript")

    @surface_errors("status")
    def _on_choice(self, change: dict) -> None:
        if change["new"] is not None and self._summaries:
            self._render(change["new"])

    # ------------------------------------------------------------ work

    def _run(self, text: str, source: str, *, kind: str = "", save: bool = True) -> None:
        if not text.strip():
            self.status.value = message_html(
                "The box is empty: paste a transcript (lines starting with T: and C:) or "
                "upload a file.",
                kind="warning",
            )
            return
        try:
            state = self.value.with_text(text, source=source)
            parsed = parse_transcripts(text, name=source, kind=kind)
        except (StateError, TranscriptError) as exc:
            self.status.value = message_html(f"{exc}. Nothing was coded.", kind="warning")
            return
        if not parsed.transcripts:
            self.status.value = message_html("No turns were found in the text.", kind="warning")
            return
        self._codings = [code_transcript(t) for t in parsed.transcripts]
        self._summaries = [
            summarize(t, c) for t, c in zip(parsed.transcripts, self._codings, strict=True)
        ]
        self._transcripts = parsed.transcripts
        if save:
            self.value = state.with_summaries([s.to_dict() for s in self._summaries])
        turns = sum(len(t.utterances) for t in parsed.transcripts)
        self.status.value = message_html(
            f"Coded {turns:,} {'turn' if turns == 1 else 'turns'} in {len(parsed.transcripts)} "
            f"{'transcript' if len(parsed.transcripts) == 1 else 'transcripts'}. The coding is "
            "automatic: read each reason and decide whether you agree."
        )
        options = [(s.transcript_id, i) for i, s in enumerate(self._summaries)]
        with self.hold_trait_notifications():
            self.choice.options = options
            self.choice.value = 0
        self.choice.layout.display = "" if len(options) > 1 else "none"
        self._render(0)

    def _render(self, index: int) -> None:
        from mi_toolkit.miti_plots import describe_miti_chart, miti_summary_png

        s = self._summaries[index]
        self.summary.value = _summary_html(s)
        png = base64.b64encode(miti_summary_png(s)).decode("ascii")
        self.chart.value = (
            f'<img src="data:image/png;base64,{png}" alt="{esc(describe_miti_chart(s))}">'
        )
        self.table.value = _table_html(self._transcripts[index], self._codings[index])


def _fmt(value: float | None, percent: bool) -> str:
    if value is None:
        return "–"
    return f"{value:.0%}" if percent else f"{value:.2f}"


def _summary_html(s: MitiSummary) -> str:
    rows = [
        ("Reflections per question (R:Q)", _fmt(s.r_to_q, False), s.ratings["r_to_q"], "1", "2"),
        ("Complex reflections (%CR)", _fmt(s.pct_cr, True), s.ratings["pct_cr"], "40%", "50%"),
    ]
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    counts = (
        f"<p>Questions {s.questions} ({s.open_questions} open, {s.closed_questions} closed) · "
        f"reflections {s.reflections} ({s.counts['SR']} simple, {s.counts['CR']} complex) · "
        f"MI-adherent {s.mi_adherent} · MI non-adherent {s.mi_non_adherent} · client change "
        f"talk {s.client_talk['change']}, sustain talk {s.client_talk['sustain']}</p>"
    )
    feedback = "".join(f"<li>{esc(item)}</li>" for item in s.feedback)
    agreement = ""
    for name, a in s.agreement.items():
        acc = "–" if a.accuracy is None else f"{a.accuracy:.0%}"
        f1 = "–" if a.macro_f1 is None else f"{a.macro_f1:.2f}"
        head = "".join(f'<th scope="col">{esc(lab)}</th>' for lab in a.labels)
        cells = "".join(
            f'<tr><th scope="row">{esc(r)}</th>'
            + "".join(f"<td>{a.confusion[r][c]}</td>" for c in a.labels)
            + "</tr>"
            for r in a.labels
        )
        agreement += (
            f"<p>Agreement with the expert's {esc(name.replace('_', ' '))} labels: "
            f"{acc} of {a.n} turns (macro-F1 {f1}).</p>"
            f'<table class="mi-history"><caption>Expert (rows) against the coder (columns)'
            f'</caption><thead><tr><th scope="col">expert \\ coder</th>{head}</tr></thead>'
            f"<tbody>{cells}</tbody></table>"
        )
    return (
        f"<h3>MITI summary: {esc(s.transcript_id)}</h3>"
        '<table class="mi-history"><caption>Summary scores against the MITI 4.2.1 '
        'thresholds</caption><thead><tr><th scope="col">Score</th><th scope="col">Yours</th>'
        '<th scope="col">Rating</th><th scope="col">Fair</th><th scope="col">Good</th>'
        f"</tr></thead><tbody>{body}</tbody></table>{counts}"
        f"<p>The global scores (relational, technical) need a trained listener and are not "
        f"computed.</p><h4>Feedback</h4><ul>{feedback}</ul>{agreement}"
    )


def _label(coding: Any) -> tuple[str, str]:
    if coding.speaker == PRACTITIONER:
        name = CODE_NAMES[coding.code]
        if coding.question_type:
            name = f"{coding.question_type} {name}"
        return name, _FAMILY.get(coding.code, "other")
    name = f"{coding.code} talk"
    if coding.darn_cat and coding.code != "neutral":
        name += f" ({coding.darn_cat.replace('_', ' ')})"
    return name, coding.code


def _table_html(transcript: Any, codings: tuple) -> str:
    shown = list(zip(transcript.utterances, codings, strict=True))[:MAX_ROWS_SHOWN]
    rows = []
    for u, c in shown:
        label, family = _label(c)
        who = "Practitioner" if u.speaker == PRACTITIONER else "Client"
        rows.append(
            f"<tr><td>{esc(u.utterance_id)}</td><td>{who}</td><td>{esc(u.text)}</td>"
            f'<td><span class="mi-code mi-code-{esc(family)}">{esc(label)}</span></td>'
            f"<td>{esc(c.reason)}</td></tr>"
        )
    more = len(transcript.utterances) - len(shown)
    note = f"<p>The first {MAX_ROWS_SHOWN} turns are shown; all {len(codings):,} are counted.</p>"
    return (
        '<div class="mi-table-scroll"><table class="mi-history mi-coded"><caption>Every turn, '
        'coded</caption><thead><tr><th scope="col">#</th><th scope="col">Speaker</th>'
        '<th scope="col">What was said</th><th scope="col">Code</th><th scope="col">Why</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>" + (note if more > 0 else "")
    )
