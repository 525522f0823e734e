"""The hand-in report for the practice activities: reflections, sorting, OARS, transcripts.

States are built by driving the core models, as the widgets do; each kind is
rendered as Markdown and as one self-contained HTML page, and a broken state of
each kind gets the readable paragraph instead of the layout (never an exception).
"""

from __future__ import annotations

import base64
import html
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from mi_toolkit.core.journal import Entry
from mi_toolkit.core.miti import summarize as miti_summarize
from mi_toolkit.core.oars import ClassifyAnswer, OarsState, check_response, load_oars_content
from mi_toolkit.core.reflection import ReflectionState, check_reflection, load_reflection_content
from mi_toolkit.core.sorter import (
    EarsAnswer,
    SorterState,
    check_sort,
    describe_confusions,
    load_deck,
    summarize,
)
from mi_toolkit.core.transcript import parse_transcripts
from mi_toolkit.core.transcript_practice import TranscriptCoderState
from mi_toolkit.report import RENDERERS, build_sections, to_html, to_markdown
from mi_toolkit.report_kinds import Figure, Paragraph, Table

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
EVIL = "<script>alert('x')</script><img src=x onerror=alert(1)> & | *b*"
FAKE_PNG = b"\x89PNG\r\n\x1a\n fake"
KINDS = ("reflection_builder", "change_talk_sorter", "oars_practice", "transcript_coder")


# ---------------------------------------------------------------- states, as the widgets make them


def reflection_state(extra: str = "") -> dict:
    """Three attempts on 'simple' statement 1 (a question, a simple, a complex reflection)
    and one on a 'complex' statement; ``extra`` is one more attempt on the first."""
    content = load_reflection_content()
    first = content.statements_for("simple")[0]
    second = content.statements_for("complex")[0]
    state = ReflectionState()
    tries = [
        (first, "simple", "So you want to sleep better?"),
        (first, "simple", first.models[0].text),
        (first, "simple", "You feel frustrated and worn out."),
        (second, "complex", "Without coffee you couldn't function at all."),
    ]
    if extra:
        tries.append((first, "simple", extra))
    for statement, level, text in tries:
        feedback = check_reflection(text, statement, level, content)
        state = state.show(statement.id).record(statement.id, level, feedback, T0)
    return state.to_dict()


def sorter_state() -> dict:
    """Three cards: one right, one with the talk type wrong, one change card with the
    wrong DARN-CAT kind; and two EARS labels (one right)."""
    deck = load_deck()
    change = [c for c in deck.cards if c.talk == "change"]
    sustain = next(c for c in deck.cards if c.talk == "sustain")
    state = SorterState()
    wrong_kind = next(k for k in ("desire", "ability") if k != change[1].kind)
    for card, talk, kind in (
        (change[0], "change", change[0].kind),
        (sustain, "neutral", None),
        (change[1], "change", wrong_kind),
    ):
        state = state.answer(check_sort(deck, card, talk, kind).answer)
    for item, chosen in (
        (deck.ears_items[0], deck.ears_items[0].answer),
        (deck.ears_items[1], "none"),
    ):
        state = state.answer_ears(EarsAnswer(item.id, chosen, item.answer))
    return state.to_dict()


def oars_state(extra: str = "") -> dict:
    """Four responses to the first vignette (two read as asked) and one classify answer."""
    content, reflection = load_oars_content(), load_reflection_content()
    vignette = content.vignettes[0]
    state = OarsState().show(vignette.id)
    tries = [
        ("open", "What would you like to be different?"),
        ("open", "Do you work nights?"),
        ("affirm", "Great job!"),
        ("reflect", "You are worried about your health."),
    ]
    if extra:
        tries.append(("reflect", extra))
    for kind, text in tries:
        state = state.record(
            vignette.id, check_response(kind, text, vignette, content, reflection), T0
        )
    item = content.classify[0]
    return state.classify(ClassifyAnswer(item.id, "other", item.answer)).to_dict()


TRANSCRIPT = (
    "T: What brings you here today?\n"
    "C: My drinking, I guess. I want to cut down.\n"
    "T: You're worried about where it's heading.\n"
    "C: Yes. I don't want my kids to see me like that.\n"
    "T: Your children matter a great deal to you.\n"
    "C: They do.\n"
    "T: Do you drink every day?\n"
    "C: Most days.\n"
)


def transcript_state(name: str = "session.txt", text: str = TRANSCRIPT, kind: str = "") -> dict:
    parsed = parse_transcripts(text, name=name, kind=kind).transcripts
    state = TranscriptCoderState().with_text(text, source="pasted")
    return state.with_summaries([miti_summarize(t).to_dict() for t in parsed]).to_dict()


def entry(state: dict, activity: str = "practice", lesson: str = "03_practice") -> Entry:
    return Entry("ana", lesson, activity, state, "2024-03-01T09:30:00+00:00")


@pytest.fixture
def fast_png(monkeypatch: pytest.MonkeyPatch) -> None:
    import mi_toolkit.sorter_plots

    monkeypatch.setattr(mi_toolkit.sorter_plots, "confusion_png", lambda summary, deck: FAKE_PNG)


STATES = {
    "reflection_builder": reflection_state,
    "change_talk_sorter": sorter_state,
    "oars_practice": oars_state,
    "transcript_coder": transcript_state,
}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def tables(blocks) -> dict[str, list[Table]]:
    found: dict[str, list[Table]] = {}
    for block in blocks:
        if isinstance(block, Table):
            found.setdefault(block.caption, []).append(block)
    return found


def texts(blocks) -> list[str]:
    return [b.text for b in blocks if isinstance(b, Paragraph)]


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "section", "p",
    "table", "caption", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip


# ---------------------------------------------------------------- the registry


def test_every_practice_kind_has_a_layout():
    assert set(KINDS) <= set(RENDERERS)
    assert "readiness_ruler" in RENDERERS


# ---------------------------------------------------------------- reflection builder


def test_reflections_show_each_statement_its_attempts_and_judgements():
    content = load_reflection_content()
    first = content.statements_for("simple")[0]
    second = content.statements_for("complex")[0]
    [section] = build_sections([entry(reflection_state())])
    paragraphs = texts(section.blocks)
    assert (
        paragraphs[0]
        == "4 reflections checked on 2 client statements; 2 met the task of their level."
    )
    assert f"Client statement ({first.topic}): “{first.text}”" in paragraphs
    assert f"Client statement ({second.topic}): “{second.text}”" in paragraphs
    [one, two] = tables(section.blocks)["Your reflections"]
    assert one.headers == (
        "#",
        "Level",
        "Your reflection",
        "Judged as",
        "Level's task met",
        "Checked at",
    )
    assert [r[3] for r in one.rows] == [
        "question",
        "simple reflection",
        "complex reflection: feeling",
    ]
    assert [r[4] for r in one.rows] == ["no", "yes", "no"]
    assert {r[1] for r in one.rows} == {content.level("simple").label}
    assert one.rows[0][2] == "So you want to sleep better?"
    assert one.rows[0][5] == "2024-03-01T09:30:00+00:00"
    assert two.rows == (
        (
            "1",
            content.level("complex").label,
            "Without coffee you couldn't function at all.",
            "complex reflection: amplified",
            "yes",
            "2024-03-01T09:30:00+00:00",
        ),
    )


def test_reflections_without_attempts_say_so():
    [section] = build_sections([entry(ReflectionState().to_dict())])
    assert texts(section.blocks)[0] == "No reflections checked yet."


def test_a_statement_no_longer_offered_is_named_not_fatal():
    state = reflection_state()
    state["attempts"][0]["statement_id"] = "retired-statement"
    [section] = build_sections([entry(state)])
    assert "Client statement 'retired-statement' (no longer offered)" in texts(section.blocks)


# ---------------------------------------------------------------- change-talk sorter


def test_sorting_shows_the_score_the_chart_and_each_card():
    deck = load_deck()
    state = sorter_state()
    [section] = build_sections([entry(state)])
    blocks = section.blocks
    assert texts(blocks)[0] == "Score: talk type right 2 of 3; DARN-CAT kind right 1 of 2."
    [figure] = [b for b in blocks if isinstance(b, Figure)]
    assert figure.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert figure.alt == describe_confusions(summarize(SorterState.from_dict(state)), deck)
    assert "Most confused" in figure.alt
    [cards] = tables(blocks)["Sorted cards"]
    assert cards.headers == ("#", "Client statement", "Your answer", "Expected", "Right")
    assert [r[4] for r in cards.rows] == ["yes", "no", "talk type only"]
    sustain = next(c for c in deck.cards if c.talk == "sustain")
    assert cards.rows[1][1:4] == (sustain.text, "Neutral", "Sustain talk")
    assert cards.rows[2][2].startswith("Change talk: ")
    assert "EARS responses: right 1 of 2." in texts(blocks)
    [ears] = tables(blocks)["EARS responses labelled"]
    assert ears.rows[0][1] == deck.ears_items[0].response
    assert [r[4] for r in ears.rows] == ["yes", "no"]


def test_sorting_with_no_answers_has_no_chart():
    [section] = build_sections([entry(SorterState().to_dict())])
    assert texts(section.blocks)[0] == "No cards sorted yet."
    assert not any(isinstance(b, Figure) for b in section.blocks)


# ---------------------------------------------------------------- OARS practice


def test_oars_shows_each_response_with_the_kind_asked_and_how_it_read():
    content = load_oars_content()
    vignette = content.vignettes[0]
    [section] = build_sections([entry(oars_state())])
    paragraphs = texts(section.blocks)
    assert paragraphs[0] == "4 responses checked; 2 read as the kind asked for."
    assert f"Vignette: {vignette.title}. The client said: “{vignette.client}”" in paragraphs
    [responses] = tables(section.blocks)["Your responses"]
    assert responses.headers == (
        "#",
        "Asked for",
        "Your response",
        "Reads as",
        "As asked",
        "Checked at",
    )
    assert [r[1] for r in responses.rows] == [
        content.kinds[k].label for k in ("open", "open", "affirm", "reflect")
    ]
    assert [r[3] for r in responses.rows] == [
        "an open question",
        "a closed question",
        "general praise",
        "a reflection",
    ]
    assert [r[4] for r in responses.rows] == ["yes", "no", "no", "yes"]
    assert "Quick classify: right 0 of 1." in paragraphs
    [classified] = tables(section.blocks)["Responses classified"]
    assert classified.rows[0][1] == content.classify[0].response
    assert classified.rows[0][4] == "no"


def test_oars_with_nothing_written_says_so():
    [section] = build_sections([entry(OarsState().to_dict())])
    assert texts(section.blocks) == [
        "No responses checked yet.",
        "Last saved: 2024-03-01T09:30:00+00:00",
    ]


# ---------------------------------------------------------------- transcript coder


def test_transcripts_show_scores_rated_against_the_thresholds_counts_and_feedback():
    state = transcript_state()
    saved = state["summaries"][0]
    [section] = build_sections([entry(state)])
    blocks = section.blocks
    paragraphs = texts(blocks)
    assert paragraphs[0].startswith("1 transcript coded (source: pasted).")
    assert "Transcript session: 4 practitioner turns, 4 client turns." in paragraphs
    [scores] = tables(blocks)["Summary scores against the MITI thresholds"]
    assert scores.headers == ("Score", "Value", "Rating", "Fair from", "Good from")
    rq, cr = scores.rows
    assert rq[0].startswith("Reflection-to-question ratio")
    assert rq[1:] == (f"{saved['r_to_q']:.2f}", saved["ratings"]["r_to_q"], "1.00", "2.00")
    assert cr[2:] == (saved["ratings"]["pct_cr"], "40%", "50%")
    [counts] = tables(blocks)["Practitioner behaviour counts"]
    rows = dict(counts.rows)
    assert rows["question"] == str(saved["counts"]["Question"])
    assert rows["complex reflection"] == str(saved["counts"]["CR"])
    adherent = next(k for k in rows if k.startswith("MI-adherent"))
    assert rows[adherent] == str(saved["mi_adherent"])
    assert rows["MI non-adherent (confront, persuade)"] == str(saved["mi_non_adherent"])
    assert "Client talk" in tables(blocks)
    assert saved["feedback"] and all(line in paragraphs for line in saved["feedback"])
    assert not any(isinstance(b, Figure) for b in blocks)  # the chart needs a MitiSummary


def test_a_score_that_cannot_be_computed_says_why():
    state = transcript_state(text="T: You're here today.\nC: Yes.\n")
    [section] = build_sections([entry(state)])
    [scores] = tables(section.blocks)["Summary scores against the MITI thresholds"]
    assert scores.rows[0][1:3] == ("not computed", "not computed (no questions)")


def test_several_transcripts_each_get_their_summary():
    text = (
        "transcript_id,utterance_id,interlocutor,utterance_text\n"
        "first,0,therapist,How are you?\nfirst,1,client,Fine.\n"
        "second,0,therapist,You are tired.\nsecond,1,client,Yes.\n"
    )
    state = transcript_state(name="pair.csv", text=text, kind="csv")
    assert len(state["summaries"]) == 2
    [section] = build_sections([entry(state)])
    assert texts(section.blocks)[0].startswith("2 transcripts coded")
    assert len(tables(section.blocks)["Summary scores against the MITI thresholds"]) == 2
    names = [t for t in texts(section.blocks) if t.startswith("Transcript ")]
    assert [n.split(":")[0] for n in names] == ["Transcript first", "Transcript second"]


def test_a_transcript_coder_with_nothing_coded_says_so():
    [section] = build_sections([entry(TranscriptCoderState().to_dict())])
    assert texts(section.blocks)[0] == "No transcript coded yet."


# ---------------------------------------------------------------- Markdown and HTML, every kind


def all_entries() -> list[Entry]:
    return [entry(make(), activity=kind) for kind, make in STATES.items()]


def test_html_of_every_kind_is_self_contained(fast_png):
    page = to_html(all_entries(), "ana")
    lower = page.lower()
    for outside in ("http://", "https://", "<script", "<link", "@import", "url(", "//cdn"):
        assert outside not in lower
    parsed = parse(page)
    assert {tag for tag, _ in parsed.tags} <= ALLOWED_TAGS
    for tag, attrs in parsed.tags:
        if "src" in attrs:
            assert attrs["src"].startswith("data:image/png;base64,"), tag
    images = [attrs for tag, attrs in parsed.tags if tag == "img"]
    assert len(images) == 1 and images[0]["alt"].startswith("Chart of your sorting")
    assert "could not be shown" not in page
    text = " ".join(parsed.text)
    for shown in ("Your reflections", "Sorted cards", "Your responses", "Practitioner behaviour"):
        assert shown in text


def test_markdown_of_every_kind_keeps_its_tables(fast_png):
    text = to_markdown(all_entries(), "ana")
    assert "could not be shown" not in text
    assert "http" not in text
    for caption in (
        "Your reflections",
        "Sorted cards",
        "Your responses",
        "EARS responses labelled",
    ):
        assert f"*{caption}*" in text
    # every row of each table has as many cells as its header (pipes in text are escaped)
    block: list[str] = []
    tables_seen = 0
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            block.append(line)
        elif block:
            widths = {len(re.split(r"(?<!\\)\|", row)) for row in block}
            assert len(widths) == 1, block
            tables_seen += 1
            block = []
    assert tables_seen >= 8


def test_the_sorter_chart_is_a_real_png_in_both_formats():
    state = sorter_state()
    page = to_html([entry(state)], "ana")
    [src] = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert base64.b64decode(src).startswith(b"\x89PNG\r\n\x1a\n")
    markdown = to_markdown([entry(state)], "ana")
    assert re.search(r"!\[Chart of your sorting[^\]]*\]\(data:image/png;base64,", markdown)


def test_learner_text_with_html_is_escaped_in_every_kind(fast_png):
    transcript = f"T: {EVIL}?\nC: {EVIL}\n"
    entries = [
        entry(reflection_state(extra=EVIL), activity="reflect"),
        entry(oars_state(extra=EVIL), activity="oars"),
        entry(transcript_state(name=EVIL, text=transcript) | {"source": EVIL}, activity="code"),
    ]
    page = to_html(entries, "ana")
    assert "could not be shown" not in page
    assert "<script" not in page and "<img src=x" not in page
    parsed = parse(page)
    assert {tag for tag, _ in parsed.tags} <= ALLOWED_TAGS
    assert all(not name.startswith("on") for _, attrs in parsed.tags for name in attrs)
    assert "".join(parsed.text).count(EVIL) >= 2  # the reflection and the OARS response
    assert html.escape(EVIL) in page
    markdown = to_markdown(entries, "ana")
    assert "<script" not in markdown and "<img" not in markdown
    assert "&lt;script&gt;" in markdown


# ---------------------------------------------------------------- broken states fall back


def _broken() -> dict[str, tuple[str, dict]]:
    """case -> (kind, broken state of that kind)."""
    refl, sort, oars, code = (make() for make in STATES.values())
    first_summary = code["summaries"][0]

    def summary(**changes) -> dict:
        return {**code, "summaries": [{**first_summary, **changes}]}

    cases = {
        "reflection newer schema": {**refl, "schema_version": 9},
        "reflection attempts not a list": {**refl, "attempts": "many"},
        "reflection attempt unknown level": {
            **refl,
            "attempts": [{**refl["attempts"][0], "level": "expert"}],
        },
        "reflection attempt bad time": {
            **refl,
            "attempts": [{**refl["attempts"][0], "checked_at": "yesterday"}],
        },
        "reflection attempt not an object": {**refl, "attempts": [None]},
        "sorter unknown talk": {**sort, "answers": [{**sort["answers"][0], "talk": "shouting"}]},
        "sorter negative position": {**sort, "position": -1},
        "sorter ears unknown": {**sort, "ears_answers": [{"item_id": "x", "chosen": "?"}]},
        "oars unknown kind": {**oars, "attempts": [{**oars["attempts"][0], "kind": "advice"}]},
        "oars ok not a bool": {**oars, "attempts": [{**oars["attempts"][0], "ok": "yes"}]},
        "oars classify position": {**oars, "classify_position": True},
        "oars text not text": {**oars, "attempts": [{**oars["attempts"][0], "text": 7}]},
        "transcript newer schema": {**code, "schema_version": 2},
        "transcript summaries not a list": {**code, "summaries": {"a": 1}},
        "transcript summary not an object": {**code, "summaries": [[1, 2]]},
        "transcript summary newer": {**code, "summaries": [{"schema_version": 5}]},
        "transcript summary counts": summary(counts={"Question": -2}),
        "transcript summary unknown code": summary(counts={"Shouting": 1}),
        "transcript summary r_to_q text": summary(r_to_q="lots"),
        "transcript summary r_to_q nan": summary(r_to_q=float("nan")),
        "transcript summary feedback": summary(feedback=[1, 2]),
        "transcript summary ratings": summary(ratings={"r_to_q": 3}),
        "transcript summary questions": summary(questions={"open": "two"}),
        "transcript summary turns": summary(practitioner_turns=True),
    }
    prefixes = dict(zip(("reflection", "sorter", "oars", "transcript"), KINDS, strict=True))
    out = {case: (prefixes[case.split()[0]], state) for case, state in cases.items()}
    for kind in KINDS:  # only a kind: no schema version, nothing else
        out[f"{kind} with nothing but its kind"] = (kind, {"kind": kind})
    return out


BROKEN = _broken()


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_state_of_each_kind_gets_the_readable_paragraph(case: str, fast_png):
    kind, state = BROKEN[case]
    assert state["kind"] == kind
    entries = [
        Entry("ana", "03_practice", "broken", state, "t"),
        entry(STATES[kind](), activity="fine"),
    ]
    sections = build_sections(entries)
    first = sections[0].blocks
    assert [type(b) for b in first] == [Paragraph, Paragraph]
    assert first[0].text.startswith("This activity could not be shown in full (")
    assert first[1].text == "Last saved: t"
    assert "could not be shown" not in " ".join(texts(sections[1].blocks))
    for text in (to_html(entries, "ana"), to_markdown(entries, "ana")):
        assert text.count("could not be shown in full") == 1  # the good one is shown


def test_a_failing_layout_never_loses_the_report(monkeypatch: pytest.MonkeyPatch, fast_png):
    import mi_toolkit.report

    def broken(state):
        raise RuntimeError("chart backend missing")

    monkeypatch.setitem(mi_toolkit.report.RENDERERS, "oars_practice", broken)
    entries = [entry(oars_state(), activity="a"), entry(reflection_state(), activity="b")]
    page = to_html(entries, "ana")
    assert "could not be shown in full (chart backend missing)" in page
    assert "Your reflections" in page
